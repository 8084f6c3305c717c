// The law of the input–output Jacobian and of gradient norms at initialization, executable
// (THEORY.md §10). Z_pq = ∂a_{d,q}/∂x_p of a net whose every layer, the last included, is
// a_j = ReLU(W_j a_{j−1} + b_j) (DenseReluNet). All results are exact for i.i.d. symmetric weight laws
// without an atom at 0 and zero or symmetric continuous biases, unless a name says otherwise.

import { checkWidths } from '../dense';
import { gain, type Initializer } from '../init';
import { log10GaussianMoment, log10SecondMoments, sampleGaussianLogLengths, sphereInputQ, trigamma } from '../theory';
import type { Rng } from '../../tensor/rng';

function layerInits(widths: readonly number[], inits: Initializer | readonly Initializer[]): Initializer[] {
  checkWidths(widths);
  const d = widths.length - 1;
  const list = Array.isArray(inits) ? inits.slice() : new Array<Initializer>(d).fill(inits as Initializer);
  if (list.length !== d) throw new RangeError(`need ${d} initializers (one per layer), got ${list.length}`);
  return list;
}

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
interface PairMoments { A: number; B: number; C: number; log: number }

/**
 * E[(A, B, C) at layer j | layer j−1] for i.i.d. symmetric rows, variance σ², μ̃₄ = 3 + m (§10.3):
 *   A′ = σ⁴[n(n+1)/4·A + n·B + (n/2)m·C],  B′ = σ⁴[(n/2)A + n(n+3)/4·B + (n/2)m·C],  C′ = σ⁴(n/2)[A + 2B + mC].
 */
