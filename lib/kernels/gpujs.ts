// The gpu.js backend: matmul, biasRelu and reluBackward as gpu.js kernels; the samplers run on the CPU.
//
// Precision: gpu.js gives float32 results in every mode (GL float textures, wasm f32 arithmetic; the
// cpu mode sums in doubles but stores into Float32Array), so this backend is float32 only. A
// Float64Array anywhere is rejected with a one-line error rather than computed in float32 and
// widened: a caller who asked for float64 must get float64 or a failure, never float32 in disguise.
//
// Kernels are compiled with their sizes and strides as constants, which gpu.js inlines: in one
// measurement that ran 1.3× (webasm) to 2× (cpu) faster than passing them as dynamic arguments. So
// compiled kernels are cached per (op, shape, flags) key. A training run reuses a handful of shapes;
// an LRU bound keeps property tests with many random shapes from holding every compiled kernel.
//
// The samplers delegate to the reference code: a random stream is sequential (each draw depends on
// the state the previous one left), so there is nothing to parallelise, and the reference stream is
// the contract (lib/kernels/rng.ts).

import { GPU, type IGPUKernelSettings, type IKernelFunctionThis, type IKernelRunShortcut, type KernelOutput } from 'gpu.js';
import { biasGradRows, checkMatmulSizes, type Backend, type BiasGradTarget, type DType, type FloatArray, type MatmulOptions } from './backend';
import { columnSums, ReferenceBackend } from './reference';
import type { RngState } from './rng';

/** gpu.js modes this backend accepts; 'gpu' lets gpu.js pick (headlessgl when a GL context exists, else webasm). */
export const GPUJS_MODES = ['gpu', 'cpu', 'webasm', 'headlessgl'] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

export interface GpuJsOptions {
  /** Default 'gpu'. 'cpu' is gpu.js's transpiled-JavaScript path, useful as a double check of the others. */
  mode?: GpuJsMode;
  /** How many compiled kernels to keep (least recently used are destroyed first). Default 64. */
  cacheSize?: number;
}

// ---- kernel functions -------------------------------------------------------------------------
// gpu.js reads these functions' source text and transpiles it (to GLSL, wasm or JS), so they must be
// top-level named functions in the plain subset it understands: no closures, no destructuring.
// Arrays arrive flat (row-major) and are indexed with strides passed as constants.

// Type aliases, not interfaces: gpu.js's createKernel wants constants assignable to an index signature.
type MatmulConstants = {
  K: number;
  aRow: number;
  aCol: number;
  bRow: number;
  bCol: number;
};

/** C[i, j] = Σ_p op(A)[i, p]·op(B)[p, j]; thread.y = i (row of C), thread.x = j (column). */
function matmulKernel(this: IKernelFunctionThis<MatmulConstants>, a: number[], b: number[]): number {
  const i = this.thread.y;
  const j = this.thread.x;
  let sum = 0;
  for (let p = 0; p < this.constants.K; p++) {
    sum += a[i * this.constants.aRow + p * this.constants.aCol] * b[p * this.constants.bRow + j * this.constants.bCol];
  }
  return sum;
}

type ColsConstants = {
  cols: number;
};

function biasReluKernel(this: IKernelFunctionThis<ColsConstants>, x: number[], bias: number[]): number {
  const v = x[this.thread.y * this.constants.cols + this.thread.x] + bias[this.thread.x];
  return v > 0 ? v : 0;
}

function reluKernel(this: IKernelFunctionThis<ColsConstants>, x: number[]): number {
  const v = x[this.thread.y * this.constants.cols + this.thread.x];
  return v > 0 ? v : 0;
}

function reluBackwardKernel(this: IKernelFunctionThis, gradOut: number[], out: number[]): number {
  return out[this.thread.x] > 0 ? gradOut[this.thread.x] : 0;
}

// ---- the backend ------------------------------------------------------------------------------

/** GL modes index arrays in float32 arithmetic, exact only below 2^24. */
const GL_INDEX_LIMIT = 16777216;
const SAMPLERS = new ReferenceBackend();

function isMode(mode: string): mode is GpuJsMode {
  return (GPUJS_MODES as readonly string[]).includes(mode);
}

/** Why headless-gl cannot run here, or null when it can. */
function headlessGlProblem(): string | null {
  if (GPU.isHeadlessGLSupported) return null;
  try {
    require('gl');
  } catch {
    return "gpujs: mode 'headlessgl' needs the native 'gl' package, which is not built here (see docs/gpu.md)";
  }
  return "gpujs: mode 'headlessgl' found the 'gl' package but could not open a GL context (no display? run under xvfb-run -a; see docs/gpu.md)";
}

