// npm run bench: every benchmark of issues 4 and 16 in one run, one table and one bench.json (written
// atomically). Ours run in this process; the PyTorch peers (Debian's python3-torch, /usr/bin/python3)
// and the numpy + OpenBLAS peers (bench/numpy.ts: pip's numpy in bench/.venv-numpy) run afterwards
// as child processes, one at a time, and are skipped with a note when absent.
//
//   node bench/run.js [--quick] [--paper]
//
// --quick: fewer repetitions and nets (about a minute on an idle 2-core machine).
// --paper: also run the paper-scale Figure 1(a) (2 workers) once and time it.
//
// The machine is shared, so every section records the load average, and Figure 1(a) and training
// record CPU seconds beside wall seconds: this process's CPU time is far less disturbed by other jobs.
// Ratios are ours / peer; for times (seconds per epoch) below 1 is better, for rates above 1 is.

import { boolFlag, defineCli, main as runMain, parseCli } from '../lib/experiments';
import { BENCH_JSON, loadAverage, machine, runPython, torchMissing, writeJsonAtomic } from './common';
import { measureFig1a, PAPER_NET_EQUIVALENTS, runPaperFig1a, type Fig1aRate, type PaperRun } from './fig1a';
import { kernelBenchSizes, kernelTable, measureKernels, ratioToTfjs, type KernelResults, type MatmulRow } from './matmul';
import { timeEpochs, type EpochTiming } from './train_epoch';
import { describeBlas, measureNumpy, numpyMatmulLines, numpyPython, numpyTrainLines, type NumpyPeer } from './numpy';

interface TorchMatmulRow { shape: string; threads: number; dtype: string; gflops: number }
interface TorchNormalRow { dtype: string; perSecond: number; nsPerDraw: number }
interface TorchMatmul { torch: string; blas: string; rows: TorchMatmulRow[]; normals: TorchNormalRow[] }
interface TorchFig1a { dtype: string; threads: number; nets: number; seconds: number; cpu_seconds: number; nets_per_second: number; nets_per_cpu_second: number; paper_seconds_one_thread: number }
interface TorchTrain { threads: number; results: EpochTiming[] }
interface TrainRow { backend: string; dtype: string; results: EpochTiming[] }

/** Targets of issue 4, and issue 16's epoch per core against numpy + OpenBLAS. */
const MATMUL_TARGET = 1.2, FIG1A_TARGET_SECONDS = 30, TRAIN_TARGET = 0.4, NUMPY_TRAIN_TARGET = 1.1;

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

const BENCH_CLI = defineCli({
  name: 'bench',
  kind: 'tool',
  summary: 'Every benchmark in one run: one table and bench.json.',
  flags: {
    quick: boolFlag('fewer repetitions and nets (about a minute on an idle 2-core machine)'),
    paper: boolFlag('also run the paper-scale Figure 1(a) (2 workers) once and time it'),
  },
});

