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
// Data path: this script → runner (cells on worker threads) → cells/grad-jacobian.ts, grad-norms.ts
// → nn/dense/grad-statistics (sampleJacobianNets, initGradientNorms) → backward.ts → kernels.

import * as path from 'node:path';
import { DatasetError, verifyDataset } from '../../data/mnist';
import { publishedMeanSqCoverage } from '../nn/dense/grad-statistics';
import { beta } from '../nn/dense/theory';
import { initializerById } from '../nn/init';
import { archName, compactWidths, type WidthProfile } from '../nn/profiles';
import { quantile, sortedCopy } from '../nn/stats';
import { defineCli, enumFlag, floatFlag, forParts, intFlag, intListFlag, main, parseFloatList, UsageError, type Flag, type ParsedCli } from './cli/cli';
import { experimentScript, type Session } from './cli/script';
import { backendFlag, initListFlag } from './cli/flags';
import { betaListFlag, checkedExplicit, familyProfiles, profileFlags } from './cli/profiles';
import { gradJacobianTask, type GradJacobianParams, type GradJacobianResult } from './cells/grad-jacobian';
import { gradNormsTask, type GradNormsParams, type GradNormsResult } from './cells/grad-norms';
import { writeCsv } from './out/files';
import { lineChartSpec, writePlot, type Row, type WrittenPlot } from './out/plot';
import { writeRunRecord } from './out/record';
import { printTable } from './out/table';
import { equalBetaAnalysis, EQUAL_BETA_COLUMNS } from './report/equal-beta';
import { fourthMomentRelSe, GROWTH_FIT_COLUMNS, growthFits, growthPoints } from './report/growth';
import type { Cell } from './run/runner';

/** The fixed columns, then the fourth-moment theory's method, then extras. */
export const GRAD_A_COLUMNS = [
  'arch', 'init', 'depth', 'beta', 'nets', 'mean_sq_jacobian', 'mean_sq_jacobian_lo', 'mean_sq_jacobian_hi', 'mean_sq_jacobian_theory',
  'fourth_moment_jacobian', 'fourth_moment_jacobian_theory', 'fourth_moment_method',
  // Extra columns.
  'family', 'beta_target', 'widths', 'input_dim', 'beta_prime',
  'normalized_fourth_moment', 'normalized_fourth_moment_theory', 'mean_sq_r_theory', 'fourth_moment_rel_se',
  'coverage_table', 'coverage_table_se', 'coverage_table_r', 'coverage_table_nets', 'undercovers', 'coverage_extrapolated',
  'dead', 'dead_fraction', 'dead_fraction_exact',
  // No timings: a CSV must not depend on the machine or the split into shards (they are in grad_a.json).
] as const;

export const GRAD_B_COLUMNS = [
  'arch', 'init', 'depth', 'beta', 'layer', 'fan_in', 'width', 'nets', 'batch', 'lr',
  'example_grad_w_sq', 'example_grad_w_sq_theory', 'example_grad_b_sq', 'example_grad_b_sq_theory',
  'grad_w_rms', 'grad_w_rms_bound', 'relative_update_median', 'relative_update_q10', 'relative_update_q90', 'relative_update_rms', 'relative_update_bound',
  'family', 'beta_target', 'widths', 'dataset',
] as const;

/** The equal-β table without Figure 2's exact and second-order columns, which describe log10(M_d/M_0), not log10 T. */
export const GRAD_EQUAL_BETA_COLUMNS = EQUAL_BETA_COLUMNS.filter((c) => !['D_all_exact', 'D_live_exact', 'D_live_second_order', 'delta_S2', 'exact_misfit'].includes(c));

/** Part (a)'s nets for the architectures nearest β (β null: for every architecture). Shown, recorded and compared as the flag is written. */
export class NetsAtBeta {
  constructor(readonly beta: number | null, readonly nets: number) {}
  toString(): string {
    return this.beta === null ? String(this.nets) : `${this.beta}:${this.nets}`;
  }
}

