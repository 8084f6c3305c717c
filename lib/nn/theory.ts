// The paper's predictions for fully connected ReLU nets, executable. THEORY.md derives each formula;
// the section numbers refer to it (and to ../shared/paper-brief.md where they coincide).

import type { Rng } from '../tensor/rng';
import { checkWidths } from './dense';
import { gain, type Initializer } from './init';


function perLayer(widths: readonly number[], inits: Initializer | readonly Initializer[]): Initializer[] {
  checkWidths(widths);
  const d = widths.length - 1;
  const list = Array.isArray(inits) ? inits.slice() : new Array<Initializer>(d).fill(inits as Initializer);
  if (list.length !== d) throw new RangeError(`need ${d} initializers (one per layer), got ${list.length}`);
  return list;
}

/** Per-layer gains c_j = n_{j−1}·Var(W_j)/2. */
export function gains(widths: readonly number[], inits: Initializer | readonly Initializer[]): number[] {
  return perLayer(widths, inits).map((init, i) => gain(init, widths[i], widths[i + 1]));
}

/**
 * FM1 (§1): E[M_d]/M_0 = ∏_j c_j for zero biases and any symmetric weight laws. Returned as log10, so
 * deep products neither overflow nor underflow.
 */
export function log10MeanRatio(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  let s = 0;
  for (const c of gains(widths, inits)) s += Math.log10(c);
  return s;
}

/**
 * FM1 with symmetric biases of variance σ_b² (§1): E[M_j] = c_j E[M_{j−1}] + σ_b²/2, exactly, from M_0.
 * Returns E[M_1..M_d].
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
 * P_j = E[M_j²]/M_0² for Gaussian weights and zero biases (§2): ∏_{k≤j} c_k²(1 + 5/n_k). Log10 of each.
 */
export function log10GaussianSecondMoments(widths: readonly number[], inits: Initializer | readonly Initializer[]): number[] {
  const list = perLayer(widths, inits);
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
 * E[V̂]/M_0² for Gaussian weights and zero biases (§4), V̂ = (1/d)Σ M_j² − ((1/d)Σ M_j)², from
 * E[M_i M_j] = G_{ij}·E[M_i²] for i ≤ j with G_{ij} = ∏_{i<k≤j} c_k (the conditional-mean recursion).
 * With He weights (all c = 1) this is (1/d²)Σ_i (2i − 1 − d)·P_i.
 */
export function expectedVHatRatio(widths: readonly number[], inits: Initializer | readonly Initializer[]): number {
  const c = gains(widths, inits);
  const p = log10GaussianSecondMoments(widths, inits).map((l) => Math.pow(10, l));
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
 * The exact law of (M_j) for Gaussian weights and zero biases (§3): given M_{j−1},
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

/** β = Σ_j 1/n_j over the hidden widths n_1..n_d (§1: FM2 is governed by it). */
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

