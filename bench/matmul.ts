// Matmul and normal-sampler throughput per backend and dtype, against tfjs-backend-wasm (XNNPACK,
// SIMD, one thread) measured in the same process. Cases are timed round-robin across backends,
// so load from other processes on a shared machine hits every backend alike; each figure is the
// median over repetitions after warm-up. bench/run.ts (npm run bench) calls measureKernels with the
// other benchmarks; run alone, this file writes bench.json (atomically) with these sections only.
//
//   node bench/matmul.js [--quick]  (--quick: fewer repetitions)

import { type Backend, type DType, type FloatArray, type MatmulOptions, ReferenceBackend, seedState, WasmBackend } from '../lib';
import { BENCH_JSON, loadAverage, machine, median, writeJsonAtomic } from './common';
import { boolFlag, defineCli, main as runMain, parseCli } from '../lib/experiments';

// tfjs is a bench-only peer (a devDependency), so it is typed here by the little this file uses.
interface TfTensor { dispose(): void }
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  env(): { getBool(flag: string): boolean };
  tensor2d(values: Float32Array, shape: [number, number], dtype: 'float32'): TfTensor;
  matMul(a: TfTensor, b: TfTensor, transposeA: boolean, transposeB: boolean): TfTensor;
  randomNormal(shape: number[], mean: number, std: number, dtype: 'float32', seed: number): TfTensor;
  version_core: string;
}

interface MatmulCase { m: number; n: number; k: number; transA: boolean; transB: boolean }

const CASES: MatmulCase[] = [
  { m: 1024, n: 100, k: 784, transA: false, transB: false },
  { m: 1024, n: 100, k: 784, transA: true, transB: false },
  { m: 1024, n: 100, k: 784, transA: false, transB: true },
  { m: 1024, n: 256, k: 256, transA: false, transB: false },
  { m: 1024, n: 256, k: 256, transA: true, transB: false },
  { m: 1024, n: 256, k: 256, transA: false, transB: true },
  { m: 1024, n: 100, k: 100, transA: false, transB: false },
  { m: 1024, n: 50, k: 50, transA: false, transB: false },
  { m: 100, n: 1, k: 100, transA: false, transB: false },
];

/** Sizes of the measurement; --quick shrinks them. */
export interface KernelBenchSizes { repetitions: number; sampleMs: number; warmUpMs: number }
export function kernelBenchSizes(quick: boolean): KernelBenchSizes {
  // Each timed sample runs the operation enough times to last about sampleMs, so timer resolution and
  // call overhead stay negligible.
  return quick ? { repetitions: 5, sampleMs: 4, warmUpMs: 50 } : { repetitions: 11, sampleMs: 25, warmUpMs: 200 };
}
/** The reference backend is 20–50× slower; it gets a few repetitions, timed once per call. */
const REFERENCE_REPETITIONS = 3;
export const NORMAL_DRAWS = 1 << 20;

/** One timed operation for the round-robin. */
interface Contender {
  backend: string;
  dtype: DType;
  run: () => void;
  reps: number;
  samples: number[];
  /** Calls per sample, fixed after calibration. */
  calls: number;
}

function timeCalls(run: () => void, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run();
  return Number(process.hrtime.bigint() - t0) / 1e6 / calls;
}

/** Warms each contender up, sizes its samples, then times them round-robin; returns ms per call. */
function measure(contenders: Contender[], sizes: KernelBenchSizes): void {
  for (const c of contenders) {
    // Long enough for V8 to tier up whatever JS the call goes through and for the core to leave any
    // idle clock state; the first case otherwise measured 30 % low.
    const warmUntil = performance.now() + (c.reps === REFERENCE_REPETITIONS ? 0 : sizes.warmUpMs);
    for (let i = 0; i < 3 || performance.now() < warmUntil; i++) c.run();
    const once = timeCalls(c.run, 1);
    c.calls = c.reps === REFERENCE_REPETITIONS ? 1 : Math.max(1, Math.ceil(sizes.sampleMs / Math.max(once, 1e-4)));
  }
  const rounds = Math.max(...contenders.map((c) => c.reps));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) if (r < c.reps) c.samples.push(timeCalls(c.run, c.calls));
  }
}

function filled(backend: Backend, dtype: DType, length: number, seed: number): FloatArray {
  const x = backend.alloc(dtype, length);
  backend.fillNormal(seedState(seed), x, 0, 1);
  return x;
}

