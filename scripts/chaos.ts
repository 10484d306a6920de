/**
 * `npm run chaos` (`-- --quick` in CI; `-- --only <scenario>` for one): the chaos suite against the real stack — dev
 * server, worker processes, MCP servers, the store's SQLite file — each scenario on its own free port and scratch home.
 * Each prints started / finished / lost / duplicated (checked in the store); the suite exits 1 if anything was lost or
 * duplicated. Figures are in RELIABILITY.md.
 */
import { installRuntime } from '../src/runtime/logging.js';
import { badInputsScenario } from './chaos/bad-inputs.js';
import { hangingToolBreakerDlq } from './chaos/breaker-dlq.js';
import { recoveryTime, serverKilledMidCall } from './chaos/recovery.js';
import { sagaChaos } from './chaos/sagas.js';
import type { ScenarioReport } from './chaos/stack.js';

installRuntime({ level: 'ERROR' });
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;

const scenarios: Record<string, () => Promise<ScenarioReport>> = {
  'worker-kill': () => sagaChaos('worker-kill', quick ? { sagas: 20, kills: 2 } : { sagas: 100, kills: 5 }),
  'server-restart': () => sagaChaos('server-restart', { sagas: quick ? 10 : 30, kills: 1, restartServer: true }),
  recovery: () => recoveryTime(quick ? 2 : 3),
  'mcp-kill': () => serverKilledMidCall(quick ? 1 : 3),
  breaker: () => hangingToolBreakerDlq(),
  'bad-inputs': () => badInputsScenario(quick ? 100 : 1_000, quick ? 1 : 3),
};
if (only && !scenarios[only]) {
  process.stderr.write(`chaos: no scenario "${only}" (scenarios: ${Object.keys(scenarios).join(', ')})\n`);
  process.exit(2);
}

const reports: ScenarioReport[] = [];
for (const [name, run] of Object.entries(scenarios)) {
  if (only && name !== only) continue;
  const t0 = Date.now();
  process.stdout.write(`== ${name}${quick ? ' (quick)' : ''}\n`);
  try {
    const report = await run();
    reports.push(report);
    process.stdout.write(`   started ${report.started}  finished ${report.finished}  lost ${report.lost}  duplicated ${report.duplicated}` +
      `  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    for (const note of report.notes) process.stdout.write(`   - ${note}\n`);
    if (report.figures) process.stdout.write(`   ${JSON.stringify(report.figures)}\n`);
  } catch (err) {
    reports.push({ scenario: name, started: 0, finished: 0, lost: 1, duplicated: 0, notes: [`failed: ${(err as Error).stack ?? String(err)}`] });
    process.stdout.write(`   FAILED: ${(err as Error).stack ?? String(err)}\n`);
  }
}
const bad = reports.filter((r) => r.lost > 0 || r.duplicated > 0);
process.stdout.write(bad.length ? `chaos: ${bad.length} scenario(s) lost or duplicated work\n` : 'chaos: nothing lost, nothing duplicated\n');
process.exit(bad.length ? 1 : 0);
