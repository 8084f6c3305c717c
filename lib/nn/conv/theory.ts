// The paper's predictions for convolutional ReLU nets (THEORY.md §8), executable.
//
// M_j = (1/(C_j|Ω_j|)) Σ_{c,p} a_j[c,p]²: the average over all channels AND all positions of layer j.
// e_j(p) = (1/C_j) Σ_c a_j[c,p]² is the channel-averaged energy profile, so M_j = mean_p e_j(p).
// FM1 (§8.1, exact): E[e_j | a_{j−1}] = c_j·A_j e_{j−1}, with (A_j e)(p) = (1/k) Σ_{δ} e(s·p + δ − pad),
// the sum over the kernel offsets whose input position lies inside the image ('same'/'valid': the
// rest read zero padding, which is where the boundary enters), or wrapped around ('circular').
// FM2 (§8.2): for Gaussian weights the conditional second moment given a_{j−1} is exact through the
// degree-2 arc-cosine kernel; for any symmetric law it is bounded by (1 + (2κ−1)/C_j)·E[M_j | a]².

import type { ConvGeometry } from '../../kernels/im2col';
import { gain, type Initializer } from '../init';

/** c_j = fan-in·Var(W_j)/2 with fan-in = kh·kw·C_{j−1}, fan-out = kh·kw·C_j (as init.ts's fansOf). */
export function convGains(geometries: readonly ConvGeometry[], outChannels: readonly number[], init: Initializer): number[] {
  if (geometries.length !== outChannels.length) throw new RangeError(`need one channel count per layer: ${geometries.length} layers, ${outChannels.length} counts`);
  return geometries.map((g, j) => {
    const k = g.kh * g.kw;
    return gain(init, k * g.channels, k * outChannels[j]);
  });
}

/** Input position along one axis for output o and kernel offset u, or −1 in the zero padding. */
function inputIndex(o: number, u: number, n: number, stride: number, before: number, wrap: boolean): number {
  const i = o * stride - before + u;
  if (i >= 0 && i < n) return i;
  return wrap ? ((i % n) + n) % n : -1;
}

/**
 * One step of the profile recursion without the gain: (A e)(p) = (1/k) Σ_{δ ∈ window(p) ∩ Ω} e(q).
 * e is the input profile (height × width, row-major); returns the outH × outW profile.
 */
export function propagateProfile(e: ArrayLike<number>, g: ConvGeometry): Float64Array {
  if (e.length !== g.height * g.width) throw new RangeError(`profile has ${e.length} entries, the layer's input grid ${g.height}×${g.width}`);
  const out = new Float64Array(g.outH * g.outW), k = g.kh * g.kw;
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      let s = 0;
      for (let u = 0; u < g.kh; u++) {
        const ih = inputIndex(oh, u, g.height, g.stride, g.padTop, g.wrap);
        if (ih < 0) continue;
        for (let v = 0; v < g.kw; v++) {
          const iw = inputIndex(ow, v, g.width, g.stride, g.padLeft, g.wrap);
          if (iw >= 0) s += e[ih * g.width + iw];
        }
      }
      out[oh * g.outW + ow] = s / k;
    }
  }
  return out;
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** The channel-averaged energy profile e(p) = (1/C) Σ_c a[c,p]² of one C×H×W image. */
export function energyProfile(a: ArrayLike<number>, channels: number, height: number, width: number): Float64Array {
  const P = height * width;
  if (a.length !== channels * P) throw new RangeError(`image has ${a.length} entries, expected ${channels}×${height}×${width}`);
  const e = new Float64Array(P);
  for (let c = 0; c < channels; c++) for (let p = 0; p < P; p++) { const v = a[c * P + p]; e[p] += v * v; }
  for (let p = 0; p < P; p++) e[p] /= channels;
  return e;
}

/**
 * log10 E[M_j | x]/M_0 for j = 1..d, exactly (§8.1): iterate e ← c_j·A_j e from the input's profile
 * e_0 (flat by default: a random input with the same expected energy at every position, e.g. uniform
 * on the sphere, for which the result is E[M_j/M_0] over inputs too). The profile is renormalized
 * each layer and the scale kept as a log, so deep products neither overflow nor underflow.
 */
