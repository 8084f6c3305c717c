// Estimators of log10 E[M_d/M_0] from N independent nets, and where the paper's statistic (the plain
// sample mean of N nets) lands. THEORY.md §4.10 derives them and holds their measured coverage.
//
// - PerLayerProduct: the primary estimate. With zero biases and i.i.d. symmetric weights,
//   E[M_j/M_{j−1} | a_{j−1}] = c_j for every live a_{j−1} (§2.2), so the per-layer means are
//   uncorrelated and Σ_j ln(mean over nets alive at j−1 of M_j/M_{j−1}) estimates ln ∏c_j, with a
//   delta-method interval. Each layer's ratio is light-tailed (relative variance ≤ 5/n_j), unlike R.
// - sampleMeanBand: the central 95% range of log10 of the sample mean of N nets, drawn from the exact
//   Gaussian law (4.2) (other laws: a moment-matched law with their exact E[R] and E[R²]). The sample
//   mean is not the population mean: for heavy-tailed R it usually lands below E[R], and this band says
//   how far.

import type { Initializer } from '../init';
import { logMeanExp } from '../stats';
import { checkWidths } from './net';
import { gains, log10SecondMoments } from './theory';
import type { Rng } from '../../tensor/rng';

const Z95 = 1.959963984540054;

/** A point estimate of log10 E[M/M_0] with its 95% interval and standard error (all log10). */
export interface MeanRatioEstimate {
  readonly log10: number;
  readonly lo: number;
  readonly hi: number;
  readonly se: number;
}

/**
 * The per-layer product estimator (THEORY.md §4.10): feed each net's cumulative ln(M_j/M_0),
 * j = 1..d (−Infinity from its first dead layer on); `estimate()` returns
 * log10 ∏_j ĉ_j, ĉ_j = mean of M_j/M_{j−1} over the nets alive at j−1, and the delta-method interval
 * Σ ln ĉ_j ± z·√(Σ_j s_j²/(N_j ĉ_j²)) (s_j² the sample variance of the N_j ratios).
 *
 * Valid whenever E[M_j/M_{j−1} | F_{j−1}] is the same constant on every live past: dense nets with
 * zero biases and symmetric weights (i.i.d. or Haar-orthogonal), and residual nets with linear module
 * outputs (§7.1, per module). Not for conv nets with borders (§8.1) or ReLU-ended residual modules
 * (§7.2): there the conditional mean depends on the past and the product is biased.
 */
export class PerLayerProduct {
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly layers: number) {
    if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`need at least one layer, got ${layers}`);
    this.count = new Float64Array(layers);
    this.mean = new Float64Array(layers);
    this.m2 = new Float64Array(layers);
  }

  /** One net's path ln(M_j/M_0), j = 1..layers. */
  add(cumLogs: ArrayLike<number>): void {
    if (cumLogs.length < this.layers) throw new RangeError(`a path needs ${this.layers} layers, got ${cumLogs.length}`);
    let prev = 0;
    for (let j = 0; j < this.layers; j++) {
      if (prev === -Infinity) return; // dead at j − 1: no ratio at j or later
      const cur = cumLogs[j];
      const r = cur === -Infinity ? 0 : Math.exp(cur - prev);
      // Welford's update: stable for many nets.
      const n = ++this.count[j], delta = r - this.mean[j];
      this.mean[j] += delta / n;
      this.m2[j] += delta * (r - this.mean[j]);
      prev = cur;
    }
  }

  /** Nets alive at the input of each layer (N_j). */
  alive(): Float64Array {
    return this.count.slice();
  }

  /**
   * The estimate for the first `upTo` layers (default all): a net's first L layers are a net of depth
   * L. NaN when some layer has fewer than two live nets or a zero mean (every net died there).
   */
  estimate(upTo = this.layers, z = Z95): MeanRatioEstimate {
    if (!Number.isInteger(upTo) || upTo < 1 || upTo > this.layers) throw new RangeError(`upTo must be in 1..${this.layers}, got ${upTo}`);
    let lnEst = 0, v = 0;
    for (let j = 0; j < upTo; j++) {
      const n = this.count[j], m = this.mean[j];
      if (n < 2 || !(m > 0)) return { log10: NaN, lo: NaN, hi: NaN, se: NaN };
      lnEst += Math.log(m);
      v += this.m2[j] / (n - 1) / n / (m * m);
    }
    const se = Math.sqrt(v);
    return { log10: lnEst * Math.LOG10E, lo: (lnEst - z * se) * Math.LOG10E, hi: (lnEst + z * se) * Math.LOG10E, se: se * Math.LOG10E };
  }
}

