/**
 * Weighted PageRank by power iteration, as used by TextRank (Mihalcea & Tarau, 2004) for both keyword and sentence
 * ranking. `edges[i]` maps neighbour index → edge weight; the graph is treated as given (pass both directions for
 * an undirected graph). Nodes without out-edges spread their rank evenly (the usual dangling-node rule).
 */
export function pageRank(
  edges: ReadonlyArray<ReadonlyMap<number, number>>,
  { damping = 0.85, tolerance = 1e-6, maxIterations = 100 } = {},
): number[] {
  const n = edges.length;
  if (n === 0) return [];
  const outWeight = edges.map((e) => [...e.values()].reduce((a, b) => a + b, 0));
  let rank = new Array<number>(n).fill(1 / n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += rank[i];
    const next = new Array<number>(n).fill((1 - damping) / n + (damping * dangling) / n);
    for (let i = 0; i < n; i++) {
      if (outWeight[i] === 0) continue;
      const share = (damping * rank[i]) / outWeight[i];
      for (const [j, w] of edges[i]) next[j] += share * w;
    }
    let delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs(next[i] - rank[i]);
    rank = next;
    if (delta < tolerance) break;
  }
  return rank;
}

/** Rounds for stable, readable JSON output. */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
