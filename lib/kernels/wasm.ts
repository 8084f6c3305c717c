// The WebAssembly SIMD backend: kernels compiled from assembly/ (AssemblyScript) by `npm run build`,
// loaded synchronously so a backend can be created without await.
//
// Memory: each backend owns one WebAssembly.Memory whose size is fixed at construction
// (initial = maximum), so it can never grow. Growth would detach the buffer and silently turn every
// typed-array view handed out by alloc() into an empty array; a fixed reservation rules that out.
// Reserving is cheap: untouched pages cost address space, not RAM.
// alloc() is a bump allocator over that memory; mark()/reset() free everything allocated after a
// mark. Arrays that live elsewhere (plain typed arrays, another backend's memory) are accepted too:
// they are copied through scratch space above the arena's top, which costs a copy per call.
//
// Builds: 'relaxed' (f32x4/f64x2 relaxed_madd, which x86 runs as FMA) is taken when the engine
// accepts it; Node 20 needs the V8 flag --experimental-wasm-relaxed-simd, which the loader sets
// for the whole process. FMA rounds once per step, so matmul results differ from the 'simd' build
// in the last bits (both stay within the tested error bound); samplers and ReLU kernels are
// bit-identical to the reference in both builds (the samplers never fuse).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { biasGradRows, checkMatmulSizes, type Backend, type BiasGradTarget, type DType, type FloatArray, type MatmulOptions } from './backend';
import { fillGenerators, ZIGGURAT, ZIGGURAT_LAYERS, type RngState } from './rng';

/** Which compiled module runs the kernels: 'relaxed' adds fused multiply-add (relaxed SIMD). */
export type WasmVariant = 'simd' | 'relaxed';

export interface WasmBackendOptions {
  /** Bytes of wasm memory reserved for the backend's lifetime (default and most: 4 GiB, wasm32's whole address space). */
  memoryBytes?: number;
  /** 'auto' (default) takes 'relaxed' when the engine accepts it, else 'simd'. */
  variant?: WasmVariant | 'auto';
  /**
   * A kernel module the caller compiled from build/wasm/kernels-<variant>.wasm itself (a browser has
   * no file system: it fetches the bytes); `variant` is ignored and build/wasm is not read.
   */
  compiled?: { readonly variant: WasmVariant; readonly module: object };
}

/** The module's exports; pointers are byte offsets into the memory, booleans are 0/1. */
interface KernelExports {
  heapBase(): number;
  gemmWorkBytes(): number;
  generatorsPtr(): number;
  zigguratTablesPtr(): number;
  zigguratLayers(): number;
  gemmF32: GemmKernel;
  gemmF64: GemmKernel;
  gemvRowsF32: GemvKernel;
  gemvRowsF64: GemvKernel;
  gemvColsF32: GemvKernel;
  gemvColsF64: GemvKernel;
  biasReluF32: BiasReluKernel;
  biasReluF64: BiasReluKernel;
  reluBackwardF32: ReluBackwardKernel;
  reluBackwardF64: ReluBackwardKernel;
  reluBackwardBiasF32: ReluBackwardBiasKernel;
  reluBackwardBiasF64: ReluBackwardBiasKernel;
  fillNormalF32: FillNormalKernel;
  fillNormalF64: FillNormalKernel;
  fillUniformF32: FillUniformKernel;
  fillUniformF64: FillUniformKernel;
}
type GemmKernel = (m: number, n: number, k: number, a: number, b: number, c: number,
  transA: number, transB: number, accumulate: number, work: number) => void;
type GemvKernel = (rows: number, cols: number, matrix: number, x: number, y: number, accumulate: number) => void;
type BiasReluKernel = (x: number, bias: number, out: number, rows: number, cols: number) => void;
type ReluBackwardKernel = (gradOut: number, out: number, gradIn: number, length: number) => void;
type ReluBackwardBiasKernel = (gradOut: number, out: number, gradIn: number, rows: number, cols: number, gradBias: number, accumulate: number) => void;
type FillNormalKernel = (out: number, n: number, offset: number, scale: number, bound: number, withOffset: number) => void;
type FillUniformKernel = (out: number, n: number, lo: number, hi: number) => void;

