// The autograd on every backend (spec/backends.ts): gradients of single ops and of random dense and
// residual nets, through the backend's kernels. float64 backends run gradcheck against central
// differences; float32-only ones (gpu.js) are compared with the reference's float64 gradients
// (spec/gradients.ts). Checks of the graph machinery that no kernel touches run once, below.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  add, addBias, addToGrad, backward, biasRelu, BufferPool, Context, gradcheck, matmul, mean, relu, reshape, scale, softmaxCrossEntropy, sum, Var,
} from '../lib/autograd';
import type { Backend } from '../lib/kernels/backend';
import { ReferenceBackend } from '../lib/kernels/reference';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { DenseClassifier } from '../lib/nn/dense/classifier';
import { heNormal } from '../lib/nn/init';
import { describeOnBackends, type BackendCase } from './backends';
import { errorOf } from './errors';
import { expectGradients } from './gradients';

function normalTensor(rng: Rng, shape: number[]): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  rng.fillNormal(t);
  return t;
}

/** b with a matmul that ignores `accumulate`: the kind of kernel bug the gradient checks must catch. */
function droppingAccumulate(b: BackendCase): BackendCase {
  const be = b.backend;
  const matmul: Backend['matmul'] = (a, x, c, m, n, k, opts) => be.matmul(a, x, c, m, n, k, { ...opts, accumulate: false });
  const backend = new Proxy(be, {
    get: (target, key) => {
      if (key === 'matmul') return matmul;
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { ...b, backend };
}

describeOnBackends('autograd', (b) => {
  describe(`single ops against ${b.dtype === 'float64' ? 'finite differences' : 'the float64 reference'} (${b.dtype})`, () => {
    const rng = new Rng(11);
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`matmul transA=${transA} transB=${transB}`, () => {
          const A = normalTensor(rng, transA ? [4, 3] : [3, 4]), B = normalTensor(rng, transB ? [5, 4] : [4, 5]);
          expectGradients(b, (a, bb) => matmul(a, bb, { transA, transB }), [A, B]);
        });
      }
    }
    it('addBias, biasRelu, relu, add, scale, sum, mean, reshape', () => {
      const X = normalTensor(rng, [3, 4]), bias = normalTensor(rng, [4]);
      expectGradients(b, (x, bb) => addBias(x, bb), [X, bias]);
      expectGradients(b, (x, bb) => biasRelu(x, bb), [X, bias]);
      expectGradients(b, (x) => relu(reshape(x, [2, 2, 3])), [X]);
      expectGradients(b, (x, y) => add(x, y), [X, normalTensor(rng, [3, 4])]);
      expectGradients(b, (x) => scale(x, -0.37), [X]);
      expectGradients(b, (x) => sum(x), [X]);
      expectGradients(b, (x) => mean(x), [X]);
    });
    it('softmaxCrossEntropy (mean over the batch, integer labels)', () => {
      const Z = normalTensor(rng, [5, 3]);
      expectGradients(b, (z) => softmaxCrossEntropy(z, [0, 2, 1, 1, 0]), [Z]);
    });
  });

  // Random small architectures: dense ReLU layers, residual adds with a scale, and a Var shared by
  // several ops. Inputs come from our seeded Rng (fast-check draws the seed and the sizes), so a
  // finite difference lands within eps of a ReLU kink with negligible probability.
  const arch = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    batch: fc.integer({ min: 1, max: 4 }),
    n0: fc.integer({ min: 1, max: 5 }),
    hidden: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    classes: fc.integer({ min: 2, max: 4 }),
  });
  const runs = b.size(40, 15);

  it(`dense nets: gradients hold on ${runs} random architectures${b.full ? '' : ' (reduced from 40)'}`, () => {
    fc.assert(fc.property(arch, ({ seed, batch, n0, hidden, classes }) => {
      const rng = new Rng(seed), widths = [n0, ...hidden, classes];
      const params: Tensor[] = [];
      for (let j = 1; j < widths.length; j++) params.push(normalTensor(rng, [widths[j], widths[j - 1]]), normalTensor(rng, [widths[j]]));
      const labels = Array.from({ length: batch }, () => rng.int(classes));
      const X = normalTensor(rng, [batch, n0]);
      expectGradients(b, (x, ...p) => {
        let a = x;
        for (let j = 0; j < p.length - 2; j += 2) a = biasRelu(matmul(a, p[j], { transB: true }), p[j + 1]);
        return softmaxCrossEntropy(addBias(matmul(a, p[p.length - 2], { transB: true }), p[p.length - 1]), labels);
      }, [X, ...params], { layers: widths.length - 1 });
    }), { seed: 1, numRuns: runs });
  });

  it(`residual nets x_l = x_{l-1} + eta_l ReLU(x_{l-1} W_l + b_l): gradients hold (${runs} runs${b.full ? '' : ', reduced from 40'})`, () => {
    fc.assert(fc.property(arch, fc.double({ min: 0.05, max: 2, noNaN: true }), ({ seed, batch, n0, hidden }, eta) => {
      const rng = new Rng(seed);
      const params: Tensor[] = hidden.flatMap(() => [normalTensor(rng, [n0, n0]), normalTensor(rng, [n0])]);
      const X = normalTensor(rng, [batch, n0]);
      expectGradients(b, (x, ...p) => {
        let s = x;
        for (let j = 0; j < p.length; j += 2) s = add(s, scale(biasRelu(matmul(s, p[j], { transB: true }), p[j + 1]), eta / (j / 2 + 1)));
        return mean(s);
      }, [X, ...params], { layers: hidden.length });
    }), { seed: 2, numRuns: runs });
  });

  it(`a Var feeding several ops accumulates every contribution (${runs} runs${b.full ? '' : ', reduced from 40'})`, () => {
    fc.assert(fc.property(arch, ({ seed, batch, n0 }) => {
      const rng = new Rng(seed);
      const X = normalTensor(rng, [batch, n0]), W = normalTensor(rng, [n0, n0]), bias = normalTensor(rng, [n0]);
      // W is used by two matmuls (once transposed), h by a matmul, an add and a scale, x by add(x, x).
      expectGradients(b, (x, w, bb) => {
        const h = biasRelu(matmul(x, w, { transB: true }), bb);
        const g = add(matmul(h, w), scale(h, 0.5));
        return sum(add(add(g, h), add(x, x)));
      }, [X, W, bias], { layers: 2 });
    }), { seed: 3, numRuns: runs });
  });

  it('the gradient check catches a backend whose matmul drops `accumulate`', () => {
    const rng = new Rng(4);
    const X = normalTensor(rng, [3, 4]), W = normalTensor(rng, [4, 4]);
    // W feeds two matmuls, so its second gradient contribution is accumulated, and lost.
    const twice = (x: Var, w: Var) => sum(add(matmul(x, w), matmul(x, w, { transB: true })));
    expectGradients(b, twice, [X, W]);
    expect(errorOf(() => expectGradients(droppingAccumulate(b), twice, [X, W])).name).to.equal('AssertionError');
  });

  it('a 1,000-layer dense chain and a 30,000-op chain run backward without overflowing the stack', () => {
    const ctx = new Context(b.backend), rng = new Rng(7);
    const w = 4;
    let a = ctx.leaf(normalTensor(rng, [2, w]).astype(b.dtype));
    const params: Var[] = [];
    for (let j = 0; j < 1000; j++) {
      // Identity-plus-noise weights keep the signal alive through 1,000 ReLU layers.
      const W = Tensor.zeros([w, w], b.dtype, (dt, n) => b.backend.alloc(dt, n));
      for (let i = 0; i < w; i++) W.data[i * w + i] = 1;
      const p = ctx.leaf(W, true);
      params.push(p);
      a = biasRelu(matmul(a, p, { transB: true }), null);
    }
    backward(sum(a));
    for (const p of params) expect(p.grad!.data.every((g) => Number.isFinite(g))).to.equal(true);
    const x0 = ctx.leaf(Tensor.from([[1, 2, 3]], b.dtype), true);
    let v = x0;
    // A recursive traversal overflows near 10,000 frames.
    for (let i = 0; i < 30000; i++) v = scale(v, 1);
    backward(sum(v));
    expect(Array.from(x0.grad!.data)).to.deep.equal([1, 1, 1]);
  });

  it('backward overwrites leaf gradients instead of adding to the previous pass', () => {
    const ctx = new Context(b.backend);
    const x = ctx.leaf(Tensor.from([1, 2], b.dtype), true);
    backward(sum(scale(x, 3)));
    backward(sum(scale(x, 3)));
    expect(Array.from(x.grad!.data)).to.deep.equal([3, 3]);
  });

  it('training steps reuse pooled buffers: no allocation after the first step (float32, the training dtype)', () => {
    const model = new DenseClassifier([6, 5, 4, 3], heNormal, { backend: b.backend });
    model.initialize(new Rng(1));
    const x = normalTensor(new Rng(2), [8, 6]).astype('float32');
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    const counts: number[] = [];
    for (let s = 0; s < 4; s++) {
      model.loss(x, labels).backward();
      model.endStep();
      counts.push(model.ctx.pool.allocated);
    }
    expect(counts[3]).to.equal(counts[0]);
  });

  it('a smaller batch after a full one allocates nothing, and gives the same loss and gradients as on a fresh model', () => {
    // The partial last batch of an epoch: its arrays are prefixes of the full batch's (BufferPool.take).
    const make = () => {
      const m = new DenseClassifier([6, 5, 4, 3], heNormal, { backend: b.backend, dtype: b.dtype });
      m.initialize(new Rng(1));
      return m;
    };
    const big = normalTensor(new Rng(2), [8, 6]).astype(b.dtype), small = normalTensor(new Rng(3), [5, 6]).astype(b.dtype);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    const reused = make();
    reused.loss(big, labels).backward();
    reused.endStep();
    const before = reused.ctx.pool.allocated;
    const lossReused = reused.loss(small, labels.subarray(0, 5));
    lossReused.backward();
    expect(reused.ctx.pool.allocated).to.equal(before);
    const fresh = make();
    const lossFresh = fresh.loss(small, labels.subarray(0, 5));
    lossFresh.backward();
    expect(lossReused.data[0]).to.equal(lossFresh.data[0]);
    reused.params.forEach((p, i) => expect(Array.from(p.grad!.data)).to.deep.equal(Array.from(fresh.params[i].grad!.data)));
  });
});

