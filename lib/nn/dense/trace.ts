// The inspectable forward pass of a fully connected ReLU net: one plain loop over layers that builds
// a plain record per layer (M_j, active units, the theory's conditional prediction). Set a
// breakpoint inside `for (let j = 1; ...)` below to watch variance propagate layer by layer.
//
// Lengths are kept in the log domain: the loop carries a vector h with ‖h‖²/n_j = 1 and a log scale
// L with a_j = e^L·h. ReLU is positively homogeneous, so with zero biases the rescaling is exact and
// M_j = e^{2L} can be 10^±300 or beyond without overflow. Biases are applied in the same scaled
// units (b·e^{−L}), which is exact arithmetic but loses the bias entirely if e^{−L} overflows.

import { inArena, type FloatArray } from '../../kernels/backend';
import type { DenseReluNet } from './net';

const LOG10E = Math.LOG10E;

export interface LayerTrace {
  /** Layer index j (1..d). */
  readonly layer: number;
  /** n_j. */
  readonly width: number;
  /** ln M_j, M_j = ‖a_j‖²/n_j; −Infinity when every unit is off (a dead layer). */
  readonly logM: number;
  /** log10 M_j. */
  readonly log10M: number;
  /** Units with a_{j,i} > 0. */
  readonly activeUnits: number;
  readonly activeFraction: number;
  /** log10 E[M_j | a_{j−1}] = log10(c_j·M_{j−1} + σ_b²/2) (§2.2 (2.1)): the theory's one-step prediction. */
  readonly predictedLog10M: number;
  /**
   * sd(M_j | a_{j−1}) / E[M_j | a_{j−1}] = √((2κ − 1)/n_j), κ = E[z⁴]/E[z²]² of one pre-activation
   * given a_{j−1} (§3.2 (3.4), κ from §3.1 (3.2); √(5/n_j) for Gaussian weights). NaN when rows are not
   * independent (orthogonal).
   */
  readonly predictedRelSd: number;
  /** (M_j − E[M_j | a_{j−1}]) / sd(M_j | a_{j−1}): how surprising this layer's draw was. */
  readonly zScore: number;
}