function pairStep(s: PairMoments, n: number, v: number, m: number): PairMoments {
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

/** Expected squared gradient norms of one layer and their second moments (§10.7). log10; NaN where unknown. */
export interface LayerGradientMoments {
  readonly layer: number;
  /** log10 E‖∂ℓ/∂W_j‖_F² and log10 E‖∂ℓ/∂b_j‖². */
  readonly log10MeanSqGradW: number;
  readonly log10MeanSqGradB: number;
  /** log10 E‖∂ℓ/∂W_j‖_F⁴ (coordinate loss, i.i.d. laws), so sd/mean over nets follows. */
  readonly log10FourthGradW: number;
}

/**
 * ℓ = a_{d,q} (a coordinate of the ReLU output) at a fixed input x with M_0 = ‖x‖²/n_0 and q(x) =
 * ‖x‖₄⁴/‖x‖⁴, zero biases (§10.7): E‖∂ℓ/∂W_j‖² = ½∏_{l>j}c_l·n_{j−1}E[M_{j−1}], E‖∂ℓ/∂b_j‖² = ½∏_{l>j}c_l,
 * and E‖∂ℓ/∂W_j‖⁴ from the pair recursion. He variance: every layer sees ½n_{j−1}M_0.
 */
export function coordinateGradientMoments(widths: readonly number[], inits: Initializer | readonly Initializer[],
  m0: number, inputQ = sphereInputQ(widths[0])): LayerGradientMoments[] {
  const list = layerInits(widths, inits), d = list.length;
  if (!(m0 > 0)) throw new RangeError(`M_0 must be > 0, got ${m0}`);
  const c = list.map((init, i) => gain(init, widths[i], widths[i + 1]));
  const lnAbove = (j: number) => c.slice(j).reduce((s, x) => s + Math.log(x), 0); // Σ_{l>j} ln c_l
  const lnBelow = (j: number) => c.slice(0, j - 1).reduce((s, x) => s + Math.log(x), 0); // Σ_{l<j} ln c_l
  const iid = list.every((i) => i.iid);
  // ln E‖a_{j−1}‖⁴ = 2 ln(n_{j−1}M_0) + ln P_{j−1} (THEORY.md §3.7, P_0 = 1).
  const lnP = iid ? [0, ...log10SecondMoments(widths, list, inputQ).map((l) => l / Math.LOG10E)] : [];
  const out: LayerGradientMoments[] = [];
  for (let j = 1; j <= d; j++) {
    const lnB = Math.log(0.5) + lnAbove(j);
    const lnA2 = Math.log(widths[j - 1] * m0) + lnBelow(j);
    let fourth = NaN;
    if (iid) {
      // E[‖δ_j‖⁴ | F_j] over the active units of layer j as tangents: K_j diagonal and K_j(K_j − 1) cross terms.
      let lnDelta4: number;
      if (j === d) lnDelta4 = Math.log(0.5);
      else {
        const last = list[d - 1], v = last.variance(widths[d - 1], widths[d]), m = last.mu4(widths[d - 1], widths[d]) - 3;
        const s = lastCoordinate(pairSteps(widths, list, SINGLE, j + 1, d - 1), v, m);
        const p = lastCoordinate(pairSteps(widths, list, PAIR, j + 1, d - 1), v, m);
        const n = widths[j];
        lnDelta4 = logAdd(Math.log(n / 2) + s, n > 1 ? Math.log(n * (n - 1) / 4) + p : -Infinity);
      }
      fourth = (lnDelta4 + 2 * Math.log(widths[j - 1] * m0) + lnP[j - 1]) * Math.LOG10E;
    }
    out.push({ layer: j, log10MeanSqGradW: (lnB + lnA2) * Math.LOG10E, log10MeanSqGradB: lnB * Math.LOG10E, log10FourthGradW: fourth });
  }
  return out;
}

/**
 * A classifier's hidden layers with a linear output layer logits = W_{d+1}a_d + b_{d+1} and a fixed output
 * gradient g = ∂ℓ/∂logits independent of the weights (§10.7): E‖∂ℓ/∂W_j‖² = ‖g‖²∏_{l>j}c_l·n_{j−1}E[M_{j−1}],
 * E‖∂ℓ/∂b_j‖² = ‖g‖²∏_{l>j}c_l (products to l = d+1), j = 1..d+1. `widths` = n_0..n_d, C; `inits` one per layer
 * including the output's. Approximate for a loss whose g depends on the net (softmax cross-entropy).
 */
export function linearOutputGradientNorms(widths: readonly number[], inits: Initializer | readonly Initializer[],
  m0: number, gSq: number): { log10MeanSqGradW: number; log10MeanSqGradB: number }[] {
  const list = layerInits(widths, inits);
  if (!(m0 > 0)) throw new RangeError(`M_0 must be > 0, got ${m0}`);
  if (!(gSq >= 0)) throw new RangeError(`‖g‖² must be ≥ 0, got ${gSq}`);
  const lnc = list.map((init, i) => Math.log(gain(init, widths[i], widths[i + 1])));
  const total = lnc.reduce((a, b) => a + b, 0);
  return lnc.map((l, i) => {
    const above = lnc.slice(i + 1).reduce((a, b) => a + b, 0);
    const below = total - above - l;
    const lnB = Math.log(gSq) + above;
    return { log10MeanSqGradW: (lnB + Math.log(widths[i] * m0) + below) * Math.LOG10E, log10MeanSqGradB: lnB * Math.LOG10E };
  });
}

/** E_K[f(K) | K ≥ kMin] over K ~ Bin(n, ½), weights summed in the log domain. */
function binomialHalfMean(n: number, kMin: number, f: (k: number) => number): number {
  let logW = -n * Math.LN2, s = 0, w0 = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logW += Math.log((n - k + 1) / k);
    if (k < kMin || logW < -745) continue;
    const w = Math.exp(logW);
    s += w * f(k);
    w0 += w;
  }
  return s / w0;
}

/**
 * The expected empirical variance, across the d layers of one net, of ln‖∂ℓ/∂W_j‖² (§10.8), to leading
 * order: the profile is a walk whose step j → j+1 adds ln(σ_j²/σ_{j+1}²) + ln χ²_{K_j} − ln χ′²_{K_j}
 * (forward and backward factors sharing the mask count K_j), variance v_j = 2E[ψ′(K_j/2)] ≈ 8/n_j:
 *   E[V̂] ≈ Σ_{k<d} v_k·k(d − k)/d² + (1/d)Σ_j (Σ_k μ_k(1{k<j} − (d − k)/d))²,  μ_k = ln(σ_k²/σ_{k+1}²).
 * Constant width n: ≈ (4/3)β(1 − 1/d²). Natural-log units (times log10(e)² for log10).
 */
export function logGradientSpread(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  const list = layerInits(widths, inits), d = list.length;
  const sigma2 = list.map((init, i) => init.variance(widths[i], widths[i + 1]));
  let vhat = 0;
  const mu: number[] = [];
  for (let k = 1; k < d; k++) {
    const v = 2 * binomialHalfMean(widths[k], 1, (K) => trigamma(K / 2));
    vhat += (v * k * (d - k)) / (d * d);
    mu.push(Math.log(sigma2[k - 1] / sigma2[k]));
  }
  for (let j = 1; j <= d; j++) {
    let s = 0;
    for (let k = 1; k < d; k++) s += mu[k - 1] * ((k < j ? 1 : 0) - (d - k) / d);
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
