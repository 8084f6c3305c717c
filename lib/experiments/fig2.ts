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
// Data path: this script → runner (cells on worker threads) → fm2.ts (one cell) → nn/dense + nn/trace
// (real nets) or nn/theory.sampleGaussianLogLengths (exact sampler) → kernels.

import * as path from 'node:path';
import { initializerById } from '../nn/init';
import { archName, compactWidths, type WidthProfile } from '../nn/profiles';
import {
  deadProbability, expectedVHatRatio, gains, log10RatioQuantile, log10SecondMoments, logRatioLaw, netsForSecondMoment, secondMomentSpread,
} from '../nn/dense/theory';
import { defineCli, enumFlag, forPart, forParts, intFlag, intListFlag, main, noRepeats, parseIntList, UsageError, type Flag, type ParsedCli } from './cli/cli';
import { betaListFlag, checkedExplicit, familyProfiles, profileFlags, type ProfileArgs } from './cli/profiles';
import { experimentScript, type Session } from './cli/script';
import { writeCsv } from './out/files';
import { backendFlag, dtypeFlag, lengthsDtype, initFlag, initListFlag, trainingFlags } from './cli/flags';
import { runTrainingPanel } from './report/panel';
import { fm2Task, type Fm2CellResult, type Fm2Method } from './cells/fm2';
import { equalBetaAnalysis, equalBetaChartSpec, EQUAL_BETA_COLUMNS, type EqualBetaRow } from './report/equal-beta';
import { lineChartSpec, writePlot, type Row } from './out/plot';
import { writeRunRecord } from './out/record';
import type { Cell } from './run/runner';
import { printTable } from './out/table';

/** The fixed columns first; extra columns after them. */
export const FIG2A_COLUMNS = [
  'arch', 'init', 'depth', 'beta', 'nets', 'mean_ratio', 'second_moment', 'second_moment_theory', 'log10_var_ratio',
  'var_hat_mean', 'var_hat_theory', 'q05_log10_ratio', 'q50_log10_ratio', 'q95_log10_ratio',
  // Extra columns.
  'method', 'family', 'beta_target', 'widths', 'input_dim', 'mean_ratio_theory', 'log10_var_ratio_theory',
  'q05_log10_theory', 'q50_log10_theory', 'q95_log10_theory', 'q05_log10_cf', 'q50_log10_cf', 'q95_log10_cf', 'mean_log10_ratio', 'mean_log10_theory', 'sd_log10_ratio',
  'sd_log10_theory', 'dead', 'dead_expected', 'spread_r', 'spread_skewness', 'nets_needed', 'trustworthy',
  // No timings here: a CSV must not depend on the machine or the split into shards (they are in fig2a.json).
] as const;

/** The exact sampler draws the Gaussian law; its rows are labelled with this initializer. */
const SAMPLER_INIT = 'he_normal';

