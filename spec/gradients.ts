// The gradient check of the suites above the kernels, for any backend (spec/backends.ts).
// - float64 backends: gradcheck (central differences, PyTorch's tolerances) through the backend's kernels.
// - float32-only backends: finite differences need float64, so the backend's analytic gradients are
//   compared with the reference backend's float64 ones at the very same (float32-representable)
//   inputs; the reference's gradient passes gradcheck in the reference run of the same suite.
//
// The float32 tolerance, for a graph of L layers whose sums have at most k terms, entry i of an
// output or gradient tensor t:
//   |g_i − g_ref,i| ≤ 2L·(k+2)·u·Γ^L·(|g_ref,i| + M) + (k+2)·max_t |g_ref32 − g_ref|,  Γ = √(2k/π).
// First term, a first-order bound from the sizes:
// - (k+2)·u bounds the round-off of one sum of k terms relative to the magnitudes Σ|w|·|a| it adds
//   (Higham, Accuracy and Stability, Thm 3.1; the kernel suite's bound); storing a result in float32
//   is one more rounding, inside the +2.
// - 2L: a gradient entry is the end of a path of 2L such sums, the forward pass and then the backward
//   one; to first order their errors add.
// - Γ^L: the magnitudes exceed the values they bound. For zero-mean Gaussian weights and
//   non-negative activations a, Σ|w_i|a_i ≈ k·E|w|·mean(a) while |Σ w_i a_i| ≈ σ_w·√k·rms(a), a ratio
//   of at most √k·E|w|/σ_w = √(2k/π) per layer.
// - M, the largest |entry| of the output and of every gradient: an entry that cancels to near zero
//   still carries the round-off of the terms that cancelled, which are on the computation's scale.
// Second term, the conditioning of this very computation: g_ref32 is the reference backend's run in
// float32, which rounds every stored value once (its sums run in float64). Where the graph amplifies
// round-off beyond what the sizes say (a saturated softmax: the gradients are e^{−Δz}, so their
// relative error is the logits' absolute error), that run shows it; a backend that rounds each partial
// sum commits up to k+2 roundings where the reference commits one, hence the factor.
// Checked when written at 300 random graphs per test (dense, residual, shared Vars, conv layers and
// conv classifiers) on gpu.js in cpu and webasm modes: the largest error was 0.2 of the tolerance
// (the first term alone failed saturated residual nets, 12× over), and a matmul that drops
// `accumulate` exceeds it 10⁵-fold (spec/autograd.spec.ts).
import { expect } from 'chai';
import { Context, gradcheck, matmul, reshape, type Var } from '../lib/autograd';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { onBackend, REFERENCE, roundedToFloat32, UNIT_ROUNDOFF, type BackendCase } from './backends';

/** fn's output and the gradients of ⟨w, output⟩ with respect to every input, on ctx's backend. */
function projectedGradients(ctx: Context, fn: (...inputs: Var[]) => Var, inputs: readonly Tensor[], w: Tensor): Float64Array[] {
  const leaves = inputs.map((t) => ctx.leaf(t, true));
  const out = fn(...leaves);
  matmul(reshape(out, [1, out.value.size]), ctx.leaf(onBackend(ctx.backend, w, out.dtype))).backward();
  const grads = leaves.map((v) => (v.grad === null ? new Float64Array(v.value.size) : Float64Array.from(v.grad.data)));
  const value = Float64Array.from(out.data);
  ctx.pool.reset();
  return [value, ...grads];
}

/** The size of a graph, for the float32 tolerance (see the header). */
export interface GraphSize {
  /** L, the layers on the longest path (default 1). */
  readonly layers?: number;
  /** k, the most terms of one sum: fan-in or batch (default the largest size of any input). */
  readonly terms?: number;
}

/**
 * Asserts that backward() of fn is right on b: gradcheck on float64 backends; on float32 ones, agreement
 * of the output and of the gradients of ⟨w, output⟩ with the reference's float64 values, within the
 * tolerance of the header for a graph of the given size. w is 1 for a scalar output, else fixed random
 * weights, so one pass checks a random vector–Jacobian product, as gradcheck does.
 */
export function expectGradients(b: BackendCase, fn: (...inputs: Var[]) => Var, inputs: readonly Tensor[], size: GraphSize = {}): void {
  if (b.dtype === 'float64') {
    const r = gradcheck(fn, inputs, { backend: b.backend });
    expect(r.ok, JSON.stringify(r.failures.slice(0, 3))).to.equal(true);
    return;
  }
  const exact = inputs.map(roundedToFloat32);
  const ref = new Context(REFERENCE);
  const outputSize = fn(...exact.map((t) => ref.leaf(t))).value.size;
  ref.pool.reset();
  const w = Tensor.full([outputSize, 1], 1);
  if (outputSize > 1) new Rng(0, [0x6772]).fillUniform(w, -1, 1);
  const want = projectedGradients(ref, fn, exact, roundedToFloat32(w));
  const got = projectedGradients(new Context(b.backend), fn, exact.map((t) => onBackend(b.backend, t, b.dtype)), w);

  const ref32 = projectedGradients(new Context(REFERENCE), fn, exact.map((t) => onBackend(REFERENCE, t, 'float32')), w);

  const layers = size.layers ?? 1, k = size.terms ?? Math.max(...inputs.flatMap((t) => t.shape));
  const tau = 2 * layers * (k + 2) * UNIT_ROUNDOFF[b.dtype] * Math.pow(2 * k / Math.PI, layers / 2);
  const maxAbs = (a: ArrayLike<number>, f: (i: number) => number = (i) => a[i]) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(f(i)));
    return m;
  };
  const M = Math.max(...want.map((a) => maxAbs(a)));
  want.forEach((e, t) => {
    const what = t === 0 ? 'output' : `gradient of input ${t - 1}`;
    const conditioning = (k + 2) * maxAbs(e, (i) => ref32[t][i] - e[i]);
    for (let i = 0; i < e.length; i++) {
      const tol = tau * (Math.abs(e[i]) + M) + conditioning;
      if (!(Math.abs(got[t][i] - e[i]) <= tol)) expect.fail(`${what}, entry ${i}: ${got[t][i]}, the reference ${e[i]} (tolerance ${tol})`);
    }
  });
}
