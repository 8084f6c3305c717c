// A conv ReLU net as a trainable classifier (conv.js part (c)): the conv layers of lib/nn/conv/net.ts
// (the same weight storage, so a net drawn from a stream is the one part (a) measures) with trained
// per-channel biases, a_j = ReLU(conv(a_{j−1}, W_j) + b_j), then global average pooling ('pool') or
// flattening ('flatten') into a linear output layer, softmax cross-entropy. Inputs arrive as the
// training loop's flat rows (B × C·H·W) and are viewed as B×C×H×W. Every bias is zero at init; the
// output weight is drawn from the same initializer (fan-in = the pooled or flattened features).

import { addBias, conv2d, matmul, meanPool, relu, reshape, type Var } from '../../autograd';
import type { DType } from '../../kernels/backend';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';

import type { ConvLayerSpec, ImageShape } from './layer';
import { ConvReluNet } from './net';
import type { Initializer } from '../init';
import { AutogradClassifier, classifierRuntime, type ClassifierRuntimeOptions } from '../train/classifier';

export type ConvHead = 'pool' | 'flatten';

/** A conv classifier as plain JSON (a training config carries it into worker threads). */
export interface ConvModelSpec {
  readonly input: ImageShape;
  readonly layers: readonly ConvLayerSpec[];
  readonly head: ConvHead;
}

export type ConvClassifierOptions = ClassifierRuntimeOptions;

export class ConvClassifier extends AutogradClassifier {
  readonly net: ConvReluNet;
  readonly head: ConvHead;
  readonly classes: number;
  /** W_1, b_1, …, W_d, b_d, W_out, b_out as autograd leaves (W_j over the storage of `net`). */
  readonly params: readonly Var[];
  private readonly biases: Tensor[];
  private readonly outputWeight: Tensor;

  constructor(input: ImageShape, layers: readonly ConvLayerSpec[], head: ConvHead, classes: number, init: Initializer, opts: ConvClassifierOptions = {}) {
    const { dtype, backend } = classifierRuntime(opts);
    if (!Number.isSafeInteger(classes) || classes < 2) throw new RangeError(`a classifier needs at least 2 classes, got ${classes}`);
    super({ dtype, backend });
    this.net = new ConvReluNet(input, layers, init, { dtype, backend });
    this.head = head;
    this.classes = classes;
    const alloc = (dt: DType, n: number) => backend.alloc(dt, n);
    this.outputWeight = Tensor.zeros([classes, this.features], dtype, alloc);
    ({ biases: this.biases, params: this.params } = this.withBiases([...this.net.weights, this.outputWeight]));
  }

  /** Inputs per image, C·H·W. */
  get inputSize(): number { return this.net.input[0] * this.net.input[1] * this.net.input[2]; }
  /** What the output layer sees: C_d channels (pool) or C_d·H_d·W_d activations (flatten). */
  get features(): number {
    const g = this.net.geometries[this.net.depth - 1], c = this.net.layers[this.net.depth - 1].outChannels;
    return this.head === 'pool' ? c : c * g.outH * g.outW;
  }

  /** The conv weights in ConvReluNet's order (so they match part (a)'s nets from the same stream), then W_out; biases zero. */
  initialize(rng: Rng): void {
    this.net.initialize(rng);
    this.net.init.sample(rng, this.outputWeight);
    for (const b of this.biases) b.data.fill(0);
  }

  forward(x: Tensor): { logits: Var } {
    return { logits: convForward(reshape(this.input(x, this.inputSize), [x.shape[0], ...this.net.input]), this.params, this.net.layers, this.head) };
  }
}

/**
 * Logits of a conv classifier on autograd Vars (x: B×C×H×W, params in ConvClassifier's order): a plain
 * function of Vars, so gradcheck can run it on float64 copies of the parameters.
 */
export function convForward(x: Var, params: readonly Var[], layers: readonly ConvLayerSpec[], head: ConvHead): Var {
  const d = layers.length;
  if (params.length !== 2 * (d + 1)) throw new RangeError(`expected ${2 * (d + 1)} parameters for ${d} conv layers and the output, got ${params.length}`);
  let a = x;
  layers.forEach((l, j) => { a = relu(conv2d(a, params[2 * j], params[2 * j + 1], { stride: l.stride, padding: l.padding })); });
  const batch = a.shape[0];
  const f = head === 'pool' ? meanPool(a) : reshape(a, [batch, a.value.size / batch]);
  return addBias(matmul(f, params[2 * d], { transB: true }), params[2 * d + 1]);
}
