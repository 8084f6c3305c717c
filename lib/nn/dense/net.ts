// Fully connected ReLU nets: widths n_0..n_d, a_j = ReLU(W_j a_{j−1} + b_j), W_j stored [n_j][n_{j−1}].
// This file holds the parameters and the inspectable statistics forward pass; training goes through
// lib/nn/dense/classifier.ts, which runs the same parameters through the autograd.

import type { Backend, DType } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';
import { gain, type Initializer } from '../init';

export interface BiasSpec {
  /** Symmetric law of the biases at init; 'zero' is the paper's default. */
  readonly law: 'zero' | 'normal' | 'uniform';
  /** Variance σ_b² of each bias (ignored for 'zero'). */
  readonly variance: number;
}

export const ZERO_BIAS: BiasSpec = { law: 'zero', variance: 0 };

/** A width n_j: a positive integer. */
export function isWidth(n: number): boolean {
  return Number.isInteger(n) && n >= 1;
}

/**
 * The check of widths n_0..n_d where they enter the library: the net's constructor and the dense theory
 * functions of the public API call it (directly or through layerInits), so a caller gets a RangeError,
 * not a NaN. The CLI checks its flags before any work.
 */
export function checkWidths(widths: readonly number[]): void {
  if (widths.length < 2) throw new RangeError(`a net needs at least an input and one layer width, got [${widths.join(', ')}]`);
  for (const n of widths) {
    if (!isWidth(n)) throw new RangeError(`widths must be positive integers, got ${n} in [${widths.join(', ')}]`);
  }
}

/** One initializer per layer j = 1..d of widths n_0..n_d: a list as given, or one initializer d times. */
export function layerInits(widths: readonly number[], inits: Initializer | readonly Initializer[]): Initializer[] {
  checkWidths(widths);
  const d = widths.length - 1;
  const list = Array.isArray(inits) ? inits.slice() : new Array<Initializer>(d).fill(inits as Initializer);
  if (list.length !== d) throw new RangeError(`need ${d} initializers (one per layer), got ${list.length}`);
  return list;
}

export interface DenseNetOptions {
  readonly dtype?: DType;
  readonly backend?: Backend;
  readonly bias?: BiasSpec;
}

export class DenseReluNet {
  /** n_0 (input), n_1, ..., n_d. */
  readonly widths: readonly number[];
  /** One initializer per layer (index j−1 for layer j). */
  readonly inits: readonly Initializer[];
  readonly bias: BiasSpec;
  readonly dtype: DType;
  readonly backend: Backend;
  /** W_j, shape [n_j, n_{j−1}]. */
  readonly weights: Tensor[];
  /** b_j, shape [n_j]. */
  readonly biases: Tensor[];

  constructor(widths: readonly number[], init: Initializer | readonly Initializer[], opts: DenseNetOptions = {}) {
    checkWidths(widths);
    this.widths = widths.slice();
    const d = widths.length - 1;
    this.inits = layerInits(widths, init);
    this.bias = opts.bias ?? ZERO_BIAS;
    if (this.bias.law !== 'zero' && !(this.bias.variance >= 0)) throw new RangeError(`bias variance must be ≥ 0, got ${this.bias.variance}`);
    this.dtype = opts.dtype ?? 'float64';
    this.backend = opts.backend ?? createBackend('reference');
    const alloc = (dt: DType, n: number) => this.backend.alloc(dt, n);
    this.weights = [];
    this.biases = [];
    for (let j = 1; j <= d; j++) {
      this.weights.push(Tensor.zeros([widths[j], widths[j - 1]], this.dtype, alloc));
      this.biases.push(Tensor.zeros([widths[j]], this.dtype, alloc));
    }
  }

  get depth(): number { return this.widths.length - 1; }

  /** Per-layer gains c_j = n_{j−1}·Var(w)/2 (§1.2, §2.2). */
  gains(): number[] {
    return this.inits.map((init, i) => gain(init, this.widths[i], this.widths[i + 1]));
  }

  /** Draw every weight and bias afresh from the stream. */
  initialize(rng: Rng): void {
    for (let j = 0; j < this.depth; j++) {
      this.inits[j].sample(rng, this.weights[j]);
      const b = this.biases[j];
      if (this.bias.law === 'zero') b.data.fill(0);
      else if (this.bias.law === 'normal') rng.fillNormal(b, 0, Math.sqrt(this.bias.variance));
      else { const a = Math.sqrt(3 * this.bias.variance); rng.fillUniform(b, -a, a); }
    }
  }
}
