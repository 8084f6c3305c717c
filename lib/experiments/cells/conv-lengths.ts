// The cell task behind conv.js parts (a) and (b): draw `nets` independent conv ReLU nets of one
// architecture and initializer, push one input through each (log domain, nn/conv/net.ts), and
// summarize R = M_d/M_0 over the nets: its sample mean with the bootstrap-t interval, its second moment
// with Cox's log-normal interval, and the exact theory mean (§8.1) for the same input law. Plain-object
// params in, plain-object result out.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { fixedImage, inputShape, type ConvInput } from '../../../data/images';
import type { ConvLayerSpec } from '../../nn/conv/layer';
import { ConvReluNet, convTraceForward } from '../../nn/conv/net';
import { energyProfile, log10ConvMeanRatio } from '../../nn/conv/theory';
import { initializerById } from '../../nn/init';
import { BOOTSTRAP_KEY, logBootstrapTInterval, logLengthSummary, logMeanExp, logNormalMeanInterval, type LogLengthSummary } from '../../nn/stats';
import { Rng } from '../../tensor/rng';

import { forEachNet, stringKey } from './shared';
import { backendCellTask } from './task';
import { randomUnitInput } from '../../nn/input';

export interface ConvCellParams {
  readonly init: string;
  readonly input: ConvInput;
  readonly layers: readonly ConvLayerSpec[];
  readonly nets: number;
  readonly seed: number;
  /** Default float64; float32 for float32-only backends (gpu.js). */
  readonly dtype?: DType;
}

/**
 * The nets' summary of R = M_d/M_0. The per-layer product of lengths.ts does not apply: with borders the
 * conditional mean of M_j/M_{j−1} depends on the energy profile (THEORY.md §8.1). Cox's log-normal
 * estimate runs low here (ln R is not normal, and the bias stays as N grows), so the estimate of E[R]
 * is the plain sample mean with its bootstrap-t interval; coverage of both measured in §4.10.
 */
export interface ConvCellResult extends LogLengthSummary {
  /** log10 of the sample mean of R (= log10_sample_mean_ratio), the centre of the interval below. */
  readonly log10_mean_ratio: number;
  /** The bootstrap-t 95% interval of the sample mean (999 resamples from the cell's own stream). */
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  /** Cox's log-normal estimate of log10 E[R], for comparison only: biased low in conv nets (§4.10). */
  readonly log10_cox_mean_ratio: number;
  readonly nets: number;
  /** log10 E[R] by the exact profile recursion for this input law (§8.1). */
  readonly log10_theory_ratio: number;
  /** Cox's log-normal estimate of log10 E[R²] and its 95% interval (coverage in THEORY.md §4.10). */
  readonly log10_second_moment: number;
  readonly log10_second_moment_lo: number;
  readonly log10_second_moment_hi: number;
  /** log10 of the plain sample mean of R². */
  readonly log10_sample_second_moment: number;
  readonly dead: number;
  readonly seconds: number;
}

export function runConvCell(p: ConvCellParams, backend?: Backend): ConvCellResult {
  const started = Date.now();
  // The nets' weights live in the backend's memory for this cell only.
  return inArena(backend, () => convCell(p, started, backend));
}

function convCell(p: ConvCellParams, started: number, backend: Backend | undefined): ConvCellResult {
  const init = initializerById(p.init);
  const shape = inputShape(p.input);
  const net = new ConvReluNet(shape, p.layers, init, { backend, dtype: p.dtype });
  const image = fixedImage(p.input);
  const size = shape[0] * shape[1] * shape[2];
  const logs = new Float64Array(p.nets);
  let dead = 0;
  const cellKeys = [stringKey(p.init), stringKey(JSON.stringify([p.input, p.layers]))];
  forEachNet(p.seed, cellKeys, p.nets, backend, (rng, k) => {
    net.initialize(rng);
    const t = convTraceForward(net, image ?? randomUnitInput(rng, size, p.dtype), false);
    logs[k] = t.logRatio;
    if (t.dead) dead++;
  });
  const twice = logs.map((l) => 2 * l);
  const [lo2, hi2] = logNormalMeanInterval(twice);
  // A unit input has the same expected energy everywhere (a flat profile); an image has its own.
  const e0 = image === null ? undefined : energyProfile(image, shape[0], shape[1], shape[2]);
  const summary = logLengthSummary(logs);
  // One net has a mean but no interval (as Cox's, NaN).
  const boot = p.nets >= 2 ? logBootstrapTInterval(logs, new Rng(p.seed, [...cellKeys, BOOTSTRAP_KEY])) : { logMean: logMeanExp(logs), logLo: NaN, logHi: NaN };
  return {
    nets: p.nets,
    ...summary,
    log10_mean_ratio: boot.logMean * Math.LOG10E,
    log10_mean_ratio_lo: boot.logLo * Math.LOG10E,
    log10_mean_ratio_hi: boot.logHi * Math.LOG10E,
    log10_cox_mean_ratio: summary.log10_mean_ratio,
    log10_theory_ratio: log10ConvMeanRatio(net.geometries, net.gains(), e0),
    log10_second_moment: ((lo2 + hi2) / 2) * Math.LOG10E,
    log10_second_moment_lo: lo2 * Math.LOG10E,
    log10_second_moment_hi: hi2 * Math.LOG10E,
    log10_sample_second_moment: logMeanExp(twice) * Math.LOG10E,
    dead,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind conv.js parts (a) and (b): one cell, with the backend named in the params (created once per thread). */
export const convLengthsTask = backendCellTask<ConvCellParams & { readonly backend: string }, ConvCellResult>('conv-lengths', runConvCell);
