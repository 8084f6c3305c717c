// The exact law of ln(M_d/M_0) by characteristic-function inversion (lib/nn/dense/live-law.ts, THEORY.md
// §6.8): against the exact sampler (KS at α = 1e−6, dead counts at 6 binomial sd), the Kolmogorov
// distance between two profiles against two samples' distance (DKW above, 3.3 sd below), and the
// second-order Σ1/n² term against the exact distance where every width is ≥ 20.
import { expect } from 'chai';
import { ExactLogRatioLaw, exactKsDistance, secondOrderKs, sumInverseSquares } from '../lib/nn/dense/live-law';
import { logGammaComplex } from '../lib/nn/special';
import { lengthPath } from '../lib/nn/dense/estimators';
import { ksCritical, ksOneSample, ksTwoSample } from '../lib/nn/stats';
import { Rng } from '../lib/tensor/rng';

function sample(widths: number[], n: number, seed: number): Float64Array {
  const rng = new Rng(seed), out = new Float64Array(widths.length - 1), xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = lengthPath(rng, widths, new Float64Array(widths.length - 1), out)[widths.length - 2];
  return xs;
}

describe('the exact law of ln(M_d/M_0) and equal β', () => {
  it('complex ln Γ: real values and |Γ(½ + it)|² = π/cosh(πt), |Γ(1 + it)|² = πt/sinh(πt)', () => {
    expect(logGammaComplex(5, 0)[0]).to.be.closeTo(Math.log(24), 1e-12);
    expect(logGammaComplex(7.5, 0)[1]).to.be.closeTo(0, 1e-12);
    for (const t of [0.3, 1.7, 6]) {
      expect(2 * logGammaComplex(0.5, t)[0]).to.be.closeTo(Math.log(Math.PI / Math.cosh(Math.PI * t)), 1e-10);
      expect(2 * logGammaComplex(1, t)[0]).to.be.closeTo(Math.log((Math.PI * t) / Math.sinh(Math.PI * t)), 1e-10);
    }
  });

  it('the inverted CDF is the sampler\'s law, dead atom and live part, narrow and wide (KS α = 1e−6)', () => {
    const n = 20000;
    for (const [widths, seed] of [[[8, 3, 8, 2, 6, 4], 41], [[10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], 42]] as const) {
      const law = new ExactLogRatioLaw(widths);
      const xs = sample([...widths], n, seed);
      const live = xs.filter((x) => x > -Infinity);
      const dead = n - live.length;
      expect(Math.abs(dead - n * law.pDead)).to.be.at.most(6 * Math.sqrt(n * law.pDead * (1 - law.pDead)) + 1e-9);
      expect(ksOneSample(live, (x) => law.liveCdf(x))).to.be.below(ksCritical(1e-6, live.length));
    }
  });

  it('the exact KS distance between two equal-β profiles is what two samples show (depth 10, β = 1: constant vs alternating)', () => {
    const a = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], b = [10, 25, 6, 25, 6, 25, 6, 25, 6, 25, 6];
    const la = new ExactLogRatioLaw(a), lb = new ExactLogRatioLaw(b);
    const n = 20000, xa = sample(a, n, 43), xb = sample(b, n, 44);
    const eps = Math.sqrt(Math.log(2 / 1e-6) / (2 * n));
    for (const live of [false, true]) {
      const exact = exactKsDistance(la, lb, live);
      const ya = live ? xa.filter((x) => x > -Infinity) : xa, yb = live ? xb.filter((x) => x > -Infinity) : xb;
      const measured = ksTwoSample(ya, yb);
      expect(measured, `live=${live}`).to.be.within(exact - 5 * 0.5 * Math.sqrt(2 / n), exact + 2 * eps);
    }
    // The dead atom dominates the all-net distance here: 6.8% against 1.0% dead.
    expect(exactKsDistance(la, lb, false)).to.be.above(3 * exactKsDistance(la, lb, true));
  });

  it('the second-order Σ1/n² term predicts the exact live distance where every width is ≥ 20 (within 25%)', () => {
    const a = [40, ...new Array<number>(20).fill(40)];
    const b = [40, ...Array.from({ length: 20 }, (_, j) => (j % 2 === 0 ? 60 : 30))];
    const beta = 20 / 40;
    const exact = exactKsDistance(new ExactLogRatioLaw(a), new ExactLogRatioLaw(b), true);
    const predicted = secondOrderKs(beta, sumInverseSquares(b.slice(1)) - sumInverseSquares(a.slice(1)));
    expect(predicted / exact).to.be.within(0.75, 1.25);
  });
});
