// The cell task behind Figure 3(a): for one module convention and one scale schedule, draw `nets`
// independent residual nets, push one random unit input through each, and summarize M_L/M_0 over
// the nets for every L in the cell's list, with the theory beside each. Plain-object params in,
// plain-object result out, so it runs in a worker.
//
// When η_ℓ does not depend on L (const, inv, inv2, geom, list), a net of L modules is the first L
// modules of a longer one, so one net of max(L) modules gives M_L for every L at once, and the
// curve's points share their nets (as a single training run's depths would). For invL and invsqrtL
// every L needs its own nets.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { initializerById } from '../../nn/init';
import { type ModuleConvention, moduleWidths, ResidualNet } from '../../nn/residual/net';
import {
  log10LinearGaussianSecondMomentRatio, log10LinearMeanRatio, log10ReluMeanFieldRatios, log10ReluMeanRatioBounds,
  log10ReluSecondMomentBound, moduleKappa,
} from '../../nn/residual/theory';
import { traceResidualForward } from '../../nn/residual/trace';
import { parseSchedule, scales } from '../../nn/residual/schedule';
import { logLengthSummary, logMeanExp, type LogLengthSummary } from '../../nn/stats';

import { forEachNet, stringKey } from './shared';
import { backendCellTask } from './task';
import { randomUnitInput } from '../../nn/input';
import { PerLayerProduct } from '../../nn/dense/estimators';

export interface ResidualCellParams {
  readonly convention: ModuleConvention;
  /** Schedule text (lib/nn/residual/schedule.ts). */
  readonly schedule: string;
  /** The numbers of modules L to report, increasing. */
  readonly modules: readonly number[];
  /** Stream width n (the input width too). */
  readonly width: number;
  /** Hidden widths of each module. */
  readonly hidden: readonly number[];
  readonly init: string;
  readonly nets: number;
  readonly seed: number;
  /** Default float64; float32 for float32-only backends (gpu.js). */
  readonly dtype?: DType;
}

/**
 * One point of the figure: the nets' summary of M_L/M_0 at one L (stats.ts). The estimate of log10
 * E[M_L/M_0] and its 95% interval: for linear modules the per-module product (E[M_ℓ/M_{ℓ−1} | x_{ℓ−1}] =
 * 1 + κη_ℓ² on every past, THEORY.md §7.1, §4.10); for ReLU-ended modules that conditional mean depends
 * on the stream (§7.2), so Cox's log-normal estimate and interval (coverage measured in §4.10).
 */
export interface ResidualPoint extends LogLengthSummary {
  readonly modules: number;
  readonly nets: number;
  /** 'per_module_product' or 'cox': which estimator gave log10_mean_ratio. */
  readonly estimator: string;
  /**
   * The theory's log10 E[M_L/M_0]: ∏(1 + κη²) exactly (linear); the mean-field curve (relu, approximate,
   * THEORY.md §7.4; NaN for non-Gaussian weights).
   */
  readonly log10_theory_ratio: number;
  /** 'exact' or 'mean-field': how far to trust log10_theory_ratio. */
  readonly theory_kind: string;
  /** Exact bounds on log10 E[M_L/M_0] (relu, Gaussian; equal to the theory for linear modules). */
  readonly log10_theory_lo: number;
  readonly log10_theory_hi: number;
  /** log10 of the sample mean of (M_L/M_0)². */
  readonly log10_second_moment_ratio: number;
  /** log10 E[(M_L/M_0)²]: exact (linear, Gaussian) or an upper bound (relu, Gaussian); NaN otherwise. */
  readonly log10_theory_second_moment_ratio: number;
  /** log10 of (mean of R²)/(mean of R)², R = M_L/M_0: the FM2 statistic, bounded when FM1 is avoided. */
  readonly log10_fm2_ratio: number;
  /** Σ η_ℓ and Σ η_ℓ² over ℓ ≤ L: the sums that decide FM1 (relu and linear convention). */
  readonly sum_eta: number;
  readonly sum_eta2: number;
  /** Nets whose stream was zero from the start (x_0 = 0; left out, so the ratio is conditional on x_0 ≠ 0). */
  readonly dead: number;
}

export interface ResidualCellResult {
  readonly kappa: number;
  readonly points: ResidualPoint[];
  readonly seconds: number;
}

