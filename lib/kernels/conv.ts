// A 2-D convolution on plain arrays: the geometry of one layer (output size and padding split from
// the padding mode and stride) and the forward and backward passes as im2col + one backend matmul per
// image, with caller-owned buffers (the autograd op and the length trace bring pooled ones). Layouts:
// images C×H×W one after another (NCHW), weights out × C·kh·kw ([out, in, kh, kw] flattened).

import type { Backend, FloatArray } from './backend';
import { col2im, colCols, colRows, im2col, type ConvGeometry } from './im2col';

export type { ConvGeometry } from './im2col';

export type Padding = 'valid' | 'same' | 'circular';
export const PADDINGS: readonly Padding[] = ['valid', 'same', 'circular'];

/** Channels, height and width of one image. */
export type ImageShape = readonly [number, number, number];

/** A layer's kernel, stride and padding (its channel count does not change the geometry). */
export interface ConvWindow {
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: Padding;
}

export function positiveInt(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${v}`);
}

/**
 * Output size along one axis. 'valid' keeps only windows inside the input; 'same' and 'circular'
 * give ⌈n/stride⌉ outputs with the padding split as TensorFlow does (the odd one after), so for
 * stride 1 and an odd kernel 2r + 1 it is r on each side.
 */
function axis(n: number, k: number, stride: number, padding: Padding, what: string): { out: number; before: number } {
  if (padding === 'valid') {
    if (k > n) throw new RangeError(`${what}: kernel ${k} is larger than the input ${n} (valid padding)`);
    return { out: Math.floor((n - k) / stride) + 1, before: 0 };
  }
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + k - n, 0);
  return { out, before: Math.floor(total / 2) };
}

/** The geometry of one conv layer on an input of the given shape; throws a one-line RangeError when impossible. */
export function convGeometry(input: ImageShape, layer: ConvWindow, what = 'conv2d'): ConvGeometry {
  const [channels, height, width] = input;
  positiveInt(channels, `${what}: input channels`);
  positiveInt(height, `${what}: input height`);
  positiveInt(width, `${what}: input width`);
  positiveInt(layer.kh, `${what}: kernel height`);
  positiveInt(layer.kw, `${what}: kernel width`);
  positiveInt(layer.stride, `${what}: stride`);
  if (!PADDINGS.includes(layer.padding)) throw new RangeError(`${what}: unknown padding '${String(layer.padding)}' (expected ${PADDINGS.join(', ')})`);
  const h = axis(height, layer.kh, layer.stride, layer.padding, `${what}: height`);
  const w = axis(width, layer.kw, layer.stride, layer.padding, `${what}: width`);
  return {
    channels, height, width, kh: layer.kh, kw: layer.kw, stride: layer.stride,
    padTop: h.before, padLeft: w.before, outH: h.out, outW: w.out, wrap: layer.padding === 'circular',
  };
}

/** Entries of the scratch buffer the forward and backward passes need (one image's unfolding). */
export function colsLength(g: ConvGeometry): number {
  return colRows(g) * colCols(g);
}

/**
 * y[n] = W · im2col(x[n]) (+ bias per output channel) for n = 0..batch−1. x is batch×C×H×W, y is
 * batch×outChannels×outH×outW, w is outChannels×C·kh·kw; cols is scratch of colsLength(g).
 */
export function conv2dForwardInto(backend: Backend, x: FloatArray, w: FloatArray, bias: FloatArray | null, y: FloatArray,
  cols: FloatArray, batch: number, outChannels: number, g: ConvGeometry): void {
  const inSize = g.channels * g.height * g.width, K = colRows(g), P = colCols(g), outSize = outChannels * P;
  const c = cols.subarray(0, K * P);
  for (let n = 0; n < batch; n++) {
    im2col(x, n * inSize, g, c);
    const yn = y.subarray(n * outSize, (n + 1) * outSize);
    backend.matmul(w, c, yn, outChannels, P, K);
    if (bias !== null) for (let o = 0; o < outChannels; o++) for (let p = 0; p < P; p++) yn[o * P + p] += bias[o];
  }
}

/**
 * The vector–Jacobian products of conv2dForwardInto for the output gradient gy: dx (may be null when
 * not wanted) is overwritten or accumulated into, and so are dw and db, as the flags say.
 * dW = Σ_n gy[n] · cols[n]ᵀ, dcols = Wᵀ · gy[n] then col2im, db = Σ_{n,p} gy[n, o, p].
 */
export function conv2dBackwardInto(backend: Backend, x: FloatArray, w: FloatArray, gy: FloatArray, cols: FloatArray,
  batch: number, outChannels: number, g: ConvGeometry,
  grads: {
    readonly dx: FloatArray | null; readonly dxAccumulate?: boolean;
    readonly dw: FloatArray | null; readonly dwAccumulate?: boolean;
    readonly db: FloatArray | null; readonly dbAccumulate?: boolean;
  }): void {
  const inSize = g.channels * g.height * g.width, K = colRows(g), P = colCols(g), outSize = outChannels * P;
  const c = cols.subarray(0, K * P);
  const { dx, dw, db } = grads;
  if (dx !== null && grads.dxAccumulate !== true) dx.fill(0, 0, batch * inSize);
  if (db !== null && grads.dbAccumulate !== true) db.fill(0, 0, outChannels);
  for (let n = 0; n < batch; n++) {
    const gn = gy.subarray(n * outSize, (n + 1) * outSize);
    if (dw !== null) {
      im2col(x, n * inSize, g, c);
      backend.matmul(gn, c, dw, outChannels, K, P, { transB: true, accumulate: n > 0 || grads.dwAccumulate === true });
    }
    if (db !== null) for (let o = 0; o < outChannels; o++) { let s = 0; for (let p = 0; p < P; p++) s += gn[o * P + p]; db[o] += s; }
    if (dx !== null) {
      backend.matmul(w, gn, c, K, P, outChannels, { transA: true });
      col2im(c, g, dx, n * inSize);
    }
  }
}
