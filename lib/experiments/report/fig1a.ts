// Figure 1(a) from its cells' results: one row per initializer × depth with the theory's band for the
// sample mean beside each estimate (fig1a.csv), the per-layer slopes against depth, the chart, the run
// record and the printed tables.

import * as path from 'node:path';
import type { ImageInput } from '../../../data/images';
import { gain, initializerById } from '../../nn/init';
import { slope, weightedSlope } from '../../nn/stats';
import type { BandCellParams, BandCellResult, BandPlan } from '../cells/band';
import type { LengthCellParams, LengthCellResult } from '../cells/lengths';
import { describeImage, inputText, type InputChoice } from '../cli/image-input';
import { writeCsv } from '../out/files';
import { writePlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';
import { meanRatioChartSpec } from './mean-ratio';

export const FIG1A_COLUMNS = [
  'init', 'depth', 'width', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
  'mean_log10_ratio', 'sd_log10_ratio', 'dead',
  // Extra columns after the fixed ones: the paper's statistic (the plain sample mean of the nets) and
  // the theory's 95% band for where a sample mean of that many nets lands (THEORY.md §4.10).
  'log10_sample_mean_ratio', 'log10_sample_band_lo', 'log10_sample_band_hi', 'band_method', 'dead_expected', 'input',
  // No timings here: a CSV must not depend on the machine or the split into shards (they are in fig1a.json).
] as const;

/** What a row of fig1a.csv says about its cell, beside the result. */
export interface Fig1aMeta { readonly init: string; readonly depth: number; readonly width: number }

/** The settings the report reads (fig1.js's flags; the whole object is recorded as the run's config). */
export interface Fig1aArgs {
  readonly out: string;
  readonly inits: readonly string[];
  readonly nets: number;
  readonly width: number | 'depth';
  readonly input: InputChoice;
}

/** The finished cells of Figure 1(a): the length cells, the band cells, and each length cell's band (in cell order). */
export interface Fig1aResults {
  readonly lengths: readonly CellResult<LengthCellParams, LengthCellResult, Fig1aMeta>[];
  readonly bands: readonly CellResult<BandCellParams, BandCellResult, unknown>[];
  readonly plans: readonly BandPlan[];
}

/** Writes fig1a.csv, the chart and the run record, and prints the tables. */
export async function reportFig1a(args: Fig1aArgs, r: Fig1aResults, run: { started: number; dtype: string; out: NodeJS.WritableStream; image: ImageInput | null }): Promise<void> {
  const band = new Map(r.bands.map((b) => [b.key, b.result]));
  const input = inputText(args.input);
  const rows = r.lengths.map(({ meta, result }, i) => {
    const b = band.get(r.plans[i].key)!;
    return {
      ...meta, input, ...result,
      // The band is He-normalized: R/∏c_j does not involve the gains.
      log10_sample_band_lo: b.lo + result.log10_theory_ratio, log10_sample_band_hi: b.hi + result.log10_theory_ratio,
      band_method: r.plans[i].method,
    };
  });
  writeCsv(path.join(args.out, 'fig1a.csv'), FIG1A_COLUMNS, rows);

  // Per-layer slope of log10 E[M_d/M_0] against depth, measured (the primary estimate, weighted by its
  // standard errors) and predicted (log10 c); the paper's statistic and a typical net beside it.
  const slopes = args.inits.map((id) => {
    const mine = rows.filter((row) => row.init === id);
    const width = mine[0].width;
    const c = gain(initializerById(id), width, width);
    const fit = mine.length >= 2
      ? weightedSlope(mine.map((x) => x.depth), mine.map((x) => x.log10_mean_ratio), mine.map((x) => (x.log10_mean_ratio_hi - x.log10_mean_ratio_lo) / (2 * 1.959963984540054)))
      : { slope: NaN, se: NaN };
    return {
      init: id, gain_c: c,
      theory_slope: Math.log10(c),
      measured_slope: fit.slope, measured_slope_se: fit.se,
      sample_mean_slope: mine.length >= 2 ? slope(mine.map((x) => x.depth), mine.map((x) => x.log10_sample_mean_ratio)) : NaN,
      typical_slope: mine.length >= 2 ? slope(mine.map((x) => x.depth), mine.map((x) => x.mean_log10_ratio)) : NaN,
    };
  });
  const spec = meanRatioChartSpec(rows, `Figure 1(a): E[M_d/M_0] against depth (${args.nets} nets per point, ${input} input)`,
    `depth d (width = ${String(args.width)})`, 'theory ∏c_j');
  const plot = await writePlot(path.join(args.out, 'fig1a'), spec);
  const written = writeRunRecord(args.out, 'fig1a', args, {
    started: run.started, cellSeconds: cellSeconds(r.lengths) + cellSeconds(r.bands), plots: [plot],
    extra: { dtype: run.dtype, slopes, input, ...(run.image === null ? {} : { image: describeImage(run.image) }) },
  });

  run.out.write(`\nFigure 1(a): log10 E[M_d/M_0] (${args.nets} nets per cell, ${input} input). log10_mean_ratio: the per-layer product `
    + 'estimate with its 95% interval lo/hi (THEORY.md §4.10); sample_mean: the paper\'s statistic, with the theory\'s 95% band for it\n');
  printTable(['init', 'depth', 'width', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
    'log10_sample_mean_ratio', 'log10_sample_band_lo', 'log10_sample_band_hi', 'mean_log10_ratio', 'dead'], rows, { digits: 4, stream: run.out });
  const covered = rows.filter((x) => x.log10_mean_ratio_lo <= x.log10_theory_ratio && x.log10_theory_ratio <= x.log10_mean_ratio_hi).length;
  const inBand = rows.filter((x) => x.log10_sample_band_lo <= x.log10_sample_mean_ratio && x.log10_sample_mean_ratio <= x.log10_sample_band_hi).length;
  run.out.write(`theory inside the interval in ${covered}/${rows.length} rows; sample mean inside the theory's band in ${inBand}/${rows.length} rows (about 95% expected)\n`);
  run.out.write('\nPer-layer log10 gain of E[M_d/M_0], fitted over the depths (paper: +0.301, 0, 0, −0.111, −0.301, −0.412)\n');
  printTable(['init', 'gain_c', 'theory_slope', 'measured_slope', 'measured_slope_se', 'sample_mean_slope', 'typical_slope'], slopes, { digits: 4, stream: run.out });
  run.out.write(`(measured: the per-layer product, weighted least squares; sample_mean: the paper's statistic, which falls behind E at large β;\n`
    + ` typical: the mean of log10(M_d/M_0), a single net, below the mean by about 2.5β/ln10 per unit β)\n`);
  printWritten(args.out, written, run.out);
}