async function main(): Promise<void> {
  const values = parseCli(BENCH_CLI, process.argv.slice(2));
  if (values === null) return;
  const quick = values.quick;
  const load: Record<string, number[]> = { start: loadAverage() };
  const notes: string[] = [];

  const kernels = await measureKernels(kernelBenchSizes(quick));
  load.after_kernels = loadAverage();

  const fig1aNets = quick ? 20 : 60;
  const fig1a = measureFig1a([{ backend: 'wasm', nets: fig1aNets }, { backend: 'reference', nets: fig1aNets / 10 }], 3);
  load.after_fig1a = loadAverage();

  // Batches timed per depth, scaled to an epoch of 60,000 images; the reference backend is ~20× slower.
  // --quick drops d = 100, whose PyTorch peer alone takes ~20 s for two batches here.
  const steps = quick ? 2 : 5, depths = quick ? [50] : [50, 100];
  const training: TrainRow[] = [
    { backend: 'wasm', dtype: 'float32', results: timeEpochs(depths, steps, 'wasm', 'float32') },
    { backend: 'wasm', dtype: 'float64', results: timeEpochs([50], steps, 'wasm', 'float64') },
  ];
  if (!quick) training.push({ backend: 'reference', dtype: 'float32', results: timeEpochs([50], 2, 'reference', 'float32') });
  load.after_training = loadAverage();

  let torchMatmul: TorchMatmul | null = null, torchFig1a: TorchFig1a[] = [], torchTrain: TorchTrain | null = null;
  const missing = torchMissing();
  if (missing !== null) {
    notes.push(`PyTorch peers skipped: ${missing}`);
  } else {
    torchMatmul = runPython<TorchMatmul>('torch_matmul.py', ['--reps', String(kernels.repetitions), '--sample-ms', quick ? '4' : '25']);
    load.after_torch_matmul = loadAverage();
    torchFig1a = ['float64', 'float32'].map((dtype) => runPython<TorchFig1a>('torch_fig1a.py', ['--nets', String(quick ? 10 : 40), '--dtype', dtype, '--threads', '1']));
    load.after_torch_fig1a = loadAverage();
    torchTrain = runPython<TorchTrain>('torch_train.py', ['--depths', depths.join(','), '--steps', String(steps), '--threads', '2']);
    load.after_torch_train = loadAverage();
  }

  let numpy: NumpyPeer | null = null;
  const py = numpyPython();
  if ('missing' in py) {
    notes.push(`numpy peer skipped: ${py.missing}`);
  } else {
    numpy = measureNumpy(py.python, { reps: kernels.repetitions, sampleMs: quick ? 4 : 25, depths, steps, steps2: quick ? 1 : 2 });
    load.after_numpy = loadAverage();
  }

  let paper: PaperRun | null = null;
  if (values.paper) {
    paper = runPaperFig1a(2);
    load.after_paper = loadAverage();
  }

  const lines = [
    `load average (1/5/15 min) at start: ${load.start.join(' ')}; at end: ${loadAverage().join(' ')} on ${machine().cores} cores`, '',
    ...kernelTable(kernels), '',
    ...torchKernelLines(kernels, torchMatmul), '',
    ...(numpy === null ? ['numpy matmul: skipped'] : numpyMatmulLines(numpy, kernels.matmul, `wasm-${kernels.wasmVariant}`)), '',
    ...fig1aLines(fig1a, torchFig1a, paper), '',
    ...trainLines(training, torchTrain), '',
    ...(numpy === null ? ['numpy training: skipped'] : numpyTrainLines(numpy, training[0].results)), '',
    ...targetLines(kernels, fig1a, torchFig1a, paper, training, torchTrain, numpy),
    ...notes.map((n) => `note: ${n}`),
  ];
  console.log(lines.join('\n'));

  writeJsonAtomic(BENCH_JSON, {
    date: new Date().toISOString(), ...machine(), quick, loadAverage: load, notes,
    wasmVariant: kernels.wasmVariant, tfjs: kernels.tfjs, repetitions: kernels.repetitions,
    matmul: kernels.matmul.map((r) => ({ ...r, ratioToTfjs: ratioToTfjs(kernels.matmul, r), ratioToTorch1: ratioToTorch(torchMatmul, r, 1), ratioToTorch2: ratioToTorch(torchMatmul, r, 2) })),
    normals: kernels.normals,
    torch: torchMatmul === null ? null : { version: torchMatmul.torch, blas: torchMatmul.blas, matmul: torchMatmul.rows, normals: torchMatmul.normals, fig1a: torchFig1a, train: torchTrain },
    numpy: numpy === null ? null : { python: numpy.python, numpy: numpy.matmul.numpy, blas: numpy.matmul.blas, matmul: numpy.matmul.rows, train: numpy.train },
    fig1a: { paperNetEquivalents: PAPER_NET_EQUIVALENTS, rates: fig1a, paperRun: paper },
    training,
    table: lines,
  });
  console.log(`\nwrote ${BENCH_JSON}`);
}

function ratioToTorch(t: TorchMatmul | null, r: MatmulRow, threads: number): number | null {
  const p = t?.rows.find((q) => q.shape === r.shape && q.threads === threads && q.dtype === r.dtype);
  return p === undefined ? null : r.gflops / p.gflops;
}