/** The kernels of one dtype, so call sites pick once instead of branching per kernel. */
interface DTypeKernels {
  readonly bytes: number;
  readonly gemm: GemmKernel;
  readonly gemvRows: GemvKernel;
  readonly gemvCols: GemvKernel;
  readonly biasRelu: BiasReluKernel;
  readonly reluBackward: ReluBackwardKernel;
  readonly reluBackwardBias: ReluBackwardBiasKernel;
  readonly fillNormal: FillNormalKernel;
  readonly fillUniform: FillUniformKernel;
}

// The WebAssembly API as used here. TypeScript declares it only in the DOM libs, which this project
// does not load, so the few members needed are typed locally.
interface WasmMemory { readonly buffer: ArrayBuffer }
interface WasmModule { readonly __brand: 'WebAssembly.Module' }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE_BYTES = 65536;
const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
/**
 * The whole of wasm32's 4 GiB. Reserving it costs address space, not RAM (measured: four backends of
 * 4 GiB add 7 MiB of RSS in Node, as four of 1 GiB do), and V8 reserves more than that per memory for
 * its guard regions anyway; a smaller default only made runs that fit in RAM refuse to start. The
 * explorer's browser worker sizes its own memory (explorer/src/compute.ts: memoryBytesFor).
 */
export const DEFAULT_MEMORY_BYTES = MAX_MEMORY_BYTES;
/** Allocations start on cache-line boundaries, so no two arrays share a line. */
const ALIGN = 64;
/** Elements per pass when a sampler fills an array outside wasm memory: small enough to stay in L2, and a multiple of LANES. */
const SAMPLER_CHUNK = 1 << 16;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

const modules = new Map<WasmVariant, WasmModule>();
/** Modules whose code has been run hot; V8 shares tiered-up code between instances of one module. */
const warmedUp = new Set<WasmVariant>();

function alignUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

function readModuleBytes(variant: WasmVariant): Buffer {
  // Resolved here, not at load, so a browser bundle (no __dirname) can load this file.
  const file = join(__dirname, '..', '..', 'build', 'wasm', `kernels-${variant}.wasm`);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`wasm backend: cannot read ${file} (run \`npm run build\`): ${(err as Error).message}`);
  }
}

/** Node 20's V8 accepts relaxed SIMD only behind a flag, which must be set before compiling. */
function engineAcceptsRelaxed(bytes: Buffer): boolean {
  if (WebAssembly.validate(bytes)) return true;
  setFlagsFromString(RELAXED_FLAG);
  return WebAssembly.validate(bytes);
}

