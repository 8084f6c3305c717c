// Gradient checking by central finite differences in float64, with PyTorch's torch.autograd.gradcheck
// tolerances: an analytic entry a passes against the numeric n when |a − n| ≤ atol + rtol·|n|.
// A non-scalar output f is reduced to the scalar ⟨w, f⟩ with fixed pseudo-random weights w, so one
// pass checks a random vector–Jacobian product (the PyTorch check is the full Jacobian; this is a
// cheaper probe of the same thing, and a wrong backward fails it for almost every w).

import type { Backend } from '../kernels/backend';
import { Rng } from '../tensor/rng';
import type { Tensor } from '../tensor/tensor';
import { Context, gradTarget, Var } from './var';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance (default 1e-3). */
  readonly rtol?: number;
  /** Seed of the projection weights for non-scalar outputs (default 0). */
  readonly seed?: number;
  readonly backend?: Backend;
}

export interface GradcheckFailure {
  readonly input: number;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

export interface GradcheckResult {
  readonly ok: boolean;
  /** Number of entries compared. */
  readonly checked: number;
  /** max |analytic − numeric| over all entries. */
  readonly maxAbsError: number;
  /** The failing entries (at most 20). */
  readonly failures: GradcheckFailure[];
}

/**
 * Compares backward() of fn with central differences for every entry of every input. The inputs are
 * float64 tensors; they are perturbed in place during the check and restored afterwards.
 */
export function gradcheck(fn: (...inputs: Var[]) => Var, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  for (const [i, t] of inputs.entries()) {
    if (t.dtype !== 'float64') throw new TypeError(`gradcheck: input ${i} is ${t.dtype}; finite differences need float64`);
    if (!t.isContiguous()) throw new RangeError(`gradcheck: input ${i} is not contiguous`);
  }
  const ctx = new Context(opts.backend);
  let weights: Float64Array | null = null;
  const evaluate = (withGrad: boolean): { out: Var; value: number; leaves: Var[] } => {
    const leaves = inputs.map((t) => ctx.leaf(t, withGrad));
    const out = fn(...leaves);
    if (weights === null) {
      const rng = new Rng(opts.seed ?? 0, [0x6772]);
      weights = new Float64Array(out.value.size);
      for (let i = 0; i < weights.length; i++) weights[i] = out.value.size === 1 ? 1 : rng.uniform() * 2 - 1;
    }
    let value = 0;
    for (let i = 0; i < weights.length; i++) value += weights[i] * out.data[i];
    return { out: withGrad ? project(out, weights) : out, value, leaves };
  };

  const { out, leaves } = evaluate(true);
  out.backward();
  // A leaf the output does not depend on has no gradient: its derivative is zero.
  const analytic = leaves.map((v) => (v.grad === null ? new Float64Array(v.value.size) : Float64Array.from(v.grad.data)));
  ctx.pool.reset();

  const failures: GradcheckFailure[] = [];
  let checked = 0, maxAbsError = 0;
  for (const [i, t] of inputs.entries()) {
    const x = t.data;
    for (let k = 0; k < x.length; k++) {
      const x0 = x[k];
      x[k] = x0 + eps;
      const fPlus = evaluate(false).value;
      ctx.pool.reset();
      x[k] = x0 - eps;
      const fMinus = evaluate(false).value;
      ctx.pool.reset();
      x[k] = x0;
      const numeric = (fPlus - fMinus) / (2 * eps), a = analytic[i][k];
      const err = Math.abs(a - numeric);
      checked++;
      if (!(err <= maxAbsError)) maxAbsError = err; // NaN propagates into the maximum
      if (!(err <= atol + rtol * Math.abs(numeric)) && failures.length < 20) failures.push({ input: i, index: k, analytic: a, numeric });
    }
  }
  return { ok: failures.length === 0 && !Number.isNaN(maxAbsError), checked, maxAbsError, failures };
}

/** ⟨w, out⟩ as a scalar Var: the reduction gradcheck differentiates. */
function project(out: Var, w: Float64Array): Var {
  const ctx = out.ctx;
  const y = ctx.empty([], 'float64');
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * out.data[i];
  y.data[0] = s;
  const p: Var = new Var(ctx, y, [out], () => {
    const t = gradTarget(out);
    if (t === null) return;
    const g = p.grad!.data[0];
    for (let i = 0; i < w.length; i++) t.data[i] = (t.accumulate ? t.data[i] : 0) + g * w[i];
  });
  return p;
}