function torchKernelLines(k: KernelResults, t: TorchMatmul | null): string[] {
  if (t === null) return ['PyTorch matmul: skipped'];
  const ours = `wasm-${k.wasmVariant}`;
  const lines = [`PyTorch ${t.torch} (libblas.so.3 → ${t.blas}) matmul GFLOP/s (1 and 2 threads) and ours (${ours}) / PyTorch, same dtype`];
  lines.push(['shape'.padEnd(26), ...['t1 f32', 't2 f32', 't1 f64', 't2 f64', 'ours/t1 f32', 'ours/t2 f32', 'ours/t1 f64', 'ours/t2 f64'].map((h) => h.padStart(12))].join(''));
  for (const shape of [...new Set(k.matmul.map((r) => r.shape))]) {
    const g = (threads: number, dtype: string) => t.rows.find((q) => q.shape === shape && q.threads === threads && q.dtype === dtype)?.gflops ?? NaN;
    const o = (dtype: string) => k.matmul.find((r) => r.shape === shape && r.backend === ours && r.dtype === dtype)?.gflops ?? NaN;
    const cells = [g(1, 'float32'), g(2, 'float32'), g(1, 'float64'), g(2, 'float64')].map((v) => fmt(v, 1));
    const ratios = [o('float32') / g(1, 'float32'), o('float32') / g(2, 'float32'), o('float64') / g(1, 'float64'), o('float64') / g(2, 'float64')].map((v) => `${fmt(v)}×`);
    lines.push([shape.padEnd(26), ...[...cells, ...ratios].map((c) => c.padStart(12))].join(''));
  }
  for (const n of t.normals) lines.push(`PyTorch normal_ ${n.dtype}: ${fmt(n.perSecond / 1e6, 1)} M/s, ${fmt(n.nsPerDraw)} ns per draw (1 thread)`);
  return lines;
}

function fig1aLines(rates: readonly Fig1aRate[], torch: readonly TorchFig1a[], paper: PaperRun | null): string[] {
  const torch64 = torch.find((t) => t.dtype === 'float64');
  const lines = [`Figure 1(a) nets per second at width = depth = 100, one thread, float64 (wall; per CPU-second; ratio to PyTorch f64, wall / CPU)`];
  for (const r of rates) {
    lines.push(`${r.backend.padEnd(26)}${fmt(r.nets_per_second, 1).padStart(10)} /s${fmt(r.nets_per_cpu_second, 1).padStart(10)} /cpu-s` +
      `${torch64 ? `${fmt(r.nets_per_second / torch64.nets_per_second).padStart(9)}×${fmt(r.nets_per_cpu_second / torch64.nets_per_cpu_second).padStart(9)}×` : ''}` +
      `   paper grid ≈ ${fmt(PAPER_NET_EQUIVALENTS / r.nets_per_cpu_second / 2, 0)} s on 2 idle cores`);
  }
  for (const t of torch) {
    lines.push(`${`pytorch ${t.dtype}`.padEnd(26)}${fmt(t.nets_per_second, 1).padStart(10)} /s${fmt(t.nets_per_cpu_second, 1).padStart(10)} /cpu-s${''.padStart(20)}` +
      `   paper grid ≈ ${fmt(PAPER_NET_EQUIVALENTS / t.nets_per_cpu_second / 2, 0)} s on 2 idle cores`);
  }
  lines.push(`(paper grid = ${PAPER_NET_EQUIVALENTS} nets at d = 100 of weight draws; "on 2 idle cores" = grid / (2 × nets per CPU-second))`);
  if (paper !== null) {
    lines.push(`paper-scale run, ${paper.command}: ${fmt(paper.wall_seconds, 1)} s wall, ${paper.cpu_seconds === null ? '?' : fmt(paper.cpu_seconds, 1)} CPU-s ` +
      `(CPU-s / 2 = ${paper.cpu_seconds === null ? '?' : fmt(paper.cpu_seconds / 2, 1)} s), load ${paper.load_before.join(' ')} → ${paper.load_after.join(' ')}`);
  }
  return lines;
}

