// How often the page's "expected band of the sample mean" holds the sample mean it is drawn beside:
// replicate experiments at the sizes users run, the smallest included. Each replicate draws N nets
// (disjoint seeds), takes log10 of the sample mean of M_j/M_0 at several layers j, and checks it
// against the band the page draws for that setting (explorer/src/view.ts, the very same function).
//
// Gaussian weights use the exact law of (M_j) (lib/nn/theory.ts sampleGaussianLogLengths: K_j ~
// Bin(n_j, ½), M_j/M_{j−1} = c_j(2/n_j)χ²_{K_j}), which is the law of real nets at O(Σ n_j) per net;
// other laws run real nets (explorer/src/compute.ts on the wasm backend).
//
//   node explorer/coverage.js [--reps 400] [--out results/explorer-coverage]

import * as path from 'node:path';
import { Run } from './src/compute';
import { inArena, logMeanExp, Rng, sampleGaussianLogLengths } from './src/engine';
import { createBackend, defineCli, ensureOutDir, intFlag, main, parseCli, printTable, stringKey, writeCsv } from './src/engine-node';
import { CLI_LIMITS, DEFAULTS, resolve, type DenseConfig } from './src/settings';
import { theoryOf } from './src/view';

const COVERAGE_CLI = defineCli({
  name: 'explorer-coverage',
  summary: 'Coverage of the explorer\'s 95% band for the sample mean of M_j/M_0, by replicate experiments.',
  flags: { reps: intFlag('replicates per setting (each draws N nets)', { default: 400, min: 10 }) },
});

/** One architecture: constant width n, depth d, read at the listed layers, for each N. */
interface Case { readonly init: string; readonly width: number; readonly depth: number; readonly layers: number[]; readonly nets: number[] }

const CASES: Case[] = [
  ...[2, 5, 10, 30, 100].map((width) => ({ init: 'he_normal', width, depth: 100, layers: [1, 3, 10, 30, 100], nets: [1, 10, 100, 1000] })),
  { init: 'he_normal_x2', width: 10, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
  { init: 'glorot_normal', width: 10, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
  { init: 'he_uniform', width: 5, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
  { init: 'he_uniform', width: 30, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
  { init: 'glorot_uniform', width: 10, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
  { init: 'he_normal_truncated', width: 10, depth: 30, layers: [1, 10, 30], nets: [1, 10, 100] },
];

function config(c: Case, nets: number, seed: number): DenseConfig {
  const r = resolve({ ...DEFAULTS, profile: 'constant', width: String(c.width), depth: String(c.depth), n0: String(c.width), init: c.init, nets: String(nets), seed: String(seed) }, CLI_LIMITS);
  if (!r.ok || r.config.mode !== 'dense') throw new Error(`bad case ${JSON.stringify(c)}`);
  return r.config;
}

/** 95% Wilson interval of a binomial proportion. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054, p = k / n, den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den, half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [mid - half, mid + half];
}

function coverage(argv: readonly string[]): void {
  const args = parseCli(COVERAGE_CLI, argv);
  if (args === null) return;
  const out = ensureOutDir(args.out);
  const backend = createBackend('wasm');
  const rows: Record<string, number | string>[] = [];
  for (const c of CASES) {
    for (const N of c.nets) {
      const theory = theoryOf(config(c, N, 0), null);
      const logs = c.layers.map(() => new Float64Array(N));
      const inside = c.layers.map(() => 0), below = c.layers.map(() => 0);
      for (let rep = 0; rep < args.reps; rep++) {
        if (c.init === 'he_normal' || c.init === 'he_normal_x2' || c.init === 'glorot_normal') {
          const cfg = config(c, N, 0);
          const variances = cfg.widths.slice(1).map((n, j) => cfg.init.variance(cfg.widths[j], n));
          const rng = new Rng(args.seed, [stringKey(c.init), c.width, c.depth, N, rep]);
          for (let k = 0; k < N; k++) {
            const path = sampleGaussianLogLengths(rng, cfg.widths, variances);
            c.layers.forEach((j, i) => { logs[i][k] = path[j - 1]; });
          }
        } else {
          // Real nets: replicate rep takes the seeds [base + rep·N, base + (rep + 1)·N), disjoint from every other.
          const cfg = config(c, N, args.seed * 1e6 + rep * N);
          inArena(backend, () => {
            const run = new Run(cfg, backend, null);
            while (!run.finished) run.next();
            for (let k = 0; k < N; k++) c.layers.forEach((j, i) => { logs[i][k] = run.data.logM[k * c.depth + j - 1] - run.data.logM0[k]; });
          });
        }
        c.layers.forEach((j, i) => {
          const m = logMeanExp(logs[i]) * Math.LOG10E;
          if (m >= theory.bandLo[j - 1] && m <= theory.bandHi[j - 1]) inside[i]++;
          else if (m < theory.bandLo[j - 1]) below[i]++;
        });
      }
      c.layers.forEach((j, i) => {
        const [lo, hi] = wilson(inside[i], args.reps);
        rows.push({
          init: c.init, width: c.width, layer: j, beta: j / c.width, nets: N, reps: args.reps,
          coverage: inside[i] / args.reps, coverage_lo: lo, coverage_hi: hi,
          below: below[i] / args.reps, above: (args.reps - inside[i] - below[i]) / args.reps,
          band_width: theory.bandHi[j - 1] - theory.bandLo[j - 1],
        });
      });
      process.stderr.write(`coverage: ${c.init} n=${c.width} N=${N} done\n`);
    }
  }
  const columns = ['init', 'width', 'layer', 'beta', 'nets', 'reps', 'coverage', 'coverage_lo', 'coverage_hi', 'below', 'above', 'band_width'];
  writeCsv(path.join(out, 'coverage.csv'), columns, rows);
  printTable(columns, rows, { digits: 3 });
  process.stdout.write(`wrote ${path.join(out, 'coverage.csv')}\n`);
}

if (require.main === module) main(() => coverage(process.argv.slice(2)));
