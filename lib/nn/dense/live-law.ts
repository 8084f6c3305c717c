// The exact law of ln(M_d/M_0) for Gaussian weights and zero biases, split into the dead atom and the
// live part, and the Kolmogorov distance between two width profiles' laws (THEORY.md §6.8): what
// "nets of equal β behave alike" can mean, exactly. By (4.2), ln(M_d/M_0) = Σ_j [ln(2c_j/n_j) + ln χ²_{K_j}]
// with independent K_j ~ Bin(n_j, ½); given every K_j ≥ 1 (a live net) its characteristic function is
//   φ(t) = ∏_j e^{it ln(4c_j/n_j)} E[Γ(K_j/2 + it)/Γ(K_j/2) | K_j ≥ 1],
// and Gil-Pelaez inversion gives the CDF: F(x) = ½ − (1/π)∫_0^∞ Im(e^{−itx}φ(t))/t dt.

import { checkWidths } from './net';
import { logRatioLaw } from './theory';
import { initializerById } from '../init';
import { logGammaComplex } from '../special';

/**
 * E[Γ(K/2 + it)/Γ(K/2) | K ≥ 1], K ~ Bin(n, ½), as [re, im]: the characteristic function of ln(χ²_K/2)
 * over live layers. The ratios follow Γ(z + 1) = zΓ(z) from K = 1 and K = 2.
 */
function liveLayerCf(n: number, t: number): [number, number] {
  const [l1r, l1i] = logGammaComplex(0.5, t), [l2r, l2i] = logGammaComplex(1, t);
  // r_1 = Γ(½ + it)/Γ(½), r_2 = Γ(1 + it)/Γ(1); r_{k+2} = r_k·(k/2 + it)/(k/2).
  const lg05 = 0.5 * Math.log(Math.PI);
  let ar = Math.exp(l1r - lg05) * Math.cos(l1i), ai = Math.exp(l1r - lg05) * Math.sin(l1i);
  let br = Math.exp(l2r) * Math.cos(l2i), bi = Math.exp(l2r) * Math.sin(l2i);
  let logW = -n * Math.LN2 + Math.log(n); // log C(n,1)/2^n
  let sr = 0, si = 0;
  for (let k = 1; k <= n; k++) {
    const w = Math.exp(logW);
    const [rr, ri] = k % 2 === 1 ? [ar, ai] : [br, bi];
    sr += w * rr; si += w * ri;
    // Advance r_k to r_{k+2} for the next use of this parity.
    const h = k / 2, mr = 1, mi = t / h; // (h + it)/h
    if (k % 2 === 1) { const nr = ar * mr - ai * mi; ai = ar * mi + ai * mr; ar = nr; } else { const nr = br * mr - bi * mi; bi = br * mi + bi * mr; br = nr; }
    logW += Math.log((n - k) / (k + 1));
  }
  const live = 1 - Math.pow(2, -n);
  return [sr / live, si / live];
}

/** The exact law of ln(M_d/M_0) for Gaussian weights with gains c_j (He: all 1): dead atom and live CDF. */
export class ExactLogRatioLaw {
  /** P(M_d = 0) = 1 − ∏(1 − 2^{−n_j}). */
  readonly pDead: number;
  /** Live mean and sd of ln(M_d/M_0) (exact, §4.5): they set the inversion's grid. */
  readonly mean: number;
  readonly sd: number;
  private readonly ts: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly h: number;

