import { expect } from 'chai';
import { Context } from '../lib/autograd';
import { DenseClassifier } from '../lib/nn/dense/classifier';
import { heNormal } from '../lib/nn/init';
import { SGD } from '../lib/nn/train/sgd';
import { Tensor } from '../lib/tensor/tensor';
import type { DType } from '../lib/kernels/backend';
import { describeOnBackends } from './backends';

// A tiny net 2 → 2 (ReLU) → 2 with hand-set parameters and one sample; the update is worked out
// below by the chain rule, independently of the autograd, from the values the model stores (in
// float32 on gpu.js: 0.1 is not a float32, so its rounding must not count as an error).
describeOnBackends('SGD on a hand-computed step', (bc) => {
  const r = (v: number) => (bc.dtype === 'float32' ? Math.fround(v) : v);
  const W1 = [[0.5, -1.0], [-0.25, 0.75]].map((row) => row.map(r)), b1 = [0.1, -0.2].map(r);
  const W2 = [[1.0, -0.5], [0.3, 0.2]].map((row) => row.map(r)), b2 = [0.05, -0.05].map(r);
  const x = [0.8, 0.4].map(r), y = 1, lr = 0.1;

  function handUpdate() {
    const z1 = [0, 1].map((i) => W1[i][0] * x[0] + W1[i][1] * x[1] + b1[i]); // [0.1, -0.1]
    const a1 = z1.map((z) => Math.max(z, 0)); // unit 2 is inactive
    const z2 = [0, 1].map((i) => W2[i][0] * a1[0] + W2[i][1] * a1[1] + b2[i]);
    const e = z2.map(Math.exp), s = e[0] + e[1], p = e.map((v) => v / s);
    const loss = -Math.log(p[y]);
    const dz2 = p.map((v, i) => v - (i === y ? 1 : 0));
    const dW2 = [0, 1].map((i) => [0, 1].map((k) => dz2[i] * a1[k]));
    const da1 = [0, 1].map((k) => W2[0][k] * dz2[0] + W2[1][k] * dz2[1]);
    const dz1 = da1.map((d, k) => (z1[k] > 0 ? d : 0));
    const dW1 = [0, 1].map((i) => [0, 1].map((k) => dz1[i] * x[k]));
    const upd = (P: number[][], G: number[][]) => P.map((r, i) => r.map((v, k) => v - lr * G[i][k]));
    return {
      loss,
      W1: upd(W1, dW1), b1: b1.map((v, i) => v - lr * dz1[i]),
      W2: upd(W2, dW2), b2: b2.map((v, i) => v - lr * dz2[i]),
    };
  }

  function tinyModel(dtype: DType): DenseClassifier {
    const m = new DenseClassifier([2, 2, 2], heNormal, { dtype, backend: bc.backend });
    const set = (t: Tensor, v: number[][] | number[]) => t.data.set(v.flat());
    set(m.hidden.weights[0], W1); set(m.hidden.biases[0], b1);
    set(m.outputWeight, W2); set(m.outputBias, b2);
    return m;
  }

  it('one step equals the hand-computed update on a tiny net', () => {
    const m = tinyModel(bc.dtype), want = handUpdate();
    const loss = m.loss(Tensor.from([x], bc.dtype), [y]);
    expect(loss.data[0]).to.be.closeTo(want.loss, bc.tol(1e-15));
    loss.backward();
    new SGD(m.params, { lr }).step();
    const got = m.paramsToJSON();
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).to.be.closeTo(b[i], bc.tol(1e-15)));
    close(got[0].W.flat(), want.W1.flat()); close(got[0].b, want.b1);
    close(got[1].W.flat(), want.W2.flat()); close(got[1].b, want.b2);
    // The inactive hidden unit's incoming weights get no gradient.
    expect(got[0].W[1]).to.deep.equal(W1[1]);
  });
});

describe('SGD', () => {
  it('momentum and weight decay follow torch.optim.SGD; an explicit 0 stays 0', () => {
    const ctx = new Context();
    const p = ctx.leaf(Tensor.from([1, -2]), true);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    const g = [0.2, 0.4];
    p.grad = Tensor.from(g);
    opt.step(); // v = g + 0.1θ = [0.3, 0.2]; θ = [0.85, -2.1]
    expect(p.data[0]).to.be.closeTo(0.85, 1e-15);
    expect(p.data[1]).to.be.closeTo(-2.1, 1e-15);
    opt.step(); // v = 0.9·v + g + 0.1θ = [0.27 + 0.285, 0.18 + 0.19]; θ −= 0.5·v
    expect(p.data[0]).to.be.closeTo(0.85 - 0.5 * 0.555, 1e-15);
    expect(p.data[1]).to.be.closeTo(-2.1 - 0.5 * 0.37, 1e-15);
    const plain = new SGD([p], { lr: 0.5, momentum: 0, weightDecay: 0 });
    expect(plain.momentum).to.equal(0);
    expect(plain.weightDecay).to.equal(0);
  });

  it('rejects bad hyperparameters and non-leaf parameters', () => {
    const ctx = new Context();
    const p = ctx.leaf(Tensor.from([1]), true);
    expect(() => new SGD([p], { lr: 0 })).to.throw(/lr/);
    expect(() => new SGD([p], { lr: Number.NaN })).to.throw(/lr/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 1 })).to.throw(/momentum/);
    expect(() => new SGD([p], { lr: 0.1, weightDecay: -1 })).to.throw(/weightDecay/);
    expect(() => new SGD([ctx.leaf(Tensor.from([1]))], { lr: 0.1 })).to.throw(/leaf/);
  });
});
