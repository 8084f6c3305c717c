// Helpers shared by the benchmarks: medians, timing, the machine's load, atomic JSON output and the
// Python peers (Debian's python3-torch under /usr/bin/python3, never the pyenv python on PATH, which
// has no torch).

import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The 1, 5 and 15 minute load averages, rounded: other jobs share this machine, so every figure carries them. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg();
  return [Number(a.toFixed(2)), Number(b.toFixed(2)), Number(c.toFixed(2))];
}

export function machine(): { node: string; cpu: string; cores: number } {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
}

/** Wall and CPU seconds of one call. CPU time is what this process got, so it is far less sensitive to other jobs than wall time. */
export function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export const BENCH_JSON = join(process.cwd(), 'bench.json');

export const PYTHON = '/usr/bin/python3';

/** Why the PyTorch peers cannot run here, or null when they can. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} has no torch (apt-get install python3-torch)`;
}

/** Runs one Python peer under bench/ and parses the JSON object it prints last. */
export function runPython<T>(script: string, args: readonly string[]): T {
  const r = spawnSync(PYTHON, [join(__dirname, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}
