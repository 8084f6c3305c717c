// The growth of the Jacobian's normalized fourth moment E[Z⁴]/E[Z²]² with β (THEORY.md §10.3, §10.11,
// §10.13): per initializer, C fitted by weighted least squares to ln(ratio) = ln a + C·x, x = β or
// β′ = Σ_{j<d} 1/n_j, on the measured ratios and, with the same weights, on the exact ones. The weights
// come from the theory, not from the sample: a heavy-tailed sample understates its own spread. grad.js
// writes the fits (grad_a_fit.csv) and the report's claim refits them from grad_a.csv with this code.

import { weightedSlope } from '../../nn/stats';

/** One grad_a.csv row as the fit needs it. */
export interface GrowthPoint {
  readonly init: string;
  readonly beta: number;
  readonly betaPrime: number;
  /** ln of mean Z⁴/(mean Z²)² over the row's nets, and its standard error (`fourthMomentRelSe`; the weight is 1/se²). */
  readonly lnMeasured: number;
  readonly lnSd: number;
  /** ln E[Z⁴]/E[Z²]², exact; NaN where no recursion is known (orthogonal). */
  readonly lnExact: number;
  /** r = E[T²]/E[T]² of the row (§10.5). */
  readonly r: number;
}

/** grad_a.csv rows (as grad.js builds them, or as read back from the CSV) as the fit reads them. */
export function growthPoints(rows: readonly Readonly<Record<string, unknown>>[]): GrowthPoint[] {
  const n = (v: unknown) => (typeof v === 'number' ? v : NaN);
  return rows.map((r) => ({
    init: String(r.init), beta: n(r.beta), betaPrime: n(r.beta_prime),
    lnMeasured: Math.log(n(r.normalized_fourth_moment)), lnSd: n(r.fourth_moment_rel_se),
    lnExact: Math.log(n(r.normalized_fourth_moment_theory)), r: n(r.mean_sq_r_theory),
  }));
}

/**
 * The relative standard error of the sample fourth moment over `nets` nets, √((r_F − 1)/nets) with
 * r_F = E[F²]/E[F]² of the per-net mean F of Z⁴ taken as r⁴, r = E[T²]/E[T]² exact (§10.5): exact if
 * log T were normal, and within the sampling error of r_F measured on 1,500–6,000 nets at β = 0.1–0.5
 * (THEORY.md §10.13). It also serves for ln of the normalized ratio, whose denominator moves with F.
 */
export function fourthMomentRelSe(r: number, nets: number): number {
  return Math.sqrt((r ** 4 - 1) / nets);
}

export interface GrowthFit extends Record<string, string | number> {
  init: string;
  /** 'beta' or 'beta_prime'. */
  x: string;
  rows: number;
  beta_min: number;
  beta_max: number;
  C_measured: number;
  /** √(1/Σw(x − x̄)²) with w = 1/se²: the slope's standard error if the rows' se are right. */
  C_measured_se: number;
  ln_a_measured: number;
  C_exact: number;
  ln_a_exact: number;
  /** (C_measured − C_exact)/C_measured_se. */
  z: number;
  /** The wide-layer limit of every law, 5 (§10.3). */
  C_leading_order: number;
}

export const GROWTH_FIT_COLUMNS = [
  'init', 'x', 'rows', 'beta_min', 'beta_max', 'C_measured', 'C_measured_se', 'ln_a_measured', 'C_exact', 'ln_a_exact', 'z', 'C_leading_order',
] as const;

/**
 * Per initializer with an exact theory, the fits against β and β′ over every row with a finite
 * measurement (all nets dead leaves none); a fit needs x values at least 0.05 apart (families hit a
 * target β only to within --beta-tol). Rows whose sample cannot see the fourth moment get a large se
 * and so almost no weight.
 */
export function growthFits(points: readonly GrowthPoint[]): GrowthFit[] {
  const out: GrowthFit[] = [];
  for (const init of [...new Set(points.map((p) => p.init))]) {
    const ps = points.filter((p) => p.init === init && Number.isFinite(p.lnMeasured) && Number.isFinite(p.lnExact) && p.lnSd > 0);
    for (const x of ['beta', 'beta_prime'] as const) {
      const xs = ps.map((p) => (x === 'beta' ? p.beta : p.betaPrime));
      if (xs.length < 2 || Math.max(...xs) - Math.min(...xs) < 0.05) continue;
      const sds = ps.map((p) => p.lnSd);
      const m = weightedSlope(xs, ps.map((p) => p.lnMeasured), sds), e = weightedSlope(xs, ps.map((p) => p.lnExact), sds);
      out.push({
        init, x, rows: ps.length, beta_min: Math.min(...ps.map((p) => p.beta)), beta_max: Math.max(...ps.map((p) => p.beta)),
        C_measured: m.slope, C_measured_se: m.se, ln_a_measured: m.intercept, C_exact: e.slope, ln_a_exact: e.intercept, z: (m.slope - e.slope) / m.se, C_leading_order: 5,
      });
    }
  }
  return out;
}
