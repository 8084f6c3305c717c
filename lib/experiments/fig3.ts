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
// Data path: this script → runner (cells on worker threads) → residual-lengths.ts (one cell of (a)) →
// nn/residual + nn/residual-trace (the net and its forward pass) → kernels; (b): panel.ts →
// training.ts → nn/train with config.residual → nn/residual-classifier (autograd).

import * as path from 'node:path';
import { initializerById } from '../nn/init';
import { MODULE_CONVENTIONS, moduleWidths, type ModuleConvention } from '../nn/residual/net';
import { log10LinearGaussianSecondMomentRatio, log10LinearMeanRatio, log10ReluMeanFieldRatios, moduleKappa } from '../nn/residual/theory';
import { parseSchedule, parseScheduleList, scales, SCHEDULE_SYNTAX, type Schedule } from '../nn/residual/schedule';
import { defineCli, enumFlag, forPart, forParts, intFlag, intListFlag, main, parseIntList, UsageError, type Flag, type ParsedCli } from './cli/cli';
import { experimentScript, type Session } from './cli/script';
import { writeCsv } from './out/files';
import { backendFlag, dtypeFlag, lengthsDtype, initFlag, trainingFlags } from './cli/flags';
import { lineChartSpec, writePlot, type Row } from './out/plot';
import { writeRunRecord } from './out/record';
import { runTrainingPanel } from './report/panel';
import { residualLengthsTask } from './cells/residual-lengths';
import type { Cell } from './run/runner';
import { printTable } from './out/table';

const FIG3A_COLUMNS = [
  'convention', 'schedule', 'modules', 'width', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi',
  'log10_theory_ratio', 'log10_second_moment_ratio', 'mean_log10_ratio', 'sd_log10_ratio',
  // Extra columns after the fixed ones.
  'theory_kind', 'log10_theory_lo', 'log10_theory_hi', 'log10_theory_second_moment_ratio', 'log10_fm2_ratio',
  'sum_eta', 'sum_eta2', 'kappa', 'module_widths', 'init', 'dead', 'estimator', 'log10_sample_mean_ratio',
] as const;

/** log10 of the largest mean the zoomed chart (fig3a_zoom) keeps. */
const ZOOM_LIMIT = 10;

const DEFAULT_SCHEDULES = 'const:1,inv,inv2,geom:0.9,invL,invsqrtL';

/** Canonical schedule texts (checked here, parsed again where used, so the flag's value prints and logs as text). */
const schedulesFlag: Flag<string[]> = {
  help: `scale schedules η_ℓ, comma separated: ${SCHEDULE_SYNTAX}`,
  metavar: 'LIST',
  default: parseScheduleList(DEFAULT_SCHEDULES).map((s) => s.text),
  parse: (t, n) => {
    try {
      return parseScheduleList(t).map((s) => s.text);
    } catch (err) {
      throw new UsageError(`${n}: ${(err as Error).message}`);
    }
  },
};

/** Module hidden widths: 'n' (one hidden layer as wide as the stream), 'none' (a single n → n layer), or a list. */
const moduleWidthsFlag: Flag<number[] | 'n'> = {
  help: "hidden widths m_1..m_{k−1} of each module: a list, 'n' (one hidden layer of the stream's width) or 'none' (one n → n layer)",
  metavar: 'LIST|n|none',
  default: 'n',
  parse: (t, n) => {
    if (t === 'n') return 'n';
    if (t === 'none') return [];
    return parseIntList(t, n);
  },
};

