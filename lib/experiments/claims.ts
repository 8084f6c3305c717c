// The paper's claims, each checked against what a figure script wrote: a prediction, what was
// measured, and a verdict. Verdicts are mechanical and stated with their rule, so a reader can
// disagree with the rule rather than with a hidden judgement.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { initializerById, gain } from '../nn/init';
import { readCsv, type CsvRow } from './csv';

export type Verdict = 'holds' | 'fails' | 'inconclusive' | 'not run';

export interface Claim {
  readonly figure: string;
  readonly claim: string;
  readonly prediction: string;
  readonly measured: string;
  readonly verdict: Verdict;
  /** How the verdict was decided. */
  readonly rule: string;
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
const num = (r: CsvRow, k: string) => (typeof r[k] === 'number' ? (r[k] as number) : NaN);

/**
 * Weighted least-squares slope of y on x with per-point sd, and its standard error. The sd of each
 * log10 mean comes from its 95% interval: (hi − lo)/(2·1.96).
 */
export function weightedSlope(xs: number[], ys: number[], sds: number[]): { slope: number; se: number } {
  const w = sds.map((s) => 1 / Math.max(s, 1e-12) ** 2);
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = xs.reduce((a, x, i) => a + w[i] * x, 0) / sw, my = ys.reduce((a, y, i) => a + w[i] * y, 0) / sw;
  let sxx = 0, sxy = 0;
  xs.forEach((x, i) => { sxx += w[i] * (x - mx) ** 2; sxy += w[i] * (x - mx) * (ys[i] - my); });
  return { slope: sxy / sxx, se: Math.sqrt(1 / sxx) };
}

/**
 * The slope of log10 of the mean against x (depth, modules), measured (weighted by the 95% intervals)
 * against the theory column's least-squares slope, one claim per group (initializer, schedule...).
 */
export function slopeClaims(figure: string, rows: readonly CsvRow[], groupField: string, what: (group: string, theorySlope: number) => string,
  x = 'depth', y = 'log10_mean_ratio', theory = 'log10_theory_ratio'): Claim[] {
  const groups = [...new Set(rows.map((r) => String(r[groupField])))];
  return groups.map((g) => {
    const mine = rows.filter((r) => String(r[groupField]) === g && Number.isFinite(num(r, `${y}_lo`)) && Number.isFinite(num(r, `${y}_hi`)));
    if (mine.length < 2) return notRun(figure, `${g}: too few points for a slope`);
    const xs = mine.map((r) => num(r, x));
    const t = weightedSlope(xs, mine.map((r) => num(r, theory)), xs.map(() => 1)).slope;
    const { slope, se } = weightedSlope(xs, mine.map((r) => num(r, y)), mine.map((r) => (num(r, `${y}_hi`) - num(r, `${y}_lo`)) / (2 * 1.96)));
    return {
      figure, claim: what(g, t),
      prediction: `${fmt(t)} per unit of ${x}`,
      measured: `${fmt(slope)} ± ${fmt(se)} (${mine[0].nets} nets per point)`,
      verdict: Math.abs(slope - t) <= 3 * se ? 'holds' : 'fails',
      rule: 'slope claims hold when |measured − predicted| ≤ 3 standard errors of the weighted least-squares slope of log10 of the mean (weights from each point\'s 95% interval)',
    };
  });
}

/** Figure 1(a): the per-layer log10 gain of the mean equals log10 c for every initializer. */
export function fig1aClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig1a.csv');
  if (!fs.existsSync(file)) return [notRun('Figure 1(a)', 'E[M_d] changes by the factor c = fan-in·Var(w)/2 per layer')];
  return slopeClaims('Figure 1(a)', readCsv(file), 'init',
    (id, t) => `${id}: the mean length changes by c per layer (FM1 ${t > 0.0005 ? 'explodes' : t < -0.0005 ? 'vanishes' : 'is avoided'})`);
}

/**
 * Figure 1(b): He normal and He uniform start training at every depth; initializations whose
 * variance is not 2/fan-in reach the target less often as depth grows.
 */
export function fig1bClaims(dir: string): Claim[] {
  const file = path.join(dir, 'fig1b.csv');
  const claim = 'He normal and He uniform start training at every depth; other initializations fail more often as depth grows';
  if (!fs.existsSync(file)) return [notRun('Figure 1(b)', claim)];
  const rows = readCsv(file);
  const isHe = (id: string) => Math.abs(gain(initializerById(id), 10, 10) - 1) < 1e-9;
  const he = rows.filter((r) => isHe(String(r.init))), other = rows.filter((r) => !isHe(String(r.init)));
  const frac = (rs: CsvRow[]) => rs.reduce((s, r) => s + num(r, 'reached'), 0) / Math.max(1, rs.reduce((s, r) => s + num(r, 'runs'), 0));
  const depths = [...new Set(rows.map((r) => num(r, 'depth')))].sort((a, b) => a - b);
  const heAll = he.every((r) => num(r, 'reached') === num(r, 'runs'));
  const shallow = other.filter((r) => num(r, 'depth') === depths[0]), deep = other.filter((r) => num(r, 'depth') === depths[depths.length - 1]);
  const measured = `He: ${fmt(100 * frac(he), 0)}% of runs reached (${he.filter((r) => num(r, 'reached') === num(r, 'runs')).length}/${he.length} depth×init cells all reached); `
    + `others: ${fmt(100 * frac(shallow), 0)}% at depth ${depths[0]}, ${fmt(100 * frac(deep), 0)}% at depth ${depths[depths.length - 1]}`;
  const maxEpochs = Math.max(...readRuns(dir).map((r) => num(r, 'epochs_run')));
  const verdict: Verdict = he.length === 0 || other.length === 0 || depths.length < 2 ? 'inconclusive'
    : heAll && frac(deep) <= frac(shallow) && frac(deep) < frac(he) ? 'holds'
      : !heAll && maxEpochs < 100 ? 'inconclusive' : 'fails';
  return [{
    figure: 'Figure 1(b)', claim, prediction: 'He: 100% reach the target at every depth; others: reach rate falls with depth',
    measured, verdict,
    rule: 'holds when every He run reached the target and the others\' reach rate at the deepest depth is ≤ that at the shallowest and below He\'s; '
      + 'inconclusive when a short epoch limit (quick preset) may explain a He miss',
  }];
}

function readRuns(dir: string): CsvRow[] {
  const f = path.join(dir, 'fig1b_runs.csv');
  return fs.existsSync(f) ? readCsv(f) : [];
}

export function notRun(figure: string, claim: string): Claim {
  return { figure, claim, prediction: '', measured: 'not run', verdict: 'not run', rule: '' };
}
