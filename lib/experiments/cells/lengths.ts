// The cell task behind Figure 1(a) (and the other length experiments): draw `nets` independent
// networks of one architecture and initializer, push one input through each, and summarize
// M_d/M_0 over the nets. Plain-object params in, plain-object result out, so it runs in a worker.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { DenseReluNet } from '../../nn/dense/net';
import { initializerById } from '../../nn/init';
import { logLengthSummary } from '../../nn/stats';
import { log10MeanRatio, deadProbability } from '../../nn/dense/theory';
import { traceForward } from '../../nn/dense/trace';
import { Rng } from '../../tensor/rng';
import { stringKey, threadBackend } from './shared';
import { cellTask } from './task';
import { randomUnitInput } from '../../nn/input';
import { PerLayerProduct } from '../../nn/dense/estimators';
import { fixedImage, type ImageInput } from '../../../data/images';

export interface LengthCellParams {
  readonly init: string;
  /** Widths n_0..n_d. */
  readonly widths: readonly number[];
  readonly nets: number;
  readonly seed: number;
  /** null: a fresh random unit-norm input per net; otherwise this data-set image (n_0 pixels) for every net. */
  readonly input: ImageInput | null;
  /** Default float64; float32 for float32-only backends (gpu.js): the log-domain trace keeps it safe. */
  readonly dtype?: DType;
}

export interface LengthCellResult {
  readonly nets: number;
  /**
   * The primary estimate of log10 E[M_d/M_0]: the per-layer product Σ_j log10 ĉ_j, and its 95%
   * delta-method interval (lib/nn/dense/estimators.ts, THEORY.md §4.10, with its measured coverage).
   */
  readonly log10_mean_ratio: number;
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  /** log10 ∏c_j: the theory's E[M_d/M_0]. */
  readonly log10_theory_ratio: number;
  /** Mean and sd of log10(M_d/M_0) over the nets that are not dead. */
  readonly mean_log10_ratio: number;
  readonly sd_log10_ratio: number;
  /** log10 of the plain sample mean of M_d/M_0: the paper's statistic (compare with the theory's band for it). */
  readonly log10_sample_mean_ratio: number;
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
  const image = p.input === null ? null : fixedImage(p.input);
  if (image !== null && image.length !== p.widths[0]) throw new RangeError(`the image has ${image.length} pixels, the net expects n_0 = ${p.widths[0]}`);
  const logs = new Float64Array(p.nets), path = new Float64Array(d);
  const product = new PerLayerProduct(d);
  let dead = 0;
  const cellKeys = [stringKey(p.init), d, ...p.widths.slice(0, 2)];
  for (let k = 0; k < p.nets; k++) {
    // One stream per (cell, net): results do not depend on worker count, order or sharding.
    const rng = new Rng(p.seed, [...cellKeys, k], backend);
    net.initialize(rng);
    const x = image ?? randomUnitInput(rng, p.widths[0], p.dtype);
    // The per-layer record gives every ln M_j: the per-layer product needs each layer's ratio.
    const t = traceForward(net, x, true);
    for (let j = 0; j < d; j++) path[j] = t.layers[j].logM - t.logM0;
    product.add(path);
    logs[k] = t.logRatio;
    if (t.dead) dead++;
  }
  const primary = product.estimate();
  const { mean_log10_ratio, sd_log10_ratio, log10_sample_mean_ratio } = logLengthSummary(logs);
  return {
    nets: p.nets,
    log10_mean_ratio: primary.log10, log10_mean_ratio_lo: primary.lo, log10_mean_ratio_hi: primary.hi,
    log10_theory_ratio: log10MeanRatio(p.widths, init),
    mean_log10_ratio, sd_log10_ratio, log10_sample_mean_ratio,
    dead,
    dead_expected: p.nets * deadProbability(p.widths),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind Figure 1(a): one cell, with the backend named in the params. */
export const lengthsTask = cellTask<LengthCellParams & { readonly backend: string }, LengthCellResult>('lengths', (p) => runLengthCell(p, threadBackend(p.backend)));
