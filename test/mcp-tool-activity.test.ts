/** The callTool activity against the real filesystem server over stdio, run with a real activity Context. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToolActivities, type ToolActivities } from '../src/activities/mcp.js';
import { activityEnv, filesystemSpec, rejectsWith, tempDir, testPool } from './helpers/mcp.js';
import { toolText } from '../src/shared/tool-result.js';

describe('callTool activity (filesystem server)', () => {
  let root: string;
  let pool: ReturnType<typeof testPool>;
  let tools: ToolActivities;

  before(() => {
    root = tempDir('tools');
    fs.mkdirSync(path.join(root, 'documents'));
    fs.mkdirSync(path.join(root, 'logs'));
    fs.writeFileSync(path.join(root, 'documents', 'q3-report.md'), '# Q3 report\n\nRevenue grew 12%.\n');
    fs.writeFileSync(path.join(root, 'documents', 'notes.txt'), 'call the supplier\n');
    fs.writeFileSync(path.join(root, 'logs', 'app.log'), 'INFO start\nERROR disk full\n');
    pool = testPool([filesystemSpec(root)]);
    tools = createToolActivities(pool);
  });

  after(async () => {
    await pool.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads a file and returns one clean result: the structured content the server gives', async () => {
    const result = await activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'read_text_file', args: { path: 'documents/q3-report.md' } });
    assert.deepEqual(result, { content: '# Q3 report\n\nRevenue grew 12%.\n' });
    assert.equal(toolText(result), '# Q3 report\n\nRevenue grew 12%.\n');
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'JSON-serialisable for history');
  });

  it('offers typed wrappers for the everyday filesystem tools', async () => {
    const env = activityEnv();
    assert.equal(await env.run(tools.fsReadTextFile, { path: 'logs/app.log', head: 1 }), 'INFO start');
    assert.deepEqual((await env.run(tools.fsSearchFiles, { path: '.', pattern: '**/*.md' })).map((p) => path.relative(root, p)), ['documents/q3-report.md']);
    assert.deepEqual(await env.run(tools.fsSearchFiles, { path: '.', pattern: '**/*.pdf' }), []);
    assert.deepEqual(await env.run(tools.fsListDirectory, { path: 'documents' }), [
      { name: 'notes.txt', type: 'file' }, { name: 'q3-report.md', type: 'file' },
    ].sort((a, b) => a.name.localeCompare(b.name)));
    await env.run(tools.fsWriteFile, { path: 'documents/summary.md', content: 'Revenue up.\n' });
    assert.equal(fs.readFileSync(path.join(root, 'documents', 'summary.md'), 'utf8'), 'Revenue up.\n');
  });

  it('lists tools with their retry safety', async () => {
    const listed = await activityEnv().run(tools.listTools, { server: 'filesystem' });
    const byName = new Map(listed.map((tool) => [tool.name, tool]));
    assert.equal(byName.get('read_text_file')?.safety, 'read-only');
    assert.equal(byName.get('write_file')?.safety, 'idempotent');
    assert.equal(byName.get('edit_file')?.safety, 'unsafe');
    assert.equal(byName.get('move_file')?.safety, 'unsafe');
  });

  it('fails an unknown server or tool as non-retryable ToolNotFound', async () => {
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'mail', tool: 'send', args: {} }), {
      type: 'ToolNotFound', nonRetryable: true, message: /no MCP server "mail" is configured \(configured: filesystem\)/,
    });
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'delete_everything', args: {} }), {
      type: 'ToolNotFound', nonRetryable: true, message: /has no tool "delete_everything" \(it offers: .*read_text_file/,
    });
  });

  it('checks arguments against the input schema before calling, naming the field', async () => {
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'read_text_file', args: { path: 42 } }), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /^Invalid arguments for filesystem\.read_text_file: path: must be string$/,
    });
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'edit_file', args: { path: 'documents/notes.txt', edits: [{ oldText: 'a' }] } }), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /edits\[0\]\.newText: is required/,
    });
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'read_text_file', args: {} }), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /path: is required/,
    });
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'write_file', args: { path: 'documents/new.md', content: 5 } }), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /content: must be string/,
    });
    assert.ok(!fs.existsSync(path.join(root, 'documents', 'new.md')), 'nothing reached the server');
    await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: '', args: {} }), {
      type: 'InvalidInput', nonRetryable: true, message: /tool: must name a tool/,
    });
  });

  it('maps error results to typed failures carrying the server text', async () => {
    const missing = await rejectsWith(activityEnv().run(tools.callTool, { server: 'filesystem', tool: 'read_text_file', args: { path: 'documents/absent.md' } }), {
      type: 'FileNotFound', nonRetryable: true, message: /filesystem\.read_text_file: ENOENT: no such file or directory/,
    });
    assert.deepEqual(missing.details, [{ label: 'filesystem.read_text_file', text: missing.message.replace('filesystem.read_text_file: ', '') }]);
    // An edit whose text is not in the file: an error the server does not classify. Repeating a destructive,
    // non-idempotent edit could apply it twice, so the activity refuses to retry it (UnsafeToRetry) — even with a key
    // the tool cannot take.
    await rejectsWith(activityEnv().run(tools.callTool, {
      server: 'filesystem', tool: 'edit_file', idempotencyKey: 'ignored',
      args: { path: 'documents/notes.txt', edits: [{ oldText: 'no such text', newText: 'x' }] },
    }), { type: 'UnsafeToRetry', nonRetryable: true, message: /may or may not have taken effect \(ToolError: .*Could not find exact match.*an idempotency key was given but the tool has no "idempotency_key" argument/s });
    await rejectsWith(activityEnv().run(tools.callTool, {
      server: 'filesystem', tool: 'edit_file', args: { path: 'documents/notes.txt', edits: [{ oldText: 'no such text', newText: 'x' }], dryRun: true },
    }), { type: 'UnsafeToRetry', nonRetryable: true, message: /the call has no idempotency key, so a repeat could apply it twice/ });
  });

  it('keeps retrying errors of tools that are safe to repeat', async () => {
    const blocked = path.join(root, 'documents', 'blocked.md');
    fs.mkdirSync(blocked, { recursive: true }); // a directory where a file is expected
    const write = { server: 'filesystem', tool: 'write_file', args: { path: 'documents/blocked.md', content: 'x' } };
    await rejectsWith(activityEnv().run(tools.callTool, write), { type: 'ToolError', nonRetryable: false, message: /EISDIR/ });
    // write_file is idempotent: the retry calls the server again (no not-applied marker needed) and now succeeds.
    fs.rmdirSync(blocked);
    await activityEnv({ attempt: 2 }).run(tools.callTool, write);
    assert.equal(fs.readFileSync(blocked, 'utf8'), 'x');
  });

  it('does not repeat a destructive, non-idempotent call blindly', async () => {
    const notes = path.join(root, 'documents', 'notes.txt');
    const edit = { server: 'filesystem', tool: 'edit_file', args: { path: 'documents/notes.txt', edits: [{ oldText: 'supplier', newText: 'supplier today' }] } };
    // A retry after an attempt whose outcome is unknown (a timeout, a crash): refused without calling the server.
    await rejectsWith(activityEnv({ attempt: 2 }).run(tools.callTool, edit), {
      type: 'UnsafeToRetry', nonRetryable: true, message: /Not repeating filesystem\.edit_file: attempt 1 may already have taken effect/,
    });
    assert.equal(fs.readFileSync(notes, 'utf8'), 'call the supplier\n');
    // A retry after an attempt that recorded it never reached the server: allowed.
    const result = await activityEnv({ attempt: 3, heartbeatDetails: { notAppliedAttempt: 2, reason: 'server unavailable' } }).run(tools.callTool, edit);
    assert.match(toolText(result), /supplier today/);
    assert.equal(fs.readFileSync(notes, 'utf8'), 'call the supplier today\n');
    // The first attempt simply runs.
    await activityEnv().run(tools.callTool, { ...edit, args: { ...edit.args, edits: [{ oldText: ' today', newText: '' }] } });
    assert.equal(fs.readFileSync(notes, 'utf8'), 'call the supplier\n');
  });

  it('runs outside an activity too (scripts), without heartbeats or cancellation', async () => {
    const result = await tools.callTool({ server: 'filesystem', tool: 'get_file_info', args: { path: 'documents/notes.txt' } });
    assert.match(toolText(result), /isFile: true/);
  });
});
