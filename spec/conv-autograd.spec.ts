// The autograd's conv2d and meanPool ops against central differences (gradcheck, float64), alone on
// random shapes (paddings, strides, 1×1 and non-square kernels, with and without bias, an input that
// feeds two convs) and inside random conv classifiers (lib/nn/conv/classifier.ts's convForward:
// conv → ReLU → … → meanPool or flatten → linear → softmax cross-entropy). Inputs come from the
// seeded Rng, so a finite difference lands within eps of a ReLU kink with negligible probability
// (PyTorch's tolerances, gradcheck.ts). On every backend (spec/backends.ts; float32 ones against the
// reference's float64 gradients, spec/gradients.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { add, Context, conv2d, meanPool, relu, softmaxCrossEntropy, sum, type Var } from '../lib/autograd';
import { convForward } from '../lib/nn/conv/classifier';
import type { Padding } from '../lib/kernels/conv';
import { convLayer } from '../lib/nn/conv/layer';
import { Rng } from '../lib/tensor/rng';
import { convCaseArb } from './conv-cases';
import { Tensor } from '../lib/tensor/tensor';
import { describeOnBackends, onBackend } from './backends';
import { expectGradients } from './gradients';

function normalTensor(rng: Rng, shape: number[]): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  rng.fillNormal(t);
  return t;
}

const opArb = convCaseArb({ batch: 2, channels: 3, size: 6, kernel: 3, stride: 2 });

describeOnBackends('autograd conv2d and meanPool', (b) => {
  const runs = b.size(60, 20), archRuns = b.size(40, 12);
  it(`conv2d: gradients on ${runs} random shapes${b.full ? '' : ' (reduced from 60)'}, and the forward equals lib/nn/conv/layer.ts`, () => {
    fc.assert(fc.property(opArb, (c) => {
      const rng = new Rng(c.seed);
      const X = normalTensor(rng, [c.batch, c.cin, c.h, c.w]), W = normalTensor(rng, [c.cout, c.cin, c.kh, c.kw]), B = normalTensor(rng, [c.cout]);
      const flags = { stride: c.stride, padding: c.padding };
      const inputs = c.bias ? [X, W, B] : [X, W];
      const [x, w, bias] = inputs.map((t) => onBackend(b.backend, t, b.dtype));
      const ctx = new Context(b.backend);
      const forward = conv2d(ctx.leaf(x), ctx.leaf(w), bias === undefined ? null : ctx.leaf(bias), flags);
      const want = convLayer(x, w, bias ?? null, { ...flags, backend: b.backend });
      for (let i = 0; i < want.size; i++) expect(forward.data[i]).to.be.closeTo(want.data[i], b.tol(1e-12));
      // Sums of fan-in terms forward, of batch × positions terms for dW.
      const terms = Math.max(c.cin * c.kh * c.kw, c.batch * forward.shape[2] * forward.shape[3]);
      expectGradients(b, (xx, ww, bb) => conv2d(xx, ww, bb ?? null, flags), inputs, { terms });
    }), { seed: 5, numRuns: runs });
  });

  it('meanPool, and an input and a weight shared by two convs (gradients accumulate)', () => {
    const rng = new Rng(3);
    expectGradients(b, (x) => meanPool(x), [normalTensor(rng, [2, 3, 4, 5])], { terms: 20 });
    const X = normalTensor(rng, [2, 2, 5, 5]), W = normalTensor(rng, [2, 2, 3, 3]), B = normalTensor(rng, [2]);
    expectGradients(b, (x, w, bb) => {
      const a = relu(conv2d(x, w, bb, { padding: 'same' }));
      return sum(add(conv2d(a, w, null, { padding: 'circular' }), conv2d(x, w, bb, { padding: 'same' })));
    }, [X, W, B], { layers: 2, terms: 2 * 25 });
  });

  it(`random conv classifiers: gradients of the loss with respect to every parameter (${archRuns} nets${b.full ? '' : ', reduced from 40'})`, () => {
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
      let c = a.cin, s = a.size, terms = a.batch * s * s;
      for (const l of a.layers) {
        params.push(normalTensor(rng, [l.channels, c, l.k, l.k]), normalTensor(rng, [l.channels]));
        terms = Math.max(terms, c * l.k * l.k);
        c = l.channels;
        s = Math.ceil(s / l.stride);
      }
      const features = a.pool ? c : c * s * s;
      params.push(normalTensor(rng, [a.classes, features]), normalTensor(rng, [a.classes]));
      const labels = Array.from({ length: a.batch }, () => rng.int(a.classes));
      const X = normalTensor(rng, [a.batch, a.cin, a.size, a.size]);
      const layers = a.layers.map((l) => ({ outChannels: l.channels, kh: l.k, kw: l.k, stride: l.stride, padding: l.padding }));
      expectGradients(b, (x: Var, ...p: Var[]) => softmaxCrossEntropy(convForward(x, p, layers, a.pool ? 'pool' : 'flatten'), labels), [X, ...params],
        { layers: a.layers.length + 1, terms: Math.max(terms, features) });
    }), { seed: 8, numRuns: archRuns });
  });
});
