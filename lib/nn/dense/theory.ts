// The paper's predictions for fully connected ReLU nets, executable. THEORY.md derives each formula;
// the section numbers (§k.m) refer to it. Widths n_0..n_d are integers ≥ 1: every exported function
// that takes them checks them (checkWidths), as a net does, so a caller of the public API gets a
// RangeError rather than a NaN.

import type { Rng } from '../../tensor/rng';
import { checkWidths, layerInits } from './net';
import { gain, type Initializer } from '../init';
import { digamma, normalQuantile, tetragamma, trigamma } from '../special';

/** Per-layer gains c_j = n_{j−1}·Var(W_j)/2. */
export function gains(widths: readonly number[], inits: Initializer | readonly Initializer[]): number[] {
  return layerInits(widths, inits).map((init, i) => gain(init, widths[i], widths[i + 1]));
}

/**
 * FM1 (§2.3 (2.2)): E[M_d]/M_0 = ∏_j c_j for zero biases and any symmetric weight laws. Returned as
 * log10, so deep products neither overflow nor underflow.
 */
export function log10MeanRatio(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  let s = 0;
  for (const c of gains(widths, inits)) s += Math.log10(c);
  return s;
}

/**
 * FM1 with symmetric biases of variance σ_b² (§2.2 (2.1), iterated as in §2.3):
 * E[M_j] = c_j E[M_{j−1}] + σ_b²/2, exactly, from M_0. Returns E[M_1..M_d].
 */
export function expectedLengths(widths: readonly number[], inits: Initializer | readonly Initializer[], m0: number,
  biasVariance = 0): number[] {
  if (!(m0 >= 0)) throw new RangeError(`M_0 must be ≥ 0, got ${m0}`);
  if (!(biasVariance >= 0)) throw new RangeError(`bias variance must be ≥ 0, got ${biasVariance}`);
  const out: number[] = [];
  let m = m0;
  for (const c of gains(widths, inits)) { m = c * m + biasVariance / 2; out.push(m); }
  return out;
}

function requireGaussian(list: readonly Initializer[], what: string): void {
  const bad = list.find((i) => i.law !== 'normal');
  if (bad) throw new RangeError(`${what} is exact for Gaussian weights only; '${bad.id}' draws from a ${bad.law} law`);
}

/**
 * P_j = E[M_j²]/M_0² for Gaussian weights and zero biases (§4.4): ∏_{k≤j} c_k²(1 + 5/n_k). Log10 of each.
 */
export function log10GaussianSecondMoments(widths: readonly number[], inits: Initializer | readonly Initializer[]): number[] {
  const list = layerInits(widths, inits);
  requireGaussian(list, 'the second-moment formula');
  const out: number[] = [];
  let s = 0;
  list.forEach((init, i) => {
    const c = gain(init, widths[i], widths[i + 1]);
    s += Math.log10(c * c * (1 + 5 / widths[i + 1]));
    out.push(s);
  });
  return out;
}

/** E[M_d²]/M_0² for Gaussian weights, log10. */
export function log10GaussianSecondMomentRatio(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  const p = log10GaussianSecondMoments(widths, inits);
  return p[p.length - 1];
}

/**
 * E[(M_d/M_0)^p] for Gaussian weights N(0, σ_j²) and zero biases, any integer p ≥ 1, as log10. From the
 * exact law M_j = M_{j−1}·(n_{j−1}σ_j²/n_j)·χ²_{K_j}: E[(χ²_K)^p] = ∏_{i<p}(K + 2i), averaged over
 * K ~ Binomial(n_j, ½), layer by layer (the factors are independent). p = 1 gives ∏c_j, p = 2 gives
 * ∏c_j²(1 + 5/n_j).
 */
export function log10GaussianMoment(widths: readonly number[], variances: readonly number[], p: number): number {
  checkWidths(widths);
  const d = widths.length - 1;
  if (variances.length !== d) throw new RangeError(`need ${d} weight variances, got ${variances.length}`);
  if (!Number.isInteger(p) || p < 1) throw new RangeError(`moment order must be a positive integer, got ${p}`);
  let s = 0;
  for (let j = 1; j <= d; j++) {
    const n = widths[j];
    // E_K[∏_{i<p}(K + 2i)] with binomial weights C(n,k)/2^n, summed in the log domain for large n.
    let logBinom = -n * Math.LN2; // log C(n,0)/2^n
    let acc = 0;
    for (let k = 0; k <= n; k++) {
      if (k > 0) logBinom += Math.log((n - k + 1) / k);
      let prod = 1;
      for (let i = 0; i < p; i++) prod *= k + 2 * i;
      if (prod > 0) acc += Math.exp(logBinom) * prod;
    }
    s += p * Math.log10((widths[j - 1] * variances[j - 1]) / n) + Math.log10(acc);
  }
  return s;
}

