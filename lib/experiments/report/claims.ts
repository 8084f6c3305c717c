// The paper's claims, each checked against what a figure script wrote: a prediction, what was
// measured, and a verdict. Verdicts are mechanical and stated with their rule, so a reader can
// disagree with the rule rather than with a hidden judgement.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { initializerById, gain } from '../../nn/init';
import { parseSchedule } from '../../nn/residual/schedule';
import { readCsv, type CsvRow } from '../out/csv';
import { binomialLowerQuantile, binomialTwoSidedP, weightedSlope } from '../../nn/stats';
import { logGamma, normalCdf, normalQuantile, studentTQuantile } from '../../nn/special';
import { Rng } from '../../tensor/rng';
import { growthFits, growthPoints } from './growth';

export type Verdict = 'holds' | 'fails' | 'inconclusive' | 'not run';

export interface Claim {
  readonly figure: string;
  readonly claim: string;
  /** The quantity measured, named with its estimator (e.g. the per-layer product estimate of log10 E[M_d/M_0]). */
  readonly statistic: string;
  /** The test or rule that turns it into a verdict, with its level. */
  readonly test: string;
  /** The sample the statistic rests on: nets, runs, replicates, points. */
  readonly sample: string;
  readonly prediction: string;
  readonly measured: string;
  readonly verdict: Verdict;
  /** How the verdict was decided. */
  readonly rule: string;
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
/** A p-value to 2 significant digits: 4 decimals would print a tiny one as 0.0000. */
const fmtP = (p: number) => (p > 0 && p < 0.001 ? p.toExponential(1) : fmt(p, 4));
const num = (r: CsvRow, k: string) => (typeof r[k] === 'number' ? (r[k] as number) : NaN);
/** The share of training runs that reached the target, over summary rows with `reached` and `runs`. */
const reachRate = (rs: readonly CsvRow[]) => rs.reduce((s, r) => s + num(r, 'reached'), 0) / Math.max(1, rs.reduce((s, r) => s + num(r, 'runs'), 0));
/** [runs that reached the target, runs], summed over the rows. */
const reachCount = (rs: readonly CsvRow[]) => [rs.reduce((s, r) => s + num(r, 'reached'), 0), rs.reduce((s, r) => s + num(r, 'runs'), 0)];
/** Mean epochs to the target over the runs that reached it (NaN when none did). */
function meanEpochs(rs: readonly CsvRow[]): number {
  const ok = rs.filter((r) => Number.isFinite(num(r, 'mean_epochs_to_target')));
  return ok.length === 0 ? NaN : ok.reduce((s, r) => s + num(r, 'mean_epochs_to_target') * num(r, 'reached'), 0) / ok.reduce((s, r) => s + num(r, 'reached'), 0);
}

/**
 * The slope of the estimate of log10 E[M/M_0] against x (depth, modules), measured (weighted by the
 * 95% intervals) against the theory column's least-squares slope, one claim per group (initializer...).
 * `estimator` names how each point and its interval were estimated.
 */
export function slopeClaims(figure: string, rows: readonly CsvRow[], groupField: string, what: (group: string, theorySlope: number) => string,
  estimator = 'the per-layer product estimate of log10 E[M_d/M_0] (THEORY.md §4.10)', errors: 'intervals' | 'scatter' = 'intervals',
  x = 'depth', y = 'log10_mean_ratio', theory = 'log10_theory_ratio'): Claim[] {
  const groups = [...new Set(rows.map((r) => String(r[groupField])))];
  return groups.map((g) => {
    const mine = rows.filter((r) => String(r[groupField]) === g && Number.isFinite(num(r, `${y}_lo`)) && Number.isFinite(num(r, `${y}_hi`)));
    if (mine.length < 2) return notRun(figure, `${g}: too few points for a slope`);
    const xs = mine.map((r) => num(r, x));
    const t = weightedSlope(xs, mine.map((r) => num(r, theory)), xs.map(() => 1)).slope;
    // 'intervals': weights and se from each point's (calibrated) 95% interval. 'scatter': the points'
    // intervals are not trusted, so the slope of estimate − theory is fitted by ordinary least squares
    // and its se comes from the residuals (Student t with points − 2 degrees of freedom).
    const fit = errors === 'intervals'
      ? { ...weightedSlope(xs, mine.map((r) => num(r, y)), mine.map((r) => (num(r, `${y}_hi`) - num(r, `${y}_lo`)) / (2 * 1.96))), limit: 3 }
      : scatterSlope(xs, mine.map((r) => num(r, y)), mine.map((r) => num(r, theory)), t);
    const { slope, se, limit } = fit;
    if (!Number.isFinite(se)) return notRun(figure, `${g}: too few points for a slope and its error`);
    return {
      figure, claim: what(g, t),
      statistic: `${errors === 'intervals' ? 'weighted' : 'ordinary'} least-squares slope against ${x} of ${estimator}`,
      test: errors === 'intervals'
        ? 'z-test: |slope − predicted| ≤ 3 standard errors (weights 1/se², se from each point\'s 95% interval, whose coverage is measured)'
        : `t-test: |slope − predicted| ≤ ${fmt(limit, 2)} standard errors (Student t, ${mine.length - 2} df, two-sided 0.0027; se from the points' scatter about the theory, not from their intervals)`,
      sample: `${mine.length} ${x} values × ${mine[0].nets} nets each`,
      prediction: `${fmt(t)} per unit of ${x}`,
      measured: `${fmt(slope)} ± ${fmt(se)}`,
      verdict: Math.abs(slope - t) <= limit * se ? 'holds' : 'fails',
      rule: 'slope claims hold when |measured − predicted| ≤ 3 standard errors of the least-squares slope (Student-t quantile at the same level when the se comes from the scatter)',
    };
  });
}

/**
 * Slope of `ys` against `xs` as the theory's slope `t` plus the OLS slope of ys − theory, with the se
 * from the residuals and the Student-t limit at two-sided level 0.0027 (3σ).
 */
function scatterSlope(xs: readonly number[], ys: readonly number[], theory: readonly number[], t: number): { slope: number; se: number; limit: number } {
  const n = xs.length;
  if (n < 3) return { slope: NaN, se: NaN, limit: NaN };
  const diff = ys.map((y, i) => y - theory[i]);
  const mx = xs.reduce((a, b) => a + b, 0) / n, md = diff.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (xs[i] - mx) ** 2; sxy += (xs[i] - mx) * (diff[i] - md); }
  const b = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (diff[i] - md - b * (xs[i] - mx)) ** 2;
  return { slope: t + b, se: Math.sqrt(rss / (n - 2) / sxx), limit: studentQuantile(1 - 0.0027 / 2, n - 2) };
}

