// The numbers the explorer shows, from a run's data and the theory beside them: per layer the fan of
// quantiles of log10(M_j/M_0) over the nets, the sample mean and its expected band, the dead count;
// per setting β, the FM1 rate, the spread of log10(M_d/M_0) and the dead fraction. Shared by the
// page and the CLI, so the page's CSV and `node explorer/cli.js` write the same bytes.

import {
  beta, deadProbability, gains, gradientMoments, linearGaussianSecondMomentStep, log10ReluMeanFieldRatios, log10ReluMeanRatioBounds,
  log10SecondMoments, logMeanExp, logRatioLaw, mean, moduleKappa, moduleWidths, quantile, slope, sphereInputQ, variance,
} from './engine';
import type { BackwardView, RunData, TraceRecord } from './compute';
import type { Config, DenseConfig, ResidualConfig } from './settings';

export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
/** z of the expected band for the sample mean: a central 95% interval. */
export const BAND_Z = 1.959963984540054;

/**
 * Where the band's coverage holds (explorer/coverage.js, README "Trace explorer"): at least 10 nets,
 * and at least 7 of them expected alive at layer j. With fewer, the sample mean is mostly 0 or one
 * lucky net, and the measured coverage fell as low as 0; N = 1 undercovers (0.5–0.96) because one
 * net's ln χ² factors are skewed, which the log-normal match ignores.
 */
export const BAND_RULE = { minNets: 10, minLive: 7 } as const;

/** How many leading layers satisfy BAND_RULE (P(M_j = 0) grows with j, so they form a prefix). */
function trustedPrefix(nets: number, pDead: Float64Array, band: Float64Array): number {
  let j = 0;
  while (j < pDead.length && nets >= BAND_RULE.minNets && Number.isFinite(band[j]) && nets * (1 - pDead[j]) >= BAND_RULE.minLive) j++;
  return j;
}

function bandNote(t: Pick<Theory, 'bandTrusted' | 'bandLo'>, nets: number, unit: string): string[] {
  const d = t.bandLo.length;
  if (t.bandTrusted === d || !t.bandLo.some((v) => Number.isFinite(v))) return [];
  const why = nets < BAND_RULE.minNets ? `with N = ${nets} < ${BAND_RULE.minNets} nets`
    : `with fewer than ${BAND_RULE.minLive} of the ${nets} nets expected alive (or no exact dead probability)`;
  return [`The band is faint from ${unit} ${t.bandTrusted + 1} on: ${why} its coverage was measured far below 95% (explorer/coverage.js).`];
}

/** The theory beside the nets, per layer j = 1..d (or module ℓ = 1..L). */
export interface Theory {
  /** log10 c_j (dense) or log10 of the module's mean factor 1 + κη_ℓ² (linear residual); NaN where none. */
  readonly log10Gain: Float64Array;
  /** log10 E[M_j/M_0]: exact (dense; linear residual) or the mean-field curve (relu residual, Gaussian). */
  readonly log10Mean: Float64Array;
  /** Exact bounds on log10 E[M_j/M_0] where only bounds are known (relu residual); NaN otherwise. */
  readonly log10MeanLo: Float64Array;
  readonly log10MeanHi: Float64Array;
  /** The central 95% band for log10 of the sample mean of N nets (log-normal moment match); NaN where no second moment is known. */
  readonly bandLo: Float64Array;
  readonly bandHi: Float64Array;
  /**
   * The band's trusted prefix: layers 1..bandTrusted satisfy BAND_RULE, where its coverage was measured
   * near 95%; beyond it the page draws the band faint.
   */
  readonly bandTrusted: number;
  /** P(M_j = 0) (continuous weight laws, zero biases); NaN where not exact. */
  readonly pDead: Float64Array;
  /** What the mean line is: 'exact', 'mean-field' or 'none'. */
  readonly meanKind: 'exact' | 'mean-field' | 'none';
  /** Why a line or the band is missing, one sentence each. */
  readonly notes: string[];
  /** Summary numbers of the theory. */
  readonly beta: number;
  /** log10 c averaged over the layers: FM1's rate per layer (dense). */
  readonly rate: number;
  /** The law of log10(M_d/M_0) over live nets (dense, zero biases, i.i.d. weights). */
  readonly lastMean: number;
  readonly lastSd: number;
  /** κ, Σ η, Σ η² (residual). */
  readonly kappa: number;
  readonly sumEta: number;
  readonly sumEta2: number;
}

