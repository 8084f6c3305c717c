// Sample statistics the experiments and the statistical tests share: moments, quantiles, the
// log-mean-exp of lengths kept in the log domain, bootstrap intervals, and goodness-of-fit tests.

import type { Rng } from '../tensor/rng';
import { logGamma, studentTQuantile } from './special';

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample variance. */
export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) * (xs[i] - m);
  return s / (xs.length - 1);
}

/** ln of the mean of e^{x_i}, without overflow (−Infinity entries are zeros). */
export function logMeanExp(logs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < logs.length; i++) if (logs[i] > m) m = logs[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < logs.length; i++) s += Math.exp(logs[i] - m);
  return m + Math.log(s / logs.length);
}

/** Quantile by linear interpolation between order statistics (type 7, R's default). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h), hi = Math.ceil(h);
  if (lo === hi) return sorted[lo];
  const a = sorted[lo], b = sorted[hi];
  if (a === b) return a; // also keeps ±Infinity ties finite-safe
  // Interpolating towards an infinite order statistic (dead nets have log length −∞) gives ±∞ or NaN;
  // take the nearer order statistic instead.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return h - lo < 0.5 ? a : b;
  return a + (h - lo) * (b - a);
}

export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/**
 * The quantiles of a sorted sample at the levels (i + ½)/size, i = 0..size − 1: a sketch of the whole
 * law, so that two samples can be compared by a KS distance (to within ~1/size) without keeping every
 * value. Empty for an empty sample.
 */
export function quantileSketch(sorted: ArrayLike<number>, size: number): number[] {
  return sorted.length === 0 ? [] : Array.from({ length: size }, (_, i) => quantile(sorted, (i + 0.5) / size));
}

/**
 * Percentile-bootstrap interval of ln(mean of e^{x}) from log-domain samples: resample with
 * replacement B times from a seeded stream. Heavy right tails make any interval for a mean optimistic
 * at small sample sizes; the bootstrap at least does not assume normality.
 */
export function bootstrapLogMeanInterval(logs: ArrayLike<number>, rng: Rng, level = 0.95, resamples = 1000): [number, number] {
  const n = logs.length;
  const stats = new Float64Array(resamples);
  const pick = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = logs[rng.int(n)];
    stats[b] = logMeanExp(pick);
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  return [quantile(stats, alpha), quantile(stats, 1 - alpha)];
}

/**
 * 95% (or `z`) interval for ln E[X] when ln X is close to normal, by Cox's method (Land 1972; Zhou &
 * Gao 1997): ȳ + s²/2 ± z·√(s²/n + s⁴/(2(n − 1))), from the logs y of the positive samples; zeros
 * enter through ln(fraction positive). It is centred on the log-normal estimate ȳ + s²/2, not on the
 * sample mean. It needs a near-normal ln X: for the lengths of width = depth nets it covers 0.94–0.95
 * from width 20 on, but only about 0.6 at width 10, where ln R is left-skewed (γ ≈ −0.6) and has an
 * atom of dead nets (THEORY.md §4.7, §4.10). The percentile bootstrap of a sample mean undercovers at
 * every width here (a bootstrap never resamples the right tail the sample lacks).
 */
export function logNormalMeanInterval(logs: ArrayLike<number>, z = 1.959963984540054): [number, number] {
  const pos: number[] = [];
  for (let i = 0; i < logs.length; i++) if (logs[i] > -Infinity) pos.push(logs[i]);
  const n = pos.length;
  if (n < 2) return [NaN, NaN];
  const m = mean(pos), s2 = variance(pos);
  const centre = m + s2 / 2 + Math.log(n / logs.length);
  const half = z * Math.sqrt(s2 / n + (s2 * s2) / (2 * (n - 1)));
  return [centre - half, centre + half];
}

// ---- Intervals for a mean over nets, from per-net values given as logs (THEORY.md §10.9)

/** A stream key for the bootstrap's resampling ('boot'), apart from every net's stream (nets are keyed 0, 1, ...). */
export const BOOTSTRAP_KEY = 0x626f6f74;


/**
 * The t interval for a mean from values given as logs (−Infinity = 0): x̄ ± t_{N−1}·s/√N, computed at the
 * scale of the largest value and returned as natural logs (−Infinity when the lower end is ≤ 0).
 */
export function logTInterval(logs: ArrayLike<number>, level = 0.95): { logMean: number; logLo: number; logHi: number } {
  const n = logs.length;
  if (n < 2) throw new RangeError(`an interval needs at least 2 values, got ${n}`);
  const { x, top } = scaled(logs);
  if (top === -Infinity) return { logMean: -Infinity, logLo: -Infinity, logHi: -Infinity };
  const { m, sd } = meanSd(x), half = (studentTQuantile(level, n - 1) * sd) / Math.sqrt(n);
  return { logMean: top + Math.log(m), logLo: m - half > 0 ? top + Math.log(m - half) : -Infinity, logHi: top + Math.log(m + half) };
}

