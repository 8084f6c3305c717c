// The residual net of lib/nn/residual/net.ts as a trainable classifier (Figure 3(b)): the same weights
// run through the autograd, x_0 = ReLU(P·x + b_P), x_ℓ = x_{ℓ−1} + η_ℓ·𝒩_ℓ(x_{ℓ−1}) with the module
// layers' own biases, logits = W_out·x_L + b_out, softmax cross-entropy. Every bias is zero at init
// (so the net at init is exactly the one fig3(a) measures); biases are trained.

import { add, addBias, biasRelu, matmul, scale, type Var } from '../../autograd';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';

import type { Initializer } from '../init';
import { checkModules, type ModuleConvention, ResidualNet, type ResidualArchitecture } from './net';
import { parseSchedule, scales } from './schedule';
import { AutogradClassifier, classifierRuntime, type ClassifierRuntimeOptions } from '../train/classifier';

/** The residual part of a training config (plain JSON, so it travels in cell params and run records). */
export interface ResidualTrainSpec {
  readonly convention: ModuleConvention;
  /** Schedule text (lib/nn/residual/schedule.ts), e.g. 'inv' or 'geom:0.9'. */
  readonly schedule: string;
  /** L, the number of modules. */
  readonly modules: number;
  /** Hidden widths m_1..m_{k−1} of every module ([] for one n → n layer). */
  readonly hidden: readonly number[];
}

/** Throws a one-line RangeError for a spec that names no valid residual net (a training config's check, before any work). */
export function checkResidualTrainSpec(r: ResidualTrainSpec): void {
  checkModules(r);
  scales(parseSchedule(r.schedule), r.modules);
}

export type ResidualClassifierOptions = ClassifierRuntimeOptions;

export class ResidualClassifier extends AutogradClassifier {
  /** The weights (shared storage, not copies) and the scales η_ℓ. */
  readonly net: ResidualNet;
  /**
   * P, b_P, then per module V_1, e_1, …, V_k, e_k, then W_out, b_out, as autograd leaves over the
   * weight storage of `net` and the biases held here.
   */
  readonly params: readonly Var[];
  private readonly biases: Tensor[];

  /** widths = [n_in, n, classes]: the input, the stream and the output layer. */
  constructor(widths: readonly number[], spec: ResidualTrainSpec, init: Initializer, opts: ResidualClassifierOptions = {}) {
    // The net checks the architecture and the schedule's scales; a training config was checked before (checkResidualTrainSpec).
    if (widths.length !== 3) throw new RangeError(`a residual classifier takes widths [n_in, n, classes], got [${widths.join(', ')}]`);
    const { dtype, backend } = classifierRuntime(opts);
    super({ dtype, backend });
    const arch: ResidualArchitecture = { inputWidth: widths[0], width: widths[1], hidden: spec.hidden, outputWidth: widths[2], convention: spec.convention };
    this.net = new ResidualNet(arch, scales(parseSchedule(spec.schedule), spec.modules), init, { dtype, backend });
    ({ biases: this.biases, params: this.params } = this.withBiases([this.net.projection, ...this.net.modules.flat(), this.net.output]));
  }

  get classes(): number { return this.net.arch.outputWidth; }

  /** The weights in ResidualNet's order (so a net drawn from the same stream matches fig3(a)'s), biases zero. */
  initialize(rng: Rng): void {
    this.net.initialize(rng);
    for (const b of this.biases) b.data.fill(0);
  }

  /** Logits (B×C) for a batch x (B×n_in), with the stream x_0..x_L. */
  forward(x: Tensor): { logits: Var; activations: Var[] } {
    return residualForward(this.input(x, this.net.arch.inputWidth), this.params, this.net.moduleWidths().length - 1, this.net.etas, this.net.arch.convention);
  }
}

/**
 * The residual forward on autograd Vars: params in ResidualClassifier's order (P, b_P, the k layers of
 * each module with their biases, W_out, b_out), k layers per module. A plain function of Vars, so
 * gradcheck can run it on float64 copies of the parameters.
 */
export function residualForward(x: Var, params: readonly Var[], k: number, etas: ArrayLike<number>, convention: ModuleConvention): { logits: Var; activations: Var[] } {
  const p = params;
  if (p.length !== 2 * (k * etas.length + 2)) throw new RangeError(`expected ${2 * (k * etas.length + 2)} parameters for ${etas.length} modules of ${k} layers, got ${p.length}`);
  let s = biasRelu(matmul(x, p[0], { transB: true }), p[1]);
  const activations: Var[] = [s];
  let at = 2;
  for (let l = 0; l < etas.length; l++) {
    let t = s;
    for (let i = 1; i <= k; i++, at += 2) {
      const z = matmul(t, p[at], { transB: true });
      // ReLU after every hidden layer, and after the last one in the relu convention (THEORY.md §7.2).
      t = i < k || convention === 'relu' ? biasRelu(z, p[at + 1]) : addBias(z, p[at + 1]);
    }
    s = add(s, scale(t, etas[l]));
    activations.push(s);
  }
  return { logits: addBias(matmul(s, p[at], { transB: true }), p[at + 1]), activations };
}