/**
 * The central band for log10 of the sample mean of N i.i.d. copies of R with E[R] = 10^log10E and
 * E[R²] = 10^log10P, from a log-normal with the sample mean's first two moments (Fenton–Wilkinson):
 * σ² = ln(1 + (r − 1)/N), r = E[R²]/E[R]², centred at ln E − σ²/2. For N = 1 and log-normal R it is
 * exact; as N grows it becomes the normal band E(1 ± z√((r − 1)/N)). Its coverage is measured by
 * explorer/coverage.js (README, "Trace explorer").
 */
export function sampleMeanBand(log10E: number, log10P: number, nets: number, z = BAND_Z): [number, number] {
  const log10R = log10P - 2 * log10E;
  // ln(1 + (r − 1)/N) without overflow when r is astronomically large.
  // exp(x·ln 10), not Math.pow(10, x): engines agree on exp to the bit, not on pow (lib/nn/residual/schedule.ts).
  const s2 = log10R > 15 ? log10R * Math.LN10 - Math.log(nets) + Math.log1p((nets - 1) * Math.exp(-log10R * Math.LN10))
    : Math.log1p(Math.max(0, Math.exp(log10R * Math.LN10) - 1) / nets);
  const s = Math.sqrt(s2);
  return [log10E + (-s2 / 2 - z * s) * Math.LOG10E, log10E + (-s2 / 2 + z * s) * Math.LOG10E];
}

/** q(x) = ‖x‖₄⁴/‖x‖⁴ of a fixed input, or its mean for a unit vector drawn uniformly. */
function inputQ(n0: number, input: Float64Array | null): number {
  if (input === null) return sphereInputQ(n0);
  let s2 = 0, s4 = 0;
  for (const v of input) { s2 += v * v; s4 += v * v * v * v; }
  return s4 / (s2 * s2);
}

function filled(n: number, v = NaN): Float64Array {
  return new Float64Array(n).fill(v);
}

export function theoryOf(c: Config, input: Float64Array | null): Theory {
  return c.mode === 'dense' ? denseTheory(c, input) : residualTheory(c);
}

function denseTheory(c: DenseConfig, input: Float64Array | null): Theory {
  const d = c.depth, w = c.widths, notes: string[] = [];
  const cs = gains(w, c.init);
  const log10Gain = Float64Array.from(cs, (g) => Math.log10(g));
  const log10Mean = filled(d), bandLo = filled(d), bandHi = filled(d), pDead = filled(d);
  const hasBias = c.bias.law !== 'zero' && c.bias.variance > 0;
  if (!hasBias) {
    // FM1: E[M_j]/M_0 = ∏_{k≤j} c_k, summed in the log domain.
    let s = 0;
    log10Gain.forEach((l, i) => { s += l; log10Mean[i] = s; });
  } else {
    // E[M_j] = c_j E[M_{j−1}] + σ_b²/2 from this input's M_0, in the log domain.
    const m0 = Math.log(input === null ? 1 / w[0] : input.reduce((s, v) => s + v * v, 0) / w[0]);
    const half = Math.log(c.bias.variance / 2);
    let m = m0;
    cs.forEach((g, i) => {
      const a = Math.log(g) + m, hi = Math.max(a, half);
      m = hi + Math.log(Math.exp(a - hi) + Math.exp(half - hi));
      log10Mean[i] = (m - m0) * Math.LOG10E;
    });
  }
  let lastMean = NaN, lastSd = NaN;
  if (hasBias) notes.push('No band, dead probability or law of log M_d: with biases the second moment is not derived (THEORY.md).');
  else if (!c.init.iid) notes.push(`No band or law of log M_d: '${c.initId}' has dependent rows, and the second-moment recursion needs i.i.d. weights.`);
  else {
    const q = inputQ(w[0], input);
    const p = log10SecondMoments(w, c.init, q);
    p.forEach((lp, i) => { [bandLo[i], bandHi[i]] = sampleMeanBand(log10Mean[i], lp, c.nets); });
    const law = logRatioLaw(w, c.init, q);
    lastMean = law.mean * Math.LOG10E;
    lastSd = Math.sqrt(law.variance) * Math.LOG10E;
    if (law.method !== 'exact') notes.push(`The law of log M_d is the Gaussian one with the leading μ̃₄ correction for '${c.initId}' (approximate).`);
  }
  if (!hasBias && c.init.law !== 'rademacher') {
    for (let j = 1; j <= d; j++) pDead[j - 1] = deadProbability(w.slice(0, j + 1));
  } else if (!hasBias) notes.push('No exact dead probability: Rademacher pre-activations are 0 with positive probability.');
  const bandTrusted = trustedPrefix(c.nets, pDead, bandLo);
  notes.push(...bandNote({ bandTrusted, bandLo }, c.nets, 'layer'));
  return {
    log10Gain, log10Mean, log10MeanLo: filled(d), log10MeanHi: filled(d), bandLo, bandHi, bandTrusted, pDead, meanKind: 'exact', notes,
    beta: beta(w), rate: log10Gain.reduce((s, v) => s + v, 0) / d, lastMean, lastSd, kappa: NaN, sumEta: NaN, sumEta2: NaN,
  };
}

