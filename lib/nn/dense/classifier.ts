// The paper's training model (paper-brief §4, Figure 1(b)): the hidden ReLU layers of a DenseReluNet,
// a_j = ReLU(W_j a_{j−1} + b_j) for j = 1..d, then a linear output layer of C units (C = 10 for MNIST),
// logits = W_{d+1} a_d + b_{d+1}, trained with softmax cross-entropy through the autograd.
//
// Initialization: the hidden weights from the chosen initializer; the output weights from the SAME
// initializer (fan-in n_d, fan-out C) unless `outputInit` says otherwise; every bias zero at init
// (the paper does not say; zero is the brief's choice). Float32 by default, float64 on request.

import { biasRelu, addBias, matmul, type Var } from '../../autograd';
import type { DType } from '../../kernels/backend';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';
import { DenseReluNet, isWidth } from './net';
import type { Initializer } from '../init';
import { AutogradClassifier, classifierRuntime, type ClassifierRuntimeOptions } from '../train/classifier';

export interface ClassifierOptions extends ClassifierRuntimeOptions {
  /** The output layer's initializer (default: the hidden layers' initializer). */
  readonly outputInit?: Initializer;
}

/** Forward statistics of one layer over a batch (THEORY.md §1.2): M_j = ‖a_j‖²/n_j averaged over the rows. */
export interface LayerStatistics {
  /** Layer index j (0 = the input). */
  readonly j: number;
  /** Width n_j. */
  readonly n: number;
  /** Batch mean of the length scale M_j. */
  readonly M: number;
  /** Fraction of the batch's a_j entries that are > 0 (≈ ½ for a symmetric continuous init, THEORY.md §3.5). */
  readonly fractionActive: number;
}

export class DenseClassifier extends AutogradClassifier {
  /** n_0, n_1, ..., n_d (the hidden widths), C (the classes). */
  readonly widths: readonly number[];
  /** The hidden layers; its weights and biases are the first 2d parameters, shared (not copied). */
  readonly hidden: DenseReluNet;
  /** W_{d+1}, [C][n_d]. */
  readonly outputWeight: Tensor;
  /** b_{d+1}, [C]. */
  readonly outputBias: Tensor;
  readonly outputInit: Initializer;
  /** W_1, b_1, ..., W_d, b_d, W_{d+1}, b_{d+1} as autograd leaves over the same storage. */
  readonly params: readonly Var[];

  constructor(widths: readonly number[], init: Initializer, opts: ClassifierOptions = {}) {
    if (widths.length < 3) {
      throw new RangeError(`a classifier needs an input width, at least one hidden width and a class count, got [${widths.join(', ')}]`);
    }
    const { dtype, backend } = classifierRuntime(opts);
    super({ dtype, backend });
    // The hidden net checks n_0..n_d; the class count is the one width left.
    this.hidden = new DenseReluNet(widths.slice(0, -1), init, { dtype, backend });
    const nd = widths[widths.length - 2], classes = widths[widths.length - 1];
    if (!isWidth(classes)) throw new RangeError(`the class count must be a positive integer, got ${classes}`);
    this.widths = widths.slice();
    const alloc = (dt: DType, n: number) => backend.alloc(dt, n);
    this.outputWeight = Tensor.zeros([classes, nd], dtype, alloc);
    this.outputBias = Tensor.zeros([classes], dtype, alloc);
    this.outputInit = opts.outputInit ?? init;
    const tensors: Tensor[] = [];
    for (let j = 0; j < this.hidden.depth; j++) tensors.push(this.hidden.weights[j], this.hidden.biases[j]);
    tensors.push(this.outputWeight, this.outputBias);
    this.params = tensors.map((t) => this.ctx.leaf(t, true));
  }

  get classes(): number { return this.widths[this.widths.length - 1]; }
  /** d, the number of hidden layers. */
  get depth(): number { return this.hidden.depth; }

  /** Hidden layers first (in their order, so they match a DenseReluNet drawn from the same stream), then W_{d+1}. */
  initialize(rng: Rng): void {
    this.hidden.initialize(rng);
    this.outputInit.sample(rng, this.outputWeight);
    this.outputBias.data.fill(0);
  }

  /** Logits (B×C) for a batch x (B×n_0), with the hidden activations a_1..a_d. */
  forward(x: Tensor): { logits: Var; activations: Var[] } {
    const d = this.depth, p = this.params;
    let a = this.input(x, this.widths[0]);
    const activations: Var[] = [];
    for (let j = 0; j < d; j++) {
      a = biasRelu(matmul(a, p[2 * j], { transB: true }), p[2 * j + 1]);
      activations.push(a);
    }
    const logits = addBias(matmul(a, p[2 * d], { transB: true }), p[2 * d + 1]);
    return { logits, activations };
  }

  /** M_j and the active fraction for j = 0..d on a batch (the CLI prints these at init). */
  statistics(x: Tensor): LayerStatistics[] {
    const { activations } = this.forward(x);
    const rows = x.shape[0];
    const stats = [x, ...activations.map((v) => v.value)].map((t, j) => {
      const n = t.shape[1], data = t.data;
      let sq = 0, active = 0;
      for (let i = 0; i < rows * n; i++) {
        sq += data[i] * data[i];
        if (data[i] > 0) active++;
      }
      return { j, n, M: sq / n / rows, fractionActive: active / (rows * n) };
    });
    this.endStep();
    return stats;
  }

  /** Parameters as nested arrays, W as [out][in]: [{W, b}, ...] for j = 1..d+1 (traces, checkpoints). */
  paramsToJSON(): Array<{ W: number[][]; b: number[] }> {
    const out: Array<{ W: number[][]; b: number[] }> = [];
    for (let j = 0; j < this.params.length; j += 2) {
      out.push({ W: this.params[j].value.toNested() as number[][], b: Array.from(this.params[j + 1].data) });
    }
    return out;
  }
}
