// The length-moment laws on random architectures (fast-check, seeded).
//
// Sizing (THEORY.md §6.2). Let r_j = M_j/(c_j·M_{j−1}). Given a_{j−1} ≠ 0 it has mean exactly 1 (§2.2)
// and variance (2κ − 1)/n_j with κ = 3 + (μ̃₄ − 3)·q ≤ 3, since every law here has μ̃₄ ≤ 3 (§3.1–3.2):
// so Var ≤ 5/n_j.
// Over N independent nets the mean of r_j is within 6·√(5/(n_j·N)) of 1 except with probability
// < 2e−9 (r_j is a scaled χ² mixture: light-tailed, the CLT is accurate at N ≥ 200). For orthogonal
// weights the rows are dependent, but the exact conditional law (THEORY.md §3.6) gives
// Var = (5N − 2n_j)/(n_j(N + 2)) < 5/n_j, N = max(n_{j−1}, n_j), so the same bound holds.
//
// End to end, R = M_d/M_0 has E[R] = ∏c_j and E[R²] ≤ ∏c_j²(1 + 5/n_j); its sample mean over N nets is
// within 6·√(V/N)·∏c_j, V = ∏(1 + 5/n_j) − 1. R is log-normal-like, so we keep V ≤ 1 (skewness of the
// mean ≤ 4/√N ≈ 0.13 at N = 1000) where the normal approximation of the mean holds.
import { expect } from 'chai';
import fc from 'fast-check';
import { DenseReluNet } from '../lib/nn/dense/net';
import { INITIALIZERS, initializerById, symmetric, type Initializer } from '../lib/nn/init';
import { gains, log10GaussianMoment, log10MeanRatio } from '../lib/nn/dense/theory';
import { traceForward } from '../lib/nn/dense/trace';
import { Rng } from '../lib/tensor/rng';
import { randomUnitInput } from '../lib/nn/input';

const ALL: Initializer[] = [...INITIALIZERS, symmetric('rademacher', 1), symmetric('truncated_normal', 1.3)];

function logRatios(widths: number[], init: Initializer, nets: number, seed: number): Float64Array[] {
  // out[j][net] = ln M_j − ln M_{j−1} for layers j = 1..d (−Infinity / NaN after a dead layer).
  const d = widths.length - 1;
  const net = new DenseReluNet(widths, init);
  const rng = new Rng(seed);
  const out = Array.from({ length: d }, () => new Float64Array(nets));
  for (let k = 0; k < nets; k++) {
    net.initialize(rng);
    const t = traceForward(net, randomUnitInput(rng, widths[0]));
    let prev = t.logM0;
    for (let j = 0; j < d; j++) { out[j][k] = t.layers[j].logM - prev; prev = t.layers[j].logM; }
  }
  return out;
}

/** Σ over nets of (M_d/M_0)^p from the per-layer log steps (dead nets count as 0). */
function sumOfPowers(steps: Float64Array[], p: number): number {
  let s = 0;
  for (let k = 0; k < steps[0].length; k++) {
    let l = 0;
    for (const col of steps) l += col[k];
    s += l === -Infinity || Number.isNaN(l) ? 0 : Math.exp(p * l);
  }
  return s;
}

const arch = (minW: number, maxW: number, maxD: number) =>
  fc.tuple(fc.integer({ min: minW, max: maxW }), fc.array(fc.integer({ min: minW, max: maxW }), { minLength: 1, maxLength: maxD }))
    .map(([n0, hidden]) => [n0, ...hidden]);

describe('FM1: E[M_j | a_{j−1}] = c_j·M_{j−1} for every initializer', () => {
  for (const init of ALL) {
    it(`${init.id}: per-layer ratios have mean 1 (random widths 2..64, depths 1..12)`, () => {
      fc.assert(fc.property(arch(2, 64, 12), fc.integer({ min: 0, max: 1e9 }), (widths, seed) => {
        const N = 300;
        const c = gains(widths, init);
        const steps = logRatios(widths, init, N, seed);
        steps.forEach((col, j) => {
          let s = 0, alive = 0;
          for (const l of col) {
            if (Number.isNaN(l)) continue; // input to this layer was already dead
            s += l === -Infinity ? 0 : Math.exp(l) / c[j];
            alive++;
          }
          if (alive < 200) return; // too few live inputs for the CLT bound (tiny widths, deep)
          const tol = 6 * Math.sqrt(5 / (widths[j + 1] * alive));
          expect(Math.abs(s / alive - 1), `layer ${j + 1} of [${widths}]`).to.be.below(tol);
        });
      }), { seed: 1234 + init.id.length, numRuns: 4 });
    });
  }

  it('sample mean of M_d/M_0 agrees with ∏c_j end to end (V ≤ 1)', () => {
    fc.assert(fc.property(arch(16, 64, 12), fc.constantFrom(...ALL), fc.integer({ min: 0, max: 1e9 }), (widths, init, seed) => {
      let v = 1;
      for (let j = 1; j < widths.length; j++) v *= 1 + 5 / widths[j];
      v -= 1;
      fc.pre(v <= 1);
      const N = 1000;
      const s = sumOfPowers(logRatios(widths, init, N, seed), 1);
      const predicted = Math.pow(10, log10MeanRatio(widths, init));
      expect(Math.abs(s / N / predicted - 1), `${init.id} [${widths}]`).to.be.below(6 * Math.sqrt(v / N));
    }), { seed: 99, numRuns: 10 });
  });

  it('Gaussian weights: the sample mean of (M_d/M_0)² agrees with ∏c_j²(1 + 5/n_j)', () => {
    // Var(R²) = E[R⁴] − E[R²]², both exact (theory.log10GaussianMoment); keep E[R⁴]/E[R²]² ≤ 5.
    const gaussian = ['he_normal', 'glorot_normal', 'he_normal_x2', 'lecun_normal'].map(initializerById);
    fc.assert(fc.property(arch(24, 64, 6), fc.constantFrom(...gaussian), fc.integer({ min: 0, max: 1e9 }), (widths, init, seed) => {
      const variances = widths.slice(1).map((n, j) => init.variance(widths[j], n));
      const m2 = log10GaussianMoment(widths, variances, 2), m4 = log10GaussianMoment(widths, variances, 4);
      const relVar = Math.pow(10, m4 - 2 * m2) - 1;
      fc.pre(relVar <= 4);
      const N = 2000;
      const s = sumOfPowers(logRatios(widths, init, N, seed), 2);
      expect(Math.abs(s / N / Math.pow(10, m2) - 1), `${init.id} [${widths}]`).to.be.below(6 * Math.sqrt(relVar / N));
    }), { seed: 7, numRuns: 8 });
  });
});
