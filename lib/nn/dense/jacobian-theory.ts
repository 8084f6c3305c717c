// The law of the input–output Jacobian and of gradient norms at initialization, executable
// (THEORY.md §10). Z_pq = ∂a_{d,q}/∂x_p of a net whose every layer, the last included, is
// a_j = ReLU(W_j a_{j−1} + b_j) (DenseReluNet). All results are exact for i.i.d. symmetric weight laws
// without an atom at 0 and zero or symmetric continuous biases, unless a name says otherwise.

import { checkWidths, layerInits } from './net';
import { gain, type Initializer } from '../init';
import { log10GaussianMoment, log10SecondMoments, sampleGaussianLogLengths, sphereInputQ } from './theory';
import type { Rng } from '../../tensor/rng';

/**
 * log10 E[Z_pq²] = log10(∏_j c_j / n_0) (§10.2), for every p, q, input x ≠ 0 and symmetric weight law
 * (orthogonal too: only E[w_ik w_il] = 0 for k ≠ l is used). He variance: 1/n_0.
 */
export function log10MeanSqJacobian(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  const list = layerInits(widths, inits);
  let s = -Math.log10(widths[0]);
  list.forEach((init, i) => { s += Math.log10(gain(init, widths[i], widths[i + 1])); });
  return s;
}

/**
 * The moments that close under one layer (§10.3), for two tangent vectors v, v′ at layer j:
 * A = ‖v‖²‖v′‖², B = (v·v′)², C = Σ_k v_k² v′_k². Stored divided by e^{log} so depth cannot overflow.
 */
export interface PairMoments { readonly A: number; readonly B: number; readonly C: number; readonly log: number }

/**
 * E[(A, B, C) at layer j | layer j−1] for i.i.d. symmetric rows, variance σ², μ̃₄ = 3 + m (§10.3):
 *   A′ = σ⁴[n(n+1)/4·A + n·B + (n/2)m·C],  B′ = σ⁴[(n/2)A + n(n+3)/4·B + (n/2)m·C],  C′ = σ⁴(n/2)[A + 2B + mC].
 */
export function pairStep(s: PairMoments, n: number, v: number, m: number): PairMoments {
  const A = (n * (n + 1) / 4) * s.A + n * s.B + (n / 2) * m * s.C;
  const B = (n / 2) * s.A + (n * (n + 3) / 4) * s.B + (n / 2) * m * s.C;
  const C = (n / 2) * (s.A + 2 * s.B + m * s.C);
  const top = Math.max(A, B, C);
  if (!(top > 0)) return { A: 0, B: 0, C: 0, log: -Infinity };
  return { A: A / top, B: B / top, C: C / top, log: s.log + 2 * Math.log(v) + Math.log(top) };
}

/** Apply layers from..to (1-based, inclusive) to a pair state. */
function pairSteps(widths: readonly number[], list: readonly Initializer[], s: PairMoments, from: number, to: number): PairMoments {
  for (let j = from; j <= to; j++) {
    const nIn = widths[j - 1], n = widths[j], init = list[j - 1];
    s = pairStep(s, n, init.variance(nIn, n), init.mu4(nIn, n) - 3);
  }
  return s;
}

/** ln E[u²u′²·mask] for the output coordinate of layer j, u = w·v: (σ⁴/2)(A + 2B + mC) (§10.3). */
function lastCoordinate(s: PairMoments, v: number, m: number): number {
  return s.log + 2 * Math.log(v) + Math.log((s.A + 2 * s.B + m * s.C) / 2);
}

const SINGLE: PairMoments = { A: 1, B: 1, C: 1, log: 0 };
const PAIR: PairMoments = { A: 1, B: 0, C: 0, log: 0 };

export type FourthMomentMethod = 'exact' | 'none';

