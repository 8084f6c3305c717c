// How often the page's "expected band of the sample mean" holds the sample mean it is drawn beside:
// replicate experiments at the sizes users run, the smallest included. Each replicate draws N nets
// (disjoint seeds), takes log10 of the sample mean of M_j/M_0 at several layers j, and checks it
// against the band the page draws for that setting (explorer/src/view.ts, the very same function).
//
// Gaussian weights use the exact law of (M_j) (lib/nn/dense/theory.ts sampleGaussianLogLengths: K_j ~
// Bin(n_j, ½), M_j/M_{j−1} = c_j(2/n_j)χ²_{K_j}), which is the law of real nets at O(Σ n_j) per net;
// other laws run real nets (explorer/src/compute.ts on the wasm backend).
//
//   node explorer/coverage.js [--reps 400] [--out results/explorer-coverage]

import * as path from 'node:path';
import { Run } from './src/compute';
import { inArena, logMeanExp, Rng, sampleGaussianLogLengths } from './src/engine';
import { createBackend, defineCli, ensureOutDir, intFlag, main, parseCli, printTable, stringKey, writeCsv } from './src/engine-node';
import { CLI_LIMITS, DEFAULTS, resolve, type Config, type Settings } from './src/settings';
import { theoryOf } from './src/view';

const COVERAGE_CLI = defineCli({
  name: 'explorer-coverage',
  summary: 'Coverage of the explorer\'s 95% band for the sample mean of M_j/M_0, by replicate experiments.',
  flags: { reps: intFlag('replicates per setting (each draws N nets)', { default: 400, min: 10 }) },
});

/** One setting (the page's settings, N aside), read at the listed layers, for each N. */
interface Case {
  readonly settings: Partial<Settings>;
  readonly layers: number[];
  readonly nets: number[];
}

const dense = (init: string, width: number, depth: number, layers: number[], nets: number[]): Case =>
  ({ settings: { init, profile: 'constant', width: String(width), depth: String(depth), n0: String(width) }, layers, nets });
const residual = (n: number, eta: string, layers: number[]): Case =>
  ({ settings: { mode: 'residual', n: String(n), modules: String(Math.max(...layers)), hidden: String(n), conv: 'linear', eta, init: 'he_normal' }, layers, nets: [1, 10, 100] });

const CASES: Case[] = [
  ...[2, 5, 10, 30, 100].map((width) => dense('he_normal', width, 100, [1, 3, 10, 30, 100], [1, 10, 100, 1000])),
  ...['he_normal_x2', 'glorot_normal', 'glorot_uniform', 'he_normal_truncated'].map((init) => dense(init, 10, 30, [1, 10, 30], [1, 10, 100])),
  dense('he_uniform', 5, 30, [1, 10, 30], [1, 10, 100]),
  dense('he_uniform', 30, 30, [1, 10, 30], [1, 10, 100]),
  // Residual nets, linear modules, Gaussian weights: the only residual band (THEORY.md §7.3).
  residual(4, 'inv', [1, 10, 30]), residual(16, 'inv', [1, 10, 30]), residual(16, 'const:0.5', [1, 10, 30]), residual(4, 'const:1', [1, 10, 30]),
];

/** The law sampler is exact for Gaussian dense nets with zero biases; everything else runs real nets. */
const EXACT_LAW = new Set(['he_normal', 'he_normal_x2', 'glorot_normal']);

function config(c: Case, nets: number, seed: number): Config {
  const r = resolve({ ...DEFAULTS, ...c.settings, nets: String(nets), seed: String(seed) }, CLI_LIMITS);
  if (!r.ok) throw new Error(`bad case ${JSON.stringify(c.settings)}: ${r.problems.map((p) => p.message).join('; ')}`);
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
      const first = config(c, N, 0);
      const theory = theoryOf(first, null);
      const logs = c.layers.map(() => new Float64Array(N));
      const inside = c.layers.map(() => 0), below = c.layers.map(() => 0);
      for (let rep = 0; rep < args.reps; rep++) {
        if (first.mode === 'dense' && EXACT_LAW.has(first.initId)) {
          const variances = first.widths.slice(1).map((n, j) => first.init.variance(first.widths[j], n));
          const rng = new Rng(args.seed, [stringKey(first.initId), first.widths[1], first.depth, N, rep]);
          for (let k = 0; k < N; k++) {
            const path = sampleGaussianLogLengths(rng, first.widths, variances);
            c.layers.forEach((j, i) => { logs[i][k] = path[j - 1]; });
          }
        } else {
          // Real nets: replicate rep takes the seeds [base + rep·N, base + (rep + 1)·N), disjoint from every other.
          const cfg = config(c, N, args.seed * 1e6 + rep * N);
          inArena(backend, () => {
            const run = new Run(cfg, backend, null);
            while (!run.finished) run.next();
            // Residual nets with x_0 = 0 are left out, as on the page (P = 2^{−n}).
            for (let k = 0; k < N; k++) c.layers.forEach((j, i) => { logs[i][k] = run.data.logM[k * cfg.depth + j - 1] - run.data.logM0[k]; });
          });
        }
        c.layers.forEach((j, i) => {
          const m = logMeanExp(logs[i].filter((v) => !Number.isNaN(v))) * Math.LOG10E;
          if (m >= theory.bandLo[j - 1] && m <= theory.bandHi[j - 1]) inside[i]++;
          else if (m < theory.bandLo[j - 1]) below[i]++;
        });
      }
      c.layers.forEach((j, i) => {
        const [lo, hi] = wilson(inside[i], args.reps);
        rows.push({
          mode: first.mode, init: first.initId, width: first.mode === 'dense' ? first.widths[1] : first.width,
          schedule: first.mode === 'residual' ? first.schedule : '', layer: j, nets: N, reps: args.reps,
          p_dead: theory.pDead[j - 1], trusted: j <= theory.bandTrusted ? 1 : 0,
          coverage: inside[i] / args.reps, coverage_lo: lo, coverage_hi: hi,
          below: below[i] / args.reps, above: (args.reps - inside[i] - below[i]) / args.reps,
          band_width: theory.bandHi[j - 1] - theory.bandLo[j - 1],
        });
      });
      process.stderr.write(`coverage: ${JSON.stringify(c.settings)} N=${N} done\n`);
    }
  }
  // The rule the page uses, checked against the measurements: coverage where it says "trusted".
  const trusted = rows.filter((r) => r.trusted === 1).map((r) => r.coverage as number);
  const other = rows.filter((r) => r.trusted === 0).map((r) => r.coverage as number);
  const columns = ['mode', 'init', 'width', 'schedule', 'layer', 'nets', 'reps', 'p_dead', 'trusted', 'coverage', 'coverage_lo', 'coverage_hi', 'below', 'above', 'band_width'];
  writeCsv(path.join(out, 'coverage.csv'), columns, rows);
  printTable(columns, rows, { digits: 3 });
  const range = (xs: number[]) => xs.length === 0 ? 'none' : `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)}`;
  process.stdout.write(`nominal 0.95; where the page draws the band (trusted, ${trusted.length} rows): ${range(trusted)}; where it draws it faint (${other.length} rows): ${range(other)}\n`);
  process.stdout.write(`wrote ${path.join(out, 'coverage.csv')}\n`);
}

if (require.main === module) main(() => coverage(process.argv.slice(2)));