function theoryAt(p: ResidualCellParams, etas: Float64Array): Pick<ResidualPoint,
  'log10_theory_ratio' | 'theory_kind' | 'log10_theory_lo' | 'log10_theory_hi' | 'log10_theory_second_moment_ratio'> {
  const init = initializerById(p.init);
  const mw = moduleWidths(p.width, p.hidden);
  const gaussian = init.law === 'normal';
  if (p.convention === 'linear') {
    const m = log10LinearMeanRatio(moduleKappa(mw, init), etas);
    return {
      log10_theory_ratio: m, theory_kind: 'exact', log10_theory_lo: m, log10_theory_hi: m,
      log10_theory_second_moment_ratio: gaussian ? log10LinearGaussianSecondMomentRatio(mw, init, etas) : NaN,
    };
  }
  if (!gaussian) {
    return { log10_theory_ratio: NaN, theory_kind: 'none', log10_theory_lo: NaN, log10_theory_hi: NaN, log10_theory_second_moment_ratio: NaN };
  }
  const [lo, hi] = log10ReluMeanRatioBounds(mw, init, etas);
  const field = log10ReluMeanFieldRatios(mw, init, etas);
  return {
    log10_theory_ratio: field[field.length - 1], theory_kind: 'mean-field', log10_theory_lo: lo, log10_theory_hi: hi,
    log10_theory_second_moment_ratio: log10ReluSecondMomentBound(mw, init, etas),
  };
}

function summarize(p: ResidualCellParams, L: number, logs: Float64Array, dead: number, product: PerLayerProduct): ResidualPoint {
  const etas = scales(parseSchedule(p.schedule), L);
  const alive = logs.filter((l) => !Number.isNaN(l));
  const summary = logLengthSummary(alive);
  const linear = p.convention === 'linear';
  const perModule = linear ? product.estimate(L) : null;
  const log10Second = logMeanExp(alive.map((l) => 2 * l)) * Math.LOG10E;
  let sumEta = 0, sumEta2 = 0;
  for (const e of etas) { sumEta += e; sumEta2 += e * e; }
  return {
    modules: L, nets: alive.length,
    ...summary,
    ...(perModule === null ? {} : { log10_mean_ratio: perModule.log10, log10_mean_ratio_lo: perModule.lo, log10_mean_ratio_hi: perModule.hi }),
    estimator: linear ? 'per_module_product' : 'cox',
    ...theoryAt(p, etas),
    log10_second_moment_ratio: log10Second,
    // The FM2 statistic compares sample moments with each other: (mean of R²)/(mean of R)².
    log10_fm2_ratio: log10Second - 2 * summary.log10_sample_mean_ratio,
    sum_eta: sumEta, sum_eta2: sumEta2, dead,
  };
}

export function runResidualCell(p: ResidualCellParams, backend?: Backend): ResidualCellResult {
  // The nets' weights live in the backend's memory for this cell only.
  return inArena(backend, () => residualCell(p, backend));
}

function residualCell(p: ResidualCellParams, backend: Backend | undefined): ResidualCellResult {
  const started = Date.now();
  const schedule = parseSchedule(p.schedule);
  const init = initializerById(p.init);
  const arch = { inputWidth: p.width, width: p.width, hidden: p.hidden, outputWidth: 10, convention: p.convention };
  const cellKeys = [stringKey(p.convention), stringKey(schedule.text), stringKey(p.init), p.width, stringKey(p.hidden.join(','))];
  // groups: [the net's L, the Ls read from its prefixes]
  const Lmax = Math.max(...p.modules);
  const groups: [number, number[]][] = schedule.dependsOnL ? p.modules.map((L) => [L, [L]]) : [[Lmax, [...p.modules]]];
  const points: ResidualPoint[] = [];
  for (const [netL, Ls] of groups) {
    const net = new ResidualNet(arch, scales(schedule, netL), init, { backend, dtype: p.dtype });
    const logs = Ls.map(() => new Float64Array(p.nets));
    // Nets of L modules are prefixes of this one, so one per-module product serves every L.
    const product = new PerLayerProduct(netL), path = new Float64Array(netL);
    let dead = 0;
    // One stream per (cell, net L, net); shared prefixes use key 0, which no L takes.
    forEachNet(p.seed, [...cellKeys, schedule.dependsOnL ? netL : 0], p.nets, backend, (rng, k) => {
      net.initialize(rng);
      const t = traceResidualForward(net, randomUnitInput(rng, p.width, p.dtype), false);
      if (t.dead) dead++;
      Ls.forEach((L, i) => { logs[i][k] = t.dead ? NaN : t.logM[L] - t.logM0; });
      if (!t.dead) {
        for (let l = 1; l <= netL; l++) path[l - 1] = t.logM[l] - t.logM0;
        product.add(path);
      }
    });
    Ls.forEach((L, i) => points.push(summarize(p, L, logs[i], dead, product)));
  }
  points.sort((a, b) => a.modules - b.modules);
  return { kappa: moduleKappa(moduleWidths(p.width, p.hidden), init), points, seconds: (Date.now() - started) / 1000 };
}

/** The task behind Figure 3(a): one cell, with the backend named in the params (created once per thread). */
export const residualLengthsTask = backendCellTask<ResidualCellParams & { readonly backend: string }, ResidualCellResult>('residual-lengths', runResidualCell);
