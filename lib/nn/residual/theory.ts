// The theory of residual nets at init, executable (THEORY.md §7). Section numbers refer to THEORY.md.
// Every function takes a module's widths m_0 = n, m_1, …, m_k = n and one initializer for its layers,
// and zero biases throughout (the paper's init).
//
//   linear modules (§7.1): E[M_ℓ | x_{ℓ−1}] = M_{ℓ−1}(1 + κ η_ℓ²) for any symmetric law, so
//                          E[M_L]/M_0 = ∏(1 + κ η_ℓ²) exactly; for Gaussian weights also the exact
//                          second moment (§7.3).
//   relu modules   (§7.2): the exact one-step conditional mean (7.3) for Gaussian weights, exact
//                          bounds on E[M_L]/M_0, a mean-field curve (§7.4), and an upper bound on
//                          E[M_L²]/M_0² (§7.5).

import { gain, type Initializer } from '../init';
import { logGamma } from '../special';

/** Gains c′_i = m_{i−1}·Var(V_i)/2 of a module's layers, i = 1..k (§7). */
export function moduleGains(widths: readonly number[], init: Initializer): number[] {
  if (widths.length < 2 || widths[0] !== widths[widths.length - 1]) {
    throw new RangeError(`a module maps the stream to itself: widths must start and end at n, got [${widths.join(', ')}]`);
  }
  return widths.slice(1).map((m, i) => gain(init, widths[i], m));
}

/**
 * κ = E‖𝒩(x)‖²/‖x‖² of a module whose last layer is linear, (7.1): 2∏c′_i (the last layer has no ReLU,
 * so it keeps the factor 2 that a ReLU would halve). For the 'relu' convention this is κ_A of §7.2.
 */
export function moduleKappa(widths: readonly number[], init: Initializer): number {
  return 2 * moduleGains(widths, init).reduce((p, c) => p * c, 1);
}

/** log10 of E[M_L]/M_0 = ∏(1 + κ η_ℓ²) for linear modules, (7.2). */
export function log10LinearMeanRatio(kappa: number, etas: ArrayLike<number>): number {
  let s = 0;
  for (let l = 0; l < etas.length; l++) s += Math.log1p(kappa * etas[l] * etas[l]);
  return s * Math.LOG10E;
}

// ---- Special functions for the Gaussian formulas.

/** E[(χ²_K)^q] = 2^q Γ(K/2 + q)/Γ(K/2), and 0 for K = 0 (q > 0). */
export function chiSquareMoment(K: number, q: number): number {
  if (K === 0) return 0;
  return Math.exp(q * Math.LN2 + logGamma(K / 2 + q) - logGamma(K / 2));
}

/** E[(χ²_K)^q] with K ~ Bin(m, ½): the moment of one ReLU layer's ‖h_i‖²/(s_i²‖h_{i−1}‖²) (§4.1). */
export function binomialChiSquareMoment(m: number, q: number): number {
  let s = 0;
  const logHalfM = -m * Math.LN2, lgM1 = logGamma(m + 1);
  for (let K = 1; K <= m; K++) s += Math.exp(lgM1 - logGamma(K + 1) - logGamma(m - K + 1) + logHalfM) * chiSquareMoment(K, q);
  return s;
}

/** λ(m) = E[√χ²_K]/√(m/2), K ~ Bin(m, ½) (§7.2): ≤ 1 by Jensen, 1 − 5/(8m) + O(m⁻²). */
export function lambdaFactor(m: number): number {
  return binomialChiSquareMoment(m, 0.5) / Math.sqrt(m / 2);
}

/** Λ = ∏_{i<k} λ(m_i) over a module's hidden widths (1 for a single-layer module), (7.3). */
export function moduleLambda(widths: readonly number[]): number {
  let p = 1;
  for (let i = 1; i < widths.length - 1; i++) p *= lambdaFactor(widths[i]);
  return p;
}

