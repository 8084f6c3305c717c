// Matmul speed of registry backends, in GFLOP/s (2·m·n·k flops per product), median of timed runs
// after one warm-up run (which also compiles gpu.js kernels).
//
//   node bench/matmul-backends.js [--backend gpujs:webasm,gpujs:cpu] [--shape 1024x256x256,...]
//                                 [--dtype float32] [--seconds 1] [--json out.json]
//
// A shape is m×k×n: A is m×k, B is k×n (1024x256x256 is a batch of 1024 through a 256→256 layer).

import { type DType, availableBackends, createBackend, ReferenceBackend, seedState } from '../lib';
import { writeFileSync } from 'node:fs';
import { defineCli, enumFlag, floatFlag, main as runMain, outputFileFlag, parseCli, stringFlag, UsageError } from '../lib/experiments';

interface Row {
  backend: string;
  mode?: string;
  shape: string;
  dtype: DType;
  gflops: number;
  medianMs: number;
  runs: number;
}

function parseShape(text: string): [number, number, number] {
  const parts = text.split('x').map(Number);
  if (parts.length !== 3 || !parts.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new UsageError(`--shape wants m x k x n as positive integers like 1024x256x256, got '${text}'`);
  }
  return [parts[0], parts[1], parts[2]];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const MATMUL_BACKENDS_CLI = defineCli({
  name: 'matmul-backends',
  kind: 'tool',
  summary: 'Matmul GFLOP/s of registry backends (median of timed runs after a warm-up).',
  flags: {
    backend: stringFlag('comma list of backend names (default: every available one)', { default: '', metavar: 'LIST' }),
    shape: stringFlag('comma list of shapes m x k x n', { default: '1024x256x256,1024x784x100', metavar: 'LIST' }),
    dtype: enumFlag(['float32', 'float64'] as const, 'dtype', { default: 'float32' }),
    seconds: floatFlag('seconds of timed runs per shape', { default: 1, above: 0 }),
    json: outputFileFlag('also write the rows as JSON to this file'),
  },
});

function main(): void {
  const values = parseCli(MATMUL_BACKENDS_CLI, process.argv.slice(2));
  if (values === null) return;
  const dtype: DType = values.dtype;
  const seconds = values.seconds;
  const specs = values.backend !== '' ? values.backend.split(',') : availableBackends();
  const shapes = values.shape.split(',').map(parseShape);

  const rows: Row[] = [];
  const fill = new ReferenceBackend();
  for (const spec of specs) {
    const backend = createBackend(spec);
    const mode = 'mode' in backend ? String(backend.mode) : undefined;
    for (const [m, k, n] of shapes) {
      const state = seedState(1, m, k, n);
      const a = backend.alloc(dtype, m * k), b = backend.alloc(dtype, k * n), c = backend.alloc(dtype, m * n);
      fill.fillNormal(state, a, 0, 1);
      fill.fillNormal(state, b, 0, 1);
      backend.matmul(a, b, c, m, n, k); // warm-up and compile
      const times: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      while (times.length < 3 || (performance.now() < deadline && times.length < 1000)) {
        const t0 = performance.now();
        backend.matmul(a, b, c, m, n, k);
        times.push(performance.now() - t0);
      }
      const ms = median(times);
      const row: Row = { backend: spec, mode, shape: `${m}x${k}x${n}`, dtype, gflops: (2 * m * n * k) / (ms * 1e6), medianMs: ms, runs: times.length };
      rows.push(row);
      console.log(`${spec.padEnd(18)} ${(mode ?? '').padEnd(10)} ${row.shape.padEnd(14)} ${dtype}  ${row.gflops.toFixed(3).padStart(9)} GFLOP/s  (median ${ms.toFixed(2)} ms of ${times.length})`);
    }
    backend.dispose?.();
  }
  if (values.json !== null) writeFileSync(values.json, JSON.stringify(rows, null, 2) + '\n');
}

runMain(main);