/** The p-quantile (p > ½) of Student's t with an integer ν df: P(|T| ≤ t) = 2p − 1 (special.ts). */
export function studentQuantile(p: number, nu: number): number {
  return studentTQuantile(2 * p - 1, nu);
}

/** Figure 1(a): the per-layer log10 gain of the mean equals log10 c for every initializer. */
export function fig1aClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig1a.csv');
  if (!fs.existsSync(file)) return [notRun('Figure 1(a)', 'E[M_d] changes by the factor c = fan-in·Var(w)/2 per layer')];
  const rows = readCsv(file);
  return [
    ...slopeClaims('Figure 1(a)', rows, 'init',
      (id, t) => `${id}: the mean length changes by c per layer (FM1 ${t > 0.0005 ? 'explodes' : t < -0.0005 ? 'vanishes' : 'is avoided'})`),
    ...(rows.length > 0 && 'log10_sample_band_lo' in rows[0] ? [sampleMeanClaim(rows)] : []),
  ];
}

/**
 * Figure 1(a), the paper's own statistic: the plain sample mean of N nets lies in the theory's 95% band
 * for it in about 95% of the points (a binomial count over the points).
 */
function sampleMeanClaim(rows: readonly CsvRow[]): Claim {
  const n = rows.length;
  const inside = rows.filter((r) => num(r, 'log10_sample_band_lo') <= num(r, 'log10_sample_mean_ratio') && num(r, 'log10_sample_mean_ratio') <= num(r, 'log10_sample_band_hi')).length;
  const covered = rows.filter((r) => num(r, 'log10_mean_ratio_lo') <= num(r, 'log10_theory_ratio') && num(r, 'log10_theory_ratio') <= num(r, 'log10_mean_ratio_hi')).length;
  // One-sided binomial lower bound: fewer than this many of n would happen with probability < 0.001 at p = 0.95.
  const floor = binomialLowerQuantile(n, 0.95, 1e-3);
  return {
    figure: 'Figure 1(a)', claim: 'the sample mean of N nets, the paper\'s statistic, lands where the theory says a mean of N nets lands (often below E[M_d], a heavy-tail effect)',
    statistic: 'points whose plain sample mean lies in the 95% band for it (exact Gaussian law; moment-matched for other laws, THEORY.md §4.10); beside it, points whose per-layer interval covers ∏c_j',
    test: `binomial: at least ${floor} of ${n} inside (fewer has probability < 0.001 at p = 0.95)`,
    sample: `${n} points × ${rows[0].nets} nets`,
    prediction: `≈ 95% of points inside the band; ≈ 95% of intervals cover the theory`,
    measured: `${inside}/${n} sample means inside the band; ${covered}/${n} intervals cover ∏c_j`,
    verdict: inside >= floor && covered >= floor ? 'holds' : 'fails',
    rule: 'coverage counts: fail below the 0.001 binomial quantile of n points at p = 0.95 (points are independent nets)',
  };
}

/**
 * Figure 1(b)'s claim, on any training panel over initializers and depths (`name`.csv and
 * `name`_runs.csv): fig1's part (b), and conv's part (c), which runs the same protocol on conv nets.
 * He (variance 2/fan-in) must reach the target in every run; the others' reach counts at the
 * shallowest and deepest depth are compared by a one-sided Fisher exact test, as in trendClaim.
 */
export function reachClaims(dir: string, figure: string, name: string): Claim[] {
  const file = path.join(dir, `${name}.csv`);
  const claim = 'He normal and He uniform start training at every depth; other initializations fail more often as depth grows';
  if (!fs.existsSync(file)) return [notRun(figure, claim)];
  const rows = readCsv(file);
  const isHe = (id: string) => Math.abs(gain(initializerById(id), 10, 10) - 1) < 1e-9;
  const he = rows.filter((r) => isHe(String(r.init))), other = rows.filter((r) => !isHe(String(r.init)));
  const depths = [...new Set(rows.map((r) => num(r, 'depth')))].sort((a, b) => a - b);
  const heAll = he.every((r) => num(r, 'reached') === num(r, 'runs'));
  const shallow = other.filter((r) => num(r, 'depth') === depths[0]), deep = other.filter((r) => num(r, 'depth') === depths[depths.length - 1]);
  const [kLo, nLo] = reachCount(shallow), [kHi, nHi] = reachCount(deep);
  const p = fisherOneSided(kLo, nLo, kHi, nHi);
  const at = (rs: readonly CsvRow[], d: number) => { const [k, n] = reachCount(rs); return `${k}/${n} (${fmt(100 * reachRate(rs), 0)}%) at depth ${d}`; };
  const measured = `He: ${fmt(100 * reachRate(he), 0)}% of runs reached (${he.filter((r) => num(r, 'reached') === num(r, 'runs')).length}/${he.length} depth×init cells all reached); `
    + `others: ${at(shallow, depths[0])}, ${at(deep, depths[depths.length - 1])}; Fisher p = ${fmtP(p)}`;
  const maxEpochs = Math.max(...readRuns(dir, name).map((r) => num(r, 'epochs_run')));
  // The direction agrees when fewer of the others reach deeper, or as many reach but later.
  const slower = reachRate(deep) < reachRate(shallow) || (reachRate(deep) === reachRate(shallow) && meanEpochs(deep) > meanEpochs(shallow));
  const verdict: Verdict = he.length === 0 || other.length === 0 || depths.length < 2 ? 'inconclusive'
    : !heAll ? (maxEpochs < 100 ? 'inconclusive' : 'fails')
      : p <= 0.05 ? 'holds' : slower ? 'inconclusive' : 'fails';
  return [{
    figure, claim,
    statistic: 'reach counts (runs reaching the target within the epoch limit): every He run; the others\' at the shallowest and deepest depth, pooled over their inits',
    test: 'every He run must reach; one-sided Fisher exact test on the others\' two reach counts, level 0.05',
    sample: `${rows.reduce((s, r) => s + num(r, 'runs'), 0)} runs: ${depths.length} depths × ${new Set(rows.map((r) => r.init)).size} inits × ${num(rows[0], 'runs')} runs, at most ${maxEpochs} epochs; `
      + `others: ${nLo} runs at depth ${depths[0]}, ${nHi} at depth ${depths[depths.length - 1]}`,
    prediction: 'He: 100% reach the target at every depth; others: fewer reach at the deepest depth than at the shallowest',
    measured, verdict,
    rule: 'holds when every He run reached the target and fewer of the others reach at the deepest depth than at the shallowest with Fisher p ≤ 0.05; '
      + 'inconclusive when the direction agrees without significance, or when a short epoch limit (quick preset) may explain a He miss',
  }];
}

