// Residual ReLU nets (THEORY.md §7): an input projection x_0 = ReLU(P·x) onto a stream of width n,
// L residual modules x_ℓ = x_{ℓ−1} + η_ℓ·𝒩_ℓ(x_{ℓ−1}), then a linear output layer. Each module 𝒩_ℓ is
// a small fully connected ReLU net n → m_1 → … → m_{k−1} → n; its last layer is linear (convention
// 'linear', §7.1) or followed by a ReLU (convention 'relu', §7.2, whose stream stays non-negative).
// This file holds the parameters only; the inspectable forward pass is lib/nn/residual/trace.ts.
//
// The projection has a ReLU in both conventions: the 'relu' convention needs x_0 ≥ 0 for its stream
// to stay non-negative, and using the same x_0 in both keeps the two conventions comparable. All
// biases are zero at init, as in the paper, so they are not stored here; the whole map is then
// positively homogeneous (THEORY.md §1.3), which the log-domain trace relies on.

import type { Backend, DType } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import type { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';
import { gain, type Initializer } from '../init';

export type ModuleConvention = 'linear' | 'relu';
export const MODULE_CONVENTIONS: readonly ModuleConvention[] = ['linear', 'relu'];

export interface ResidualArchitecture {
  /** n_in, the width of the net's input. */
  readonly inputWidth: number;
  /** n, the width of the residual stream. */
  readonly width: number;
  /** Hidden widths m_1..m_{k−1} of every module; [] makes each module a single n → n layer. */
  readonly hidden: readonly number[];
  /** Number of classes of the linear output layer. */
  readonly outputWidth: number;
  readonly convention: ModuleConvention;
}

export interface ResidualNetOptions {
  readonly dtype?: DType;
  readonly backend?: Backend;
  /** Initializer of the projection and output layers; the modules' by default. */
  readonly outerInit?: Initializer;
}

function checkPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${v}`);
}

/** The modules' shape: positive hidden widths and a known convention. */
export function checkModules(a: Pick<ResidualArchitecture, 'hidden' | 'convention'>): void {
  for (const m of a.hidden) checkPositiveInt(m, 'a module hidden width');
  if (a.convention !== 'linear' && a.convention !== 'relu') throw new RangeError(`unknown module convention '${String(a.convention)}' (linear|relu)`);
}

export function checkArchitecture(a: ResidualArchitecture): void {
  checkPositiveInt(a.inputWidth, 'the input width');
  checkPositiveInt(a.width, 'the stream width n');
  checkPositiveInt(a.outputWidth, 'the output width');
  checkModules(a);
}

/** Widths m_0 = n, m_1, …, m_{k−1}, m_k = n of one module. */
export function moduleWidths(width: number, hidden: readonly number[]): number[] {
  return [width, ...hidden, width];
}

export class ResidualNet {
  readonly arch: ResidualArchitecture;
  /** η_1..η_L. */
  readonly etas: Float64Array;
  /** Initializer of every module layer. */
  readonly init: Initializer;
  readonly outerInit: Initializer;
  readonly dtype: DType;
  readonly backend: Backend;
  /** P, shape [n, n_in]. */
  readonly projection: Tensor;
  /** modules[ℓ−1][i−1] is layer i of 𝒩_ℓ, shape [m_i, m_{i−1}]. */
  readonly modules: Tensor[][];
  /** The output layer, shape [n_out, n]. */
  readonly output: Tensor;

  constructor(arch: ResidualArchitecture, etas: ArrayLike<number>, init: Initializer, opts: ResidualNetOptions = {}) {
    checkArchitecture(arch);
    if (etas.length < 1) throw new RangeError('a residual net needs at least one module (L ≥ 1)');
    for (let l = 0; l < etas.length; l++) {
      if (!(etas[l] >= 0) || !Number.isFinite(etas[l])) throw new RangeError(`scales η_ℓ must be finite and ≥ 0, got η_${l + 1} = ${etas[l]}`);
    }
    this.arch = { ...arch, hidden: arch.hidden.slice() };
    this.etas = Float64Array.from(etas);
    this.init = init;
    this.outerInit = opts.outerInit ?? init;
    this.dtype = opts.dtype ?? 'float64';
    this.backend = opts.backend ?? createBackend('reference');
    const alloc = (dt: DType, len: number) => this.backend.alloc(dt, len);
    this.projection = Tensor.zeros([arch.width, arch.inputWidth], this.dtype, alloc);
    const mw = moduleWidths(arch.width, arch.hidden);
    this.modules = [];
    for (let l = 0; l < etas.length; l++) {
      const layers: Tensor[] = [];
      for (let i = 1; i < mw.length; i++) layers.push(Tensor.zeros([mw[i], mw[i - 1]], this.dtype, alloc));
      this.modules.push(layers);
    }
    this.output = Tensor.zeros([arch.outputWidth, arch.width], this.dtype, alloc);
  }

  /** L, the number of residual modules. */
  get depth(): number { return this.etas.length; }

  /** m_0..m_k of each module. */
  moduleWidths(): number[] { return moduleWidths(this.arch.width, this.arch.hidden); }

  /** Gains c′_i = m_{i−1}·Var(V_i)/2 of one module's layers (THEORY.md §7). */
  moduleGains(): number[] {
    const mw = this.moduleWidths();
    return mw.slice(1).map((m, i) => gain(this.init, mw[i], m));
  }

  /** Draw every weight afresh: projection, modules in order ℓ = 1..L, then the output layer. */
  initialize(rng: Rng): void {
    this.outerInit.sample(rng, this.projection);
    for (const layers of this.modules) for (const w of layers) this.init.sample(rng, w);
    this.outerInit.sample(rng, this.output);
  }
}