/** ms and gflops are medians; bestGflops, from the fastest repetition, is the figure least disturbed by other load. */
export interface MatmulRow { shape: string; m: number; n: number; k: number; transA: boolean; transB: boolean; backend: string; dtype: DType; ms: number; gflops: number; bestGflops: number }
export interface NormalRow { backend: string; dtype: DType; draws: number; ms: number; perSecond: number; nsPerDraw: number }

function caseLabel(c: MatmulCase): string {
  const a = c.transA ? `(${c.k}×${c.m})ᵀ` : `${c.m}×${c.k}`;
  const b = c.transB ? `(${c.n}×${c.k})ᵀ` : `${c.k}×${c.n}`;
  return `${a}·${b}`;
}

async function loadTf(): Promise<Tf> {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs picked backend ${tf.getBackend()}, not wasm`);
  return tf;
}

export interface KernelResults {
  wasmVariant: string;
  tfjs: { core: string; simd: boolean; threads: boolean };
  repetitions: number;
  matmul: MatmulRow[];
  normals: NormalRow[];
}

/** Matmul GFLOP/s and normal draws per second of our backends and tfjs-wasm, timed round-robin. */
export async function measureKernels(sizes: KernelBenchSizes): Promise<KernelResults> {
  const REPETITIONS = sizes.repetitions;
  const tf = await loadTf();
  const ours = new WasmBackend();
  const plain = ours.variant === 'relaxed' ? new WasmBackend({ variant: 'simd' }) : null;
  const reference = new ReferenceBackend();
  const ourBackends: [string, Backend][] = [[`wasm-${ours.variant}`, ours]];
  if (plain !== null) ourBackends.push(['wasm-simd', plain]);
  ourBackends.push(['reference', reference]);
  // Each case's arrays are freed before the next, so the arena never fills up.
  const wasmBackends = ourBackends.map(([, b]) => b).filter((b): b is WasmBackend => b instanceof WasmBackend);
  const marks = wasmBackends.map((b) => b.mark());

  const matmulRows: MatmulRow[] = [];
  for (const c of CASES) {
    const contenders: Contender[] = [];
    const opts: MatmulOptions = { transA: c.transA, transB: c.transB };
    for (const [name, backend] of ourBackends) {
      for (const dtype of ['float32', 'float64'] as const) {
        const a = filled(backend, dtype, c.m * c.k, 1), b = filled(backend, dtype, c.k * c.n, 2);
        const out = backend.alloc(dtype, c.m * c.n);
        const reps = name === 'reference' ? REFERENCE_REPETITIONS : REPETITIONS;
        contenders.push({ backend: name, dtype, reps, samples: [], calls: 1, run: () => backend.matmul(a, b, out, c.m, c.n, c.k, opts) });
      }
    }
    const ta = tf.tensor2d(filled(reference, 'float32', c.m * c.k, 1) as Float32Array, c.transA ? [c.k, c.m] : [c.m, c.k], 'float32');
    const tb = tf.tensor2d(filled(reference, 'float32', c.k * c.n, 2) as Float32Array, c.transB ? [c.n, c.k] : [c.k, c.n], 'float32');
    // The wasm backend runs its kernel synchronously inside matMul, so the call's time is the product's.
    contenders.push({ backend: 'tfjs-wasm', dtype: 'float32', reps: REPETITIONS, samples: [], calls: 1, run: () => tf.matMul(ta, tb, c.transA, c.transB).dispose() });
    measure(contenders, sizes);
    ta.dispose();
    tb.dispose();
    for (const ct of contenders) {
      const ms = median(ct.samples), flops = 2 * c.m * c.n * c.k;
      matmulRows.push({ shape: caseLabel(c), ...c, backend: ct.backend, dtype: ct.dtype, ms, gflops: flops / (ms * 1e6), bestGflops: flops / (Math.min(...ct.samples) * 1e6) });
    }
    wasmBackends.forEach((b, i) => b.reset(marks[i]));
  }

  const normalContenders: Contender[] = [];
  for (const [name, backend] of ourBackends) {
    for (const dtype of ['float32', 'float64'] as const) {
      const out = backend.alloc(dtype, NORMAL_DRAWS);
      const state = seedState(3);
      const reps = name === 'reference' ? REFERENCE_REPETITIONS : REPETITIONS;
      normalContenders.push({ backend: name, dtype, reps, samples: [], calls: 1, run: () => backend.fillNormal(state, out, 0, 1) });
    }
  }
  let seed = 0;
  normalContenders.push({
    backend: 'tfjs-wasm', dtype: 'float32', reps: REPETITIONS, samples: [], calls: 1,
    run: () => tf.randomNormal([NORMAL_DRAWS], 0, 1, 'float32', seed++).dispose(),
  });
  measure(normalContenders, sizes);
  const normalRows: NormalRow[] = normalContenders.map((ct) => {
    const ms = median(ct.samples);
    return { backend: ct.backend, dtype: ct.dtype, draws: NORMAL_DRAWS, ms, perSecond: NORMAL_DRAWS / (ms / 1e3), nsPerDraw: (ms * 1e6) / NORMAL_DRAWS };
  });

  const tfjs = { core: tf.version_core, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
  return { wasmVariant: ours.variant, tfjs, repetitions: REPETITIONS, matmul: matmulRows, normals: normalRows };
}

/** Ratio of a matmul row to tfjs-wasm f32 on the same shape. */
export function ratioToTfjs(rows: readonly MatmulRow[], r: MatmulRow): number {
  return r.gflops / (rows.find((p) => p.backend === 'tfjs-wasm' && p.shape === r.shape)?.gflops ?? NaN);
}

/** The matmul and normals tables, with ratios to tfjs-wasm. */
export function kernelTable(k: KernelResults): string[] {
  const matmulRows = k.matmul, normalRows = k.normals;
  const peerNormals = normalRows.find((r) => r.backend === 'tfjs-wasm')?.perSecond ?? NaN;
  const lines: string[] = [];
  lines.push(`matmul GFLOP/s (median of ${k.repetitions}; reference: ${REFERENCE_REPETITIONS}); ratio = ours / tfjs-wasm f32`);
  const backends = [...new Set(matmulRows.map((r) => `${r.backend} ${r.dtype}`))];
  lines.push(['shape'.padEnd(26), ...backends.map((b) => b.padStart(22))].join(''));
  for (const shape of [...new Set(matmulRows.map((r) => r.shape))]) {
    const cells = backends.map((b) => {
      const row = matmulRows.find((r) => r.shape === shape && `${r.backend} ${r.dtype}` === b);
      if (row === undefined) return ''.padStart(22);
      const ratio = row.backend === 'tfjs-wasm' ? '' : ` (${ratioToTfjs(matmulRows, row).toFixed(2)}×)`;
      return `${row.gflops.toFixed(row.gflops < 10 ? 2 : 1)}${ratio}`.padStart(22);
    });
    lines.push([shape.padEnd(26), ...cells].join(''));
  }
  lines.push('');
  lines.push(`normal draws (${NORMAL_DRAWS} per call): millions per second, ns per draw, ratio to tfjs-wasm randomNormal`);
  for (const r of normalRows) {
    lines.push(`${`${r.backend} ${r.dtype}`.padEnd(26)}${(r.perSecond / 1e6).toFixed(1).padStart(10)} M/s${r.nsPerDraw.toFixed(2).padStart(10)} ns` +
      `${(r.perSecond / peerNormals).toFixed(2).padStart(10)}×`);
  }
  return lines;
}

const MATMUL_CLI = defineCli({
  name: 'matmul',
  kind: 'tool',
  summary: 'Kernel speeds (matmul, normal draws) of every backend against tfjs, written to bench.json.',
  flags: { quick: boolFlag('fewer repetitions') },
});

async function main(): Promise<void> {
  const args = parseCli(MATMUL_CLI, process.argv.slice(2));
  if (args === null) return;
  const loadBefore = loadAverage();
  const k = await measureKernels(kernelBenchSizes(args.quick));
  console.log(kernelTable(k).join('\n'));
  writeJsonAtomic(BENCH_JSON, {
    date: new Date().toISOString(), ...machine(), loadAverage: { before: loadBefore, after: loadAverage() }, ...k,
    matmul: k.matmul.map((r) => ({ ...r, ratioToTfjs: ratioToTfjs(k.matmul, r) })),
  });
  console.log(`\nwrote ${BENCH_JSON}`);
}

if (require.main === module) runMain(main);