function readRuns(dir: string, name: string): CsvRow[] {
  const f = path.join(dir, `${name}_runs.csv`);
  return fs.existsSync(f) ? readCsv(f) : [];
}

export function notRun(figure: string, claim: string): Claim {
  return { figure, claim, statistic: '', test: '', sample: '', prediction: '', measured: 'not run', verdict: 'not run', rule: '' };
}

const isTrue = (v: unknown) => v === 'true' || v === 1;

/** Figure 2(a): FM2 — the second moment and the log-length law follow β, and equal β behaves alike. */
export function fig2aClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig2a.csv');
  if (!fs.existsSync(file)) return [notRun('Figure 2(a)', 'E[M_d²]/M_0² ≈ e^{5β}; equal β, equal law')];
  const rows = readCsv(file);
  const out: Claim[] = [];
  const trusted = rows.filter((r) => isTrue(r.trustworthy));
  const ratios = trusted.map((r) => num(r, 'second_moment') / num(r, 'second_moment_theory'));
  out.push({
    figure: 'Figure 2(a)',
    claim: 'E[M_d²]/M_0² follows the exact recursion (≈ e^{5β}) wherever a sample can measure it',
    statistic: 'sample mean of R² = (M_d/M_0)² over the nets, only on rows whose sample meets the THEORY.md §4.9 size (r = E[R⁴]/E[R²]² exact)',
    test: '|measured/theory − 1| ≤ 0.15 (3 standard errors at the §4.9 size: 10% at 2 se)',
    sample: trusted.length === 0 ? 'no row large enough' : `${trusted.length} rows, β ≤ ${fmt(Math.max(...trusted.map((r) => num(r, 'beta'))), 2)}, ${[...new Set(trusted.map((r) => num(r, 'nets')))].join('/')} nets or paths each; larger β is not measurable by any feasible sample and is not used`,
    prediction: 'measured / theory = 1',
    measured: trusted.length === 0 ? 'no architecture had enough nets (see nets_needed)' : `ratio ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}`,
    verdict: trusted.length === 0 ? 'inconclusive' : ratios.every((q) => Math.abs(q - 1) <= 0.15) ? 'holds' : 'fails',
    rule: 'second moments: rows whose sample meets the THEORY.md §4.9 size (10% at 2 standard errors) must agree within 15% (3 standard errors); larger β cannot be measured by any feasible sample',
  });
  const gauss = rows.filter((r) => r.init === 'he_normal' && num(r, 'nets') > 1 && Number.isFinite(num(r, 'sd_log10_ratio')));
  const z = gauss.map((r) => (num(r, 'mean_log10_ratio') - num(r, 'mean_log10_theory')) / (num(r, 'sd_log10_ratio') / Math.sqrt(num(r, 'nets') - num(r, 'dead'))));
  const worst = z.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const zLimit = Math.max(3, normalQuantile(1 - 0.025 / Math.max(1, gauss.length)));
  out.push({
    figure: 'Figure 2(a)',
    claim: 'a typical net is far below the mean: E[log10 M_d/M_0] ≈ −(5/2)β/ln 10, exactly given by digamma sums for Gaussian weights',
    statistic: 'mean of log10(M_d/M_0) over the live nets of each He-normal row (real nets and exact-sampler paths)',
    test: `z = (mean − exact)/(sd/√live) on every row, |z| ≤ ${fmt(zLimit, 2)} (Bonferroni over the rows at level 0.05; ln R has all moments)`,
    sample: `${gauss.length} rows (β ${fmt(Math.min(...gauss.map((r) => num(r, 'beta'))), 2)}–${fmt(Math.max(...gauss.map((r) => num(r, 'beta'))), 2)}), ${[...new Set(gauss.map((r) => num(r, 'nets')))].join('/')} nets or paths each`,
    prediction: 'mean of log10(M_d/M_0) over live nets = the exact theory, at every β',
    measured: `largest |z| = ${fmt(worst, 2)}`,
    verdict: gauss.length === 0 ? 'inconclusive' : worst <= zLimit ? 'holds' : 'fails',
    rule: 'log-length means: |measured − exact theory| within a Bonferroni bound of standard errors (sd/√live nets) on every He-normal row',
  });
  out.push(...equalBetaClaims(dir));
  return out;
}

/**
 * Equal β (THEORY.md §6.8): from fig2a_equal_beta.csv. Where every width is ≥ 10 the paper's claim is
 * tested as stated: families of equal depth and β are indistinguishable among live nets (and hardly any
 * die). At all widths, the distances and dead fractions are checked against the exact Gaussian law,
 * which says where equal β stops meaning equal law: dead nets and the second-order term Σ1/n_j².
 */
