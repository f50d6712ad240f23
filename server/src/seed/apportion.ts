// Integer shares that add up exactly: the largest-remainder method, with a floor per share.

/**
 * Splits `total` into integers, each at least `min`, the rest in proportion to `weights`;
 * the result always sums to `total`. Ties go to the earlier index, so it is deterministic.
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) {
    if (total !== 0) throw new Error(`apportion: ${total} among nobody`);
    return [];
  }
  const rest = total - min * n;
  if (!Number.isInteger(total) || rest < 0)
    throw new Error(`apportion: ${total} cannot give ${n} shares at least ${min}`);
  const sum = weights.reduce((s, w) => s + Math.max(0, w), 0);
  const exact = weights.map((w) => (sum > 0 ? (Math.max(0, w) / sum) * rest : rest / n));
  const out = exact.map((e) => min + Math.floor(e));
  let left = total - out.reduce((s, v) => s + v, 0);
  const byRemainder = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) {
    const i = (byRemainder[k] as (typeof byRemainder)[number])[1];
    out[i] = (out[i] as number) + 1;
  }
  return out;
}
