// The experiment machinery in one import (start-training/experiments): the CLI framework and its
// shared flags, the runner and typed tasks, and the outputs. plot's vega and resvg load lazily, on
// the first render, so importing this costs a script nothing it does not use.
export * from './cli/cli';
export * from './cli/flags';
export * from './out/files';
export * from './out/plot';
export * from './out/table';
export * from './run/progress';
export * from './run/runlog';
export * from './run/runner';
export { defineTask, type ReportProgress, type Task } from './run/task';
export { CellError } from './run/pool';
// The cell tasks, for benchmarks that time one cell, and their cost model (bench/cost-model.ts checks one against the other).
export { runLengthCell } from './cells/lengths';
export { runFm2Cell } from './cells/fm2';
export { runResidualCell } from './cells/residual-lengths';
export { runConvCell } from './cells/conv-lengths';
export { runTrainCell } from './cells/training';
export { convCost, fm2Cost, lengthsCost, residualCost, trainingCost } from './cells/cost';
export { formatBytes, type CellCost } from './run/plan';
// Conv (c)'s nets, so that bench/cost-model.ts measures the arena of exactly what conv.js trains.
export { partCStacks, TRAIN_INPUT } from './cli/conv';