/** One count, or β:count pairs, as --nets takes them; `name` words the errors. */
export function parseNets(text: string, name = '--nets'): NetsAtBeta[] {
  const parts = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (parts.length === 0) throw new UsageError(`${name} needs a count or β:count pairs`);
  const count = (v: string) => {
    if (!/^\d+$/.test(v) || !(Number(v) >= 2) || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} expects counts that are integers ≥ 2, got '${v}'`);
    return Number(v);
  };
  if (parts.length === 1 && !parts[0].includes(':')) return [new NetsAtBeta(null, count(parts[0]))];
  return parts.map((p) => {
    const m = /^([^:]+):([^:]+)$/.exec(p);
    if (m === null) throw new UsageError(`${name} expects one count or β:count pairs, got '${p}'`);
    const b = parseFloatList(m[1], name)[0];
    if (!(b > 0)) throw new UsageError(`${name} expects β values > 0, got ${b}`);
    return new NetsAtBeta(b, count(m[2]));
  });
}

const netsFlag: Flag<NetsAtBeta[]> = {
  help: "part (a): nets per architecture × init: one count, or β:count pairs (e.g. '0.1:100,2:2000'); each architecture takes the count of the nearest listed β",
  metavar: 'N|LIST',
  parse: parseNets,
};

/** The count for an architecture of this β: the pair with the nearest β (in log), the first on ties. */
export function netsFor(list: readonly NetsAtBeta[], b: number): number {
  const dist = (x: NetsAtBeta) => (x.beta === null ? 0 : Math.abs(Math.log(b / x.beta)));
  let best = list[0];
  for (const x of list) if (dist(x) < dist(best)) best = x;
  return best.nets;
}

/** The paper's learning rate (plain SGD, Figure 1(b)). */
const PAPER_LR = 0.01;

export const GRAD_CLI = defineCli({
  name: 'grad',
  summary: 'The backward pass against β: (a) mean squared and fourth moments of the input–output Jacobian beside their exact values, C of E[Z⁴]/E[Z²]² ≈ a·e^{Cβ} per initializer; (b) per-layer gradient norms and first-step sizes at initialization on MNIST batches.',
  flags: {
    part: enumFlag(['a', 'b', 'all'] as const, 'which part to run', { default: 'all' }),
    ...profileFlags(),
    betas: betaListFlag('target β values; every family at each', { allowNone: true }),
    depths: intListFlag('depths d (hidden ReLU layers); every family at each'),
    inits: initListFlag(['he_normal', 'he_uniform', 'he_normal_truncated']),
    ...forParts(['a'], {
      'input-dim': intFlag('input width n_0 of part (a) (784, as MNIST in part b)', { default: 784, min: 1, max: 100000 }),
      nets: netsFlag,
    }),
    ...forParts(['b'], {
      'norm-nets': intFlag('part (b): nets per architecture × init, each on its own batch', { min: 1 }),
      batch: intFlag('part (b): images per batch', { min: 1, max: 60000 }),
      lr: floatFlag('part (b): the learning rate of the first SGD step', { default: PAPER_LR, above: 0 }),
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

interface Arch {
  readonly profile: WidthProfile;
  readonly name: string;
  /** Part (a) nets for this architecture (from --nets). */
  readonly nets: number;
}

/** Every architecture of the run, checked before anything is written (an unreachable β is a usage error). */
export function buildArchitectures(args: Pick<Args, 'families' | 'betas' | 'depths' | 'ratio' | 'widths' | 'max-width' | 'beta-tol' | 'nets'>): Arch[] {
  if (args.families.length > 0 && args.betas.length === 0) throw new UsageError('--families needs target β values (--betas)');
  const profiles = [...familyProfiles(args, args.depths, args.betas, '--betas, --depths'), ...checkedExplicit(args)];
  if (profiles.length === 0) throw new UsageError('no architectures: give --families with --betas, or --widths');
  const byName = new Map<string, Arch>();
  for (const p of profiles) {
    const name = archName(p);
    if (!byName.has(name)) byName.set(name, { profile: p, name, nets: netsFor(args.nets, p.targetBeta ?? p.beta) });
  }
  return [...byName.values()];
}

/** The data of part (b) must be there, and be the published files, before any work starts. */
function checkDataset(name: 'mnist' | 'fashion-mnist'): void {
  try {
    verifyDataset(name);
  } catch (err) {
    if (err instanceof DatasetError) throw new UsageError(`--dataset ${name}: ${err.message}`);
    throw err;
  }
}

/**
 * The script: its flags, checked (with every architecture built) before anything runs; then the
 * experiments grad_a and grad_b through the session, which plans them (--plan prints the plan: cells,
 * core-hours, memory, from the cost models of cells/cost.ts) before it runs them.
 */
export const GRAD = experimentScript(GRAD_CLI, async (args, session) => {
  const partA = args.part === 'a' || args.part === 'all', partB = args.part === 'b' || args.part === 'all';
  const archs = buildArchitectures(args);
  if (partB) checkDataset(args.dataset);
  if (partA) await runPartA(args, session, archs);
  if (partB) await runPartB(args, session, archs);
});

// ---- Part (a)

interface GradARowOut extends Record<string, string | number | boolean | null> {
  arch: string; init: string; family: string; depth: number; beta: number; nets: number; beta_target: number | null;
}

function gradARow(arch: Arch, p: GradJacobianParams, r: GradJacobianResult): GradARowOut {
  const cov = r.mean_sq_r_theory === null ? null : publishedMeanSqCoverage(r.mean_sq_r_theory, r.nets);
  return {
    arch: arch.name, init: p.init, depth: p.widths.length - 1, beta: r.beta, nets: r.nets,
    mean_sq_jacobian: r.mean_sq_jacobian, mean_sq_jacobian_lo: r.mean_sq_jacobian_lo, mean_sq_jacobian_hi: r.mean_sq_jacobian_hi,
    mean_sq_jacobian_theory: r.mean_sq_jacobian_theory,
    fourth_moment_jacobian: r.fourth_moment_jacobian, fourth_moment_jacobian_theory: r.fourth_moment_jacobian_theory,
    fourth_moment_method: r.fourth_moment_method,
    family: arch.profile.family, beta_target: arch.profile.targetBeta ?? null, widths: compactWidths(arch.profile.hidden), input_dim: p.widths[0],
    beta_prime: beta(p.widths.slice(0, -1)),
    normalized_fourth_moment: r.normalized_fourth_moment, normalized_fourth_moment_theory: r.normalized_fourth_moment_theory,
    mean_sq_r_theory: r.mean_sq_r_theory, fourth_moment_rel_se: r.mean_sq_r_theory === null ? null : fourthMomentRelSe(r.mean_sq_r_theory, r.nets),
    coverage_table: cov?.coverage ?? null, coverage_table_se: cov?.se ?? null, coverage_table_r: cov?.row.r ?? null, coverage_table_nets: cov?.row.nets ?? null,
    undercovers: cov?.undercovers ?? null, coverage_extrapolated: cov?.extrapolated ?? null,
    dead: r.dead, dead_fraction: r.dead / r.nets, dead_fraction_exact: r.dead_fraction_exact,
  };
}

function jacobianCells(args: Args, archs: readonly Arch[]): Cell<GradJacobianParams, Arch>[] {
  return archs.flatMap((arch) => args.inits.map((init) => {
    const widths = [args['input-dim'], ...arch.profile.hidden];
    return { key: `init=${init}/arch=${arch.name}/n0=${widths[0]}`, params: { init, widths, nets: arch.nets, seed: args.seed, backend: args.backend }, meta: arch };
  }));
}

async function runPartA(args: Args, session: Session, archs: readonly Arch[]): Promise<void> {
  const started = Date.now();
  const outcome = await session.run({ name: 'grad_a', task: gradJacobianTask, cells: jacobianCells(args, archs) });
  if (!outcome.complete) return;
  const results = outcome.results;
  const rows = results.map(({ meta, params, result }) => gradARow(meta, params, result));
  const fits = growthFits(growthPoints(rows));
  // Equal β, net by net: the law of log10 T over nets (dead atom, then live nets), as for Figure 2.
  const equalBeta = equalBetaAnalysis(results.flatMap(({ params, result }, i) => rows[i].beta_target === null || rows[i].family === 'explicit' ? [] : [{
    family: rows[i].family, method: 'net', init: params.init, depth: rows[i].depth, betaTarget: rows[i].beta_target as number,
    widths: params.widths, nets: result.nets, dead: result.dead, sketch: result.log10_mean_sq_sketch, liveSketch: result.log10_live_sketch,
  }]), { exact: false });
  writeCsv(path.join(args.out, 'grad_a.csv'), GRAD_A_COLUMNS, rows);
  writeCsv(path.join(args.out, 'grad_a_fit.csv'), GROWTH_FIT_COLUMNS, fits);
  writeCsv(path.join(args.out, 'grad_a_equal_beta.csv'), GRAD_EQUAL_BETA_COLUMNS, equalBeta);
  const plots = await writePartAPlots(args, rows, fits);
  const cellSeconds = results.reduce((s, r) => s + r.result.seconds, 0);
  const { seconds, files } = writeRunRecord(args.out, 'grad_a', args, { started, cellSeconds, csvs: ['grad_a.csv', 'grad_a_fit.csv', 'grad_a_equal_beta.csv'], plots });

  process.stdout.write('\ngrad (a): the mean squared Jacobian entry (bootstrap-t 95% interval; coverage measured in THEORY.md §10.9) and E[Z⁴]/E[Z²]², theory exact (§10.2–10.3)\n');
  printTable(['init', 'arch', 'beta', 'nets', 'mean_sq_jacobian', 'mean_sq_jacobian_lo', 'mean_sq_jacobian_hi', 'mean_sq_jacobian_theory', 'coverage_table', 'undercovers',
    'normalized_fourth_moment', 'normalized_fourth_moment_theory', 'dead_fraction', 'dead_fraction_exact'], rows, { digits: 4 });
  process.stdout.write('\nC of E[Z⁴]/E[Z²]² ≈ a·e^{Cx} per initializer, weighted least squares (weights 1/se², se = √((r⁴ − 1)/nets), THEORY.md §10.13); the claim uses x = β:\n');
  printTable([...GROWTH_FIT_COLUMNS], fits, { digits: 3 });
  if (equalBeta.length > 0) {
    process.stdout.write('\nEqual β, different width profiles: dead fractions (measured, exact) and the largest KS distance of log10 T between families, all nets and live nets:\n');
    printTable(['init', 'depth', 'beta_target', 'families', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'D_all', 'D_live', 'pair_live', 'crit_1e6', 'next_beta', 'min_D_live_next_beta'], equalBeta, { digits: 3 });
  }
  process.stdout.write(`\nwrote ${args.out}/${files.join(', ')} in ${seconds.toFixed(1)} s\n`);
}

async function writePartAPlots(args: Args, rows: readonly GradARowOut[], fits: ReturnType<typeof growthFits>): Promise<WrittenPlot[]> {
  const fitText = fits.filter((f) => f.x === 'beta').map((f) => `${f.init}: C = ${f.C_measured.toFixed(2)} ± ${f.C_measured_se.toFixed(2)} (exact ${f.C_exact.toFixed(2)})`);
  const fourth = lineChartSpec({
    title: {
      text: 'E[Z⁴]/E[Z²]² of the Jacobian against β',
      subtitle: ['dashed: exact (THEORY.md §10.3); filled: measured ± 1.96 se; hollow: se ≥ 0.5 in ln, a sample too small to see the fourth moment (§10.13)',
        ...(fitText.length > 0 ? [`weighted fits: ${fitText.join('; ')}`] : [])],
    },
    x: { field: 'beta', title: 'β = Σ 1/n_j' },
    y: { field: 'log10_ratio', title: 'log10 mean Z⁴ / (mean Z²)²' },
    measured: rows.filter((r) => sees(r)).map((r) => fourthPoint(r)),
    hollow: rows.filter((r) => !sees(r)).map((r) => fourthPoint(r)),
    theory: rows.filter((r) => r.normalized_fourth_moment_theory !== null).map((r) => ({ init: r.init, family: r.family, beta: r.beta, log10_ratio: Math.log10(r.normalized_fourth_moment_theory as number) })),
    color: 'family', lo: 'lo', hi: 'hi', facet: { field: 'init', title: '', columns: 3 }, width: 300, height: 220,
  });
  const meanSq = lineChartSpec({
    title: {
      text: 'The mean squared Jacobian entry over its exact value ∏c_j/n_0 (THEORY.md §10.2)',
      subtitle: ['points: measured with the 95% bootstrap-t interval; triangles: rows whose r and nets the THEORY.md §10.9 table puts where it undercovers', 'dashed: theory = 1'],
    },
    x: { field: 'beta', title: 'β = Σ 1/n_j' },
    y: { field: 'ratio', title: 'mean Z² / E[Z²]', log: true },
    measured: rows.map((r) => meanSqPoint(r)),
    shape: { field: 'coverage', title: 'coverage (§10.9)', values: ['≈ 95%', 'undercovers'], shapes: ['circle', 'triangle-down'] },
    theory: [...new Set(rows.map((r) => r.init))].flatMap((init) => {
      const bs = rows.filter((r) => r.init === init).map((r) => r.beta);
      return [Math.min(...bs), Math.max(...bs)].map((b) => ({ init, family: 'theory', beta: b, ratio: 1 }));
    }),
    color: 'family', lo: 'lo', hi: 'hi', facet: { field: 'init', title: '', columns: 3 }, width: 300, height: 220,
  });
  return [await writePlot(path.join(args.out, 'grad_a'), fourth), await writePlot(path.join(args.out, 'grad_a_mean_sq'), meanSq)];
}

/** Whether a row's sample can see its fourth moment: predicted se of ln(ratio) below 0.5 (THEORY.md §10.13). */
function sees(r: GradARowOut): boolean {
  return typeof r.fourth_moment_rel_se === 'number' && r.fourth_moment_rel_se < 0.5;
}

function fourthPoint(r: GradARowOut): Row {
  const v = Math.log10(r.normalized_fourth_moment as number), se = sees(r) ? (r.fourth_moment_rel_se as number) * Math.LOG10E : null;
  return { init: r.init, family: r.family, beta: r.beta, log10_ratio: Number.isFinite(v) ? v : null, lo: se === null ? null : v - 1.96 * se, hi: se === null ? null : v + 1.96 * se };
}

function meanSqPoint(r: GradARowOut): Row {
  const t = r.mean_sq_jacobian_theory as number, lo = (r.mean_sq_jacobian_lo as number) / t;
  // A lower end of 0 (the interval reaches zero) has no place on a log axis: drawn from the bottom of the panel.
  return {
    init: r.init, family: r.family, beta: r.beta, ratio: (r.mean_sq_jacobian as number) / t, lo: lo > 0 ? lo : null, hi: (r.mean_sq_jacobian_hi as number) / t,
    coverage: r.undercovers === true ? 'undercovers' : '≈ 95%',
  };
}

// ---- Part (b)

interface GradBRow extends Record<string, string | number | boolean | null> {
  arch: string; init: string; family: string; depth: number; beta: number; layer: number; beta_target: number | null;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function gradBRows(arch: Arch, p: GradNormsParams, r: GradNormsResult): GradBRow[] {
  const init = initializerById(p.init);
  return r.layers.map((l) => {
    const sorted = sortedCopy(l.relative_update);
    // E‖W_j‖_F² = fan-in·width·σ_j²; E‖mean_b g_b‖² ≤ mean_b E‖g_b‖² (convexity) bounds the batch gradient.
    const weightSq = l.fan_in * l.width * init.variance(l.fan_in, l.width);
    const theoryW = mean(l.example_grad_w_sq_theory);
    return {
      arch: arch.name, init: p.init, depth: p.widths.length - 2, beta: arch.profile.beta, layer: l.layer, fan_in: l.fan_in, width: l.width,
      nets: r.nets, batch: p.batch, lr: p.lr,
      example_grad_w_sq: mean(l.example_grad_w_sq), example_grad_w_sq_theory: theoryW,
      example_grad_b_sq: mean(l.example_grad_b_sq), example_grad_b_sq_theory: mean(l.example_grad_b_sq_theory),
      grad_w_rms: Math.sqrt(mean(l.grad_w.map((g) => g * g))), grad_w_rms_bound: Math.sqrt(theoryW),
      relative_update_median: quantile(sorted, 0.5), relative_update_q10: quantile(sorted, 0.1), relative_update_q90: quantile(sorted, 0.9),
      relative_update_rms: p.lr * Math.sqrt(mean(l.grad_w.map((g, k) => (g / l.weight_norm[k]) ** 2))),
      relative_update_bound: p.lr * Math.sqrt(theoryW / weightSq),
      family: arch.profile.family, beta_target: arch.profile.targetBeta ?? null, widths: compactWidths(arch.profile.hidden), dataset: p.dataset,
    };
  });
}

function normsCells(args: Args, archs: readonly Arch[]): Cell<GradNormsParams, Arch>[] {
  return archs.flatMap((arch) => args.inits.map((init) => ({
    key: `init=${init}/arch=${arch.name}/${args.dataset}`, meta: arch,
    params: { init, widths: [784, ...arch.profile.hidden, 10], nets: args['norm-nets'], batch: args.batch, lr: args.lr, dataset: args.dataset, seed: args.seed, backend: args.backend },
  })));
}

async function runPartB(args: Args, session: Session, archs: readonly Arch[]): Promise<void> {
  const started = Date.now();
  const outcome = await session.run({ name: 'grad_b', task: gradNormsTask, cells: normsCells(args, archs) });
  if (!outcome.complete) return;
  const results = outcome.results;
  const rows = results.flatMap(({ meta, params, result }) => gradBRows(meta, params, result));
  writeCsv(path.join(args.out, 'grad_b.csv'), GRAD_B_COLUMNS, rows);
  const plots = await writePartBPlots(args, rows);
  const cellSeconds = results.reduce((s, r) => s + r.result.seconds, 0);
  const { seconds, files } = writeRunRecord(args.out, 'grad_b', args, { started, cellSeconds, csvs: ['grad_b.csv'], plots });

  // Per architecture: the smallest and largest first step over the layers, and how far measurement and theory are apart.
  const summary = results.map(({ meta, params }) => {
    const rs = rows.filter((r) => r.arch === meta.name && r.init === params.init);
    const steps = rs.map((r) => r.relative_update_median as number), ratio = rs.map((r) => (r.example_grad_w_sq as number) / (r.example_grad_w_sq_theory as number));
    return {
      init: params.init, arch: meta.name, beta: meta.profile.beta, smallest_step: Math.min(...steps), largest_step: Math.max(...steps),
      largest_over_smallest: Math.max(...steps) / Math.min(...steps), 'measured/theory min': Math.min(...ratio), 'measured/theory max': Math.max(...ratio),
    };
  });
  process.stdout.write(`\ngrad (b): the first SGD step at lr ${args.lr}, lr·‖∂L/∂W_j‖/‖W_j‖ (median over ${args['norm-nets']} nets, batches of ${args.batch} ${args.dataset} images) over the layers,\n`
    + 'and the per-example ‖∂ℓ/∂W_j‖² measured over its theory (THEORY.md §10.7, each example\'s softmax gradient held fixed):\n');
  printTable(['init', 'arch', 'beta', 'smallest_step', 'largest_step', 'largest_over_smallest', 'measured/theory min', 'measured/theory max'], summary, { digits: 3 });
  process.stdout.write(`\nwrote ${args.out}/${files.join(', ')} in ${seconds.toFixed(1)} s\n`);
}

/** log10 of a positive value; null (no mark) for 0, as where a dead net's gradient vanishes. */
function log10(v: unknown): number | null {
  return typeof v === 'number' && v > 0 && Number.isFinite(v) ? Math.log10(v) : null;
}

async function writePartBPlots(args: Args, rows: readonly GradBRow[]): Promise<WrittenPlot[]> {
  const panel = (r: GradBRow) => `${r.init}, β ${r.beta_target ?? (r.beta as number).toFixed(2)}`;
  const example = lineChartSpec({
    title: { text: `Per-example ‖∂ℓ/∂W_j‖² at initialization, mean over ${args['norm-nets']} nets × ${args.batch} ${args.dataset} images (dashed: THEORY.md §10.7)`, subtitle: 'layer d+1 is the linear output layer; softmax cross-entropy, each example\'s ∂ℓ/∂logits held fixed in the theory' },
    x: { field: 'layer', title: 'layer j' },
    y: { field: 'log10_sq', title: 'log10 mean ‖∂ℓ/∂W_j‖²' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, log10_sq: log10(r.example_grad_w_sq) })),
    theory: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, log10_sq: log10(r.example_grad_w_sq_theory) })),
    color: 'family', connect: true, facet: { field: 'panel', title: '', columns: 5 }, width: 220, height: 180,
  });
  const update = lineChartSpec({
    title: { text: `The first SGD step at lr ${args.lr}: lr·‖∂L/∂W_j‖/‖W_j‖ per layer, median and 10–90% over nets (batch ${args.batch})`, subtitle: 'dashed: the theory\'s upper bound lr·√(mean E‖∂ℓ_b/∂W_j‖²)/√E‖W_j‖² (the batch mean is at most the per-example RMS)' },
    x: { field: 'layer', title: 'layer j' },
    y: { field: 'step', title: 'log10 relative update' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, step: log10(r.relative_update_median), lo: log10(r.relative_update_q10), hi: log10(r.relative_update_q90) })),
    theory: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, step: log10(r.relative_update_bound) })),
    color: 'family', lo: 'lo', hi: 'hi', facet: { field: 'panel', title: '', columns: 5 }, width: 220, height: 180,
  });
  return [await writePlot(path.join(args.out, 'grad_b'), example), await writePlot(path.join(args.out, 'grad_b_update'), update)];
}

if (require.main === module) main(() => GRAD.main(process.argv.slice(2)));

