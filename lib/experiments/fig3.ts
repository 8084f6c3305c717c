// Figure 3 of Hanin & Rolnick (2018): in residual nets FM1 is decided by the scales η_ℓ of the
// residual branches (THEORY.md §7).
// (a) The mean of M_L/M_0 against the number of modules L, one curve per schedule and module
//     convention, with the theory drawn beside each measurement: ∏(1 + κη_ℓ²) for linear modules
//     (exact), the mean-field curve between exact bounds for ReLU-ended modules. A second chart shows
//     E[M_L²]/E[M_L]² (FM2): bounded wherever FM1 is avoided.
// (b) Epochs of plain SGD until 20% MNIST test accuracy against L, per schedule and convention
//     (Figure 1(b)'s protocol and panel).
//
//   node lib/experiments/fig3.js [--part a|b|all] [--preset quick|paper] [--schedules const:1,inv,inv2,...]
//        [--convention linear|relu|both] [--modules 1,2,5,...] [--width 32] [--module-widths n] ...
//
// Data path: this script → residualLengthsTask (cells/residual-lengths.ts, one cell of (a)) → nn/residual
// (the net and its forward trace) → kernels; the rows, curves, charts and tables: report/fig3a.ts;
// (b): report/panel.ts → cells/training.ts → nn/train with config.residual → nn/residual/classifier.ts.

import { residualLengthsTask } from './cells/residual-lengths';
import { defineCli, forPart, forParts, intFlag, intListFlag, main, partFlag, runsPart, type ParsedCli } from './cli/cli';
import { backendFlag, dtypeFlag, initFlag, lengthsDtype, trainingFlags } from './cli/flags';
import { checkScheduleLengths, conventionFlag, conventionsOf, moduleHidden, moduleWidthsFlag, schedulesFlag } from './cli/residual';
import { experimentScript, type Session } from './cli/script';
import { reportFig3a } from './report/fig3a';
import { runTrainingPanel } from './report/panel';
import type { Cell } from './run/runner';

export const FIG3_CLI = defineCli({
  name: 'fig3',
  summary: 'Figure 3 of Hanin & Rolnick (2018): (a) mean output length of residual nets against the number of modules, per scale schedule; (b) epochs to 20% MNIST test accuracy.',
  flags: {
    part: partFlag(['a', 'b'], 'which panel to run'),
    schedules: schedulesFlag,
    convention: conventionFlag,
    ...forParts(['a'], {
      modules: intListFlag('numbers of residual modules L', { default: [1, 2, 5, 10, 20, 50, 100, 200] }),
      width: intFlag('stream width n (and input width)', { min: 1 }),
    }),
    'module-widths': moduleWidthsFlag,
    init: initFlag('initializer id of every layer (see node lib/experiments/inits.js); the relu theory needs a normal law', 'he_normal'),
    nets: forPart(['a'], intFlag('independently initialized nets per point (part a)', { min: 2 })),
    backend: backendFlag(),
    dtype: dtypeFlag(),
    ...forParts(['b'], {
      'train-modules': intListFlag('numbers of residual modules L trained in part (b)'),
      'train-width': intFlag('stream width n of the trained nets (part b; input 784, output 10)', { min: 1 }),
      ...trainingFlags(),
    }),
  },
  presets: {
    quick: { width: 32, nets: 200, 'train-modules': [1, 10, 50], 'train-width': 16, runs: 2, 'max-epochs': 5 },
    paper: { width: 100, nets: 1000, 'train-modules': [1, 10, 50, 100, 200], 'train-width': 32, runs: 5, 'max-epochs': 100 },
  },
  defaultPreset: 'quick',
});

type Args = ParsedCli<typeof FIG3_CLI.flags>;

export const FIG3 = experimentScript(FIG3_CLI, async (args, session) => {
  // Everything a bad command line can get wrong is checked before any file is written.
  if (runsPart(args.part, 'a')) checkScheduleLengths(args.schedules, '--modules', args.modules);
  if (runsPart(args.part, 'b')) checkScheduleLengths(args.schedules, '--train-modules', args['train-modules']);
  if (runsPart(args.part, 'a')) await runPartA(args, session);
  if (runsPart(args.part, 'b')) await runPartB(args, session);
});

async function runPartA(args: Args, session: Session): Promise<void> {
  const started = Date.now();
  const hidden = moduleHidden(args['module-widths'], args.width);
  const modules = [...args.modules].sort((a, b) => a - b);
  const dtype = lengthsDtype('fig3a', args, session.planning);
  const cells: Cell<Parameters<typeof residualLengthsTask.run>[0]>[] = conventionsOf(args.convention).flatMap((convention) => args.schedules.map((schedule) => ({
    key: `convention=${convention}/schedule=${schedule}`,
    params: { convention, schedule, modules, width: args.width, hidden, init: args.init, nets: args.nets, seed: args.seed, backend: args.backend, ...dtype },
  })));
  const outcome = await session.run({ name: 'fig3a', task: residualLengthsTask, cells });
  if (outcome.complete) await reportFig3a(args, outcome.results, { started, dtype: dtype.dtype ?? 'float64', hidden, out: session.stdout });
}

/**
 * Part (b): epochs of plain SGD until the target MNIST test accuracy, per convention × schedule × L,
 * with Figure 1(b)'s protocol and panel (lib/experiments/report/panel.ts); the residual net is passed to
 * train() through its config (lib/nn/residual/classifier.ts).
 */
async function runPartB(args: Args, session: Session): Promise<void> {
  const width = args['train-width'];
  const hidden = moduleHidden(args['module-widths'], width);
  const modules = [...args['train-modules']].sort((a, b) => a - b);
  const archs = conventionsOf(args.convention).flatMap((convention) => args.schedules.flatMap((schedule) => modules.map((L) => ({
    group: { convention, schedule, modules: L, width },
    key: `convention=${convention}/schedule=${schedule}/modules=${L}/width=${width}/module=${hidden.join('-')}`,
    init: args.init,
    hidden: [width],
    extra: { residual: { convention, schedule, modules: L, hidden } },
  }))));
  await runTrainingPanel({
    name: 'fig3b', figure: 'Figure 3(b)', args, session, archs,
    groupColumns: ['convention', 'schedule', 'modules', 'width'],
    x: { field: 'modules', title: `residual modules L (stream width ${width})`, log: true },
    color: 'schedule',
    facet: { field: 'convention', title: 'module convention', columns: 2 },
    paperNote: 'paper protocol: 5 runs, at most 100 epochs (--preset paper); the paper\'s own L and widths are not known',
  });
}

if (require.main === module) main(() => FIG3.main(process.argv.slice(2)));