export interface JacobianLaw {
  /** log10 E[Z²] (§10.2). */
  readonly log10MeanSq: number;
  /** log10 E[Z⁴] (§10.3); NaN when method is 'none'. */
  readonly log10FourthMoment: number;
  /** log10 E[Z⁴]/E[Z²]²: 6∏_{j<d}(1 + 5/n_j) for Gaussian weights (§10.3). */
  readonly log10NormalizedFourth: number;
  /** log10 E[T²], T = ‖J‖_F²/(n_0 n_d) the mean squared entry of one net (§10.5): the spread of mean_sq_jacobian. */
  readonly log10MeanSqSecondMoment: number;
  /** sd(T)/E[T] over nets: the relative standard error of mean_sq_jacobian is this over √nets. */
  readonly relSdMeanSq: number;
  /** E[V̂_Z]/E[Z²]², V̂_Z = the empirical variance of the n_0·n_d values Z_pq² inside one net (Hanin's statistic). */
  readonly normalizedEntryVariance: number;
  /** 'exact' for i.i.d. symmetric laws, 'none' for dependent rows (orthogonal), where no recursion is known. */
  readonly method: FourthMomentMethod;
}

/**
 * The second and fourth moments of the Jacobian's entries, exactly (§10.2, §10.3, §10.5). The recursion
 * is the forward second-moment recursion run on tangent vectors from e_p (q = 1), because the masks
 * act on every even function of a row as independent fair coins (§10.1).
 */
