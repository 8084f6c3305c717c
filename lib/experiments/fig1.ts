// Figure 1 of Hanin & Rolnick (2018): FM1 is decided by the initialization.
// (a) The mean of M_d/M_0 against depth for width = depth nets (β ≈ 1, so FM2 is ruled out), one
//     curve per initializer, with the theory's ∏c_j drawn beside each measurement.
// (b) Epochs of plain SGD until 20% MNIST test accuracy, for the same initializers and depths.
//
//   node lib/experiments/fig1.js [--part a] [--preset quick|paper] [--inits ...] [--depths 10:100:10] ...
//
// Data path: this script → runner (cells on worker threads) → lengths.ts (one cell) → nn/dense + nn/trace
// (the net and its forward pass) → kernels.

import * as path from 'node:path';
import { FIGURE1_INITS, gain, initializerById } from '../nn/init';
import { slope } from '../nn/stats';
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

const FIG1A_COLUMNS = [
  'init', 'depth', 'width', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
  'mean_log10_ratio', 'sd_log10_ratio', 'dead',
  // Extra columns after the fixed ones.
  'log10_mean_ratio_boot_lo', 'log10_mean_ratio_boot_hi', 'dead_expected', 'input',
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
      input: enumFlag(['unit'] as const, 'input: random unit-norm vectors, a fresh one per net', { default: 'unit' }),
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

async function runPartA(args: Fig1Args, session: Session): Promise<void> {
  const started = Date.now();
  const cells: Cell<Parameters<typeof lengthsTask.run>[0], Fig1aMeta>[] = [];
  const dtype = lengthsDtype('fig1a', args, session.planning);
  for (const init of args.inits) {
    for (const depth of args.depths) {
      const width = args.width === 'depth' ? depth : args.width;
      const widths = new Array<number>(depth + 1).fill(width);
      cells.push({ key: `init=${init}/depth=${depth}`, params: { init, widths, nets: args.nets, seed: args.seed, input: null, backend: args.backend, ...dtype }, meta: { init, depth, width } });
    }
  }
  const exp = { name: 'fig1a', task: lengthsTask, cells };
  const outcome = await session.run(exp);
  if (!outcome.complete) return;
  const rows = outcome.results.map(({ meta, result }) => ({ ...meta, input: args.input, ...result }));
  writeCsv(path.join(args.out, 'fig1a.csv'), FIG1A_COLUMNS, rows);

  // Per-layer slope of log10 of the mean against depth, measured and predicted (log10 c).
  const slopes = args.inits.map((id) => {
    const mine = rows.filter((r) => r.init === id);
    const width = mine[0].width;
    const c = gain(initializerById(id), width, width);
    return {
      init: id, gain_c: c,
      theory_slope: Math.log10(c),
      measured_slope: mine.length >= 2 ? slope(mine.map((r) => r.depth), mine.map((r) => r.log10_mean_ratio)) : NaN,
      typical_slope: mine.length >= 2 ? slope(mine.map((r) => r.depth), mine.map((r) => r.mean_log10_ratio)) : NaN,
    };
  });
  const spec = meanRatioChartSpec(rows, `Figure 1(a): mean of M_d/M_0 against depth (${args.nets} nets per point; dashed: theory ∏c_j)`,
    'depth d (width = ' + (args.width === 'depth' ? 'depth' : String(args.width)) + ')');
  const plot = await writePlot(path.join(args.out, 'fig1a'), spec);
  const { seconds } = writeRunRecord(args.out, 'fig1a', args, { started, cellSeconds: rows.reduce((s, r) => s + r.seconds, 0), plots: [plot], extra: { dtype: dtype.dtype ?? 'float64', slopes } });

  process.stdout.write(`\nFigure 1(a): log10 of the mean of M_d/M_0 (${args.nets} nets per cell; lo/hi: 95% log-normal interval)\n`);
  printTable(['init', 'depth', 'width', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio', 'mean_log10_ratio', 'dead'], rows, { digits: 4 });
  process.stdout.write('\nPer-layer log10 gain of the mean, fitted over the depths (paper: +0.301, 0, 0, −0.111, −0.301, −0.412)\n');
  printTable(['init', 'gain_c', 'theory_slope', 'measured_slope', 'typical_slope'], slopes, { digits: 4 });
  process.stdout.write(`(typical_slope fits the mean of log10(M_d/M_0): a single net's length, below the mean by about 2.5β/ln10 per unit β)\n`);
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