function residualTheory(c: ResidualConfig): Theory {
  const L = c.depth, notes: string[] = [];
  const mw = moduleWidths(c.width, c.hidden);
  const kappa = moduleKappa(mw, c.init);
  const gaussian = c.init.law === 'normal';
  const log10Gain = filled(L), log10Mean = filled(L), lo = filled(L), hi = filled(L), bandLo = filled(L), bandHi = filled(L);
  let meanKind: Theory['meanKind'] = 'exact';
  if (c.convention === 'linear') {
    // E[M_ℓ | x_{ℓ−1}] = M_{ℓ−1}(1 + κη_ℓ²) for any symmetric law (THEORY.md §7.1); the second moment (7.5) for Gaussian weights.
    let m = 0, p = 0;
    for (let l = 0; l < L; l++) {
      log10Gain[l] = Math.log10(1 + kappa * c.etas[l] * c.etas[l]);
      m += log10Gain[l];
      log10Mean[l] = m;
      if (gaussian) {
        p += Math.log10(linearGaussianSecondMomentStep(mw, kappa, c.etas[l]));
        [bandLo[l], bandHi[l]] = sampleMeanBand(m, p, c.nets);
      }
    }
    if (!gaussian) notes.push(`No band: the residual second moment is derived for Gaussian weights only, not '${c.initId}'.`);
  } else if (gaussian) {
    meanKind = 'mean-field';
    log10Mean.set(log10ReluMeanFieldRatios(mw, c.init, c.etas));
    for (let l = 1; l <= L; l++) [lo[l - 1], hi[l - 1]] = log10ReluMeanRatioBounds(mw, c.init, c.etas.subarray(0, l));
    notes.push('ReLU modules: the mean line is the mean-field curve (THEORY.md §7.4, approximate), between exact bounds; no band (only an upper bound on the second moment is known).');
  } else {
    meanKind = 'none';
    notes.push(`ReLU modules: the mean is derived for Gaussian weights only, not '${c.initId}'.`);
  }
  let sumEta = 0, sumEta2 = 0;
  for (const e of c.etas) { sumEta += e; sumEta2 += e * e; }
  // x_0 = ReLU(P·x) = 0 iff all n projected units are off: 2^{−n} for continuous laws.
  const pDead = filled(L, c.init.law === 'rademacher' ? NaN : Math.pow(2, -c.width));
  const bandTrusted = trustedPrefix(c.nets, pDead, bandLo);
  notes.push(...bandNote({ bandTrusted, bandLo }, c.nets, 'module'));
  return {
    log10Gain, log10Mean, log10MeanLo: lo, log10MeanHi: hi, bandLo, bandHi, bandTrusted, pDead, meanKind, notes,
    beta: NaN, rate: NaN, lastMean: NaN, lastSd: NaN, kappa, sumEta, sumEta2,
  };
}

/** The nets' numbers per layer. */
export interface LayerStats {
  /** Quantiles of log10(M_j/M_0) at QUANTILES, one array per level. */
  readonly quantiles: Float64Array[];
  /** log10 of the sample mean of M_j/M_0 (dead nets count as 0). */
  readonly sampleMean: Float64Array;
  /** Mean and sd of log10(M_j/M_0) over the nets alive at j. */
  readonly meanLog: Float64Array;
  readonly sdLog: Float64Array;
  /** Nets with M_j = 0 (dense), or with x_0 = 0 (residual: left out of every other number). */
  readonly dead: Float64Array;
  /** Mean active fraction (dense); NaN for residual nets. */
  readonly activeFraction: Float64Array;
}

export interface Summary {
  readonly nets: number;
  /** Nets that entered the numbers (residual: x_0 ≠ 0). */
  readonly used: number;
  /** Fitted slope of the log10 sample mean, and of the median, against j. */
  readonly slopeMean: number;
  readonly slopeMedian: number;
  /** log10(M_d/M_0) over the live nets at the last layer. */
  readonly lastMean: number;
  readonly lastSd: number;
  readonly deadFraction: number;
}

