// The interval published for mean_sq_jacobian, at reduced size (THEORY.md §10.9 has the full study,
// bench/backward-coverage.js reprints it). Coverage over R replicates has sd √(p(1 − p)/R).
import { expect } from 'chai';
import { measureCoverage } from '../bench/backward-coverage-study';

describe('mean_sq_jacobian interval coverage (reduced study)', () => {
  it('covers at the nominal 95% where the per-net values are light-tailed (r ≈ 1.6)', () => {
    const row = measureCoverage({ name: 'light', widths: [8, 40, 40, 6], init: 'he_normal', nets: 50, replicates: 150 }, 3);
    expect(row.r).to.be.below(2);
    const sd = Math.sqrt(0.95 * 0.05 / row.replicates);
    expect(Math.abs(row.coverageBootT - 0.95)).to.be.below(6 * sd);
  });

  it('at width 10, depth 10 (r ≈ 23) the bootstrap-t undercovers less than the t interval, on the same replicates', () => {
    const row = measureCoverage({ name: 'w10d10', widths: new Array(11).fill(10), init: 'he_normal', nets: 50, replicates: 150 }, 5);
    expect(row.r).to.be.above(20);
    // Paired on the same samples, the two disagree in ~10% of replicates, so the difference of the coverages
    // has sd ≈ √(0.1/R) = 0.026; the full study measured gaps of 9–16 points at 20–100 nets.
    expect(row.coverageBootT).to.be.above(row.coverageT);
    expect(row.truthAboveBootT).to.be.above(row.truthBelowBootT); // the misses are all on the heavy side
  });
});
