/** What a figure was measured on: machine, versions, and the commit. Recorded with every result file. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLocal, TEMPORAL_CLI } from '../../src/runtime/binaries.js';
import { projectRoot } from '../../src/runtime/paths.js';

export interface MachineInfo {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1/5/15-minute load averages when the run started: other work on this shared machine shows here. */
  loadAverageAtStart: number[];
}

export interface Versions {
  node: string;
  temporalCli: string;
  packages: Record<string, string>;
  gitCommit: string;
  gitDirty: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()}`,
    kernel: os.version(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const PACKAGES = [
  '@temporalio/worker', '@temporalio/client', '@temporalio/workflow', '@temporalio/core-bridge',
  '@modelcontextprotocol/sdk', 'better-sqlite3', 'zod',
  '@langchain/langgraph', '@langchain/core', '@langchain/langgraph-checkpoint', '@langchain/langgraph-checkpoint-sqlite',
  'vega', 'vega-lite', '@resvg/resvg-js', 'tsx',
];

export function versions(): Versions {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      packages[name] = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      packages[name] = 'not installed';
    }
  }
  return {
    node: process.version,
    temporalCli: temporalCliVersion(),
    packages,
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']).length > 0,
  };
}

function temporalCliVersion(): string {
  try {
    const cli = findLocal(TEMPORAL_CLI, () => {});
    return cli ? execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim() : 'SDK download';
  } catch (err) {
    return `unknown (${(err as Error).message})`;
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Peak and current resident set size of a process, from /proc (Linux), in MiB. */
export function procMemory(pid: number | 'self' = 'self'): { rssMiB: number; peakRssMiB: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kib('VmRSS') / 102.4) / 10, peakRssMiB: Math.round(kib('VmHWM') / 102.4) / 10 };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far, by component: this process's descendants classified by command line, and the machine. */
export interface CpuSnapshot {
  atMs: number;
  /** Seconds of CPU (user + system) per component: temporal-server, worker, store-mcp, bench-mcp, bench (this process). */
  components: Record<string, number>;
  /** Busy seconds of the whole machine (all cores), from /proc/stat. */
  machineBusy: number;
}

const TICK = 100; // USER_HZ on Linux

export function cpuSnapshot(workerPids: readonly number[] = [], retired: Record<string, number> = {}, onlyUnder?: number): CpuSnapshot {
  const components: Record<string, number> = { ...retired };
  const procs: Array<{ pid: number; ppid: number; cpu: number; cmd: string }> = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.push({ pid: Number(entry), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICK, cmd });
    } catch {
      // exited meanwhile
    }
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const descends = (p: { ppid: number }, ancestor: number) => {
    for (let q: { ppid: number } | undefined = p, hops = 0; q && hops < 20; q = byPid.get(q.ppid), hops++) if (q.ppid === ancestor) return true;
    return false;
  };
  for (const p of procs) {
    let name: string | undefined;
    if (onlyUnder !== undefined && p.pid !== onlyUnder && !descends(p, onlyUnder)) continue;
    if (p.pid === process.pid) name = 'bench (client, LangGraph)';
    else if (workerPids.includes(p.pid)) name = 'worker';
    else if (!descends(p, process.pid) && !workerPids.some((w) => descends(p, w))) continue;
    else if (/temporal/.test(p.cmd) && /server/.test(p.cmd)) name = 'temporal-server';
    else if (/store\/server\.ts|query-runner/.test(p.cmd)) name = 'store-mcp';
    else if (/mcp-sleep-server/.test(p.cmd)) name = 'bench-mcp';
    else if (/server-filesystem/.test(p.cmd)) name = 'filesystem-mcp';
    else name = 'other (ours)';
    components[name] = (components[name] ?? 0) + p.cpu;
  }
  let machineBusy = NaN;
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    machineBusy = (cpu.reduce((a, b) => a + b, 0) - cpu[3] - (cpu[4] ?? 0)) / TICK;
  } catch {
    // not Linux
  }
  return { atMs: performance.now(), components, machineBusy };
}

/** Share of one core each component used between two snapshots, and what the rest of the machine used. */
export function cpuShare(before: CpuSnapshot, after: CpuSnapshot): { seconds: number; percentOfOneCore: Record<string, number>; otherProcessesPercent: number } {
  const seconds = (after.atMs - before.atMs) / 1000;
  const percentOfOneCore: Record<string, number> = {};
  let ours = 0;
  for (const [name, cpu] of Object.entries(after.components)) {
    const used = Math.max(0, cpu - (before.components[name] ?? 0));
    ours += used;
    percentOfOneCore[name] = Math.round((100 * used) / seconds);
  }
  const busy = after.machineBusy - before.machineBusy;
  return { seconds: Math.round(seconds * 10) / 10, percentOfOneCore, otherProcessesPercent: Math.max(0, Math.round((100 * (busy - ours)) / seconds)) };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
