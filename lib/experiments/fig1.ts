// Figure 1 of Hanin & Rolnick (2018): FM1 is decided by the initialization.
// (a) E[M_d/M_0] against depth for width = depth nets (β ≈ 1, so FM2 is ruled out), one curve per
//     initializer: the per-layer product estimate with its interval beside the theory's ∏c_j, and the
//     paper's statistic (the plain sample mean of the nets) beside the theory's band for it.
// (b) Epochs of plain SGD until 20% MNIST test accuracy, for the same initializers and depths.
//
//   node lib/experiments/fig1.js [--part a] [--preset quick|paper] [--inits ...] [--depths 10:100:10] [--input mnist:0] ...
//
// Data path (a): --depths → constantWidths (nn/profiles, once per depth) → the cells' params → lengthsTask
// (cells/lengths.ts: runLengthCell) → DenseReluNet and traceForward (nn/dense) → the backend's kernels;
// bandTask (cells/band.ts) → nn/dense/estimators (the exact law); the rows, chart and tables: report/fig1a.ts.

import { fixedImage } from '../../data/images';
import { fixedInputQ } from '../nn/dense/theory';
import { FIGURE1_INITS } from '../nn/init';
import { constantHidden, constantWidths } from '../nn/profiles';
import { bandTask, planBands } from './cells/band';
import { lengthsTask } from './cells/lengths';
import { defineCli, forParts, intFlag, intListFlag, main, partFlag, runsPart, type ParsedCli } from './cli/cli';
import { backendFlag, countAt, countOrDepthFlag, dtypeFlag, initListFlag, lengthsDtype, trainingFlags } from './cli/flags';
import { inputFlag, resolveImageInput } from './cli/image-input';
import { experimentScript, type Session } from './cli/script';
import { reportFig1a, type Fig1aMeta } from './report/fig1a';
import { runTrainingPanel } from './report/panel';
import type { Cell } from './run/runner';

export const FIG1_CLI = defineCli({
  name: 'fig1',
  summary: 'Figure 1 of Hanin & Rolnick (2018): (a) mean output length against depth per initialization.',
  flags: {
    part: partFlag(['a', 'b'], 'which panel to run'),
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

type Fig1Args = ParsedCli<typeof FIG1_CLI.flags>;

export const FIG1 = experimentScript(FIG1_CLI, async (args, session) => {
  if (runsPart(args.part, 'a')) await runPartA(args, session);
  if (runsPart(args.part, 'b')) await runPartB(args, session);
});

async function runPartA(args: Fig1Args, session: Session): Promise<void> {
  const started = Date.now();
  // The image is opened while the plan is made, before the output folder is touched: a missing data set fails with exit 2.
  const image = resolveImageInput(args.input);
  const x = image === null ? null : fixedImage(image);
  const dtype = lengthsDtype('fig1a', args, session.planning);
  // One width profile per depth, built once and shared by every initializer's cell.
  const nets = args.depths.map((depth) => {
    const width = countAt(args.width, depth);
    return { depth, width, widths: constantWidths(x === null ? width : x.length, width, depth) };
  });
  const cells: Cell<Parameters<typeof lengthsTask.run>[0], Fig1aMeta>[] = args.inits.flatMap((init) => nets.map(({ depth, width, widths }) => ({
    key: `init=${init}/depth=${depth}`, params: { init, widths, nets: args.nets, seed: args.seed, input: image, backend: args.backend, ...dtype }, meta: { init, depth, width },
  })));
  const outcome = await session.run({ name: 'fig1a', task: lengthsTask, cells });
  // The theory's band for the sample mean: one cell per width profile and law serves every initializer.
  const inputQ = x === null ? {} : { inputQ: fixedInputQ(x) };
  const { cells: bandCells, plans } = planBands(cells.map((c) => ({ widths: c.params.widths, init: c.params.init, ...inputQ })), args.nets, args['band-replicates'], args.seed);
  const bands = await session.run({ name: 'fig1a_band', task: bandTask, cells: bandCells });
  if (!outcome.complete || !bands.complete) return;
  await reportFig1a(args, { lengths: outcome.results, bands: bands.results, plans }, { started, dtype: dtype.dtype ?? 'float64', image, out: session.stdout });
}

async function runPartB(args: Fig1Args, session: Session): Promise<void> {
  const archs = args.inits.flatMap((init) => args['train-depths'].map((depth) => {
    const width = countAt(args.width, depth);
    return { group: { init, depth, width }, key: `init=${init}/depth=${depth}`, init, hidden: constantHidden(width, depth) };
  }));
  await runTrainingPanel({
    name: 'fig1b', figure: 'Figure 1(b)', args, session, archs,
    groupColumns: ['init', 'depth', 'width'],
    x: { field: 'depth', title: `depth d (width = ${String(args.width)})`, ticks: args['train-depths'] },
    color: 'init',
    paperNote: 'paper protocol: depths 10..100, 5 runs, at most 100 epochs (--preset paper)',
  });
}

if (require.main === module) main(() => FIG1.main(process.argv.slice(2)));
