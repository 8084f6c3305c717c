// Initializers: each one's measured variance and μ̃₄ match the exact values it claims.
// Sizing: for N i.i.d. entries with standardized moments μ₄, μ₆, μ₈, the sample variance has relative
// sd √((μ₄ − 1)/N), and by the delta method the ratio m₄/m₂² has sd
// √((μ₈ − μ₄² − 4μ₄(μ₆ − μ₄) + 4μ₄²(μ₄ − 1))/N). We allow 6 sd (false-failure odds < 2e−9 each).
// This is the test that would have caught the Keras truncated-normal variance (0.774× the nominal).
// Those laws are measured once, on the reference backend's samplers; every other backend must then
// draw the very same weights (below), which carries the measurement over exactly.
import { expect } from 'chai';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import type { Backend, DType } from '../lib/kernels/backend';
import { INITIALIZERS, KERAS_TRUNCATION, gain, initializerById, orthogonal, symmetric, type Initializer } from '../lib/nn/init';
import { DenseReluNet } from '../lib/nn/dense/net';
import { ResidualNet } from '../lib/nn/residual/net';
import { ConvReluNet } from '../lib/nn/conv/net';
import { erf } from '../lib/nn/special';
import { describeOnBackends, REFERENCE } from './backends';

/** Standardized even moments [μ₄, μ₆, μ₈] of each law (orthogonal entries: ≈ normal for large N). */
function standardizedMoments(init: Initializer, fanIn: number, fanOut: number): [number, number, number] {
  switch (init.law) {
    case 'normal': return [3, 15, 105];
    case 'uniform': return [9 / 5, 27 / 7, 9];
    case 'rademacher': return [1, 1, 1];
    case 'truncated_normal': {
      // I_{2k} = E[z^{2k}; |z| ≤ a] = (2k − 1)·I_{2k−2} − 2a^{2k−1}φ(a), I_0 = P(|z| ≤ a).
      const a = KERAS_TRUNCATION, phi = Math.exp(-a * a / 2) / Math.sqrt(2 * Math.PI);
      const i0 = erf(a / Math.SQRT2);
      const I = [i0];
      for (let k = 1; k <= 4; k++) I.push((2 * k - 1) * I[k - 1] - 2 * Math.pow(a, 2 * k - 1) * phi);
      const v = I[1] / i0;
      return [I[2] / i0 / v ** 2, I[3] / i0 / v ** 3, I[4] / i0 / v ** 4];
    }
    case 'orthogonal': {
      const n = Math.max(fanIn, fanOut);
      return [(3 * n) / (n + 2), 15, 105];
    }
  }
}

const ALL = [...INITIALIZERS, symmetric('rademacher', 1), symmetric('truncated_normal', 0.5), symmetric('uniform', 2)];

