/**
 * A tiny real MCP server (stdio) whose tool asks the client a question mid-call (MCP elicitation, form mode) and
 * returns what it got back, so a test sees exactly what reached the server. Run with `node --import tsx`.
 *
 * - `book_table`: asks for the booking's name and guests (guests defaults to 2), answers `{ action, content }`; when the
 *   client declared no elicitation capability it answers `{ asked: false }` without asking. With ASKING_PID_FILE set, a
 *   call writes the server's process id there first (a test kills that server mid-question).
 */
import fs from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const BOOKING_QUESTION = 'Which name is the table booked under, and for how many guests?';

const server = new McpServer({ name: 'asking', version: '1.0.0' });

server.registerTool('book_table', {
  inputSchema: { restaurant: z.string() },
  outputSchema: { asked: z.boolean(), action: z.string().optional(), content: z.record(z.string(), z.unknown()).optional() },
  annotations: { idempotentHint: true },
}, async () => {
  if (process.env.ASKING_PID_FILE) fs.writeFileSync(process.env.ASKING_PID_FILE, String(process.pid)); // whoever is asking now
  if (!server.server.getClientCapabilities()?.elicitation) {
    const structuredContent = { asked: false };
    return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
  }
  const answer = await server.server.elicitInput({
    mode: 'form',
    message: BOOKING_QUESTION,
    requestedSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', title: 'Name', minLength: 2 },
        guests: { type: 'integer', title: 'Guests', minimum: 1, maximum: 12, default: 2 },
      },
      required: ['name'],
    },
  }, { timeout: 24 * 3600_000 });
  const structuredContent = { asked: true, action: answer.action, ...(answer.content ? { content: answer.content } : {}) };
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
});

await server.connect(new StdioServerTransport());