/** Ratios ln(M_j/M_0) of layer j over the first `done` nets; residual nets with x_0 = 0 are left out. */
function ratiosAt(data: RunData, j: number): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < data.done; k++) {
    const m0 = data.logM0[k];
    if (data.mode === 'residual' && m0 === -Infinity) continue;
    out.push(data.logM[k * data.depth + j - 1] - m0);
  }
  return Float64Array.from(out);
}

export function layerStats(data: RunData, c: Config): LayerStats {
  const d = data.depth;
  const quantiles = QUANTILES.map(() => filled(d));
  const sampleMean = filled(d), meanLog = filled(d), sdLog = filled(d), dead = filled(d), activeFraction = filled(d);
  const deadInputs = data.mode === 'residual' ? data.logM0.subarray(0, data.done).filter((v) => v === -Infinity).length : 0;
  for (let j = 1; j <= d; j++) {
    const r = ratiosAt(data, j);
    const sorted = r.map((v) => v * Math.LOG10E).sort();
    QUANTILES.forEach((p, i) => { quantiles[i][j - 1] = quantile(sorted, p); });
    sampleMean[j - 1] = logMeanExp(r) * Math.LOG10E;
    const live = sorted.filter((v) => v > -Infinity);
    meanLog[j - 1] = live.length > 0 ? mean(live) : NaN;
    sdLog[j - 1] = live.length > 1 ? Math.sqrt(variance(live)) : NaN;
    dead[j - 1] = data.mode === 'residual' ? deadInputs : sorted.length - live.length;
    if (c.mode === 'dense') {
      let a = 0;
      for (let k = 0; k < data.done; k++) a += data.active[k * d + j - 1];
      activeFraction[j - 1] = a / (data.done * c.widths[j]);
    }
  }
  return { quantiles, sampleMean, meanLog, sdLog, dead, activeFraction };
}

export function summaryOf(data: RunData, stats: LayerStats): Summary {
  const d = data.depth;
  const js = Array.from({ length: d }, (_, i) => i + 1);
  const fit = (ys: Float64Array) => {
    const pts = js.filter((j) => Number.isFinite(ys[j - 1]));
    return pts.length >= 2 ? slope(pts, pts.map((j) => ys[j - 1])) : NaN;
  };
  return {
    nets: data.done,
    used: data.mode === 'residual' ? data.done - stats.dead[0] : data.done,
    slopeMean: fit(stats.sampleMean),
    slopeMedian: fit(stats.quantiles[2]),
    lastMean: stats.meanLog[d - 1],
    lastSd: stats.sdLog[d - 1],
    deadFraction: stats.dead[d - 1] / data.done,
  };
}

/** Active units of dense layer j across the nets alive at j − 1, against Binomial(n_j, ½). */
export interface ActiveHistogram {
  readonly width: number;
  /** Nets counted (alive at layer j − 1). */
  readonly nets: number;
  /** counts[a]: nets with a active units, a = 0..n_j. */
  readonly counts: Int32Array;
  /** nets · C(n_j, a)/2^{n_j}. */
  readonly expected: Float64Array;
}

export function activeHistogram(data: RunData, c: DenseConfig, j: number): ActiveHistogram {
  const d = data.depth, n = c.widths[j];
  const counts = new Int32Array(n + 1);
  let nets = 0;
  for (let k = 0; k < data.done; k++) {
    // Alive at j − 1 (the input is alive): then the n_j pre-activations are i.i.d. symmetric given a_{j−1}.
    if (j > 1 && data.logM[k * d + j - 2] === -Infinity && !(c.bias.law !== 'zero' && c.bias.variance > 0)) continue;
    counts[data.active[k * d + j - 1]]++;
    nets++;
  }
  const expected = new Float64Array(n + 1);
  let logC = -n * Math.LN2;
  for (let a = 0; a <= n; a++) {
    if (a > 0) logC += Math.log((n - a + 1) / a);
    expected[a] = nets * Math.exp(logC);
  }
  return { width: n, nets, counts, expected };
}