export function log10ConvMeanRatios(geometries: readonly ConvGeometry[], gains: readonly number[], e0?: ArrayLike<number>): number[] {
  if (geometries.length === 0) return [];
  const g0 = geometries[0];
  let e: Float64Array = e0 === undefined ? new Float64Array(g0.height * g0.width).fill(1) : Float64Array.from(e0);
  const m0 = meanOf(e);
  if (!(m0 > 0)) throw new RangeError('the input profile has no energy (M_0 = 0)');
  let log10Scale = -Math.log10(m0);
  const out: number[] = [];
  geometries.forEach((g, j) => {
    e = propagateProfile(e, g);
    const m = meanOf(e);
    // m = 0 only when every window misses the input, which a valid geometry rules out.
    log10Scale += Math.log10(gains[j]) + Math.log10(m);
    for (let i = 0; i < e.length; i++) e[i] /= m;
    out.push(log10Scale);
  });
  return out;
}

/** log10 E[M_d | x]/M_0: the last of log10ConvMeanRatios. */
export function log10ConvMeanRatio(geometries: readonly ConvGeometry[], gains: readonly number[], e0?: ArrayLike<number>): number {
  const r = log10ConvMeanRatios(geometries, gains, e0);
  return r.length === 0 ? 0 : r[r.length - 1];
}

/**
 * The boundary's limiting loss per layer for a repeated stride-1 layer: the Perron eigenvalue λ of A
 * (power iteration), so E[M_L] ≈ const·∏c_j·λ^L deep in a 'same'-padded net (§8.1). λ = 1 for
 * 'circular'; for a 3-wide kernel λ_axis = (1 + 2cos(π/(n+1)))/3.
 */
export function boundaryFactor(g: ConvGeometry, tol = 1e-13, maxIter = 200000): number {
  if (g.outH !== g.height || g.outW !== g.width) throw new RangeError('boundaryFactor needs a layer whose output grid equals its input grid (same/circular, stride 1)');
  let e: Float64Array = new Float64Array(g.height * g.width).fill(1), lambda = 0;
  for (let it = 0; it < maxIter; it++) {
    const next = propagateProfile(e, g);
    const m = meanOf(next) / meanOf(e);
    for (let i = 0; i < next.length; i++) next[i] /= m;
    e = next;
    if (Math.abs(m - lambda) < tol * m) return m;
    lambda = m;
  }
  return lambda;
}

/**
 * An upper bound on E[M_j | a_{j−1}]/(c_j M_{j−1}) for every a_{j−1}: the largest column sum of A_j
 * times |Ω_{j−1}|/|Ω_j| (1 for circular and for 'same' at stride 1, where border inputs count less).
 */
export function meanContraction(g: ConvGeometry): number {
  const P = g.height * g.width, colSum = new Float64Array(P), k = g.kh * g.kw;
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      for (let u = 0; u < g.kh; u++) {
        const ih = inputIndex(oh, u, g.height, g.stride, g.padTop, g.wrap);
        if (ih < 0) continue;
        for (let v = 0; v < g.kw; v++) {
          const iw = inputIndex(ow, v, g.width, g.stride, g.padLeft, g.wrap);
          if (iw >= 0) colSum[ih * g.width + iw] += 1 / k;
        }
      }
    }
  }
  let max = 0;
  for (const s of colSum) if (s > max) max = s;
  return (max * P) / (g.outH * g.outW);
}

/**
 * κ_max: an upper bound on κ = E[z⁴]/E[z²]² of one pre-activation given a_{j−1}, for i.i.d. weights of
 * normalized fourth moment μ̃₄ (§3.1: κ = 3 + (μ̃₄ − 3)q with q ∈ [0, 1]): 3 when μ̃₄ ≤ 3, else μ̃₄.
 */
export function kappaMax(mu4: number): number {
  return Math.max(3, mu4);
}

/**
 * FM2 bound (§8.2): log10 of an upper bound on E[(M_d/M_0)²] for i.i.d. symmetric weights and any input:
 * Σ_j log10(c_j² ρ_j² (1 + (2κ_max − 1)/C_j)), ρ_j = meanContraction. With He weights and circular
 * padding it is log10 ∏(1 + 5/C_j) ≈ 5β/ln 10: the channel count plays the width's role in β.
 */
