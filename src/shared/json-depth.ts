/**
 * How deeply a JSON value nests, counted without recursion: a document nested thousands of levels deep must be
 * refused as bad input, not overflow the stack of whatever walks it next (JSON.stringify, a canonicaliser, a validator).
 * Pure and deterministic (workflows import it through tool-call.ts).
 */

/** The nesting depth of `value` (a scalar is 0, `{}` and `[]` are 1); stops counting once it passes `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    deepest = Math.max(deepest, level);
    if (level > limit) return level;
    for (const child of Object.values(current)) stack.push([child, level]);
  }
  return deepest;
}