/** Values e^{logs − top} at the scale of the largest, and that scale (−Infinity when all are 0). */
function scaled(logs: ArrayLike<number>): { x: Float64Array; top: number } {
  let top = -Infinity;
  for (let i = 0; i < logs.length; i++) if (logs[i] > top) top = logs[i];
  return { x: Float64Array.from(logs, (l) => (top === -Infinity ? 0 : Math.exp(l - top))), top };
}

function meanSd(x: ArrayLike<number>, n = x.length): { m: number; sd: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { s += x[i]; s2 += x[i] * x[i]; }
  const m = s / n;
  return { m, sd: Math.sqrt(Math.max(0, (s2 - n * m * m) / (n - 1))) };
}

/**
 * The bootstrap-t (studentized bootstrap) interval for a mean, from values given as logs: resample the
 * N values B times from the seeded stream, t* = (x̄* − x̄)/(s* / √N), and return
 * [x̄ − t*_{(1−α/2)}·s/√N, x̄ − t*_{(α/2)}·s/√N] as natural logs. For right-skewed values t* has a long
 * left tail, which stretches the upper end where the symmetric t interval falls short (§10.9).
 */
export function logBootstrapTInterval(logs: ArrayLike<number>, rng: Rng, level = 0.95, resamples = 999): { logMean: number; logLo: number; logHi: number } {
  const n = logs.length;
  if (n < 2) throw new RangeError(`an interval needs at least 2 values, got ${n}`);
  if (!Number.isInteger(resamples) || resamples < 19) throw new RangeError(`resamples must be an integer ≥ 19, got ${resamples}`);
  const { x, top } = scaled(logs);
  if (top === -Infinity) return { logMean: -Infinity, logLo: -Infinity, logHi: -Infinity };
  const { m, sd } = meanSd(x), se = sd / Math.sqrt(n);
  const ts = new Float64Array(resamples), y = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) y[i] = x[rng.int(n)];
    const r = meanSd(y);
    // A resample of identical values has s* = 0: its t* is 0 when its mean is x̄, else ±∞ (kept, sorted to the ends).
    ts[b] = r.sd > 0 ? (r.m - m) / (r.sd / Math.sqrt(n)) : r.m === m ? 0 : Math.sign(r.m - m) * Infinity;
  }
  ts.sort();
  const alpha = (1 - level) / 2;
  const qLo = ts[Math.max(0, Math.floor(alpha * (resamples + 1)) - 1)], qHi = ts[Math.min(resamples - 1, Math.ceil((1 - alpha) * (resamples + 1)) - 1)];
  const lo = m - qHi * se, hi = m - qLo * se;
  return { logMean: top + Math.log(m), logLo: lo > 0 ? top + Math.log(lo) : -Infinity, logHi: hi > 0 ? top + Math.log(hi) : -Infinity };
}

/** How a length experiment summarizes ln(M/M_0) over its nets (−Infinity: a dead net, output exactly 0). */
export interface LogLengthSummary {
  /**
   * Cox's log-normal estimate of log10 E[M/M_0] (ȳ + s²/2 + ln(live share), in log10) and its 95%
   * interval, which is centred on it. Trustworthy only where ln(M/M_0) is close to normal: its measured
   * coverage is 0.94–0.95 at width = depth ≥ 20 but about 0.6 at width = depth = 10 (THEORY.md §4.10).
   * Dense nets and linear-module residual nets use the per-layer product (estimators.ts) instead.
   */
  readonly log10_mean_ratio: number;
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  /** log10 of the plain sample mean of M/M_0: the paper's statistic (for heavy tails usually below E). */
  readonly log10_sample_mean_ratio: number;
  /** Mean and sd of log10(M/M_0) over the live nets: a single net's length. */
  readonly mean_log10_ratio: number;
  readonly sd_log10_ratio: number;
}

export function logLengthSummary(logs: ArrayLike<number>): LogLengthSummary {
  const live: number[] = [];
  for (let i = 0; i < logs.length; i++) if (logs[i] > -Infinity) live.push(logs[i] * Math.LOG10E);
  const [lo, hi] = logNormalMeanInterval(logs);
  return {
    log10_mean_ratio: ((lo + hi) / 2) * Math.LOG10E,
    log10_mean_ratio_lo: lo * Math.LOG10E,
    log10_mean_ratio_hi: hi * Math.LOG10E,
    log10_sample_mean_ratio: logMeanExp(logs) * Math.LOG10E,
    mean_log10_ratio: live.length > 0 ? mean(live) : NaN,
    sd_log10_ratio: live.length > 1 ? Math.sqrt(variance(live)) : NaN,
  };
}

