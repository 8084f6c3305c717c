// The strong peer: numpy with the OpenBLAS of pip's wheels, found or installed by bench/peer-numpy.sh
// (a venv under bench/.venv-numpy). Runs bench/numpy_matmul.py and bench/numpy_train.py and states
// which BLAS ran (threadpoolctl), so a reference-BLAS numpy cannot pass for a fast one.
//
// Per core: our kernels and training run on one thread, so the fair figure is ours against the
// peer's CPU seconds (process time, all threads). numpy runs with 1 BLAS thread, its per-core speed
// and the target's reference, and with 2, what a user gets here; but OpenBLAS's waiting threads spin,
// so on a loaded machine its 2-thread CPU seconds grow with the load and say little per core.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { EpochTiming } from './train_epoch';

export interface BlasInfo { source: string; name: string | null; version: string | null; library: string | null; architecture: string | null; threads: number | null }
export interface NumpyMatmulRow { shape: string; threads: number; dtype: string; gflops: number; bestGflops: number; gflopsPerCpuSecond: number }
export interface NumpyMatmul { numpy: string; python: string; blas: BlasInfo; rows: NumpyMatmulRow[] }
export interface NumpyTrain { numpy: string; python: string; threads: number; blas: BlasInfo; results: EpochTiming[] }
export interface NumpyPeer { python: string; matmul: NumpyMatmul; train: NumpyTrain[] }

/** The Python that has numpy, or why there is none. */
export function numpyPython(): { python: string } | { missing: string } {
  const r = spawnSync('sh', [join(__dirname, 'peer-numpy.sh')], { encoding: 'utf8' });
  const python = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || python === '') return { missing: r.stderr.trim().split('\n').pop() ?? 'bench/peer-numpy.sh failed' };
  return { python };
}

function runNumpy<T>(python: string, script: string, args: readonly string[]): T {
  // OpenBLAS's core-type and L2 overrides, if set for other work, would pick a slower kernel.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, [join(__dirname, script), ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as T;
}

/**
 * The numpy peers: matmul at 1 and 2 threads, training at 1 thread (depths) and 2 threads (fewer
 * steps: under load its spinning threads make each step slow).
 */
export function measureNumpy(python: string, opts: { reps: number; sampleMs: number; depths: readonly number[]; steps: number; steps2: number }): NumpyPeer {
  const matmul = runNumpy<NumpyMatmul>(python, 'numpy_matmul.py', ['--reps', String(opts.reps), '--sample-ms', String(opts.sampleMs), '--threads', '1,2']);
  const train = [1, 2].map((threads) => runNumpy<NumpyTrain>(python, 'numpy_train.py',
    ['--depths', opts.depths.join(','), '--steps', String(threads === 1 ? opts.steps : opts.steps2), '--threads', String(threads)]));
  return { python, matmul, train };
}

export function describeBlas(b: BlasInfo): string {
  return `${b.name ?? '?'} ${b.version ?? ''} (${b.architecture ?? '?'} kernel; from ${b.source})`.replace(/\s+/g, ' ');
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** numpy's matmul rows beside ours: GFLOP/s on 1 thread each (the 2-thread rows are in bench.json). */
export function numpyMatmulLines(peer: NumpyPeer, ours: readonly { shape: string; backend: string; dtype: string; gflops: number }[], oursName: string): string[] {
  const lines = [`numpy ${peer.matmul.numpy} + ${describeBlas(peer.matmul.blas)}: matmul GFLOP/s, 1 thread; ours (${oursName}, 1 thread) / numpy`];
  lines.push(['shape'.padEnd(26), ...['numpy f32', 'ours/np f32', 'numpy f64', 'ours/np f64'].map((h) => h.padStart(14))].join(''));
  for (const shape of [...new Set(peer.matmul.rows.map((r) => r.shape))]) {
    const p = (dtype: string) => peer.matmul.rows.find((q) => q.shape === shape && q.threads === 1 && q.dtype === dtype)?.gflops ?? NaN;
    const o = (dtype: string) => ours.find((r) => r.shape === shape && r.backend === oursName && r.dtype === dtype)?.gflops ?? NaN;
    lines.push([shape.padEnd(26), fmt(p('float32'), 1), `${fmt(o('float32') / p('float32'))}×`, fmt(p('float64'), 1), `${fmt(o('float64') / p('float64'))}×`]
      .map((c, i) => (i === 0 ? c : c.padStart(14))).join(''));
  }
  return lines;
}

/** Training per core: our CPU seconds per epoch on one thread against numpy's at 1 and 2 threads (ratio > 1: we are slower). */
export function numpyTrainLines(peer: NumpyPeer, ours: readonly EpochTiming[]): string[] {
  const lines = [`numpy training (same net, SGD, batch 1024, f32), CPU seconds per epoch; per-core ratio = ours (1 thread) / numpy CPU-s`];
  for (const t of peer.train) {
    for (const r of t.results) {
      const mine = ours.find((q) => q.d === r.d);
      lines.push(`${`numpy ${t.threads} thread${t.threads > 1 ? 's' : ''} d=${r.d}`.padEnd(26)}${fmt(r.seconds_per_epoch).padStart(10)} s${fmt(r.cpu_seconds_per_epoch).padStart(10)} cpu-s` +
        (mine ? `${fmt(mine.cpu_seconds_per_epoch / r.cpu_seconds_per_epoch).padStart(9)}× per core (ours ${fmt(mine.cpu_seconds_per_epoch)} cpu-s)` : ''));
    }
  }
  return lines;
}