describe('initializers', () => {
  const fanIn = 300, fanOut = 200;
  const all = ALL;
  for (const init of all) {
    it(`${init.id}: measured variance and μ̃₄ match the exact values`, () => {
      const rng = new Rng(17, [init.id.length]);
      const w = Tensor.zeros([fanOut, fanIn]);
      const draws = init.law === 'orthogonal' ? 5 : 20;
      let m2 = 0, m4 = 0, N = 0;
      for (let r = 0; r < draws; r++) {
        init.sample(rng, w);
        for (const x of w.data) { m2 += x * x; m4 += x ** 4; }
        N += w.size;
      }
      m2 /= N; m4 /= N;
      const v = init.variance(fanIn, fanOut), mu4 = init.mu4(fanIn, fanOut);
      const [s4, s6, s8] = standardizedMoments(init, fanIn, fanOut);
      expect(s4).to.be.closeTo(mu4, 1e-9);
      // Orthogonal entries are dependent (each column has norm exactly 1), which only lowers the
      // variance of m₂; the i.i.d. sizing is conservative there.
      const sdVar = Math.sqrt((s4 - 1) / N);
      expect(Math.abs(m2 / v - 1), 'variance').to.be.below(6 * sdVar + 1e-9); // 1e−9: rounding in the float64 sums of ~10⁶ terms
      const sdMu4 = Math.sqrt((s8 - s4 * s4 - 4 * s4 * (s6 - s4) + 4 * s4 * s4 * (s4 - 1)) / N);
      expect(Math.abs(m4 / (m2 * m2) - mu4), 'mu4').to.be.below(6 * sdMu4 + 1e-9);
    });
  }

  it('He variants have the gains of the table in the brief (§5)', () => {
    const n = 100;
    const expected: Record<string, number> = {
      he_normal_x2: 2, he_normal: 1, he_uniform: 1, he_normal_truncated: 0.7737413, he_normal_truncated_corrected: 1,
      glorot_uniform: 0.5, glorot_normal: 0.5, glorot_normal_truncated: 0.3868707, lecun_normal: 0.5, lecun_uniform: 0.5,
      torch_linear_default: 1 / 6, orthogonal: 0.5,
    };
    for (const [id, c] of Object.entries(expected)) expect(gain(initializerById(id), n, n), id).to.be.closeTo(c, 1e-7);
    expect(initializerById('he_normal_truncated').nominalVariance(n, n)).to.equal(2 / n);
  });

  it('orthogonal weights have orthonormal rows or columns', () => {
    const rng = new Rng(3);
    for (const [o, i] of [[4, 7], [7, 4], [5, 5]]) {
      const w = Tensor.zeros([o, i]);
      orthogonal(1).sample(rng, w);
      const small = Math.min(o, i);
      for (let a = 0; a < small; a++) {
        let norm = 0;
        for (let b = 0; b < Math.max(o, i); b++) norm += (o >= i ? w.get(b, a) : w.get(a, b)) ** 2;
        expect(norm).to.be.closeTo(1, 1e-12);
      }
    }
  });

  it('rejects unknown ids and bad arguments with clear messages', () => {
    expect(() => initializerById('he_normall')).to.throw(/unknown initializer 'he_normall'/);
    expect(() => symmetric('uniform', 0)).to.throw(/gain/);
    expect(() => initializerById('he_normal').variance(0, 3)).to.throw(/fan-in/);
    expect(initializerById('symmetric_rademacher_g2').variance(10, 10)).to.be.closeTo(0.4, 1e-15);
  });
});

/** Every parameter of the three kinds of net, built on `backend` in `dtype` and drawn through it. */
function initialParams(init: Initializer, backend: Backend, dtype: DType): Float64Array[] {
  const rng = () => new Rng(5, [init.id.length], backend);
  const opts = { backend, dtype };
  const dense = new DenseReluNet([7, 12, 5, 9], init, { ...opts, bias: { law: 'normal', variance: 0.3 } });
  dense.initialize(rng());
  const dense2 = new DenseReluNet([4, 6, 3], init, { ...opts, bias: { law: 'uniform', variance: 0.2 } });
  dense2.initialize(rng());
  const residual = new ResidualNet({ inputWidth: 6, width: 5, hidden: [4], outputWidth: 3, convention: 'relu' }, [1, 0.5], init, opts);
  residual.initialize(rng());
  const conv = new ConvReluNet([2, 5, 5], [{ outChannels: 3, kh: 3, kw: 3, stride: 1, padding: 'same' }, { outChannels: 4, kh: 1, kw: 2, stride: 2, padding: 'valid' }], init, opts);
  if (init.law !== 'orthogonal') conv.initialize(rng()); // orthogonal is defined for matrices only
  return [
    ...dense.weights, ...dense.biases, ...dense2.weights, ...dense2.biases,
    residual.projection, ...residual.modules.flat(), residual.output, ...conv.weights,
  ].map((t) => Float64Array.from(t.data));
}

describeOnBackends('initialization through the backend', (b) => {
  it(`every initializer draws the reference's weights and biases into dense, residual and conv nets (${b.dtype === 'float64' ? 'bit for bit' : 'the reference\'s float64 draws rounded to float32'})`, () => {
    for (const init of ALL) {
      const want = initialParams(init, REFERENCE, 'float64'), got = initialParams(init, b.backend, b.dtype);
      const round = b.dtype === 'float64' ? (v: number) => v : Math.fround;
      want.forEach((w, t) => expect(Array.from(got[t]), `${init.id}, tensor ${t}`).to.deep.equal(Array.from(w, round)));
    }
  });
});
