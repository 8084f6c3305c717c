// The inspectable backward pass of a fully connected ReLU net (THEORY.md §10): one plain loop over
// layers, d down to 1, that builds a plain record per layer — the squared norm of the signal sent
// down, the gradient norms of W_j and b_j, the active units (the forward masks it reuses), and the
// theory's conditional prediction of the next step with a z-score. Set a breakpoint inside
// `for (let j = d; j >= 1; j--)` in backwardLoop to watch a gradient travel to the input.
//
// Log domain, as in ./trace.ts: the forward pass keeps a_j = e^{L_j}·h_j with ‖h_j‖² = n_j, and the
// backward pass keeps δ_j = ∂ℓ/∂z_j = e^{D_j}·ρ_j with ‖ρ_j‖ = 1, so depth never over- or underflows.

import { inArena, type FloatArray } from '../../kernels/backend';
import type { DenseReluNet } from './net';

const LOG10E = Math.LOG10E;

/** What is differentiated: ℓ = a_{d,q} (row q of the Jacobian), ℓ = u·a_d, or any loss given ∂ℓ/∂a_d. */
export type OutputGradient =
  | { readonly kind: 'coordinate'; readonly q: number }
  | { readonly kind: 'direction'; readonly u: ArrayLike<number> }
  /** `gradient` receives the output a_d in plain numbers (it may overflow at extreme depth) and returns ∂ℓ/∂a_d. */
  | { readonly kind: 'loss'; readonly gradient: (output: Float64Array) => ArrayLike<number> };

export interface BackwardLayerTrace {
  /** Layer index j (1..d). */
  readonly layer: number;
  /** n_j. */
  readonly width: number;
  /** Units of layer j on in the forward pass (their mask passes δ_j through). */
  readonly activeUnits: number;
  readonly activeFraction: number;
  /** log10 ‖δ_j‖², δ_j = ∂ℓ/∂z_j: the back-propagated signal at layer j (−Infinity when zero). */
  readonly log10DeltaSq: number;
  /** log10 ‖∂ℓ/∂W_j‖_F = log10 ‖δ_j‖·‖a_{j−1}‖ (one input: the gradient is the rank-one δ_j a_{j−1}ᵀ). */
  readonly log10GradW: number;
  /** log10 ‖∂ℓ/∂b_j‖ = log10 ‖δ_j‖. */
  readonly log10GradB: number;
  /** log10 ‖r_{j−1}‖², r_{j−1} = ∂ℓ/∂a_{j−1} = W_jᵀδ_j: what layer j sends down (r_0 = ∂ℓ/∂x). */
  readonly log10SignalDownSq: number;
  /** (r_{j−1}·â_{j−1})²/‖r_{j−1}‖²: the share the forward pass fixes (§10.4); NaN when r_{j−1} = 0. */
  readonly alongShare: number;
  /**
   * log10 E[‖r_{j−1}‖² | forward pass, layers > j] = log10((r_{j−1}·â_{j−1})² + (n_{j−1} − 1)σ_j²‖δ_j‖²)
   * (§10.4): exact for Gaussian W_j, the Gaussian value otherwise.
   */
  readonly predictedLog10SignalDownSq: number;
  /** sd/mean of that conditional law: √(2(n_{j−1} − 1))σ_j²‖δ_j‖² over the mean. */
  readonly predictedRelSd: number;
  /** (‖r_{j−1}‖² − mean)/sd: exactly (χ²_k − k)/√(2k), k = n_{j−1} − 1, for Gaussian W_j. */
  readonly zScore: number;
}

export interface BackwardTrace {
  /** ln M_d of the forward pass (−Infinity when dead). */
  readonly logMd: number;
  /** Whether some forward layer was entirely off (then every gradient is zero). */
  readonly dead: boolean;
  /** ∂ℓ/∂x, length n_0 (row q of the Jacobian for a coordinate loss). Plain numbers. */
  readonly inputGradient: Float64Array;
  /** ln ‖∂ℓ/∂x‖² (−Infinity when zero), kept in the log domain. */
  readonly logInputGradientSq: number;
  /** Whether the predictions are exact (every layer Gaussian) or the Gaussian value used as an approximation. */
  readonly predictionExact: boolean;
  /** Per-layer records, layers[0] = layer 1. */
  readonly layers: BackwardLayerTrace[];
}

