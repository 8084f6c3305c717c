// The experiment machinery in one import for figure scripts. plot's vega and resvg load lazily,
// on the first render, so importing this costs a script nothing it does not use.
export * from './cli';
export * from './files';
export * from './plot';
export * from './progress';
export * from './runlog';
export * from './runner';
export * from './table';
export { CellError } from './pool';
