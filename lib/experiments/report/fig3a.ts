// Figure 3(a) from its cells' results: one row per convention × schedule × L (fig3a.csv), the theory's
// curves at every L for the dashed lines, the charts of the mean (all curves, and those that stay
// bounded) and of E[M_L²]/E[M_L]², the run record and the printed tables.

import * as path from 'node:path';
import { initializerById } from '../../nn/init';
import { moduleWidths, type ModuleConvention } from '../../nn/residual/net';
import { parseSchedule, scales, type Schedule } from '../../nn/residual/schedule';
import { log10LinearGaussianSecondMomentRatio, log10LinearMeanRatio, log10ReluMeanFieldRatios, moduleKappa } from '../../nn/residual/theory';
import type { ResidualCellParams, ResidualCellResult } from '../cells/residual-lengths';
import { conventionsOf, type ConventionChoice } from '../cli/residual';
import { writeCsv } from '../out/files';
import { lineChartSpec, writePlot, type Row } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';

export const FIG3A_COLUMNS = [
  'convention', 'schedule', 'modules', 'width', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi',
  'log10_theory_ratio', 'log10_second_moment_ratio', 'mean_log10_ratio', 'sd_log10_ratio',
  // Extra columns after the fixed ones.
  'theory_kind', 'log10_theory_lo', 'log10_theory_hi', 'log10_theory_second_moment_ratio', 'log10_fm2_ratio',
  'sum_eta', 'sum_eta2', 'kappa', 'module_widths', 'init', 'dead', 'estimator', 'log10_sample_mean_ratio',
] as const;

/** log10 of the largest mean the zoomed chart (fig3a_zoom) keeps. */
const ZOOM_LIMIT = 10;

/** The settings the report reads (fig3.js's flags; the whole object is recorded as the run's config). */
export interface Fig3aArgs {
  readonly out: string;
  readonly convention: ConventionChoice;
  readonly schedules: readonly string[];
  readonly modules: readonly number[];
  readonly width: number;
  readonly init: string;
  readonly nets: number;
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

/** Writes fig3a.csv, the charts and the run record, and prints the tables. */
export async function reportFig3a(args: Fig3aArgs, results: readonly CellResult<ResidualCellParams, ResidualCellResult>[], run: { started: number; dtype: string; out: NodeJS.WritableStream; hidden: readonly number[] }): Promise<void> {
  const schedules = args.schedules.map(parseSchedule);
  const mw = moduleWidths(args.width, run.hidden);
  const rows = results.flatMap(({ params, result }) => result.points.map((pt) => ({
    convention: params.convention, schedule: params.schedule, width: params.width, kappa: result.kappa,
    module_widths: mw.join('-'), init: params.init, ...pt,
  })));
  writeCsv(path.join(args.out, 'fig3a.csv'), FIG3A_COLUMNS, rows);

  const Lmax = Math.max(...args.modules);
  const curves = conventionsOf(args.convention).flatMap((c) => schedules.map((s) => theoryCurve(c, s, Lmax, mw, args.init)));
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
  const written = writeRunRecord(args.out, 'fig3a', args, {
    started: run.started, cellSeconds: cellSeconds(results), plots: [plot, ...(plotZoom === null ? [] : [plotZoom]), plotFm2], extra: { dtype: run.dtype, summary },
  });

  run.out.write(`\nFigure 3(a): log10 of the mean of M_L/M_0 (${args.nets} nets per point, n = ${args.width}, modules ${mw.join('→')}, ${args.init}; `
    + 'log10_mean_ratio with lo/hi: the per-module product and its 95% interval for linear modules, Cox\'s log-normal estimate and interval for relu modules, THEORY.md §4.10; sample_mean: the plain mean)\n');
  printTable(['convention', 'schedule', 'modules', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
    'log10_theory_lo', 'log10_theory_hi', 'log10_sample_mean_ratio', 'log10_fm2_ratio', 'mean_log10_ratio'], rows, { digits: 4, stream: run.out });
  run.out.write(`\nAt L = ${Lmax}: theory 'exact' is ∏(1 + κη²) (linear); 'mean-field' is approximate (relu, THEORY.md §7.4), exact bounds in fig3a.csv.\n`
    + 'FM1 is avoided as L grows iff Σ η_ℓ² < ∞ (linear) or Σ η_ℓ < ∞ (relu).\n');
  printTable(['convention', 'schedule', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio', 'theory_kind',
    'log10_fm2_ratio', 'sum_eta', 'sum_eta2', 'fm1_avoided_as_L_grows'], summary, { digits: 4, stream: run.out });
  printWritten(args.out, written, run.out);
}
