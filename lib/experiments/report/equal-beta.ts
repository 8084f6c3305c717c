// "Nets of equal depth and β behave alike" (Figure 2), measured and predicted exactly. Per depth, β
// target, method and initializer: the families' dead fractions (measured and exact 1 − ∏(1 − 2^{−n_j})),
// the largest Kolmogorov distance between two families' laws of log10(M_d/M_0) over all nets (dead atom
// included) and over live nets only, each beside the exact distance of the Gaussian law (lib/nn/dense/live-law.ts)
// and the second-order prediction from Σ1/n_j² (THEORY.md §6.8), and the narrowest width in the group.

import { ExactLogRatioLaw, exactKsDistance, secondOrderKs, sumInverseSquares } from '../../nn/dense/live-law';
import { initializerById } from '../../nn/init';
import { binomialTwoSidedP, ksCritical, ksTwoSample } from '../../nn/stats';
import { deadProbability, gains } from '../../nn/dense/theory';
import { lineChartSpec, type TopLevelSpec } from '../out/plot';

/** One cell of Figure 2(a) as the analysis needs it. */
export interface EqualBetaMember {
  readonly family: string;
  readonly method: string;
  readonly init: string;
  readonly depth: number;
  readonly betaTarget: number;
  /** Widths n_0..n_d. */
  readonly widths: readonly number[];
  readonly nets: number;
  readonly dead: number;
  /** Quantile sketches of log10 R over all nets and over live nets (fm2.ts). */
  readonly sketch: readonly number[];
  readonly liveSketch: readonly number[];
}

/**
 * The members of the analysis from a figure's rows and their cells (in the same order): the rows of a
 * family, which have a target β (explicit --widths have none and are left out).
 */
export function familyMembers(rows: readonly { readonly family: string; readonly depth: number; readonly beta_target: number | null }[],
  cells: readonly Omit<EqualBetaMember, 'family' | 'depth' | 'betaTarget'>[]): EqualBetaMember[] {
  return cells.flatMap((c, i) => rows[i].beta_target === null || rows[i].family === 'explicit' ? []
    : [{ family: rows[i].family, depth: rows[i].depth, betaTarget: rows[i].beta_target as number, ...c }]);
}

export interface EqualBetaRow extends Record<string, string | number | boolean | null> {
  depth: number; beta_target: number; method: string; init: string; families: number;
  /** The narrowest hidden width over the group's families. */
  min_width: number;
  /** Measured dead fractions (lowest, highest family) and the exact ones. */
  dead_min: number; dead_max: number; p_dead_min: number; p_dead_max: number;
  /** Smallest exact two-sided binomial p-value of a family's dead count against its exact dead fraction. */
  dead_p: number;
  /** Largest KS distance between two families, all nets (the dead atom included), measured and exact. */
  D_all: number; D_all_exact: number | null; pair_all: string;
  /** The same among live nets. */
  D_live: number; D_live_exact: number | null; pair_live: string;
  /** The second-order prediction max over pairs of secondOrderKs(β, ΔS₂), and the largest |ΔS₂|. */
  D_live_second_order: number; delta_S2: number;
  /** Largest |measured − exact| over pairs and both distances, in units of its tolerance (≤ 1: agrees). */
  exact_misfit: number | null;
  /** KS critical value at α = 1e−6 for the live sample sizes (§6.5). */
  crit_1e6: number;
  /** How far a distance between two quantile sketches can be from their samples' (2/Q, the largest over pairs). */
  sketch_error: number;
  /** The next target β and the smallest live distance from a family here to one there. */
  next_beta: number | null; min_D_live_next_beta: number | null;
}

/** Sketch resolution: a sketch's step CDF is within 1/Q of its sample's, so a distance within 2/Q. */
function sketchError(m: EqualBetaMember): number {
  return 1 / Math.max(1, m.sketch.length);
}

/**
 * Tolerance of a measured KS distance against the exact one (α = 10⁻³ per side): above, by the DKW
 * inequality P(sup|F̂ − F| > ε) ≤ 2e^{−2nε²} for both samples; below, the distance is at least the
 * difference at the exact sup point, whose sd is ≤ ½√(1/n_a + 1/n_b). Both plus the sketch errors.
 */
