// The backward pass against β (issue 17, THEORY.md §10): Jacobian and gradient statistics of fully
// connected ReLU nets at initialization, for Figure 2's width families.
// (a) Per family, target β and initializer: the mean squared entry of the input–output Jacobian over
//     all entries and nets with a bootstrap-t interval whose coverage was measured (§10.9), the fourth
//     moment and the normalized fourth moment E[Z⁴]/E[Z²]², each beside its exact value (§10.2–10.3);
//     C fitted per initializer to E[Z⁴]/E[Z²]² ≈ a·e^{Cβ}; equal-β families compared net by net.
// (b) Per family, β and initializer: per-layer gradient norms at initialization on real MNIST batches
//     (softmax cross-entropy, a linear output layer), the first SGD step's relative size at the
//     paper's learning rate, and the per-example gradient norms beside their theory (§10.7).
//
//   node lib/experiments/grad.js [--part a|b|all] [--preset quick|paper] [--families ...] [--betas ...] [--inits ...]
//
// Data path: this script → the architectures (cli/architectures.ts) → gradJacobianTask, gradNormsTask
// (cells/grad-jacobian.ts, grad-norms.ts) → nn/dense/grad-statistics (sampleJacobianNets,
// initGradientNorms) → backward.ts → kernels; the rows, fits, charts and tables: report/grad-a.ts, grad-b.ts.

import { PAPER_PROTOCOL } from '../nn/train/loop';
import { gradJacobianTask, type GradJacobianParams } from './cells/grad-jacobian';
import { gradNormsTask, type GradNormsParams } from './cells/grad-norms';
import { gradArchitectures, netsAtBetaFlag, parseNets, type GradArchitecture } from './cli/architectures';
import { defineCli, enumFlag, floatFlag, forParts, intFlag, intListFlag, main, partFlag, runsPart, type ParsedCli } from './cli/cli';
import { backendFlag, checkDataset, initListFlag } from './cli/flags';
import { betaListFlag, profileFlags } from './cli/profiles';
import { experimentScript, type Session } from './cli/script';
import { reportGradA } from './report/grad-a';
import { reportGradB } from './report/grad-b';
import type { Cell } from './run/runner';

export const GRAD_CLI = defineCli({
  name: 'grad',
  summary: 'The backward pass against β: (a) mean squared and fourth moments of the input–output Jacobian beside their exact values, C of E[Z⁴]/E[Z²]² ≈ a·e^{Cβ} per initializer; (b) per-layer gradient norms and first-step sizes at initialization on MNIST batches.',
  flags: {
    part: partFlag(['a', 'b']),
    ...profileFlags(),
    betas: betaListFlag('target β values; every family at each', { allowNone: true }),
    depths: intListFlag('depths d (hidden ReLU layers); every family at each'),
    inits: initListFlag(['he_normal', 'he_uniform', 'he_normal_truncated']),
    ...forParts(['a'], {
      'input-dim': intFlag('input width n_0 of part (a) (784, as MNIST in part b)', { default: 784, min: 1, max: 100000 }),
      nets: netsAtBetaFlag,
    }),
    ...forParts(['b'], {
      'norm-nets': intFlag('part (b): nets per architecture × init, each on its own batch', { min: 1 }),
      batch: intFlag('part (b): images per batch', { min: 1, max: 60000 }),
      lr: floatFlag('part (b): the learning rate of the first SGD step', { default: PAPER_PROTOCOL.lr, above: 0 }),
      dataset: enumFlag(['mnist', 'fashion-mnist'] as const, 'part (b): training images', { default: 'mnist' }),
    }),
    backend: backendFlag(),
  },
  presets: {
    // Cost falls with β (narrower layers) while the sample a heavy tail needs grows: more nets at larger β.
    quick: { depths: [10], betas: [0.1, 0.25, 0.5, 1, 2], nets: parseNets('0.1:100,0.25:200,0.5:500,1:1000,2:2000'), 'norm-nets': 4, batch: 256 },
    // THEORY.md §10.11's sizes (where C was measured), and the paper's batch of 1024.
    paper: { depths: [10], betas: [0.1, 0.25, 0.5, 1, 2], nets: parseNets('0.1:1000,0.25:2000,0.5:2000,1:5000,2:5000'), 'norm-nets': 20, batch: 1024 },
  },
  defaultPreset: 'quick',
});

type Args = ParsedCli<typeof GRAD_CLI.flags>;

/**
 * The script: its flags, checked (with every architecture built) before anything runs; then the
 * experiments grad_a and grad_b through the session, which plans them (--plan prints the plan: cells,
 * core-hours, memory, from the cost models of cells/cost.ts) before it runs them.
 */
export const GRAD = experimentScript(GRAD_CLI, async (args, session) => {
  const partA = runsPart(args.part, 'a'), partB = runsPart(args.part, 'b');
  const archs = gradArchitectures(args);
  // The data of part (b) must be there, and be the published files, before any work starts.
  if (partB) checkDataset(args.dataset);
  if (partA) await runPartA(args, session, archs);
  if (partB) await runPartB(args, session, archs);
});

async function runPartA(args: Args, session: Session, archs: readonly GradArchitecture[]): Promise<void> {
  const started = Date.now();
  const cells: Cell<GradJacobianParams, GradArchitecture>[] = archs.flatMap((arch) => args.inits.map((init) => {
    const widths = [args['input-dim'], ...arch.profile.hidden];
    return { key: `init=${init}/arch=${arch.name}/n0=${widths[0]}`, params: { init, widths, nets: arch.nets, seed: args.seed, backend: args.backend }, meta: arch };
  }));
  const outcome = await session.run({ name: 'grad_a', task: gradJacobianTask, cells });
  if (outcome.complete) await reportGradA(args, outcome.results, { started, out: session.stdout });
}

async function runPartB(args: Args, session: Session, archs: readonly GradArchitecture[]): Promise<void> {
  const started = Date.now();
  const cells: Cell<GradNormsParams, GradArchitecture>[] = archs.flatMap((arch) => args.inits.map((init) => ({
    key: `init=${init}/arch=${arch.name}/${args.dataset}`, meta: arch,
    params: { init, widths: [784, ...arch.profile.hidden, 10], nets: args['norm-nets'], batch: args.batch, lr: args.lr, dataset: args.dataset, seed: args.seed, backend: args.backend },
  })));
  const outcome = await session.run({ name: 'grad_b', task: gradNormsTask, cells });
  if (outcome.complete) await reportGradB(args, outcome.results, { started, out: session.stdout });
}

if (require.main === module) main(() => GRAD.main(process.argv.slice(2)));