export class GpuJsBackend implements Backend {
  readonly name = 'gpujs';
  readonly dtypes: readonly DType[] = ['float32'];
  /** The mode gpu.js actually runs in ('webasm', 'cpu', 'headlessgl', ...), after its own selection. */
  readonly mode: string;

  private readonly gpu: GPU;
  private readonly cache = new Map<string, IKernelRunShortcut>();
  private readonly cacheSize: number;
  private readonly glIndices: boolean;

  constructor(options: GpuJsOptions = {}) {
    const mode: string = options.mode ?? 'gpu';
    if (!isMode(mode)) throw new RangeError(`gpujs: unknown mode '${mode}' (known: ${GPUJS_MODES.join(', ')})`);
    if (mode === 'headlessgl') {
      const problem = headlessGlProblem();
      if (problem !== null) throw new Error(problem);
    }
    this.cacheSize = options.cacheSize ?? 64;
    if (!(Number.isInteger(this.cacheSize) && this.cacheSize >= 1)) {
      throw new RangeError(`gpujs: cacheSize must be a positive integer, got ${this.cacheSize}`);
    }
    this.gpu = new GPU({ mode });
    // gpu.mode stays 'gpu' after auto-selection; the chosen kernel class knows the real mode.
    this.mode = this.gpu.Kernel.mode;
    this.glIndices = this.mode !== 'cpu' && this.mode !== 'webasm';
  }