export function equalBetaClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig2a_equal_beta.csv');
  if (!fs.existsSync(file)) return [];
  const all = readCsv(file);
  // The largest samples: the exact sampler when it ran, else He-normal nets.
  const rows = all.some((r) => r.method === 'exact_sampler') ? all.filter((r) => r.method === 'exact_sampler') : all.filter((r) => r.init === 'he_normal');
  const out: Claim[] = [];
  const wide = rows.filter((r) => num(r, 'min_width') >= 10);
  const n = rows.length === 0 ? 0 : num(rows[0], 'crit_1e6');
  for (const r of wide) {
    // A distance between 500-point sketches is within sketch_error (2/Q) of the samples' own distance:
    // alike when within the critical value plus that, apart when beyond it by that.
    const crit = num(r, 'crit_1e6'), sk = num(r, 'sketch_error');
    const alike = num(r, 'D_live') <= crit + sk;
    const next = r.min_D_live_next_beta === null ? null : num(r, 'min_D_live_next_beta');
    const apart = next === null || next > crit + sk;
    out.push({
      figure: 'Figure 2(a)',
      claim: `nets of equal depth and β behave alike whatever their width profile (depth ${num(r, 'depth')}, β = ${num(r, 'beta_target')}, every width ≥ 10)`,
      statistic: 'largest two-sample KS distance of log10(M_d/M_0) among live nets between the width families (500-point quantile sketches)',
      test: 'KS at α = 1e−6 (critical value for the live sample sizes, THEORY.md §6.5) plus the sketches\' resolution 2/Q, and every family distinguishable from the next β by more than that',
      sample: `${num(r, 'families')} families × ${r.method === 'exact_sampler' ? 'exact-sampler paths' : 'nets'} (${String(r.method)}); narrowest width ${num(r, 'min_width')}`,
      prediction: `D below the critical value ${fmt(crit)} + ${fmt(sk)}; the exact live distance is ${fmt(num(r, 'D_live_exact'), 4)}`,
      measured: `D_live = ${fmt(num(r, 'D_live'))} (${String(r.pair_live)}), all nets ${fmt(num(r, 'D_all'))}; dead ≤ ${fmt(100 * num(r, 'dead_max'), 2)}%; to β = ${next === null ? '—' : num(r, 'next_beta')}: D ≥ ${next === null ? '—' : fmt(next)}`,
      verdict: alike && apart ? 'holds' : 'fails',
      rule: 'equal β (every width ≥ 10): every pair of families indistinguishable among live nets by KS at α = 1e−6 (allowing the sketches\' resolution), and distinguishable from the next β',
    });
  }
  if (rows.length > 0) {
    const exact = rows.filter((r) => r.D_live_exact !== null);
    const misfit = Math.max(0, ...exact.map((r) => num(r, 'exact_misfit')));
    // Dead counts by the exact binomial test (equal-beta.ts: dead_p, the smallest per group), with
    // Bonferroni over every family's count.
    const counts = rows.reduce((k, r) => k + num(r, 'families'), 0);
    const deadP = Math.min(1, ...rows.map((r) => num(r, 'dead_p')));
    const alpha = Math.min(2 * (1 - normalCdf(3)), 0.05 / Math.max(1, counts));
    const narrow = rows.filter((r) => num(r, 'min_width') < 10).sort((x, y) => num(x, 'min_width') - num(y, 'min_width'));
    out.push({
      figure: 'Figure 2(a)',
      claim: 'where equal-β profiles differ, it is the narrow widths: their dead fractions 1 − ∏(1 − 2^(−n_j)) differ, and among live nets a second-order term in Σ1/n_j²; the exact law predicts both',
      statistic: 'per group: measured dead fractions, and the largest KS distances over all nets and over live nets, each against the exact Gaussian law (THEORY.md §6.8)',
      test: `dead counts: exact two-sided binomial p ≥ ${fmt(alpha, 2)} for each (Bonferroni over ${counts} counts); distances: |measured − exact| within the DKW bound (α = 1e−3 per sample) above and 3.3 sd below, plus the sketch resolution (misfit ≤ 1)`,
      sample: `${rows.length} groups (depths ${[...new Set(rows.map((r) => num(r, 'depth')))].join(', ')}; β ${[...new Set(rows.map((r) => num(r, 'beta_target')))].join(', ')}), ${String(rows[0].method)}; critical KS ${fmt(n)}`,
      prediction: 'dead fractions and distances equal the exact ones',
      measured: `smallest dead-count p ${fmt(deadP, 2)}, largest misfit ${fmt(misfit, 2)}; narrowest groups: ${narrow.slice(0, 4).map((r) => `d ${num(r, 'depth')} β ${num(r, 'beta_target')} (width ${num(r, 'min_width')}): dead ${fmt(100 * num(r, 'p_dead_min'), 1)}–${fmt(100 * num(r, 'p_dead_max'), 1)}%, D_all ${fmt(num(r, 'D_all'))}, D_live ${fmt(num(r, 'D_live'))} (exact ${fmt(num(r, 'D_live_exact'))})`).join('; ')}`,
      verdict: exact.length === 0 ? 'inconclusive' : misfit <= 1 && deadP >= alpha ? 'holds' : 'fails',
      rule: 'exact law: every group\'s dead counts and KS distances agree with the exact Gaussian law within their sampling tolerances',
    });
  }
  return out;
}

/**
 * Figure 2(b), beside β: at equal β, do the families that train worse have more dead nets? Within each
 * β group, Spearman's ρ between the exact dead fraction and the final test accuracy, summed over the
 * groups; its p-value from 10,000 seeded permutations within the groups (families are exchangeable
 * under "no association").
 */
export function fig2bDeadClaim(dir: string): Claim {
  const file = path.join(dir, 'fig2b.csv');
  const claim = 'at equal β, the families that train worse are those with more dead nets at init (exact dead fraction)';
  if (!fs.existsSync(file)) return notRun('Figure 2(b)', claim);
  const rows = readCsv(file).filter((r) => Number.isFinite(num(r, 'p_dead')));
  const groups = [...new Set(rows.map((r) => num(r, 'beta_target')))].map((b) => rows.filter((r) => num(r, 'beta_target') === b))
    .filter((g) => g.length >= 3 && Math.max(...g.map((r) => num(r, 'p_dead'))) - Math.min(...g.map((r) => num(r, 'p_dead'))) > 0.01);
  const stat = (perm: (g: CsvRow[]) => number[]) => groups.reduce((s, g) => s + spearman(g.map((r) => num(r, 'p_dead')), perm(g)), 0);
  const acc = (g: CsvRow[]) => g.map((r) => -num(r, 'mean_final_test_acc'));
  const t = stat(acc);
  const rng = new Rng(20180601);
  let atLeast = 0;
  const B = 10000;
  for (let b = 0; b < B; b++) {
    if (stat((g) => { const a = acc(g); rng.shuffle(a); return a; }) >= t - 1e-12) atLeast++;
  }
  const p = (atLeast + 1) / (B + 1);
  const runs = rows.length === 0 ? 0 : num(rows[0], 'runs');
  return {
    figure: 'Figure 2(b)', claim,
    statistic: 'Σ over β groups of Spearman ρ(exact dead fraction, −mean final test accuracy) across the families',
    test: 'one-sided permutation test within β groups (10,000 seeded permutations), level 0.05',
    sample: `${groups.length} β groups whose dead fractions differ by > 1%, ${groups.map((g) => g.length).join('/')} families, ${runs} runs each`,
    prediction: 'ρ > 0: more dead nets, lower accuracy',
    measured: `Σρ = ${fmt(t, 2)} over ${groups.length} groups, p = ${fmt(p, 3)}; ${groups.map((g) => `β ${num(g[0], 'beta_target')}: ` + g.map((r) => `${String(r.family)} ${fmt(100 * num(r, 'p_dead'), 1)}% dead, acc ${fmt(num(r, 'mean_final_test_acc'), 3)}`).join(', ')).join('; ')}`,
    verdict: groups.length === 0 ? 'inconclusive' : p <= 0.05 ? 'holds' : 'inconclusive',
    rule: 'dead fraction and training: holds when the permutation p ≤ 0.05; otherwise inconclusive (few runs and groups cannot show an association)',
  };
}