/** One-sample Kolmogorov–Smirnov statistic D = sup |F_n − F| against a continuous CDF. */
export function ksOneSample(xs: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = sortedCopy(xs), n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Two-sample Kolmogorov–Smirnov statistic (ties, including ±Infinity, handled by stepping past them). */
export function ksTwoSample(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const a = sortedCopy(xs), b = sortedCopy(ys);
  let i = 0, j = 0, d = 0;
  while (i < a.length && j < b.length) {
    const v = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/**
 * Asymptotic KS critical value: D > c(α)·√(1/n + 1/m) rejects at level α, c(α) = √(−ln(α/2)/2)
 * (Smirnov; m = ∞ for the one-sample test).
 */
export function ksCritical(alpha: number, n: number, m = Infinity): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt(1 / n + (Number.isFinite(m) ? 1 / m : 0));
}

/** Upper α quantile of χ²_df by Wilson–Hilferty, given z = Φ^{−1}(1 − α). */
export function chiSquareCritical(df: number, z: number): number {
  const t = 2 / (9 * df);
  return df * Math.pow(1 - t + z * Math.sqrt(t), 3);
}

/**
 * Pearson χ² statistic of observed counts against expected probabilities, merging adjacent cells until
 * each expects ≥ 5. Returns the statistic and its degrees of freedom.
 */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, probs: ArrayLike<number>): { stat: number; df: number } {
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i];
  const cells: [number, number][] = [];
  let o = 0, e = 0;
  for (let i = 0; i < observed.length; i++) {
    o += observed[i];
    e += probs[i] * total;
    if (e >= 5) { cells.push([o, e]); o = 0; e = 0; }
  }
  if (cells.length > 0) { cells[cells.length - 1][0] += o; cells[cells.length - 1][1] += e; }
  let stat = 0;
  for (const [oc, ec] of cells) stat += ((oc - ec) * (oc - ec)) / ec;
  return { stat, df: Math.max(1, cells.length - 1) };
}

/**
 * Weighted least-squares slope of y on x with a per-point sd (weights 1/sd²), and its standard error
 * √(1/Σw(x − x̄)²), which is exact when the sds are the points' true standard deviations; with the
 * intercept ȳ − slope·x̄ (weighted means).
 */
export function weightedSlope(xs: ArrayLike<number>, ys: ArrayLike<number>, sds: ArrayLike<number>): { slope: number; se: number; intercept: number } {
  let sw = 0, sx = 0, sy = 0;
  const w = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    w[i] = 1 / Math.max(sds[i], 1e-12) ** 2;
    sw += w[i]; sx += w[i] * xs[i]; sy += w[i] * ys[i];
  }
  const mx = sx / sw, my = sy / sw;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < xs.length; i++) { sxx += w[i] * (xs[i] - mx) ** 2; sxy += w[i] * (xs[i] - mx) * (ys[i] - my); }
  return { slope: sxy / sxx, se: Math.sqrt(1 / sxx), intercept: my - (sxy / sxx) * mx };
}

/** Least-squares slope of y against x. */
export function slope(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  return weightedSlope(xs, ys, new Float64Array(xs.length).fill(1)).slope;
}

/**
 * P(X ≤ k) and P(X ≥ k) for X ~ Binomial(n, p), exactly: the terms summed in the log domain. For
 * counts whose expectation is far below 1 (a dead net where 2^{−20} are expected) the normal z is
 * meaningless and this is the test to use.
 */
export function binomialTails(k: number, n: number, p: number): { below: number; above: number } {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`need integers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must lie in [0, 1], got ${p}`);
  if (p === 0 || p === 1) {
    const x = p === 0 ? 0 : n;
    return { below: x <= k ? 1 : 0, above: x >= k ? 1 : 0 };
  }
  const lnFact = logGamma(n + 1), lp = Math.log(p), lq = Math.log1p(-p);
  const pmf = (i: number) => Math.exp(lnFact - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq);
  let below = 0, above = 0;
  for (let i = 0; i <= n; i++) {
    const v = pmf(i);
    if (i <= k) below += v;
    if (i >= k) above += v;
  }
  return { below: Math.min(1, below), above: Math.min(1, above) };
}

/** The smallest k with P(X ≤ k) ≥ alpha for X ~ Binomial(n, p): fewer than k has probability < alpha. */
export function binomialLowerQuantile(n: number, p: number, alpha: number): number {
  for (let k = 0; k < n; k++) if (binomialTails(k, n, p).below >= alpha) return k;
  return n;
}

/** The two-sided exact binomial p-value of a count k of n: 2·min of the tails, at most 1. */
export function binomialTwoSidedP(k: number, n: number, p: number): number {
  const t = binomialTails(k, n, p);
  return Math.min(1, 2 * Math.min(t.below, t.above));
}