  alloc(dtype: DType, length: number): FloatArray {
    this.requireFloat32Dtype(dtype);
    return new Float32Array(length);
  }

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, opts: MatmulOptions = {}): void {
    checkMatmulSizes(a, b, c, m, n, k);
    const a32 = this.f32('matmul', a), b32 = this.f32('matmul', b), c32 = this.f32('matmul', c);
    this.checkIndexRange('matmul', m * k, k * n, m * n);
    const transA = opts.transA === true, transB = opts.transB === true;
    const constants: MatmulConstants = {
      K: k,
      aRow: transA ? 1 : k,
      aCol: transA ? m : 1,
      bRow: transB ? 1 : n,
      bCol: transB ? k : 1,
    };
    const kernel = this.kernel(`matmul ${m} ${n} ${k} ${transA} ${transB}`, () =>
      this.gpu.createKernel(matmulKernel, this.settings([n, m], constants)),
    );
    // The accumulation happens here, while copying out, rather than in the kernel: it is one float32
    // rounding either way (a double-precision sum of two float32s rounded once is the float32 sum),
    // and it saves uploading C and compiling a second kernel per shape.
    copyRows(kernel(a32.subarray(0, m * k), b32.subarray(0, k * n)), c32, m, n, opts.accumulate === true);
  }

  biasRelu(x: FloatArray, bias: FloatArray | null, out: FloatArray, rows: number, cols: number): void {
    const x32 = this.f32('biasRelu', x), o32 = this.f32('biasRelu', out);
    const b32 = bias === null ? null : this.f32('biasRelu', bias);
    if (rows === 0 || cols === 0) return; // gpu.js cannot compile an empty output
    this.checkIndexRange('biasRelu', rows * cols);
    const size = rows * cols;
    // The kernel writes a fresh buffer that is copied out afterwards, so out may alias x.
    if (b32 === null) {
      const kernel = this.kernel(`relu ${rows} ${cols}`, () =>
        this.gpu.createKernel(reluKernel, this.settings([cols, rows], { cols })),
      );
      copyRows(kernel(x32.subarray(0, size)), o32, rows, cols, false);
    } else {
      const kernel = this.kernel(`biasRelu ${rows} ${cols}`, () =>
        this.gpu.createKernel(biasReluKernel, this.settings([cols, rows], { cols })),
      );
      copyRows(kernel(x32.subarray(0, size), b32.subarray(0, cols)), o32, rows, cols, false);
    }
  }

  reluBackward(gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, length: number, bias: BiasGradTarget | null = null): void {
    const rows = bias === null ? 0 : biasGradRows('reluBackward', length, bias);
    const gb = bias === null ? null : this.f32('reluBackward', bias.data);
    this.maskGradient(gradOut, out, gradIn, length);
    // The bias gradient's column sums stay on the CPU, in the reference's order.
    if (bias !== null && gb !== null) columnSums(this.f32('reluBackward', gradIn), rows, { data: gb, accumulate: bias.accumulate });
  }

  private maskGradient(gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, length: number): void {
    const g32 = this.f32('reluBackward', gradOut), o32 = this.f32('reluBackward', out), gi32 = this.f32('reluBackward', gradIn);
    if (length === 0) return;
    this.checkIndexRange('reluBackward', length);
    const kernel = this.kernel(`reluBackward ${length}`, () =>
      this.gpu.createKernel(reluBackwardKernel, this.settings([length], {})),
    );
    const result = kernel(g32.subarray(0, length), o32.subarray(0, length));
    if (!(result instanceof Float32Array)) throw new Error(`gpujs: reluBackward kernel returned ${describe(result)}, expected a Float32Array`);
    gi32.set(result.subarray(0, length));
  }

  fillNormal(state: RngState, out: FloatArray, mean: number, std: number): void {
    SAMPLERS.fillNormal(state, this.f32('fillNormal', out), mean, std);
  }

  fillUniform(state: RngState, out: FloatArray, lo: number, hi: number): void {
    SAMPLERS.fillUniform(state, this.f32('fillUniform', out), lo, hi);
  }

  fillTruncatedNormal(state: RngState, out: FloatArray, std: number, bound: number): void {
    SAMPLERS.fillTruncatedNormal(state, this.f32('fillTruncatedNormal', out), std, bound);
  }

  dispose(): void {
    for (const kernel of this.cache.values()) kernel.destroy();
    this.cache.clear();
    // GPU.destroy is asynchronous in 2.24 (it may wait on worker pools); nothing here needs to wait.
    this.gpu.destroy().catch(() => undefined);
  }

  /** How many compiled kernels are cached (for tests of the cache). */
  get cachedKernels(): number {
    return this.cache.size;
  }

  private settings(output: number[], constants: object): IGPUKernelSettings {
    // precision 'single' keeps GL modes from packing floats into 8-bit channels; tactic 'precision'
    // asks for highp in the shader. Both are no-ops in the cpu and webasm modes.
    return { output, constants, precision: 'single', tactic: 'precision' };
  }

  private kernel(key: string, create: () => IKernelRunShortcut): IKernelRunShortcut {
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key); // re-insert to mark it most recently used
      this.cache.set(key, hit);
      return hit;
    }
    const kernel = create();
    this.cache.set(key, kernel);
    if (this.cache.size > this.cacheSize) {
      const [oldestKey, oldest] = this.cache.entries().next().value as [string, IKernelRunShortcut];
      this.cache.delete(oldestKey);
      oldest.destroy();
    }
    return kernel;
  }

  private f32(op: string, array: FloatArray): Float32Array {
    if (array instanceof Float32Array) return array;
    throw new TypeError(`gpujs backend computes in float32 only; ${op} got a Float64Array (use the reference or wasm backend for float64)`);
  }

  private requireFloat32Dtype(dtype: DType): void {
    if (dtype !== 'float32') {
      throw new TypeError(`gpujs backend computes in float32 only; got dtype '${dtype}' (use the reference or wasm backend for float64)`);
    }
  }

  private checkIndexRange(op: string, ...lengths: number[]): void {
    if (!this.glIndices) return;
    for (const len of lengths) {
      if (len > GL_INDEX_LIMIT) throw new RangeError(`gpujs (${this.mode}): ${op} on ${len} entries exceeds 2^24, the float32 index limit of GL modes`);
    }
  }
}

/** Copy a 2-D kernel result (rows of Float32Array) into dst, row-major; add to dst when accumulating. */
function copyRows(result: KernelOutput, dst: Float32Array, rows: number, cols: number, accumulate: boolean): void {
  if (!Array.isArray(result) || result.length !== rows) {
    throw new Error(`gpujs: kernel returned ${describe(result)}, expected ${rows} rows`);
  }
  for (let r = 0; r < rows; r++) {
    const row = result[r];
    if (!(row instanceof Float32Array)) throw new Error(`gpujs: kernel row ${r} is ${describe(row)}, expected a Float32Array`);
    const base = r * cols;
    if (accumulate) for (let j = 0; j < cols; j++) dst[base + j] += row[j];
    else dst.set(row.subarray(0, cols), base);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${(value as object).constructor?.name ?? typeof value}`;
}
