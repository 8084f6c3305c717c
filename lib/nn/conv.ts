// The 2-D convolution layer: NCHW activations, weights [out, in, kh, kw] (PyTorch's layout, so
// init.ts's fansOf gives fan-in = in·kh·kw), stride, and 'valid', 'same' (zero) or 'circular'
// padding. Computed as im2col + one backend matmul per image, so a faster backend speeds it up with
// no change here. Forward and backward work on plain arrays with caller-owned buffers (the autograd
// op and the length trace bring pooled ones); conv2d/conv2dBackward wrap them for tensors.

import type { Backend, FloatArray } from '../kernels/backend';
import { col2im, colCols, colRows, im2col, type ConvGeometry } from '../kernels/im2col';
import { ReferenceBackend } from '../kernels/reference';
import { Tensor } from '../tensor/tensor';

export type { ConvGeometry } from '../kernels/im2col';

export type Padding = 'valid' | 'same' | 'circular';
export const PADDINGS: readonly Padding[] = ['valid', 'same', 'circular'];

export interface ConvLayerSpec {
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: Padding;
}

/** Channels, height and width of one image. */
export type ImageShape = readonly [number, number, number];

const REFERENCE = new ReferenceBackend();

function positiveInt(v: number, what: string): void {
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
export function convGeometry(input: ImageShape, layer: Omit<ConvLayerSpec, 'outChannels'>, what = 'conv2d'): ConvGeometry {
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

/** Geometries of a stack of layers from the input shape; a layer that cannot fit names its index. */
export function stackGeometry(input: ImageShape, layers: readonly ConvLayerSpec[]): ConvGeometry[] {
  const out: ConvGeometry[] = [];
  let shape: ImageShape = input;
  layers.forEach((l, i) => {
    positiveInt(l.outChannels, `conv layer ${i + 1}: output channels`);
    const g = convGeometry(shape, l, `conv layer ${i + 1}`);
    out.push(g);
    shape = [l.outChannels, g.outH, g.outW];
  });
  return out;
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

function checkConvArgs(x: Tensor, w: Tensor, bias: Tensor | null): void {
  if (x.ndim !== 4) throw new RangeError(`conv2d: input must be NCHW (4-D), got [${x.shape.join(', ')}]`);
  if (w.ndim !== 4) throw new RangeError(`conv2d: weight must be [out, in, kh, kw], got [${w.shape.join(', ')}]`);
  if (w.shape[1] !== x.shape[1]) throw new RangeError(`conv2d: weight has ${w.shape[1]} input channels, the input ${x.shape[1]}`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== w.shape[0])) {
    throw new RangeError(`conv2d: bias must have shape [${w.shape[0]}], got [${bias.shape.join(', ')}]`);
  }
}

export interface Conv2dOptions {
  readonly stride?: number;
  readonly padding?: Padding;
  readonly backend?: Backend;
}

function geometryOf(x: Tensor, w: Tensor, opts: Conv2dOptions): ConvGeometry {
  return convGeometry([x.shape[1], x.shape[2], x.shape[3]],
    { kh: w.shape[2], kw: w.shape[3], stride: opts.stride ?? 1, padding: opts.padding ?? 'valid' });
}

/** The convolution of an NCHW tensor (cross-correlation, as in every deep-learning library). */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  checkConvArgs(x, w, bias);
  const g = geometryOf(x, w, opts), backend = opts.backend ?? REFERENCE;
  const dtype = x.dtype, batch = x.shape[0], out = w.shape[0];
  const y = Tensor.zeros([batch, out, g.outH, g.outW], dtype, (dt, n) => backend.alloc(dt, n));
  const cols = backend.alloc(dtype, colsLength(g));
  conv2dForwardInto(backend, x.contiguous().data, w.contiguous().data, bias === null ? null : bias.contiguous().data,
    y.data, cols, batch, out, g);
  return y;
}

/** Gradients of ⟨gy, conv2d(x, w, b)⟩ with respect to x, w and b. */
export function conv2dBackward(x: Tensor, w: Tensor, gy: Tensor, opts: Conv2dOptions = {}): { dx: Tensor; dw: Tensor; db: Tensor } {
  checkConvArgs(x, w, null);
  const g = geometryOf(x, w, opts), backend = opts.backend ?? REFERENCE;
  const batch = x.shape[0], out = w.shape[0];
  const want = [batch, out, g.outH, g.outW];
  if (gy.ndim !== 4 || gy.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`conv2dBackward: output gradient must have shape [${want.join(', ')}], got [${gy.shape.join(', ')}]`);
  }
  const alloc = (dt: typeof x.dtype, n: number) => backend.alloc(dt, n);
  const dx = Tensor.zeros(x.shape, x.dtype, alloc), dw = Tensor.zeros(w.shape, w.dtype, alloc), db = Tensor.zeros([out], w.dtype, alloc);
  conv2dBackwardInto(backend, x.contiguous().data, w.contiguous().data, gy.contiguous().data, backend.alloc(x.dtype, colsLength(g)),
    batch, out, g, { dx: dx.data, dw: dw.data, db: db.data });
  return { dx, dw, db };
}
