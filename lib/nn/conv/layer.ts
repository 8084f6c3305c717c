// The 2-D convolution layer for tensors: NCHW activations, weights [out, in, kh, kw] (PyTorch's
// layout, so init.ts's fansOf gives fan-in = in·kh·kw), stride, and 'valid', 'same' (zero) or
// 'circular' padding. The arithmetic is lib/kernels/conv.ts (im2col + one backend matmul per image),
// so a faster backend speeds it up with no change here; this file adds the layer specs of a stack
// and tensor-level convLayer/convLayerBackward.

import { inArena, type Backend } from '../../kernels/backend';
import { colsLength, conv2dBackwardInto, conv2dForwardInto, convGeometry, positiveInt, type ConvGeometry, type ConvWindow, type ImageShape, type Padding } from '../../kernels/conv';
import { createBackend } from '../../kernels/index';
import { Tensor } from '../../tensor/tensor';

export { colsLength, conv2dBackwardInto, conv2dForwardInto, convGeometry, PADDINGS, type ConvGeometry, type ImageShape, type Padding } from '../../kernels/conv';

export interface ConvLayerSpec extends ConvWindow {
  readonly outChannels: number;
}

const REFERENCE: Backend = createBackend('reference');

/** A stack of `depth` equal layers: conv nets' counterpart of a constant width profile. */
export function uniformStack(depth: number, layer: ConvLayerSpec): ConvLayerSpec[] {
  return new Array<ConvLayerSpec>(depth).fill(layer);
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

function checkConvArgs(x: Tensor, w: Tensor, bias: Tensor | null): void {
  if (x.ndim !== 4) throw new RangeError(`convLayer: input must be NCHW (4-D), got [${x.shape.join(', ')}]`);
  if (w.ndim !== 4) throw new RangeError(`convLayer: weight must be [out, in, kh, kw], got [${w.shape.join(', ')}]`);
  if (w.shape[1] !== x.shape[1]) throw new RangeError(`convLayer: weight has ${w.shape[1]} input channels, the input ${x.shape[1]}`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== w.shape[0])) {
    throw new RangeError(`convLayer: bias must have shape [${w.shape[0]}], got [${bias.shape.join(', ')}]`);
  }
}

export interface ConvLayerOptions {
  readonly stride?: number;
  readonly padding?: Padding;
  readonly backend?: Backend;
}

function geometryOf(x: Tensor, w: Tensor, opts: ConvLayerOptions): ConvGeometry {
  return convGeometry([x.shape[1], x.shape[2], x.shape[3]],
    { kh: w.shape[2], kw: w.shape[3], stride: opts.stride ?? 1, padding: opts.padding ?? 'valid' });
}

/** The convolution of an NCHW tensor (cross-correlation, as in every deep-learning library). */
export function convLayer(x: Tensor, w: Tensor, bias: Tensor | null = null, opts: ConvLayerOptions = {}): Tensor {
  checkConvArgs(x, w, bias);
  const g = geometryOf(x, w, opts), backend = opts.backend ?? REFERENCE;
  const dtype = x.dtype, batch = x.shape[0], out = w.shape[0];
  const y = Tensor.zeros([batch, out, g.outH, g.outW], dtype, (dt, n) => backend.alloc(dt, n));
  // The unfolding is scratch: an arena backend gets it back at once (y, allocated before, stays).
  inArena(backend, () => conv2dForwardInto(backend, x.contiguous().data, w.contiguous().data, bias === null ? null : bias.contiguous().data,
    y.data, backend.alloc(dtype, colsLength(g)), batch, out, g));
  return y;
}

/** Gradients of ⟨gy, convLayer(x, w, b)⟩ with respect to x, w and b. */
export function convLayerBackward(x: Tensor, w: Tensor, gy: Tensor, opts: ConvLayerOptions = {}): { dx: Tensor; dw: Tensor; db: Tensor } {
  checkConvArgs(x, w, null);
  const g = geometryOf(x, w, opts), backend = opts.backend ?? REFERENCE;
  const batch = x.shape[0], out = w.shape[0];
  const want = [batch, out, g.outH, g.outW];
  if (gy.ndim !== 4 || gy.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`convLayerBackward: output gradient must have shape [${want.join(', ')}], got [${gy.shape.join(', ')}]`);
  }
  const alloc = (dt: typeof x.dtype, n: number) => backend.alloc(dt, n);
  const dx = Tensor.zeros(x.shape, x.dtype, alloc), dw = Tensor.zeros(w.shape, w.dtype, alloc), db = Tensor.zeros([out], w.dtype, alloc);
  inArena(backend, () => conv2dBackwardInto(backend, x.contiguous().data, w.contiguous().data, gy.contiguous().data,
    backend.alloc(x.dtype, colsLength(g)), batch, out, g, { dx: dx.data, dw: dw.data, db: db.data }));
  return { dx, dw, db };
}
