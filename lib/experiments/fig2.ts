// Figure 2 of Hanin & Rolnick (2018): FM2 is decided by the architecture, through β = Σ_j 1/n_j.
// (a) For He-initialized nets of several width profiles (constant, increasing, decreasing, alternating,
//     bottleneck, or explicit lists) at several target β: the second moment and variance of
//     R = M_d/M_0 across nets, the per-layer spread V̂ within a net, and quantiles of log10 R, each with
//     its theory (THEORY.md §3.7, §4.5, §4.8, §5). Rows with method = exact_sampler draw the exact
//     Gaussian law (§4.2) instead of real nets: cheap enough for the many nets large β needs.
// (b) Epochs of plain SGD until 20% MNIST test accuracy for the same families at equal depth and
//     several β (the training panel of Figure 1(b), lib/experiments/report/panel.ts).
//
//   node lib/experiments/fig2.js [--part a] [--preset quick|paper] [--families ...] [--betas ...] [--depths ...]
//
// Data path: this script → the architectures (cli/architectures.ts) → fm2Task (cells/fm2.ts, one cell) →
// nn/dense (real nets and their forward trace) or nn/dense/estimators.lengthPath (the exact sampler) →
// kernels; the rows, the equal-β comparison, charts and tables: report/fig2a.ts; part (b): report/panel.ts.

import { deadProbability } from '../nn/dense/theory';
import { archName, type WidthProfile } from '../nn/profiles';
import { fm2Task, type Fm2Method } from './cells/fm2';
import { fig2aArchitectures, fig2bProfiles, type Fig2aArchitecture } from './cli/architectures';
import { defineCli, forPart, forParts, intFlag, intListFlag, main, noRepeats, parseIntList, partFlag, runsPart, type Flag, type ParsedCli } from './cli/cli';
import { backendFlag, dtypeFlag, initFlag, initListFlag, lengthsDtype, requireIid, trainingFlags } from './cli/flags';
import { betaListFlag, profileFlags } from './cli/profiles';
import { experimentScript, type Session } from './cli/script';
import { reportFig2a } from './report/fig2a';
import { runTrainingPanel } from './report/panel';
import type { Cell } from './run/runner';

/** The exact sampler draws the Gaussian law; its rows are labelled with this initializer. */
const SAMPLER_INIT = 'he_normal';

export const FIG2_CLI = defineCli({
  name: 'fig2',
  summary: 'Figure 2 of Hanin & Rolnick (2018): (a) FM2 statistics of He-initialized nets against β = Σ1/n_j, per width profile; (b) epochs to 20% MNIST test accuracy against β.',
  flags: {
    part: partFlag(['a', 'b'], 'which panel to run'),
    ...profileFlags(),
    ...forParts(['a'], {
      betas: betaListFlag('target β values, run with real nets and with the exact sampler', { allowNone: true }),
      'sampler-betas': betaListFlag('more target β values run with the exact Gaussian sampler only (large β)', { allowNone: true }),
      depths: intListFlag('depths d (number of hidden ReLU layers); every family is built at each depth'),
      'sampler-depths': {
        help: "more depths run with the exact Gaussian sampler only, at every --betas and --sampler-betas: equal β where every width stays ≥ 10 ('none' for none)",
        metavar: 'LIST', default: [],
        parse: (t, n) => (t.trim() === 'none' ? [] : noRepeats(parseIntList(t, n), n)),
      } satisfies Flag<number[]>,
    }),
    'input-dim': forPart(['a'], intFlag('input width n_0 (784, as for vectorized MNIST in part b)', { default: 784, min: 1, max: 100000 })),
    ...forParts(['a'], {
      inits: initListFlag(['he_normal', 'he_uniform']),
      nets: intFlag('real nets per architecture × init', { min: 2 }),
      'sampler-nets': intFlag('exact-sampler paths per architecture (0: no sampler rows)', { min: 0 }),
    }),
    backend: backendFlag(),
    dtype: dtypeFlag(),
    ...forParts(['b'], {
      'train-betas': betaListFlag('target β values trained in part (b)', { allowNone: true }),
      'train-depths': intListFlag('depths trained in part (b); every family at each'),
      'train-init': initFlag('initializer of the trained nets (part b)', 'he_normal'),
      ...trainingFlags(),
    }),
  },
  presets: {
    quick: {
      nets: 1000, 'sampler-nets': 20000, depths: [10], 'sampler-depths': [20, 40], betas: [0.1, 0.25, 0.5, 1, 2], 'sampler-betas': [5],
      // Evaluating every 15 of the 59 steps of an epoch resolves epochs to target in quarters.
      'train-depths': [10], 'train-betas': [0.5, 1, 2], runs: 2, 'max-epochs': 5, 'eval-every': 15,
    },
    // Sampler depths start at 20: at depth 10 no integer constant width gives β = 4 (10/2.5).
    paper: {
      nets: 5000, 'sampler-nets': 1000000, depths: [20], 'sampler-depths': [20, 40, 80], betas: [0.1, 0.25, 0.5, 1, 2, 4], 'sampler-betas': [5, 10],
      'train-depths': [20], 'train-betas': [0.1, 0.25, 0.5, 1, 2, 4], runs: 5, 'max-epochs': 100,
    },
  },
  defaultPreset: 'quick',
});