export function jacobianLaw(widths: readonly number[], inits: Initializer | readonly Initializer[]): JacobianLaw {
  const list = layerInits(widths, inits), d = list.length, n0 = widths[0], nd = widths[d];
  const log10MeanSq = log10MeanSqJacobian(widths, list);
  if (!list.every((i) => i.iid)) {
    return { log10MeanSq, log10FourthMoment: NaN, log10NormalizedFourth: NaN, log10MeanSqSecondMoment: NaN, relSdMeanSq: NaN, normalizedEntryVariance: NaN, method: 'none' };
  }
  const last = list[d - 1], v = last.variance(widths[d - 1], nd), m = last.mu4(widths[d - 1], nd) - 3;
  const single = pairSteps(widths, list, SINGLE, 1, d - 1), pair = pairSteps(widths, list, PAIR, 1, d - 1);
  const lnFourth = lastCoordinate(single, v, m);
  // E‖J‖_F⁴ = Σ_{p,p′} E‖J e_p‖²‖J e_p′‖²: n_0 diagonal terms and n_0(n_0 − 1) off-diagonal ones (A after layer d).
  const singleD = pairStep(single, nd, v, m), pairD = pairStep(pair, nd, v, m);
  const lnDiag = Math.log(n0) + singleD.log + Math.log(singleD.A);
  const lnOff = n0 > 1 ? Math.log(n0 * (n0 - 1)) + pairD.log + Math.log(pairD.A) : -Infinity;
  const lnFrob4 = logAdd(lnDiag, lnOff);
  const lnT2 = lnFrob4 - 2 * Math.log(n0 * nd);
  const lnMean = log10MeanSq / Math.LOG10E;
  return {
    log10MeanSq,
    log10FourthMoment: lnFourth * Math.LOG10E,
    log10NormalizedFourth: (lnFourth - 2 * lnMean) * Math.LOG10E,
    log10MeanSqSecondMoment: lnT2 * Math.LOG10E,
    relSdMeanSq: Math.sqrt(Math.max(0, Math.exp(lnT2 - 2 * lnMean) - 1)),
    normalizedEntryVariance: Math.exp(lnFourth - 2 * lnMean) - Math.exp(lnT2 - 2 * lnMean),
    method: 'exact',
  };
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Gaussian weights: E[Z^{2p}] exactly, log10, from the law of one entry (§10.6)
 * Z² = B·σ_d²χ²_1·∏_{j<d} σ_j²χ²_{K_j}, B ~ Bernoulli(½), K_j ~ Bin(n_j, ½), all independent.
 */
export function log10GaussianEntryMoment(widths: readonly number[], variances: readonly number[], p: number): number {
  checkWidths(widths);
  const d = widths.length - 1;
  if (variances.length !== d) throw new RangeError(`need ${d} weight variances, got ${variances.length}`);
  let s = Math.log10(0.5) + p * Math.log10(variances[d - 1]);
  for (let i = 1; i < 2 * p; i += 2) s += Math.log10(i); // E[(χ²_1)^p] = (2p − 1)!!
  if (d >= 2) s += p * Math.log10(widths[d - 1] / widths[0]) + log10GaussianMoment(widths.slice(0, d), variances.slice(0, d - 1), p);
  return s;
}

/** One draw of ln Z_pq² from the exact Gaussian law of §10.6 (−Infinity when the entry is 0). O(Σ n_j). */
export function sampleGaussianLogEntrySq(rng: Rng, widths: readonly number[], variances: readonly number[]): number {
  checkWidths(widths);
  const d = widths.length - 1;
  let log = d >= 2
    ? sampleGaussianLogLengths(rng, widths.slice(0, d), variances.slice(0, d - 1))[d - 2] + Math.log(widths[d - 1] / widths[0])
    : 0;
  if (rng.uniform() < 0.5) return -Infinity; // the output unit q is off
  const g = rng.normal();
  log += Math.log(variances[d - 1] * g * g);
  return log;
}

/** Expected squared gradient norms of one layer and their second moments (§10.7), log10; NaN where unknown. */
export interface LayerGradientMoments {
  readonly layer: number;
  /** log10 E‖∂ℓ/∂W_j‖_F² and log10 E‖∂ℓ/∂b_j‖². */
  readonly log10MeanSqGradW: number;
  readonly log10MeanSqGradB: number;
  /** log10 E‖∂ℓ/∂W_j‖_F⁴ and E‖∂ℓ/∂b_j‖⁴ (i.i.d. laws), so that sd/mean over nets follows. */
  readonly log10FourthGradW: number;
  readonly log10FourthGradB: number;
}

/**
 * What ℓ is: a coordinate a_{d,q} of the ReLU output (`widths` = n_0..n_d), or g·logits for a linear
 * output layer logits = W_{d+1}a_d + b_{d+1} and a fixed vector g (`widths` = n_0..n_d, C; one init per
 * layer, the output's last).
 */
export type GradientTop = { readonly kind: 'coordinate' } | { readonly kind: 'linear'; readonly g: ArrayLike<number> };

/**
 * E‖∂ℓ/∂W_j‖², E‖∂ℓ/∂b_j‖² and E‖∂ℓ/∂W_j‖⁴ for every layer at a fixed input with M_0 = ‖x‖²/n_0 and q(x) =
 * ‖x‖₄⁴/‖x‖⁴, zero biases (§10.7). With τ = ½ (coordinate) or ‖g‖²c_{d+1} (linear):
 *   E‖∂ℓ/∂W_j‖² = τ·∏_{j<l≤d}c_l·n_{j−1}E[M_{j−1}],   E‖∂ℓ/∂b_j‖² = τ·∏_{j<l≤d}c_l·∏_{l<j}(1 − 2^{−n_l}),
 * and for the linear output layer itself ‖g‖²n_dE[M_d] and ‖g‖². A hidden bias carries the
 * probability that layers below are alive (a unit of a layer fed by zeros is off, not a fair coin); the
 * weight gradient does not, since it carries ‖a_{j−1}‖². He variance, coordinate: ½n_{j−1}M_0 in every
 * layer. The fourth moments come from the pair recursion (§10.3).
 */
export function gradientMoments(widths: readonly number[], inits: Initializer | readonly Initializer[], m0: number,
  top: GradientTop = { kind: 'coordinate' }, inputQ = sphereInputQ(widths[0])): LayerGradientMoments[] {
  const list = layerInits(widths, inits), L = list.length, linear = top.kind === 'linear';
  const d = linear ? L - 1 : L; // ReLU layers
  if (linear && d < 1) throw new RangeError('a linear output needs at least one hidden layer');
  if (!(m0 > 0)) throw new RangeError(`M_0 must be > 0, got ${m0}`);
  let gSq = 1, g4 = 1;
  if (top.kind === 'linear') {
    if (top.g.length !== widths[L]) throw new RangeError(`g has length ${top.g.length}, the output has ${widths[L]} units`);
    gSq = 0; g4 = 0;
    for (let i = 0; i < top.g.length; i++) { gSq += top.g[i] ** 2; g4 += top.g[i] ** 4; }
  }
  const lnc = list.map((init, i) => Math.log(gain(init, widths[i], widths[i + 1])));
  const sum = (a: number, b: number) => lnc.slice(a, b).reduce((x, y) => x + y, 0);
  const iid = list.every((i) => i.iid);
  // ln E‖a_j‖² and ln E‖a_j‖⁴ = 2 ln(n_jM_0) + ln P_j (THEORY.md §3.7, P_0 = 1).
  const lnP = iid ? [0, ...log10SecondMoments(widths.slice(0, d + 1), list.slice(0, d), inputQ).map((l) => l / Math.LOG10E)] : [];
  const lnA2 = (j: number) => Math.log(widths[j] * m0) + sum(0, j);
  const lnA4 = (j: number) => 2 * Math.log(widths[j] * m0) + lnP[j];
  // The last step: E[u²u′²·mask] at the output coordinate, or E[(g·Wv)²(g·Wv′)²] with w̃ = Wᵀg: i.i.d.
  // entries of variance σ²‖g‖² and μ̃₄ − 3 = (μ̃₄ − 3)‖g‖₄⁴/‖g‖⁴, no mask.
  const out = list[L - 1], vOut = out.variance(widths[L - 1], widths[L]), mOut = out.mu4(widths[L - 1], widths[L]) - 3;
  const finish = (s: PairMoments) => linear
    ? s.log + 2 * Math.log(vOut * gSq) + Math.log(s.A + 2 * s.B + (mOut * g4 / (gSq * gSq)) * s.C)
    : lastCoordinate(s, vOut, mOut);
  const tau = linear ? Math.log(gSq) + lnc[L - 1] : Math.log(0.5);
  const lnAlive = (j: number) => widths.slice(1, j).reduce((x, n) => x + Math.log1p(-Math.pow(2, -n)), 0); // layers 1..j−1
  const res: LayerGradientMoments[] = [];
  for (let j = 1; j <= L; j++) {
    if (j === d + 1) {
      // The linear output layer: ∂ℓ/∂W = g a_dᵀ, ∂ℓ/∂b = g.
      res.push({ layer: j, log10MeanSqGradW: (Math.log(gSq) + lnA2(d)) * Math.LOG10E, log10MeanSqGradB: Math.log(gSq) * Math.LOG10E,
        log10FourthGradW: iid ? (2 * Math.log(gSq) + lnA4(d)) * Math.LOG10E : NaN, log10FourthGradB: 2 * Math.log10(gSq) });
      continue;
    }
    const lnB = tau + sum(j, d);
    let fourth = NaN, fourthB = NaN;
    if (iid) {
      // ‖δ_j‖² sums the active units of layer j as tangents: E over K_j of K_j diagonal and K_j(K_j − 1) cross terms.
      let lnDelta4: number;
      if (!linear && j === d) lnDelta4 = Math.log(0.5);
      else {
        const n = widths[j], last = linear ? d : d - 1;
        const sd = finish(pairSteps(widths, list, SINGLE, j + 1, last)), pd = finish(pairSteps(widths, list, PAIR, j + 1, last));
        lnDelta4 = logAdd(Math.log(n / 2) + sd, n > 1 ? Math.log(n * (n - 1) / 4) + pd : -Infinity);
      }
      fourth = (lnDelta4 + lnA4(j - 1)) * Math.LOG10E;
      fourthB = (lnDelta4 + lnAlive(j)) * Math.LOG10E;
    }
    res.push({ layer: j, log10MeanSqGradW: (lnB + lnA2(j - 1)) * Math.LOG10E, log10MeanSqGradB: (lnB + lnAlive(j)) * Math.LOG10E,
      log10FourthGradW: fourth, log10FourthGradB: fourthB });
  }
  return res;
}

/**
 * The expected empirical variance, across the d layers of one net, of ln‖∂ℓ/∂W_j‖² (§10.8), to leading
 * order in 1/n: the profile is a walk whose step j → j+1 adds ln(σ_j²/σ_{j+1}²) + ln χ²_{K_j} − ln χ′²_{K_j}
 * (forward and backward factors sharing the mask count K_j), variance 8/n_j + O(n_j⁻²):
 *   E[V̂] ≈ Σ_{k<d} (8/n_k)·k(d − k)/d² + (1/d)Σ_j (Σ_k μ_k(1{k<j} − (d − k)/d))²,  μ_k = ln(σ_k²/σ_{k+1}²).
 * Constant width: (4/3)β(1 − 1/d²). Natural-log units. Valid while β/min n is small: Euler's identity
 * puts a floor under every layer's gradient (§10.8), and at large β the true spread grows more slowly
 * (`sampleGaussianLogGradNorms` draws the exact law).
 */
export function logGradientSpreadLeadingOrder(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  const list = layerInits(widths, inits), d = list.length;
  const sigma2 = list.map((init, i) => init.variance(widths[i], widths[i + 1]));
  let vhat = 0;
  for (let k = 1; k < d; k++) vhat += (8 / widths[k]) * (k * (d - k)) / (d * d);
  for (let j = 1; j <= d; j++) {
    let s = 0;
    for (let k = 1; k < d; k++) s += Math.log(sigma2[k - 1] / sigma2[k]) * ((k < j ? 1 : 0) - (d - k) / d);
    vhat += (s * s) / d;
  }
  return vhat;
}

function chiSquare(rng: Rng, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) { const g = rng.normal(); s += g * g; }
  return s;
}