/** Spearman's rank correlation (average ranks for ties). */
function spearman(x: readonly number[], y: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x), ry = rank(y), n = x.length;
  const mx = (n - 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (rx[i] - mx) * (ry[i] - mx); sxx += (rx[i] - mx) ** 2; syy += (ry[i] - mx) ** 2; }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/**
 * Figures 2(b), 3(b): training slows or fails as the governing parameter grows. The reach counts at the
 * smallest and largest x are compared by a one-sided Fisher exact test.
 */
export function trendClaim(figure: string, file: string, x: string, claim: string): Claim {
  if (!fs.existsSync(file)) return notRun(figure, claim);
  const rows = readCsv(file);
  const xs = [...new Set(rows.map((r) => num(r, x)))].sort((a, b) => a - b);
  const at = (v: number) => rows.filter((r) => num(r, x) === v);
  const lo = at(xs[0]), hi = at(xs[xs.length - 1]);
  const [kLo, nLo] = reachCount(lo), [kHi, nHi] = reachCount(hi);
  const p = fisherOneSided(kLo, nLo, kHi, nHi);
  const measured = xs.map((v) => { const [k, n] = reachCount(at(v)); return `${x} ${fmt(v, 2)}: ${k}/${n} reached, ${fmt(meanEpochs(at(v)), 2)} epochs`; }).join('; ') + `; Fisher p = ${fmtP(p)}`;
  const slower = reachRate(hi) < reachRate(lo) || (reachRate(hi) === reachRate(lo) && meanEpochs(hi) > meanEpochs(lo));
  return {
    figure, claim,
    statistic: `reach counts (runs reaching the target) at the smallest and largest ${x}, pooled over the architectures there; mean epochs of the runs that reached beside them`,
    test: 'one-sided Fisher exact test on the two reach counts, level 0.05',
    sample: `${nLo} runs at ${x} = ${fmt(xs[0], 2)}, ${nHi} at ${fmt(xs[xs.length - 1], 2)} (${rows.length} architectures × ${num(rows[0], 'runs')} runs in all)`,
    prediction: `fewer runs reach the target at the largest ${x} than at the smallest`, measured,
    verdict: xs.length < 2 ? 'inconclusive' : p <= 0.05 ? 'holds' : slower ? 'inconclusive' : 'fails',
    rule: `training trends: holds when fewer runs reach at the largest ${x} than at the smallest with Fisher p ≤ 0.05; inconclusive when the direction agrees without significance`,
  };
}

/** P(X ≥ a) for X hypergeometric with the margins of [[a, na − a], [b, nb − b]]: group a reaches more often. */
export function fisherOneSided(a: number, na: number, b: number, nb: number): number {
  const k = a + b, n = na + nb;
  const logFactorial = (m: number) => logGamma(m + 1);
  const logC = (m: number, r: number) => logFactorial(m) - logFactorial(r) - logFactorial(m - r);
  let p = 0;
  for (let x = a; x <= Math.min(k, na); x++) p += Math.exp(logC(na, x) + logC(nb, k - x) - logC(n, k));
  return Math.min(1, p);
}

/**
 * Each group's estimate against the theory at every x: z = (estimate − theory)/sd with the sd of the
 * 95% interval, which is centred on the estimate (per-module product or Cox).
 */
export function curveClaims(figure: string, rows: readonly CsvRow[], groupFields: readonly string[], x: string,
  what: (group: string, finalTheory: number) => string): Claim[] {
  const key = (r: CsvRow) => groupFields.map((g) => String(r[g])).join(' ');
  const groups = [...new Set(rows.map(key))];
  return groups.map((g) => {
    const mine = rows.filter((r) => key(r) === g && Number.isFinite(num(r, 'log10_mean_ratio_lo')) && Number.isFinite(num(r, 'log10_mean_ratio_hi')))
      .sort((a, b) => num(a, x) - num(b, x));
    if (mine.length === 0) return notRun(figure, `${g}: no points`);
    const zs = mine.map((r) => {
      const lo = num(r, 'log10_mean_ratio_lo'), hi = num(r, 'log10_mean_ratio_hi');
      return ((lo + hi) / 2 - num(r, 'log10_theory_ratio')) / Math.max((hi - lo) / (2 * 1.96), 1e-12);
    });
    const worst = zs.reduce((m, z) => Math.max(m, Math.abs(z)), 0);
    const last = mine[mine.length - 1];
    const limit = Math.max(3, normalQuantile(1 - 0.025 / mine.length));
    const estimator = String(last.estimator ?? '') === 'per_module_product' ? 'the per-module product estimate (THEORY.md §4.10)'
      : 'Cox\'s log-normal estimate (coverage measured in THEORY.md §4.10)';
    const theoryKind = String(last.theory_kind ?? 'exact');
    return {
      figure, claim: what(g, num(last, 'log10_theory_ratio')),
      statistic: `${estimator} of log10 E[M_L/M_0] at each ${x}, against the ${theoryKind} theory`,
      test: `z = (estimate − theory)/se at every point, |z| ≤ ${fmt(limit, 2)} (Bonferroni over the points at level 0.05)`,
      sample: `${mine.length} values of ${x} × ${num(last, 'nets')} nets (points of a nested schedule share nets)`,
      prediction: `log10 E[M/M_0] = ${fmt(num(last, 'log10_theory_ratio'), 2)} at ${x} = ${num(last, x)}`,
      measured: `${fmt((num(last, 'log10_mean_ratio_lo') + num(last, 'log10_mean_ratio_hi')) / 2, 2)} [${fmt(num(last, 'log10_mean_ratio_lo'), 2)}, ${fmt(num(last, 'log10_mean_ratio_hi'), 2)}]; largest |z| over ${mine.length} points ${fmt(worst, 2)}`,
      verdict: worst <= limit ? 'holds' : 'fails',
      rule: 'curves: every point\'s estimate agrees with the theory within a Bonferroni bound of its standard errors (|z| ≤ Φ⁻¹(1 − 0.025/points), at least 3)',
    };
  });
}

/** Figure 3(a): residual nets — the mean follows ∏(1 + κη²) (linear modules) or its ReLU analogue. */
export function fig3aClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig3a.csv');
  if (!fs.existsSync(file)) return [notRun('Figure 3(a)', 'summable residual scales avoid FM1')];
  return curveClaims('Figure 3(a)', readCsv(file), ['convention', 'schedule'], 'modules',
    (g, t) => `${g}: the mean length follows the theory as modules are added (10^${fmt(t, 1)} at the largest L)`);
}

