// The differentiable ops, grouped by kind (teenygrad's layout): each op computes its forward value
// and returns a Var whose backward closure, written right below the forward, adds the op's
// vector–Jacobian products into its inputs' gradients (through gradTarget, which says whether to
// overwrite or add). Hot work goes through the backend's kernels; the rest is plain loops.
// All inputs are contiguous row-major tensors of one dtype; outputs take that dtype.

import type { FloatArray } from '../kernels/backend';
import { colsLength, conv2dBackwardInto, conv2dForwardInto, convGeometry, type Padding } from '../kernels/conv';
import { addToGrad, gradTarget, Var } from './var';

function sameDtype(op: string, ...vs: Var[]): void {
  for (const v of vs) {
    if (v.dtype !== vs[0].dtype) throw new TypeError(`${op}: mixed dtypes ${vs[0].dtype} and ${v.dtype}`);
  }
}

function shapeStr(v: Var): string {
  return `[${v.shape.join(', ')}]`;
}

function matrixSize(op: string, v: Var): [number, number] {
  if (v.shape.length !== 2) throw new RangeError(`${op}: expected a matrix, got shape ${shapeStr(v)}`);
  return [v.shape[0], v.shape[1]];
}

// ---------------------------------------------------------------------------------------------
// Linear algebra

export interface MatmulFlags {
  /** Use a (stored k×m) transposed. */
  readonly transA?: boolean;
  /** Use b (stored n×k) transposed: x·Wᵀ with W stored [out][in] is matmul(x, W, {transB: true}). */
  readonly transB?: boolean;
}

/** C = op(A)·op(B). Backward products use the kernel's transpose flags, never an explicit transpose. */
export function matmul(a: Var, b: Var, flags: MatmulFlags = {}): Var {
  sameDtype('matmul', a, b);
  const tA = flags.transA === true, tB = flags.transB === true;
  const [ar, ac] = matrixSize('matmul', a), [br, bc] = matrixSize('matmul', b);
  const m = tA ? ac : ar, k = tA ? ar : ac, n = tB ? br : bc;
  if ((tB ? bc : br) !== k) {
    throw new RangeError(`matmul: inner sizes differ: op(A) is ${m}×${k}, op(B) is ${tB ? bc : br}×${n}`);
  }
  const ctx = a.ctx, be = ctx.backend;
  const c = ctx.empty([m, n], a.dtype);
  be.matmul(a.data, b.data, c.data, m, n, k, { transA: tA, transB: tB });
  const out: Var = new Var(ctx, c, [a, b], () => {
    const g = out.grad!.data; // m×n
    const gA = gradTarget(a);
    if (gA !== null) {
      const accumulate = gA.accumulate;
      // dA = g·op(B)ᵀ, laid out like A (m×k, or k×m when A is used transposed).
      if (!tA) be.matmul(g, b.data, gA.data, m, k, n, { transB: !tB, accumulate });
      else be.matmul(b.data, g, gA.data, k, m, n, { transA: tB, transB: true, accumulate });
    }
    const gB = gradTarget(b);
    if (gB !== null) {
      const accumulate = gB.accumulate;
      // dB = op(A)ᵀ·g, laid out like B (k×n, or n×k when B is used transposed).
      if (!tB) be.matmul(a.data, g, gB.data, k, n, m, { transA: !tA, accumulate });
      else be.matmul(g, a.data, gB.data, n, k, m, { transA: true, transB: tA, accumulate });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bias and activation

/** Column sums of g (rows×cols) into the bias gradient: the backward of broadcasting b over rows. */
function biasGrad(bias: Var, g: FloatArray, rows: number, cols: number): void {
  const t = gradTarget(bias);
  if (t === null) return;
  const gb = t.data;
  if (!t.accumulate) gb.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) gb[j] += g[base + j];
  }
}

function checkBias(op: string, x: Var, bias: Var): [number, number] {
  sameDtype(op, x, bias);
  const [rows, cols] = matrixSize(op, x);
  if (bias.shape.length !== 1 || bias.shape[0] !== cols) {
    throw new RangeError(`${op}: bias shape ${shapeStr(bias)} does not match ${cols} columns of ${shapeStr(x)}`);
  }
  return [rows, cols];
}

/** x + b with b (cols) broadcast over the rows of x (rows×cols): a linear layer's bias. */
export function addBias(x: Var, bias: Var): Var {
  const [rows, cols] = checkBias('addBias', x, bias);
  const ctx = x.ctx;
  const y = ctx.empty(x.shape, x.dtype), xd = x.data, bd = bias.data, yd = y.data;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) yd[r * cols + j] = xd[r * cols + j] + bd[j];
  const out: Var = new Var(ctx, y, [x, bias], () => {
    const g = out.grad!.data;
    addToGrad(x, g);
    biasGrad(bias, g, rows, cols);
  });
  return out;
}

/** ReLU(x + b), fused (one kernel, the hidden layer's hot path); bias null gives plain ReLU on a matrix. */
export function biasRelu(x: Var, bias: Var | null): Var {
  const [rows, cols] = bias === null ? matrixSize('biasRelu', x) : checkBias('biasRelu', x, bias);
  const ctx = x.ctx, be = ctx.backend;
  const y = ctx.empty(x.shape, x.dtype);
  be.biasRelu(x.data, bias === null ? null : bias.data, y.data, rows, cols);
  const out: Var = new Var(ctx, y, bias === null ? [x] : [x, bias], () => {
    const g = out.grad!.data, n = rows * cols;
    // dz = g where the output is positive: written straight into x's gradient when x has no other
    // consumer yet, else into a scratch buffer that is then added.
    // The bias gradient (dz's column sums) comes out of the same kernel pass.
    const tx = gradTarget(x), tb = bias === null ? null : gradTarget(bias);
    if (tx !== null && !tx.accumulate) {
      be.reluBackward(g, y.data, tx.data, n, tb);
    } else {
      const dz = ctx.pool.take(x.dtype, n);
      be.reluBackward(g, y.data, dz, n, tb);
      if (tx !== null) for (let i = 0; i < n; i++) tx.data[i] += dz[i];
    }
  });
  return out;
}

/** ReLU of a tensor of any shape. */
export function relu(x: Var): Var {
  if (x.shape.length === 2) return biasRelu(x, null);
  return reshape(biasRelu(reshape(x, [1, x.value.size]), null), x.shape);
}

// ---------------------------------------------------------------------------------------------
// Elementwise arithmetic

/** a + b, same shape: a residual connection. The same Var may be both a and b. */
export function add(a: Var, b: Var): Var {
  sameDtype('add', a, b);
  if (a.value.size !== b.value.size || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`add: shapes ${shapeStr(a)} and ${shapeStr(b)} differ`);
  }
  const ctx = a.ctx;
  const y = ctx.empty(a.shape, a.dtype), ad = a.data, bd = b.data, yd = y.data;
  for (let i = 0; i < yd.length; i++) yd[i] = ad[i] + bd[i];
  const out: Var = new Var(ctx, y, [a, b], () => {
    addToGrad(a, out.grad!.data);
    addToGrad(b, out.grad!.data);
  });
  return out;
}

