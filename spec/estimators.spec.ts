// The estimators of log10 E[M_d/M_0] (lib/nn/dense/estimators.ts, THEORY.md §4.10) and the exact Gaussian
// law they are checked with. Statistical checks are seeded and sized from their sample sizes: sample
// moments at 6 standard errors, KS at α = 10⁻⁶ (§6.1, §6.5).
import { expect } from 'chai';
import { chiSquareVariate, gammaVariate, layerKurtoses, lengthPath, PerLayerProduct, sampleMeanBand } from '../lib/nn/dense/estimators';
import { ksCritical, ksTwoSample, mean, quantile, sortedCopy, variance } from '../lib/nn/stats';
import { initializerById } from '../lib/nn/init';
import { log10GaussianMoment, log10SecondMoments, sampleGaussianLogLengths } from '../lib/nn/dense/theory';
import { Rng } from '../lib/tensor/rng';

describe('estimators of E[M_d/M_0]', () => {
  it('the per-layer product is Σ_j log10 of each layer\'s mean ratio over the nets alive before it, with the delta-method se', () => {
    const p = new PerLayerProduct(2);
    // Ratios: net 1: 2, then 0.5; net 2: 4, then dead; net 3: dead at layer 1.
    p.add([Math.log(2), Math.log(1)]);
    p.add([Math.log(4), -Infinity]);
    p.add([-Infinity, -Infinity]);
    expect(Array.from(p.alive())).to.deep.equal([3, 2]);
    // Layer 1: mean of 2, 4, 0 = 2, s² = 4; layer 2: mean of 0.5, 0 = 0.25, s² = 0.125.
    const e = p.estimate();
    expect(e.log10).to.be.closeTo(Math.log10(2 * 0.25), 1e-12);
    const se = Math.sqrt(4 / 3 / 4 + 0.125 / 2 / 0.0625) * Math.LOG10E;
    expect(e.se).to.be.closeTo(se, 1e-12);
    expect(e.lo).to.be.closeTo(e.log10 - 1.959963984540054 * se, 1e-12);
    expect(p.estimate(1).log10).to.be.closeTo(Math.log10(2), 1e-12);
    expect(() => p.estimate(3)).to.throw(RangeError);
    // Every net dead before layer 2 leaves nothing to estimate there.
    const q = new PerLayerProduct(2);
    q.add([-Infinity, -Infinity]);
    q.add([0, -Infinity]);
    expect(q.estimate().log10).to.be.NaN;
  });

  it('Gamma and χ² variates have the exact mean and variance (6 standard errors)', () => {
    const rng = new Rng(31);
    const n = 100000;
    for (const a of [0.5, 1, 2.5, 30]) {
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = gammaVariate(rng, a);
      // Var(x) = a; Var((x − a)²) = E(x − a)⁴ − a² = 3a² + 6a − a².
      expect(Math.abs(mean(xs) - a)).to.be.below(6 * Math.sqrt(a / n));
      expect(Math.abs(variance(xs) - a)).to.be.below(6 * Math.sqrt((2 * a * a + 6 * a) / n));
    }
    for (const k of [0, 1, 3, 7]) {
      let s = 0;
      for (let i = 0; i < n; i++) s += chiSquareVariate(rng, k);
      expect(Math.abs(s / n - k)).to.be.at.most(6 * Math.sqrt((2 * k) / n));
    }
  });

  it('the O(d) exact Gaussian path has the law of the O(Σn_j) sampler, dead layers included (KS, α = 1e−6)', () => {
    const widths = [7, 5, 3, 8, 2, 6];
    const variances = widths.slice(1).map((_, j) => 2 / widths[j]);
    const logGains = variances.map((v, j) => Math.log((widths[j] * v) / 2));
    const n = 4000, d = widths.length - 1;
    const a = new Float64Array(n), b = new Float64Array(n), mid = new Float64Array(n), midB = new Float64Array(n), out = new Float64Array(d);
    const r1 = new Rng(32), r2 = new Rng(33);
    for (let i = 0; i < n; i++) {
      lengthPath(r1, widths, logGains, out);
      a[i] = out[d - 1]; mid[i] = out[1];
      const s = sampleGaussianLogLengths(r2, widths, variances);
      b[i] = s[d - 1]; midB[i] = s[1];
    }
    const crit = ksCritical(1e-6, n, n);
    expect(ksTwoSample(a, b)).to.be.below(crit);
    expect(ksTwoSample(mid, midB)).to.be.below(crit);
  });

  it('the moment-matched path has the law\'s exact E[R] and E[R²] (He uniform, widths 4; 6 standard errors)', () => {
    const widths = [6, 4, 4, 4], init = initializerById('he_uniform');
    const kappas = layerKurtoses(widths, init);
    for (const k of layerKurtoses(widths, initializerById('he_normal'))) expect(k).to.be.closeTo(3, 1e-9);
    for (const k of kappas) expect(k).to.be.within(1, 3);
    const n = 800000, rng = new Rng(36), out = new Float64Array(3), r = new Float64Array(n), r2 = new Float64Array(n);
    for (let i = 0; i < n; i++) { const l = lengthPath(rng, widths, [0, 0, 0], out, kappas)[2]; r[i] = Math.exp(l); r2[i] = Math.exp(2 * l); }
    const p2 = Math.pow(10, log10SecondMoments(widths, init)[2]);
    // Relative variances from theory: Var R/E[R]² = P_d − 1; Var R²/E[R²]² ≤ the Gaussian E[R⁴]/P_d² − 1 (§3.7).
    const g4 = Math.pow(10, log10GaussianMoment(widths, [1 / 3, 1 / 2, 1 / 2], 4));
    expect(Math.abs(mean(r) - 1)).to.be.below(6 * Math.sqrt((p2 - 1) / n));
    expect(Math.abs(mean(r2) / p2 - 1)).to.be.below(6 * Math.sqrt((g4 / (p2 * p2) - 1) / n));
    // The Gaussian law's E[R²] is 27% larger here: the test can tell the laws apart.
    expect(Math.pow(10, log10SecondMoments(widths, initializerById('he_normal'))[2]) / p2 - 1).to.be.above(12 * Math.sqrt((g4 / (p2 * p2) - 1) / n));
  });

  it('the sample-mean band of one net is the 2.5% and 97.5% quantiles of log10 R, shifted by Σ log10 c_j', () => {
    const widths = [6, 6, 6, 6];
    const gainsLn = [Math.log(2), 0, Math.log(0.5)].map((x) => x + 0.1);
    const band = sampleMeanBand(new Rng(34), widths, gainsLn, 1, { replicates: 20000 });
    const ref = new Float64Array(20000);
    const rng = new Rng(35), vars = [2 / 6, 2 / 6, 2 / 6];
    for (let i = 0; i < ref.length; i++) ref[i] = sampleGaussianLogLengths(rng, widths, vars)[2] * Math.LOG10E + 0.3 * Math.LOG10E;
    const sorted = sortedCopy(ref);
    // Each quantile lies between the empirical quantiles at p ± 6 binomial sd of the other sample's share.
    for (const [p, q] of [[0.025, band.lo], [0.975, band.hi]] as const) {
      const sd = 6 * Math.sqrt((2 * p * (1 - p)) / ref.length);
      expect(q).to.be.within(quantile(sorted, p - sd), quantile(sorted, p + sd));
    }
  });

  it('sampleMeanBand refuses widths that are no net, and gains or kurtoses of another depth', () => {
    const rng = new Rng(1);
    expect(() => sampleMeanBand(rng, [6, 0, 6], [0, 0], 10)).to.throw(RangeError, /widths must be positive integers/);
    expect(() => sampleMeanBand(rng, [6], [], 10)).to.throw(RangeError, /at least an input and one layer/);
    expect(() => sampleMeanBand(rng, [6, 6, 6], [0], 10)).to.throw(RangeError, /logGains must hold one ln c_j per layer \(2\), got 1/);
    expect(() => sampleMeanBand(rng, [6, 6, 6], [0, 0], 10, { kappas: [3] })).to.throw(RangeError, /kappas must hold one κ_j per layer/);
  });
});
