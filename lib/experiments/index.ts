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
// The cell tasks, for benchmarks that time one cell.
export { runLengthCell } from './cells/lengths';
