// The cost model of every cell task: estimated CPU seconds on one core and the bytes a cell holds,
// from its params alone, for --plan and for refusing runs that cannot fit (run/plan.ts).
//
// The rates were measured here as CPU time (process.cpuUsage, so other jobs on the machine count
// less) on the 2-core AVX-512 machine of docs/bench.md, with `node bench/cost-model.js`, which prints
// each measured cell beside this model's estimate (the memory model of training was fitted to the wasm
// arena's measured peak). They are estimates: the machine was shared, small
// cells are dominated by fixed overheads, and other machines differ.

import type { DType } from '../../kernels/backend';
import { DEFAULT_MEMORY_BYTES } from '../../kernels/wasm';
import { parseBackendSpec } from '../../kernels/index';
import { stackGeometry, type ConvLayerSpec, type ImageShape } from '../../nn/conv/layer';
import { constantWidths } from '../../nn/profiles';
import { parseSchedule } from '../../nn/residual/schedule';
import type { TrainConfig } from '../../nn/train/loop';
import type { CellCost } from '../run/plan';
import type { ConvCellParams } from './conv-lengths';
import type { Fm2CellParams } from './fm2';
import type { LengthCellParams } from './lengths';
import type { ResidualCellParams } from './residual-lengths';
import type { BandCellParams } from './band';
import type { ReplicateParams } from './replicates';
import { convReplicateCell } from './replicate-cells';
import type { TrainCellParams } from './training';
import type { GradJacobianParams } from './grad-jacobian';
import type { GradNormsParams } from './grad-norms';

/** Nanoseconds per unit of work, per backend. */
interface Rates {
  /** Drawing one weight and one multiply-add with it (a forward pass of one input through a fresh net). */
  readonly weight: number;
  /** Fixed cost of one layer of such a pass. */
  readonly layer: number;
  /** Fixed cost of one net (its input, its stream, its summary). */
  readonly net: number;
  /** One path-step of the exact Gaussian sampler (fig2's exact_sampler), per unit. */
  readonly unit: number;
  /** One multiply-add of a convolution (im2col + matmul), and one conv layer's fixed cost. */
  readonly mac: number;
  readonly convLayer: number;
  /** One multiply-add of training (batched), per dtype. */
  readonly train: Readonly<Record<DType, number>>;
}

// Measured 2026-11-29 (CPU seconds; see the header). gpujs: its cpu mode (webasm was up to 2× faster;
// on a real GPU it is far faster, so its estimates are pessimistic there).
const RATES: Readonly<Record<string, Rates>> = {
  wasm: { weight: 6.5, layer: 8000, net: 40000, unit: 8, mac: 0.45, convLayer: 80000, train: { float32: 0.08, float64: 0.13 } },
  reference: { weight: 16, layer: 12000, net: 40000, unit: 8, mac: 1.6, convLayer: 100000, train: { float32: 0.5, float64: 0.7 } },
  gpujs: { weight: 30, layer: 100000, net: 20000, unit: 8, mac: 5.7, convLayer: 700000, train: { float32: 2.5, float64: 2.5 } },
};

/** Fixed nanoseconds of one path of the exact sampler (its summary share), on any backend. */
const SAMPLER_PATH = 2000;

/** MNIST and Fashion-MNIST as the loaders keep them: 70,000 28×28 byte images and their labels. */
const DATASET_BYTES = 70000 * 785;
/** Small buffers every cell holds whatever its size (streams, summaries). */
const CELL_FLOOR = 1 << 20;

function rates(backend: string): Rates {
  return RATES[parseBackendSpec(backend).name] ?? RATES.reference;
}

function bytesOf(dtype: DType | undefined): number {
  return dtype === 'float32' ? 4 : 8;
}

/** The wasm backend keeps a cell's arrays in one fixed pool (lib/kernels/wasm.ts). */
function pool(backend: string, bytes: number): CellCost['pool'] {
  return parseBackendSpec(backend).name === 'wasm' ? { name: 'wasm backend\'s memory', bytes, capacity: DEFAULT_MEMORY_BYTES } : undefined;
}

