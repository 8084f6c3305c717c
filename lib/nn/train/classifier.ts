// What the training loop needs of a model: the interface DenseClassifier, ResidualClassifier and
// ConvClassifier implement (each in its net's folder), so that train/loop.ts knows no kind of net
// beyond the one it builds from a config; and AutogradClassifier, the part the three share (their
// dtype and backend, the autograd context, the input check, the loss and the end of a step).

import { Context, softmaxCrossEntropy, type Var } from '../../autograd';
import type { Backend, DType } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';

/** What the training loop (train/loop.ts) needs of a model; DenseClassifier, ConvClassifier and ResidualClassifier fit it. */
export interface Classifier {
  /** The trainable parameters; params[0] is the first layer's weight (train/loop.ts watches its gradient). */
  readonly params: readonly Var[];
  readonly classes: number;
  readonly dtype: DType;
  readonly backend: Backend;
  initialize(rng: Rng): void;
  /** Logits (B×classes) for a batch of flat inputs (B×features). */
  forward(x: Tensor): { logits: Var };
  loss(x: Tensor, labels: ArrayLike<number>): Var;
  /** Frees the buffers of the last forward/backward. */
  endStep(): void;
}

export interface ClassifierRuntimeOptions {
  /** Default float32. */
  readonly dtype?: DType;
  /** Default the reference backend. */
  readonly backend?: Backend;
}

/** The dtype and backend a classifier computes in: the defaults filled in, and the backend able to compute in the dtype. */
export function classifierRuntime(opts: ClassifierRuntimeOptions): { dtype: DType; backend: Backend } {
  const dtype = opts.dtype ?? 'float32', backend = opts.backend ?? createBackend('reference');
  if (!backend.dtypes.includes(dtype)) throw new RangeError(`backend '${backend.name}' does not compute in ${dtype}`);
  return { dtype, backend };
}

/** A classifier trained through the autograd: what DenseClassifier, ResidualClassifier and ConvClassifier share. */
export abstract class AutogradClassifier implements Classifier {
  abstract readonly params: readonly Var[];
  abstract readonly classes: number;
  readonly dtype: DType;
  readonly ctx: Context;

  protected constructor(runtime: { readonly dtype: DType; readonly backend: Backend }) {
    this.dtype = runtime.dtype;
    this.ctx = new Context(runtime.backend);
  }

  get backend(): Backend { return this.ctx.backend; }

  abstract initialize(rng: Rng): void;
  abstract forward(x: Tensor): { logits: Var };

  /** Mean softmax cross-entropy of the batch (a scalar Var to call backward() on). */
  loss(x: Tensor, labels: ArrayLike<number>): Var {
    return softmaxCrossEntropy(this.forward(x).logits, labels);
  }

  /** Frees every buffer of the last forward/backward for reuse; call once a step's results are read. */
  endStep(): void {
    this.ctx.pool.reset();
  }

  /** Trainable leaves of the weights, each followed by a new zero bias of its output size (returned, to zero at init). */
  protected withBiases(weights: readonly Tensor[]): { biases: Tensor[]; params: Var[] } {
    const biases = weights.map((w) => Tensor.zeros([w.shape[0]], this.dtype, (dt, n) => this.backend.alloc(dt, n)));
    return { biases, params: weights.flatMap((w, i) => [this.ctx.leaf(w, true), this.ctx.leaf(biases[i], true)]) };
  }

  /** A batch of `features` flat inputs per row, in the model's dtype, as an autograd input. */
  protected input(x: Tensor, features: number): Var {
    if (x.ndim !== 2 || x.shape[1] !== features) throw new RangeError(`input batch must be [B, ${features}], got [${x.shape.join(', ')}]`);
    if (x.dtype !== this.dtype) throw new TypeError(`input batch is ${x.dtype}, the model is ${this.dtype}`);
    return this.ctx.leaf(x);
  }
}
