// The initializer table: for each initializer, the variance its name promises, the variance it really
// draws from, a measured variance and μ̃₄, the gain c and the FM1 rate it implies.
//
//   node lib/experiments/inits.js [--fan-in 100] [--fan-out 100] [--draws 20] [--seed 0] [--csv FILE]

import { INITIALIZERS, gain, initializerById } from '../nn/init';
import { Rng } from '../tensor/rng';
import { Tensor } from '../tensor/tensor';
import { boolFlag, defineCli, intFlag, main, parseCli, seedFlag, UsageError } from './cli/cli';
import { checkMemory, PROCESS_BYTES } from './run/plan';
import { initListFlag, outputFileFlag } from './cli/flags';
import { writeCsv } from './out/files';
import { stringKey } from './cells/shared';
import { printTable } from './out/table';

const COLUMNS = ['init', 'law', 'fan_in', 'fan_out', 'nominal_variance', 'exact_variance', 'measured_variance',
  'mu4', 'measured_mu4', 'gain_c', 'log10_rate_per_layer', 'description'] as const;

/** Weights drawn per initializer at most: about a minute each at ~10 ns per weight. */
const MAX_DRAWN = 1e10;

export const INITS_CLI = defineCli({
  name: 'inits',
  kind: 'tool',
  summary: 'Every initializer: nominal, exact and measured variance, μ̃₄, gain c = fan_in·Var/2, and log10 c (the FM1 rate per layer).',
  flags: {
    'fan-in': intFlag('fan-in of the weight matrix', { default: 100, min: 1, max: 100000 }),
    'fan-out': intFlag('fan-out of the weight matrix', { default: 100, min: 1, max: 100000 }),
    draws: intFlag('weight matrices drawn per initializer for the measured columns', { default: 20, min: 1 }),
    inits: initListFlag(INITIALIZERS.map((i) => i.id), 'comma list of initializer ids (default: all)'),
    csv: outputFileFlag('also write the table to this CSV file'),
    quiet: boolFlag('no table on stdout'),
    seed: seedFlag(),
  },
});

export function inits(argv: readonly string[]): void {
  const args = parseCli(INITS_CLI, argv);
  if (args === null) return;
  const fi = args['fan-in'], fo = args['fan-out'];
  checkMemory(PROCESS_BYTES + 8 * fi * fo, `a ${fo}×${fi} weight matrix`);
  if (args.draws * fi * fo > MAX_DRAWN) {
    throw new UsageError(`--draws ${args.draws} of ${fo}×${fi} matrices are ${(args.draws * fi * fo).toExponential(1)} weights per initializer; at most ${MAX_DRAWN.toExponential(0)} (minutes) are drawn`);
  }
  const rows = args.inits.map((id) => {
    const init = initializerById(id);
    const rng = new Rng(args.seed, [stringKey(id), fi, fo]);
    const w = Tensor.zeros([fo, fi]);
    let m2 = 0, m4 = 0, n = 0;
    for (let r = 0; r < args.draws; r++) {
      init.sample(rng, w);
      for (const x of w.data) { m2 += x * x; m4 += x ** 4; }
      n += w.size;
    }
    m2 /= n; m4 /= n;
    const c = gain(init, fi, fo);
    return {
      init: id, law: init.law, fan_in: fi, fan_out: fo,
      nominal_variance: init.nominalVariance(fi, fo), exact_variance: init.variance(fi, fo), measured_variance: m2,
      mu4: init.mu4(fi, fo), measured_mu4: m4 / (m2 * m2), gain_c: c, log10_rate_per_layer: Math.log10(c),
      description: init.description,
    };
  });
  if (!args.quiet) {
    printTable(COLUMNS.filter((c) => c !== 'description' && c !== 'fan_in' && c !== 'fan_out'), rows, { digits: 5 });
    process.stdout.write(`(fan-in ${fi}, fan-out ${fo}; measured over ${args.draws} matrices of ${fi * fo} entries; `
      + 'log10_rate_per_layer = log10 c is the slope of log10 E[M_d] against depth)\n');
  }
  if (args.csv !== null) writeCsv(args.csv, COLUMNS, rows);
}

if (require.main === module) main(() => inits(process.argv.slice(2)));