export const FIG3_CLI = defineCli({
  name: 'fig3',
  summary: 'Figure 3 of Hanin & Rolnick (2018): (a) mean output length of residual nets against the number of modules, per scale schedule; (b) epochs to 20% MNIST test accuracy.',
  flags: {
    part: enumFlag(['a', 'b', 'all'] as const, 'which panel to run', { default: 'all' }),
    schedules: schedulesFlag,
    convention: enumFlag(['linear', 'relu', 'both'] as const, 'module convention: linear output, ReLU at the module end, or both', { default: 'both' }),
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

function conventions(args: Args): ModuleConvention[] {
  return args.convention === 'both' ? [...MODULE_CONVENTIONS] : [args.convention];
}

function hiddenOf(args: Args): number[] {
  return args['module-widths'] === 'n' ? [args.width] : args['module-widths'];
}

/** Everything a bad command line can get wrong, checked before any file is written. */
function checkArgs(args: Args): void {
  const lists: [string, number[]][] = [];
  if (args.part !== 'b') lists.push(['--modules', args.modules]);
  if (args.part !== 'a') lists.push(['--train-modules', args['train-modules']]);
  for (const [flag, Ls] of lists) {
    const Lmax = Math.max(...Ls);
    for (const s of args.schedules.map(parseSchedule)) {
      if (Lmax > s.maxModules) throw new UsageError(`--schedules: '${s.text}' defines ${s.maxModules} scales, but ${flag} asks for L = ${Lmax}`);
    }
  }
}

/** The theory at every L = 1..Lmax, for smooth dashed lines (cheap: no nets). */
function theoryCurve(convention: ModuleConvention, s: Schedule, Lmax: number, mw: number[], initId: string): { mean: Row[]; fm2: Row[] } {
  const init = initializerById(initId);
  const mean: Row[] = [], fm2: Row[] = [];
  const kappa = moduleKappa(mw, init);
  const gaussian = init.law === 'normal';
  const prefix = !s.dependsOnL && convention === 'relu' && gaussian ? log10ReluMeanFieldRatios(mw, init, scales(s, Lmax)) : null;
  for (let L = 1; L <= Lmax; L++) {
    const etas = scales(s, L);
    const key = { convention, schedule: s.text, modules: L };
    if (convention === 'linear') {
      const m = log10LinearMeanRatio(kappa, etas);
      mean.push({ ...key, value: m });
      if (gaussian) fm2.push({ ...key, value: log10LinearGaussianSecondMomentRatio(mw, init, etas) - 2 * m });
    } else if (gaussian) {
      mean.push({ ...key, value: prefix !== null ? prefix[L - 1] : log10ReluMeanFieldRatios(mw, init, etas)[L - 1] });
    }
  }
  return { mean, fm2 };
}

async function runPartA(args: Args, session: Session): Promise<void> {
  const started = Date.now();
  const hidden = hiddenOf(args);
  const modules = [...args.modules].sort((a, b) => a - b);
  const cells: Cell<Parameters<typeof residualLengthsTask.run>[0]>[] = [];
  const schedules = args.schedules.map(parseSchedule);
  const dtype = lengthsDtype('fig3a', args, session.planning);
  for (const convention of conventions(args)) {
    for (const s of schedules) {
      cells.push({
        key: `convention=${convention}/schedule=${s.text}`,
        params: { convention, schedule: s.text, modules, width: args.width, hidden, init: args.init, nets: args.nets, seed: args.seed, backend: args.backend, ...dtype },
      });
    }
  }
  const exp = { name: 'fig3a', task: residualLengthsTask, cells };
  const outcome = await session.run(exp);
  if (!outcome.complete) return;
  const mw = moduleWidths(args.width, hidden);
  const rows = outcome.results.flatMap(({ params, result }) => result.points.map((pt) => ({
    convention: params.convention, schedule: params.schedule, width: params.width, kappa: result.kappa,
    module_widths: mw.join('-'), init: params.init, ...pt,
  })));
  writeCsv(path.join(args.out, 'fig3a.csv'), FIG3A_COLUMNS, rows);

  const Lmax = modules[modules.length - 1];
  const curves = conventions(args).flatMap((c) => schedules.map((s) => theoryCurve(c, s, Lmax, mw, args.init)));
  const facet = { field: 'convention', title: 'module convention', columns: 2 };
  const meanRows = rows.map((r) => ({ convention: r.convention, schedule: r.schedule, modules: r.modules, value: r.log10_mean_ratio, lo: r.log10_mean_ratio_lo, hi: r.log10_mean_ratio_hi }));
  const sampleRows = rows.map((r) => ({ convention: r.convention, schedule: r.schedule, modules: r.modules, value: r.log10_sample_mean_ratio }));
  const theoryMean = curves.flatMap((c) => c.mean);
  const legend = 'filled: estimate of log10 E[M_L/M_0] with its 95% interval (linear: per-module product; relu: Cox); hollow: sample mean; dashed: theory';
  const meanChart = {
    x: { field: 'modules', title: 'residual modules L', log: true },
    y: { field: 'value', title: 'log10 mean of M_L/M_0' },
    color: 'schedule', lo: 'lo', hi: 'hi', facet, width: 380, height: 300,
  };
  const meanSpec = lineChartSpec({
    ...meanChart,
    title: { text: `Figure 3(a): E[M_L/M_0] against L (${args.nets} nets per point, n = ${args.width})`, subtitle: legend },
    measured: meanRows, hollow: sampleRows, theory: theoryMean,
  });
  const fm2Spec = lineChartSpec({
    title: `E[M_L²]/E[M_L]² against L (FM2; dashed: exact theory, linear modules, Gaussian weights; ${args.nets} nets cannot show more than 10^${Math.log10(args.nets).toFixed(1)})`,
    x: { field: 'modules', title: 'residual modules L', log: true },
    y: { field: 'value', title: 'log10 (mean of R²)/(mean of R)², R = M_L/M_0' },
    measured: rows.map((r) => ({ convention: r.convention, schedule: r.schedule, modules: r.modules, value: r.log10_fm2_ratio })),
    theory: curves.flatMap((c) => c.fm2),
    color: 'schedule', facet, width: 380, height: 300,
  });
  // The plain ResNet (η = 1) reaches 10^90 and flattens every other curve: a second chart leaves out
  // the curves whose measured mean passes 10^ZOOM_LIMIT.
  // (An undefined estimate, NaN at tiny sizes where nets die, is not an explosion.)
  const exploding = new Set(rows.filter((r) => r.log10_mean_ratio > ZOOM_LIMIT).map((r) => `${r.convention}/${r.schedule}`));
  const kept = (r: { convention: string; schedule: string }) => !exploding.has(`${r.convention}/${r.schedule}`);
  const zoomSpec = !meanRows.some(kept) ? null : lineChartSpec({
    ...meanChart,
    title: { text: `Figure 3(a), curves that stay below 10^${ZOOM_LIMIT} (${args.nets} nets per point, n = ${args.width})`, subtitle: legend },
    measured: meanRows.filter(kept), hollow: sampleRows.filter(kept),
    theory: theoryMean.filter((r) => kept(r as { convention: string; schedule: string })),
  });
  const plot = await writePlot(path.join(args.out, 'fig3a'), meanSpec);
  // Every curve may explode (η = 1 alone, say): then there is nothing to zoom into.
  const plotZoom = zoomSpec === null ? null : await writePlot(path.join(args.out, 'fig3a_zoom'), zoomSpec);
  const plotFm2 = await writePlot(path.join(args.out, 'fig3a_fm2'), fm2Spec);

  // One line per convention × schedule at the largest L: does the mean stay bounded, as the theory says?
  const summary = rows.filter((r) => r.modules === Lmax).map((r) => {
    const s = schedules.find((x) => x.text === r.schedule)!;
    const bounded = r.convention === 'linear' ? s.summable.eta2 : s.summable.eta;
    return {
      convention: r.convention, schedule: r.schedule, modules: r.modules,
      log10_mean_ratio: r.log10_mean_ratio, log10_mean_ratio_lo: r.log10_mean_ratio_lo, log10_mean_ratio_hi: r.log10_mean_ratio_hi,
      log10_theory_ratio: r.log10_theory_ratio, theory_kind: r.theory_kind, log10_fm2_ratio: r.log10_fm2_ratio,
      sum_eta: r.sum_eta, sum_eta2: r.sum_eta2, fm1_avoided_as_L_grows: bounded ? 'yes' : 'no',
    };
  });
  const { seconds, files } = writeRunRecord(args.out, 'fig3a', args, {
    started, cellSeconds: outcome.results.reduce((s, r) => s + r.result.seconds, 0), plots: [plot, ...(plotZoom === null ? [] : [plotZoom]), plotFm2], extra: { dtype: dtype.dtype ?? 'float64', summary },
  });

  process.stdout.write(`\nFigure 3(a): log10 of the mean of M_L/M_0 (${args.nets} nets per point, n = ${args.width}, modules ${mw.join('→')}, ${args.init}; `
    + 'log10_mean_ratio with lo/hi: the per-module product and its 95% interval for linear modules, Cox\'s log-normal estimate and interval for relu modules, THEORY.md §4.10; sample_mean: the plain mean)\n');
  printTable(['convention', 'schedule', 'modules', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
    'log10_theory_lo', 'log10_theory_hi', 'log10_sample_mean_ratio', 'log10_fm2_ratio', 'mean_log10_ratio'], rows, { digits: 4 });
  process.stdout.write(`\nAt L = ${Lmax}: theory 'exact' is ∏(1 + κη²) (linear); 'mean-field' is approximate (relu, THEORY.md §7.4), exact bounds in fig3a.csv.\n`
    + 'FM1 is avoided as L grows iff Σ η_ℓ² < ∞ (linear) or Σ η_ℓ < ∞ (relu).\n');
  printTable(['convention', 'schedule', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio', 'theory_kind',
    'log10_fm2_ratio', 'sum_eta', 'sum_eta2', 'fm1_avoided_as_L_grows'], summary, { digits: 4 });
  process.stdout.write(`\nwrote ${args.out}/${files.join(', ')} in ${seconds.toFixed(1)} s\n`);
}

/**
 * Part (b): epochs of plain SGD until the target MNIST test accuracy, per convention × schedule × L,
 * with Figure 1(b)'s protocol and panel (lib/experiments/report/panel.ts); the residual net is passed to
 * train() through its config (lib/nn/residual/classifier.ts).
 */
async function runPartB(args: Args, session: Session): Promise<void> {
  const width = args['train-width'];
  const hidden = args['module-widths'] === 'n' ? [width] : args['module-widths'];
  const modules = [...args['train-modules']].sort((a, b) => a - b);
  const archs = conventions(args).flatMap((convention) => args.schedules.flatMap((schedule) => modules.map((L) => ({
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

export const FIG3 = experimentScript(FIG3_CLI, async (args, session) => {
  checkArgs(args);
  if (args.part === 'a' || args.part === 'all') await runPartA(args, session);
  if (args.part === 'b' || args.part === 'all') await runPartB(args, session);
});

if (require.main === module) main(() => FIG3.main(process.argv.slice(2)));
