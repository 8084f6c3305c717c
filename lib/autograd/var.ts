// The core of the reverse-mode autograd: a Var is a Tensor in a computation graph. Each op (ops.ts)
// makes a Var whose `backwardFn` adds the op's vector–Jacobian products into its inputs' gradients.
// `backward(loss)` orders the graph iteratively (a 1,000-layer net must not overflow the stack) and
// runs those closures from the loss down.
//
// Allocation: training is the hot path, so every buffer an op or a gradient needs comes from the
// Context's BufferPool; `pool.reset()` after a step hands them all back for the next step, which then
// allocates nothing but small JS objects. Parameter (leaf) gradients live outside the pool and are kept.

import type { Backend, DType, FloatArray } from '../kernels/backend';
import { ReferenceBackend } from '../kernels/reference';
import { Tensor, type Shape, shapeSize } from '../tensor/tensor';

/**
 * Recycles typed arrays between steps; arrays come from the backend's alloc. A request takes (a
 * prefix of) the shortest free array at least as long, and only allocates when there is none. This
 * best fit allocates nothing in any step whose requests could each be given a free array at least
 * as long (exchange argument: whoever would hold the array best fit takes can hold the taken one's
 * longer alternative). So a run's partial last batch and its evaluation batches, whose requests are
 * those of a full step scaled down, cost no memory beyond the full batches': an arena backend (wasm)
 * never frees, and recycling by exact length took a second and third set of arrays for them.
 */
export class BufferPool {
  /** Free arrays by dtype, then by length. */
  private readonly free = new Map<DType, Map<number, FloatArray[]>>();
  /** Arrays taken since the last reset (the whole array, where a prefix was handed out). */
  private readonly used: FloatArray[] = [];
  /** Buffers ever allocated (not reused): a test of "no per-step allocations" reads this. */
  allocated = 0;

  constructor(private readonly backend: Backend) {}

  /** An array of this dtype and length, NOT zeroed: the caller writes every entry. */
  take(dtype: DType, length: number): FloatArray {
    const byLength = this.free.get(dtype);
    let buf = byLength?.get(length)?.pop();
    if (buf === undefined && byLength !== undefined) {
      let best = Infinity;
      for (const [n, list] of byLength) if (n > length && n < best && list.length > 0) best = n;
      buf = best < Infinity ? byLength.get(best)!.pop() : undefined;
    }
    if (buf === undefined) buf = this.fresh(dtype, length);
    this.used.push(buf);
    return buf.length === length ? buf : buf.subarray(0, length);
  }

  /** Every array taken since the last reset becomes free again; tensors built on them are invalid. */
  reset(): void {
    for (const buf of this.used) {
      const dtype: DType = buf instanceof Float32Array ? 'float32' : 'float64';
      let byLength = this.free.get(dtype);
      if (byLength === undefined) this.free.set(dtype, (byLength = new Map()));
      let list = byLength.get(buf.length);
      if (list === undefined) byLength.set(buf.length, (list = []));
      list.push(buf);
    }
    this.used.length = 0;
  }

  private fresh(dtype: DType, length: number): FloatArray {
    this.allocated++;
    return this.backend.alloc(dtype, length);
  }
}

/** What ops need besides their inputs: the kernels to run and where intermediate buffers come from. */
export class Context {
  readonly backend: Backend;
  readonly pool: BufferPool;

  constructor(backend: Backend = new ReferenceBackend()) {
    this.backend = backend;
    this.pool = new BufferPool(backend);
  }

  /** A pooled tensor (entries undefined until written). */
  empty(shape: Shape, dtype: DType): Tensor {
    return Tensor.fromData(this.pool.take(dtype, shapeSize(shape)), shape);
  }

  /** A leaf Var: a parameter (requiresGrad) or an input (not). Its value is used as is, not copied. */
  leaf(value: Tensor, requiresGrad = false): Var {
    if (!value.isContiguous()) throw new RangeError('autograd leaves must be contiguous tensors');
    return new Var(this, value, [], null, requiresGrad);
  }
}

