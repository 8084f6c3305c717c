// The experiment machinery in one import for figure scripts. plot's vega and resvg load lazily,
// on the first render, so importing this costs a script nothing it does not use.
export * from './cli/cli';
export * from './out/files';
export * from './out/plot';
export * from './run/progress';
export * from './run/runlog';
export * from './run/runner';
export * from './out/table';
export { CellError } from './run/pool';