/** How the page prints a number (its exact value sits beside it in data-value). */
export function display(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

/** The CSV of the current view: one row per layer, the theory, the nets' numbers and net k's record. */
export function viewRows(c: Config, theory: Theory, stats: LayerStats, records: readonly TraceRecord[]): Record<string, number>[] {
  const rows: Record<string, number>[] = [];
  for (let j = 1; j <= c.depth; j++) {
    const i = j - 1, rec = records[i] ?? {};
    const row: Record<string, number> = {
      layer: j, width: c.mode === 'dense' ? c.widths[j] : c.width,
      log10_gain: theory.log10Gain[i], theory_log10_mean_ratio: theory.log10Mean[i],
      theory_lo: theory.log10MeanLo[i], theory_hi: theory.log10MeanHi[i],
      band_lo: theory.bandLo[i], band_hi: theory.bandHi[i], band_trusted: j <= theory.bandTrusted ? 1 : 0,
      sample_log10_mean_ratio: stats.sampleMean[i],
    };
    QUANTILES.forEach((p, q) => { row[`q${String(Math.round(p * 100)).padStart(2, '0')}`] = stats.quantiles[q][i]; });
    Object.assign(row, {
      mean_log10_ratio: stats.meanLog[i], sd_log10_ratio: stats.sdLog[i], dead: stats.dead[i], p_dead: theory.pDead[i],
      active_fraction: stats.activeFraction[i], net: c.net,
    });
    for (const [key, v] of Object.entries(rec)) if (key !== 'layer' && key !== 'module' && key !== 'width') row[`net_${key}`] = v;
    rows.push(row);
  }
  return rows;
}

/** The column order of viewRows for a setting. */
export function viewColumns(records: readonly TraceRecord[]): string[] {
  const base = ['layer', 'width', 'log10_gain', 'theory_log10_mean_ratio', 'theory_lo', 'theory_hi', 'band_lo', 'band_hi', 'band_trusted',
    'sample_log10_mean_ratio', ...QUANTILES.map((p) => `q${String(Math.round(p * 100)).padStart(2, '0')}`),
    'mean_log10_ratio', 'sd_log10_ratio', 'dead', 'p_dead', 'active_fraction', 'net'];
  const rec = records.length > 0 ? Object.keys(records[0]).filter((k) => k !== 'layer' && k !== 'module' && k !== 'width').map((k) => `net_${k}`) : [];
  return [...base, ...rec];
}

/** The backward view's columns, one row per layer j = 1..d (view.csv's backward counterpart). */
export const BACKWARD_COLUMNS = [
  'layer', 'width', 'active_units', 'log10_delta_sq', 'theory_log10_delta_sq', 'log10_grad_w_sq', 'theory_log10_grad_w_sq',
  'log10_signal_down_sq', 'predicted_log10_signal_down_sq', 'predicted_lo', 'predicted_hi', 'z_score', 'along_share',
] as const;

/**
 * Net k's backward pass beside the theory, per layer: the measured ‖δ_j‖² and ‖∂ℓ/∂W_j‖² against their
 * expectations over nets at this input (THEORY.md §10.7, (10.6), ℓ = a_{d,q}: E‖δ_j‖² = E‖∂ℓ/∂b_j‖²),
 * and the signal sent down against the trace's conditional prediction given the forward pass and the
 * layers above (§10.4) with its central 95% band mean·(1 ± 1.96·sd/mean) (−∞ where the low end is ≤ 0)
 * and the z-score. The expectations need zero biases; with biases they are NaN.
 */
export function backwardRows(c: DenseConfig, b: BackwardView): Record<string, number>[] {
  const hasBias = c.bias.law !== 'zero' && c.bias.variance > 0;
  const theory = hasBias ? null : gradientMoments(c.widths, c.init, b.m0);
  return b.records.map((r, i) => {
    const mean = r.predictedLog10SignalDownSq, rel = r.predictedRelSd;
    const lo = 1 - BAND_Z * rel, hi = 1 + BAND_Z * rel;
    return {
      layer: r.layer, width: r.width, active_units: r.activeUnits,
      log10_delta_sq: r.log10DeltaSq, theory_log10_delta_sq: theory === null ? NaN : theory[i].log10MeanSqGradB,
      log10_grad_w_sq: 2 * r.log10GradW, theory_log10_grad_w_sq: theory === null ? NaN : theory[i].log10MeanSqGradW,
      log10_signal_down_sq: r.log10SignalDownSq, predicted_log10_signal_down_sq: mean,
      predicted_lo: Number.isNaN(rel) ? NaN : lo > 0 ? mean + Math.log10(lo) : -Infinity,
      predicted_hi: Number.isNaN(rel) ? NaN : mean + Math.log10(hi),
      z_score: r.zScore, along_share: r.alongShare,
    };
  });
}