/**
 * One draw of ln‖∂ℓ/∂W_j‖_F², j = 1..d, for ℓ = a_{d,q}, Gaussian weights, zero biases, from the exact
 * law of §10.4 in O(Σ n_j): the forward pass is a_j = ‖a_{j−1}‖·ReLU(z̃_j) with z̃_j ~ N(0, σ_j² I)
 * independent, and, with s = (a_{d,q})² the conserved δ_j·z_j,
 *   ‖δ_{j−1}‖² = s/‖a_{j−1}‖² + σ_j²‖δ_j‖²·χ²_{K_{j−1}−1},   ‖δ_d‖² = 1,
 * the χ² independent of everything else. Null when the gradient is zero (unit q off, or a dead layer).
 * ‖x‖ = 1 (the law does not depend on the input's direction).
 */
export function sampleGaussianLogGradNorms(rng: Rng, widths: readonly number[], variances: readonly number[]): Float64Array | null {
  checkWidths(widths);
  const d = widths.length - 1;
  if (variances.length !== d) throw new RangeError(`need ${d} weight variances, got ${variances.length}`);
  const logA = new Float64Array(d), K = new Int32Array(d); // ln‖a_j‖², j = 0..d−1
  for (let j = 1; j < d; j++) {
    const n = widths[j], sd = Math.sqrt(variances[j - 1]);
    let s = 0, k = 0;
    for (let i = 0; i < n; i++) { const z = sd * rng.normal(); if (z > 0) { s += z * z; k++; } }
    if (k === 0) return null;
    logA[j] = logA[j - 1] + Math.log(s);
    K[j] = k;
  }
  const zq = Math.sqrt(variances[d - 1]) * rng.normal();
  if (!(zq > 0)) return null;
  const logS = logA[d - 1] + 2 * Math.log(zq);
  const out = new Float64Array(d);
  let logDelta = 0;
  for (let j = d; j >= 1; j--) {
    out[j - 1] = logDelta + logA[j - 1];
    if (j === 1) break;
    const chi = chiSquare(rng, K[j - 1] - 1);
    logDelta = logAdd(logS - logA[j - 1], chi > 0 ? Math.log(variances[j - 1] * chi) + logDelta : -Infinity);
  }
  return out;
}