function loadModule(requested: WasmVariant | 'auto'): { variant: WasmVariant; module: WasmModule } {
  const variant: WasmVariant = requested === 'auto'
    ? (modules.has('relaxed') || engineAcceptsRelaxed(readModuleBytes('relaxed')) ? 'relaxed' : 'simd')
    : requested;
  let module = modules.get(variant);
  if (module === undefined) {
    const bytes = readModuleBytes(variant);
    if (variant === 'relaxed' && !engineAcceptsRelaxed(bytes)) {
      throw new Error('wasm backend: this engine rejects relaxed SIMD even with ' + RELAXED_FLAG);
    }
    module = new WebAssembly.Module(bytes);
    modules.set(variant, module);
  }
  return { variant, module };
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly dtypes: readonly DType[] = ['float32', 'float64'];
  readonly variant: WasmVariant;
  readonly memory: WasmMemory;

  private readonly kernels: KernelExports;
  private readonly f32: DTypeKernels;
  private readonly f64: DTypeKernels;
  private readonly heapF32: Float32Array;
  private readonly heapF64: Float64Array;
  private readonly heapU32: Uint32Array;
  private readonly generatorsPtr: number;
  private readonly gemmWork: number;
  /** Where the arena starts and ends, and its first free byte. */
  private readonly arenaStart: number;
  private readonly arenaEnd: number;
  private top: number;
  /** Bytes at or above this offset have never been written, so they are still zero. */
  private cleanFrom: number;

  constructor(options: WasmBackendOptions = {}) {
    const memoryBytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    if (!(Number.isInteger(memoryBytes) && memoryBytes > 0 && memoryBytes <= MAX_MEMORY_BYTES)) {
      throw new RangeError(`wasm backend: memoryBytes must be an integer in (0, 4 GiB], got ${memoryBytes}`);
    }
    const { variant, module } = options.compiled !== undefined
      ? { variant: options.compiled.variant, module: options.compiled.module as WasmModule }
      : loadModule(options.variant ?? 'auto');
    this.variant = variant;
    const pages = Math.ceil(memoryBytes / PAGE_BYTES);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as KernelExports;
    const k = this.kernels;
    this.f32 = {
      bytes: 4, gemm: k.gemmF32, gemvRows: k.gemvRowsF32, gemvCols: k.gemvColsF32, biasRelu: k.biasReluF32,
      reluBackward: k.reluBackwardF32, reluBackwardBias: k.reluBackwardBiasF32, fillNormal: k.fillNormalF32, fillUniform: k.fillUniformF32,
    };
    this.f64 = {
      bytes: 8, gemm: k.gemmF64, gemvRows: k.gemvRowsF64, gemvCols: k.gemvColsF64, biasRelu: k.biasReluF64,
      reluBackward: k.reluBackwardF64, reluBackwardBias: k.reluBackwardBiasF64, fillNormal: k.fillNormalF64, fillUniform: k.fillUniformF64,
    };
    const buffer = this.memory.buffer;
    this.heapF32 = new Float32Array(buffer);
    this.heapF64 = new Float64Array(buffer);
    this.heapU32 = new Uint32Array(buffer);
    this.generatorsPtr = k.generatorsPtr();
    // The module's sampler reads JS's tables, so both draw from the very same float64 numbers:
    // X, F, then (ratio[i], X[i]) pairs for the fast path's one-load gather.
    const layers = k.zigguratLayers();
    if (layers !== ZIGGURAT_LAYERS) throw new Error(`wasm backend: module has ${layers} ziggurat layers, lib/kernels/rng.ts ${ZIGGURAT_LAYERS} (run \`npm run build\`)`);
    const tables = k.zigguratTablesPtr() / 8, pairs = tables + 2 * (layers + 1);
    this.heapF64.set(ZIGGURAT.x, tables);
    this.heapF64.set(ZIGGURAT.f, tables + layers + 1);
    for (let i = 0; i < layers; i++) {
      this.heapF64[pairs + 2 * i] = ZIGGURAT.ratio[i];
      this.heapF64[pairs + 2 * i + 1] = ZIGGURAT.x[i];
    }
    this.gemmWork = alignUp(k.heapBase(), ALIGN);
    this.arenaStart = alignUp(this.gemmWork + k.gemmWorkBytes(), ALIGN);
    this.arenaEnd = buffer.byteLength;
    if (this.arenaStart >= this.arenaEnd) throw new RangeError(`wasm backend: memoryBytes ${memoryBytes} leaves no arena`);
    this.top = this.arenaStart;
    this.cleanFrom = this.arenaStart;
    if (!warmedUp.has(variant)) {
      warmUp(this);
      warmedUp.add(variant);
    }
  }

  /** Bytes still free in the arena. */
  get bytesFree(): number {
    return this.arenaEnd - alignUp(this.top, ALIGN);
  }

  /**
   * A zero-filled array in wasm memory, which the kernels read and write without copying. It stays
   * valid for the backend's life, or until reset() to a mark taken before it. A bound function, so
   * `backend.alloc` can be handed to Tensor as an Allocator on its own.
   */
  readonly alloc = (dtype: DType, length: number): FloatArray => {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
    const bytes = dtype === 'float32' ? 4 : dtype === 'float64' ? 8 : 0;
    if (bytes === 0) throw new TypeError(`unknown dtype '${String(dtype)}' (expected float32 or float64)`);
    const start = alignUp(this.top, ALIGN);
    const end = start + length * bytes;
    if (end > this.arenaEnd) {
      throw new RangeError(`wasm backend: arena exhausted allocating ${length} ${dtype} (${this.bytesFree} bytes free); ` +
        'pass a larger memoryBytes or reset() to a mark');
    }
    const view = bytes === 4 ? new Float32Array(this.memory.buffer, start, length) : new Float64Array(this.memory.buffer, start, length);
    if (start < this.cleanFrom) view.fill(0, 0, Math.ceil((Math.min(end, this.cleanFrom) - start) / bytes));
    this.top = end;
    this.cleanFrom = Math.max(this.cleanFrom, end);
    return view;
  };

  /** The arena's current top, to hand to reset(). */
  mark(): number {
    return this.top;
  }

  /**
   * Frees everything allocated after mark() returned `mark`. Arrays from those allocations must not
   * be used again: their storage will be handed out anew.
   */
  reset(mark: number): void {
    if (!(Number.isInteger(mark) && mark >= this.arenaStart && mark <= this.top)) {
      throw new RangeError(`reset: ${mark} is not a mark of this backend's arena`);
    }
    this.top = mark;
  }

  /** Whether the kernels can use `array` in place (it is a view into this backend's memory). */
  owns(array: FloatArray): boolean {
    return array.buffer === this.memory.buffer;
  }

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, opts?: MatmulOptions): void {
    checkMatmulSizes(a, b, c, m, n, k);
    const kern = this.kernelsFor(c, 'matmul');
    this.requireSameDType(c, 'matmul', a, b);
    const transA = opts?.transA === true, transB = opts?.transB === true, accumulate = opts?.accumulate === true;
    const buffer = this.memory.buffer;
    // The common case needs no staging, and small products feel every allocation per call.
    if (a.buffer === buffer && b.buffer === buffer && c.buffer === buffer) {
      this.runMatmul(kern, a.byteOffset, b.byteOffset, c.byteOffset, m, n, k, transA, transB, accumulate, true);
      return;
    }
    const scratch = new Staging(this, kern.bytes);
    const pa = scratch.input(a, m * k), pb = scratch.input(b, k * n);
    const pc = scratch.output(c, m * n, accumulate);
    this.runMatmul(kern, pa, pb, pc, m, n, k, transA, transB, accumulate, this.owns(c));
    scratch.writeBack(c, pc, m * n);
  }

  private runMatmul(kern: DTypeKernels, pa: number, pb: number, pc: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean, checkOverlap: boolean): void {
    const cBytes = m * n * kern.bytes;
    if (checkOverlap && (overlaps(pc, cBytes, pa, m * k * kern.bytes) || overlaps(pc, cBytes, pb, k * n * kern.bytes))) {
      throw new RangeError('matmul: C overlaps A or B');
    }
    const acc = accumulate ? 1 : 0;
    if (n === 1) {
      // op(B) is a vector whichever way B is stored.
      if (transA) kern.gemvCols(k, m, pa, pb, pc, acc);
      else kern.gemvRows(m, k, pa, pb, pc, acc);
    } else if (m === 1) {
      if (transB) kern.gemvRows(n, k, pb, pa, pc, acc);
      else kern.gemvCols(k, n, pb, pa, pc, acc);
    } else {
      kern.gemm(m, n, k, pa, pb, pc, transA ? 1 : 0, transB ? 1 : 0, acc, this.gemmWork);
    }
  }

  biasRelu(x: FloatArray, bias: FloatArray | null, out: FloatArray, rows: number, cols: number): void {
    const size = checkCount(rows, 'rows') * checkCount(cols, 'cols');
    checkLength(x, size, 'biasRelu: x');
    checkLength(out, size, 'biasRelu: out');
    if (bias !== null) checkLength(bias, cols, 'biasRelu: bias');
    const kern = this.kernelsFor(out, 'biasRelu');
    this.requireSameDType(out, 'biasRelu', x, bias);
    if (size === 0) return;
    const scratch = new Staging(this, kern.bytes);
    const px = scratch.input(x, size);
    const pbias = bias === null ? 0 : scratch.input(bias, cols);
    const pout = out === x ? px : scratch.output(out, size, false);
    kern.biasRelu(px, pbias, pout, rows, cols);
    scratch.writeBack(out, pout, size);
  }

  reluBackward(gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, length: number, bias: BiasGradTarget | null = null): void {
    checkCount(length, 'length');
    checkLength(gradOut, length, 'reluBackward: gradOut');
    checkLength(out, length, 'reluBackward: out');
    checkLength(gradIn, length, 'reluBackward: gradIn');
    const kern = this.kernelsFor(gradIn, 'reluBackward');
    this.requireSameDType(gradIn, 'reluBackward', gradOut, out);
    const rows = bias === null ? 0 : biasGradRows('reluBackward', length, bias);
    if (bias !== null) this.requireSameDType(gradIn, 'reluBackward', bias.data, null);
    if (length === 0) {
      if (bias !== null && !bias.accumulate) bias.data.fill(0);
      return;
    }
    const scratch = new Staging(this, kern.bytes);
    const pgo = scratch.input(gradOut, length), pout = scratch.input(out, length);
    const pgi = gradIn === gradOut ? pgo : scratch.output(gradIn, length, false);
    if (bias === null) {
      kern.reluBackward(pgo, pout, pgi, length);
    } else {
      const cols = bias.data.length, pgb = scratch.output(bias.data, cols, bias.accumulate);
      kern.reluBackwardBias(pgo, pout, pgi, rows, cols, pgb, bias.accumulate ? 1 : 0);
      scratch.writeBack(bias.data, pgb, cols);
    }
    scratch.writeBack(gradIn, pgi, length);
  }

  fillNormal(state: RngState, out: FloatArray, mean: number, std: number): void {
    const kern = this.kernelsFor(out, 'fillNormal');
    this.runSampler(state, out, (ptr, n) => kern.fillNormal(ptr, n, mean, std, Infinity, 1));
  }

  fillUniform(state: RngState, out: FloatArray, lo: number, hi: number): void {
    const kern = this.kernelsFor(out, 'fillUniform');
    this.runSampler(state, out, (ptr, n) => kern.fillUniform(ptr, n, lo, hi));
  }

  fillTruncatedNormal(state: RngState, out: FloatArray, std: number, bound: number): void {
    if (!(bound > 0)) throw new RangeError(`truncation bound must be > 0 standard deviations, got ${bound}`);
    const kern = this.kernelsFor(out, 'fillTruncatedNormal');
    this.runSampler(state, out, (ptr, n) => kern.fillNormal(ptr, n, 0, std, bound, 0));
  }

  /** @internal Scratch space for Staging: from the aligned top of the arena to its end. */
  scratchStart(): number {
    return alignUp(this.top, ALIGN);
  }

  /** @internal Records that scratch bytes below `end` were written, so alloc() must zero them when reused. */
  dirtied(end: number): void {
    if (end > this.cleanFrom) this.cleanFrom = end;
  }

  /** @internal The whole memory as an array of the given element size. */
  heapFor(bytes: number): Float32Array | Float64Array {
    return bytes === 4 ? this.heapF32 : this.heapF64;
  }

  /** @internal The arena's end: scratch may not reach past it. */
  get arenaLimit(): number {
    return this.arenaEnd;
  }

  /**
   * Derives the fill's generators from the state (advancing it, lib/kernels/rng.ts), copies them in,
   * and runs fill over out: in place, or in chunks through scratch. Chunks are a multiple of LANES
   * long, so each chunk's slot s still starts from lane s mod LANES; all generators carry over.
   */
  private runSampler(state: RngState, out: FloatArray, fill: (ptr: number, n: number) => void): void {
    if (!(state instanceof Uint32Array) || state.length !== 4) throw new TypeError('generator state must be a Uint32Array of 4 words');
    fillGenerators(state, this.heapU32, this.generatorsPtr / 4);
    if (this.owns(out)) {
      if (out.length > 0) fill(out.byteOffset, out.length);
    } else {
      const bytes = out.BYTES_PER_ELEMENT;
      const scratch = new Staging(this, bytes);
      const chunk = Math.min(out.length, SAMPLER_CHUNK);
      const ptr = scratch.reserve(chunk);
      const heap = this.heapFor(bytes);
      for (let done = 0; done < out.length; done += chunk) {
        const n = Math.min(chunk, out.length - done);
        fill(ptr, n);
        out.set(heap.subarray(ptr / bytes, ptr / bytes + n), done);
      }
    }
  }

  private kernelsFor(array: FloatArray, op: string): DTypeKernels {
    if (array instanceof Float32Array) return this.f32;
    if (array instanceof Float64Array) return this.f64;
    throw new TypeError(`${op}: expected a Float32Array or Float64Array`);
  }

  private requireSameDType(like: FloatArray, op: string, x: FloatArray | null, y: FloatArray | null): void {
    const other = x !== null && x.constructor !== like.constructor ? x : y !== null && y.constructor !== like.constructor ? y : null;
    if (other !== null) {
      throw new TypeError(`${op}: arrays must share one dtype, got ${like.constructor.name} and ${other.constructor.name}`);
    }
  }
}

