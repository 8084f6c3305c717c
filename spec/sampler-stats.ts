// Exact tail probabilities for the sampler specs, where the library's erf-based normalCdf is too
// coarse (1 − Φ(6) ≈ 1e−9 is below its resolution).

/**
 * Q(x) = P(Z > x) for x ≥ 2: φ(x) times the Mills ratio's continued fraction 1/(x + 1/(x + 2/(x + ...))),
 * evaluated bottom-up from 200 terms (relative error below 1e−15 for x ≥ 2, against 5000 terms).
 */
export function upperTail(x: number): number {
  if (!(x >= 2)) throw new RangeError(`upperTail needs x ≥ 2, got ${x}`);
  let t = 0;
  for (let k = 200; k >= 1; k--) t = k / (x + t);
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / (x + t);
}

/**
 * [lo, hi] with P(X < lo) ≤ α and P(X > hi) ≤ α for X ~ Poisson(µ): an exact acceptance interval for
 * a count of rare events (a Binomial(N, p) count is less spread than Poisson(Np), so this is safe).
 */
export function poissonBounds(mu: number, alpha: number): [number, number] {
  const top = Math.ceil(mu + 20 * Math.sqrt(mu) + 50);
  const pmf = new Float64Array(top + 1);
  let logP = -mu;
  for (let k = 0; k <= top; k++) {
    if (k > 0) logP += Math.log(mu / k);
    pmf[k] = Math.exp(logP);
  }
  let lo = 0, below = 0;
  while (below + pmf[lo] <= alpha) below += pmf[lo++];
  let hi = top, above = 0;
  while (above + pmf[hi] <= alpha) above += pmf[hi--];
  return [lo, hi];
}
