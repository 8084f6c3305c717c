// Conv (a) from its cells' results: the mean output length against depth per initializer beside the
// exact theory and the gains alone (conv_a.csv), the per-layer slopes, the chart, the run record and
// the printed tables.

import * as path from 'node:path';
import { inputShape, type ConvInput } from '../../../data/images';
import { stackGeometry } from '../../nn/conv/layer';
import { boundaryFactor, convGains } from '../../nn/conv/theory';
import { initializerById } from '../../nn/init';
import { slope } from '../../nn/stats';
import type { ConvCellParams, ConvCellResult } from '../cells/conv-lengths';
import { convLayerOf, inputLabel, type ConvWindowArgs } from '../cli/conv';
import { writeCsv } from '../out/files';
import { writePlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';
import { meanRatioChartSpec } from './mean-ratio';

export const CONV_A_COLUMNS = [
  'init', 'depth', 'channels', 'kernel', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
  // Extra columns after the fixed ones.
  'log10_gains', 'log10_boundary', 'mean_log10_ratio', 'sd_log10_ratio', 'dead', 'stride', 'padding', 'input', 'log10_sample_mean_ratio',
  'log10_cox_mean_ratio',
  // No timings: a CSV must not depend on the machine or the split into shards (they are in the .json).
] as const;

/** The settings the report reads (conv.js's flags; the whole object is recorded as the run's config). */
export interface ConvAArgs extends ConvWindowArgs {
  readonly out: string;
  readonly inits: readonly string[];
  readonly nets: number;
  readonly channels: number | 'depth';
}

/** Σ_j log10 c_j of a cell's stack on its input: the gains alone, without the padding's boundary loss. */
function log10Gains(params: ConvCellParams): number {
  const geoms = stackGeometry(inputShape(params.input), params.layers);
  return convGains(geoms, params.layers.map((l) => l.outChannels), initializerById(params.init)).reduce((s, c) => s + Math.log10(c), 0);
}

/** Writes conv_a.csv, the chart and the run record, and prints the tables. */
export async function reportConvA(args: ConvAArgs, input: ConvInput, results: readonly CellResult<ConvCellParams, ConvCellResult>[], run: { started: number; dtype: string; out: NodeJS.WritableStream }): Promise<void> {
  const label = inputLabel(input);
  const rows = results.map(({ params, result }) => {
    const g = log10Gains(params);
    return {
      init: params.init, depth: params.layers.length, channels: params.layers[0].outChannels, kernel: args.kernel,
      ...result, log10_gains: g, log10_boundary: result.log10_theory_ratio - g,
      stride: args.stride, padding: args.padding, input: label,
    };
  });
  writeCsv(path.join(args.out, 'conv_a.csv'), CONV_A_COLUMNS, rows);

  // Per-layer slope of log10 E[R] against depth: measured, the exact theory fitted the same way, and
  // log10 c alone (what the slope would be without the padding's boundary loss).
  const fit = (rs: typeof rows, field: 'log10_mean_ratio' | 'log10_theory_ratio' | 'mean_log10_ratio' | 'log10_gains') =>
    rs.length >= 2 ? slope(rs.map((r) => r.depth), rs.map((r) => r[field])) : NaN;
  const slopes = args.inits.map((id) => {
    const mine = rows.filter((r) => r.init === id);
    return {
      init: id, log10_c: fit(mine, 'log10_gains'), theory_slope: fit(mine, 'log10_theory_ratio'),
      measured_slope: fit(mine, 'log10_mean_ratio'), typical_slope: fit(mine, 'mean_log10_ratio'),
    };
  });
  // The point is the sample mean itself, so no hollow sample mean is drawn beside it.
  const spec = meanRatioChartSpec(rows.map((r) => ({ ...r, log10_sample_mean_ratio: undefined })),
    `Conv nets: E[M_d/M_0] against depth (${args.kernel}×${args.kernel} ${args.padding}, ${label}, ${args.nets} nets per point; sample mean, bootstrap-t interval)`,
    `depth d (channels = ${String(args.channels)})`,
    `theory: the exact recursion for ${args.padding} padding, borders included (THEORY.md §8.1)`);
  const plot = await writePlot(path.join(args.out, 'conv_a'), spec);
  const written = writeRunRecord(args.out, 'conv_a', args, { started: run.started, cellSeconds: cellSeconds(results), plots: [plot], extra: { dtype: run.dtype, slopes, input: label } });

  // With borders E[M_j/M_{j−1} | a_{j−1}] depends on the energy profile (THEORY.md §8.1), so the per-layer
  // product does not apply; Cox's estimate runs low (§4.10), so the sample mean is the estimate.
  run.out.write(`\nConv (a): log10 E[M_d/M_0] (${args.nets} nets per cell, ${label} input; log10_mean_ratio with lo/hi: the sample mean of the nets `
    + 'and its bootstrap-t 95% interval, coverage in THEORY.md §4.10; cox: Cox\'s log-normal estimate, biased low here, for comparison)\n');
  printTable(['init', 'depth', 'channels', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio', 'log10_cox_mean_ratio', 'log10_gains', 'mean_log10_ratio', 'dead'], rows, { digits: 4, stream: run.out });
  const same = args.padding === 'same' && args.stride === 1 && input.kind === 'unit';
  const lambda = same ? boundaryFactor(stackGeometry(inputShape(input), [convLayerOf(args, 1)])[0]) : NaN;
  run.out.write(`\nPer-layer log10 slope against depth: log10_c = the gain alone (fully connected rates: +0.301, 0, 0, −0.111, −0.301, −0.412); `
    + `theory_slope = the exact recursion incl. the ${args.padding} padding's boundary loss${same ? ` (limit log10 λ = ${Math.log10(lambda).toFixed(4)} per layer)` : ''}\n`);
  printTable(['init', 'log10_c', 'theory_slope', 'measured_slope', 'typical_slope'], slopes, { digits: 4, stream: run.out });
  printWritten(args.out, written, run.out);
}