/**
 * E[V̂]/M_0² for zero biases and i.i.d. symmetric weights (THEORY.md §5 (5.1)), V̂ = (1/d)Σ M_j² −
 * ((1/d)Σ M_j)², from E[M_i M_j] = G_{ij}·E[M_i²] for i ≤ j with G_{ij} = ∏_{i<k≤j} c_k (the
 * conditional-mean recursion). With He weights (all c = 1) this is (1/d²)Σ_i (2i − 1 − d)·P_i. P_i comes
 * from the exact recursion of §3.7, so the result is exact for every i.i.d. symmetric law (for Gaussian
 * weights P_i = ∏_{k≤i} c_k²(1 + 5/n_k) and `inputQ` does not matter).
 */
export function expectedVHatRatio(widths: readonly number[], inits: Initializer | readonly Initializer[],
  inputQ = sphereInputQ(widths[0])): number {
  const c = gains(widths, inits);
  const p = log10SecondMoments(widths, inits, inputQ).map((l) => Math.pow(10, l));
  const d = c.length;
  let sumSquares = 0, cross = 0;
  for (let i = 0; i < d; i++) {
    sumSquares += p[i];
    let g = 1;
    for (let j = i + 1; j < d; j++) { g *= c[j]; cross += 2 * g * p[i]; }
  }
  return sumSquares / d - (sumSquares + cross) / (d * d);
}

/**
 * P(M_d = 0): some layer has all n_j pre-activations ≤ 0. Given a nonzero a_{j−1}, the n_j
 * pre-activations are independent, symmetric and continuous (i.i.d. continuous weight laws, zero
 * biases), so each layer is dead with probability 2^{−n_j}, independently: 1 − ∏(1 − 2^{−n_j}).
 */
export function deadProbability(widths: readonly number[]): number {
  checkWidths(widths);
  let alive = 1;
  for (let j = 1; j < widths.length; j++) alive *= 1 - Math.pow(2, -widths[j]);
  return 1 - alive;
}

/**
 * The exact law of (M_j) for Gaussian weights and zero biases (§4.1–§4.2): given M_{j−1},
 * M_j = M_{j−1}·(n_{j−1}σ_j²/n_j)·χ²_{K_j}, K_j ~ Binomial(n_j, ½), independent across layers.
 * Draws one path and returns ln(M_j/M_0) for j = 1..d (−Infinity once a layer is dead). Costs O(Σ n_j)
 * instead of the O(Σ n_j n_{j−1}) of a real net.
 */
export function sampleGaussianLogLengths(rng: Rng, widths: readonly number[], variances: readonly number[]): Float64Array {
  checkWidths(widths);
  const d = widths.length - 1;
  if (variances.length !== d) throw new RangeError(`need ${d} weight variances, got ${variances.length}`);
  const out = new Float64Array(d);
  let logRatio = 0;
  for (let j = 1; j <= d; j++) {
    const k = rng.binomialHalf(widths[j]);
    let chi2 = 0;
    for (let i = 0; i < k; i++) { const g = rng.normal(); chi2 += g * g; }
    logRatio = chi2 > 0 && logRatio > -Infinity
      ? logRatio + Math.log((widths[j - 1] * variances[j - 1]) / widths[j]) + Math.log(chi2)
      : -Infinity;
    out[j - 1] = logRatio;
  }
  return out;
}

/** β = Σ_j 1/n_j over the hidden widths n_1..n_d (§1.2: FM2 is governed by it). */
export function beta(widths: readonly number[]): number {
  checkWidths(widths);
  let b = 0;
  for (let j = 1; j < widths.length; j++) b += 1 / widths[j];
  return b;
}

/** log10 of c per layer: the slope of log10 E[M_d] against depth for a constant-width net. */
export function log10GainPerLayer(init: Initializer, width: number): number {
  return Math.log10(gain(init, width, width));
}

// ---- FM2 for any i.i.d. symmetric law, the log-normal picture, and sample sizes (Figure 2).

/** q(x) = ‖x‖₄⁴/‖x‖⁴ of a fixed input: how a non-Gaussian law's first layer sees it (THEORY.md §3.1). */
export function fixedInputQ(x: ArrayLike<number>): number {
  let s2 = 0, s4 = 0;
  for (let i = 0; i < x.length; i++) { const v = x[i] * x[i]; s2 += v; s4 += v * v; }
  return s4 / (s2 * s2);
}

