// Print the per-module trace of one forward pass of a residual net: M_ℓ, the skip's, the branch's
// and the cross term's share of ‖x_ℓ‖², and the theory's E[M_ℓ | x_{ℓ−1}] (THEORY.md §7). The
// residual counterpart of trace.js, and the place to start a debugger session on a residual net.
//
//   node lib/experiments/trace-residual.js --width 32 --modules 20 --schedule inv --convention relu --seed 1 [--json FILE]

import { createBackend } from '../kernels/index';
import { initializerById } from '../nn/init';
import { ResidualNet } from '../nn/residual/net';
import { moduleKappa } from '../nn/residual/theory';
import { traceResidualForward } from '../nn/residual/trace';
import { parseSchedule, scales, SCHEDULE_SYNTAX } from '../nn/residual/schedule';

import { Rng } from '../tensor/rng';
import { defineCli, enumFlag, intFlag, main, parseCli, seedFlag, stringFlag } from './cli/cli';
import { parseModuleHidden } from './cli/residual';
import { writeJson } from './out/files';
import { backendFlag, dtypeFlag, flagValue, initFlag, outputFileFlag, resolveDtype } from './cli/flags';
import { printTable } from './out/table';
import { residualCost } from './cells/cost';
import { checkFits } from './run/plan';
import { randomUnitInput } from '../nn/input';

export const TRACE_RESIDUAL_CLI = defineCli({
  name: 'trace-residual',
  kind: 'tool',
  summary: 'One forward pass of a random residual net, module by module: M_ℓ, skip/branch shares, the predicted E[M_ℓ | x_{ℓ−1}].',
  flags: {
    width: intFlag('stream width n (and input width)', { default: 32, min: 1 }),
    modules: intFlag('number of residual modules L', { default: 20, min: 1 }),
    hidden: stringFlag("hidden widths of each module, comma separated, or 'none' for one n → n layer", { default: '32', metavar: 'LIST|none' }),
    schedule: stringFlag(`scale schedule: ${SCHEDULE_SYNTAX}`, { default: 'inv', metavar: 'TEXT' }),
    convention: enumFlag(['linear', 'relu'] as const, 'module convention', { default: 'linear' }),
    init: initFlag('initializer id', 'he_normal'),
    backend: backendFlag(),
    dtype: dtypeFlag(),
    json: outputFileFlag('also write the trace as JSON to this file'),
    seed: seedFlag(),
  },
});

export function traceResidual(argv: readonly string[]): void {
  const args = parseCli(TRACE_RESIDUAL_CLI, argv);
  if (args === null) return;
  const init = initializerById(args.init);
  const hidden = parseModuleHidden(args.hidden, '--hidden');
  const etas = flagValue('--schedule', () => scales(parseSchedule(args.schedule), args.modules));
  const dtype = resolveDtype(args.dtype, args.backend, 'lengths');
  checkFits(residualCost({ convention: args.convention, schedule: args.schedule, modules: [args.modules], width: args.width, hidden, init: args.init, nets: 1,
    seed: args.seed, backend: args.backend, dtype }), `a residual net of ${args.modules} modules of width ${args.width}`);
  const net = new ResidualNet({ inputWidth: args.width, width: args.width, hidden, outputWidth: 10, convention: args.convention }, etas, init,
    { backend: createBackend(args.backend), dtype });
  const rng = new Rng(args.seed);
  net.initialize(rng);
  const t = traceResidualForward(net, randomUnitInput(rng, args.width, dtype));
  printTable(['module', 'eta', 'log10M', 'predictedLog10M', 'skipShare', 'branchShare', 'crossShare'], t.modules.map((m) => ({ ...m })), { digits: 4 });
  process.stdout.write(`log10 M_0 = ${(t.logM0 * Math.LOG10E).toFixed(4)} (stream after the projection); log10 M_L/M_0 = ${(t.logRatio * Math.LOG10E).toFixed(4)}`
    + `${t.dead ? ' (dead: x_0 = 0)' : ''}; κ = ${moduleKappa(net.moduleWidths(), init).toFixed(4)}\n`);
  if (args.json !== null) writeJson(args.json, { config: { ...args }, trace: { ...t, logM: Array.from(t.logM) } });
}

if (require.main === module) main(() => traceResidual(process.argv.slice(2)));
