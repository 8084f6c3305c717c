// The inspectable forward pass of a residual net (lib/nn/residual/net.ts), the residual counterpart of
// lib/nn/dense/trace.ts: one plain loop over the modules building one plain record per module: M_ℓ, the
// shares of ‖x_ℓ‖² that come from the skip, the branch and their cross term, and the theory's
// conditional prediction E[M_ℓ | x_{ℓ−1}] (THEORY.md §7.1, §7.2). Set a breakpoint inside
// `for (let l = 1; ...)` to watch the stream grow module by module.
//
// Log domain (THEORY.md §1.3): biases are zero, so the whole map is positively homogeneous,
// 𝒩(e^L h) = e^L 𝒩(h), and the loop carries a unit-scale stream h (‖h‖²/n = 1) and a log scale L with
// x_ℓ = e^L·h, exactly. M_ℓ may be 10^±300 or beyond (η = 1 over hundreds of modules) without overflow.

import { inArena, type FloatArray } from '../../kernels/backend';
import type { ResidualNet } from './net';
import { moduleKappa, moduleLambda, reluStepMean } from './theory';

const LOG10E = Math.LOG10E;

export interface ModuleTrace {
  /** Module index ℓ (1..L). */
  readonly module: number;
  /** η_ℓ. */
  readonly eta: number;
  /** ln M_ℓ, M_ℓ = ‖x_ℓ‖²/n. */
  readonly logM: number;
  readonly log10M: number;
  /** ‖x_{ℓ−1}‖²/‖x_ℓ‖²: the skip's share of the length. */
  readonly skipShare: number;
  /** η_ℓ²‖𝒩_ℓ(x_{ℓ−1})‖²/‖x_ℓ‖²: the branch's share. */
  readonly branchShare: number;
  /** 2η_ℓ⟨x_{ℓ−1}, 𝒩_ℓ(x_{ℓ−1})⟩/‖x_ℓ‖²; the three shares sum to 1. */
  readonly crossShare: number;
  /**
   * log10 E[M_ℓ | x_{ℓ−1}]: M_{ℓ−1}(1 + κη_ℓ²) for linear modules (any symmetric law, §7.1); (7.3) for
   * relu modules, exact for Gaussian weights (NaN for other laws, whose μ₁ is not derived).
   */
  readonly predictedLog10M: number;
}

export interface ResidualTrace {
  /** ln M_0 of the stream after the projection, x_0 = ReLU(P·x). */
  readonly logM0: number;
  /** ln M_ℓ for ℓ = 0..L (every module, even without `record`: the experiments read prefixes). */
  readonly logM: Float64Array;
  /** ln(M_L/M_0). */
  readonly logRatio: number;
  /** Whether the stream became exactly zero (x_0 = 0 when every projected unit is off). */
  readonly dead: boolean;
  /** Per-module records; empty when the trace was not requested. */
  readonly modules: ModuleTrace[];
}

/** Push one input x (length n_in) through the projection and the L modules (not the output layer). */
export function traceResidualForward(net: ResidualNet, x: ArrayLike<number>, record = true): ResidualTrace {
  if (x.length !== net.arch.inputWidth) throw new RangeError(`input has length ${x.length}, the net expects n_in = ${net.arch.inputWidth}`);
  // Scratch lives in the backend's memory; an arena backend (wasm) gets it back when the pass ends.
  return inArena(net.backend, () => traceLoop(net, x, record));
}

function traceLoop(net: ResidualNet, x: ArrayLike<number>, record: boolean): ResidualTrace {
  const { width: n, inputWidth, convention } = net.arch;
  const backend = net.backend, L = net.depth;
  const mw = net.moduleWidths(), k = mw.length - 1;
  const maxWidth = Math.max(n, inputWidth, ...mw);
  const alloc = () => backend.alloc(net.dtype, maxWidth);
  let h: FloatArray = alloc(), next: FloatArray = alloc();
  let t: FloatArray = alloc(), u: FloatArray = alloc();
  const xin = alloc();
  for (let i = 0; i < inputWidth; i++) xin[i] = x[i];

  const logM = new Float64Array(L + 1).fill(-Infinity);
  const modules: ModuleTrace[] = [];
  // x_0 = ReLU(P·x); its scale is carried as it is, then normalized like every later step.
  const hOut = h.subarray(0, n);
  backend.matmul(net.projection.data, xin.subarray(0, inputWidth), hOut, n, 1, inputWidth);
  backend.biasRelu(hOut, null, hOut, 1, n);
  let sum0 = 0;
  for (let i = 0; i < n; i++) sum0 += h[i] * h[i];
  if (!(sum0 > 0)) return { logM0: -Infinity, logM, logRatio: NaN, dead: true, modules };
  logM[0] = Math.log(sum0 / n);
  const s0 = 1 / Math.sqrt(sum0 / n);
  for (let i = 0; i < n; i++) h[i] *= s0;
  let Lscale = 0.5 * logM[0];

  const kappa = moduleKappa(mw, net.init);
  const lambda = convention === 'relu' && net.init.law === 'normal' ? moduleLambda(mw) : NaN;
  const reluEnd = convention === 'relu';
  let dead = false;

  for (let l = 1; l <= L; l++) {
    const eta = net.etas[l - 1];
    const layers = net.modules[l - 1];
    // The branch on the unit-scale stream: t = 𝒩_ℓ(h), layer by layer (ReLU after every hidden layer,
    // and after the last one in the relu convention).
    let inW = n;
    for (let i = 0; i < n; i++) t[i] = h[i];
    for (let i = 1; i <= k; i++) {
      const outW = mw[i];
      const uOut = u.subarray(0, outW);
      backend.matmul(layers[i - 1].data, t.subarray(0, inW), uOut, outW, 1, inW);
      if (i < k || reluEnd) backend.biasRelu(uOut, null, uOut, 1, outW);
      const sw = t; t = u; u = sw;
      inW = outW;
    }
    // x_ℓ = x_{ℓ−1} + η·𝒩(x_{ℓ−1}), in units of e^L.
    let hh = 0, ht = 0, tt = 0, yy = 0, hsum = 0;
    for (let i = 0; i < n; i++) {
      const a = h[i], b = t[i], y = a + eta * b;
      hh += a * a; ht += a * b; tt += b * b; yy += y * y; hsum += a;
      next[i] = y;
    }
    const lm = yy > 0 ? 2 * Lscale + Math.log(yy / n) : -Infinity;
    logM[l] = lm;
    if (record) {
      // Conditional predictions in the unit scale: M_{ℓ−1} = e^{2L}, x̄ = e^L·mean(h).
      const logPrev = logM[l - 1];
      const pred = reluEnd
        ? logPrev + Math.log(reluStepMean(1, hsum / n, kappa, lambda, eta))
        : logPrev + Math.log1p(kappa * eta * eta);
      modules.push({
        module: l, eta, logM: lm, log10M: lm * LOG10E,
        skipShare: hh / yy, branchShare: (eta * eta * tt) / yy, crossShare: (2 * eta * ht) / yy,
        predictedLog10M: pred * LOG10E,
      });
    }
    if (!(yy > 0)) { dead = true; break; }
    const s = 1 / Math.sqrt(yy / n);
    for (let i = 0; i < n; i++) next[i] *= s;
    Lscale = 0.5 * lm;
    const sw = h; h = next; next = sw;
  }
  return { logM0: logM[0], logM, logRatio: logM[L] - logM[0], dead, modules };
}
