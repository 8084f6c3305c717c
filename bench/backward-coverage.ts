// Measures the coverage of the mean_sq_jacobian interval (THEORY.md §10.9) at the sizes users run and
// prints the Markdown table; each case's row also goes to stderr as it finishes (a run of all cases
// takes about 15 minutes on one core with the wasm backend).
//
//   node bench/backward-coverage.js [--filter <text in the case name>] [--backend wasm|reference] [--seed 1]

import { createBackend, measureMeanSqCoverage, profileForBeta, type CoverageCase, type CoverageRow, type WidthFamily } from '../lib';
import { backendFlag, defineCli, main, parseCli, seedFlag, UsageError } from '../lib/experiments';

const CLI = defineCli({
  name: 'bench/backward-coverage',
  summary: 'The coverage of the mean_sq_jacobian interval by replicate experiments (THEORY.md §10.9), as a Markdown table.',
  kind: 'tool',
  flags: {
    filter: { help: 'run only the cases whose name contains this text', metavar: 'TEXT', default: '', parse: (t: string) => t },
    backend: backendFlag(),
    seed: seedFlag(1),
  },
});

/** Figure 2's family at depth 10 and target β, from the 784 inputs of vectorized MNIST. */
function fig2(family: WidthFamily, b: number, init: string, nets: number, replicates: number): CoverageCase {
  const p = profileForBeta(family, 10, b);
  return { name: `${family} β=${b} [784, ${p.hidden.join(', ')}]`, widths: [784, ...p.hidden], init, nets, replicates };
}

/** The study of THEORY.md §10.9: users' sizes, smallest widths included. */
export function studyCases(): CoverageCase[] {
  const out: CoverageCase[] = [];
  const small = (n: number, d: number, nets: number, R: number): CoverageCase =>
    ({ name: `width ${n} depth ${d} (n_0 = ${n})`, widths: new Array(d + 1).fill(n), init: 'he_normal', nets, replicates: R });
  for (const nets of [20, 100, 1000]) out.push(small(10, 10, nets, 400));
  out.push(small(5, 10, 100, 400), small(5, 10, 1000, 400));
  for (const b of [0.1, 0.25, 0.5, 1, 2]) out.push(fig2('constant', b, 'he_normal', 100, b === 0.1 ? 200 : 400));
  for (const b of [0.5, 1, 2]) out.push(fig2('constant', b, 'he_normal', 1000, 200));
  for (const f of ['increasing', 'decreasing', 'alternating', 'bottleneck'] as const) {
    out.push(fig2(f, 2, 'he_normal', 100, 400), fig2(f, 2, 'he_normal', 1000, 200));
  }
  for (const init of ['he_uniform', 'he_normal_truncated']) {
    for (const b of [0.5, 2]) out.push(fig2('constant', b, init, 100, 400), fig2('constant', b, init, 1000, 200));
  }
  return out;
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The coverage table as Markdown (THEORY.md §10.9 prints it). */
export function coverageTable(rows: readonly CoverageRow[]): string {
  const lines = [
    '| case | init | β | r = E[T²]/E[T]² | nets | replicates | bootstrap-t coverage % (±2se) | below / above % | t coverage % | below / above % | Cox % |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const se = 2 * Math.sqrt((r.coverageBootT * (1 - r.coverageBootT) || 0.95 * 0.05) / r.replicates);
    lines.push(`| ${r.name} | ${r.init} | ${r.beta.toFixed(3)} | ${r.r.toPrecision(3)} | ${r.nets} | ${r.replicates} | ${pct(r.coverageBootT)} ± ${pct(se)} | `
      + `${pct(r.truthBelowBootT)} / ${pct(r.truthAboveBootT)} | ${pct(r.coverageT)} | ${pct(r.truthBelowT)} / ${pct(r.truthAboveT)} | ${pct(r.coverageCox)} |`);
  }
  return lines.join('\n');
}

function run(argv: readonly string[]): void {
  const args = parseCli(CLI, argv);
  if (args === null) return;
  const cases = studyCases().filter((c) => c.name.includes(args.filter));
  if (cases.length === 0) throw new UsageError(`--filter '${args.filter}' matches no case`);
  const backend = createBackend(args.backend);
  const rows: CoverageRow[] = [];
  for (const c of cases) {
    const started = Date.now();
    const row = measureMeanSqCoverage(c, args.seed, backend);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(coverageTable(rows) + '\n');
}

if (require.main === module) main(() => run(process.argv.slice(2)));