/** c·x for a constant c: the scale η_ℓ of a residual branch. */
export function scale(x: Var, c: number): Var {
  if (!Number.isFinite(c)) throw new RangeError(`scale: the constant must be finite, got ${c}`);
  const ctx = x.ctx;
  const y = ctx.empty(x.shape, x.dtype), xd = x.data, yd = y.data;
  for (let i = 0; i < yd.length; i++) yd[i] = c * xd[i];
  const out: Var = new Var(ctx, y, [x], () => addToGrad(x, out.grad!.data, c));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reductions and shape

/** Σ x, a scalar (shape []). */
export function sum(x: Var): Var {
  return scaledSum(x, 1);
}

/** (1/size)·Σ x, a scalar (shape []). */
export function mean(x: Var): Var {
  if (x.value.size === 0) throw new RangeError('mean: empty tensor');
  return scaledSum(x, 1 / x.value.size);
}

/** factor·Σ x: its gradient is factor everywhere. */
function scaledSum(x: Var, factor: number): Var {
  const ctx = x.ctx, xd = x.data;
  let s = 0; // float64 accumulation, whatever the dtype
  for (let i = 0; i < xd.length; i++) s += xd[i];
  const y = ctx.empty([], x.dtype);
  y.data[0] = factor * s;
  const out: Var = new Var(ctx, y, [x], () => {
    const c = factor * out.grad!.data[0];
    const t = gradTarget(x);
    if (t === null) return;
    if (t.accumulate) for (let i = 0; i < t.data.length; i++) t.data[i] += c;
    else t.data.fill(c);
  });
  return out;
}

/** The same entries in a new shape (a view: no copy forward; the gradient is reshaped back). */
export function reshape(x: Var, shape: readonly number[]): Var {
  const ctx = x.ctx;
  const y = x.value.reshape(shape); // throws a clear error when the sizes differ
  const out: Var = new Var(ctx, y, [x], () => addToGrad(x, out.grad!.data));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loss

/**
 * Mean softmax cross-entropy of logits (B×C) against integer labels in 0..C−1, fused and stable:
 * ℓ_r = logsumexp(z_r) − z_r[y_r] computed with max-subtraction; d mean / d z_r = (softmax(z_r) − e_{y_r})/B.
 */
export function softmaxCrossEntropy(logits: Var, labels: ArrayLike<number>): Var {
  const [rows, cols] = matrixSize('softmaxCrossEntropy', logits);
  if (labels.length !== rows) throw new RangeError(`softmaxCrossEntropy: ${labels.length} labels for ${rows} rows of logits`);
  if (rows === 0) throw new RangeError('softmaxCrossEntropy: empty batch');
  const ctx = logits.ctx, z = logits.data;
  // The softmax is kept for the backward pass, in the logits' dtype (a pooled buffer).
  const p = ctx.pool.take(logits.dtype, rows * cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols, y = labels[r];
    if (!Number.isInteger(y) || y < 0 || y >= cols) throw new RangeError(`softmaxCrossEntropy: label ${y} at row ${r} is not in 0..${cols - 1}`);
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (z[base + j] > max) max = z[base + j];
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(z[base + j] - max);
    for (let j = 0; j < cols; j++) p[base + j] = Math.exp(z[base + j] - max) / s;
    total += Math.log(s) + max - z[base + y];
  }
  const loss = ctx.empty([], logits.dtype);
  loss.data[0] = total / rows;
  const out: Var = new Var(ctx, loss, [logits], () => {
    const t = gradTarget(logits);
    if (t === null) return;
    const c = out.grad!.data[0] / rows, g = t.data;
    for (let r = 0; r < rows; r++) {
      const base = r * cols, y = labels[r];
      for (let j = 0; j < cols; j++) {
        const d = c * (p[base + j] - (j === y ? 1 : 0));
        if (t.accumulate) g[base + j] += d;
        else g[base + j] = d;
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Convolution and pooling

export interface Conv2dFlags {
  /** Default 1. */
  readonly stride?: number;
  /** Default 'valid'. */
  readonly padding?: Padding;
}

/**
 * 2-D convolution of x (N×C×H×W) with w (O×C×kh×kw) plus a per-channel bias (O) or none: im2col + one
 * backend matmul per image (lib/kernels/conv.ts). Backward: dW = Σ_n g_n·cols_nᵀ, dx = col2im(Wᵀ·g_n),
 * db = Σ g over images and positions; the unfolding buffer is kept from the forward pass as scratch.
 */
export function conv2d(x: Var, w: Var, bias: Var | null, flags: Conv2dFlags = {}): Var {
  sameDtype('conv2d', ...(bias === null ? [x, w] : [x, w, bias]));
  if (x.shape.length !== 4) throw new RangeError(`conv2d: input must be N×C×H×W, got shape ${shapeStr(x)}`);
  if (w.shape.length !== 4 || w.shape[1] !== x.shape[1]) {
    throw new RangeError(`conv2d: weight must be [out, ${x.shape[1]}, kh, kw] for input ${shapeStr(x)}, got ${shapeStr(w)}`);
  }
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== w.shape[0])) {
    throw new RangeError(`conv2d: bias shape ${shapeStr(bias)} does not match ${w.shape[0]} output channels`);
  }
  const g = convGeometry([x.shape[1], x.shape[2], x.shape[3]], { kh: w.shape[2], kw: w.shape[3], stride: flags.stride ?? 1, padding: flags.padding ?? 'valid' });
  const ctx = x.ctx, be = ctx.backend, batch = x.shape[0], channels = w.shape[0];
  const y = ctx.empty([batch, channels, g.outH, g.outW], x.dtype);
  const cols = ctx.pool.take(x.dtype, colsLength(g));
  conv2dForwardInto(be, x.data, w.data, bias === null ? null : bias.data, y.data, cols, batch, channels, g);
  const out: Var = new Var(ctx, y, bias === null ? [x, w] : [x, w, bias], () => {
    const tx = gradTarget(x), tw = gradTarget(w), tb = bias === null ? null : gradTarget(bias);
    conv2dBackwardInto(be, x.data, w.data, out.grad!.data, cols, batch, channels, g, {
      dx: tx === null ? null : tx.data, dxAccumulate: tx !== null && tx.accumulate,
      dw: tw === null ? null : tw.data, dwAccumulate: tw !== null && tw.accumulate,
      db: tb === null ? null : tb.data, dbAccumulate: tb !== null && tb.accumulate,
    });
  });
  return out;
}

/** Global average pooling: the mean over the H×W positions of each channel, N×C×H×W → N×C. */
export function meanPool(x: Var): Var {
  if (x.shape.length !== 4) throw new RangeError(`meanPool: input must be N×C×H×W, got shape ${shapeStr(x)}`);
  const [n, c, h, w] = x.shape, P = h * w, ctx = x.ctx, xd = x.data;
  const y = ctx.empty([n, c], x.dtype), yd = y.data;
  for (let r = 0; r < n * c; r++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += xd[r * P + p];
    yd[r] = s / P;
  }
  const out: Var = new Var(ctx, y, [x], () => {
    const t = gradTarget(x);
    if (t === null) return;
    const g = out.grad!.data, gx = t.data;
    for (let r = 0; r < n * c; r++) {
      const v = g[r] / P;
      if (t.accumulate) for (let p = 0; p < P; p++) gx[r * P + p] += v;
      else for (let p = 0; p < P; p++) gx[r * P + p] = v;
    }
  });
  return out;
}