/** Conv nets (a): the per-layer gain of the mean is c with fan-in = kernel area × channels. */
export function convAClaims(dir: string): Claim[] {
  const file = path.join(dir, 'conv_a.csv');
  if (!fs.existsSync(file)) return [notRun('Conv (a)', 'E[M_d] changes by c per conv layer')];
  return slopeClaims('Conv (a)', readCsv(file), 'init', (id) => `${id}: the mean length of a deep conv net changes by c = kernel area·C_in·Var(w)/2 per layer, times the padding's border loss (THEORY.md §8)`,
    'log10 of the sample mean of M_d/M_0 (the per-layer product does not apply with borders, THEORY.md §8.1, and Cox\'s log-normal estimate runs low; its bootstrap-t intervals\' coverage is in §4.10)', 'scatter');
}

/**
 * Whether theory says FM1 is avoided as L grows, in the sense of THEORY.md §7.2: E[M_L]/M_0 stays bounded.
 * Σ η² < ∞ for linear modules, Σ η < ∞ for relu (η = 1/ℓ with relu modules grows like a power of L:
 * sub-exponential, but not bounded, so not avoided in this sense).
 */
function fm1Avoided(convention: string, schedule: string): boolean {
  const s = parseSchedule(schedule);
  return convention === 'linear' ? s.summable.eta2 : s.summable.eta;
}

/**
 * Figure 3(a), beyond the curves (fig3aClaims): FM1 is avoided exactly for the schedules the theory
 * names, and where it is avoided E[M_L²]/E[M_L]² stops growing (no FM2).
 */
export function fig3aSummabilityClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig3a.csv');
  if (!fs.existsSync(file)) return [notRun('Figure 3(a)', 'FM1 is avoided iff the scales are summable; then no FM2')];
  const rows = readCsv(file);
  const out: Claim[] = [];
  const Ls = [...new Set(rows.map((r) => num(r, 'modules')))].sort((a, b) => a - b);
  if (Ls.length < 2) return [...out, notRun('Figure 3(a)', 'FM1 is avoided iff Σ η² < ∞ (linear) or Σ η < ∞ (relu)')];
  const [Lprev, Lmax] = [Ls[Ls.length - 2], Ls[Ls.length - 1]];
  const se = (r: CsvRow) => (num(r, 'log10_mean_ratio_hi') - num(r, 'log10_mean_ratio_lo')) / (2 * 1.959963984540054);
  const curves = [...new Set(rows.map((r) => `${r.convention}|${r.schedule}`))].map((k) => {
    const [convention, schedule] = k.split('|');
    const at = (L: number) => rows.find((r) => r.convention === convention && r.schedule === schedule && num(r, 'modules') === L)!;
    const growth = num(at(Lmax), 'log10_mean_ratio') - num(at(Lprev), 'log10_mean_ratio');
    // se of the growth ≤ se₁ + se₂ whatever the correlation of the two points (they share nets).
    const seGrowth = se(at(Lmax)) + se(at(Lprev));
    return {
      convention, schedule, avoided: fm1Avoided(convention, schedule), growth, seGrowth,
      bounded: growth - 2 * seGrowth <= 0.1,
      fm2Growth: num(at(Lmax), 'log10_fm2_ratio') - num(at(Lprev), 'log10_fm2_ratio'),
      fm2: num(at(Lmax), 'log10_fm2_ratio'),
    };
  });
  const wrong = curves.filter((c) => c.avoided !== c.bounded);
  out.push({
    figure: 'Figure 3(a)', claim: 'FM1 is avoided (E[M_L] stays bounded as L grows) iff Σ η_ℓ² < ∞ (linear modules) or Σ η_ℓ < ∞ (relu modules)',
    statistic: `growth of the estimate of log10 E[M_L/M_0] (per-module product for linear, Cox for relu) from L = ${Lprev} to ${Lmax}`,
    test: 'a curve counts as bounded when growth − 2·se ≤ 0.1 decades (se ≤ se₁ + se₂ from the two points\' intervals); every curve must be bounded exactly when the theory says so',
    sample: `${curves.length} curves × ${num(rows[0], 'nets')} nets per point`,
    prediction: `bounded exactly for those schedules`,
    measured: curves.map((c) => `${c.convention} ${c.schedule}: ${c.growth >= 0 ? '+' : ''}${fmt(c.growth, 2)} ± ${fmt(c.seGrowth, 2)}${c.avoided ? ' (Σ finite)' : ''}`).join('; '),
    verdict: wrong.length === 0 ? 'holds' : 'fails',
    rule: 'a curve counts as bounded when its estimate of log10 E[M_L/M_0] grows by at most 0.1 + 2 se between the two largest L; every curve must be bounded exactly when the theory says FM1 is avoided',
  });
  const avoided = curves.filter((c) => c.avoided);
  out.push({
    figure: 'Figure 3(a)', claim: 'once FM1 is avoided, FM2 cannot occur: E[M_L²]/E[M_L]² stays bounded as L grows',
    statistic: `log10 (sample mean of R²)/(sample mean of R)², R = M_L/M_0, on the FM1-avoiding curves only (there R is light-tailed: the statistic stays below ${fmt(Math.max(0, ...avoided.map((c) => c.fm2)), 3)} decades, so the sample second moment is trustworthy)`,
    test: 'change between the two largest L within ±0.1 decades',
    sample: `${avoided.length} curves × ${num(rows[0], 'nets')} nets per point`,
    prediction: `log10 (mean R²)/(mean R)² changes by ≤ 0.1 from L = ${Lprev} to ${Lmax} for every FM1-avoiding schedule`,
    measured: avoided.map((c) => `${c.convention} ${c.schedule}: ${c.fm2Growth >= 0 ? '+' : ''}${fmt(c.fm2Growth, 3)}`).join('; '),
    verdict: avoided.length === 0 ? 'inconclusive' : avoided.every((c) => Math.abs(c.fm2Growth) <= 0.1) ? 'holds' : 'fails',
    rule: 'bounded when the FM2 statistic of every FM1-avoiding curve moves by ≤ 0.1 in log10 between the two largest L',
  });
  return out;
}

/**
 * Figure 3(b): the plain ResNet (η = 1) stops training as L grows; FM1-avoiding schedules keep training.
 * Two one-sided Fisher exact tests, both at 0.05 (an intersection–union test: the claim needs both).
 */
