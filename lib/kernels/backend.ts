// The kernel interface every backend implements: plain loops over contiguous row-major typed arrays.
// Kernels know nothing about tensors, graphs or nets; they take arrays and sizes.

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export interface MatmulOptions {
  /** A is stored k×m and used transposed. */
  transA?: boolean;
  /** B is stored n×k and used transposed. */
  transB?: boolean;
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  accumulate?: boolean;
}

/** Where a fused backward puts a bias gradient: the array, and whether to add to it or overwrite it. */
export interface BiasGradTarget {
  readonly data: FloatArray;
  readonly accumulate: boolean;
}

export interface Backend {
  readonly name: string;
  /** Dtypes this backend computes in natively (gpu.js is float32 only). */
  readonly dtypes: readonly DType[];

  /** Storage the backend's kernels read without a copy (wasm memory for the wasm backend). */
  alloc(dtype: DType, length: number): FloatArray;

  /** C (m×n) = op(A) (m×k) · op(B) (k×n), all row-major and contiguous; n = 1 is the matrix–vector case. */
  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, opts?: MatmulOptions): void;

  /** out[r, j] = max(x[r, j] + bias[j], 0); bias may be null. out may alias x. */
  biasRelu(x: FloatArray, bias: FloatArray | null, out: FloatArray, rows: number, cols: number): void;

  /**
   * gradIn[i] = out[i] > 0 ? gradOut[i] : 0, where out is the ReLU's output. gradIn may alias gradOut.
   * With bias, the bias gradient in the same pass (the fused backward of biasRelu): bias.data[j] gets
   * Σ_r gradIn[r·cols + j] over the rows, cols = bias.data.length, added in row order so that every
   * backend rounds alike; added to what bias.data holds when bias.accumulate, else written.
   */
  reluBackward(gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, length: number, bias?: BiasGradTarget | null): void;

  /** Fill with N(mean, std²) draws from the generator state (lib/kernels/rng.ts), advancing it. */
  fillNormal(state: Uint32Array, out: FloatArray, mean: number, std: number): void;
  /** Fill with U[lo, hi) draws. */
  fillUniform(state: Uint32Array, out: FloatArray, lo: number, hi: number): void;
  /** Fill with N(0, std²) redrawn while |x| > bound·std (the Keras/TF 2018 truncated normal when bound = 2). */
  fillTruncatedNormal(state: Uint32Array, out: FloatArray, std: number, bound: number): void;

  /**
   * Arena backends (wasm) never free single arrays: mark() returns the arena's top and reset(mark)
   * frees everything allocated after it. Absent on backends whose arrays are garbage-collected.
   */
  mark?(): number;
  reset?(mark: number): void;

  /** Release resources (compiled kernels, workers). */
  dispose?(): void;
}

/**
 * Runs fn and then gives an arena backend back everything allocated meanwhile (scratch, a cell's
 * nets); a no-op wrapper on backends whose arrays are garbage-collected, or without a backend.
 */
export function inArena<T>(backend: Backend | undefined, fn: () => T): T {
  const mark = backend?.mark?.();
  try {
    return fn();
  } finally {
    if (mark !== undefined) backend?.reset?.(mark);
  }
}

export function checkMatmulSizes(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void {
  if (!(m >= 1 && n >= 1 && k >= 1) || !Number.isInteger(m) || !Number.isInteger(n) || !Number.isInteger(k)) {
    throw new RangeError(`matmul: sizes must be positive integers, got m=${m} n=${n} k=${k}`);
  }
  if (a.length < m * k) throw new RangeError(`matmul: A has ${a.length} entries, needs ${m * k}`);
  if (b.length < k * n) throw new RangeError(`matmul: B has ${b.length} entries, needs ${k * n}`);
  if (c.length < m * n) throw new RangeError(`matmul: C has ${c.length} entries, needs ${m * n}`);
}

/** Rows of a fused bias gradient over `length` entries, checking that whole rows of bias.data.length fit. */
export function biasGradRows(op: string, length: number, bias: BiasGradTarget): number {
  const cols = bias.data.length;
  if (cols === 0 ? length !== 0 : length % cols !== 0) throw new RangeError(`${op}: ${length} entries are not whole rows of ${cols} bias columns`);
  return cols === 0 ? 0 : length / cols;
}

export function allocArray(dtype: DType, length: number): FloatArray {
  if (dtype === 'float32') return new Float32Array(length);
  if (dtype === 'float64') return new Float64Array(length);
  throw new TypeError(`unknown dtype '${String(dtype)}' (expected float32 or float64)`);
}
