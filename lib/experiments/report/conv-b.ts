// Conv (b) from its cells' results: the second moment E[R²]/E[R]² against β = Σ 1/C_j beside its
// upper bound (conv_b.csv), the chart, the run record and the printed table.

import * as path from 'node:path';
import { inputShape, type ConvInput } from '../../../data/images';
import { stackGeometry } from '../../nn/conv/layer';
import { channelBeta, log10SecondMomentBound } from '../../nn/conv/theory';
import { initializerById } from '../../nn/init';
import type { ConvCellParams, ConvCellResult } from '../cells/conv-lengths';
import { inputLabel, type ConvWindowArgs } from '../cli/conv';
import { writeCsv } from '../out/files';
import { lineChartSpec, writePlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';

export const CONV_B_COLUMNS = [
  'init', 'depth', 'channels', 'kernel', 'beta', 'nets',
  'log10_norm_second_moment', 'log10_norm_second_moment_lo', 'log10_norm_second_moment_hi',
  'log10_bound', 'log10_dense_gaussian', 'gamma', 'var_ln_ratio', 'dead', 'log10_mean_ratio', 'log10_theory_ratio', 'stride', 'padding', 'input',
  'log10_norm_sample_second_moment',
] as const;

/** The settings the report reads (conv.js's flags; the whole object is recorded as the run's config). */
export interface ConvBArgs extends ConvWindowArgs {
  readonly out: string;
  readonly 'b-init': string;
  readonly 'b-nets': number;
}

/** Writes conv_b.csv, the chart and the run record, and prints the table. */
export async function reportConvB(args: ConvBArgs, input: ConvInput, results: readonly CellResult<ConvCellParams, ConvCellResult>[], run: { started: number; dtype: string; out: NodeJS.WritableStream }): Promise<void> {
  const init = initializerById(args['b-init']);
  const label = inputLabel(input);
  const rows = results.map(({ params, result }) => {
    const channels = params.layers.map((l) => l.outChannels), beta = channelBeta(channels);
    const geoms = stackGeometry(inputShape(params.input), params.layers);
    // Normalized by the exact theory mean, so the gains and the boundary loss cancel: what is left is FM2.
    // The point is Cox's estimate, the centre of its own interval; the plain sample moment is beside it.
    const norm = result.log10_second_moment - 2 * result.log10_theory_ratio;
    return {
      init: params.init, depth: params.layers.length, channels: channels[0], kernel: args.kernel, beta, nets: result.nets,
      log10_norm_second_moment: norm,
      log10_norm_second_moment_lo: result.log10_second_moment_lo - 2 * result.log10_theory_ratio,
      log10_norm_second_moment_hi: result.log10_second_moment_hi - 2 * result.log10_theory_ratio,
      log10_norm_sample_second_moment: result.log10_sample_second_moment - 2 * result.log10_theory_ratio,
      log10_bound: log10SecondMomentBound(geoms, channels, init) - 2 * result.log10_theory_ratio,
      log10_dense_gaussian: channels.reduce((s, c) => s + Math.log10(1 + 5 / c), 0),
      gamma: (norm * Math.LN10) / beta,
      // Var(ln R) over the live nets: ≈ 5β for fully connected Gaussian nets (§4.5), and far better
      // estimated than the second moment, which rare huge nets dominate once β is large.
      var_ln_ratio: (result.sd_log10_ratio * Math.LN10) ** 2, dead: result.dead,
      log10_mean_ratio: result.log10_mean_ratio, log10_theory_ratio: result.log10_theory_ratio,
      stride: args.stride, padding: args.padding, input: label, seconds: result.seconds,
    };
  });
  writeCsv(path.join(args.out, 'conv_b.csv'), CONV_B_COLUMNS, rows);
  const spec = lineChartSpec({
    title: {
      text: `Conv nets, ${init.id}: E[R²]/E[R]² against β = Σ 1/C_j (${args['b-nets']} nets per point)`,
      // The bars are Cox's interval for E[R²], whose coverage collapses past the smallest nets (THEORY.md §4.10): say so on the plot.
      subtitle: ['points and bars: Cox\'s estimate of E[R²] and its 95% interval, whose coverage, measured with 3×8×8 inputs and 200 nets, is',
        '0.90–0.93 at depth = channels 5 but 0.21–0.75 at 10 (THEORY.md §4.10): past the smallest nets the bars are too narrow',
        'dashed: the upper bound ∏c²ρ²(1 + (2κ−1)/C)/E[R]²'],
    },
    x: { field: 'beta', title: 'β = Σ_j 1/C_j' },
    y: { field: 'log10_norm_second_moment', title: 'log10 E[R²]/E[R]²' },
    measured: rows.map((r) => ({ depth: `d=${r.depth}`, beta: r.beta, log10_norm_second_moment: r.log10_norm_second_moment, lo: r.log10_norm_second_moment_lo, hi: r.log10_norm_second_moment_hi })),
    theory: rows.map((r) => ({ depth: `d=${r.depth}`, beta: r.beta, log10_norm_second_moment: r.log10_bound })),
    color: 'depth', colorTitle: 'depth', lo: 'lo', hi: 'hi', connect: true, width: 520, height: 340,
  });
  const plot = await writePlot(path.join(args.out, 'conv_b'), spec);
  const written = writeRunRecord(args.out, 'conv_b', args, { started: run.started, cellSeconds: cellSeconds(results), plots: [plot], extra: { dtype: run.dtype, input: label } });
  run.out.write(`\nConv (b): log10 E[R²]/E[R]² (R = M_d/M_0, E[R] exact) against β = Σ 1/C_j, ${init.id}, ${label} input\n`);
  printTable(['depth', 'channels', 'beta', 'log10_norm_second_moment', 'log10_norm_second_moment_lo', 'log10_norm_second_moment_hi', 'log10_bound', 'log10_dense_gaussian', 'gamma', 'var_ln_ratio', 'dead'], rows, { digits: 4, stream: run.out });
  run.out.write('(gamma = ln(E[R²]/E[R]²)/β and var_ln_ratio = Var(ln R): fully connected Gaussian nets have both ≈ 5β at small β, i.e. gamma ≈ 5;\n'
    + ' spatial averaging can only lower them. At large β the sample second moment misses the rare huge nets that carry it: read var_ln_ratio there)\n');
  printWritten(args.out, written, run.out);
}
