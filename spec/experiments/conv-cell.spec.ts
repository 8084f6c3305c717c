// The conv length cell's published estimate of E[R] (R = M_d/M_0): the plain sample mean with its
// bootstrap-t interval, not Cox's log-normal estimate, which runs low in conv nets (THEORY.md §4.10).

import { expect } from 'chai';
import { runConvCell, type ConvCellParams } from '../../lib/experiments/cells/conv-lengths';

describe('conv length cell: the estimate of E[R]', () => {
  const layer = { outChannels: 6, kh: 3, kw: 3, stride: 1, padding: 'same' as const };
  const params: ConvCellParams = { init: 'he_normal', input: { kind: 'unit', shape: [3, 8, 8] }, layers: Array.from({ length: 6 }, () => layer), nets: 300, seed: 7 };
  const res = runConvCell(params);

  it('is the sample mean, inside its own bootstrap-t interval', () => {
    expect(res.log10_mean_ratio).to.equal(res.log10_sample_mean_ratio);
    expect(res.log10_mean_ratio_lo).to.be.below(res.log10_mean_ratio);
    expect(res.log10_mean_ratio_hi).to.be.above(res.log10_mean_ratio);
    // R is right-skewed, so the bootstrap-t stretches the upper end: the interval is not symmetric.
    expect(res.log10_mean_ratio_hi - res.log10_mean_ratio).to.be.above(res.log10_mean_ratio - res.log10_mean_ratio_lo);
  });

  it('keeps Cox\'s estimate beside it, for comparison, as a different number', () => {
    expect(Number.isFinite(res.log10_cox_mean_ratio)).to.equal(true);
    expect(res.log10_cox_mean_ratio).to.not.equal(res.log10_mean_ratio);
  });

  it('draws its resamples from the cell\'s own seeded stream: the same params give the same interval', () => {
    const again = runConvCell(params);
    expect([again.log10_mean_ratio_lo, again.log10_mean_ratio_hi]).to.deep.equal([res.log10_mean_ratio_lo, res.log10_mean_ratio_hi]);
    const other = runConvCell({ ...params, seed: 8 });
    expect(other.log10_mean_ratio_lo).to.not.equal(res.log10_mean_ratio_lo);
  });

  it('gives one net its length as the mean and no interval', () => {
    const one = runConvCell({ ...params, nets: 1 });
    expect(Number.isFinite(one.log10_mean_ratio)).to.equal(true);
    expect([one.log10_mean_ratio_lo, one.log10_mean_ratio_hi]).to.deep.equal([NaN, NaN]);
  });
});
