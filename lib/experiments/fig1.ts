// Figure 1 of Hanin & Rolnick (2018): FM1 is decided by the initialization.
// (a) E[M_d/M_0] against depth for width = depth nets (β ≈ 1, so FM2 is ruled out), one curve per
//     initializer: the per-layer product estimate with its interval beside the theory's ∏c_j, and the
//     paper's statistic (the plain sample mean of the nets) beside the theory's band for it.
// (b) Epochs of plain SGD until 20% MNIST test accuracy, for the same initializers and depths.
//
//   node lib/experiments/fig1.js [--part a] [--preset quick|paper] [--inits ...] [--depths 10:100:10] [--input mnist:0] ...
//
// Data path: this script → runner (cells on worker threads) → lengths.ts (one cell) → nn/dense + nn/trace
// (the net and its forward pass) → kernels; band.ts (one band cell) → nn/dense/estimators (the exact law).

import * as path from 'node:path';
import { FIGURE1_INITS, gain, initializerById } from '../nn/init';
import { slope, weightedSlope } from '../nn/stats';
import { defineCli, enumFlag, forParts, intFlag, intListFlag, main, type ParsedCli } from './cli/cli';
import { experimentScript, type Session } from './cli/script';
import { runTrainingPanel } from './report/panel';
import { writeCsv } from './out/files';
import { lengthsTask } from './cells/lengths';
import { meanRatioChartSpec, writePlot } from './out/plot';
import type { Cell } from './run/runner';
import { printTable } from './out/table';
import { writeRunRecord } from './out/record';
import { backendFlag, countOrDepthFlag, dtypeFlag, initListFlag, lengthsDtype, trainingFlags } from './cli/flags';
import { bandTask, planBands } from './cells/band';
import { fixedImage, inputShape, type ImageInput } from '../../data/images';
import { describeImage, inputFlag, inputText, resolveImageInput } from './cli/image-input';

const FIG1A_COLUMNS = [
  'init', 'depth', 'width', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
  'mean_log10_ratio', 'sd_log10_ratio', 'dead',
  // Extra columns after the fixed ones: the paper's statistic (the plain sample mean of the nets) and
  // the theory's 95% band for where a sample mean of that many nets lands (THEORY.md §4.10).
  'log10_sample_mean_ratio', 'log10_sample_band_lo', 'log10_sample_band_hi', 'band_method', 'dead_expected', 'input',
  // No timings here: a CSV must not depend on the machine or the split into shards (they are in fig1a.json).
] as const;

export const FIG1_CLI = defineCli({
  name: 'fig1',
  summary: 'Figure 1 of Hanin & Rolnick (2018): (a) mean output length against depth per initialization.',
  flags: {
    part: enumFlag(['a', 'b', 'all'] as const, 'which panel to run', { default: 'all' }),
    inits: initListFlag([...FIGURE1_INITS]),
    ...forParts(['a'], {
      depths: intListFlag('depths d (number of ReLU layers)', { default: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] }),
      nets: intFlag('independently initialized nets per init × depth (part a)', { min: 1 }),
      input: inputFlag(),
      'band-replicates': intFlag('simulated experiments behind each theory band of the sample mean (part a)', { default: 1000, min: 100, max: 1000000 }),
    }),
    width: countOrDepthFlag("hidden width n_j, or 'depth' for width = depth (β = 1)"),
    backend: backendFlag(),
    dtype: dtypeFlag(),
    ...forParts(['b'], {
      'train-depths': intListFlag('depths trained in part (b) (width = depth unless --width)', {}),
      ...trainingFlags(),
    }),
  },
  presets: {
    quick: { nets: 100, 'train-depths': [20, 30, 40], runs: 2, 'max-epochs': 8 },
    paper: { nets: 1000, 'train-depths': [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], runs: 5, 'max-epochs': 100 },
  },
  defaultPreset: 'quick',
});