export interface ForwardTrace {
  /** ln M_0 of the input. */
  readonly logM0: number;
  /** ln M_d of the last layer (−Infinity when dead). */
  readonly logMd: number;
  /** ln(M_d/M_0). */
  readonly logRatio: number;
  /** Whether some layer was entirely off, so the output is exactly zero. */
  readonly dead: boolean;
  /** Per-layer records; empty when the trace was not requested. */
  readonly layers: LayerTrace[];
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function biasMu4(law: 'zero' | 'normal' | 'uniform'): number {
  return law === 'normal' ? 3 : law === 'uniform' ? 9 / 5 : 0;
}

/**
 * Run one input x (length n_0) through the net. With `record` the per-layer trace is built; without
 * it only the final length is returned (the same loop, for the experiments' inner loop).
 */
export function traceForward(net: DenseReluNet, x: ArrayLike<number>, record = true): ForwardTrace {
  const n0 = net.widths[0], backend = net.backend;
  if (x.length !== n0) throw new RangeError(`input has length ${x.length}, the net expects n_0 = ${n0}`);
  // Scratch lives in the backend's memory; an arena backend gets it back when the pass ends.
  return inArena(backend, () => traceLoop(net, x, record));
}

function traceLoop(net: DenseReluNet, x: ArrayLike<number>, record: boolean): ForwardTrace {
  const widths = net.widths, d = net.depth, backend = net.backend;
  const maxWidth = Math.max(...widths);
  let h: FloatArray = backend.alloc(net.dtype, maxWidth);
  let z: FloatArray = backend.alloc(net.dtype, maxWidth);
  const scaledBias: FloatArray = backend.alloc(net.dtype, maxWidth);

  let sumSq0 = 0;
  for (let i = 0; i < widths[0]; i++) sumSq0 += x[i] * x[i];
  const logM0 = Math.log(sumSq0 / widths[0]);
  const layers: LayerTrace[] = [];
  if (sumSq0 === 0 || !Number.isFinite(logM0)) {
    return { logM0, logMd: -Infinity, logRatio: NaN, dead: true, layers };
  }
  // h = x/√M_0 so that ‖h‖²/n_0 = 1, and L = ½·ln M_0.
  const rescale0 = 1 / Math.sqrt(sumSq0 / widths[0]);
  for (let i = 0; i < widths[0]; i++) h[i] = x[i] * rescale0;
  let L = 0.5 * logM0;
  let logMPrev = logM0;
  let dead = false;
  const hasBias = net.bias.law !== 'zero' && net.bias.variance > 0;
  const logBiasHalfVar = hasBias ? Math.log(net.bias.variance / 2) : -Infinity;
  const gains = net.gains();

  for (let j = 1; j <= d; j++) {
    const nIn = widths[j - 1], nOut = widths[j];

    // z = W_j h (+ b_j e^{−L}); a = ReLU(z). Views of the scratch buffers keep the kernels contiguous.
    const hIn = h.subarray(0, nIn), zOut = z.subarray(0, nOut);
    backend.matmul(net.weights[j - 1].data, hIn, zOut, nOut, 1, nIn);
    let biasView: FloatArray | null = null;
    if (hasBias) {
      const b = net.biases[j - 1].data, s = Math.exp(-L);
      for (let i = 0; i < nOut; i++) scaledBias[i] = b[i] * s;
      biasView = scaledBias.subarray(0, nOut);
    }
    backend.biasRelu(zOut, biasView, zOut, 1, nOut);

    let sumSq = 0, active = 0;
    for (let i = 0; i < nOut; i++) { const a = zOut[i]; if (a > 0) { sumSq += a * a; active++; } }
    const logM = sumSq > 0 ? 2 * L + Math.log(sumSq / nOut) : -Infinity;

    if (record) {
      const init = net.inits[j - 1];
      // Scale-free fourth-moment ratio q = ‖h‖₄⁴/‖h‖⁴ of the incoming activations (h is still intact).
      let sum2 = 0, sum4 = 0;
      for (let i = 0; i < nIn; i++) { const v = h[i] * h[i]; sum2 += v; sum4 += v * v; }
      const q = sum2 > 0 ? sum4 / (sum2 * sum2) : 0;
      // E[M_j | a_{j−1}] = c_j M_{j−1} + σ_b²/2, and the relative sd from κ = E[z⁴]/E[z²]².
      const logWeightPart = Math.log(gains[j - 1]) + logMPrev;
      const logPred = hasBias ? logAddExp(logWeightPart, logBiasHalfVar) : logWeightPart;
      const rho = hasBias ? Math.exp(logBiasHalfVar - logPred) : 0; // bias share of E[z²]
      const mu4 = init.mu4(nIn, nOut);
      const kappa = (1 - rho) * (1 - rho) * (3 + (mu4 - 3) * q) + 6 * rho * (1 - rho) + biasMu4(net.bias.law) * rho * rho;
      const relSd = init.iid ? Math.sqrt((2 * kappa - 1) / nOut) : NaN;
      const ratio = logM === -Infinity ? 0 : Math.exp(logM - logPred);
      layers.push({
        layer: j, width: nOut, logM, log10M: logM * LOG10E, activeUnits: active, activeFraction: active / nOut,
        predictedLog10M: logPred * LOG10E, predictedRelSd: relSd, zScore: (ratio - 1) / relSd,
      });
    }

    if (sumSq === 0 && !hasBias) {
      // A dead layer: every later layer is exactly zero too.
      dead = true;
      for (let k = j + 1; k <= d && record; k++) {
        layers.push({
          layer: k, width: widths[k], logM: -Infinity, log10M: -Infinity, activeUnits: 0, activeFraction: 0,
          predictedLog10M: -Infinity, predictedRelSd: NaN, zScore: NaN,
        });
      }
      logMPrev = -Infinity;
      break;
    }
    // Renormalize: h = a/√(sumSq/n_j), L = ½ ln M_j.
    if (sumSq > 0) {
      const s = 1 / Math.sqrt(sumSq / nOut);
      for (let i = 0; i < nOut; i++) zOut[i] *= s;
      L = 0.5 * logM;
    } else if (hasBias) {
      // Everything is off, but the next layer's bias can revive it: continue with h = 0 at the bias scale.
      L = 0.5 * logBiasHalfVar;
    }
    logMPrev = logM;
    const swap = h; h = z; z = swap;
  }
  if (logMPrev === -Infinity) dead = true; // with biases: the last layer itself is all off
  return { logM0, logMd: logMPrev, logRatio: logMPrev - logM0, dead, layers };
}