export const FIG2_CLI = defineCli({
  name: 'fig2',
  summary: 'Figure 2 of Hanin & Rolnick (2018): (a) FM2 statistics of He-initialized nets against β = Σ1/n_j, per width profile; (b) epochs to 20% MNIST test accuracy against β.',
  flags: {
    part: enumFlag(['a', 'b', 'all'] as const, 'which panel to run', { default: 'all' }),
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

interface Arch {
  readonly profile: WidthProfile;
  readonly name: string;
  /** Real nets (with every --inits) and the sampler, or the sampler only. */
  readonly methods: readonly Fm2Method[];
}

/**
 * Every architecture of the run, built and checked before anything is written: an unreachable β or a
 * bad width is a UsageError (exit 2) with no output folder touched.
 */
export function buildArchitectures(args: Pick<Args, 'families' | 'betas' | 'sampler-betas' | 'depths' | 'sampler-depths' | 'ratio' | 'widths' | 'max-width' | 'beta-tol' | 'sampler-nets'>): Arch[] {
  if (args.families.length > 0 && args.betas.length + args['sampler-betas'].length === 0) {
    throw new UsageError('--families needs target β values (--betas or --sampler-betas)');
  }
  const samplerToo: Fm2Method[] = args['sampler-nets'] > 0 ? ['net', 'exact_sampler'] : ['net'];
  const wanted: { profile: WidthProfile; methods: Fm2Method[] }[] = [];
  for (const p of familyProfiles(args, args.depths, args.betas, '--betas, --depths')) wanted.push({ profile: p, methods: samplerToo });
  if (args['sampler-nets'] > 0) {
    for (const p of familyProfiles(args, args.depths, args['sampler-betas'], '--sampler-betas, --depths')) wanted.push({ profile: p, methods: ['exact_sampler'] });
    const allBetas = [...args.betas, ...args['sampler-betas']];
    for (const p of familyProfiles(args, args['sampler-depths'], allBetas, '--betas, --sampler-betas, --sampler-depths')) wanted.push({ profile: p, methods: ['exact_sampler'] });
  }
  for (const p of checkedExplicit(args)) wanted.push({ profile: p, methods: samplerToo });
  if (wanted.length === 0) throw new UsageError('no architectures: give --families with --betas, or --widths');
  // Two targets can land on the same widths; run each architecture once, with the union of its methods.
  const byName = new Map<string, Arch>();
  for (const w of wanted) {
    const name = archName(w.profile);
    const old = byName.get(name);
    const methods = old ? [...new Set([...old.methods, ...w.methods])] : w.methods;
    byName.set(name, { profile: old?.profile ?? w.profile, name, methods });
  }
  return [...byName.values()];
}

/** The trained architectures of part (b): every family at each --train-depths and --train-betas, and --widths. */
export function buildTrainArchitectures(args: Pick<Args, keyof ProfileArgs | 'train-betas' | 'train-depths'>): WidthProfile[] {
  if (args.families.length > 0 && args['train-betas'].length === 0) throw new UsageError('--families needs target β values for part (b) (--train-betas)');
  const all = [...familyProfiles(args, args['train-depths'], args['train-betas'], '--train-betas, --train-depths'), ...checkedExplicit(args)];
  if (all.length === 0) throw new UsageError('no architectures to train: give --families with --train-betas, or --widths');
  const byName = new Map<string, WidthProfile>();
  for (const p of all) if (!byName.has(archName(p))) byName.set(archName(p), p);
  return [...byName.values()];
}


function checkInits(ids: readonly string[]): void {
  for (const id of ids) {
    // The second-moment recursion (THEORY.md §3.7) needs i.i.d. entries; FM2 is about He variance.
    const init = initializerById(id);
    if (!init.iid) throw new UsageError(`--inits: '${id}' has dependent entries; Figure 2's theory needs i.i.d. weights`);
  }
}

interface Fig2aRow extends Record<string, string | number | boolean | null> {
  arch: string; init: string; method: string; family: string; depth: number; beta: number; nets: number;
}

function theoryRow(arch: Arch, init: string, widths: readonly number[], result: Fm2CellResult, method: Fm2Method, inputDim: number): Fig2aRow {
  const law = initializerById(init);
  const logP = log10SecondMoments(widths, law);
  const p = Math.pow(10, logP[logP.length - 1]);
  const meanTheory = gains(widths, law).reduce((a, c) => a * c, 1);
  const lr = logRatioLaw(widths, law);
  const spread = secondMomentSpread(widths, law);
  const needed = netsForSecondMoment(arch.profile.beta, { spread }).needed;
  return {
    arch: arch.name, init, depth: widths.length - 1, beta: arch.profile.beta, nets: result.nets,
    mean_ratio: result.mean_ratio,
    second_moment: Math.pow(10, result.log10_second_moment),
    second_moment_theory: p,
    log10_var_ratio: result.log10_var_ratio,
    var_hat_mean: result.var_hat_mean,
    var_hat_theory: expectedVHatRatio(widths, law),
    q05_log10_ratio: result.q05_log10_ratio, q50_log10_ratio: result.q50_log10_ratio, q95_log10_ratio: result.q95_log10_ratio,
    method, family: arch.profile.family, beta_target: arch.profile.targetBeta, widths: compactWidths(arch.profile.hidden), input_dim: inputDim,
    mean_ratio_theory: meanTheory,
    // Var R = E[R²] − E[R]², both exact.
    log10_var_ratio_theory: Math.log10(p - meanTheory * meanTheory),
    q05_log10_theory: log10RatioQuantile(lr, 0.05), q50_log10_theory: log10RatioQuantile(lr, 0.5), q95_log10_theory: log10RatioQuantile(lr, 0.95),
    q05_log10_cf: log10RatioQuantile(lr, 0.05, true), q50_log10_cf: log10RatioQuantile(lr, 0.5, true), q95_log10_cf: log10RatioQuantile(lr, 0.95, true),
    mean_log10_ratio: result.mean_log10_ratio, mean_log10_theory: lr.mean * Math.LOG10E,
    sd_log10_ratio: result.sd_log10_ratio, sd_log10_theory: Math.sqrt(lr.variance) * Math.LOG10E,
    dead: result.dead, dead_expected: result.nets * lr.pDead,
    spread_r: spread.r, spread_skewness: spread.skewness, nets_needed: needed, trustworthy: result.nets >= needed,
  };
}

async function runPartA(args: Args, session: Session, archs: readonly Arch[]): Promise<void> {
  const started = Date.now();
  const n0 = args['input-dim'];
  const cells: Cell<Parameters<typeof fm2Task.run>[0], Arch>[] = [];
  const dtype = lengthsDtype('fig2a', args, session.planning);
  for (const arch of archs) {
    const widths = [n0, ...arch.profile.hidden];
    for (const method of arch.methods) {
      const inits = method === 'net' ? args.inits : [SAMPLER_INIT];
      const nets = method === 'net' ? args.nets : args['sampler-nets'];
      for (const init of inits) {
        cells.push({ key: `method=${method}/init=${init}/arch=${arch.name}`, params: { init, widths, nets, seed: args.seed, method, backend: args.backend, ...dtype }, meta: arch });
      }
    }
  }
  const exp = { name: 'fig2a', task: fm2Task, cells };
  const outcome = await session.run(exp);
  if (!outcome.complete) return;
  const rows = outcome.results.map(({ meta, params, result }) => theoryRow(meta, params.init, params.widths, result, params.method, n0));
  const cellSeconds = outcome.results.reduce((s, r) => s + r.result.seconds, 0);
  const equalBeta = equalBetaAnalysis(outcome.results.flatMap(({ params, result }, i) => rows[i].beta_target === null || rows[i].family === 'explicit' ? [] : [{
    family: rows[i].family, method: params.method, init: params.init, depth: rows[i].depth, betaTarget: rows[i].beta_target as number,
    widths: params.widths, nets: result.nets, dead: result.dead, sketch: result.log10_ratio_sketch, liveSketch: result.log10_live_sketch,
  }]));
  writeCsv(path.join(args.out, 'fig2a.csv'), FIG2A_COLUMNS, rows);
  writeCsv(path.join(args.out, 'fig2a_equal_beta.csv'), EQUAL_BETA_COLUMNS, equalBeta);

  // Equal β needs two families at one β and depth; a run of one family has no comparison to draw.
  const plots = [...await writePlots(args, rows), ...(equalBeta.length === 0 ? [] : [await writePlot(path.join(args.out, 'fig2a_equal_beta'), equalBetaChartSpec(equalBeta))])];
  const { seconds, files } = writeRunRecord(args.out, 'fig2a', args, { started, cellSeconds, csvs: ['fig2a.csv', 'fig2a_equal_beta.csv'], plots, extra: { dtype: dtype.dtype ?? 'float64' } });
  printSummary(args, rows, equalBeta);
  process.stdout.write(`\nwrote ${args.out}/${files.join(', ')} in ${seconds.toFixed(1)} s\n`);
}

async function writePlots(args: Args, rows: readonly Fig2aRow[]) {
  const panel = (r: Fig2aRow) => `${r.init} (${r.method === 'net' ? 'real nets' : 'exact sampler'})`;
  // The universal leading order e^{5β} beside each family's exact theory (§3.7), per panel.
  const universal: Row[] = [];
  for (const pn of [...new Set(rows.map(panel))]) {
    const bs = rows.filter((r) => panel(r) === pn).map((r) => r.beta);
    const lo = Math.min(...bs), hi = Math.max(...bs);
    for (let i = 0; i <= 40; i++) {
      const b = lo + ((hi - lo) * i) / 40;
      universal.push({ panel: pn, family: 'e^{5β} (leading order)', beta: b, log10_second_moment: 5 * b * Math.LOG10E });
    }
  }
  const moment = lineChartSpec({
    title: `Figure 2(a): E[(M_d/M_0)²] against β (points: ${args.nets} nets, ${args['sampler-nets']} sampler paths; dashed: theory)`,
    x: { field: 'beta', title: 'β = Σ 1/n_j' },
    y: { field: 'log10_second_moment', title: 'log10 mean of (M_d/M_0)²' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, beta: r.beta, log10_second_moment: Math.log10(r.second_moment as number) })),
    theory: [...rows.map((r) => ({ panel: panel(r), family: r.family, beta: r.beta, log10_second_moment: Math.log10(r.second_moment_theory as number) })), ...universal],
    color: 'family', facet: { field: 'panel', title: '', columns: 3 }, width: 300, height: 220,
  });
  const quantiles = lineChartSpec({
    title: 'Figure 2(a): a typical net — median and 5–95% range of log10(M_d/M_0) against β (dashed: log-normal theory median)',
    x: { field: 'beta', title: 'β = Σ 1/n_j' },
    y: { field: 'q50', title: 'log10(M_d/M_0)' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, beta: r.beta, q50: r.q50_log10_ratio, lo: finiteOrNull(r.q05_log10_ratio), hi: finiteOrNull(r.q95_log10_ratio) })),
    theory: rows.map((r) => ({ panel: panel(r), family: r.family, beta: r.beta, q50: r.q50_log10_theory })),
    color: 'family', lo: 'lo', hi: 'hi', facet: { field: 'panel', title: '', columns: 3 }, width: 300, height: 220,
  });
  return [await writePlot(path.join(args.out, 'fig2a'), moment), await writePlot(path.join(args.out, 'fig2a_quantiles'), quantiles)];
}

