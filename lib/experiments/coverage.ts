// Coverage of every interval and band the length figures publish, measured by replicate experiments
// (THEORY.md §4.10 holds the table of a --preset paper run). Each replicate reruns a figure's own cell
// with a fresh seed; a 95% interval should cover the truth in 95% of replicates, within the binomial
// standard error √(0.95·0.05/R) (0.0069 at R = 1000, so 0.90 sits 7 standard errors below).
//
//   node lib/experiments/coverage.js [--preset quick|paper] [--families dense,sampler,residual,conv] [--replicates R]
//
// Data path: this script → runner → replicates.ts (a chunk of replicates) → lengths.ts, residual-lengths.ts,
// conv-lengths.ts (the figures' cells) or the exact Gaussian sampler (nn/dense/estimators.ts).

import * as path from 'node:path';
import { defineCli, enumListFlag, intFlag, intListFlag, main, parseCli, type Flag } from './cli/cli';
import { schedulesFlag } from './cli/residual';
import { constantWidths } from '../nn/profiles';
import { writeCsv } from './out/files';
import { backendFlag } from './cli/flags';
import { experimentScript } from './cli/script';
import { printWritten, writeRunRecord } from './out/record';
import { bandTask, planBands } from './cells/band';
import { coverageOf, replicatesTask, type ReplicateConfig, type ReplicateParams } from './cells/replicates';
import type { Cell } from './run/runner';
import { printTable } from './out/table';

const FAMILIES = ['dense', 'sampler', 'residual', 'conv'] as const;
type Family = (typeof FAMILIES)[number];

const familiesFlag: Flag<Family[]> = enumListFlag(FAMILIES, 'what to replicate, comma separated (sampler: the exact Gaussian law at sizes real nets cannot reach)',
  { default: [...FAMILIES], noun: 'family' });

const COVERAGE_CLI = defineCli({
  name: 'coverage',
  summary: 'Measured coverage of the 95% intervals and bands that fig1 (a), fig3 (a) and conv (a, b) publish, by replicate experiments.',
  flags: {
    families: familiesFlag,
    replicates: intFlag('replicate experiments per configuration (dense real nets and the sampler)', { min: 20 }),
    'small-replicates': intFlag('replicate experiments per configuration for residual and conv nets (slower nets)', { min: 20 }),
    chunk: intFlag('replicates per cell (progress and resume granularity)', { default: 50, min: 1 }),
    widths: intListFlag('widths (= depths) of the dense configurations, real nets', { default: [10, 20, 50] }),
    'sampler-widths': intListFlag('widths (= depths) run with the exact Gaussian law', { default: [10, 20, 50, 100] }),
    'sampler-nets': intListFlag('nets per experiment with the exact Gaussian law (fig1 quick: 100, paper: 1000)', { default: [100, 1000] }),
    nets: intFlag('nets per experiment, dense real nets (fig1 quick: 100)', { default: 100, min: 2 }),
    'band-replicates': intFlag('simulated experiments behind each sample-mean band (as fig1 --band-replicates)', { default: 1000, min: 100 }),
    'residual-width': intFlag('stream width n of the residual configurations, and of each module\'s hidden layer (fig3 quick: 32, paper: 100)', { default: 32, min: 2 }),
    'residual-nets': intFlag('nets per experiment, residual configurations (fig3 quick: 200, paper: 1000)', { default: 200, min: 2 }),
    'residual-schedules': { ...schedulesFlag, default: ['const:1', 'inv'] },
    'conv-size': intFlag('height = width of the conv configurations\' 3-channel unit input (conv quick: 8, paper: 16)', { default: 8, min: 3 }),
    'conv-depths': intListFlag('depths (= channels) of the conv configurations', { default: [5, 10] }),
    'conv-nets': intFlag('nets per experiment, conv configurations (conv quick: 200, paper: 1000)', { default: 200, min: 2 }),
    backend: backendFlag(),
  },
  presets: {
    quick: { replicates: 200, 'small-replicates': 100 },
    paper: { replicates: 1000, 'small-replicates': 400 },
  },
  defaultPreset: 'quick',
});

type Args = NonNullable<ReturnType<typeof parseCli<typeof COVERAGE_CLI.flags>>>;

