// Print the per-layer trace of one forward pass: M_j, active units, and the theory's one-step
// prediction. The place to start a debugger session (see README, "Step through a forward pass").
//
//   node lib/experiments/trace.js --widths 100,100,100,100 --init he_normal --seed 1 [--json FILE]

import { DenseReluNet } from '../nn/dense/net';
import { initializerById } from '../nn/init';
import { traceForward } from '../nn/dense/trace';
import { createBackend } from '../kernels/index';
import { Rng } from '../tensor/rng';
import { defineCli, enumFlag, floatFlag, intListFlag, main, parseCli, seedFlag, UsageError } from './cli/cli';
import { writeJson } from './out/files';
import { backendFlag, dtypeFlag, initFlag, outputFileFlag, resolveDtype } from './cli/flags';
import { printTable } from './out/table';
import { lengthsCost } from './cells/cost';
import { checkFits } from './run/plan';
import { randomUnitInput } from '../nn/input';

export const TRACE_CLI = defineCli({
  name: 'trace',
  kind: 'tool',
  summary: 'One forward pass of a random ReLU net, layer by layer: M_j, active units, the predicted E[M_j | a_{j−1}].',
  flags: {
    widths: intListFlag('widths n_0,n_1,...,n_d', { default: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100], sequence: true }),
    init: initFlag('initializer id', 'he_normal'),
    bias: enumFlag(['zero', 'normal', 'uniform'] as const, 'bias law at init', { default: 'zero' }),
    'bias-variance': floatFlag('σ_b² when --bias is not zero', { default: 0, min: 0 }),
    dtype: dtypeFlag(),
    backend: backendFlag(),
    json: outputFileFlag('also write the trace as JSON to this file'),
    seed: seedFlag(),
  },
});

export function trace(argv: readonly string[]): void {
  const args = parseCli(TRACE_CLI, argv);
  if (args === null) return;
  if (args.widths.length < 2) throw new UsageError('--widths needs an input width and at least one layer');
  if (args.bias === 'zero' && args['bias-variance'] !== 0) throw new UsageError(`--bias-variance ${args['bias-variance']} has no effect with --bias zero`);
  const dtype = resolveDtype(args.dtype, args.backend, 'lengths');
  checkFits(lengthsCost({ init: args.init, widths: args.widths, nets: 1, seed: args.seed, input: null, backend: args.backend, dtype }), `a net of widths ${args.widths.join(',')}`);
  const net = new DenseReluNet(args.widths, initializerById(args.init), {
    dtype, backend: createBackend(args.backend),
    bias: { law: args.bias, variance: args['bias-variance'] },
  });
  const rng = new Rng(args.seed);
  net.initialize(rng);
  const x = randomUnitInput(rng, args.widths[0], dtype);
  const t = traceForward(net, x);
  printTable(['layer', 'width', 'log10M', 'predictedLog10M', 'predictedRelSd', 'zScore', 'activeUnits', 'activeFraction'], t.layers.map((l) => ({ ...l })), { digits: 4 });
  process.stdout.write(`log10 M_d/M_0 = ${(t.logRatio * Math.LOG10E).toFixed(4)}${t.dead ? ' (dead: the output is all zero)' : ''}; `
    + `theory: E[M_d/M_0] = ∏c_j = 10^${net.gains().reduce((s, c) => s + Math.log10(c), 0).toFixed(4)}\n`);
  if (args.json !== null) writeJson(args.json, { config: { ...args }, trace: t });
}

if (require.main === module) main(() => trace(process.argv.slice(2)));