/**
 * Places one kernel call's arrays in wasm memory: arrays the backend owns are used in place, others
 * are copied to scratch above the arena's top. Scratch is not allocated, so it is free again as soon
 * as the call returns.
 */
class Staging {
  private cursor: number;

  constructor(private readonly backend: WasmBackend, private readonly bytes: number) {
    this.cursor = backend.scratchStart();
  }

  /** Room for `length` elements in scratch; returns its byte offset. */
  reserve(length: number): number {
    const ptr = this.cursor;
    const end = ptr + length * this.bytes;
    if (end > this.backend.arenaLimit) {
      throw new RangeError(`wasm backend: no scratch room to copy ${length} elements into wasm memory ` +
        `(${this.backend.bytesFree} bytes free); allocate the arrays with backend.alloc() or pass a larger memoryBytes`);
    }
    this.cursor = alignUp(end, ALIGN);
    this.backend.dirtied(end);
    return ptr;
  }

  /** The byte offset of array's first `length` entries in wasm memory, copying them in if needed. */
  input(array: FloatArray, length: number): number {
    if (this.backend.owns(array)) return array.byteOffset;
    const ptr = this.reserve(length);
    this.backend.heapFor(this.bytes).set(length === array.length ? array : array.subarray(0, length), ptr / this.bytes);
    return ptr;
  }

