/**
 * `npm test`: the everyday suite, every test file under test/ but test/system/. `npm run test:system`: the end-to-end
 * suite in test/system/ (the README run as written, the CLI as a process, `npm start`, worker processes, crashes), each
 * file a few minutes. `npm test -- WORD…` runs the files of either suite whose names contain a word.
 *
 * It resolves the Temporal binaries once (installing them into the tool cache if needed, with one line said) and
 * bundles the workflows once for every test process (ORCHESTRA_TEST_WORKFLOW_BUNDLE; a file run on its own bundles
 * for itself), then runs the files with node's built-in runner. Each test, and each test file as a whole (node 20
 * times the file too), gets `TEST_TIMEOUT_MS` (default 10 minutes, generous for a loaded 2-core machine), so a
 * regression that hangs fails instead of hanging the suite.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { findLocal, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../src/runtime/binaries.js';
import { projectRoot } from '../src/runtime/paths.js';
import { workflowBundleOptions } from '../src/workers/worker.js';

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

const system = process.argv.includes('--system');
const filter = process.argv.slice(2).filter((arg) => arg !== '--system');
const inSystem = (f: string) => f.startsWith(`system${path.sep}`);
const files = fs.readdirSync(path.join(projectRoot, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => (filter.length ? filter.some((word) => f.includes(word)) : inSystem(f) === system))
  .sort()
  .map((f) => path.join('test', f));
if (!files.length) {
  process.stderr.write(`test: no test file's name contains ${filter.map((w) => JSON.stringify(w)).join(' or ')}\n`);
  process.exit(1);
}

// One workflow bundle for every test process (each would otherwise spend seconds of CPU building the same one).
const bundleFile = path.join(os.tmpdir(), `orchestra-test-bundle-${process.pid}.js`);
const bundle = await bundleWorkflowCode({ ...workflowBundleOptions, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
fs.writeFileSync(bundleFile, bundle.code);
process.env.ORCHESTRA_TEST_WORKFLOW_BUNDLE = bundleFile;

const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 600_000);

const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  `--test-timeout=${testTimeoutMs}`, ...files,
], { cwd: projectRoot, stdio: 'inherit' });
fs.rmSync(scratchSpans, { force: true });
fs.rmSync(bundleFile, { force: true });
process.exit(result.status ?? 1);
