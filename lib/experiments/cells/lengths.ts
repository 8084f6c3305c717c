// The cell task behind Figure 1(a) (and the other length experiments): draw `nets` independent
// networks of one architecture and initializer, push one input through each, and summarize
// M_d/M_0 over the nets. Plain-object params in, plain-object result out, so it runs in a worker.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { DenseReluNet } from '../../nn/dense/net';
import { initializerById } from '../../nn/init';
import { bootstrapLogMeanInterval, logLengthSummary } from '../../nn/stats';
import { log10MeanRatio, deadProbability } from '../../nn/dense/theory';
import { traceForward } from '../../nn/dense/trace';
import { Rng } from '../../tensor/rng';
import { stringKey, threadBackend } from './shared';
import { cellTask } from './task';
import { randomUnitInput } from '../../nn/input';

export interface LengthCellParams {
  readonly init: string;
  /** Widths n_0..n_d. */
  readonly widths: readonly number[];
  readonly nets: number;
  readonly seed: number;
  /** null: a fresh random unit-norm input per net; otherwise this fixed input (length n_0). */
  readonly input: readonly number[] | null;
  /** Default float64; float32 for float32-only backends (gpu.js): the log-domain trace keeps it safe. */
  readonly dtype?: DType;
}

export interface LengthCellResult {
  readonly nets: number;
  /** log10 of the sample mean of M_d/M_0. */
  readonly log10_mean_ratio: number;
  /**
   * 95% interval for log10 E[M_d/M_0] by Cox's log-normal method (lib/nn/stats.ts): the lengths are
   * log-normal-like, and with heavy tails the sample mean itself usually sits below the true mean.
   */
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  /** log10 ∏c_j: the theory's E[M_d/M_0]. */
  readonly log10_theory_ratio: number;
  /** Mean and sd of log10(M_d/M_0) over the nets that are not dead. */
  readonly mean_log10_ratio: number;
  readonly sd_log10_ratio: number;
  /** The percentile bootstrap (1,000 resamples) of the same, for comparison: it undercovers here. */
  readonly log10_mean_ratio_boot_lo: number;
  readonly log10_mean_ratio_boot_hi: number;
  /** Nets whose output is exactly zero, and the expected count. */
  readonly dead: number;
  readonly dead_expected: number;
  readonly seconds: number;
}

export function runLengthCell(p: LengthCellParams, backend?: Backend): LengthCellResult {
  const started = Date.now();
  // The net's weights live in the backend's memory for this cell only.
  return inArena(backend, () => lengthCell(p, started, backend));
}

function lengthCell(p: LengthCellParams, started: number, backend: Backend | undefined): LengthCellResult {
  const init = initializerById(p.init);
  const net = new DenseReluNet(p.widths, init, { backend, dtype: p.dtype });
  const d = p.widths.length - 1;
  const logs = new Float64Array(p.nets);
  let dead = 0;
  const cellKeys = [stringKey(p.init), d, ...p.widths.slice(0, 2)];
  for (let k = 0; k < p.nets; k++) {
    // One stream per (cell, net): results do not depend on worker count, order or sharding.
    const rng = new Rng(p.seed, [...cellKeys, k], backend);
    net.initialize(rng);
    const x = p.input ?? randomUnitInput(rng, p.widths[0], p.dtype);
    const t = traceForward(net, x, false);
    logs[k] = t.logRatio;
    if (t.dead) dead++;
  }
  const [bootLo, bootHi] = bootstrapLogMeanInterval(logs, new Rng(p.seed, [...cellKeys, 0x7fffffff]));
  return {
    nets: p.nets,
    ...logLengthSummary(logs),
    log10_theory_ratio: log10MeanRatio(p.widths, init),
    log10_mean_ratio_boot_lo: bootLo * Math.LOG10E,
    log10_mean_ratio_boot_hi: bootHi * Math.LOG10E,
    dead,
    dead_expected: p.nets * deadProbability(p.widths),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind Figure 1(a): one cell, with the backend named in the params. */
export const lengthsTask = cellTask<LengthCellParams & { readonly backend: string }, LengthCellResult>('lengths', (p) => runLengthCell(p, threadBackend(p.backend)));
