// Measures the coverage of the mean_sq_jacobian interval (THEORY.md §10.9) at the sizes users run and
// prints the Markdown table; each case's row also goes to stderr as it finishes (a run of all cases
// takes about 15 minutes on one core with the wasm backend).
//
//   node bench/backward-coverage.js [--filter <text in the case name>] [--backend wasm|reference] [--seed 1]

import { parseArgs } from 'node:util';
import { createBackend } from '../lib';
import { coverageTable, measureCoverage, studyCases, type CoverageRow } from './backward-coverage-study';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: { filter: { type: 'string', default: '' }, backend: { type: 'string', default: 'wasm' }, seed: { type: 'string', default: '1' } },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got '${values.seed}'`);
  if (values.backend !== 'wasm' && values.backend !== 'reference') fail(`--backend must be wasm or reference, got '${values.backend}'`);
  const cases = studyCases().filter((c) => c.name.includes(values.filter));
  if (cases.length === 0) fail(`--filter '${values.filter}' matches no case`);
  const backend = createBackend(values.backend);
  const rows: CoverageRow[] = [];
  for (const c of cases) {
    const started = Date.now();
    const row = measureCoverage(c, seed, backend);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(coverageTable(rows) + '\n');
}

if (require.main === module) main();
