// grad.js part (a) from its cells' results: the Jacobian's mean squared entry and fourth moment
// beside their exact values (grad_a.csv), C fitted per initializer (grad_a_fit.csv, report/growth.ts),
// the families compared at equal β (grad_a_equal_beta.csv), the charts, the run record and the tables.

import * as path from 'node:path';
import { publishedMeanSqCoverage } from '../../nn/dense/grad-statistics';
import { beta } from '../../nn/dense/theory';
import { compactWidths } from '../../nn/profiles';
import type { GradJacobianParams, GradJacobianResult } from '../cells/grad-jacobian';
import type { GradArchitecture } from '../cli/architectures';
import { writeCsv } from '../out/files';
import { finiteOrNull, lineChartSpec, writePlot, type Row, type WrittenPlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';
import { equalBetaAnalysis, EQUAL_BETA_COLUMNS, familyMembers } from './equal-beta';
import { fourthMomentRelSe, GROWTH_FIT_COLUMNS, growthFits, growthPoints } from './growth';

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

/** The equal-β table without Figure 2's exact and second-order columns, which describe log10(M_d/M_0), not log10 T. */
export const GRAD_EQUAL_BETA_COLUMNS = EQUAL_BETA_COLUMNS.filter((c) => !['D_all_exact', 'D_live_exact', 'D_live_second_order', 'delta_S2', 'exact_misfit'].includes(c));

export interface GradARowOut extends Record<string, string | number | boolean | null> {
  arch: string; init: string; family: string; depth: number; beta: number; nets: number; beta_target: number | null;
}

/** One row of grad_a.csv: a cell's Jacobian moments beside their exact values, with the measured coverage of its interval. */
function gradARow(arch: GradArchitecture, p: GradJacobianParams, r: GradJacobianResult): GradARowOut {
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

/** Writes grad_a.csv, grad_a_fit.csv, grad_a_equal_beta.csv, the charts and the run record, and prints the tables. */
export async function reportGradA(args: { readonly out: string }, results: readonly CellResult<GradJacobianParams, GradJacobianResult, GradArchitecture>[], run: { started: number; out: NodeJS.WritableStream }): Promise<void> {
  const { started } = run;
  const rows = results.map(({ meta, params, result }) => gradARow(meta, params, result));
  const fits = growthFits(growthPoints(rows));
  // Equal β, net by net: the law of log10 T over nets (dead atom, then live nets), as for Figure 2.
  const equalBeta = equalBetaAnalysis(familyMembers(rows, results.map(({ params, result }) => ({
    method: 'net', init: params.init, widths: params.widths, nets: result.nets, dead: result.dead,
    sketch: result.log10_mean_sq_sketch, liveSketch: result.log10_live_sketch,
  }))), { exact: false });
  writeCsv(path.join(args.out, 'grad_a.csv'), GRAD_A_COLUMNS, rows);
  writeCsv(path.join(args.out, 'grad_a_fit.csv'), GROWTH_FIT_COLUMNS, fits);
  writeCsv(path.join(args.out, 'grad_a_equal_beta.csv'), GRAD_EQUAL_BETA_COLUMNS, equalBeta);
  const plots = await writePartAPlots(args, rows, fits);
  const written = writeRunRecord(args.out, 'grad_a', args, { started, cellSeconds: cellSeconds(results), csvs: ['grad_a.csv', 'grad_a_fit.csv', 'grad_a_equal_beta.csv'], plots });

  run.out.write('\ngrad (a): the mean squared Jacobian entry (bootstrap-t 95% interval; coverage measured in THEORY.md §10.9) and E[Z⁴]/E[Z²]², theory exact (§10.2–10.3)\n');
  printTable(['init', 'arch', 'beta', 'nets', 'mean_sq_jacobian', 'mean_sq_jacobian_lo', 'mean_sq_jacobian_hi', 'mean_sq_jacobian_theory', 'coverage_table', 'undercovers',
    'normalized_fourth_moment', 'normalized_fourth_moment_theory', 'dead_fraction', 'dead_fraction_exact'], rows, { digits: 4, stream: run.out });
  run.out.write('\nC of E[Z⁴]/E[Z²]² ≈ a·e^{Cx} per initializer, weighted least squares (weights 1/se², se = √((r⁴ − 1)/nets), THEORY.md §10.13); the claim uses x = β:\n');
  printTable([...GROWTH_FIT_COLUMNS], fits, { digits: 3, stream: run.out });
  if (equalBeta.length > 0) {
    run.out.write('\nEqual β, different width profiles: dead fractions (measured, exact) and the largest KS distance of log10 T between families, all nets and live nets:\n');
    printTable(['init', 'depth', 'beta_target', 'families', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'D_all', 'D_live', 'pair_live', 'crit_1e6', 'next_beta', 'min_D_live_next_beta'], equalBeta, { digits: 3, stream: run.out });
  }
  printWritten(args.out, written, run.out);
}

async function writePartAPlots(args: { readonly out: string }, rows: readonly GradARowOut[], fits: ReturnType<typeof growthFits>): Promise<WrittenPlot[]> {
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
  return { init: r.init, family: r.family, beta: r.beta, log10_ratio: finiteOrNull(v), lo: se === null ? null : v - 1.96 * se, hi: se === null ? null : v + 1.96 * se };
}

function meanSqPoint(r: GradARowOut): Row {
  const t = r.mean_sq_jacobian_theory as number, lo = (r.mean_sq_jacobian_lo as number) / t;
  // A lower end of 0 (the interval reaches zero) has no place on a log axis: drawn from the bottom of the panel.
  return {
    init: r.init, family: r.family, beta: r.beta, ratio: (r.mean_sq_jacobian as number) / t, lo: lo > 0 ? lo : null, hi: (r.mean_sq_jacobian_hi as number) / t,
    coverage: r.undercovers === true ? 'undercovers' : '≈ 95%',
  };
}