  /** `widths` n_0..n_d; `logGains` ln c_j (default He, all 0). */
  constructor(readonly widths: readonly number[], logGains?: readonly number[]) {
    checkWidths(widths);
    const d = widths.length - 1;
    const lg = logGains ?? new Array<number>(d).fill(0);
    const law = logRatioLaw(widths, initializerById('he_normal'));
    let shift = 0;
    for (const l of lg) shift += l;
    this.pDead = law.pDead;
    this.mean = law.mean + shift;
    this.sd = Math.sqrt(law.variance);
    // Midpoint rule on t = (m + ½)h: exact up to aliasing from mass beyond 2π/h of x, which the
    // spread chosen here (60 sd + 60: ln χ²_1's left tail is e^{x/2}) makes ~e^{-30}.
    this.h = (2 * Math.PI) / (60 * this.sd + 60);
    const counts = new Map<number, number>();
    for (let j = 1; j <= d; j++) counts.set(widths[j], (counts.get(widths[j]) ?? 0) + 1);
    let base = 0;
    for (let j = 1; j <= d; j++) base += lg[j - 1] + Math.log(4 / widths[j]);
    const ts: number[] = [], re: number[] = [], im: number[] = [];
    for (let m = 0; m < 200000; m++) {
      const t = (m + 0.5) * this.h;
      // ∏ over distinct widths of the layer cf to the power of its count, in polar form.
      let logMod = 0, arg = t * base;
      for (const [n, c] of counts) {
        const [r, i] = liveLayerCf(n, t);
        logMod += c * 0.5 * Math.log(r * r + i * i);
        arg += c * Math.atan2(i, r);
      }
      const mod = Math.exp(logMod);
      ts.push(t); re.push(mod * Math.cos(arg)); im.push(mod * Math.sin(arg));
      if (mod < 1e-13) break;
    }
    this.ts = Float64Array.from(ts); this.re = Float64Array.from(re); this.im = Float64Array.from(im);
  }

  /** P(ln R ≤ x | alive). */
  liveCdf(x: number): number {
    let s = 0;
    for (let m = 0; m < this.ts.length; m++) {
      const t = this.ts[m], c = Math.cos(t * x), sn = Math.sin(t * x);
      // Im(e^{−itx}φ) = im·cos − re·sin
      s += (this.im[m] * c - this.re[m] * sn) / t;
    }
    return Math.min(1, Math.max(0, 0.5 - (s * this.h) / Math.PI));
  }

  /** P(ln R ≤ x) over all nets: the dead atom at −∞, then the live part. */
  cdf(x: number): number {
    return this.pDead + (1 - this.pDead) * this.liveCdf(x);
  }
}

/**
 * sup_x |F_a(x) − F_b(x)| of two exact laws, over live nets or over all nets (dead atom included),
 * on a grid of `points` over both laws' mean ± 8 sd (the sup of smooth CDFs; the grid step is
 * ≤ 0.04 sd, which resolves distances to ~1e-4).
 */
export function exactKsDistance(a: ExactLogRatioLaw, b: ExactLogRatioLaw, live: boolean, points = 400): number {
  const lo = Math.min(a.mean - 8 * a.sd, b.mean - 8 * b.sd), hi = Math.max(a.mean + 8 * a.sd, b.mean + 8 * b.sd);
  let d = live ? 0 : Math.abs(a.pDead - b.pDead); // at x → −∞ only the atoms differ
  for (let i = 0; i <= points; i++) {
    const x = lo + ((hi - lo) * i) / points;
    d = Math.max(d, Math.abs(live ? a.liveCdf(x) - b.liveCdf(x) : a.cdf(x) - b.cdf(x)));
  }
  return d;
}

/** S₂ = Σ_j 1/n_j² over the hidden widths: the second-order term in which equal-β profiles differ. */
export function sumInverseSquares(hidden: readonly number[]): number {
  let s = 0;
  for (const n of hidden) s += 1 / (n * n);
  return s;
}

/**
 * The leading-order Kolmogorov distance between the live laws of two profiles of equal β whose S₂
 * differ by ΔS₂ (THEORY.md §6.8): by (4.5) the cumulants of ln R differ by Δμ = −(49/12)ΔS₂,
 * Δs² = (37/2)ΔS₂, Δκ₃ = −31ΔS₂, so with s² = 5β and the Edgeworth CDF Φ(z) − (γ/6)(z² − 1)φ(z),
 *   ΔF(z) ≈ ΔS₂·φ(z)·[(49/12)/s − (37/4)z/s² + (31/6)(z² − 1)/s³],
 * and D ≈ |ΔS₂|·sup_z |…|. Approximate: O(Σ 1/n_j³) terms are dropped, which at width 10 are not small.
 */
export function secondOrderKs(beta: number, deltaS2: number): number {
  const s = Math.sqrt(5 * beta);
  let best = 0;
  for (let z = -6; z <= 6; z += 0.005) {
    const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    best = Math.max(best, Math.abs(phi * ((49 / 12) / s - ((37 / 4) * z) / (s * s) + ((31 / 6) * (z * z - 1)) / (s * s * s))));
  }
  return Math.abs(deltaS2) * best;
}
