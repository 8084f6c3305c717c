// Figure 2(a) from its cells' results: one row per architecture × initializer × method with the exact
// theory beside every measurement (fig2a.csv), the equal-β comparison of the families
// (fig2a_equal_beta.csv, report/equal-beta.ts), the charts, the run record and the printed tables.

import * as path from 'node:path';
import {
  expectedVHatRatio, gains, log10RatioQuantile, log10SecondMoments, logRatioLaw, netsForSecondMoment, secondMomentSpread,
} from '../../nn/dense/theory';
import { initializerById } from '../../nn/init';
import { compactWidths } from '../../nn/profiles';
import type { Fm2CellParams, Fm2CellResult, Fm2Method } from '../cells/fm2';
import type { Architecture } from '../cli/architectures';
import { writeCsv } from '../out/files';
import { finiteOrNull, lineChartSpec, writePlot, type Row, type WrittenPlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';
import { equalBetaAnalysis, equalBetaChartSpec, EQUAL_BETA_COLUMNS, familyMembers, type EqualBetaRow } from './equal-beta';

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

/** The settings the report reads (fig2.js's flags; the whole object is recorded as the run's config). */
export interface Fig2aArgs {
  readonly out: string;
  readonly nets: number;
  readonly 'sampler-nets': number;
  readonly 'input-dim': number;
}

/** Writes fig2a.csv, fig2a_equal_beta.csv, the charts and the run record, and prints the tables. */
export async function reportFig2a(args: Fig2aArgs, results: readonly CellResult<Fm2CellParams, Fm2CellResult, Architecture>[], run: { started: number; dtype: string; out: NodeJS.WritableStream }): Promise<void> {
  const rows = results.map(({ meta, params, result }) => fig2aRow(meta, params.init, params.widths, result, params.method, args['input-dim']));
  const equalBeta = equalBetaAnalysis(familyMembers(rows, results.map(({ params, result }) => ({
    method: params.method, init: params.init, widths: params.widths, nets: result.nets, dead: result.dead,
    sketch: result.log10_ratio_sketch, liveSketch: result.log10_live_sketch,
  }))));
  writeCsv(path.join(args.out, 'fig2a.csv'), FIG2A_COLUMNS, rows);
  writeCsv(path.join(args.out, 'fig2a_equal_beta.csv'), EQUAL_BETA_COLUMNS, equalBeta);

  // Equal β needs two families at one β and depth; a run of one family has no comparison to draw.
  const plots = [...await writePlots(args, rows), ...(equalBeta.length === 0 ? [] : [await writePlot(path.join(args.out, 'fig2a_equal_beta'), equalBetaChartSpec(equalBeta))])];
  const written = writeRunRecord(args.out, 'fig2a', args, {
    started: run.started, cellSeconds: cellSeconds(results), csvs: ['fig2a.csv', 'fig2a_equal_beta.csv'], plots, extra: { dtype: run.dtype },
  });
  printSummary(args, rows, equalBeta, run.out);
  printWritten(args.out, written, run.out);
}

export interface Fig2aRow extends Record<string, string | number | boolean | null> {
  arch: string; init: string; method: string; family: string; depth: number; beta: number; nets: number; beta_target: number | null;
}

/** One row of fig2a.csv: a cell's measurements beside their exact theory (THEORY.md §3.7, §4.5, §4.8, §5). */
function fig2aRow(arch: Architecture, init: string, widths: readonly number[], result: Fm2CellResult, method: Fm2Method, inputDim: number): Fig2aRow {
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

async function writePlots(args: Fig2aArgs, rows: readonly Fig2aRow[]): Promise<WrittenPlot[]> {
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

function printSummary(args: Fig2aArgs, rows: readonly Fig2aRow[], equalBeta: readonly EqualBetaRow[], out: NodeJS.WritableStream): void {
  const view = rows.map((r) => ({
    ...r,
    'measured/theory': (r.second_moment as number) / (r.second_moment_theory as number),
    trusted: r.trustworthy ? 'yes' : 'no',
  }));
  out.write(`\nFigure 2(a): second moment of R = M_d/M_0 (theory exact, THEORY.md §3.7), V̂/M_0² (§5), median log10 R (§4.8: log-normal, cf = with the skew term)\n`);
  out.write(`method: net = real nets (${args.nets} per row), exact_sampler = the exact Gaussian law (§4.2, ${args['sampler-nets']} paths)\n`);
  printTable(['method', 'init', 'family', 'depth', 'beta', 'nets', 'second_moment', 'second_moment_theory', 'measured/theory',
    'nets_needed', 'trusted', 'var_hat_mean', 'var_hat_theory', 'q50_log10_ratio', 'q50_log10_theory', 'q50_log10_cf', 'dead'], view, { digits: 4, stream: out });
  // Per β, the sample size the second moment needs (§4.7, §4.9): log-normal surrogate and the exact range.
  const byBeta = new Map<number, Fig2aRow[]>();
  for (const r of rows) {
    const t = r.beta_target ?? Number(r.beta.toPrecision(3));
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
  out.write('\nNets needed for a trustworthy sample second moment at each β (THEORY.md §4.7, §4.9): precision = within 10% at 2 se,\n'
    + 'skewness = skewness of the mean ≤ 0.15; exact values for these architectures (largest over families), and the e^{20β} log-normal surrogate:\n');
  printTable(['beta', 'measured_with', 'precision_rule', 'skewness_rule', 'log-normal_surrogate'], need, { digits: 3, stream: out });
  out.write('(exact: r = E[R⁴]/E[R²]² of each architecture, §4.4; beyond β ≈ 0.3 no feasible sample measures E[R²]: compare the quantiles instead)\n');
  if (equalBeta.length > 0) {
    out.write('\nEqual β, different width profiles (THEORY.md §6.8): the largest KS distance of log10(M_d/M_0) between two families, over all nets\n'
      + '(D_all: the dead atom included) and over live nets (D_live), each beside the exact distance of the Gaussian law; D_live_second_order:\n'
      + 'the Σ1/n_j² prediction; dead: measured fraction range, p_dead: exact 1 − ∏(1 − 2^(−n_j)); exact_misfit ≤ 1: measured agrees with exact:\n');
    printTable(['method', 'init', 'depth', 'beta_target', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'D_all', 'D_all_exact',
      'D_live', 'D_live_exact', 'D_live_second_order', 'exact_misfit', 'crit_1e6', 'min_D_live_next_beta'], equalBeta, { digits: 3, stream: out });
  }
}