/** E[q(x)] = E[‖x‖₄⁴/‖x‖⁴] = 3/(n_0 + 2) for an input uniform on the unit sphere (§1.4). */
export function sphereInputQ(n0: number): number {
  return 3 / (n0 + 2);
}

function requireIid(list: readonly Initializer[], what: string): void {
  const bad = list.find((i) => !i.iid);
  if (bad) throw new RangeError(`${what} needs i.i.d. weight entries; '${bad.id}' has dependent rows (see THEORY.md §3.6)`);
}

function checkInputQ(widths: readonly number[], inputQ: number): void {
  // q(x) = ‖x‖₄⁴/‖x‖⁴ lies in [1/n_0, 1] for every nonzero x (Cauchy–Schwarz).
  if (!(inputQ >= 1 / widths[0] - 1e-12 && inputQ <= 1)) throw new RangeError(`input q = ‖x‖₄⁴/‖x‖⁴ must lie in [1/n_0, 1], got ${inputQ}`);
}

/**
 * Per-layer factors of the exact second-moment recursion (THEORY.md §3.7): with P_j = E[M_j²] and
 * Q_j = E[‖a_j‖₄⁴/n_j], zero biases and i.i.d. symmetric weights,
 *   P_j = c_j²(P_{j−1}(1 + 5/n_j) + 2(μ̃₄ − 3)Q_{j−1}/(n_{j−1}n_j)),  Q_j = c_j²(6P_{j−1} + 2(μ̃₄ − 3)Q_{j−1}/n_{j−1}).
 * Returned as f_j = P_j/(c_j²P_{j−1}) and the ratio ρ_{j−1} = Q_{j−1}/P_{j−1} entering it, so deep products
 * stay in the log domain.
 */
function secondMomentSteps(widths: readonly number[], inits: Initializer | readonly Initializer[], inputQ: number):
  { c: number; f: number; rhoIn: number; mu4: number }[] {
  const list = layerInits(widths, inits);
  requireIid(list, 'the second-moment recursion');
  checkInputQ(widths, inputQ);
  // ρ_0 = Q_0/P_0 = n_0·q(x): the input enters only through its fourth-moment ratio.
  let rho = widths[0] * inputQ;
  return list.map((init, i) => {
    const nIn = widths[i], n = widths[i + 1];
    const m = init.mu4(nIn, n) - 3;
    const f = 1 + 5 / n + (2 * m * rho) / (nIn * n);
    const step = { c: gain(init, nIn, n), f, rhoIn: rho, mu4: m + 3 };
    rho = (6 + (2 * m * rho) / nIn) / f;
    return step;
  });
}

/**
 * log10 P_j = log10 E[M_j²]/M_0², j = 1..d, exactly, for zero biases and i.i.d. symmetric weights of any
 * law (THEORY.md §3.7). `inputQ` is q(x) = ‖x‖₄⁴/‖x‖⁴ of a fixed input, or its mean for a random one
 * (default: uniform on the sphere, 3/(n_0 + 2)). For Gaussian weights the μ̃₄ term vanishes and this is
 * ∏c_k²(1 + 5/n_k) (§4.4), the same as log10GaussianSecondMoments.
 */
export function log10SecondMoments(widths: readonly number[], inits: Initializer | readonly Initializer[],
  inputQ = sphereInputQ(widths[0])): number[] {
  let s = 0;
  return secondMomentSteps(widths, inits, inputQ).map(({ c, f }) => (s += Math.log10(c * c * f)));
}

/**
 * The leading-order form of §3.7 (approximate, relative error O(Σ 1/(n_j n_{j−1}²)) in the product):
 * E[M_d²]/M_0² ≈ ∏_j c_j²(1 + 5/n_j + 12(μ̃₄ − 3)/(n_{j−1}n_j)) for j ≥ 2, the first layer exact with the
 * input's q. ≈ e^{5β}·∏c_j² to leading order, whatever the law. log10.
 */
export function log10SecondMomentLeadingOrder(widths: readonly number[], inits: Initializer | readonly Initializer[],
  inputQ = sphereInputQ(widths[0])): number {
  let s = 0;
  secondMomentSteps(widths, inits, inputQ).forEach(({ c, f, mu4 }, i) => {
    const nIn = widths[i], n = widths[i + 1];
    s += Math.log10(c * c * (i === 0 ? f : 1 + 5 / n + (12 * (mu4 - 3)) / (nIn * n)));
  });
  return s;
}