export class Var {
  readonly ctx: Context;
  readonly value: Tensor;
  /** d loss / d this, set by backward() for every Var the loss depends on through requiresGrad leaves. */
  grad: Tensor | null = null;
  readonly inputs: readonly Var[];
  readonly requiresGrad: boolean;
  /** Adds this op's contributions to its inputs' gradients, reading this.grad. Null for leaves. */
  readonly backwardFn: (() => void) | null;
  /** Whether this.grad already holds a contribution in the current backward pass. */
  gradWritten = false;

  constructor(ctx: Context, value: Tensor, inputs: readonly Var[], backwardFn: (() => void) | null, requiresGrad?: boolean) {
    this.ctx = ctx;
    this.value = value;
    this.inputs = inputs;
    this.backwardFn = backwardFn;
    // An op's output needs a gradient iff one of its inputs does; leaves say so explicitly.
    this.requiresGrad = requiresGrad ?? inputs.some((v) => v.requiresGrad);
  }

  get shape(): Shape { return this.value.shape; }
  get dtype(): DType { return this.value.dtype; }
  get data(): FloatArray { return this.value.data; }
  get isLeaf(): boolean { return this.backwardFn === null; }

  /** Reverse-mode pass from this (scalar) Var; see backward(). */
  backward(): void { backward(this); }
}

/**
 * Where an op's backward writes its contribution to `v`'s gradient: the buffer and whether to add to
 * it (another consumer of v already wrote in this pass) or overwrite it (the first contribution,
 * which saves a zero fill). Returns null when v needs no gradient.
 */
export function gradTarget(v: Var): { data: FloatArray; accumulate: boolean } | null {
  if (!v.requiresGrad) return null;
  if (v.gradWritten) return { data: v.grad!.data, accumulate: true };
  if (v.grad === null || v.grad.size !== v.value.size) {
    // Leaves keep their gradient buffer across steps (outside the pool); op outputs borrow one.
    v.grad = v.isLeaf
      ? Tensor.zeros(v.shape, v.dtype, (dt, n) => v.ctx.backend.alloc(dt, n))
      : v.ctx.empty(v.shape, v.dtype);
  }
  v.gradWritten = true;
  return { data: v.grad.data, accumulate: false };
}

/** Adds (or writes) src into v's gradient elementwise: the backward of ops whose Jacobian is ±identity·c. */
export function addToGrad(v: Var, src: FloatArray, scale = 1): void {
  const t = gradTarget(v);
  if (t === null) return;
  const g = t.data, n = g.length;
  if (t.accumulate) for (let i = 0; i < n; i++) g[i] += scale * src[i];
  else if (scale === 1) g.set(src.subarray(0, n));
  else for (let i = 0; i < n; i++) g[i] = scale * src[i];
}

/**
 * Vars reachable from `root` through Vars that require gradients, inputs before the Vars that use
 * them (post-order DFS with an explicit stack, so depth is not limited by the call stack).
 */
export function topologicalOrder(root: Var): Var[] {
  const order: Var[] = [];
  const visited = new Set<Var>([root]);
  // Each frame is a Var and the index of the next input to visit.
  const stack: Array<[Var, number]> = [[root, 0]];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const [v, i] = frame;
    if (i < v.inputs.length) {
      frame[1] = i + 1;
      const u = v.inputs[i];
      if (u.requiresGrad && !visited.has(u)) {
        visited.add(u);
        stack.push([u, 0]);
      }
    } else {
      stack.pop();
      order.push(v);
    }
  }
  return order;
}

/**
 * Sets .grad of every Var `loss` depends on (through requiresGrad leaves) to d loss / d Var. Unlike
 * PyTorch, leaf gradients are overwritten, not added to the previous pass's: one backward per step
 * needs no zero_grad. A non-scalar `loss` is seeded with ones (the gradient of its sum).
 */
export function backward(loss: Var): void {
  if (!loss.requiresGrad) throw new Error('backward: the loss does not depend on any Var that requires a gradient');
  const order = topologicalOrder(loss);
  for (const v of order) v.gradWritten = false;
  const seed = gradTarget(loss)!;
  seed.data.fill(1);
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i];
    if (v.backwardFn !== null && v.gradWritten) v.backwardFn();
  }
  // A leaf reached by the traversal but by no gradient path still gets a defined (zero) gradient.
  for (const v of order) {
    if (!v.gradWritten && v.isLeaf) {
      gradTarget(v);
      v.grad!.data.fill(0);
    }
  }
}
