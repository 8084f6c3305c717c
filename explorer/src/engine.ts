// The explorer's one door into the project's engine: every library module the page, its worker and
// the explorer CLI use is imported here and nowhere else under explorer/src or explorer/web, so a
// move inside lib/ is fixed in this file alone. Browser-safe: nothing here reads files (the Node-only
// pieces the CLI and the server need are in ../engine-node.ts).

export { DenseReluNet, type BiasSpec } from '../../lib/nn/dense/net';
export { traceForward, type ForwardTrace, type LayerTrace } from '../../lib/nn/dense/trace';
export { traceBackward, type BackwardLayerTrace } from '../../lib/nn/dense/backward';
export { gradientMoments } from '../../lib/nn/dense/jacobian-theory';
export { randomUnitInput } from '../../lib/nn/input';
export { INITIALIZERS, initializerById, gain, symmetric, type Initializer, type Law } from '../../lib/nn/init';
export { WIDTH_FAMILIES, familyShape, type WidthFamily } from '../../lib/nn/profiles';
export { beta, deadProbability, gains, log10SecondMoments, logRatioLaw, sampleGaussianLogLengths, sphereInputQ } from '../../lib/nn/dense/theory';
export { logMeanExp, mean, quantile, slope, variance } from '../../lib/nn/stats';
export { MODULE_CONVENTIONS, moduleWidths, ResidualNet, type ModuleConvention } from '../../lib/nn/residual/net';
export { traceResidualForward, type ModuleTrace, type ResidualTrace } from '../../lib/nn/residual/trace';
export {
  linearGaussianSecondMomentStep, log10ReluMeanFieldRatios, log10ReluMeanRatioBounds, moduleKappa,
} from '../../lib/nn/residual/theory';
export { parseSchedule, scales, SCHEDULE_SYNTAX } from '../../lib/nn/residual/schedule';
export { Rng } from '../../lib/tensor/rng';
export { ReferenceBackend } from '../../lib/kernels/reference';
export { WasmBackend, type WasmVariant } from '../../lib/kernels/wasm';
export { inArena, type Backend } from '../../lib/kernels/backend';
// The CSV text the CLIs write (files.ts's Node imports are never called on this path; see explorer/build.ts).
export { formatCsv } from '../../lib/experiments/out/files';