export function fig3bClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig3b.csv');
  const claim = 'residual nets with η = 1 fail to start training as L grows; schedules that avoid FM1 start at every L';
  if (!fs.existsSync(file)) return [notRun('Figure 3(b)', claim)];
  const rows = readCsv(file);
  const Ls = [...new Set(rows.map((r) => num(r, 'modules')))].sort((a, b) => a - b);
  const plain = (L: number) => rows.filter((r) => r.schedule === 'const:1' && num(r, 'modules') === L);
  const good = rows.filter((r) => num(r, 'modules') === Ls[Ls.length - 1] && fm1Avoided(String(r.convention), String(r.schedule)));
  const [first, last] = [Ls[0], Ls[Ls.length - 1]];
  const [k1, n1] = reachCount(plain(first)), [kL, nL] = reachCount(plain(last)), [kG, nG] = reachCount(good);
  const pFall = fisherOneSided(k1, n1, kL, nL), pBetter = fisherOneSided(kG, nG, kL, nL);
  const agrees = reachRate(plain(last)) < reachRate(plain(first)) && reachRate(good) > reachRate(plain(last));
  const verdict: Verdict = Ls.length < 2 || n1 === 0 || nL === 0 || nG === 0 ? 'inconclusive'
    : pFall <= 0.05 && pBetter <= 0.05 && reachRate(good) >= 0.75 ? 'holds'
      : agrees && reachRate(good) >= 0.75 ? 'inconclusive' : 'fails';
  return [{
    figure: 'Figure 3(b)', claim,
    statistic: 'reach counts (runs reaching the target) of η = 1 at the smallest and largest L, and of the FM1-avoiding schedules at the largest L',
    test: 'two one-sided Fisher exact tests at 0.05, both needed: η = 1 reaches less at the largest L than at the smallest; the FM1-avoiding schedules reach more than η = 1 at the largest L',
    sample: `${n1} + ${nL} runs with η = 1, ${nG} FM1-avoiding runs`,
    prediction: `η = 1: the reach rate falls from L = ${first} to ${last}; FM1-avoiding schedules at L = ${last}: ≥ 75% reach, more than η = 1`,
    measured: `η = 1: ${k1}/${n1} at L = ${first}, ${kL}/${nL} at L = ${last} (Fisher p = ${fmtP(pFall)}); FM1-avoiding at L = ${last}: ${kG}/${nG} (${fmt(100 * reachRate(good), 0)}%; against η = 1, Fisher p = ${fmtP(pBetter)})`,
    verdict,
    rule: 'schedule comparison: holds when η = 1 reaches less at the largest L than at the smallest and the FM1-avoiding schedules (Σ η² < ∞ linear, Σ η < ∞ relu) reach in ≥ 75% of runs at the largest L, more than η = 1, both with Fisher p ≤ 0.05; '
      + 'inconclusive when the directions agree without significance',
  }];
}

/**
 * grad.js (a): the backward pass against β (THEORY.md §10). The mean squared Jacobian entry matches its
 * exact value; the normalized fourth moment grows like e^{Cβ} with C as the exact theory gives it; equal
 * β gives alike laws of the per-net mean squared entry, the dead-net atom compared with its exact size.
 */
export function gradAClaims(dir: string): Claim[] {
  const file = path.join(dir, 'grad_a.csv');
  if (!fs.existsSync(file)) return [notRun('grad (a)', 'E[Z²] = ∏c_j/n_0; E[Z⁴]/E[Z²]² ≈ a·e^{Cβ}; equal β, alike statistics')];
  const rows = readCsv(file);
  return [gradMeanSqClaim(rows), ...gradGrowthClaims(rows), ...gradEqualBetaClaims(dir)];
}

/**
 * Each row's published interval against the exact E[Z²]: the misses are counted and compared with what
 * the coverage measured in THEORY.md §10.9 for the rows' r and nets predicts (rows are independent).
 */
function gradMeanSqClaim(rows: readonly CsvRow[]): Claim {
  const claim = 'the mean squared Jacobian entry equals its exact value ∏c_j/n_0 (1/n_0 for He variance), whatever the widths and the law';
  if (rows.length === 0) return notRun('grad (a)', claim);
  const cover = rows.map((r) => (r.coverage_table === null ? 0.95 : num(r, 'coverage_table')));
  const missed = rows.filter((r) => num(r, 'mean_sq_jacobian_theory') < num(r, 'mean_sq_jacobian_lo') || num(r, 'mean_sq_jacobian_theory') > num(r, 'mean_sq_jacobian_hi'));
  const expected = cover.reduce((s, c) => s + (1 - c), 0), sd = Math.sqrt(cover.reduce((s, c) => s + c * (1 - c), 0));
  const limit = expected + 3.09 * sd;
  const under = rows.filter((r) => isTrue(r.undercovers)).length;
  const ratios = rows.map((r) => num(r, 'mean_sq_jacobian') / num(r, 'mean_sq_jacobian_theory'));
  return {
    figure: 'grad (a)', claim,
    statistic: 'per row (family × β × initializer): the mean of Z_pq² over all n_0·n_d entries and the nets, with its 95% bootstrap-t interval over nets (999 resamples)',
    test: `the rows whose interval misses the exact value are counted against the misses the coverage measured in THEORY.md §10.9 predicts for each row's r and nets (Σ(1 − coverage), 0.95 where no table value); holds when misses ≤ expected + 3.09 sd (one-sided, α ≈ 0.001)`,
    sample: `${rows.length} rows, ${[...new Set(rows.map((r) => num(r, 'nets')))].join('/')} nets each; ${under} rows in the regime where the table says the interval undercovers`,
    prediction: `measured/exact = 1; about ${fmt(expected, 1)} misses expected (at most ${fmt(limit, 1)})`,
    measured: `measured/exact ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}; ${missed.length} misses${missed.length > 0 ? ` (${missed.slice(0, 4).map((r) => `${r.init} ${r.arch}`).join('; ')}${missed.length > 4 ? '; …' : ''})` : ''}`,
    verdict: missed.length <= limit ? 'holds' : 'fails',
    rule: 'mean squared entry: interval misses counted against the measured coverage of the published interval (THEORY.md §10.9), one-sided 3.09 sd',
  };
}

