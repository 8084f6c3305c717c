// The module's exports: each generic kernel instantiated for f32 and f64. All pointers are byte
// offsets into the one imported memory; the JS side (lib/kernels/wasm.ts) owns its layout above
// heapBase().

import { GEMM_WORK_BYTES, gemm } from './gemm';
import { gemvCols, gemvRows } from './gemv';
import { biasRelu, reluBackward, reluBackwardBias } from './elementwise';
import { fillNormal, fillUniform } from './sampler';

export { generatorsPtr, zigguratLayers, zigguratTablesPtr } from './sampler';

/** Bytes of scratch gemmF32/gemmF64 need as their work argument. */
export function gemmWorkBytes(): usize { return GEMM_WORK_BYTES; }

/** The first byte after the module's static data: the JS arena starts here. */
export function heapBase(): usize { return __heap_base; }

export function gemmF32(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, transA: bool, transB: bool, accumulate: bool, work: usize): void {
  gemm<f32>(m, n, k, a, b, c, transA, transB, accumulate, work);
}
export function gemmF64(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, transA: bool, transB: bool, accumulate: bool, work: usize): void {
  gemm<f64>(m, n, k, a, b, c, transA, transB, accumulate, work);
}
export function gemvRowsF32(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  gemvRows<f32>(rows, cols, m, x, y, accumulate);
}
export function gemvRowsF64(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  gemvRows<f64>(rows, cols, m, x, y, accumulate);
}
export function gemvColsF32(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  gemvCols<f32>(rows, cols, m, x, y, accumulate);
}
export function gemvColsF64(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  gemvCols<f64>(rows, cols, m, x, y, accumulate);
}
export function biasReluF32(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  biasRelu<f32>(x, bias, out, rows, cols);
}
export function biasReluF64(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  biasRelu<f64>(x, bias, out, rows, cols);
}
export function reluBackwardF32(gradOut: usize, out: usize, gradIn: usize, length: i32): void {
  reluBackward<f32>(gradOut, out, gradIn, length);
}
export function reluBackwardF64(gradOut: usize, out: usize, gradIn: usize, length: i32): void {
  reluBackward<f64>(gradOut, out, gradIn, length);
}
export function reluBackwardBiasF32(gradOut: usize, out: usize, gradIn: usize, rows: i32, cols: i32, gb: usize, accumulate: bool): void {
  reluBackwardBias<f32>(gradOut, out, gradIn, rows, cols, gb, accumulate);
}
export function reluBackwardBiasF64(gradOut: usize, out: usize, gradIn: usize, rows: i32, cols: i32, gb: usize, accumulate: bool): void {
  reluBackwardBias<f64>(gradOut, out, gradIn, rows, cols, gb, accumulate);
}
export function fillNormalF32(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool): void {
  fillNormal<f32>(out, n, offset, scale, bound, withOffset);
}
export function fillNormalF64(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool): void {
  fillNormal<f64>(out, n, offset, scale, bound, withOffset);
}
export function fillUniformF32(out: usize, n: i32, lo: f64, hi: f64): void {
  fillUniform<f32>(out, n, lo, hi);
}
export function fillUniformF64(out: usize, n: i32, lo: f64, hi: f64): void {
  fillUniform<f64>(out, n, lo, hi);
}
