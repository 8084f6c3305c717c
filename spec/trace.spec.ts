// The log-domain trace against a plain float64 forward pass, and its per-layer records, on every
// backend (spec/backends.ts): in float64 on the reference and wasm, in float32 on gpu.js.
import { expect } from 'chai';
import fc from 'fast-check';
import { describeOnBackends } from './backends';
import { DenseReluNet } from '../lib/nn/dense/net';
import { initializerById } from '../lib/nn/init';
import { traceForward } from '../lib/nn/dense/trace';
import { Rng } from '../lib/tensor/rng';
import { randomUnitInput } from '../lib/nn/input';

/** a_j = ReLU(W_j a_{j−1} + b_j) in plain float64, returning ln M_j for each layer. */
function plainLogLengths(net: DenseReluNet, x: ArrayLike<number>): number[] {
  let a = Float64Array.from(x);
  const out: number[] = [];
  for (let j = 0; j < net.depth; j++) {
    const W = net.weights[j].data, b = net.biases[j].data, nOut = net.widths[j + 1], nIn = net.widths[j];
    const next = new Float64Array(nOut);
    let s = 0;
    for (let i = 0; i < nOut; i++) {
      let z = b[i];
      for (let k = 0; k < nIn; k++) z += W[i * nIn + k] * a[k];
      next[i] = z > 0 ? z : 0;
      s += next[i] * next[i];
    }
    out.push(Math.log(s / nOut));
    a = next;
  }
  return out;
}

describeOnBackends('forward trace', (b) => {
  const runs = b.size(150, 40);
  it(`equals a plain float64 forward wherever the latter is finite (${runs} random nets${b.full ? '' : ', reduced from 150'}, with and without biases)`, () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 25 }),
      fc.constantFrom('he_normal', 'he_uniform', 'glorot_normal_truncated', 'he_normal_x2', 'orthogonal'),
      fc.constantFrom(0, 0.01, 1),
      fc.integer({ min: 0, max: 1e9 }),
      (widths, id, biasVariance, seed) => {
        const rng = new Rng(seed);
        const net = new DenseReluNet(widths, initializerById(id),
          { bias: biasVariance === 0 ? undefined : { law: 'uniform', variance: biasVariance }, dtype: b.dtype, backend: b.backend });
        net.initialize(rng);
        const x = randomUnitInput(rng, widths[0]);
        const plain = plainLogLengths(net, x);
        const t = traceForward(net, x);
        plain.forEach((l, j) => {
          if (!Number.isFinite(l)) { expect(t.layers[j].logM).to.equal(-Infinity); return; }
          // Both round at ~u per operation (1e−16 in float64); the rescaling adds a few ulps per layer.
          expect(Math.abs(t.layers[j].logM - l), `layer ${j + 1}`).to.be.below(b.tol(1e-11 * (j + 1)));
        });
      }), { seed: 2024, numRuns: runs });
  });

  it('keeps 10^±300 and beyond representable (2×He and Glorot at depth 1,500)', () => {
    // Depth 1,500 puts the expected |log10 M_d/M_0| (about 394 and 505) more than 12 sd beyond 300,
    // so the representability check does not hang on one net's luck (at 1,200 it was 2–3 sd).
    const rng = new Rng(1);
    for (const [id, c] of [['he_normal_x2', 2], ['glorot_uniform', 0.5]] as const) {
      const widths = new Array(1501).fill(30);
      const net = new DenseReluNet(widths, initializerById(id), { dtype: b.dtype, backend: b.backend });
      net.initialize(rng);
      const t = traceForward(net, randomUnitInput(rng, 30));
      expect(t.dead).to.equal(false);
      expect(Number.isFinite(t.logRatio)).to.equal(true);
      // log10 M_d/M_0 is near 1500·log10 c − 1500·2.5/30·log10 e; its sd over nets is √(1500·5/30)/ln 10 ≈ 7 (THEORY.md §4.5); allow 8 sd.
      expect(Math.abs(t.logRatio * Math.LOG10E - 1500 * Math.log10(c) + 1500 * 2.5 / 30 * Math.LOG10E)).to.be.below(60);
      expect(Math.abs(t.logRatio * Math.LOG10E)).to.be.above(300);
    }
  });

  it('records the one-step prediction c_j·M_{j−1} and active-unit counts', () => {
    const rng = new Rng(6);
    const net = new DenseReluNet([12, 20, 7, 15], initializerById('glorot_uniform'), { dtype: b.dtype, backend: b.backend });
    net.initialize(rng);
    const t = traceForward(net, randomUnitInput(rng, 12));
    const c = net.gains();
    let prev = t.logM0 * Math.LOG10E;
    t.layers.forEach((l, j) => {
      expect(l.predictedLog10M).to.be.closeTo(prev + Math.log10(c[j]), 1e-12);
      expect(l.activeFraction).to.equal(l.activeUnits / l.width);
      expect(l.predictedRelSd).to.be.above(0);
      prev = l.log10M;
    });
  });

});

describe('forward trace: input checks', () => {
  it('rejects an input of the wrong length', () => {
    const net = new DenseReluNet([4, 3], initializerById('he_normal'));
    expect(() => traceForward(net, [1, 2, 3])).to.throw(/n_0 = 4/);
  });
});