/** The spread of the per-net values R² whose sample mean estimates E[R²] (§4.7, §4.9). */
export interface SecondMomentSpread {
  /** r = E[R⁴]/E[R²]². */
  readonly r: number;
  /** Skewness of R²: (E[R⁶]/E[R²]³ − 3r + 2)/(r − 1)^{3/2}. */
  readonly skewness: number;
}

/**
 * The spread of R² for R = M_d/M_0 (THEORY.md §4.9). Exact for Gaussian weights, from the moments
 * (4.4). For other laws r uses the Gaussian E[R⁴], an upper bound when every standardized even moment of
 * the law is at most the Gaussian's (uniform, truncated normal, Rademacher: §3.7), over the law's own
 * exact E[R²]; the skewness is the Gaussian architecture's (an approximation).
 */
export function secondMomentSpread(widths: readonly number[], inits: Initializer | readonly Initializer[],
  inputQ = sphereInputQ(widths[0])): SecondMomentSpread {
  const list = layerInits(widths, inits);
  const variances = list.map((init, i) => init.variance(widths[i], widths[i + 1]));
  const p = log10SecondMoments(widths, list, inputQ);
  const g2 = log10GaussianMoment(widths, variances, 2), g4 = log10GaussianMoment(widths, variances, 4);
  const rg = Math.pow(10, g4 - 2 * g2), b = Math.pow(10, log10GaussianMoment(widths, variances, 6) - 3 * g2);
  return { r: Math.pow(10, g4 - 2 * p[p.length - 1]), skewness: (b - 3 * rg + 2) / Math.pow(rg - 1, 1.5) };
}

/**
 * The first three cumulants of ln Γ_{K/2} (Γ_α ~ Gamma(α, 1)) for K ~ Bin(n, ½) conditioned on K ≥ 1
 * (§4.5, §4.8): by total cumulance, mean E ψ, variance E ψ′ + Var ψ, third cumulant
 * E ψ″ + 3 Cov(ψ, ψ′) + κ₃(ψ), all of K/2.
 */
function binomialLogGammaCumulants(n: number): { k1: number; k2: number; k3: number } {
  let logW = -n * Math.LN2, s0 = 0, s1 = 0, s2 = 0, s3 = 0, t = 0, tp = 0, u = 0;
  for (let k = 1; k <= n; k++) {
    logW += Math.log((n - k + 1) / k);
    if (logW < -745) continue; // exp underflows to 0: the term contributes nothing
    const w = Math.exp(logW), p = digamma(k / 2), q = trigamma(k / 2);
    s0 += w; s1 += w * p; s2 += w * p * p; s3 += w * p * p * p; t += w * q; tp += w * q * p; u += w * tetragamma(k / 2);
  }
  const m = s1 / s0, varPsi = Math.max(0, s2 / s0 - m * m), eq = t / s0;
  const k3Psi = s3 / s0 - 3 * m * (s2 / s0) + 2 * m * m * m;
  return { k1: m, k2: eq + varPsi, k3: u / s0 + 3 * (tp / s0 - m * eq) + k3Psi };
}

/** The log-normal approximation of ln(M_d/M_0) (§4.5, §4.8), with the atom at 0 from dead layers. */
export interface LogRatioLaw {
  /** E[ln(M_d/M_0) | alive]. */
  readonly mean: number;
  /** Var(ln(M_d/M_0) | alive). */
  readonly variance: number;
  /** Third cumulant of ln(M_d/M_0) | alive (Gaussian law; negative: ln χ² has a long left tail). */
  readonly thirdCumulant: number;
  /** P(M_d = 0) = 1 − ∏(1 − 2^{−n_j}) (§4.3; continuous laws, zero biases). */
  readonly pDead: number;
  /** 'exact': the digamma moments of the Gaussian law; 'mu4-corrected': those plus the leading μ̃₄ term. */
  readonly method: 'exact' | 'mu4-corrected';
}

/**
 * Mean and variance of ln(M_d/M_0) over live nets (THEORY.md §4.5 and §4.8). Gaussian weights: exact,
 * E = Σ[ln c_j + ln(4/n_j) + E ψ(K_j/2)], Var = Σ[E ψ′(K_j/2) + Var ψ(K_j/2)] (K_j ~ Bin(n_j, ½), K_j ≥ 1);
 * ≈ Σ ln c_j − 5β/2 and 5β. Other i.i.d. symmetric laws: the Gaussian values plus the leading μ̃₄ term
 * δ_j = 2(μ̃₄ − 3)ρ_{j−1}/(n_{j−1}n_j) of the relative variance (−δ_j/2 in the mean, +δ_j in the variance);
 * the law's other O(1/n_j²) terms are neglected there.
 */