function trainLines(training: readonly TrainRow[], torch: TorchTrain | null): string[] {
  const lines = [`training: seconds per MNIST epoch (batch 1024, He normal, SGD; timed batches scaled to 60,000 images); ratio = ours / PyTorch (${torch?.threads ?? '?'} threads, f32)`];
  for (const t of training) {
    for (const r of t.results) {
      const p = torch?.results.find((q) => q.d === r.d);
      lines.push(`${`${t.backend} ${t.dtype} d=${r.d}`.padEnd(26)}${fmt(r.seconds_per_epoch).padStart(10)} s${fmt(r.cpu_seconds_per_epoch).padStart(10)} cpu-s` +
        (p ? `${fmt(r.seconds_per_epoch / p.seconds_per_epoch).padStart(9)}× wall${fmt(r.cpu_seconds_per_epoch / p.cpu_seconds_per_epoch).padStart(9)}× cpu` : ''));
    }
  }
  for (const r of torch?.results ?? []) lines.push(`${`pytorch float32 d=${r.d}`.padEnd(26)}${fmt(r.seconds_per_epoch).padStart(10)} s${fmt(r.cpu_seconds_per_epoch).padStart(10)} cpu-s`);
  return lines;
}

function targetLines(k: KernelResults, fig1a: readonly Fig1aRate[], torchFig1a: readonly TorchFig1a[], paper: PaperRun | null,
  training: readonly TrainRow[], torchTrain: TorchTrain | null, numpy: NumpyPeer | null): string[] {
  const lines = ['targets (benchmarks, not tests):'];
  const ours = `wasm-${k.wasmVariant}`;
  const big = k.matmul.filter((r) => r.backend === ours && r.dtype === 'float32' && (r.k === 784 || r.k === 256));
  const worst = Math.min(...big.map((r) => ratioToTfjs(k.matmul, r)));
  lines.push(`  f32 matmul ≥ ${MATMUL_TARGET}× tfjs-wasm on 784/256 shapes (A·B, Aᵀ·B, A·Bᵀ): worst ${fmt(worst)}× — ${worst >= MATMUL_TARGET ? 'met' : 'not met'}`);
  const wasm = fig1a.find((r) => r.backend === 'wasm');
  if (wasm !== undefined) {
    const est = PAPER_NET_EQUIVALENTS / wasm.nets_per_cpu_second / 2;
    const measured = paper?.cpu_seconds != null ? paper.cpu_seconds / 2 : null;
    lines.push(`  Figure 1(a) paper grid ≤ ${FIG1A_TARGET_SECONDS} s on 2 cores: ${measured !== null ? `measured ${fmt(measured, 1)} CPU-s per core (wall ${fmt(paper?.wall_seconds ?? NaN, 1)} s under load); ` : ''}` +
      `extrapolated ${fmt(est, 0)} s — ${(measured ?? est) <= FIG1A_TARGET_SECONDS ? 'met' : 'not met'}`);
    const t64 = torchFig1a.find((t) => t.dtype === 'float64');
    if (t64) lines.push(`    vs PyTorch f64 doing the same work: ${fmt(wasm.nets_per_cpu_second / t64.nets_per_cpu_second, 1)}× the nets per CPU-second (goal ≈ 14×)`);
  }
  const wasm32 = training.find((t) => t.backend === 'wasm' && t.dtype === 'float32');
  for (const r of wasm32?.results ?? []) {
    const p = torchTrain?.results.find((q) => q.d === r.d);
    if (!p) continue;
    const ratio = r.seconds_per_epoch / p.seconds_per_epoch;
    lines.push(`  epoch at d = ${r.d} ≤ ${TRAIN_TARGET}× PyTorch: ${fmt(ratio)}× wall (${fmt(r.cpu_seconds_per_epoch / p.cpu_seconds_per_epoch)}× CPU-s; PyTorch uses ${torchTrain?.threads} threads, we use 1) — ${ratio <= TRAIN_TARGET ? 'met' : 'not met'}`);
  }
  // Per core: against numpy on 1 BLAS thread (its 2-thread CPU seconds include spinning; see bench/numpy.ts).
  const numpy1 = numpy?.train.find((t) => t.threads === 1);
  for (const r of wasm32?.results ?? []) {
    const p = numpy1?.results.find((q) => q.d === r.d);
    if (!numpy1 || !p) continue;
    const ratio = r.cpu_seconds_per_epoch / p.cpu_seconds_per_epoch;
    lines.push(`  epoch at d = ${r.d} ≤ ${NUMPY_TRAIN_TARGET}× numpy + ${describeBlas(numpy1.blas)} per core: ${fmt(ratio)}× — ${ratio <= NUMPY_TRAIN_TARGET ? 'met' : 'not met'} (SIMD ceiling: docs/bench.md)`);
  }
  return lines;
}

runMain(main);
