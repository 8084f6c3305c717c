// Measures the coverage of the mean_sq_jacobian interval (THEORY.md §10.9) at the sizes users run and
// prints the Markdown table; each case's row also goes to stderr as it finishes (a run of all cases
// takes about 15 minutes on one core with the wasm backend).
//
//   node bench/backward-coverage.js [--filter <text in the case name>] [--backend wasm|reference] [--seed 1]

import { createBackend } from '../lib';
import { backendFlag, defineCli, main, parseCli, seedFlag, UsageError } from '../lib/experiments';
import { coverageTable, measureCoverage, studyCases, type CoverageRow } from './backward-coverage-study';

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

function run(argv: readonly string[]): void {
  const args = parseCli(CLI, argv);
  if (args === null) return;
  const cases = studyCases().filter((c) => c.name.includes(args.filter));
  if (cases.length === 0) throw new UsageError(`--filter '${args.filter}' matches no case`);
  const backend = createBackend(args.backend);
  const rows: CoverageRow[] = [];
  for (const c of cases) {
    const started = Date.now();
    const row = measureCoverage(c, args.seed, backend);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(coverageTable(rows) + '\n');
}

if (require.main === module) main(() => run(process.argv.slice(2)));