export function logRatioLaw(widths: readonly number[], inits: Initializer | readonly Initializer[],
  inputQ = sphereInputQ(widths[0])): LogRatioLaw {
  const steps = secondMomentSteps(widths, inits, inputQ);
  const gaussian = layerInits(widths, inits).every((i) => i.law === 'normal');
  let mean = 0, variance = 0, thirdCumulant = 0;
  const cache = new Map<number, ReturnType<typeof binomialLogGammaCumulants>>();
  steps.forEach(({ c, rhoIn, mu4 }, i) => {
    const nIn = widths[i], n = widths[i + 1];
    let b = cache.get(n);
    if (b === undefined) { b = binomialLogGammaCumulants(n); cache.set(n, b); }
    const delta = gaussian ? 0 : (2 * (mu4 - 3) * rhoIn) / (nIn * n);
    // ln R_j = ln c_j + ln(4/n_j) + ln Γ_{K_j/2} (§4.5); independent layers, so cumulants add.
    mean += Math.log(c) + Math.log(4 / n) + b.k1 - delta / 2;
    variance += b.k2 + delta;
    thirdCumulant += b.k3;
  });
  return { mean, variance, thirdCumulant, pDead: deadProbability(widths), method: gaussian ? 'exact' : 'mu4-corrected' };
}

/**
 * The p-quantile of log10(M_d/M_0) under the log-normal approximation with the dead atom:
 * P(ln R ≤ x) = p_dead + (1 − p_dead)Φ((x − mean)/sd), so the quantile is −Infinity for p ≤ p_dead.
 * With `skewCorrected`, the Cornish–Fisher term of the third cumulant is added (§4.8).
 */
export function log10RatioQuantile(law: LogRatioLaw, p: number, skewCorrected = false): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must lie in (0, 1), got ${p}`);
  if (p <= law.pDead) return -Infinity;
  const z = normalQuantile((p - law.pDead) / (1 - law.pDead));
  const sd = Math.sqrt(law.variance);
  // Cornish–Fisher (§4.8): z + (z² − 1)γ/6 with γ = κ₃/sd³ corrects the normal quantile for the skew.
  const w = skewCorrected ? z + ((z * z - 1) * law.thirdCumulant) / (6 * sd * sd * sd) : z;
  return (law.mean + w * sd) * Math.LOG10E;
}

/** Nets needed for a trustworthy sample mean of R² (THEORY.md §4.7 rules 2 and 3, §4.9). */
export interface SecondMomentSampleSize {
  /** r = E[R⁴]/E[R²]² used. */
  readonly r: number;
  /** Rule 2: relative error ε at z standard errors, (z/ε)²(r − 1). */
  readonly precision: number;
  /** Rule 3: skewness of the mean γ/√N ≤ 0.15, i.e. (γ/0.15)², γ the skewness of R². */
  readonly skewness: number;
  /** The larger of the two, rounded up. */
  readonly needed: number;
}

/**
 * How many independent nets a sample second moment (1/N)Σ(M_d/M_0)² needs at a given β to be
 * trustworthy (§4.7, §4.9): within ε at z standard errors, with a skewness of the mean small enough for
 * that z to mean what it says. Without `spread`, the log-normal surrogate: r = e^{20β} (ln R has variance
 * 5β, R² four times that) and γ = (r + 2)√(r − 1). Pass `secondMomentSpread` of an architecture for its
 * exact values (far smaller at small widths). Defaults z = 2, ε = 0.1.
 */
export function netsForSecondMoment(beta: number, opts: { spread?: SecondMomentSpread; z?: number; eps?: number } = {}): SecondMomentSampleSize {
  if (!(beta >= 0)) throw new RangeError(`β must be ≥ 0, got ${beta}`);
  const r = opts.spread?.r ?? Math.exp(20 * beta), z = opts.z ?? 2, eps = opts.eps ?? 0.1;
  if (!(r >= 1)) throw new RangeError(`r = E[R⁴]/E[R²]² is ≥ 1 by Jensen, got ${r}`);
  const gamma = opts.spread?.skewness ?? (r + 2) * Math.sqrt(r - 1);
  const precision = (z / eps) ** 2 * (r - 1);
  const skewness = (Math.max(0, gamma) / 0.15) ** 2;
  return { r, precision, skewness, needed: Math.ceil(Math.max(precision, skewness)) };
}
