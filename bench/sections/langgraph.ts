/**
 * 5b. Baseline: the seed's parallel text-analysis graph and its routing graph in LangGraph JS, in-process, without a
 * checkpointer, with MemorySaver and with the SQLite checkpointer (a file in WAL mode, synchronous=NORMAL — the
 * settings of the persisted Temporal server), against the same graphs as Temporal workflows on Orchestra's worker.
 * The same text functions do the work in every variant; the difference is the price of orchestration and durability.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src/runtime/paths.js';
import type { BenchContext } from '../lib/context.js';
import { breakdown, scratchDir } from '../lib/harness.js';
import { distribution, round, since, type Distribution } from '../lib/stats.js';
import { routingGraph } from '../langgraph/routing.js';
import { TEXT_ANALYSIS_NODES, textAnalysisGraph } from '../langgraph/text-analysis.js';

export interface GraphVariant {
  variant: 'langgraph' | 'langgraph+MemorySaver' | 'langgraph+SqliteSaver' | 'temporal (Orchestra worker)';
  latencyMs: Distribution;
  /** Steps per run: graph nodes that ran (LangGraph) or activities (Temporal), averaged. */
  stepsPerRun: number;
  /** Durable writes per run: checkpoints (LangGraph) or history events (Temporal), averaged. */
  durableWritesPerRun?: number;
  /** (p50 − p50 of plain LangGraph) / graph nodes per run. */
  extraMsPerNode: number;
}

export interface GraphResult {
  graph: string;
  nodesPerRun: number;
  runs: { langgraph: number; temporal: number };
  variants: GraphVariant[];
}

export async function langgraph(ctx: BenchContext): Promise<{ graphs: GraphResult[]; sqliteFile: string; note: string }> {
  const runs = ctx.quick ? 4 : 200;
  const temporalRuns = ctx.quick ? 4 : 100;
  const warmup = ctx.quick ? 1 : 10;
  const document = fs.readFileSync(path.join(projectRoot, 'samples/files/documents/postmortem-2024-06-11-payment-timeouts.md'), 'utf8');
  const inbox = fs.readdirSync(path.join(projectRoot, 'samples/files/inbox')).sort()
    .map((f) => fs.readFileSync(path.join(projectRoot, 'samples/files/inbox', f), 'utf8'));

  const sqliteFile = path.join(scratchDir, `langgraph-checkpoints-${process.pid}.db`);
  const db = new Database(sqliteFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const savers: Array<[GraphVariant['variant'], () => BaseCheckpointSaver | undefined]> = [
    ['langgraph', () => undefined],
    ['langgraph+MemorySaver', () => new MemorySaver()],
    ['langgraph+SqliteSaver', () => new SqliteSaver(db)],
  ];
  const countCheckpoints = () => (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'checkpoints'").get() as { n: number }).n
    ? (db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get() as { n: number }).n : 0;

  const graphs: GraphResult[] = [];
  const specs = [
    {
      graph: 'parallel text analysis (seed 001 §2)',
      build: textAnalysisGraph,
      input: () => ({ input_text: document }),
      nodes: () => TEXT_ANALYSIS_NODES,
      workflowType: 'textAnalysisGraph',
      workflowInput: () => ({ text: document }),
    },
    {
      graph: 'conditional routing (seed 000 Pattern 2)',
      build: routingGraph,
      input: (i: number) => ({ query: inbox[i % inbox.length] }),
      nodes: (out: Record<string, unknown>) => (out.routing_path as string[]).length,
      workflowType: 'routingGraph',
      workflowInput: (i: number) => ({ query: inbox[i % inbox.length] }),
    },
  ];

  for (const spec of specs) {
    const variants: GraphVariant[] = [];
    let nodesPerRun = 0;
    for (const [variant, makeSaver] of savers) {
      const saver = makeSaver();
      const graph = spec.build(saver);
      const samples: number[] = [];
      let nodes = 0;
      const before = variant === 'langgraph+SqliteSaver' ? countCheckpoints() : 0;
      for (let i = -warmup; i < runs; i++) {
        const config = { configurable: { thread_id: randomUUID() } };
        const start = performance.now();
        const out = await graph.invoke(spec.input(i + warmup) as never, config) as Record<string, unknown>;
        if (i < 0) continue;
        samples.push(since(start));
        nodes += spec.nodes(out);
      }
      const checkpoints = variant === 'langgraph+SqliteSaver' ? (countCheckpoints() - before) : undefined;
      nodesPerRun = nodes / runs;
      variants.push({
        variant,
        latencyMs: distribution(samples),
        stepsPerRun: round(nodes / runs, 2),
        durableWritesPerRun: checkpoints === undefined ? undefined : round(checkpoints / (runs + warmup), 2),
        extraMsPerNode: 0,
      });
    }

    // The same graph as a Temporal workflow on the bench worker.
    const samples: number[] = [];
    const ids: string[] = [];
    for (let i = -warmup; i < temporalRuns; i++) {
      const workflowId = `bench-graph-${spec.workflowType}-${randomUUID()}`;
      const start = performance.now();
      await ctx.client.workflow.execute(spec.workflowType, { taskQueue: ctx.worker.taskQueue, workflowId, args: [spec.workflowInput(i + warmup)] });
      if (i < 0) continue;
      samples.push(since(start));
      ids.push(workflowId);
    }
    const histories = await Promise.all(ids.slice(0, 20).map(async (id) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? [])));
    variants.push({
      variant: 'temporal (Orchestra worker)',
      latencyMs: distribution(samples),
      stepsPerRun: round(histories.reduce((s, h) => s + h.activities, 0) / histories.length, 2),
      durableWritesPerRun: round(histories.reduce((s, h) => s + h.events, 0) / histories.length, 2),
      extraMsPerNode: 0,
    });
    const plain = variants[0].latencyMs.p50;
    for (const v of variants) v.extraMsPerNode = round((v.latencyMs.p50 - plain) / nodesPerRun, 2);
    graphs.push({ graph: spec.graph, nodesPerRun: round(nodesPerRun, 2), runs: { langgraph: runs, temporal: temporalRuns }, variants });
    ctx.log(`langgraph: ${spec.graph}: ${variants.map((v) => `${v.variant} p50 ${v.latencyMs.p50} ms`).join(' · ')}`);
  }
  db.close();
  fs.rmSync(sqliteFile, { force: true });
  fs.rmSync(`${sqliteFile}-wal`, { force: true });
  fs.rmSync(`${sqliteFile}-shm`, { force: true });
  return {
    graphs,
    sqliteFile: 'scratch file, WAL, synchronous=NORMAL',
    note: 'LangGraph runs in the bench process (no network, no second process); Temporal runs go client → dev server → worker process and back.',
  };
}
