// The pieces grad.js publishes beside its measurements: the coverage table of THEORY.md §10.9 as the
// code holds it, its lookup, the weighted fit of C (report/growth.ts), and the exact binomial test of
// the dead counts.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MEAN_SQ_COVERAGE_STUDY, publishedMeanSqCoverage } from '../lib/nn/dense/grad-statistics';
import { binomialTails, binomialTwoSidedP } from '../lib/nn/stats';
import { fourthMomentRelSe, growthFits, type GrowthPoint } from '../lib/experiments/report/growth';

describe('grad.js: published beside the measurements', () => {
  it('the coverage table in the code is THEORY.md §10.9\'s, row for row', () => {
    const lines = fs.readFileSync(path.join(__dirname, '..', 'THEORY.md'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('| case | init | β | r = E[T²]/E[T]²'));
    expect(start).to.be.above(0);
    const table: string[][] = [];
    for (const l of lines.slice(start + 2)) {
      if (!l.startsWith('|')) break;
      table.push(l.slice(1, -1).split('|').map((c) => c.trim()));
    }
    expect(table).to.have.length(MEAN_SQ_COVERAGE_STUDY.length);
    table.forEach((c, i) => {
      const row = MEAN_SQ_COVERAGE_STUDY[i];
      const [below, above] = c[7].split('/').map(Number);
      expect([row.name, row.init, row.beta, row.r, row.nets, row.replicates, row.coverage, row.below, row.above])
        .to.deep.equal([c[0], c[1], Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6].split('±')[0]), below, above]);
    });
  });

  it('the lookup takes the nearest nets, then the nearest r, and says when it extrapolates or undercovers', () => {
    const light = publishedMeanSqCoverage(1.2, 100);
    expect(light.row.nets).to.equal(100);
    expect(light.row.r).to.equal(1.15);
    expect(light.undercovers).to.equal(false);
    expect(light.extrapolated).to.equal(false);
    const heavy = publishedMeanSqCoverage(400, 1000);
    expect(heavy.row.nets).to.equal(1000);
    expect(heavy.row.r).to.equal(342);
    expect(heavy.coverage).to.be.closeTo(0.855, 1e-12);
    expect(heavy.se).to.be.closeTo(Math.sqrt(0.855 * 0.145 / 200), 1e-12);
    expect(heavy.undercovers).to.equal(true);
    expect(publishedMeanSqCoverage(1.05, 5000).extrapolated).to.equal(true);
    expect(() => publishedMeanSqCoverage(0.5, 100)).to.throw(/r ≥ 1/);
  });

  it('the fit of C recovers a straight line exactly, weights the rows by (10.8), and needs a β range', () => {
    const pts: GrowthPoint[] = [0.1, 0.25, 0.5, 1].map((b, i) => ({
      init: 'he_normal', beta: b, betaPrime: 0.9 * b, lnMeasured: 1.8 + 3.9 * b + (i === 3 ? 0.5 : 0), lnExact: 1.8 + 3.9 * b,
      lnSd: fourthMomentRelSe(Math.exp(b), 1000), r: Math.exp(b),
    }));
    const [fit, fitPrime] = growthFits(pts);
    expect(fit.x).to.equal('beta');
    expect(fit.C_exact).to.be.closeTo(3.9, 1e-9);
    expect(fit.ln_a_exact).to.be.closeTo(1.8, 1e-9);
    expect(fitPrime.C_exact).to.be.closeTo(3.9 / 0.9, 1e-9);
    // The outlier sits on the row with the largest se, so it moves C by less than its share of an unweighted fit.
    const unweighted = growthFits(pts.map((p) => ({ ...p, lnSd: 1 })))[0];
    expect(fit.C_measured - 3.9).to.be.above(0).and.below(unweighted.C_measured - 3.9);
    expect(fit.z).to.be.closeTo((fit.C_measured - fit.C_exact) / fit.C_measured_se, 1e-12);
    expect(fourthMomentRelSe(2, 1000)).to.be.closeTo(Math.sqrt(15 / 1000), 1e-15);
    expect(growthFits(pts.map((p) => ({ ...p, beta: 0.5, betaPrime: 0.45 })))).to.deep.equal([]);
  });

  it('binomial tails are exact, and the two-sided p-value of a rare count is not a normal z\'s', () => {
    const t = binomialTails(0, 10, 0.5);
    expect(t.below).to.be.closeTo(1 / 1024, 1e-15);
    expect(t.above).to.be.closeTo(1, 1e-15);
    for (const k of [0, 3, 7, 20]) {
      const x = binomialTails(k, 20, 0.3);
      // P(X ≤ k) + P(X ≥ k) = 1 + P(X = k).
      const pk = binomialTails(k, 20, 0.3).below - (k > 0 ? binomialTails(k - 1, 20, 0.3).below : 0);
      expect(x.below + x.above).to.be.closeTo(1 + pk, 1e-12);
    }
    // One dead net of 2,000 where 2,000·9.5·10⁻⁶ = 0.019 are expected: P(X ≥ 1) = 1 − (1 − p)^2000.
    const p = 9.5367e-6;
    expect(binomialTwoSidedP(1, 2000, p)).to.be.closeTo(2 * (1 - (1 - p) ** 2000), 1e-12);
    expect(binomialTwoSidedP(0, 2000, p)).to.equal(1);
    expect(binomialTails(0, 5, 0)).to.deep.equal({ below: 1, above: 1 });
    expect(binomialTails(2, 5, 0)).to.deep.equal({ below: 1, above: 0 });
  });
});