/** The forward pass the backward pass reuses: a_j = e^{L_j}·h_j, ‖h_j‖² = n_j (0 when off), j = 0..d. */
export interface Activations {
  readonly h: FloatArray[];
  readonly logScale: number[];
  /** ‖h_j‖² (n_j, or 0 for a layer that is entirely off). */
  readonly sqNorm: number[];
  readonly dead: boolean;
}

/**
 * The forward pass with every layer's activations kept (unit-scaled, with log scales), in the
 * backend's memory so the backward products run through its matmul. Call inside inArena.
 */
export function forwardActivations(net: DenseReluNet, x: ArrayLike<number>): Activations {
  const widths = net.widths, d = net.depth, backend = net.backend;
  if (x.length !== widths[0]) throw new RangeError(`input has length ${x.length}, the net expects n_0 = ${widths[0]}`);
  const h: FloatArray[] = [], logScale: number[] = [], sqNorm: number[] = [];
  const hasBias = net.bias.law !== 'zero' && net.bias.variance > 0;
  const scaledBias = hasBias ? backend.alloc(net.dtype, Math.max(...widths)) : null;
  let prev = backend.alloc(net.dtype, widths[0]);
  for (let i = 0; i < widths[0]; i++) prev[i] = x[i];
  let L = 0, dead = false;
  for (let j = 0; j <= d; j++) {
    const n = widths[j];
    if (j > 0) {
      const z = backend.alloc(net.dtype, n);
      backend.matmul(net.weights[j - 1].data, prev, z, n, 1, widths[j - 1]);
      let bias: FloatArray | null = null;
      if (scaledBias !== null) {
        // Biases enter in the units of h: b·e^{−L} (exact arithmetic, as in ./trace.ts).
        const b = net.biases[j - 1].data, s = Math.exp(-L);
        for (let i = 0; i < n; i++) scaledBias[i] = b[i] * s;
        bias = scaledBias.subarray(0, n);
      }
      backend.biasRelu(z, bias, z, 1, n);
      prev = z;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += prev[i] * prev[i];
    if (s > 0 && Number.isFinite(s)) {
      const f = Math.sqrt(n / s);
      for (let i = 0; i < n; i++) prev[i] *= f;
      L += 0.5 * Math.log(s / n);
      sqNorm.push(n);
    } else {
      sqNorm.push(0);
      if (j > 0 && !hasBias) dead = true;
    }
    h.push(prev);
    logScale.push(L);
  }
  return { h, logScale, sqNorm, dead };
}

/**
 * The backward pass for one net, one input x and one output gradient, with a per-layer record.
 * Costs two matrix–vector products per layer (forward and backward).
 */
export function traceBackward(net: DenseReluNet, x: ArrayLike<number>, seed: OutputGradient, opts: BackwardOptions = {}): BackwardTrace {
  return inArena(net.backend, () => backwardLoop(net, forwardActivations(net, x), seed, opts.onLayer));
}

export interface BackwardOptions {
  /** Called inside the loop with each layer's record as it is made (d first): a place for a breakpoint or a live view. */
  readonly onLayer?: (record: BackwardLayerTrace) => void;
}

/** ∂ℓ/∂a_d as plain numbers, checked against n_d. */
function outputGradient(net: DenseReluNet, act: Activations, seed: OutputGradient): ArrayLike<number> {
  const nd = net.widths[net.depth];
  if (seed.kind === 'coordinate') {
    if (!Number.isInteger(seed.q) || seed.q < 0 || seed.q >= nd) throw new RangeError(`output coordinate q must be an integer in 0..${nd - 1}, got ${seed.q}`);
    const g = new Float64Array(nd);
    g[seed.q] = 1;
    return g;
  }
  let g: ArrayLike<number>;
  if (seed.kind === 'direction') g = seed.u;
  else {
    const out = new Float64Array(nd), hd = act.h[net.depth], s = Math.exp(act.logScale[net.depth]);
    for (let i = 0; i < nd; i++) out[i] = hd[i] * s;
    g = seed.gradient(out);
  }
  if (g.length !== nd) throw new RangeError(`the output gradient has length ${g.length}, the net has n_d = ${nd} outputs`);
  return g;
}

function backwardLoop(net: DenseReluNet, act: Activations, seed: OutputGradient, onLayer?: (record: BackwardLayerTrace) => void): BackwardTrace {
  const widths = net.widths, d = net.depth, backend = net.backend;
  const g = outputGradient(net, act, seed);
  // δ_d = m_d ⊙ g, normalized: δ = e^{D}·ρ with ‖ρ‖ = 1.
  let rho = backend.alloc(net.dtype, widths[d]);
  let sq = 0;
  for (let i = 0; i < widths[d]; i++) { rho[i] = act.h[d][i] > 0 ? g[i] : 0; sq += rho[i] * rho[i]; }
  let D = sq > 0 ? 0.5 * Math.log(sq) : -Infinity;
  if (sq > 0) { const f = 1 / Math.sqrt(sq); for (let i = 0; i < widths[d]; i++) rho[i] *= f; }

  const layers: BackwardLayerTrace[] = [];
  let inputGradient = new Float64Array(widths[0]), logInputGradientSq = -Infinity;
  for (let j = d; j >= 1; j--) {
    const nIn = widths[j - 1], n = widths[j], hIn = act.h[j - 1];
    let active = 0;
    for (let i = 0; i < n; i++) if (act.h[j][i] > 0) active++;
    // Norms of a_{j−1} in the log domain: ln ‖a_{j−1}‖ = L_{j−1} + ½ ln ‖h_{j−1}‖².
    const logNormIn = act.sqNorm[j - 1] > 0 ? act.logScale[j - 1] + 0.5 * Math.log(act.sqNorm[j - 1]) : -Infinity;
    if (D === -Infinity) {
      layers.push(zeroLayer(j, n, active));
      onLayer?.(layers[layers.length - 1]);
      continue;
    }
    // r_{j−1} = W_jᵀ δ_j = e^{D}·y.
    const y = backend.alloc(net.dtype, nIn);
    backend.matmul(net.weights[j - 1].data, rho, y, nIn, 1, n, { transA: true });
    let ySq = 0, dot = 0;
    for (let i = 0; i < nIn; i++) { ySq += y[i] * y[i]; dot += y[i] * hIn[i]; }
    // §10.4: given the forward pass and layers > j, r_{j−1} = â(r·â) + σ_j‖δ_j‖·(Gaussian on â⊥), k = n_{j−1} − 1
    // degrees of freedom; with a_{j−1} = 0 the forward pass does not see W_j at all and k = n_{j−1}.
    const along = act.sqNorm[j - 1] > 0 ? (dot * dot) / act.sqNorm[j - 1] : 0;
    const k = act.sqNorm[j - 1] > 0 ? nIn - 1 : nIn;
    const v = net.inits[j - 1].variance(nIn, n);
    const mean = along + k * v, sd = Math.sqrt(2 * k) * v;
    layers.push({
      layer: j, width: n, activeUnits: active, activeFraction: active / n,
      log10DeltaSq: 2 * D * LOG10E,
      log10GradW: (D + logNormIn) * LOG10E,
      log10GradB: D * LOG10E,
      log10SignalDownSq: (2 * D + Math.log(ySq)) * LOG10E,
      alongShare: ySq > 0 ? along / ySq : NaN,
      predictedLog10SignalDownSq: (2 * D + Math.log(mean)) * LOG10E,
      predictedRelSd: sd / mean,
      zScore: k > 0 ? (ySq - mean) / sd : NaN, // k = 0 (n_{j−1} = 1): r_{j−1} is all along a_{j−1}
    });
    onLayer?.(layers[layers.length - 1]);
    if (j === 1) {
      const s = Math.exp(D);
      for (let i = 0; i < nIn; i++) inputGradient[i] = y[i] * s;
      logInputGradientSq = ySq > 0 ? 2 * D + Math.log(ySq) : -Infinity;
      break;
    }
    // δ_{j−1} = m_{j−1} ⊙ r_{j−1}: the forward mask of layer j−1 gates the signal.
    let m = 0;
    for (let i = 0; i < nIn; i++) { if (!(hIn[i] > 0)) y[i] = 0; m += y[i] * y[i]; }
    if (m > 0) {
      const f = 1 / Math.sqrt(m);
      for (let i = 0; i < nIn; i++) y[i] *= f;
      D += 0.5 * Math.log(m);
    } else D = -Infinity;
    rho = y;
  }
  if (D === -Infinity) inputGradient = new Float64Array(widths[0]);
  layers.reverse();
  const logMd = act.sqNorm[d] > 0 ? 2 * act.logScale[d] : -Infinity;
  return {
    logMd, dead: act.dead, inputGradient, logInputGradientSq,
    predictionExact: net.inits.every((i) => i.law === 'normal'), layers,
  };
}

function zeroLayer(j: number, n: number, active: number): BackwardLayerTrace {
  return {
    layer: j, width: n, activeUnits: active, activeFraction: active / n, log10DeltaSq: -Infinity, log10GradW: -Infinity,
    log10GradB: -Infinity, log10SignalDownSq: -Infinity, alongShare: NaN, predictedLog10SignalDownSq: -Infinity,
    predictedRelSd: NaN, zScore: NaN,
  };
}

/** The input–output Jacobian J = ∂a_d/∂x (n_d × n_0, row-major) as e^{logScale}·scaled. */
export interface ScaledJacobian {
  readonly rows: number;
  readonly cols: number;
  readonly logScale: number;
  /** Frobenius norm² of `scaled` is 1, or every entry is 0 (a dead net: logScale −Infinity). */
  readonly scaled: Float64Array;
}

/**
 * The whole Jacobian at x by the backward pass for all n_d outputs at once: R ← diag(m_d), then
 * R ← (R·W_j)·diag(m_{j−1}) for j = d..1, renormalized each layer. Costs Σ_j n_d·n_j·n_{j−1}.
 */
export function jacobian(net: DenseReluNet, x: ArrayLike<number>): ScaledJacobian {
  const widths = net.widths, d = net.depth, backend = net.backend, nd = widths[d];
  return inArena(backend, () => {
    const act = forwardActivations(net, x);
    let R = backend.alloc(net.dtype, nd * nd);
    R.fill(0);
    for (let q = 0; q < nd; q++) R[q * nd + q] = act.h[d][q] > 0 ? 1 : 0;
    let logScale = 0;
    for (let j = d; j >= 1 && logScale > -Infinity; j--) {
      const nIn = widths[j - 1], T = backend.alloc(net.dtype, nd * nIn);
      backend.matmul(R, net.weights[j - 1].data, T, nd, nIn, widths[j]);
      const mask = act.h[j - 1];
      let s = 0;
      for (let q = 0; q < nd; q++) {
        for (let i = 0; i < nIn; i++) {
          const idx = q * nIn + i;
          if (j > 1 && !(mask[i] > 0)) T[idx] = 0;
          s += T[idx] * T[idx];
        }
      }
      if (s > 0) {
        const f = 1 / Math.sqrt(s);
        for (let i = 0; i < nd * nIn; i++) T[i] *= f;
        logScale += 0.5 * Math.log(s);
      } else logScale = -Infinity;
      R = T;
    }
    const scaled = logScale === -Infinity ? new Float64Array(nd * widths[0]) : Float64Array.from(R.subarray(0, nd * widths[0]));
    return { rows: nd, cols: widths[0], logScale, scaled };
  });
}

/** ln of the mean over the n_0·n_d entries of Z², and of Z⁴, for one net at one input. */
export interface JacobianEntryMoments {
  readonly logMeanSq: number;
  readonly logMeanFourth: number;
}

export function jacobianEntryMoments(net: DenseReluNet, x: ArrayLike<number>): JacobianEntryMoments {
  const J = jacobian(net, x), n = J.rows * J.cols;
  if (J.logScale === -Infinity) return { logMeanSq: -Infinity, logMeanFourth: -Infinity };
  let s4 = 0;
  for (let i = 0; i < n; i++) { const v = J.scaled[i] * J.scaled[i]; s4 += v * v; }
  // ‖scaled‖_F = 1, so ΣZ² = e^{2·logScale} exactly.
  return { logMeanSq: 2 * J.logScale - Math.log(n), logMeanFourth: 4 * J.logScale + Math.log(s4 / n) };
}
