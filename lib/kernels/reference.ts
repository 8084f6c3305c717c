// The reference backend: plain TypeScript loops in float64 arithmetic, written for clarity.
// Every other backend is tested against this one.

import { allocArray, biasGradRows, checkMatmulSizes, type Backend, type BiasGradTarget, type DType, type FloatArray, type MatmulOptions } from './backend';
import { fillSlotNormal, fillStreams, LANES, uniform52, type RngState } from './rng';

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly dtypes: readonly DType[] = ['float32', 'float64'];

  alloc(dtype: DType, length: number): FloatArray {
    return allocArray(dtype, length);
  }

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, opts: MatmulOptions = {}): void {
    checkMatmulSizes(a, b, c, m, n, k);
    const transA = opts.transA === true, transB = opts.transB === true, acc = opts.accumulate === true;
    // Strides of op(A) (m×k) and op(B) (k×n) in the stored arrays.
    const aRow = transA ? 1 : k, aCol = transA ? m : 1;
    const bRow = transB ? 1 : n, bCol = transB ? k : 1;
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = a[i * aRow + p * aCol];
        if (aip === 0) continue;
        const bBase = p * bRow;
        for (let j = 0; j < n; j++) row[j] += aip * b[bBase + j * bCol];
      }
      const cBase = i * n;
      if (acc) for (let j = 0; j < n; j++) c[cBase + j] += row[j];
      else for (let j = 0; j < n; j++) c[cBase + j] = row[j];
    }
  }

  biasRelu(x: FloatArray, bias: FloatArray | null, out: FloatArray, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let j = 0; j < cols; j++) {
        const v = x[base + j] + (bias === null ? 0 : bias[j]);
        out[base + j] = v > 0 ? v : 0;
      }
    }
  }

  reluBackward(gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, length: number, bias: BiasGradTarget | null = null): void {
    const rows = bias === null ? 0 : biasGradRows('reluBackward', length, bias);
    for (let i = 0; i < length; i++) gradIn[i] = out[i] > 0 ? gradOut[i] : 0;
    if (bias !== null) columnSums(gradIn, rows, bias);
  }

  // The fills follow the stream contract of lib/kernels/rng.ts: slot i starts from lane i mod LANES.
  fillNormal(state: RngState, out: FloatArray, mean: number, std: number): void {
    const { lanes, slow } = fillStreams(state);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * fillSlotNormal(lanes[i % LANES], slow, Infinity);
  }

  fillUniform(state: RngState, out: FloatArray, lo: number, hi: number): void {
    const { lanes } = fillStreams(state), w = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = lo + w * uniform52(lanes[i % LANES]);
  }

  fillTruncatedNormal(state: RngState, out: FloatArray, std: number, bound: number): void {
    if (!(bound > 0)) throw new RangeError(`truncation bound must be > 0 standard deviations, got ${bound}`);
    const { lanes, slow } = fillStreams(state);
    for (let i = 0; i < out.length; i++) out[i] = std * fillSlotNormal(lanes[i % LANES], slow, bound);
  }
}

/** bias.data[j] (+)= Σ_r x[r·cols + j], row by row: the order every backend's fused bias gradient follows. */
export function columnSums(x: FloatArray, rows: number, bias: BiasGradTarget): void {
  const gb = bias.data, cols = gb.length;
  if (!bias.accumulate) gb.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) gb[j] += x[base + j];
  }
}
