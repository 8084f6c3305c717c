// Deep convolutional ReLU nets for the length experiments: a stack of conv layers with zero biases,
// a_j = ReLU(conv(a_{j−1}, W_j)), and the inspectable forward pass of one image through it.
//
// As in trace.ts, lengths are kept in the log domain: the loop carries h with mean square 1 and a log
// scale L with a_j = e^L·h, exact by positive homogeneity with zero biases, so M_d may be 10^±300 or
// beyond. Each layer's record holds the theory's exact conditional mean E[M_j | a_{j−1}] (§8.1).

import { inArena, type Backend, type DType, type FloatArray } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';
import { colsLength, conv2dForwardInto, stackGeometry, type ConvGeometry, type ConvLayerSpec, type ImageShape } from './layer';
import { convGains, energyProfile, propagateProfile } from './theory';
import type { Initializer } from '../init';

export interface ConvNetOptions {
  readonly dtype?: DType;
  readonly backend?: Backend;
}

export class ConvReluNet {
  readonly input: ImageShape;
  readonly layers: readonly ConvLayerSpec[];
  readonly geometries: readonly ConvGeometry[];
  readonly init: Initializer;
  readonly dtype: DType;
  readonly backend: Backend;
  /** W_j, shape [C_j, C_{j−1}, kh, kw]. */
  readonly weights: Tensor[];

  /** Throws a one-line RangeError naming the layer when a kernel does not fit or a size is not positive. */
  constructor(input: ImageShape, layers: readonly ConvLayerSpec[], init: Initializer, opts: ConvNetOptions = {}) {
    if (layers.length < 1) throw new RangeError('a conv net needs at least one layer');
    this.geometries = stackGeometry(input, layers);
    this.input = [input[0], input[1], input[2]];
    this.layers = layers.slice();
    this.init = init;
    this.dtype = opts.dtype ?? 'float64';
    this.backend = opts.backend ?? createBackend('reference');
    const alloc = (dt: DType, n: number) => this.backend.alloc(dt, n);
    this.weights = layers.map((l, j) => Tensor.zeros([l.outChannels, this.geometries[j].channels, l.kh, l.kw], this.dtype, alloc));
  }

  get depth(): number { return this.layers.length; }
  get outChannels(): number[] { return this.layers.map((l) => l.outChannels); }

  /** c_j = kh·kw·C_{j−1}·Var(W_j)/2. */
  gains(): number[] {
    return convGains(this.geometries, this.outChannels, this.init);
  }

  initialize(rng: Rng): void {
    for (const w of this.weights) this.init.sample(rng, w);
  }
}

export interface ConvLayerTrace {
  readonly layer: number;
  readonly channels: number;
  /** Output positions |Ω_j| = outH·outW. */
  readonly positions: number;
  /** ln M_j (−Infinity when every unit is off). */
  readonly logM: number;
  readonly activeFraction: number;
  /** ln E[M_j | a_{j−1}] = ln(c_j·mean_p (A_j e_{j−1})(p)) (§8.1): exact for any symmetric law. */
  readonly logPredicted: number;
}

export interface ConvForwardTrace {
  readonly logM0: number;
  readonly logMd: number;
  readonly logRatio: number;
  readonly dead: boolean;
  /** Per-layer records; empty unless requested. */
  readonly layers: ConvLayerTrace[];
}

/** One C×H×W image (length C·H·W) through the net; with `record`, the per-layer records as well. */
export function convTraceForward(net: ConvReluNet, x: ArrayLike<number>, record = true): ConvForwardTrace {
  const [c0, h0, w0] = net.input, n0 = c0 * h0 * w0;
  if (x.length !== n0) throw new RangeError(`input has ${x.length} entries, the net expects ${c0}×${h0}×${w0} = ${n0}`);
  // Scratch lives in the backend's memory; an arena backend gets it back when the pass ends.
  return inArena(net.backend, () => traceLoop(net, x, record));
}

function traceLoop(net: ConvReluNet, x: ArrayLike<number>, record: boolean): ConvForwardTrace {
  const [c0, h0, w0] = net.input, n0 = c0 * h0 * w0;
  const backend = net.backend, geoms = net.geometries;
  const sizes = [n0, ...net.layers.map((l, j) => l.outChannels * geoms[j].outH * geoms[j].outW)];
  const maxSize = Math.max(...sizes);
  let h: FloatArray = backend.alloc(net.dtype, maxSize);
  let z: FloatArray = backend.alloc(net.dtype, maxSize);
  const cols = backend.alloc(net.dtype, Math.max(...geoms.map(colsLength)));

  let sumSq0 = 0;
  for (let i = 0; i < n0; i++) sumSq0 += x[i] * x[i];
  const logM0 = Math.log(sumSq0 / n0);
  const layers: ConvLayerTrace[] = [];
  if (!(sumSq0 > 0) || !Number.isFinite(logM0)) return { logM0, logMd: -Infinity, logRatio: NaN, dead: true, layers };
  const r0 = 1 / Math.sqrt(sumSq0 / n0);
  for (let i = 0; i < n0; i++) h[i] = x[i] * r0;
  let L = 0.5 * logM0;
  const gains = record ? net.gains() : [];

  for (let j = 0; j < net.depth; j++) {
    const g = geoms[j], out = net.layers[j].outChannels, size = sizes[j + 1];
    let logPredicted = NaN;
    if (record) {
      // h has mean square 1, so E[M_j | a_{j−1}] = e^{2L}·c_j·mean(A_j e(h)).
      const e = propagateProfile(energyProfile(h.subarray(0, sizes[j]), g.channels, g.height, g.width), g);
      let m = 0;
      for (const v of e) m += v;
      logPredicted = 2 * L + Math.log(gains[j] * (m / e.length));
    }
    const zOut = z.subarray(0, size);
    conv2dForwardInto(backend, h.subarray(0, sizes[j]), net.weights[j].data, null, zOut, cols, 1, out, g);
    backend.biasRelu(zOut, null, zOut, 1, size);
    let sumSq = 0, active = 0;
    for (let i = 0; i < size; i++) { const a = zOut[i]; if (a > 0) { sumSq += a * a; active++; } }
    const logM = sumSq > 0 ? 2 * L + Math.log(sumSq / size) : -Infinity;
    if (record) layers.push({ layer: j + 1, channels: out, positions: g.outH * g.outW, logM, activeFraction: active / size, logPredicted });
    if (sumSq === 0) return { logM0, logMd: -Infinity, logRatio: -Infinity, dead: true, layers };
    const s = 1 / Math.sqrt(sumSq / size);
    for (let i = 0; i < size; i++) zOut[i] *= s;
    L = 0.5 * logM;
    const swap = h; h = z; z = swap;
  }
  return { logM0, logMd: 2 * L, logRatio: 2 * L - logM0, dead: false, layers };
}