  /** Like input, but the entries are copied in only when the kernel reads them (accumulate). */
  output(array: FloatArray, length: number, readsOld: boolean): number {
    if (readsOld || this.backend.owns(array)) return this.input(array, length);
    return this.reserve(length);
  }

  /** Copies a kernel's result from scratch back to an array the backend does not own. */
  writeBack(array: FloatArray, ptr: number, length: number): void {
    if (this.backend.owns(array)) return;
    const start = ptr / this.bytes;
    array.set(this.backend.heapFor(this.bytes).subarray(start, start + length));
  }
}

function checkCount(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

function checkLength(array: FloatArray, needed: number, what: string): void {
  if (array.length < needed) throw new RangeError(`${what} has ${array.length} entries, needs ${needed}`);
}

function overlaps(p: number, pBytes: number, q: number, qBytes: number): boolean {
  return p < q + qBytes && q < p + pBytes;
}

/**
 * Runs every kernel until V8 has tiered it up: the first calls run baseline code at about half
 * speed, which would otherwise land in whatever the caller times first.
 */
function warmUp(backend: WasmBackend): void {
  const mark = backend.mark();
  const state = new Uint32Array([1, 2, 3, 4]);
  for (const dtype of backend.dtypes) {
    const size = 48;
    const a = backend.alloc(dtype, size * size), b = backend.alloc(dtype, size * size), c = backend.alloc(dtype, size * size);
    const v = backend.alloc(dtype, size);
    for (let rep = 0; rep < 20; rep++) {
      backend.fillNormal(state, a, 0, 1);
      backend.fillUniform(state, b, -1, 1);
      backend.fillTruncatedNormal(state, v, 1, 2);
      backend.matmul(a, b, c, size, size, size, { transA: rep % 2 === 1, transB: rep % 3 === 1, accumulate: rep % 4 === 1 });
      backend.matmul(a, v, c, size, 1, size, { transA: rep % 2 === 1 });
      backend.matmul(v, a, c, 1, size, size, { transB: rep % 2 === 1 });
      backend.biasRelu(c, v, c, size, size);
      backend.reluBackward(a, c, b, size * size);
      backend.reluBackward(a, c, b, size * size, { data: v, accumulate: rep % 2 === 1 });
    }
  }
  backend.reset(mark);
}
