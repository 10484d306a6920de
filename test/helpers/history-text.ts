/**
 * Every string in a workflow history, with payload bytes decoded: what anyone with Web UI access can read. Use it to
 * check that nothing secret reached history (`JSON.stringify(history)` alone shows payloads as byte numbers, so a
 * secret inside a payload would never be found).
 */
export function historyText(value: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
    else if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}