function denseWeights(widths: readonly number[]): number {
  let w = 0;
  for (let j = 1; j < widths.length; j++) w += widths[j - 1] * widths[j];
  return w;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Figure 1(a)'s cell: nets × one forward pass through a fresh dense net. */
export function lengthsCost(p: LengthCellParams & { readonly backend: string; readonly dtype?: DType }): CellCost {
  const r = rates(p.backend), W = denseWeights(p.widths), d = p.widths.length - 1, b = bytesOf(p.dtype ?? 'float64');
  const net = (W + sum(p.widths)) * b + 3 * Math.max(...p.widths) * b;
  return {
    seconds: (p.nets * (W * r.weight + d * r.layer + r.net)) * 1e-9,
    // The nets' logs, and the copies the summary and its bootstrap make.
    bytes: CELL_FLOOR + net + 4 * 8 * p.nets,
    pool: pool(p.backend, net),
  };
}

/** Figure 2(a)'s cell: real nets (as lengths) or paths of the exact sampler; ~8 arrays of nets values for the summary. */
export function fm2Cost(p: Fm2CellParams & { readonly backend: string }): CellCost {
  const r = rates(p.backend), summary = 8 * 8 * p.nets;
  if (p.method === 'exact_sampler') {
    return { seconds: p.nets * (sum(p.widths.slice(1)) * r.unit + SAMPLER_PATH) * 1e-9, bytes: CELL_FLOOR + summary };
  }
  const W = denseWeights(p.widths), d = p.widths.length - 1, net = (W + sum(p.widths)) * 8 + 3 * Math.max(...p.widths) * 8;
  return {
    seconds: p.nets * (W * r.weight + d * r.layer + r.net) * 1e-9,
    bytes: CELL_FLOOR + net + summary,
    pool: pool(p.backend, net),
  };
}

/** Figure 3(a)'s cell: one net of max(L) modules per net (or one per L for schedules that depend on L). */
export function residualCost(p: ResidualCellParams & { readonly backend: string; readonly dtype?: DType }): CellCost {
  const r = rates(p.backend), b = bytesOf(p.dtype ?? 'float64');
  const mw = [p.width, ...p.hidden, p.width], perModule = denseWeights(mw), layers = mw.length - 1;
  const Ls = parseSchedule(p.schedule).dependsOnL ? p.modules : [Math.max(...p.modules)];
  const fixed = p.width * p.width + 10 * p.width;
  const seconds = p.nets * sum(Ls.map((L) => (fixed + L * perModule) * r.weight + L * layers * r.layer + r.net)) * 1e-9;
  const net = (fixed + Math.max(...Ls) * (perModule + sum(mw))) * b + 4 * Math.max(...mw) * b;
  return { seconds, bytes: CELL_FLOOR + net + 8 * p.nets * (p.modules.length + 2), pool: pool(p.backend, net) };
}

/** Multiply-adds, weights and buffers of a conv stack on one image: the largest map and im2col buffer, and their sums over the layers. */
function convWork(input: ImageShape, layers: readonly ConvLayerSpec[]): { macs: number; weights: number; maxMap: number; maxCols: number; mapsAndCols: number } {
  let macs = 0, weights = 0, maxMap = input[0] * input[1] * input[2], maxCols = 0, mapsAndCols = 0;
  stackGeometry(input, layers).forEach((g, j) => {
    const w = layers[j].outChannels * g.channels * g.kh * g.kw, out = g.outH * g.outW, cols = out * g.channels * g.kh * g.kw;
    weights += w;
    macs += out * w;
    maxMap = Math.max(maxMap, out * layers[j].outChannels);
    maxCols = Math.max(maxCols, cols);
    mapsAndCols += out * layers[j].outChannels + cols;
  });
  return { macs, weights, maxMap, maxCols, mapsAndCols };
}

function convInputShape(p: ConvCellParams): ImageShape {
  return p.input.kind === 'unit' ? p.input.shape : p.input.kind === 'mnist' ? [1, 28, 28] : [3, 32, 32];
}

/** conv.js parts (a) and (b): nets × one forward pass through a fresh conv net. */
export function convCost(p: ConvCellParams & { readonly backend: string; readonly dtype?: DType }): CellCost {
  const r = rates(p.backend), b = bytesOf(p.dtype ?? 'float64');
  const w = convWork(convInputShape(p), p.layers);
  const net = (w.weights + 2 * w.maxMap + w.maxCols) * b;
  return {
    seconds: p.nets * (w.weights * r.weight + w.macs * r.mac + p.layers.length * r.convLayer + r.net) * 1e-9,
    bytes: CELL_FLOOR + net + 3 * 8 * p.nets,
    pool: pool(p.backend, net),
    threadBytes: p.input.kind === 'mnist' ? DATASET_BYTES : 0,
  };
}

/**
 * Multiply-adds per image and weights of the net a training config builds, and the values its
 * training step keeps per image of a batch (activations for the backward pass, their gradients,
 * the input), besides those of an evaluation batch.
 */
function trainWork(c: TrainConfig): { macs: number; weights: number; perImage: number; evalPerImage: number } {
  if (c.conv) {
    // Fitted to the wasm arena's peak (conv nets of 2 to 10 layers, batch 256 to 1024): about 0.63
    // of each layer's map and im2col buffer is still held at the peak of the backward pass.
    const w = convWork(c.conv.input, c.conv.layers);
    const last = c.conv.layers[c.conv.layers.length - 1]?.outChannels ?? c.conv.input[0];
    return {
      macs: w.macs + 10 * last, weights: w.weights + 10 * last,
      perImage: 0.63 * w.mapsAndCols + 0.5 * w.maxCols + c.widths[0], evalPerImage: 2 * w.maxMap + w.maxCols,
    };
  }
  if (c.residual) {
    const n = c.widths[1], mw = [n, ...c.residual.hidden, n], perModule = denseWeights(mw);
    const W = c.widths[0] * n + c.residual.modules * perModule + n * c.widths[c.widths.length - 1];
    const acts = c.widths[0] + c.residual.modules * sum(mw);
    return { macs: W, weights: W, perImage: 3 * acts + c.widths[0], evalPerImage: 2 * Math.max(c.widths[0], ...mw) };
  }
  const W = denseWeights(c.widths);
  return { macs: W, weights: W, perImage: 3 * sum(c.widths) + c.widths[0], evalPerImage: 2 * Math.max(...c.widths) };
}

/**
 * One training run at its epoch limit (an upper bound: runs stop at the target): per epoch, forward
 * and backward (3 multiply-adds per weight and image) over the training images and the evaluations.
 */
export function trainingCost(p: TrainCellParams): CellCost {
  const c = p.config, r = rates(p.backend), dtype = c.dtype ?? 'float32', b = bytesOf(dtype);
  const train = c.limitTrain ?? 60000, test = c.limitTest ?? 10000, batch = Math.min(c.batchSize ?? 1024, train);
  const steps = Math.ceil(train / batch), evals = 1 + (c.evalEverySteps ? Math.floor(steps / c.evalEverySteps) : 0);
  const epochs = c.maxEpochs ?? 100;
  const w = trainWork(c);
  const perEpoch = (3 * train + 2 * evals * test) * w.macs * r.train[dtype];
  // Parameters, gradients and momentum, a training batch and an evaluation batch (≤ 1000 test images).
  const model = (3 * w.weights + batch * w.perImage + Math.min(test, 1000) * w.evalPerImage) * b;
  return {
    seconds: (epochs * perEpoch + test * 2 * w.macs * r.train[dtype]) * 1e-9,
    atMost: (c.stopAtTarget ?? true) && epochs > 1,
    bytes: CELL_FLOOR + model,
    pool: pool(p.backend, model),
    threadBytes: DATASET_BYTES,
  };
}

/**
 * A sample-mean band cell: `replicates` simulated experiments of `nets` exact-law paths, one χ² draw
 * per layer (nn/dense/estimators.ts). Priced as the exact sampler's paths of fm2Cost; not separately
 * measured.
 */
export function bandCost(p: BandCellParams): CellCost {
  const r = rates('reference'), d = p.widths.length - 1;
  return { seconds: p.replicates * p.nets * (d * r.unit + SAMPLER_PATH) * 1e-9, bytes: CELL_FLOOR + 8 * (p.nets + p.replicates) };
}

/**
 * A chunk of coverage.js replicates: `count` replicate experiments, each one figure cell of real nets,
 * priced as that figure's cell (the params as replicates.ts builds them), or of exact-law paths.
 */
export function replicatesCost(p: ReplicateParams & { readonly backend: string }): CellCost {
  const c = p.config;
  if (c.kind === 'dense_sampler') {
    const r = rates('reference');
    return { seconds: p.count * c.nets * (c.depth * c.width * r.unit + SAMPLER_PATH) * 1e-9, bytes: CELL_FLOOR + 8 * c.nets };
  }
  const { seed, backend } = p;
  // A conv net of 16×16 maps is no dense net of width C·256: pricing it as one overstated a chunk 1000-fold.
  const one = c.kind === 'dense' ? lengthsCost({ init: c.init, widths: constantWidths(c.width, c.width, c.depth), nets: c.nets, seed, input: null, backend })
    : c.kind === 'residual' ? residualCost({ ...c, seed, backend })
      : convCost({ ...convReplicateCell(c, seed), backend });
  return { ...one, seconds: p.count * one.seconds };
}

/**
 * grad.js part (a): per net, the weights drawn and the forward pass (as lengthsCost), and the whole
 * Jacobian, Σ_j n_d·n_j·n_{j−1} multiply-adds in the backend's matmul: 0.086 ns each on wasm, measured
 * with the weights' 9.1 ns (the weight rate here is this table's, and the Jacobian's is scaled by it
 * for other backends). The net and two n_d × max n_j buffers live in the backend's memory.
 */
export function gradJacobianCost(p: GradJacobianParams): CellCost {
  const r = rates(p.backend), W = denseWeights(p.widths), d = p.widths.length - 1, nd = p.widths[d];
  const mac = 0.086 * (r.weight / RATES.wasm.weight);
  const net = (W + sum(p.widths)) * 8 + 2 * nd * Math.max(...p.widths) * 8;
  return {
    seconds: p.nets * (W * r.weight + nd * W * mac + d * r.layer + 3 * r.net) * 1e-9,
    bytes: CELL_FLOOR + net + 4 * 8 * p.nets,
    pool: pool(p.backend, net),
  };
}

/**
 * grad.js part (b): per net, a classifier, one batch through the autograd (3 multiply-adds per weight
 * and image), and per image the backward trace (2 per weight, one matrix–vector product each) and the
 * theory of §10.7 (about 6 µs per hidden layer). Fitted to `grad.js --preset paper` on wasm: 4.4 CPU
 * minutes for both parts, which this model and gradJacobianCost put at 5.1.
 */
export function gradNormsCost(p: GradNormsParams): CellCost {
  const r = rates(p.backend), W = denseWeights(p.widths), d = p.widths.length - 2, acts = sum(p.widths);
  const model = (3 * W + p.batch * (3 * acts + p.widths[0])) * 8;
  return {
    seconds: p.nets * (W * r.weight + 1.2e6 + p.batch * (3 * W * r.train.float64 + 2 * W * 0.3 * (r.weight / RATES.wasm.weight) + 6000 * d)) * 1e-9,
    bytes: CELL_FLOOR + model,
    pool: pool(p.backend, model),
    threadBytes: DATASET_BYTES,
  };
}
