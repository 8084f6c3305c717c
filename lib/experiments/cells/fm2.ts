// The cell task behind Figure 2(a): draw `nets` independent He-initialized nets of one architecture
// (or, with method 'exact_sampler', as many paths of the exact Gaussian law of THEORY.md §4.2, which
// costs O(d) instead of O(Σn_j n_{j−1}) per net), push a fresh random unit input through each, and
// summarize R = M_d/M_0 and the per-layer spread V̂ over the nets. Plain-object params in, plain-object
// result out, so it runs in a worker.

import type { Backend, DType } from '../../kernels/backend';
import { DenseReluNet } from '../../nn/dense/net';
import { initializerById } from '../../nn/init';
import { logMeanExp, mean, quantile, quantileSketch, sortedCopy, variance } from '../../nn/stats';
import { traceForward } from '../../nn/dense/trace';
import { forEachNet, stringKey, type DenseCellParams } from './shared';
import { backendCellTask } from './task';
import { randomUnitInput } from '../../nn/input';
import { lengthPath } from '../../nn/dense/estimators';
import { gains } from '../../nn/dense/theory';

export type Fm2Method = 'net' | 'exact_sampler';

export interface Fm2CellParams extends DenseCellParams {
  /** Default float64; float32 for float32-only backends (gpu.js). */
  readonly dtype?: DType;
  readonly method: Fm2Method;
}

export interface Fm2CellResult {
  readonly nets: number;
  /** Nets with M_d = 0 (some layer entirely off). */
  readonly dead: number;
  /** Sample mean of R = M_d/M_0. */
  readonly mean_ratio: number;
  /** log10 of the sample mean of R² (kept in the log domain: R² spans many decades at large β). */
  readonly log10_second_moment: number;
  /** log10 of the unbiased sample variance of R. */
  readonly log10_var_ratio: number;
  /** Mean over the nets of V̂/M_0², V̂ = (1/d)Σ_j M_j² − ((1/d)Σ_j M_j)². */
  readonly var_hat_mean: number;
  /** Quantiles of log10 R over all nets (−Infinity when at least that share is dead). */
  readonly q05_log10_ratio: number;
  readonly q50_log10_ratio: number;
  readonly q95_log10_ratio: number;
  /** Mean and sd of log10 R over the live nets. */
  readonly mean_log10_ratio: number;
  readonly sd_log10_ratio: number;
  /**
   * log10 R at the levels (i + ½)/QUANTILE_SKETCH (quantileSketch): a sketch of the whole distribution,
   * so that cells can be compared by a KS distance after the run without keeping every net's value.
   */
  readonly log10_ratio_sketch: number[];
  /** The same sketch over the live nets only (empty when every net is dead): equal β without the dead atom. */
  readonly log10_live_sketch: number[];
  readonly seconds: number;
}

export const QUANTILE_SKETCH = 500;

/**
 * log10 of the unbiased sample variance of e^{l_i} from logs l_i, scaled by the largest term so that
 * ratios of 10^±300 neither overflow nor underflow (−Infinity entries are zeros).
 */
export function log10SampleVarianceOfExp(logs: ArrayLike<number>): number {
  const n = logs.length;
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (logs[i] > m) m = logs[i];
  if (n < 2) return NaN;
  if (m === -Infinity) return -Infinity;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = Math.exp(logs[i] - m);
  return (2 * m * Math.LOG10E) + Math.log10(variance(scaled));
}

/** V̂/M_0² of one net from its per-layer ln(M_j/M_0) (−Infinity for dead layers, which have M_j = 0). */
export function vHatRatio(logRatios: ArrayLike<number>): number {
  const d = logRatios.length;
  let s = 0, s2 = 0;
  for (let j = 0; j < d; j++) { const m = Math.exp(logRatios[j]); s += m; s2 += m * m; }
  return s2 / d - (s / d) * (s / d);
}

export function runFm2Cell(p: Fm2CellParams, backend?: Backend): Fm2CellResult {
  const started = Date.now();
  const init = initializerById(p.init);
  const d = p.widths.length - 1;
  if (p.method === 'exact_sampler' && init.law !== 'normal') {
    throw new RangeError(`the exact sampler draws the Gaussian law (THEORY.md §4.2); '${p.init}' draws from a ${init.law} law`);
  }
  const net = p.method === 'net' ? new DenseReluNet(p.widths, init, { backend, dtype: p.dtype }) : null;
  const logGains = gains(p.widths, init).map(Math.log);
  const logs = new Float64Array(p.nets), vhat = new Float64Array(p.nets), perLayer = new Float64Array(d);
  let dead = 0;
  const cellKeys = [stringKey(p.init), stringKey(p.method), stringKey(p.widths.join(','))];
  forEachNet(p.seed, cellKeys, p.nets, backend, (rng, k) => {
    if (net !== null) {
      net.initialize(rng);
      const t = traceForward(net, randomUnitInput(rng, p.widths[0], p.dtype), true);
      for (let j = 0; j < d; j++) perLayer[j] = t.layers[j].logM - t.logM0;
      logs[k] = t.logRatio;
    } else {
      lengthPath(rng, p.widths, logGains, perLayer);
      logs[k] = perLayer[d - 1];
    }
    if (logs[k] === -Infinity) dead++;
    vhat[k] = vHatRatio(perLayer);
  });
  const log10s = logs.map((l) => l * Math.LOG10E);
  const sorted = sortedCopy(log10s);
  const alive = log10s.filter((l) => l > -Infinity);
  return {
    nets: p.nets,
    dead,
    mean_ratio: Math.exp(logMeanExp(logs)),
    log10_second_moment: logMeanExp(logs.map((l) => 2 * l)) * Math.LOG10E,
    log10_var_ratio: log10SampleVarianceOfExp(logs),
    var_hat_mean: mean(vhat),
    q05_log10_ratio: quantile(sorted, 0.05),
    q50_log10_ratio: quantile(sorted, 0.5),
    q95_log10_ratio: quantile(sorted, 0.95),
    mean_log10_ratio: alive.length > 0 ? mean(alive) : NaN,
    sd_log10_ratio: alive.length > 1 ? Math.sqrt(variance(alive)) : NaN,
    log10_ratio_sketch: quantileSketch(sorted, QUANTILE_SKETCH),
    log10_live_sketch: quantileSketch(sortedCopy(alive), QUANTILE_SKETCH),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind Figure 2(a): one cell, with the backend named in the params. */
export const fm2Task = backendCellTask<Fm2CellParams & { readonly backend: string }, Fm2CellResult>('fm2', runFm2Cell);
