// Stochastic gradient descent with a fixed learning rate, PyTorch's torch.optim.SGD update (no
// dampening, no Nesterov): g ← ∇ + λ·θ; v ← μ·v + g (v = g on the first step); θ ← θ − lr·v.
// The paper trains with plain SGD (μ = λ = 0), which is the default; then the update is θ ← θ − lr·∇.

import type { FloatArray } from '../../kernels/backend';
import type { Var } from '../../autograd';

export interface SgdOptions {
  /** Learning rate (required: the paper's is 0.01). */
  readonly lr: number;
  /** Momentum μ (default 0: plain SGD). */
  readonly momentum?: number;
  /** L2 weight decay λ (default 0). */
  readonly weightDecay?: number;
}

export class SGD {
  readonly params: readonly Var[];
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** Momentum buffers, allocated on the first step when μ ≠ 0. */
  private velocity: FloatArray[] | null = null;

  constructor(params: readonly Var[], opts: SgdOptions) {
    // `??`, never `||`: a caller's explicit 0 must stay 0.
    const momentum = opts.momentum ?? 0, weightDecay = opts.weightDecay ?? 0;
    if (!(Number.isFinite(opts.lr) && opts.lr > 0)) throw new RangeError(`SGD: lr must be a positive number, got ${opts.lr}`);
    if (!(Number.isFinite(momentum) && momentum >= 0 && momentum < 1)) throw new RangeError(`SGD: momentum must be in [0, 1), got ${momentum}`);
    if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) throw new RangeError(`SGD: weightDecay must be ≥ 0, got ${weightDecay}`);
    for (const p of params) {
      if (!p.isLeaf || !p.requiresGrad) throw new TypeError('SGD: parameters must be leaf Vars that require gradients');
    }
    this.params = params.slice();
    this.lr = opts.lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /** One update from the gradients of the last backward(); a parameter without a gradient is left alone. */
  step(): void {
    const { lr, momentum: mu, weightDecay: wd } = this;
    const first = mu !== 0 && this.velocity === null;
    if (first) this.velocity = this.params.map((p) => p.ctx.backend.alloc(p.dtype, p.value.size));
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      if (p.grad === null) continue;
      const theta = p.data, g = p.grad.data, n = theta.length;
      if (mu === 0) {
        if (wd === 0) for (let i = 0; i < n; i++) theta[i] -= lr * g[i];
        else for (let i = 0; i < n; i++) theta[i] -= lr * (g[i] + wd * theta[i]);
        continue;
      }
      const v = this.velocity![k];
      for (let i = 0; i < n; i++) {
        const gi = g[i] + wd * theta[i];
        v[i] = first ? gi : mu * v[i] + gi;
        theta[i] -= lr * v[i];
      }
    }
  }
}
