// The explorer's view on the command line: the same settings as the page's URL, as flags of the same
// names, and the same CSV as the page's "CSV" button, computed by the same code. The page prints the
// command that reproduces its view.
//
//   node explorer/cli.js --mode dense --profile constant --width 100 --depth 100 --nets 1000 --seed 1 --out results/explorer

import * as path from 'node:path';
import { Run, mnistInput } from './src/compute';
import { createBackend, defineCli, ensureOutDir, main, parseCli, Progress, stringFlag, UsageError, writeCsv } from './src/engine-node';
import { testImage } from './src/mnist';
import { CLI_LIMITS, DEFAULTS, HELP, KEYS, resolve, weightCount, type Key, type Settings } from './src/settings';
import { layerStats, summaryOf, theoryOf, viewColumns, viewRows } from './src/view';

/** Every setting but the seed (a common flag of every script) is a string flag named like its URL key. */
const FLAG_KEYS = KEYS.filter((k): k is Exclude<Key, 'seed'> => k !== 'seed');

const EXPLORER_CLI = defineCli({
  name: 'explorer',
  summary: 'The trace explorer\'s view of N random nets: per layer the quantiles of log10(M_j/M_0), the sample mean and its band, one net\'s records (view.csv).',
  flags: Object.fromEntries(FLAG_KEYS.map((k) => [k, stringFlag(HELP[k], { default: DEFAULTS[k] })])) as Record<Exclude<Key, 'seed'>, ReturnType<typeof stringFlag>>,
});

function explorer(argv: readonly string[]): void {
  const args = parseCli(EXPLORER_CLI, argv);
  if (args === null) return;
  const settings = { seed: String(args.seed) } as Settings;
  for (const k of FLAG_KEYS) settings[k] = args[k];
  const r = resolve(settings, CLI_LIMITS);
  if (!r.ok) throw new UsageError(r.problems.map((p) => `--${p.key}: ${p.message}`).join('; '));
  const c = r.config;
  const out = ensureOutDir(args.out);
  let input: Float64Array | null = null;
  if (c.input.kind === 'mnist') {
    try { input = mnistInput(testImage(c.input.index).pixels); } catch (err) { throw new UsageError(`--image: ${(err as Error).message}`); }
  }
  let backend;
  try { backend = createBackend(c.backend); } catch (err) { throw new UsageError(`--backend: ${(err as Error).message}`); }
  const run = new Run(c, backend, input);
  process.stderr.write(`explorer: ${c.nets} nets of ${c.depth} ${c.mode === 'dense' ? 'layers' : 'modules'}, ${(weightCount(c) * c.nets).toExponential(2)} weights to draw on ${c.backend}\n`);
  const progress = new Progress({ label: 'explorer', total: c.nets, already: 0, stream: process.stderr });
  while (!run.finished) { run.next(); progress.tick(); }
  progress.finish();
  const theory = theoryOf(c, input), stats = layerStats(run.data, c), summary = summaryOf(run.data, stats);
  const records = run.records(c.net);
  const file = path.join(out, 'view.csv');
  writeCsv(file, viewColumns(records), viewRows(c, theory, stats, records));
  const d = c.depth, f = (v: number) => v.toPrecision(6);
  process.stdout.write(c.mode === 'dense'
    ? `β = ${f(theory.beta)}; FM1 rate log10 c per layer: theory ${f(theory.rate)}, fitted to the sample mean ${f(summary.slopeMean)}\n`
      + `log10(M_d/M_0) over live nets: mean ${f(summary.lastMean)} (theory ${f(theory.lastMean)}), sd ${f(summary.lastSd)} (theory ${f(theory.lastSd)})\n`
      + `dead nets: ${summary.deadFraction * c.nets} of ${c.nets} (exact probability ${f(theory.pDead[d - 1])})\n`
    : `κ = ${f(theory.kappa)}, Σ η = ${f(theory.sumEta)}, Σ η² = ${f(theory.sumEta2)}; log10(M_L/M_0): mean ${f(summary.lastMean)}, sd ${f(summary.lastSd)}; `
      + `x_0 = 0 in ${summary.deadFraction * c.nets} of ${c.nets} nets\n`);
  process.stdout.write(`wrote ${file}\n`);
}

if (require.main === module) main(() => explorer(process.argv.slice(2)));