function requireGaussian(init: Initializer, what: string): void {
  if (init.law !== 'normal') throw new RangeError(`${what} is exact for Gaussian weights only; '${init.id}' draws from a ${init.law} law`);
}

// ---- Linear modules, Gaussian weights: the exact law of one step (§7.3).

/**
 * E[r²] for one linear-module step, r = M_ℓ/M_{ℓ−1}, Gaussian weights (7.5):
 * 1 + 2(1 + 2/n)κη² + (1 + 2/n)κ²η⁴·∏_{i<k}(1 + 5/m_i). The law of r does not depend on x_{ℓ−1},
 * so the steps are independent and E[(M_L/M_0)²] is the product over ℓ.
 */
export function linearGaussianSecondMomentStep(widths: readonly number[], kappa: number, eta: number): number {
  const n = widths[0];
  let P = 1;
  for (let i = 1; i < widths.length - 1; i++) P *= 1 + 5 / widths[i];
  const a = kappa * eta * eta;
  return 1 + 2 * (1 + 2 / n) * a + (1 + 2 / n) * a * a * P;
}

/** log10 E[(M_L/M_0)²] for linear modules with Gaussian weights, exactly (7.6). */
export function log10LinearGaussianSecondMomentRatio(widths: readonly number[], init: Initializer, etas: ArrayLike<number>): number {
  requireGaussian(init, 'the residual second-moment formula');
  const kappa = moduleKappa(widths, init);
  let s = 0;
  for (let l = 0; l < etas.length; l++) s += Math.log10(linearGaussianSecondMomentStep(widths, kappa, etas[l]));
  return s;
}

// ---- ReLU at the module end (§7.2).

/**
 * The exact one-step conditional mean (7.3) for Gaussian weights, E[M_ℓ | x_{ℓ−1}], from
 * M = ‖x‖²/n and x̄ = mean of x's entries: M(1 + κη²/2) + 2ηx̄√M·√(κ/(2π))·Λ.
 */
export function reluStepMean(M: number, xbar: number, kappa: number, lambda: number, eta: number): number {
  return M * (1 + (kappa * eta * eta) / 2) + 2 * eta * xbar * Math.sqrt(M) * Math.sqrt(kappa / (2 * Math.PI)) * lambda;
}

/**
 * Exact bounds on log10 E[M_L]/M_0 for relu modules, Gaussian weights, a non-negative stream (§7.2):
 * each step's factor lies between ρ = 1/√n and ρ = 1 in (7.3), ρ = x̄/√M.
 */
export function log10ReluMeanRatioBounds(widths: readonly number[], init: Initializer, etas: ArrayLike<number>): [number, number] {
  requireGaussian(init, 'the relu-module mean formula');
  const kappa = moduleKappa(widths, init), lambda = moduleLambda(widths), n = widths[0];
  let lo = 0, hi = 0;
  for (let l = 0; l < etas.length; l++) {
    lo += Math.log10(reluStepMean(1, 1 / Math.sqrt(n), kappa, lambda, etas[l]));
    hi += Math.log10(reluStepMean(1, 1, kappa, lambda, etas[l]));
  }
  return [lo, hi];
}

/** ρ_0 = x̄_0/√M_0 of x_0 = ReLU(P·x) with Gaussian P as n → ∞: E[ReLU(z)]/√E[ReLU(z)²] = 1/√π. */
export const RHO0_RELU_PROJECTION = 1 / Math.sqrt(Math.PI);

/**
 * The mean-field curve (§7.4 (7.7), approximate): log10 of M_ℓ/M_0 for ℓ = 1..L from (7.3) with (x̄, M)
 * treated as deterministic and x̄ advanced by its own exact conditional mean,
 * x̄_ℓ = x̄ + η√(κM/(2π))·Λ. Exact for each single step; the neglected terms are the fluctuations of
 * M and x̄, of relative order 1/n per step.
 */