/** The configurations, each with its label and replicate count. */
function configurations(a: Args): { label: string; config: ReplicateConfig; replicates: number }[] {
  const out: { label: string; config: ReplicateConfig; replicates: number }[] = [];
  if (a.families.includes('dense')) {
    for (const init of ['he_normal', 'he_uniform', 'he_normal_truncated']) {
      for (const w of a.widths) {
        out.push({ label: `fig1a real nets, ${init}, width = depth = ${w}, N = ${a.nets}`, config: { kind: 'dense', init, width: w, depth: w, nets: a.nets }, replicates: a.replicates });
      }
    }
  }
  if (a.families.includes('sampler')) {
    for (const nets of a['sampler-nets']) {
      for (const w of a['sampler-widths']) {
        out.push({ label: `fig1a exact Gaussian law, width = depth = ${w}, N = ${nets}`, config: { kind: 'dense_sampler', width: w, depth: w, nets }, replicates: a.replicates });
      }
    }
  }
  if (a.families.includes('residual')) {
    // fig3 quick runs n = 32 with one hidden layer of 32 per module, 200 nets, L up to 200 (paper: 100,
    // 1000 nets); the replicates stop at L = 50 (cost), by default with the schedules of largest and of
    // moderate spread.
    const n = a['residual-width'], nets = a['residual-nets'];
    for (const convention of ['linear', 'relu'] as const) {
      for (const schedule of a['residual-schedules']) {
        out.push({
          label: `fig3a ${convention} ${schedule}, n = ${n}, module ${n}, N = ${nets}`,
          config: { kind: 'residual', convention, schedule, width: n, hidden: [n], modules: [1, 5, 20, 50], init: 'he_normal', nets },
          replicates: a['small-replicates'],
        });
      }
    }
  }
  if (a.families.includes('conv')) {
    // conv quick runs 3×8×8 unit inputs, 3×3 'same', channels = depth 5..30, 200 nets: by default the
    // smallest two (paper: 3×16×16, depths 10..50, 1000 nets).
    const size = a['conv-size'], nets = a['conv-nets'];
    for (const d of a['conv-depths']) {
      out.push({
        label: `conv a/b, he_normal, 3×${size}×${size} input, 3×3 same, channels = depth = ${d}, N = ${nets}`,
        config: { kind: 'conv', init: 'he_normal', depth: d, channels: d, size, inChannels: 3, kernel: 3, padding: 'same', nets },
        replicates: a['small-replicates'],
      });
    }
  }
  return out;
}

const COLUMNS = ['configuration', 'series', 'replicates', 'covered', 'coverage', 'se_nominal', 'z', 'point_inside', 'truth', 'truth_value'] as const;

export const COVERAGE = experimentScript(COVERAGE_CLI, async (args, session) => {
  const configs = configurations(args);
  const started = Date.now();
  // The bands fig1 publishes for the sample mean, one per (width profile, N, law), computed as fig1 does.
  const dense = configs.map((c) => c.config).filter((c): c is Extract<ReplicateConfig, { kind: 'dense' | 'dense_sampler' }> => c.kind === 'dense' || c.kind === 'dense_sampler');
  const plans = [...new Set(dense.map((c) => c.nets))].map((nets) => {
    const mine = dense.filter((c) => c.nets === nets);
    return { mine, ...planBands(mine.map((c) => ({ widths: constantWidths(c.width, c.width, c.depth), init: c.kind === 'dense' ? c.init : 'he_normal' })), nets, args['band-replicates'], args.seed) };
  });
  const bandOutcome = await session.run({ name: 'coverage_band', task: bandTask, cells: plans.flatMap((p) => p.cells) });
  const bands = new Map(bandOutcome.results.map((r) => [r.key, { lo: r.result.lo, hi: r.result.hi }]));
  const bandOf = (c: ReplicateConfig) => {
    for (const p of plans) { const i = p.mine.indexOf(c as (typeof p.mine)[number]); if (i >= 0) return bands.get(p.plans[i].key) ?? null; }
    return null;
  };
  // While the plan is made the bands are not known yet; the cells are priced the same without them.
  const cells: Cell<ReplicateParams & { backend: string }, { readonly config: number }>[] = [];
  configs.forEach((c, i) => {
    for (let first = 0; first < c.replicates; first += args.chunk) {
      cells.push({ key: `config=${i}/first=${first}`, params: { config: c.config, first, count: Math.min(args.chunk, c.replicates - first), seed: args.seed, band: bandOutcome.complete ? bandOf(c.config) : null, backend: args.backend }, meta: { config: i } });
    }
  });
  const outcome = bandOutcome.complete || session.planning ? await session.run({ name: 'coverage', task: replicatesTask, cells }) : null;
  if (!bandOutcome.complete || outcome === null || !outcome.complete) return;
  const rows = configs.flatMap((c, i) => coverageOf(outcome.results.filter((r) => r.meta.config === i).map((r) => r.result))
    .map((cov) => ({ configuration: c.label, ...cov })));
  writeCsv(path.join(args.out, 'coverage.csv'), COLUMNS, rows);
  const { seconds } = writeRunRecord(args.out, 'coverage', args, { started, cellSeconds: outcome.results.reduce((s, r) => s + r.result.seconds, 0), plots: [] });
  session.stdout.write('\nCoverage of the published 95% intervals and bands (THEORY.md §4.10): covered/replicates, z = (coverage − 0.95)/√(0.95·0.05/R);\n'
    + 'point_inside: replicates whose point lies in its own interval; truth: exact theory, or pooled = the grand mean of every replicate\'s nets\n');
  printTable(['configuration', 'series', 'replicates', 'covered', 'coverage', 'z', 'point_inside', 'truth'], rows, { digits: 3, stream: session.stdout });
  printWritten(args.out, { seconds, files: ['coverage.csv', 'coverage.json'] }, session.stdout);
});

if (require.main === module) main(() => COVERAGE.main(process.argv.slice(2)));
