// The cell task behind conv.js parts (a) and (b): draw `nets` independent conv ReLU nets of one
// architecture and initializer, push one input through each (log domain, nn/conv-net.ts), and
// summarize R = M_d/M_0 over the nets: its mean and second moment with Cox log-normal intervals, and
// the exact theory mean (§8.1) for the same input law. Plain-object params in, plain-object result out.

import { inArena, type Backend, type DType } from '../../kernels/backend';
import { cifarImage, readCifarBatch } from '../../../data/cifar';
import { loadDataset, type DatasetName } from '../../../data/mnist';
import type { ConvLayerSpec, ImageShape } from '../../nn/conv/layer';
import { ConvReluNet, convTraceForward } from '../../nn/conv/net';
import { energyProfile, log10ConvMeanRatio } from '../../nn/conv/theory';
import { initializerById } from '../../nn/init';
import { logLengthSummary, logMeanExp, logNormalMeanInterval } from '../../nn/stats';

import { Rng } from '../../tensor/rng';
import { stringKey, threadBackend } from './shared';
import { cellTask } from './task';
import { randomUnitInput } from '../../nn/input';

/** A fresh random unit-norm C×H×W tensor per net, or one fixed image of a data set for every net. */
export type ConvInput =
  | { readonly kind: 'unit'; readonly shape: ImageShape }
  | { readonly kind: 'mnist'; readonly dataset: DatasetName; readonly index: number }
  | { readonly kind: 'cifar'; readonly path: string; readonly index: number };

export interface ConvCellParams {
  readonly init: string;
  readonly input: ConvInput;
  readonly layers: readonly ConvLayerSpec[];
  readonly nets: number;
  readonly seed: number;
  /** Default float64; float32 for float32-only backends (gpu.js). */
  readonly dtype?: DType;
}

export interface ConvCellResult {
  readonly nets: number;
  /** log10 of the sample mean of R = M_d/M_0, with Cox's 95% log-normal interval (as lengths.ts). */
  readonly log10_mean_ratio: number;
  readonly log10_mean_ratio_lo: number;
  readonly log10_mean_ratio_hi: number;
  /** log10 E[R] by the exact profile recursion for this input law (§8.1). */
  readonly log10_theory_ratio: number;
  /** log10 of the sample mean of R², with its Cox interval. */
  readonly log10_second_moment: number;
  readonly log10_second_moment_lo: number;
  readonly log10_second_moment_hi: number;
  /** Mean and sd of log10 R over the nets that are not dead. */
  readonly mean_log10_ratio: number;
  readonly sd_log10_ratio: number;
  readonly dead: number;
  readonly seconds: number;
}

export function inputShape(input: ConvInput): ImageShape {
  if (input.kind === 'unit') return input.shape;
  return input.kind === 'mnist' ? [1, 28, 28] : [3, 32, 32];
}

/** The fixed image of a data-set input (read once per thread), or null for random unit inputs. */
const images = new Map<string, Float64Array>();
export function fixedImage(input: ConvInput): Float64Array | null {
  if (input.kind === 'unit') return null;
  const key = `${input.kind === 'mnist' ? input.dataset : input.path}#${input.index}`;
  let img = images.get(key);
  if (img === undefined) {
    img = input.kind === 'mnist' ? testImage(input.dataset, input.index) : cifarImage(readCifarBatch(input.path), input.index);
    images.set(key, img);
  }
  return img;
}

/** Test image i of MNIST or Fashion-MNIST as 1×28×28 floats in [0, 1] (pixel/255, the training scaling). */
function testImage(name: DatasetName, i: number): Float64Array {
  const set = loadDataset(name).test;
  if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new RangeError(`${name}: test image ${i} out of range 0..${set.count - 1}`);
  const f = set.features, out = new Float64Array(f);
  for (let k = 0; k < f; k++) out[k] = set.images[i * f + k] / 255;
  return out;
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
  for (let k = 0; k < p.nets; k++) {
    // One stream per (cell, net): results do not depend on worker count, order or sharding.
    const rng = new Rng(p.seed, [...cellKeys, k], backend);
    net.initialize(rng);
    const t = convTraceForward(net, image ?? randomUnitInput(rng, size, p.dtype), false);
    logs[k] = t.logRatio;
    if (t.dead) dead++;
  }
  const twice = logs.map((l) => 2 * l);
  const [lo2, hi2] = logNormalMeanInterval(twice);
  // A unit input has the same expected energy everywhere (a flat profile); an image has its own.
  const e0 = image === null ? undefined : energyProfile(image, shape[0], shape[1], shape[2]);
  return {
    nets: p.nets,
    ...logLengthSummary(logs),
    log10_theory_ratio: log10ConvMeanRatio(net.geometries, net.gains(), e0),
    log10_second_moment: logMeanExp(twice) * Math.LOG10E,
    log10_second_moment_lo: lo2 * Math.LOG10E,
    log10_second_moment_hi: hi2 * Math.LOG10E,
    dead,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind conv.js parts (a) and (b): one cell, with the backend named in the params (created once per thread). */
export const convLengthsTask = cellTask<ConvCellParams & { readonly backend: string }, ConvCellResult>('conv-lengths',
  (p) => runConvCell(p, threadBackend(p.backend)));
