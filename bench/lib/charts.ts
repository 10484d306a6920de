/**
 * Charts for BENCHMARKS.md: Vega-Lite specs compiled and rendered to SVG by Vega in Node (no browser), and to PNG by
 * resvg (a Rust SVG renderer shipped as a prebuilt npm binary).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Chart {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/** Renders each chart to `<dir>/<name>.svg` and `.png`; returns the file names. */
export async function renderCharts(charts: Chart[], dir: string): Promise<Array<{ name: string; title: string; svg: string; png: string }>> {
  fs.mkdirSync(dir, { recursive: true });
  const out = [];
  for (const chart of charts) {
    const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    const svgFile = path.join(dir, `${chart.name}.svg`);
    const pngFile = path.join(dir, `${chart.name}.png`);
    fs.writeFileSync(svgFile, svg);
    const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    fs.writeFileSync(pngFile, png);
    out.push({ name: chart.name, title: chart.title, svg: svgFile, png: pngFile });
  }
  return out;
}

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: 'DejaVu Sans', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 400 }, axisY: { labelLimit: 300 } },
  background: 'white',
} as const;

/** Start → result latency of the three-activity workflow: Orchestra vs the raw SDK, as a histogram. */
export function latencyChart(samples: { orchestra: number[]; raw: number[] }, goalMs: number): Chart {
  const values = [
    ...samples.orchestra.map((ms) => ({ variant: 'Orchestra (parseInput + ProgressReporter)', ms })),
    ...samples.raw.map((ms) => ({ variant: 'raw twin (plain SDK worker)', ms })),
  ];
  const cap = Math.max(goalMs * 1.5, quantile(values.map((v) => v.ms), 0.99) * 1.1);
  return {
    name: 'latency',
    title: 'Sequential 3-activity workflow: start → result latency',
    spec: {
      ...BASE,
      title: { text: 'Sequential 3-activity workflow, start → result', subtitle: `${samples.orchestra.length} runs each, interleaved; dashed: goal p50 ≤ ${goalMs} ms; values above ${Math.round(cap)} ms clipped` },
      width: 560,
      height: 260,
      data: { values: values.map((v) => ({ ...v, ms: Math.min(v.ms, cap) })) },
      layer: [
        {
          mark: { type: 'bar', opacity: 0.6, binSpacing: 0 },
          encoding: {
            x: { field: 'ms', type: 'quantitative', bin: { maxbins: 50 }, title: 'latency (ms)' },
            y: { aggregate: 'count', type: 'quantitative', stack: null, title: 'runs' },
            color: { field: 'variant', type: 'nominal', title: null, legend: { orient: 'top' } },
          },
        },
        { mark: { type: 'rule', strokeDash: [6, 4], color: '#444' }, data: { values: [{ goal: goalMs }] }, encoding: { x: { field: 'goal', type: 'quantitative' } } },
      ],
    } as TopLevelSpec,
  };
}

/** Sagas completed per second against concurrent starters, Orchestra vs raw, with the goal. */
export function throughputChart(points: Array<{ concurrency: number; orchestra: number; raw: number; orchestraP95: number; rawP95: number }>, goal: number): Chart {
  const values = points.flatMap((p) => [
    { concurrency: p.concurrency, variant: 'orderSaga (Orchestra)', perSecond: p.orchestra, p95: p.orchestraP95 },
    { concurrency: p.concurrency, variant: 'rawOrderSaga (raw twin)', perSecond: p.raw, p95: p.rawP95 },
  ]);
  return {
    name: 'throughput',
    title: 'orderSaga throughput against concurrent starters',
    spec: {
      ...BASE,
      title: { text: 'orderSaga completed per second', subtitle: `N concurrent starters, each start → result in a loop; dashed: goal ≥ ${goal}/s` },
      width: 560,
      height: 260,
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'concurrency', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'concurrent starters (N)', axis: { values: points.map((p) => p.concurrency) } },
            y: { field: 'perSecond', type: 'quantitative', title: 'sagas / s' },
            color: { field: 'variant', type: 'nominal', title: null, legend: { orient: 'top' } },
            tooltip: [{ field: 'perSecond' }, { field: 'p95' }],
          },
        },
        { data: { values: [{ goal }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#444' }, encoding: { y: { field: 'goal', type: 'quantitative' } } },
      ],
    } as TopLevelSpec,
  };
}

/** p50 per run of the two seed graphs: LangGraph without/with checkpointers, and Temporal. */
export function langgraphChart(rows: Array<{ graph: string; variant: string; p50: number; p95: number }>): Chart {
  return {
    name: 'langgraph',
    title: 'Seed graphs: LangGraph JS in-process vs Temporal (Orchestra worker)',
    spec: {
      ...BASE,
      title: { text: 'The seed graphs, one run start → result (p50, bar; p95, tick)', subtitle: 'same text functions in every variant' },
      data: { values: rows },
      facet: { row: { field: 'graph', type: 'nominal', title: null, header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontSize: 12, labelFontWeight: 'bold' } } },
      spec: {
        width: 480,
        height: 110,
        layer: [
          {
            mark: 'bar',
            encoding: {
              y: { field: 'variant', type: 'nominal', title: null, sort: null },
              x: { field: 'p50', type: 'quantitative', title: 'ms per run' },
              color: { field: 'variant', type: 'nominal', legend: null },
            },
          },
          {
            mark: { type: 'tick', color: '#222', thickness: 2 },
            encoding: { y: { field: 'variant', type: 'nominal', sort: null }, x: { field: 'p95', type: 'quantitative' } },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Cost growth of the fan-out: wall time and the worker's peak RSS against branches, Orchestra vs the raw twin. */
export function scaleChart(rows: Array<{ branches: number; variant: string; wallSeconds: number; peakRssMiB: number }>, rssGoalMiB: number): Chart {
  const values = rows.flatMap((r) => [
    { branches: r.branches, variant: r.variant, measure: 'wall time (s)', value: r.wallSeconds },
    { branches: r.branches, variant: r.variant, measure: 'worker peak RSS (MiB)', value: r.peakRssMiB },
  ]);
  return {
    name: 'scale',
    title: 'parallelAggregate: wall time and worker RSS against branches',
    spec: {
      ...BASE,
      title: { text: 'Fan-out cost growth: wall time and worker peak RSS', subtitle: `branches of 50 ms sleep tool calls, ≤ 200 at once; dashed: RSS goal ${Math.round(rssGoalMiB)} MiB (500 MB)` },
      data: { values },
      facet: { column: { field: 'measure', type: 'nominal', title: null } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 300,
        height: 240,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'branches', type: 'quantitative', scale: { type: 'log' }, title: 'branches', axis: { values: [...new Set(rows.map((r) => r.branches))] } },
              y: { field: 'value', type: 'quantitative', title: null },
              color: { field: 'variant', type: 'nominal', title: null, legend: { orient: 'top' } },
            },
          },
          {
            transform: [{ filter: "datum.measure === 'worker peak RSS (MiB)'" }, { aggregate: [{ op: 'count', as: 'n' }], groupby: ['measure'] }, { calculate: String(rssGoalMiB), as: 'goal' }],
            mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
            encoding: { y: { field: 'goal', type: 'quantitative' } },
          },
        ],
      },
    } as TopLevelSpec,
  };
}
