// The autograd's conv2d and meanPool ops against central differences (gradcheck, float64), alone on
// random shapes (paddings, strides, 1×1 and non-square kernels, with and without bias, an input that
// feeds two convs) and inside random conv classifiers (lib/nn/conv/classifier.ts's convForward:
// conv → ReLU → … → meanPool or flatten → linear → softmax cross-entropy). Inputs come from the
// seeded Rng, so a finite difference lands within eps of a ReLU kink with negligible probability
// (PyTorch's tolerances, gradcheck.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { add, conv2d, gradcheck, meanPool, relu, softmaxCrossEntropy, sum, type Var } from '../lib/autograd';
import { convForward } from '../lib/nn/conv/classifier';
import type { Padding } from '../lib/kernels/conv';
import { convLayer } from '../lib/nn/conv/layer';
import { Rng } from '../lib/tensor/rng';
import { convCaseArb } from './conv-cases';
import { Tensor } from '../lib/tensor/tensor';

function normalTensor(rng: Rng, shape: number[]): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  rng.fillNormal(t);
  return t;
}

const ok = (r: ReturnType<typeof gradcheck>) => r.ok || (() => { throw new Error(JSON.stringify(r.failures.slice(0, 3))); })();

const opArb = convCaseArb({ batch: 2, channels: 3, size: 6, kernel: 3, stride: 2 });

describe('autograd conv2d and meanPool', () => {
  it('conv2d: gradcheck on random shapes, and the forward equals lib/nn/conv/layer.ts', () => {
    fc.assert(fc.property(opArb, (c) => {
      const rng = new Rng(c.seed);
      const X = normalTensor(rng, [c.batch, c.cin, c.h, c.w]), W = normalTensor(rng, [c.cout, c.cin, c.kh, c.kw]), B = normalTensor(rng, [c.cout]);
      const flags = { stride: c.stride, padding: c.padding };
      const inputs = c.bias ? [X, W, B] : [X, W];
      let forward: Float64Array | null = null;
      const r = gradcheck((x, w, b) => {
        const y = conv2d(x, w, b ?? null, flags);
        forward ??= Float64Array.from(y.data);
        return y;
      }, inputs);
      const want = convLayer(X, W, c.bias ? B : null, flags);
      for (let i = 0; i < want.size; i++) expect(forward![i]).to.be.closeTo(want.data[i], 1e-12);
      return ok(r);
    }), { seed: 5, numRuns: 60 });
  });

  it('meanPool, and an input and a weight shared by two convs (gradients accumulate)', () => {
    const rng = new Rng(3);
    expect(ok(gradcheck((x) => meanPool(x), [normalTensor(rng, [2, 3, 4, 5])]))).to.equal(true);
    const X = normalTensor(rng, [2, 2, 5, 5]), W = normalTensor(rng, [2, 2, 3, 3]), B = normalTensor(rng, [2]);
    expect(ok(gradcheck((x, w, b) => {
      const a = relu(conv2d(x, w, b, { padding: 'same' }));
      return sum(add(conv2d(a, w, null, { padding: 'circular' }), conv2d(x, w, b, { padding: 'same' })));
    }, [X, W, B]))).to.equal(true);
  });

  it('random conv classifiers: gradcheck of the loss with respect to every parameter', () => {
    const arch = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 }),
      batch: fc.integer({ min: 1, max: 3 }),
      cin: fc.integer({ min: 1, max: 2 }),
      size: fc.integer({ min: 3, max: 6 }),
      layers: fc.array(fc.record({ channels: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom<Padding>('same', 'circular') }), { minLength: 1, maxLength: 3 }),
      pool: fc.boolean(),
      classes: fc.integer({ min: 2, max: 3 }),
    });
    fc.assert(fc.property(arch, (a) => {
      const rng = new Rng(a.seed);
      const params: Tensor[] = [];
      let c = a.cin, s = a.size;
      for (const l of a.layers) {
        params.push(normalTensor(rng, [l.channels, c, l.k, l.k]), normalTensor(rng, [l.channels]));
        c = l.channels;
        s = Math.ceil(s / l.stride);
      }
      const features = a.pool ? c : c * s * s;
      params.push(normalTensor(rng, [a.classes, features]), normalTensor(rng, [a.classes]));
      const labels = Array.from({ length: a.batch }, () => rng.int(a.classes));
      const X = normalTensor(rng, [a.batch, a.cin, a.size, a.size]);
      const layers = a.layers.map((l) => ({ outChannels: l.channels, kh: l.k, kw: l.k, stride: l.stride, padding: l.padding }));
      return ok(gradcheck((x: Var, ...p: Var[]) => softmaxCrossEntropy(convForward(x, p, layers, a.pool ? 'pool' : 'flatten'), labels), [X, ...params]));
    }), { seed: 8, numRuns: 40 });
  });
});
