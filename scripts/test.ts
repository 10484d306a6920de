/**
 * `npm test`: resolves the Temporal binaries once (installing them into the tool cache if needed, with one line said),
 * then runs every test file under test/ with node's built-in runner. Each test, and each test file as a whole (node 20
 * times the file too), gets `TEST_TIMEOUT_MS` (default 10 minutes, generous for a loaded 2-core machine), so a
 * regression that hangs fails instead of hanging `npm test`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLocal, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../src/runtime/binaries.js';
import { projectRoot } from '../src/runtime/paths.js';

for (const tool of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
  const found = findLocal(tool);
  if (found) process.env[tool.envVar] = found; // test processes skip the lookup
}

// Tests' spans go to a scratch file, not the user's trace file (a test that reads traces names its own).
const scratchSpans = path.join(os.tmpdir(), `orchestra-test-spans-${process.pid}.jsonl`);
process.env.ORCHESTRA_TRACE_FILE ??= scratchSpans;
// Worker processes under test serve metrics on a free port, and no SDK endpoint (fixed ports would clash).
process.env.ORCHESTRA_METRICS_PORT ??= '0';
process.env.ORCHESTRA_SDK_METRICS_PORT ??= 'off';

const filter = process.argv.slice(2);
const files = fs.readdirSync(path.join(projectRoot, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => !filter.length || filter.some((word) => f.includes(word)))
  .sort()
  .map((f) => path.join('test', f));

const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 600_000);

const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  `--test-timeout=${testTimeoutMs}`, ...files,
], { cwd: projectRoot, stdio: 'inherit' });
fs.rmSync(scratchSpans, { force: true });
process.exit(result.status ?? 1);