export function log10SecondMomentBound(geometries: readonly ConvGeometry[], outChannels: readonly number[], init: Initializer): number {
  if (!init.iid) throw new RangeError(`the FM2 bound needs i.i.d. weights; '${init.id}' is not`);
  const gains = convGains(geometries, outChannels, init);
  let s = 0;
  geometries.forEach((g, j) => {
    const k = g.kh * g.kw;
    const kappa = kappaMax(init.mu4(k * g.channels, k * outChannels[j]));
    const rho = meanContraction(g);
    s += Math.log10(gains[j] * gains[j] * rho * rho * (1 + (2 * kappa - 1) / outChannels[j]));
  });
  return s;
}

/** β = Σ_j 1/C_j over the conv layers (the channel counts play the widths' role). */
export function channelBeta(outChannels: readonly number[]): number {
  let s = 0;
  for (const c of outChannels) s += 1 / c;
  return s;
}

/**
 * E[ReLU(u)² ReLU(v)²] for a centred Gaussian pair with variances s1, s2 and covariance s12: the
 * degree-2 arc-cosine kernel (Cho & Saul 2009), s1·s2/(2π)·(3 sinθ cosθ + (π − θ)(1 + 2cos²θ)),
 * cos θ = s12/√(s1 s2). At θ = 0 it is (3/2)s1², at θ = π/2 it is s1 s2/4.
 */
export function reluSquaredCovariance(s1: number, s2: number, s12: number): number {
  if (s1 <= 0 || s2 <= 0) return 0;
  const r = Math.max(-1, Math.min(1, s12 / Math.sqrt(s1 * s2)));
  const theta = Math.acos(r), sin = Math.sqrt(Math.max(0, 1 - r * r));
  return ((s1 * s2) / (2 * Math.PI)) * (3 * sin * r + (Math.PI - theta) * (1 + 2 * r * r));
}

/**
 * For Gaussian weights N(0, σ²) and zero biases, given the previous activations a (C×H×W), the exact
 * E[M_j | a] and E[M_j² | a] of a conv layer with outChannels filters (§8.2). The pre-activations of
 * one filter form a centred Gaussian field over positions with covariance
 * K(p, p') = σ² Σ_{c′,δ} a[c′, w(p)+δ]·a[c′, w(p′)+δ] (zero-padded or wrapped reads), so with
 * X_c = mean_p ReLU(z[c,p])²: E[X] = mean_p K(p,p)/2, E[X²] = mean_{p,p′} of the arc-cosine kernel,
 * and, the filters being independent, E[M²] = E[X]² + (E[X²] − E[X]²)/C_j. Cost |Ω_j|²·C·k.
 */
export function gaussianConditionalMoments(a: ArrayLike<number>, g: ConvGeometry, outChannels: number, sigma2: number): { mean: number; second: number } {
  const C = g.channels, H = g.height, W = g.width, P = g.outH * g.outW, K = C * g.kh * g.kw;
  if (a.length !== C * H * W) throw new RangeError(`activations have ${a.length} entries, the layer's input ${C}×${H}×${W}`);
  // The unfolded patches: patch[p] is the receptive field of output p, as im2col lays it out (transposed).
  const patch = new Float64Array(P * K);
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      const p = oh * g.outW + ow;
      for (let c = 0; c < C; c++) {
        for (let u = 0; u < g.kh; u++) {
          const ih = inputIndex(oh, u, H, g.stride, g.padTop, g.wrap);
          for (let v = 0; v < g.kw; v++) {
            const iw = inputIndex(ow, v, W, g.stride, g.padLeft, g.wrap);
            patch[p * K + (c * g.kh + u) * g.kw + v] = ih < 0 || iw < 0 ? 0 : a[c * H * W + ih * W + iw];
          }
        }
      }
    }
  }
  const diag = new Float64Array(P);
  const dot = (p: number, q: number) => {
    let s = 0;
    for (let i = 0; i < K; i++) s += patch[p * K + i] * patch[q * K + i];
    return sigma2 * s;
  };
  for (let p = 0; p < P; p++) diag[p] = dot(p, p);
  let ex = 0;
  for (let p = 0; p < P; p++) ex += diag[p] / 2;
  ex /= P;
  let ex2 = 0;
  for (let p = 0; p < P; p++) {
    ex2 += reluSquaredCovariance(diag[p], diag[p], diag[p]);
    for (let q = p + 1; q < P; q++) ex2 += 2 * reluSquaredCovariance(diag[p], diag[q], dot(p, q));
  }
  ex2 /= P * P;
  return { mean: ex, second: ex * ex + (ex2 - ex * ex) / outChannels };
}