/** Gamma(a, 1), a > 0: Marsaglia & Tsang (2000), with the a < 1 boost Gamma(a + 1)·U^{1/a}. Exact. */
export function gammaVariate(rng: Rng, a: number): number {
  if (!(a > 0)) throw new RangeError(`gamma shape must be > 0, got ${a}`);
  if (a < 1) return gammaVariate(rng, a + 1) * Math.pow(rng.uniformOpen(), 1 / a);
  const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = rng.normal(); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** χ²_k, k ≥ 0 an integer (0 for k = 0): a sum of squares for small k, 2·Gamma(k/2) otherwise. */
export function chiSquareVariate(rng: Rng, k: number): number {
  if (k <= 4) {
    let s = 0;
    for (let i = 0; i < k; i++) { const g = rng.normal(); s += g * g; }
    return s;
  }
  return 2 * gammaVariate(rng, k / 2);
}

/**
 * One path of the length law in O(d): fills out[j − 1] = ln(M_j/M_0) = Σ_{i≤j} [ln c_i + ln((2/n_i)S_i)]
 * (−Infinity from the first dead layer on), K_i ~ Bin(n_i, ½) active units and S_i their summed squared
 * standardized pre-activations. Gaussian weights (κ_i = 3, the default): S_i = χ²_{K_i}, the exact law
 * (4.2), the same as theory.sampleGaussianLogLengths (which draws every χ²_1 term, O(Σ n_j)). Other
 * kurtoses κ_i = E[z⁴]/E[z²]² of a pre-activation: S_i ~ (κ_i − 1)·Gamma(K_i/(κ_i − 1)), which has the
 * conditional mean and variance of the real sum, so the path's E[R] and E[R²] are exact (THEORY.md §4.10).
 * `logGains` are ln c_j, j = 1..d (all zeros: the He-normalized path). Unchecked, as it runs once per
 * path in the samplers' inner loop, so its callers check widths and gains once (as sampleMeanBand does).
 */
export function lengthPath(rng: Rng, widths: readonly number[], logGains: ArrayLike<number>, out: Float64Array,
  kappas?: ArrayLike<number>): Float64Array {
  const d = widths.length - 1;
  let l = 0;
  for (let j = 1; j <= d; j++) {
    if (l > -Infinity) {
      const n = widths[j], k = rng.binomialHalf(n), t = kappas === undefined ? 2 : kappas[j - 1] - 1;
      const s = k === 0 ? 0 : t === 2 ? chiSquareVariate(rng, k) : t <= 1e-12 ? k : t * gammaVariate(rng, k / t);
      l = k === 0 ? -Infinity : l + logGains[j - 1] + Math.log((2 / n) * s);
    }
    out[j - 1] = l;
  }
  return out;
}

/** The central range of log10(sample mean of R over N nets) (THEORY.md §4.10), from `replicates` draws. */
export interface SampleMeanBand {
  readonly lo: number;
  readonly hi: number;
  readonly replicates: number;
}

/**
 * Where the plain sample mean of R = M_d/M_0 over `nets` independent nets lands: the (1 ± level)/2
 * quantiles of log10 Ȳ_N over `replicates` simulated experiments of `lengthPath`. Exact for Gaussian
 * weights (κ = 3) up to the Monte Carlo error of the quantiles (≈ ±√(0.025·0.975/B) in probability);
 * moment-matched otherwise. The paths are drawn He-normalized and shifted by Σ log10 c_j, since R/∏c_j
 * does not involve the gains.
 */
export function sampleMeanBand(rng: Rng, widths: readonly number[], logGains: ArrayLike<number>, nets: number,
  opts: { replicates?: number; level?: number; kappas?: ArrayLike<number> } = {}): SampleMeanBand {
  const replicates = opts.replicates ?? 1000, level = opts.level ?? 0.95;
  if (!Number.isInteger(nets) || nets < 1) throw new RangeError(`nets must be a positive integer, got ${nets}`);
  checkWidths(widths);
  const d = widths.length - 1;
  if (logGains.length !== d) throw new RangeError(`logGains must hold one ln c_j per layer (${d}), got ${logGains.length}`);
  if (opts.kappas !== undefined && opts.kappas.length !== d) throw new RangeError(`kappas must hold one κ_j per layer (${d}), got ${opts.kappas.length}`);
  const zeros = new Float64Array(d), path = new Float64Array(d), logs = new Float64Array(nets), means = new Float64Array(replicates);
  for (let b = 0; b < replicates; b++) {
    for (let k = 0; k < nets; k++) logs[k] = lengthPath(rng, widths, zeros, path, opts.kappas)[d - 1];
    means[b] = logMeanExp(logs);
  }
  means.sort();
  let shift = 0;
  for (let j = 0; j < d; j++) shift += logGains[j];
  const q = (p: number) => {
    // Order statistic ⌈pB⌉ (an all-dead replicate is −Infinity and simply sorts first).
    const i = Math.min(replicates - 1, Math.max(0, Math.ceil(p * replicates) - 1));
    return (means[i] + shift) * Math.LOG10E;
  };
  return { lo: q((1 - level) / 2), hi: q((1 + level) / 2), replicates };
}

/**
 * κ_j = E[z⁴]/E[z²]² of a layer-j pre-activation as the exact second-moment recursion (THEORY.md §3.7)
 * averages it: f_j = P_j/(c_j²P_{j−1}) = 1 + (2κ_j − 1)/n_j, so κ_j = ((f_j − 1)n_j + 1)/2; κ_j = 3 for
 * Gaussian weights, 3 + (μ̃₄ − 3)ρ_{j−1}/n_{j−1} in general. With these, lengthPath has the law's exact
 * E[R] and E[R²]. `inputQ` is q(x) = ‖x‖₄⁴/‖x‖⁴ of the input (default: uniform on the sphere).
 */
export function layerKurtoses(widths: readonly number[], inits: Initializer | readonly Initializer[], inputQ?: number): number[] {
  const logP = log10SecondMoments(widths, inits, inputQ);
  const c = gains(widths, inits);
  return logP.map((lp, j) => {
    const f = Math.pow(10, lp - (j === 0 ? 0 : logP[j - 1])) / (c[j] * c[j]);
    return ((f - 1) * widths[j + 1] + 1) / 2;
  });
}
