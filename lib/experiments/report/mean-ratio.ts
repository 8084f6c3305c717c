// The chart of Figure 1(a) and conv (a): the mean output length of a net against its depth, one
// curve per initializer, measured beside the theory (out/plot.ts draws it).

import { lineChartSpec, type TopLevelSpec } from '../out/plot';

/** Rows with an `init`, a `depth` and the length columns of a length cell (lengths.ts, conv-lengths.ts). */
export interface MeanRatioRow {
  readonly init: string;
  readonly depth: number;
  /** The primary estimate of log10 E[M_d/M_0] and its 95% interval. */
  readonly log10_mean_ratio: number;
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  readonly log10_theory_ratio: number;
  /** The plain sample mean (the paper's statistic), drawn hollow, and the theory's band for it, shaded. */
  readonly log10_sample_mean_ratio?: number;
  readonly log10_sample_band_lo?: number;
  readonly log10_sample_band_hi?: number;
}

/**
 * The Figure 1(a)-style chart against depth per init: the primary estimate of log10 E[M_d/M_0] with its
 * 95% error bars (filled), the sample mean of the nets (hollow), the theory (dashed; `theory` names it in
 * the subtitle) and the theory's 95% band for the sample mean (shaded), when the rows have them.
 */
export function meanRatioChartSpec(rows: readonly MeanRatioRow[], title: string, depthTitle: string, theory: string): TopLevelSpec {
  const banded = rows.every((r) => r.log10_sample_band_lo !== undefined && r.log10_sample_band_hi !== undefined);
  const sampled = rows.filter((r) => r.log10_sample_mean_ratio !== undefined && Number.isFinite(r.log10_sample_mean_ratio));
  return lineChartSpec({
    title: { text: title, subtitle: ['filled: estimate of log10 E[M_d/M_0] with its 95% interval' + (sampled.length > 0 ? '; hollow: the sample mean of the nets' : ''),
      `dashed: ${theory}` + (banded ? '; shaded: the theory\'s 95% band for the sample mean' : '')] },
    x: { field: 'depth', title: depthTitle },
    y: { field: 'log10_mean_ratio', title: 'log10 E[M_d/M_0]' },
    measured: rows.map((r) => ({ init: r.init, depth: r.depth, log10_mean_ratio: r.log10_mean_ratio, lo: r.log10_mean_ratio_lo, hi: r.log10_mean_ratio_hi })),
    hollow: sampled.map((r) => ({ init: r.init, depth: r.depth, log10_mean_ratio: r.log10_sample_mean_ratio as number })),
    theory: rows.map((r) => ({ init: r.init, depth: r.depth, log10_mean_ratio: r.log10_theory_ratio,
      ...(banded ? { band_lo: r.log10_sample_band_lo as number, band_hi: r.log10_sample_band_hi as number } : {}) })),
    ...(banded ? { theoryLo: 'band_lo', theoryHi: 'band_hi' } : {}),
    color: 'init', lo: 'lo', hi: 'hi', width: 520, height: 340,
  });
}