function finiteOrNull(v: string | number | boolean | null): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function printSummary(args: Args, rows: readonly Fig2aRow[], equalBeta: readonly EqualBetaRow[]): void {
  const view = rows.map((r) => ({
    ...r,
    'measured/theory': (r.second_moment as number) / (r.second_moment_theory as number),
    trusted: r.trustworthy ? 'yes' : 'no',
  }));
  process.stdout.write(`\nFigure 2(a): second moment of R = M_d/M_0 (theory exact, THEORY.md §3.7), V̂/M_0² (§5), median log10 R (§4.8: log-normal, cf = with the skew term)\n`);
  process.stdout.write(`method: net = real nets (${args.nets} per row), exact_sampler = the exact Gaussian law (§4.2, ${args['sampler-nets']} paths)\n`);
  printTable(['method', 'init', 'family', 'depth', 'beta', 'nets', 'second_moment', 'second_moment_theory', 'measured/theory',
    'nets_needed', 'trusted', 'var_hat_mean', 'var_hat_theory', 'q50_log10_ratio', 'q50_log10_theory', 'q50_log10_cf', 'dead'], view, { digits: 4 });
  // Per β, the sample size the second moment needs (§4.7, §4.9): log-normal surrogate and the exact range.
  const byBeta = new Map<number, Fig2aRow[]>();
  for (const r of rows) {
    const t = (r.beta_target as number | null) ?? Number(r.beta.toPrecision(3));
    byBeta.set(t, [...(byBeta.get(t) ?? []), r]);
  }
  const need = [...byBeta.entries()].sort((a, b) => a[0] - b[0]).map(([b, rs]) => {
    // Exact rules per architecture (spread from §4.4), the largest over this β's architectures.
    const rules = rs.map((r) => netsForSecondMoment(r.beta, { spread: { r: r.spread_r as number, skewness: r.spread_skewness as number } }));
    const surrogate = netsForSecondMoment(b);
    return {
      beta: b, measured_with: [...new Set(rs.map((r) => r.nets))].join('/'),
      precision_rule: Math.max(...rules.map((x) => Math.ceil(x.precision))), skewness_rule: Math.max(...rules.map((x) => Math.ceil(x.skewness))),
      'log-normal_surrogate': surrogate.needed,
    };
  });
  process.stdout.write('\nNets needed for a trustworthy sample second moment at each β (THEORY.md §4.7, §4.9): precision = within 10% at 2 se,\n'
    + 'skewness = skewness of the mean ≤ 0.15; exact values for these architectures (largest over families), and the e^{20β} log-normal surrogate:\n');
  printTable(['beta', 'measured_with', 'precision_rule', 'skewness_rule', 'log-normal_surrogate'], need, { digits: 3 });
  process.stdout.write('(exact: r = E[R⁴]/E[R²]² of each architecture, §4.4; beyond β ≈ 0.3 no feasible sample measures E[R²]: compare the quantiles instead)\n');
  if (equalBeta.length > 0) {
    process.stdout.write('\nEqual β, different width profiles (THEORY.md §6.8): the largest KS distance of log10(M_d/M_0) between two families, over all nets\n'
      + '(D_all: the dead atom included) and over live nets (D_live), each beside the exact distance of the Gaussian law; D_live_second_order:\n'
      + 'the Σ1/n_j² prediction; dead: measured fraction range, p_dead: exact 1 − ∏(1 − 2^(−n_j)); exact_misfit ≤ 1: measured agrees with exact:\n');
    printTable(['method', 'init', 'depth', 'beta_target', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'D_all', 'D_all_exact',
      'D_live', 'D_live_exact', 'D_live_second_order', 'exact_misfit', 'crit_1e6', 'min_D_live_next_beta'], equalBeta, { digits: 3 });
  }
}

export const FIG2 = experimentScript(FIG2_CLI, async (args, session) => {
  // Everything the user can get wrong is checked here, before the output folder is touched.
  checkInits(args.inits);
  const partA = args.part === 'a' || args.part === 'all', partB = args.part === 'b' || args.part === 'all';
  const archs = partA ? buildArchitectures(args) : [];
  const trained = partB ? buildTrainArchitectures(args) : [];
  if (partA) await runPartA(args, session, archs);
  if (partB) await runPartB(args, session, trained);
});

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
