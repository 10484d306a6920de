/**
 * `npm run bench` — Orchestra's benchmark suite, against a dev server started for it.
 *
 *   npm run bench                 full suite, in-memory SQLite server; writes bench/results/<timestamp>.json,
 *                                 bench/results/latest.json, the charts and BENCHMARKS.md
 *   npm run bench -- --persisted  the same against a persisted SQLite file in WAL mode (results/latest-wal.json)
 *   npm run bench -- --quick      smoke mode for CI: every section with tiny counts, seconds; writes only to
 *                                 bench/results/tmp/ (git-ignored) and fails if a section fails
 *   npm run bench -- --only latency,fanout   run some sections (results go to tmp/, the report is not touched)
 *   npm run bench -- --report     rewrite BENCHMARKS.md and the charts from results/latest*.json (no run)
 *
 * The headline figures run on the dev server as `npm start` starts it (startDevServer(): its history queue-reader
 * limits lifted); every raw variant runs on the raw twin, a plain SDK worker in its own process (bench/twin-worker-process.ts).
 * Sections: tasks (per-task costs from histories), latency, throughput, fanout, engine (definitions against the
 * hand-written workflows), scale, langgraph; investigations: tuning (local activities), server (the stock server's
 * settings, on a second dev server). See BENCHMARKS.md for what each measures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Orchestra } from '../src/client/api.js';
import { EMBEDDED_SERVER_SETTINGS, startDevServer } from '../src/runtime/dev-server.js';
import { installRuntime } from '../src/runtime/logging.js';
import { projectRoot } from '../src/runtime/paths.js';
import { latencyChart, langgraphChart, renderCharts, scaleChart, throughputChart, type Chart } from './lib/charts.js';
import type { BenchContext } from './lib/context.js';
import { benchCpu, bundleBenchWorkflows, bundleTwinWorkflows, ORCHESTRA_ROUTING, scratchDir, startBenchWorker } from './lib/harness.js';
import { cpuShare, machineInfo, versions } from './lib/machine.js';
import { GOALS, goals, readJson, relative, renderReport, type BenchOutput } from './lib/report.js';
import { round } from './lib/stats.js';
import { engine } from './sections/engine.js';
import { fanout } from './sections/fanout.js';
import { langgraph } from './sections/langgraph.js';
import { latency } from './sections/latency.js';
import { scale } from './sections/scale.js';
import { server } from './sections/server.js';
import { tasks } from './sections/tasks.js';
import { throughput } from './sections/throughput.js';
import { tuning } from './sections/tuning.js';
import type { WorkerSettings } from './worker-process.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    persisted: { type: 'boolean', default: false },
    only: { type: 'string' },
    report: { type: 'boolean', default: false },
  },
});
const quick = flags.quick!;
const only = flags.only?.split(',').map((s) => s.trim()).filter(Boolean);
const SECTIONS = { tasks, latency, throughput, fanout, engine, scale, langgraph, tuning, server } as const;
type SectionName = keyof typeof SECTIONS;

installRuntime({ level: 'ERROR' });

/** Whether the bench bundle exports a workflow type (orderSaga and parallelAggregate land from other work in progress). */
function registered(workflowType: string): boolean {
  const sources = [path.join(projectRoot, 'src/workflows/index.ts'), path.join(projectRoot, 'bench/raw-workflows.ts'), path.join(projectRoot, 'bench/workflows.ts')]
    .map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  return new RegExp(`export\\s+((async\\s+)?function\\s+${workflowType}\\b|const\\s+${workflowType}\\b|\\{[^}]*\\b${workflowType}\\b[^}]*\\})`).test(sources);
}
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
if (flags.report) {
  // Only rewrite BENCHMARKS.md and the charts from the committed results (after editing bench/FINDINGS.md).
  await writeReport(true, undefined);
  process.exit(0);
}
const startedAt = new Date();
const meta = { startedAt: startedAt.toISOString(), mode: quick ? 'quick' : 'full', machine: machineInfo(), versions: versions() };

