// Measures how often the two intervals for E[M_d/M_0] cover the exact mean (THEORY.md §8.1, (8.2)) at
// the sizes users run: Cox's log-normal interval, which conv (a) published first and whose centre is
// biased low in conv nets (README, conv (a)), and the bootstrap-t of the plain sample mean (§10.9), which
// conv (a) publishes now, as grad (a) does. This is the evidence for that change. Prints a Markdown table.
//
//   node bench/conv-coverage.js [--filter <text in the case name>] [--backend wasm|reference] [--seed 1]

import { BOOTSTRAP_KEY, ConvReluNet, convTraceForward, createBackend, initializerById, log10ConvMeanRatio, logBootstrapTInterval, logNormalMeanInterval, randomUnitInput, Rng, uniformStack, type Backend } from '../lib';
import { backendFlag, defineCli, main, parseCli, Progress, seedFlag, UsageError } from '../lib/experiments';

const CLI = defineCli({
  name: 'bench/conv-coverage',
  summary: 'Coverage of the exact conv mean by Cox\'s interval and by the bootstrap-t of the sample mean (replicate experiments), as a Markdown table.',
  kind: 'tool',
  flags: {
    filter: { help: 'run only the cases whose name contains this text', metavar: 'TEXT', default: '', parse: (t: string) => t },
    backend: backendFlag(),
    seed: seedFlag(1),
  },
});

interface Case { readonly init: string; readonly depth: number; readonly size: number; readonly nets: number; readonly replicates: number }

/** conv quick: 3×8×8 unit inputs, 3×3 same, channels = depth, 200 nets; then 1000 nets, and the paper's 3×16×16. */
const CASES: readonly Case[] = [
  { init: 'he_normal', depth: 5, size: 8, nets: 200, replicates: 400 },
  { init: 'he_normal', depth: 10, size: 8, nets: 200, replicates: 400 },
  { init: 'he_normal_truncated', depth: 10, size: 8, nets: 200, replicates: 400 },
  { init: 'he_normal', depth: 20, size: 8, nets: 200, replicates: 400 },
  { init: 'he_normal', depth: 10, size: 8, nets: 1000, replicates: 200 },
  // conv paper: 3×16×16, 1000 nets, depths 10–50 (the two shallowest; deeper ones cost hours per case).
  { init: 'he_normal', depth: 10, size: 16, nets: 1000, replicates: 200 },
  { init: 'he_normal', depth: 20, size: 16, nets: 1000, replicates: 200 },
];
const name = (c: Case) => `${c.init}, 3×${c.size}×${c.size}, depth = channels = ${c.depth}, N = ${c.nets}`;

interface Hits { covered: number; below: number; above: number }

function measure(c: Case, seed: number, backend: Backend): { cox: Hits; boot: Hits } {
  const layers = uniformStack(c.depth, { outChannels: c.depth, kh: 3, kw: 3, stride: 1, padding: 'same' });
  const net = new ConvReluNet([3, c.size, c.size], layers, initializerById(c.init), { backend, dtype: 'float64' });
  const truth = log10ConvMeanRatio(net.geometries, net.gains()) / Math.LOG10E; // ln E[R]
  const cox: Hits = { covered: 0, below: 0, above: 0 }, boot: Hits = { covered: 0, below: 0, above: 0 };
  const tally = (h: Hits, lo: number, hi: number) => { if (truth < lo) h.below++; else if (truth > hi) h.above++; else h.covered++; };
  const logs = new Float64Array(c.nets);
  // A paper-size case runs for tens of minutes: progress on stderr, one tick per replicate.
  const progress = new Progress({ label: `replicates of ${name(c)}`, total: c.replicates, already: 0, stream: process.stderr, lineEvery: 60 });
  for (let r = 0; r < c.replicates; r++) {
    for (let k = 0; k < c.nets; k++) {
      const rng = new Rng(seed, [r, k], backend);
      net.initialize(rng);
      logs[k] = convTraceForward(net, randomUnitInput(rng, 3 * c.size * c.size, 'float64'), false).logRatio;
    }
    tally(cox, ...logNormalMeanInterval(logs));
    // The resampling stream [r, BOOTSTRAP_KEY] stays apart from the nets' streams [r, k].
    const b = logBootstrapTInterval(logs, new Rng(seed, [r, BOOTSTRAP_KEY]));
    tally(boot, b.logLo, b.logHi);
    progress.tick();
  }
  progress.finish();
  return { cox, boot };
}

function run(argv: readonly string[]): void {
  const args = parseCli(CLI, argv);
  if (args === null) return;
  const cases = CASES.filter((c) => name(c).includes(args.filter));
  if (cases.length === 0) throw new UsageError(`--filter '${args.filter}' matches no case`);
  const backend = createBackend(args.backend);
  const cell = (h: Hits, n: number) => `${(100 * h.covered / n).toFixed(1)} (${(100 * h.below / n).toFixed(1)} / ${(100 * h.above / n).toFixed(1)})`;
  const lines = ['| case | replicates | ±2se at 95% | Cox % (below / above) | bootstrap-t % (below / above) |', '|---|---|---|---|---|'];
  for (const c of cases) {
    const started = Date.now();
    const { cox, boot } = measure(c, args.seed, backend);
    const line = `| ${name(c)} | ${c.replicates} | ${(200 * Math.sqrt(0.95 * 0.05 / c.replicates)).toFixed(1)} | ${cell(cox, c.replicates)} | ${cell(boot, c.replicates)} |`;
    lines.push(line);
    process.stderr.write(`${line} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (require.main === module) main(() => run(process.argv.slice(2)));