export function log10ReluMeanFieldRatios(widths: readonly number[], init: Initializer, etas: ArrayLike<number>,
  rho0 = RHO0_RELU_PROJECTION): Float64Array {
  requireGaussian(init, 'the relu-module mean formula');
  const kappa = moduleKappa(widths, init), lambda = moduleLambda(widths);
  const out = new Float64Array(etas.length);
  // Work with M_ℓ/M_ℓ−1 factors in the log domain: a = x̄/√M (the ratio ρ) and log M.
  let rho = rho0, logM = 0;
  const g = Math.sqrt(kappa / (2 * Math.PI)) * lambda; // E[ReLU(u_1) | x]/√M
  for (let l = 0; l < etas.length; l++) {
    const eta = etas[l];
    const factor = 1 + (kappa * eta * eta) / 2 + 2 * eta * rho * g; // M_ℓ/M_{ℓ−1}
    rho = (rho + eta * g) / Math.sqrt(factor); // x̄_ℓ/√M_ℓ
    logM += Math.log10(factor);
    out[l] = logM;
  }
  return out;
}

/**
 * An upper bound on log10 E[(M_L/M_0)²] for relu modules, Gaussian weights (7.9): with a non-negative
 * stream 1 ≤ M_ℓ/M_{ℓ−1} ≤ (1 + η_ℓξ_ℓ)², ξ_ℓ = ‖u_ℓ‖/‖x_{ℓ−1}‖ independent across ℓ, so
 * E[(M_L/M_0)²] ≤ ∏E[(1 + η_ℓξ)⁴]. Bounded as L → ∞ iff Σ η_ℓ < ∞.
 */
export function log10ReluSecondMomentBound(widths: readonly number[], init: Initializer, etas: ArrayLike<number>): number {
  requireGaussian(init, 'the relu-module second-moment bound');
  return log10ReluMomentBound(widths, init, etas, 2);
}

/**
 * log10 of ∏E[(1 + η_ℓξ)^{2p}] ≥ E[(M_L/M_0)^p] for relu modules, Gaussian weights (7.9); p = 1, 2, 3, 4.
 * (p = 4 sizes the tests of the p = 2 bound: Var((M_L/M_0)²) ≤ E[(M_L/M_0)⁴].)
 */
export function log10ReluMomentBound(widths: readonly number[], init: Initializer, etas: ArrayLike<number>, p: number): number {
  requireGaussian(init, 'the relu-module moment bound');
  if (![1, 2, 3, 4].includes(p)) throw new RangeError(`moment order p must be 1, 2, 3 or 4, got ${p}`);
  const xi = reluXiMoments(widths, init, 2 * p);
  let s = 0;
  for (let l = 0; l < etas.length; l++) {
    // E[(1 + ηξ)^{2p}] by the binomial theorem.
    let term = 0, binom = 1, etaPow = 1;
    for (let j = 0; j <= 2 * p; j++) {
      term += binom * etaPow * xi[j];
      binom = (binom * (2 * p - j)) / (j + 1);
      etaPow *= etas[l];
    }
    s += Math.log10(term);
  }
  return s;
}

/**
 * E[ξ^p], p = 0..maxP, ξ = ‖u‖/‖x‖ for u = V_k h_{k−1} (7.8): ξ² = s_k²χ²_n·∏_{i<k}s_i²χ²_{K_i},
 * all factors independent, with n = m_k the module's output width.
 */
export function reluXiMoments(widths: readonly number[], init: Initializer, maxP = 4): number[] {
  const k = widths.length - 1;
  const out = [1];
  for (let p = 1; p <= maxP; p++) {
    const q = p / 2;
    let m = Math.pow(init.variance(widths[k - 1], widths[k]), q) * chiSquareMoment(widths[k], q);
    for (let i = 1; i < k; i++) m *= Math.pow(init.variance(widths[i - 1], widths[i]), q) * binomialChiSquareMoment(widths[i], q);
    out.push(m);
  }
  return out;
}