/** What a row of fig1a.csv says about its cell, beside the result. */
interface Fig1aMeta { readonly init: string; readonly depth: number; readonly width: number }
type Fig1Args = ParsedCli<typeof FIG1_CLI.flags>;

/** q(x) = ‖x‖₄⁴/‖x‖⁴ of a fixed input: how a non-Gaussian law's first layer sees it (THEORY.md §3.2). */
function fourthMomentRatio(x: ArrayLike<number>): number {
  let s2 = 0, s4 = 0;
  for (let i = 0; i < x.length; i++) { const v = x[i] * x[i]; s2 += v; s4 += v * v; }
  return s4 / (s2 * s2);
}

async function runPartA(args: Fig1Args, session: Session): Promise<void> {
  const started = Date.now();
  // The image is opened while the plan is made, before the output folder is touched: a missing data set fails with exit 2.
  const image: ImageInput | null = resolveImageInput(args.input);
  const cells: Cell<Parameters<typeof lengthsTask.run>[0], Fig1aMeta>[] = [];
  const dtype = lengthsDtype('fig1a', args, session.planning);
  const n0 = image === null ? null : inputShape(image).reduce((a, b) => a * b, 1);
  for (const init of args.inits) {
    for (const depth of args.depths) {
      const width = args.width === 'depth' ? depth : args.width;
      const widths = [n0 ?? width, ...new Array<number>(depth).fill(width)];
      cells.push({ key: `init=${init}/depth=${depth}`, params: { init, widths, nets: args.nets, seed: args.seed, input: image, backend: args.backend, ...dtype }, meta: { init, depth, width } });
    }
  }
  const outcome = await session.run({ name: 'fig1a', task: lengthsTask, cells });
  // The theory's band for the sample mean: one cell per width profile and law serves every initializer.
  const x = image === null ? null : fixedImage(image)!;
  const plan = planBands(cells.map((c) => ({ widths: c.params.widths, init: c.params.init, ...(x === null ? {} : { inputQ: fourthMomentRatio(x) }) })),
    args.nets, args['band-replicates'], args.seed);
  const bandOutcome = await session.run({ name: 'fig1a_band', task: bandTask, cells: plan.cells });
  if (!outcome.complete || !bandOutcome.complete) return;
  const band = new Map(bandOutcome.results.map((r) => [r.key, r.result]));
  const input = inputText(args.input);
  const rows = outcome.results.map(({ meta, result }, i) => {
    const b = band.get(plan.plans[i].key)!;
    return {
      ...meta, input, ...result,
      // The band is He-normalized: R/∏c_j does not involve the gains.
      log10_sample_band_lo: b.lo + result.log10_theory_ratio, log10_sample_band_hi: b.hi + result.log10_theory_ratio,
      band_method: plan.plans[i].method,
    };
  });
  writeCsv(path.join(args.out, 'fig1a.csv'), FIG1A_COLUMNS, rows);

  // Per-layer slope of log10 E[M_d/M_0] against depth, measured (the primary estimate, weighted by its
  // standard errors) and predicted (log10 c); the paper's statistic and a typical net beside it.
  const slopes = args.inits.map((id) => {
    const mine = rows.filter((r) => r.init === id);
    const width = mine[0].width;
    const c = gain(initializerById(id), width, width);
    const fit = mine.length >= 2
      ? weightedSlope(mine.map((r) => r.depth), mine.map((r) => r.log10_mean_ratio), mine.map((r) => (r.log10_mean_ratio_hi - r.log10_mean_ratio_lo) / (2 * 1.959963984540054)))
      : { slope: NaN, se: NaN };
    return {
      init: id, gain_c: c,
      theory_slope: Math.log10(c),
      measured_slope: fit.slope, measured_slope_se: fit.se,
      sample_mean_slope: mine.length >= 2 ? slope(mine.map((r) => r.depth), mine.map((r) => r.log10_sample_mean_ratio)) : NaN,
      typical_slope: mine.length >= 2 ? slope(mine.map((r) => r.depth), mine.map((r) => r.mean_log10_ratio)) : NaN,
    };
  });
  const spec = meanRatioChartSpec(rows, `Figure 1(a): E[M_d/M_0] against depth (${args.nets} nets per point, ${input} input)`,
    'depth d (width = ' + (args.width === 'depth' ? 'depth' : String(args.width)) + ')');
  const plot = await writePlot(path.join(args.out, 'fig1a'), spec);
  const cellSeconds = rows.reduce((s, r) => s + r.seconds, 0) + bandOutcome.results.reduce((s, r) => s + r.result.seconds, 0);
  const { seconds } = writeRunRecord(args.out, 'fig1a', args, {
    started, cellSeconds, plots: [plot], extra: { dtype: dtype.dtype ?? 'float64', slopes, input, ...(image === null ? {} : { image: describeImage(image) }) },
  });

  process.stdout.write(`\nFigure 1(a): log10 E[M_d/M_0] (${args.nets} nets per cell, ${input} input). log10_mean_ratio: the per-layer product `
    + 'estimate with its 95% interval lo/hi (THEORY.md §4.10); sample_mean: the paper\'s statistic, with the theory\'s 95% band for it\n');
  printTable(['init', 'depth', 'width', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
    'log10_sample_mean_ratio', 'log10_sample_band_lo', 'log10_sample_band_hi', 'mean_log10_ratio', 'dead'], rows, { digits: 4 });
  const covered = rows.filter((r) => r.log10_mean_ratio_lo <= r.log10_theory_ratio && r.log10_theory_ratio <= r.log10_mean_ratio_hi).length;
  const inBand = rows.filter((r) => r.log10_sample_band_lo <= r.log10_sample_mean_ratio && r.log10_sample_mean_ratio <= r.log10_sample_band_hi).length;
  process.stdout.write(`theory inside the interval in ${covered}/${rows.length} rows; sample mean inside the theory's band in ${inBand}/${rows.length} rows (about 95% expected)\n`);
  process.stdout.write('\nPer-layer log10 gain of E[M_d/M_0], fitted over the depths (paper: +0.301, 0, 0, −0.111, −0.301, −0.412)\n');
  printTable(['init', 'gain_c', 'theory_slope', 'measured_slope', 'measured_slope_se', 'sample_mean_slope', 'typical_slope'], slopes, { digits: 4 });
  process.stdout.write(`(measured: the per-layer product, weighted least squares; sample_mean: the paper's statistic, which falls behind E at large β;\n`
    + ` typical: the mean of log10(M_d/M_0), a single net, below the mean by about 2.5β/ln10 per unit β)\n`);
  process.stdout.write(`\nwrote ${args.out}/fig1a.csv, fig1a.json, fig1a.svg${plot.png ? ', fig1a.png' : ''} in ${seconds.toFixed(1)} s\n`);
}

export const FIG1 = experimentScript(FIG1_CLI, async (args, session) => {
  if (args.part === 'a' || args.part === 'all') await runPartA(args, session);
  if (args.part === 'b' || args.part === 'all') await runPartB(args, session);
});

async function runPartB(args: Fig1Args, session: Session): Promise<void> {
  const archs = args.inits.flatMap((init) => args['train-depths'].map((depth) => {
    const width = args.width === 'depth' ? depth : args.width;
    return { group: { init, depth, width }, key: `init=${init}/depth=${depth}`, init, hidden: new Array<number>(depth).fill(width) };
  }));
  await runTrainingPanel({
    name: 'fig1b', figure: 'Figure 1(b)', args, session, archs,
    groupColumns: ['init', 'depth', 'width'],
    x: { field: 'depth', title: 'depth d (width = ' + (args.width === 'depth' ? 'depth' : String(args.width)) + ')' },
    color: 'init',
    paperNote: 'paper protocol: depths 10..100, 5 runs, at most 100 epochs (--preset paper)',
  });
}

if (require.main === module) main(() => FIG1.main(process.argv.slice(2)));
