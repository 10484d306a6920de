/** The filesystem server's sandbox: seeded once from samples, and no way out of it through the tools. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createToolActivities, type ToolActivities } from '../src/activities/mcp.js';
import { ensureSandbox, SAMPLE_FILES, sandboxDir } from '../src/mcp/sandbox.js';
import { activityEnv, filesystemSpec, rejectsWith, tempDir, testPool } from './helpers/mcp.js';
import { toolText } from '../src/shared/tool-result.js';

function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
}

describe('ensureSandbox', () => {
  it('creates <ORCHESTRA_HOME>/files from the project samples when it is absent', async () => {
    const home = tempDir('home');
    const sandbox = await ensureSandbox({ dir: sandboxDir(home) });
    assert.deepEqual(sandbox, { dir: path.join(home, 'files'), seeded: true });
    assert.ok(listTree(SAMPLE_FILES).includes('inbox/urgent-outage-report.txt'), 'the project samples are there');
    assert.deepEqual(listTree(sandbox.dir), listTree(SAMPLE_FILES));
    assert.deepEqual(fs.readdirSync(home), ['files'], 'no staging folder left behind');
  });

  it('never overwrites what the user changed, added or deleted', async () => {
    const samples = tempDir('samples');
    fs.mkdirSync(path.join(samples, 'documents'));
    fs.writeFileSync(path.join(samples, 'documents', 'a.md'), 'sample A\n');
    fs.writeFileSync(path.join(samples, 'documents', 'b.md'), 'sample B\n');
    const dir = path.join(tempDir('home'), 'files');

    assert.equal((await ensureSandbox({ dir, samples })).seeded, true);
    fs.writeFileSync(path.join(dir, 'documents', 'a.md'), 'edited by the user\n');
    fs.rmSync(path.join(dir, 'documents', 'b.md'));
    fs.writeFileSync(path.join(samples, 'documents', 'c.md'), 'a newer sample\n');

    assert.equal((await ensureSandbox({ dir, samples })).seeded, false);
    assert.deepEqual(listTree(dir), ['documents', 'documents/a.md']);
    assert.equal(fs.readFileSync(path.join(dir, 'documents', 'a.md'), 'utf8'), 'edited by the user\n');
  });

  it('seeds an empty folder, and concurrent workers seed it once', async () => {
    const samples = tempDir('samples');
    fs.writeFileSync(path.join(samples, 'readme.txt'), 'hello\n');
    const dir = path.join(tempDir('home'), 'files');
    fs.mkdirSync(dir);
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureSandbox({ dir, samples })));
    assert.equal(results.filter((r) => r.seeded).length, 1);
    assert.deepEqual(listTree(dir), ['readme.txt']);
    assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['files']);
  });

  it('creates an empty sandbox when there are no samples', async () => {
    const dir = path.join(tempDir('home'), 'files');
    assert.deepEqual(await ensureSandbox({ dir, samples: path.join(dir, '..', 'none') }), { dir, seeded: false });
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe('filesystem sandbox', () => {
  let base: string;
  let sandbox: string;
  let outside: string;
  let pool: ReturnType<typeof testPool>;
  let tools: ToolActivities;

  before(async () => {
    base = tempDir('escape');
    sandbox = path.join(base, 'files');
    outside = path.join(base, 'secrets');
    await ensureSandbox({ dir: sandbox });
    fs.mkdirSync(path.join(sandbox, 'documents'), { recursive: true });
    fs.writeFileSync(path.join(sandbox, 'documents', 'inside.md'), 'inside\n');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'password.txt'), 'hunter2\n');
    fs.symlinkSync(path.join(outside, 'password.txt'), path.join(sandbox, 'documents', 'link-to-password.txt'));
    fs.symlinkSync(outside, path.join(sandbox, 'secrets-dir'));
    pool = testPool([filesystemSpec(sandbox)]);
    tools = createToolActivities(pool);
  });

  after(async () => {
    await pool.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const call = (tool: string, args: Record<string, unknown>) => activityEnv().run(tools.callTool, { server: 'filesystem', tool, args });
  const denied = { type: 'AccessDenied', nonRetryable: true, message: /Access denied/ };

  it('reads inside the sandbox, by relative or absolute path', async () => {
    assert.equal(toolText(await call('read_text_file', { path: 'documents/inside.md' })), 'inside\n');
    assert.equal(toolText(await call('read_text_file', { path: path.join(sandbox, 'documents', 'inside.md') })), 'inside\n');
  });

  it('rejects ../ escapes', async () => {
    await rejectsWith(call('read_text_file', { path: '../secrets/password.txt' }), denied);
    await rejectsWith(call('read_text_file', { path: 'documents/../../secrets/password.txt' }), denied);
    await rejectsWith(call('list_directory', { path: '..' }), denied);
    await rejectsWith(call('search_files', { path: '../secrets', pattern: '**/*' }), denied);
  });

  it('rejects absolute paths outside the root', async () => {
    await rejectsWith(call('read_text_file', { path: path.join(outside, 'password.txt') }), denied);
    await rejectsWith(call('read_text_file', { path: '/etc/passwd' }), denied);
    await rejectsWith(call('get_file_info', { path: base }), denied);
  });

  it('rejects symlinks inside the sandbox that point outside it', async () => {
    await rejectsWith(call('read_text_file', { path: 'documents/link-to-password.txt' }), { ...denied, message: /symlink target outside allowed directories/ });
    await rejectsWith(call('list_directory', { path: 'secrets-dir' }), denied);
    await rejectsWith(call('read_text_file', { path: 'secrets-dir/password.txt' }), denied);
  });

  it('writes nothing outside the sandbox', async () => {
    await rejectsWith(call('write_file', { path: '../secrets/planted.txt', content: 'x' }), denied);
    await rejectsWith(call('write_file', { path: 'documents/link-to-password.txt', content: 'overwritten' }), denied);
    await rejectsWith(call('write_file', { path: 'secrets-dir/planted.txt', content: 'x' }), denied);
    await rejectsWith(call('create_directory', { path: '../secrets/new-dir' }), denied);
    await rejectsWith(call('move_file', { source: 'documents/inside.md', destination: '../secrets/moved.md' }), denied);
    assert.deepEqual(fs.readdirSync(outside), ['password.txt']);
    assert.equal(fs.readFileSync(path.join(outside, 'password.txt'), 'utf8'), 'hunter2\n');
    assert.ok(fs.existsSync(path.join(sandbox, 'documents', 'inside.md')));
  });
});