/** Per initializer: C of E[Z⁴]/E[Z²]² ≈ a·e^{Cβ} fitted to the measured rows against the same fit of the exact values. */
function gradGrowthClaims(rows: readonly CsvRow[]): Claim[] {
  const fits = growthFits(growthPoints(rows)).filter((f) => f.x === 'beta');
  if (fits.length === 0) return [notRun('grad (a)', 'E[Z⁴]/E[Z²]² grows like e^{Cβ}: too few β values or no exact theory')];
  const zLimit = Math.max(3, normalQuantile(1 - 0.025 / fits.length));
  return fits.map((f) => ({
    figure: 'grad (a)',
    claim: `${f.init}: the normalized fourth moment of the Jacobian's entries grows like e^{Cβ}, with C as the exact theory gives it (C → 5 for wide layers, THEORY.md §10.3)`,
    statistic: 'C fitted by weighted least squares to ln(mean Z⁴/(mean Z²)²) = ln a + Cβ over the rows, and the same fit of the exact E[Z⁴]/E[Z²]²; weights 1/se², se = √((r⁴ − 1)/nets) from the exact r (THEORY.md §10.13)',
    test: `z = (C_measured − C_exact)/se(C), |z| ≤ ${fmt(zLimit, 2)} (Bonferroni over ${fits.length} initializers at 0.05); inconclusive when se(C) > C_exact/4`,
    sample: `${f.rows} rows, β ${fmt(f.beta_min, 2)}–${fmt(f.beta_max, 2)}, ${[...new Set(rows.filter((r) => r.init === f.init).map((r) => num(r, 'nets')))].join('/')} nets each`,
    prediction: `C = ${fmt(f.C_exact, 2)} (exact values at these widths; the wide-layer limit is 5)`,
    measured: `C = ${fmt(f.C_measured, 2)} ± ${fmt(f.C_measured_se, 2)} (z = ${fmt(f.z, 2)})`,
    verdict: f.C_measured_se > f.C_exact / 4 ? 'inconclusive' : Math.abs(f.z) <= zLimit ? 'holds' : 'fails',
    rule: 'fourth-moment growth: C fitted to the measurements within a Bonferroni bound of standard errors of C fitted to the exact values (weights from the exact r)',
  }));
}

/**
 * Equal β, as for Figure 2: among groups whose every width is ≥ 10, the families' laws of log10 T (T the
 * net's mean squared entry) among live nets are indistinguishable by KS; at every β the dead fractions
 * agree with the exact 1 − ∏(1 − 2^{−n_j}), which is where narrow equal-β profiles differ.
 */
function gradEqualBetaClaims(dir: string): Claim[] {
  const file = path.join(dir, 'grad_a_equal_beta.csv');
  if (!fs.existsSync(file)) return [];
  const rows = readCsv(file);
  if (rows.length === 0) return [];
  const wide = rows.filter((r) => num(r, 'min_width') >= 10);
  const out: Claim[] = [];
  if (wide.length > 0) {
    // As for Figure 2(a): the critical value plus the sketches' resolution 2/Q.
    const limit = (r: CsvRow) => num(r, 'crit_1e6') + num(r, 'sketch_error');
    const worst = wide.reduce((w, r) => (num(r, 'D_live') / limit(r) > num(w, 'D_live') / limit(w) ? r : w));
    const alike = wide.every((r) => num(r, 'D_live') <= limit(r));
    const withNext = wide.filter((r) => r.min_D_live_next_beta !== null);
    const apart = withNext.filter((r) => num(r, 'min_D_live_next_beta') > limit(r));
    out.push({
      figure: 'grad (a)',
      claim: 'nets of equal depth and β have alike Jacobians whatever their width profile (every width ≥ 10)',
      statistic: 'per β and initializer: the largest two-sample KS distance of log10 T (T = ‖J‖_F²/(n_0·n_d) of one net) among live nets between the width families (500-point quantile sketches)',
      test: 'KS at α = 1e−6 (critical value for the live sample sizes, THEORY.md §6.5) plus the sketches\' resolution 2/Q; the test has power only where the families are also told apart from the next β',
      sample: `${wide.length} groups of ${[...new Set(wide.map((r) => num(r, 'families')))].join('/')} families (β ${[...new Set(wide.map((r) => num(r, 'beta_target')))].join(', ')})`,
      prediction: 'every equal-β distance below its critical value plus the resolution; distances to the next β above it',
      measured: `largest D/(critical + resolution) = ${fmt(num(worst, 'D_live') / limit(worst), 2)} (${String(worst.init)}, β ${num(worst, 'beta_target')}, ${String(worst.pair_live)}); told apart from the next β in ${apart.length} of ${withNext.length} groups`,
      verdict: !alike ? 'fails' : apart.length === withNext.length ? 'holds' : 'inconclusive',
      rule: 'equal β (every width ≥ 10): holds when every group is indistinguishable among live nets by KS at α = 1e−6 and every group is distinguishable from the next β; inconclusive when alike but some next β is not told apart (too few nets for power)',
    });
  }
  // Per row of grad_a.csv (family × β × initializer): the exact binomial test, since at wide layers the
  // expected count is far below 1 and a normal z is meaningless there.
  const all = readCsv(path.join(dir, 'grad_a.csv'));
  const ps = all.map((r) => binomialTwoSidedP(num(r, 'dead'), num(r, 'nets'), num(r, 'dead_fraction_exact')));
  const worst = ps.reduce((w, p, i) => (p < ps[w] ? i : w), 0);
  const level = 0.05 / Math.max(1, all.length);
  const narrow = rows.filter((r) => num(r, 'p_dead_max') > 0.01);
  out.push({
    figure: 'grad (a)',
    claim: 'the dead-net atom (J = 0: some layer entirely off) has its exact size 1 − ∏(1 − 2^(−n_j)); it is where narrow equal-β profiles differ',
    statistic: 'per family, β and initializer: the count of nets with J = 0, against the exact dead fraction',
    test: `two-sided exact binomial test on every row, p ≥ ${level.toPrecision(2)} (Bonferroni over ${all.length} rows at 0.05)`,
    sample: `${all.length} rows, ${[...new Set(all.map((r) => num(r, 'nets')))].join('/')} nets each`,
    prediction: 'dead counts as the exact dead fractions predict',
    measured: `smallest p = ${ps[worst].toPrecision(2)} (${String(all[worst].init)} ${String(all[worst].arch)}: ${num(all[worst], 'dead')} of ${num(all[worst], 'nets')} dead, exact ${num(all[worst], 'dead_fraction_exact').toPrecision(2)})`
      + `${narrow.length > 0 ? `; where it matters: ${narrow.slice(0, 3).map((r) => `${r.init} β ${num(r, 'beta_target')}: ${fmt(100 * num(r, 'dead_min'), 1)}–${fmt(100 * num(r, 'dead_max'), 1)}% (exact ${fmt(100 * num(r, 'p_dead_min'), 1)}–${fmt(100 * num(r, 'p_dead_max'), 1)}%)`).join('; ')}` : ''}`,
    verdict: ps[worst] >= level ? 'holds' : 'fails',
    rule: 'dead nets: every row\'s dead count passes a two-sided exact binomial test against the exact dead fraction (Bonferroni over the rows)',
  });
  return out;
}