describe('autograd: the graph machinery (no kernels)', () => {
  it('BufferPool hands out an exact free length first, else a prefix of the shortest longer one, else a new array', () => {
    const pool = new BufferPool(new ReferenceBackend());
    const a10 = pool.take('float64', 10), a20 = pool.take('float64', 20), a40 = pool.take('float64', 40);
    expect(pool.allocated).to.equal(3);
    pool.reset();
    const p15 = pool.take('float64', 15);
    expect(p15.length).to.equal(15);
    expect(p15.buffer).to.equal(a20.buffer);
    expect(pool.take('float64', 10)).to.equal(a10);
    expect(pool.take('float64', 30).buffer).to.equal(a40.buffer);
    expect(pool.take('float64', 5)).to.have.length(5);
    expect(pool.allocated).to.equal(4);
    expect(pool.take('float32', 5)).to.be.instanceOf(Float32Array);
    expect(pool.allocated).to.equal(5);
    pool.reset();
    // The whole arrays went back, not the prefixes: the 40 serves a 40 again.
    expect(pool.take('float64', 40)).to.equal(a40);
    expect(pool.allocated).to.equal(5);
  });

  it('softmaxCrossEntropy is stable for huge logits and equals the textbook value', () => {
    const ctx = new Context();
    const z = ctx.leaf(Tensor.from([[1000, 0, -1000], [1, 2, 3]]));
    const loss = softmaxCrossEntropy(z, [0, 2]).data[0];
    const row2 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
    expect(loss).to.be.closeTo((0 + row2) / 2, 1e-12);
    expect(() => softmaxCrossEntropy(z, [0, 3])).to.throw(/label 3/);
  });

  it('gradcheck catches a wrong backward', () => {
    // A deliberately wrong op: forward 2x, backward claims 3.
    const wrong = (x: Var): Var => {
      const y = x.ctx.empty(x.shape, x.dtype);
      for (let i = 0; i < y.data.length; i++) y.data[i] = 2 * x.data[i];
      const out: Var = new Var(x.ctx, y, [x], () => addToGrad(x, out.grad!.data, 3));
      return out;
    };
    expect(gradcheck(wrong, [normalTensor(new Rng(5), [2, 3])]).ok).to.equal(false);
    expect(gradcheck((x) => scale(x, 2), [normalTensor(new Rng(5), [2, 3])]).ok).to.equal(true);
  });

  it('rejects mismatched shapes and dtypes with one-line errors', () => {
    const ctx = new Context();
    const a = ctx.leaf(Tensor.zeros([2, 3])), b = ctx.leaf(Tensor.zeros([2, 3]));
    expect(() => matmul(a, b)).to.throw(/inner sizes differ/);
    expect(() => add(a, ctx.leaf(Tensor.zeros([3, 2])))).to.throw(/shapes/);
    expect(() => add(a, ctx.leaf(Tensor.zeros([2, 3], 'float32')))).to.throw(/mixed dtypes/);
    expect(() => addBias(a, ctx.leaf(Tensor.zeros([2])))).to.throw(/bias shape/);
    expect(() => backward(sum(a))).to.throw(/requires a gradient/);
    expect(() => gradcheck((x) => x, [Tensor.zeros([2], 'float32')])).to.throw(/float64/);
  });
});
