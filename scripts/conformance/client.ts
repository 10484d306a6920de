/**
 * The client under test for the MCP conformance suite's client scenarios (`npm run conformance`): Orchestra's own MCP
 * pool, configured the way a user configures it (an mcp.config.json entry with a `url` and, where the scenario needs
 * it, `oauth` settings whose secrets come from the environment), listing the server's tools and calling each one.
 *
 * The suite passes the server URL as the last argument, the scenario in MCP_CONFORMANCE_SCENARIO and, for scenarios
 * with credentials, MCP_CONFORMANCE_CONTEXT. The person of the authorization-code flow is played by a scripted
 * browser that visits the authorization URL (the suite's authorization server approves at once and redirects to the
 * loopback listener, exactly as in `orchestra mcp login`). The elicitation "person" answers with an empty form, so
 * the defaults of the requested schema apply (SEP-1034).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { startLoopbackUserAgent } from '../../src/mcp/auth/loopback.js';
import { TokenStore } from '../../src/mcp/auth/token-store.js';
import { parseMcpConfig } from '../../src/mcp/config.js';
import { McpPool, type Tool } from '../../src/mcp/pool.js';

/** A Client ID Metadata Document URL (SEP-991) for servers that accept one instead of registration. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

const Context = z.looseObject({
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  private_key_pem: z.string().optional(),
  signing_algorithm: z.string().optional(),
});

async function main(): Promise<void> {
  const url = process.argv.at(-1)!;
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const context = Context.parse(JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}'));
  // The credentials reach the config as a user's would: through environment variables.
  const env = {
    ...process.env,
    CONFORMANCE_CLIENT_ID: context.client_id ?? '',
    CONFORMANCE_CLIENT_SECRET: context.client_secret ?? '',
    CONFORMANCE_PRIVATE_KEY: context.private_key_pem ?? '',
  };
  const oauth = scenario === 'auth/client-credentials-jwt'
    ? { grant: 'client_credentials', clientId: '${CONFORMANCE_CLIENT_ID}', privateKey: '${CONFORMANCE_PRIVATE_KEY}', signingAlgorithm: context.signing_algorithm ?? 'ES256' }
    : scenario === 'auth/client-credentials-basic'
      ? { grant: 'client_credentials', clientId: '${CONFORMANCE_CLIENT_ID}', clientSecret: '${CONFORMANCE_CLIENT_SECRET}' }
      : scenario === 'auth/pre-registration'
        ? { clientId: '${CONFORMANCE_CLIENT_ID}', clientSecret: '${CONFORMANCE_CLIENT_SECRET}' }
        : { clientMetadataUrl: CLIENT_METADATA_URL };
  const config = parseMcpConfig({ mcpServers: { conformance: { url, oauth } } }, { source: 'conformance', env });

  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-conformance-'));
  const browser = await startLoopbackUserAgent({
    show: async (authorizationUrl) => {
      await (await fetch(authorizationUrl)).text(); // follows the redirect to the loopback listener
    },
  });
  const pool = new McpPool(config, {
    log: (message) => process.stderr.write(`${message}\n`),
    auth: { store: new TokenStore(configDir), userAgent: browser },
    handlers: { elicitation: async () => ({ action: 'accept', content: {} }) },
  });
  try {
    for (const tool of await pool.listTools('conformance')) {
      const result = await pool.callTool('conformance', { name: tool.name, arguments: sampleArguments(tool) });
      process.stderr.write(`${tool.name}: ${JSON.stringify(result.content)}\n`);
    }
  } finally {
    await pool.close();
    await browser.close();
    fs.rmSync(configDir, { recursive: true, force: true });
  }
}

/** Arguments that satisfy the tool's required properties (the suite's tools check types, not values). */
function sampleArguments(tool: Tool): Record<string, unknown> {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
  const samples: Record<string, unknown> = { number: 1, integer: 1, string: 'test', boolean: true, array: [], object: {} };
  return Object.fromEntries((tool.inputSchema.required ?? []).map((name) => [name, samples[properties[name]?.type ?? 'object']]));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`conformance client: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