function tolerance(na: number, nb: number, sketches: number): { below: number; above: number } {
  const eps = (n: number) => Math.sqrt(Math.log(2 / 1e-3) / (2 * n));
  return { below: 3.29 * 0.5 * Math.sqrt(1 / na + 1 / nb) + sketches, above: eps(na) + eps(nb) + sketches };
}

export interface EqualBetaOptions {
  /**
   * Compare with the exact Gaussian law of log10(M_d/M_0) (default true). False for a statistic whose
   * law that is not (grad.js's mean squared Jacobian entry): the exact columns are then null.
   */
  readonly exact?: boolean;
}

export function equalBetaAnalysis(members: readonly EqualBetaMember[], opts: EqualBetaOptions = {}): EqualBetaRow[] {
  const groups = new Map<string, EqualBetaMember[]>();
  for (const m of members) {
    const key = `${m.method}|${m.init}|${m.depth}|${m.betaTarget}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const laws = new Map<EqualBetaMember, ExactLogRatioLaw | null>();
  const lawOf = (m: EqualBetaMember) => {
    if (!laws.has(m)) {
      // Exact for Gaussian weights: the sampler, or real nets of a normal law.
      const init = initializerById(m.init);
      laws.set(m, opts.exact !== false && init.law === 'normal' ? new ExactLogRatioLaw(m.widths, gains(m.widths, init).map(Math.log)) : null);
    }
    return laws.get(m)!;
  };
  const out: EqualBetaRow[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const { method, init, depth, betaTarget } = g[0];
    const live = (m: EqualBetaMember) => m.nets - m.dead;
    let dAll = 0, dLive = 0, pairAll = '', pairLive = '', second = 0, dS2 = 0, misfit: number | null = 0;
    let dAllExact: number | null = 0, dLiveExact: number | null = 0, sketchErr = 0;
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const a = g[i], b = g[j], name = `${a.family}/${b.family}`;
        const all = ksTwoSample(a.sketch, b.sketch);
        const lv = a.liveSketch.length > 0 && b.liveSketch.length > 0 ? ksTwoSample(a.liveSketch, b.liveSketch) : NaN;
        sketchErr = Math.max(sketchErr, sketchError(a) + sketchError(b));
        if (all >= dAll) { dAll = all; pairAll = name; }
        if (lv >= dLive) { dLive = lv; pairLive = name; }
        const ds = sumInverseSquares(b.widths.slice(1)) - sumInverseSquares(a.widths.slice(1));
        if (Math.abs(ds) >= Math.abs(dS2)) dS2 = ds;
        second = Math.max(second, secondOrderKs(betaTarget, ds));
        const la = lawOf(a), lb = lawOf(b);
        if (la === null || lb === null) { dAllExact = dLiveExact = misfit = null; continue; }
        const eAll = exactKsDistance(la, lb, false), eLive = exactKsDistance(la, lb, true);
        dAllExact = Math.max(dAllExact ?? 0, eAll);
        dLiveExact = Math.max(dLiveExact ?? 0, eLive);
        const sk = sketchError(a) + sketchError(b);
        const tAll = tolerance(a.nets, b.nets, sk), tLive = tolerance(live(a), live(b), sk);
        const fit = (meas: number, exact: number, t: { below: number; above: number }) => (meas >= exact ? (meas - exact) / t.above : (exact - meas) / t.below);
        if (misfit !== null) misfit = Math.max(misfit, fit(all, eAll, tAll), Number.isNaN(lv) ? 0 : fit(lv, eLive, tLive));
      }
    }
    const pDead = g.map((m) => deadProbability(m.widths));
    // Exact, not a normal z: at wide layers the expected count is far below 1.
    const deadP = Math.min(1, ...g.map((m, i) => binomialTwoSidedP(m.dead, m.nets, pDead[i])));
    const minLive = Math.min(...g.map(live));
    const higher = [...groups.values()].filter((h) => h[0].method === method && h[0].init === init && h[0].depth === depth && h[0].betaTarget > betaTarget)
      .sort((x, y) => x[0].betaTarget - y[0].betaTarget);
    let minNext: number | null = null;
    if (higher.length > 0) {
      for (const m of g) for (const o of higher[0]) if (m.liveSketch.length > 0 && o.liveSketch.length > 0) minNext = Math.min(minNext ?? Infinity, ksTwoSample(m.liveSketch, o.liveSketch));
    }
    out.push({
      depth, beta_target: betaTarget, method, init, families: g.length,
      min_width: Math.min(...g.flatMap((m) => m.widths.slice(1))),
      dead_min: Math.min(...g.map((m) => m.dead / m.nets)), dead_max: Math.max(...g.map((m) => m.dead / m.nets)),
      p_dead_min: Math.min(...pDead), p_dead_max: Math.max(...pDead), dead_p: deadP,
      D_all: dAll, D_all_exact: dAllExact, pair_all: pairAll,
      D_live: dLive, D_live_exact: dLiveExact, pair_live: pairLive,
      D_live_second_order: second, delta_S2: Math.abs(dS2),
      exact_misfit: misfit,
      crit_1e6: ksCritical(1e-6, minLive, minLive), sketch_error: sketchErr,
      next_beta: higher.length > 0 ? higher[0][0].betaTarget : null, min_D_live_next_beta: minNext,
    });
  }
  return out.sort((x, y) => x.method.localeCompare(y.method) || x.init.localeCompare(y.init) || x.depth - y.depth || x.beta_target - y.beta_target);
}

export const EQUAL_BETA_COLUMNS = [
  'depth', 'beta_target', 'method', 'init', 'families', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'dead_p',
  'D_all', 'D_all_exact', 'pair_all', 'D_live', 'D_live_exact', 'pair_live', 'D_live_second_order', 'delta_S2', 'exact_misfit', 'crit_1e6', 'sketch_error',
  'next_beta', 'min_D_live_next_beta',
] as const;

/**
 * The live-net distance against the narrowest width, per depth: measured (filled), over all nets with
 * the dead atom (hollow), the exact live distance (dashed) and the second-order Σ1/n_j² term (dotted
 * as a second theory series). Sampler rows when there are any (largest samples), else He-normal nets.
 */
export function equalBetaChartSpec(rows: readonly EqualBetaRow[]): TopLevelSpec {
  const sampler = rows.filter((r) => r.method === 'exact_sampler');
  const use = sampler.length > 0 ? sampler : rows.filter((r) => r.init === 'he_normal');
  const series = (r: EqualBetaRow, what: string) => `depth ${r.depth}${what}`;
  return lineChartSpec({
    title: {
      text: 'Equal β, different width profiles: the largest KS distance between families against the narrowest width',
      subtitle: ['filled: live nets; hollow: all nets (dead atom included); dashed: exact live distance (Gaussian law);',
        'colours "…Σ1/n²": the second-order prediction; a point per target β; grey: the KS critical value of the sample'],
    },
    x: { field: 'min_width', title: 'narrowest hidden width in the group', log: true },
    y: { field: 'D', title: 'KS distance of log10(M_d/M_0)', log: true },
    measured: use.filter((r) => r.D_live > 0).map((r) => ({ series: series(r, ''), min_width: r.min_width, D: r.D_live })),
    hollow: use.filter((r) => r.D_all > 0).map((r) => ({ series: series(r, ''), min_width: r.min_width, D: r.D_all })),
    theory: [
      ...use.filter((r) => (r.D_live_exact ?? 0) > 0).map((r) => ({ series: series(r, ''), min_width: r.min_width, D: r.D_live_exact as number })),
      ...use.filter((r) => r.D_live_second_order > 0).map((r) => ({ series: series(r, ' Σ1/n²'), min_width: r.min_width, D: r.D_live_second_order })),
      // What the sample can resolve: below this line two families are indistinguishable at α = 1e−6.
      ...use.map((r) => ({ series: 'KS critical value, α = 1e−6', min_width: r.min_width, D: r.crit_1e6 })),
    ],
    color: 'series', colorTitle: 'depth', width: 520, height: 340,
  });
}
