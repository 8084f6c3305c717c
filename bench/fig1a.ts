// Figure 1(a) throughput: nets per second for one cell at width = depth = 100 (He normal, every weight
// drawn, one random unit input, M_d kept), which is lib/experiments/cells/lengths.ts's inner loop, and the
// paper-scale run itself (node lib/experiments/fig1.js --part a --preset paper) when asked for.
//
//   node bench/fig1a.js [--backends wasm,reference] [--nets 60] [--paper]

import { type Backend, createBackend } from '../lib';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boolFlag, defineCli, intFlag, main as runMain, parseCli, runLengthCell, stringFlag } from '../lib/experiments';
import { loadAverage, median, timed } from './common';

export const FIG1A_DEPTH = 100;
/** The paper's grid: six initializations × depths 10..100 × 1,000 nets, width = depth. */
export const PAPER_DEPTHS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;
/**
 * Drawing the d² weights of each of d layers dominates a net's cost (the gemv is O(d²) per layer as
 * well, but 20× cheaper), so a net of depth d costs (d/100)³ nets of depth 100: the paper's grid is
 * 6000·Σ(d/100)³ = 18,150 nets at d = 100. Uniform and truncated laws differ a little from the
 * normal's cost; the real run (--paper) measures that.
 */
export const PAPER_NET_EQUIVALENTS = 6 * 1000 * PAPER_DEPTHS.reduce((s, d) => s + (d / FIG1A_DEPTH) ** 3, 0);

export interface Fig1aRate {
  backend: string;
  dtype: 'float64';
  depth: number;
  width: number;
  nets: number;
  seconds: number;
  cpu_seconds: number;
  nets_per_second: number;
  nets_per_cpu_second: number;
  /** PAPER_NET_EQUIVALENTS / nets_per_second: the paper grid on one core at this rate. */
  paper_seconds_one_core: number;
}

function cell(backend: Backend, nets: number, seed: number): void {
  runLengthCell({ init: 'he_normal', widths: new Array<number>(FIG1A_DEPTH + 1).fill(FIG1A_DEPTH), nets, seed, input: null }, backend);
}

/**
 * Nets per second of each backend on one thread. Repetitions alternate between the backends, so a
 * change in the machine's load hits them alike; the figure is the median repetition.
 */
export function measureFig1a(specs: readonly { backend: string; nets: number }[], repetitions: number): Fig1aRate[] {
  const runs = specs.map((s) => ({ ...s, b: createBackend(s.backend), walls: [] as number[], cpus: [] as number[] }));
  // Warm-up: wasm tier-up and the JIT. Too short a warm-up read 40 % low in --quick runs.
  for (const r of runs) cell(r.b, Math.max(5, Math.ceil(r.nets / 4)), 99);
  for (let i = 0; i < repetitions; i++) {
    for (const r of runs) {
      const t = timed(() => cell(r.b, r.nets, 1000 + i));
      r.walls.push(t.wall);
      r.cpus.push(t.cpu);
    }
  }
  return runs.map((r) => {
    const seconds = median(r.walls), cpu = median(r.cpus), rate = r.nets / seconds;
    return {
      backend: r.backend, dtype: 'float64', depth: FIG1A_DEPTH, width: FIG1A_DEPTH, nets: r.nets, seconds, cpu_seconds: cpu,
      nets_per_second: rate, nets_per_cpu_second: r.nets / cpu, paper_seconds_one_core: PAPER_NET_EQUIVALENTS / rate,
    };
  });
}

export interface PaperRun { command: string; workers: number; wall_seconds: number; cpu_seconds: number | null; load_before: number[]; load_after: number[] }

/** The real paper-scale Figure 1(a) run, as a child process; wall and (through /usr/bin/time) CPU seconds. */
export function runPaperFig1a(workers = 2): PaperRun {
  const out = mkdtempSync(join(tmpdir(), 'bench-fig1a-'));
  const args = [join(__dirname, '..', 'lib', 'experiments', 'fig1.js'), '--part', 'a', '--preset', 'paper', '--workers', String(workers), '--out', out];
  const time = existsSync('/usr/bin/time');
  const loadBefore = loadAverage();
  const t0 = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`fig1.js exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    command: `node lib/experiments/fig1.js --part a --preset paper --workers ${workers}`, workers,
    wall_seconds: Number(wall.toFixed(2)), cpu_seconds: m ? Number((Number(m[2]) + Number(m[3])).toFixed(2)) : null,
    load_before: loadBefore, load_after: loadAverage(),
  };
}

const FIG1A_BENCH_CLI = defineCli({
  name: 'fig1a-bench',
  kind: 'tool',
  summary: 'Figure 1(a) throughput: nets per second at width = depth = 100, and optionally the paper-scale run.',
  flags: {
    backends: stringFlag('comma list of backends', { default: 'wasm,reference', metavar: 'LIST' }),
    nets: intFlag('nets per timing (the reference backend gets a tenth)', { default: 60, min: 1 }),
    paper: boolFlag('also run the paper-scale Figure 1(a) once and time it'),
  },
});

function main(): void {
  const values = parseCli(FIG1A_BENCH_CLI, process.argv.slice(2));
  if (values === null) return;
  const nets = values.nets;
  // The reference backend is about 10× slower; it gets a tenth of the nets.
  const specs = values.backends.split(',').map((b) => ({ backend: b, nets: b === 'reference' ? Math.max(2, Math.round(nets / 10)) : nets }));
  const result: { rates: Fig1aRate[]; paper?: PaperRun } = { rates: measureFig1a(specs, 3) };
  if (values.paper) result.paper = runPaperFig1a(2);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

if (require.main === module) runMain(main);