fs.mkdirSync(scratchDir, { recursive: true });
const dbFile = flags.persisted ? path.join(scratchDir, `temporal-${Date.now()}.db`) : undefined;
log(`starting the dev server (${dbFile ? `SQLite file ${dbFile}, WAL` : 'in-memory SQLite'})`);
// The server as `npm start` runs it (queue-reader limits lifted); the `server` section measures the stock settings beside it.
const env = await startDevServer({ dbFile });
const results: Record<string, unknown> = {};
let workerSettings: WorkerSettings | undefined;
let twinSettings: WorkerSettings | undefined;
const failures: string[] = [];
let bundlePath: string | undefined;
let twinBundlePath: string | undefined;
try {
  log('bundling bench/workflows.ts and the twin\'s bench/raw-workflows.ts');
  bundlePath = await bundleBenchWorkflows();
  twinBundlePath = await bundleTwinWorkflows();
  const worker = await startBenchWorker(env, bundlePath);
  const twin = await startBenchWorker(env, twinBundlePath, {}, [], 'twin');
  workerSettings = worker.settings;
  twinSettings = twin.settings;
  log(`worker pid ${worker.pid} on ${worker.taskQueue}; twin pid ${twin.pid} on ${twin.taskQueue}`);
  const ctx: BenchContext = {
    env,
    client: env.client,
    orchestra: Orchestra.fromClient(env.client, {}, ORCHESTRA_ROUTING), // as npm start's client
    worker,
    bundlePath,
    twin,
    twinBundlePath,
    dbFile,
    quick,
    log,
    has: registered,
  };
  try {
    for (const name of Object.keys(SECTIONS) as SectionName[]) {
      if (only && !only.includes(name)) continue;
      log(`== ${name}`);
      const t0 = performance.now();
      const cpuBefore = benchCpu();
      const loadBefore = os.loadavg()[0];
      const conditions = () => ({ loadAverage1m: { before: round(loadBefore), after: round(os.loadavg()[0]) }, cpu: cpuShare(cpuBefore, benchCpu()) });
      try {
        results[name] = { ...(await Promise.race([SECTIONS[name](ctx), worker.dead, twin.dead])), conditions: conditions() };
      } catch (err) {
        failures.push(name);
        results[name] = { error: (err as Error).stack ?? String(err), ...((err as { partial?: object }).partial ?? {}), conditions: conditions() };
        log(`${name} FAILED: ${(err as Error).stack ?? String(err)}`);
      }
      log(`${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await twin.stop();
    await worker.stop();
  }
} finally {
  await env.teardown();
  for (const f of [bundlePath, twinBundlePath, dbFile, dbFile && `${dbFile}-wal`, dbFile && `${dbFile}-shm`]) if (f) fs.rmSync(f, { force: true });
}

const output: BenchOutput = {
  meta: { ...meta, finishedAt: new Date().toISOString(), server: { ...(dbFile ? { kind: 'sqlite-file-wal', dbFile: path.basename(dbFile) } : { kind: 'sqlite-in-memory' }), dynamicConfig: EMBEDDED_SERVER_SETTINGS }, worker: workerSettings, twin: twinSettings },
  results: results as BenchOutput['results'],
};
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const official = !quick && !only;
const resultsDir = path.join(projectRoot, 'bench', 'results');
const file = official ? path.join(resultsDir, `${stamp}${dbFile ? '-wal' : ''}.json`) : path.join(scratchDir, `${quick ? 'quick' : 'partial'}-${stamp}.json`);
fs.writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
log(`wrote ${path.relative(projectRoot, file)}`);
if (official) fs.copyFileSync(file, path.join(resultsDir, dbFile ? 'latest-wal.json' : 'latest.json'));

await writeReport(official, output);
for (const g of goals(output)) log(`goal: ${g.goal}: ${g.measured} ${g.met === undefined ? '' : g.met ? '(met)' : '(missed)'}`);
if (failures.length) {
  log(`failed sections: ${failures.join(', ')}`);
  process.exitCode = 1;
}

/**
 * The report: from latest.json (+ latest-wal.json) for a full run; a scratch copy from this run's output otherwise, so
 * the report and chart code run in CI too.
 */
async function writeReport(official: boolean, output: BenchOutput | undefined): Promise<void> {
  const resultsDir = path.join(projectRoot, 'bench', 'results');
  const main = official ? readJson(path.join(resultsDir, 'latest.json')) : output;
  // A persisted run from before the round-2 sections (no per-task costs) is not comparable: left out of the report.
  const walFile = official ? readJson(path.join(resultsDir, 'latest-wal.json')) : undefined;
  const wal = walFile?.results.tasks ? walFile : undefined;
  if (!main) throw new Error('no results to report (bench/results/latest.json is missing: run `npm run bench` first)');
  const reportFile = official ? path.join(projectRoot, 'BENCHMARKS.md') : path.join(scratchDir, `${quick ? 'quick' : 'partial'}-BENCHMARKS.md`);
  const chartDir = official ? path.join(projectRoot, 'bench', 'charts') : path.join(scratchDir, 'charts');
  const charts = await renderCharts(chartsFor(main), chartDir);
  const findingsFile = path.join(projectRoot, 'bench', 'FINDINGS.md');
  const findings = fs.existsSync(findingsFile) ? fs.readFileSync(findingsFile, 'utf8') : '(none yet)';
  fs.writeFileSync(reportFile, renderReport(main, wal, charts, findings, relative(path.dirname(reportFile), chartDir)));
  log(`wrote ${path.relative(projectRoot, reportFile)} and ${charts.length} charts in ${path.relative(projectRoot, chartDir)}/`);
}

function chartsFor(out: BenchOutput): Chart[] {
  const charts: Chart[] = [];
  const { latency: l, throughput: t, langgraph: g, scale: s } = out.results;
  if (l?.samples) charts.push(latencyChart(l.samples, GOALS.latencyP50Ms));
  if (t?.points) {
    charts.push(throughputChart(t.points.map((p) => ({
      concurrency: p.concurrency, orchestra: p.orchestra.perSecond, raw: p.raw.perSecond, orchestraP95: p.orchestra.latencyMs.p95, rawP95: p.raw.latencyMs.p95,
    })), GOALS.sagasPerSecond));
  }
  if (s?.runs?.length) {
    charts.push(scaleChart(s.runs.filter((r) => (r.atDefaults ?? !r.nodeFlags?.length) && r.workerPeakRssMiB !== undefined).map((r) => ({
      branches: r.branches, variant: r.workflowType === 'parallelAggregate' ? 'parallelAggregate (Orchestra)' : 'rawParallelAggregate (raw twin)', wallSeconds: r.wallSeconds, peakRssMiB: r.workerPeakRssMiB!,
    })), GOALS.scaleRssMB / 1.048576));
  }
  if (g?.graphs) charts.push(langgraphChart(g.graphs.flatMap((graph) => graph.variants.map((v) => ({ graph: graph.graph, variant: v.variant, p50: v.latencyMs.p50, p95: v.latencyMs.p95 })))));
  return charts;
}
