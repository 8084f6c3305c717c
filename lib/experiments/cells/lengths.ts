// The cell task behind Figure 1(a) (and the other length experiments): draw `nets` independent
// networks of one architecture and initializer, push one input through each, and summarize
// M_d/M_0 over the nets. Plain-object params in, plain-object result out, so it runs in a worker.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { DenseReluNet } from '../../nn/dense/net';
import { initializerById } from '../../nn/init';
import { logLengthSummary, type LogLengthSummary } from '../../nn/stats';
import { log10MeanRatio, deadProbability } from '../../nn/dense/theory';
import { traceForward } from '../../nn/dense/trace';
import { forEachNet, stringKey, type DenseCellParams } from './shared';
import { backendCellTask } from './task';
import { randomUnitInput } from '../../nn/input';
import { PerLayerProduct } from '../../nn/dense/estimators';
import { fixedImage, type ImageInput } from '../../../data/images';

export interface LengthCellParams extends DenseCellParams {
  /** null: a fresh random unit-norm input per net; otherwise this data-set image (n_0 pixels) for every net. */
  readonly input: ImageInput | null;
  /** Default float64; float32 for float32-only backends (gpu.js): the log-domain trace keeps it safe. */
  readonly dtype?: DType;
}

/**
 * The nets' summary (stats.ts), with one difference: log10_mean_ratio and its 95% interval are the
 * primary estimate, the per-layer product Σ_j log10 ĉ_j with its delta-method interval
 * (lib/nn/dense/estimators.ts, THEORY.md §4.10, with its measured coverage), not Cox's.
 */
export interface LengthCellResult extends LogLengthSummary {
  readonly nets: number;
  /** log10 ∏c_j: the theory's E[M_d/M_0]. */
  readonly log10_theory_ratio: number;
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
  // The net checks the widths, once for the cell; the theory below reads the net's.
  const net = new DenseReluNet(p.widths, init, { backend, dtype: p.dtype });
  const d = net.depth, n0 = net.widths[0];
  const image = p.input === null ? null : fixedImage(p.input);
  if (image !== null && image.length !== n0) throw new RangeError(`the image has ${image.length} pixels, the net expects n_0 = ${n0}`);
  const logs = new Float64Array(p.nets), path = new Float64Array(d);
  const product = new PerLayerProduct(d);
  let dead = 0;
  const cellKeys = [stringKey(p.init), d, ...net.widths.slice(0, 2)];
  forEachNet(p.seed, cellKeys, p.nets, backend, (rng, k) => {
    net.initialize(rng);
    const x = image ?? randomUnitInput(rng, n0, p.dtype);
    // The per-layer record gives every ln M_j: the per-layer product needs each layer's ratio.
    const t = traceForward(net, x, true);
    for (let j = 0; j < d; j++) path[j] = t.layers[j].logM - t.logM0;
    product.add(path);
    logs[k] = t.logRatio;
    if (t.dead) dead++;
  });
  const primary = product.estimate();
  const { mean_log10_ratio, sd_log10_ratio, log10_sample_mean_ratio } = logLengthSummary(logs);
  return {
    nets: p.nets,
    log10_mean_ratio: primary.log10, log10_mean_ratio_lo: primary.lo, log10_mean_ratio_hi: primary.hi,
    log10_theory_ratio: log10MeanRatio(net.widths, init),
    mean_log10_ratio, sd_log10_ratio, log10_sample_mean_ratio,
    dead,
    dead_expected: p.nets * deadProbability(net.widths),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind Figure 1(a): one cell, with the backend named in the params. */
export const lengthsTask = backendCellTask<LengthCellParams & { readonly backend: string }, LengthCellResult>('lengths', runLengthCell);