type Args = ParsedCli<typeof FIG2_CLI.flags>;

export const FIG2 = experimentScript(FIG2_CLI, async (args, session) => {
  // Everything the user can get wrong is checked here, before the output folder is touched.
  // The second-moment recursion (THEORY.md §3.7) needs i.i.d. entries; FM2 is about He variance.
  requireIid(args.inits, '--inits', "Figure 2's theory");
  const partA = runsPart(args.part, 'a'), partB = runsPart(args.part, 'b');
  const archs = partA ? fig2aArchitectures(args) : [];
  const trained = partB ? fig2bProfiles(args) : [];
  if (partA) await runPartA(args, session, archs);
  if (partB) await runPartB(args, session, trained);
});

async function runPartA(args: Args, session: Session, archs: readonly Fig2aArchitecture[]): Promise<void> {
  const started = Date.now();
  const dtype = lengthsDtype('fig2a', args, session.planning);
  const cells: Cell<Parameters<typeof fm2Task.run>[0], Fig2aArchitecture>[] = [];
  for (const arch of archs) {
    const widths = [args['input-dim'], ...arch.profile.hidden];
    const methods: Fm2Method[] = [...(arch.realNets ? ['net' as const] : []), ...(arch.exactSampler ? ['exact_sampler' as const] : [])];
    for (const method of methods) {
      const inits = method === 'net' ? args.inits : [SAMPLER_INIT];
      const nets = method === 'net' ? args.nets : args['sampler-nets'];
      for (const init of inits) {
        cells.push({ key: `method=${method}/init=${init}/arch=${arch.name}`, params: { init, widths, nets, seed: args.seed, method, backend: args.backend, ...dtype }, meta: arch });
      }
    }
  }
  const outcome = await session.run({ name: 'fig2a', task: fm2Task, cells });
  if (!outcome.complete) return;
  await reportFig2a(args, outcome.results, { started, dtype: dtype.dtype ?? 'float64', out: session.stdout });
}

async function runPartB(args: Args, session: Session, profiles: readonly WidthProfile[]): Promise<void> {
  const init = args['train-init'];
  await runTrainingPanel({
    name: 'fig2b', figure: 'Figure 2(b)', args, session,
    archs: profiles.map((p) => ({
      key: `init=${init}/arch=${archName(p)}`, init, hidden: p.hidden,
      // The exact share of inputs a fresh net maps to zero (THEORY.md §4.3): at equal β it differs between families.
      group: { arch: archName(p), depth: p.hidden.length, beta: p.beta, family: p.family, beta_target: p.targetBeta ?? p.beta, init, p_dead: deadProbability([1, ...p.hidden]) },
    })),
    groupColumns: ['arch', 'depth', 'beta'],
    trailingColumns: ['family', 'beta_target', 'init', 'p_dead'],
    x: { field: 'beta', title: 'β = Σ 1/n_j (equal depth)' },
    color: 'family',
    paperNote: 'paper protocol: all He-initialized, 5 runs, at most 100 epochs (--preset paper); widths and β of the paper unknown',
  });
}

if (require.main === module) main(() => FIG2.main(process.argv.slice(2)));
