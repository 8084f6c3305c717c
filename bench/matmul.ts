// Matmul and normal-sampler throughput per backend and dtype, against tfjs-backend-wasm (XNNPACK,
// SIMD, one thread) measured in the same process. Cases are timed round-robin across backends,
// so load from other processes on a shared machine hits every backend alike; each figure is the
// median over repetitions after warm-up. Writes bench.json (atomically) and prints a table.
//
//   npm run bench                 (all backends)
//   node bench/matmul.js --quick  (fewer repetitions)

import { renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Backend, DType, FloatArray, MatmulOptions } from '../lib/kernels/backend';
import { ReferenceBackend } from '../lib/kernels/reference';
import { seedState } from '../lib/kernels/rng';
import { WasmBackend } from '../lib/kernels/wasm';

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

const QUICK = process.argv.includes('--quick');
const REPETITIONS = QUICK ? 5 : 11;
/** Each timed sample runs the operation enough times to last about this long, so timer resolution and call overhead stay negligible. */
const SAMPLE_MS = QUICK ? 4 : 25;
/** The reference backend is 20–50× slower; it gets a few repetitions, timed once per call. */
const REFERENCE_REPETITIONS = 3;
const NORMAL_DRAWS = 1 << 20;
const WARM_UP_MS = QUICK ? 50 : 200;

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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function timeCalls(run: () => void, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run();
  return Number(process.hrtime.bigint() - t0) / 1e6 / calls;
}

/** Warms each contender up, sizes its samples, then times them round-robin; returns ms per call. */
function measure(contenders: Contender[]): void {
  for (const c of contenders) {
    // Long enough for V8 to tier up whatever JS the call goes through and for the core to leave any
    // idle clock state; the first case otherwise measured 30 % low.
    const warmUntil = performance.now() + (c.reps === REFERENCE_REPETITIONS ? 0 : WARM_UP_MS);
    for (let i = 0; i < 3 || performance.now() < warmUntil; i++) c.run();
    const once = timeCalls(c.run, 1);
    c.calls = c.reps === REFERENCE_REPETITIONS ? 1 : Math.max(1, Math.ceil(SAMPLE_MS / Math.max(once, 1e-4)));
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
interface MatmulRow { shape: string; m: number; n: number; k: number; transA: boolean; transB: boolean; backend: string; dtype: DType; ms: number; gflops: number; bestGflops: number }
interface NormalRow { backend: string; dtype: DType; draws: number; ms: number; perSecond: number; nsPerDraw: number }

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

async function main(): Promise<void> {
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
    measure(contenders);
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
  measure(normalContenders);
  const normalRows: NormalRow[] = normalContenders.map((ct) => {
    const ms = median(ct.samples);
    return { backend: ct.backend, dtype: ct.dtype, draws: NORMAL_DRAWS, ms, perSecond: NORMAL_DRAWS / (ms / 1e3), nsPerDraw: (ms * 1e6) / NORMAL_DRAWS };
  });

  report(tf, ours, matmulRows, normalRows);
}

function report(tf: Tf, ours: WasmBackend, matmulRows: MatmulRow[], normalRows: NormalRow[]): void {
  const peerGflops = new Map<string, number>();
  for (const r of matmulRows) if (r.backend === 'tfjs-wasm') peerGflops.set(r.shape, r.gflops);
  const peerNormals = normalRows.find((r) => r.backend === 'tfjs-wasm')?.perSecond ?? NaN;

  const lines: string[] = [];
  lines.push(`matmul GFLOP/s (median of ${REPETITIONS}; reference: ${REFERENCE_REPETITIONS}); ratio = ours / tfjs-wasm f32`);
  const backends = [...new Set(matmulRows.map((r) => `${r.backend} ${r.dtype}`))];
  lines.push(['shape'.padEnd(26), ...backends.map((b) => b.padStart(22))].join(''));
  for (const shape of [...new Set(matmulRows.map((r) => r.shape))]) {
    const cells = backends.map((b) => {
      const row = matmulRows.find((r) => r.shape === shape && `${r.backend} ${r.dtype}` === b);
      if (row === undefined) return ''.padStart(22);
      const ratio = row.backend === 'tfjs-wasm' ? '' : ` (${(row.gflops / (peerGflops.get(shape) ?? NaN)).toFixed(2)}×)`;
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
  console.log(lines.join('\n'));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    wasmVariant: ours.variant,
    tfjs: { core: tf.version_core, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') },
    repetitions: REPETITIONS,
    matmul: matmulRows.map((r) => ({ ...r, ratioToTfjs: r.gflops / (peerGflops.get(r.shape) ?? NaN) })),
    normals: normalRows.map((r) => ({ ...r, ratioToTfjs: r.perSecond / peerNormals })),
  };
  const file = join(process.cwd(), 'bench.json');
  // Written to a temporary file and renamed, so a reader never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  console.log(`\nwrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
