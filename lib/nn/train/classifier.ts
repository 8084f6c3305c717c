// What the training loop needs of a model: the interface DenseClassifier, ResidualClassifier and
// ConvClassifier implement (each in its net's folder), so that train/loop.ts knows no kind of net
// beyond the one it builds from a config.

import type { Var } from '../../autograd';
import type { Backend, DType } from '../../kernels/backend';
import type { Rng } from '../../tensor/rng';
import type { Tensor } from '../../tensor/tensor';

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
