// Autograd through residual nets (Figure 3(b)'s classifier), on every backend (spec/backends.ts):
// gradients on random residual architectures in both module conventions, and the autograd forward at
// init equal to the statistics trace of lib/nn/residual/trace.ts. Training through train() is in
// spec/train.spec.ts.
import { expect } from 'chai';
import fc from 'fast-check';
import { Context, softmaxCrossEntropy } from '../lib/autograd';
import { initializerById } from '../lib/nn/init';
import type { ModuleConvention } from '../lib/nn/residual/net';
import { ResidualClassifier, residualForward } from '../lib/nn/residual/classifier';
import { traceResidualForward } from '../lib/nn/residual/trace';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { describeOnBackends } from './backends';
import { expectGradients } from './gradients';

function normalTensor(rng: Rng, shape: number[], std = 1): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  rng.fillNormal(t, 0, std);
  return t;
}

describeOnBackends('residual nets through the autograd', (b) => {
  const arch = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    batch: fc.integer({ min: 1, max: 3 }),
    nIn: fc.integer({ min: 1, max: 5 }),
    n: fc.integer({ min: 1, max: 5 }),
    hidden: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    modules: fc.integer({ min: 1, max: 4 }),
    classes: fc.integer({ min: 2, max: 4 }),
    etas: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
    convention: fc.constantFrom<ModuleConvention>('linear', 'relu'),
  });

  const runs = b.size(60, 20);
  it(`gradients hold on ${runs} random residual architectures${b.full ? '' : ' (reduced from 60)'}, both conventions`, () => {
    fc.assert(fc.property(arch, ({ seed, batch, nIn, n, hidden, modules, classes, etas, convention }) => {
      const rng = new Rng(seed);
      const mw = [n, ...hidden, n];
      // Biases are random here (not zero as at init) so that every bias gradient is exercised.
      const params: Tensor[] = [normalTensor(rng, [n, nIn]), normalTensor(rng, [n])];
      for (let l = 0; l < modules; l++) {
        for (let i = 1; i < mw.length; i++) params.push(normalTensor(rng, [mw[i], mw[i - 1]], 1 / Math.sqrt(mw[i - 1])), normalTensor(rng, [mw[i]]));
      }
      params.push(normalTensor(rng, [classes, n]), normalTensor(rng, [classes]));
      const labels = Array.from({ length: batch }, () => rng.int(classes));
      // Layers on the longest path: the projection, k per module, the output.
      expectGradients(b, (x, ...p) => softmaxCrossEntropy(residualForward(x, p, mw.length - 1, etas.slice(0, modules), convention).logits, labels),
        [normalTensor(rng, [batch, nIn]), ...params], { layers: 2 + modules * (mw.length - 1) });
    }), { seed: 41, numRuns: runs });
  });

  it(`at init the autograd stream equals the statistics trace (${b.dtype}, both conventions)`, () => {
    for (const convention of ['linear', 'relu'] as const) {
      const model = new ResidualClassifier([7, 6, 3], { convention, schedule: 'list:1,0.5,0.25', modules: 3, hidden: [5] }, initializerById('he_normal'), { dtype: b.dtype, backend: b.backend });
      model.initialize(new Rng(9));
      const x = normalTensor(new Rng(10), [1, 7]).astype(b.dtype);
      const { activations } = model.forward(x);
      const t = traceResidualForward(model.net, x.data);
      activations.forEach((a, l) => {
        const m = Array.from(a.data).reduce((s, v) => s + v * v, 0) / 6;
        expect(Math.log(m)).to.be.closeTo(t.logM[l], b.tol(1e-12));
      });
      model.endStep();
    }
  });

});

describe('residual classifier: argument checks', () => {
  it('rejects a parameter list or a spec that does not fit, in one line', () => {
    const ctx = new Context();
    expect(() => residualForward(ctx.leaf(Tensor.zeros([1, 2])), [], 2, [1], 'linear')).to.throw(/expected 8 parameters/);
    const he = initializerById('he_normal');
    expect(() => new ResidualClassifier([4, 3, 2], { convention: 'linear', schedule: 'const:-1', modules: 2, hidden: [] }, he)).to.throw(/≥ 0/);
    expect(() => new ResidualClassifier([4, 3, 2], { convention: 'linear', schedule: 'list:1', modules: 2, hidden: [] }, he)).to.throw(/only 1/);
    expect(() => new ResidualClassifier([4, 3, 3, 2], { convention: 'relu', schedule: 'inv', modules: 2, hidden: [] }, he)).to.throw(/\[n_in, n, classes\]/);
  });
});
