// Convolutional nets (Hanin & Rolnick 2018, §2: fan-in = kh·kw·C_in, channels in the role of widths).
// (a) The mean of M_d/M_0 against depth for deep conv ReLU nets, one curve per initialization of
//     Figure 1, with the exact theory of THEORY.md §8.1 (gains ∏c_j times the padding's boundary loss).
// (b) FM2: the second moment E[R²]/E[R]² against β = Σ 1/C_j, with the §8.2 bound.
// (c) Does it start training? Epochs to 20% MNIST test accuracy for a few depths and initializations
//     (Figure 1(b)'s protocol and panel, lib/experiments/report/panel.ts; conv nets with mean pooling).
//
//   node lib/experiments/conv.js [--part a|b|c|all] [--preset quick|paper] [--input unit|mnist|fashion|cifar:PATH] ...
//
// Data path: this script → runner (cells on worker threads) → conv-lengths.ts (one cell) →
// nn/conv-net (the net and its log-domain forward) → nn/conv (im2col + backend matmul) → kernels.

import * as path from 'node:path';
import { readCifarBatch } from '../../data/cifar';
import { DatasetError, loadDataset, type DatasetName } from '../../data/mnist';
import { PAPER_PROTOCOL } from '../nn/train/loop';
import { stackGeometry, type ConvLayerSpec, type ImageShape, type Padding } from '../nn/conv/layer';
import { boundaryFactor, channelBeta, convGains, log10SecondMomentBound } from '../nn/conv/theory';
import { FIGURE1_INITS, initializerById, type Initializer } from '../nn/init';
import { slope } from '../nn/stats';
import { defineCli, enumFlag, forPart, forParts, intFlag, intListFlag, main, stringFlag, UsageError, type Flag, type ParsedCli } from './cli/cli';
import { experimentScript, type Session } from './cli/script';
import { convLengthsTask, type ConvCellParams, type ConvCellResult } from './cells/conv-lengths';
import { inputShape, type ConvInput } from '../../data/images';
import { writeCsv } from './out/files';
import { backendFlag, dtypeFlag, lengthsDtype, countOrDepthFlag, initListFlag, limitFlags, limitOrNull, trainingFlags } from './cli/flags';
import { lineChartSpec, writePlot } from './out/plot';
import { meanRatioChartSpec } from './report/mean-ratio';
import { writeRunRecord } from './out/record';
import { runTrainingPanel } from './report/panel';
import type { Cell, CellResult, Experiment } from './run/runner';
import { printTable } from './out/table';

const CONV_A_COLUMNS = [
  'init', 'depth', 'channels', 'kernel', 'nets', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio',
  // Extra columns after the fixed ones.
  'log10_gains', 'log10_boundary', 'mean_log10_ratio', 'sd_log10_ratio', 'dead', 'stride', 'padding', 'input', 'log10_sample_mean_ratio',
  // No timings: a CSV must not depend on the machine or the split into shards (they are in the .json).
] as const;

const CONV_B_COLUMNS = [
  'init', 'depth', 'channels', 'kernel', 'beta', 'nets',
  'log10_norm_second_moment', 'log10_norm_second_moment_lo', 'log10_norm_second_moment_hi',
  'log10_bound', 'log10_dense_gaussian', 'gamma', 'var_ln_ratio', 'dead', 'log10_mean_ratio', 'log10_theory_ratio', 'stride', 'padding', 'input',
  'log10_norm_sample_second_moment',
] as const;

/** What --input names: random unit inputs, an MNIST-like set (not available yet) or a CIFAR-10 batch file. */
type InputSpec = { kind: 'unit' } | { kind: 'mnist' } | { kind: 'fashion' } | { kind: 'cifar'; path: string };

const inputFlag: Flag<InputSpec> = {
  help: 'input: unit (a fresh random unit-norm C×H×W tensor per net), mnist, fashion, or cifar:PATH (one image of a CIFAR-10 binary batch, --image)',
  metavar: 'unit|mnist|fashion|cifar:PATH',
  default: { kind: 'unit' },
  format: (v) => (v.kind === 'cifar' ? `cifar:${v.path}` : v.kind),
  parse: (t, n) => {
    if (t === 'unit' || t === 'mnist' || t === 'fashion') return { kind: t };
    if (t.startsWith('cifar:') && t.length > 'cifar:'.length) return { kind: 'cifar', path: t.slice('cifar:'.length) };
    throw new UsageError(`${n} expects unit, mnist, fashion or cifar:PATH, got '${t}'`);
  },
};

export const CONV_CLI = defineCli({
  name: 'conv',
  summary: 'Convolutional ReLU nets: (a) mean output length against depth per initialization, (b) the second moment against β = Σ 1/C_j, (c) epochs to 20% MNIST accuracy.',
  flags: {
    part: enumFlag(['a', 'b', 'c', 'all'] as const, 'which part to run', { default: 'all' }),
    ...forParts(['a'], {
      inits: initListFlag([...FIGURE1_INITS]),
      depths: intListFlag('depths d (conv ReLU layers) for part a'),
      channels: countOrDepthFlag("channels C_j of every conv layer in part (a), or 'depth' for C_j = depth (β = 1)"),
    }),
    kernel: intFlag('square kernel side k (k×k)', { default: 3, min: 1 }),
    stride: intFlag('stride of every conv layer', { default: 1, min: 1 }),
    padding: enumFlag(['same', 'valid', 'circular'] as const, 'padding of every conv layer', { default: 'same' }),
    ...forParts(['a', 'b'], {
      input: inputFlag,
      image: intFlag('which image of a data-set input (0-based)', { default: 0, min: 0 }),
      size: intFlag('height = width of unit inputs', { min: 1 }),
      'in-channels': intFlag('channels of unit inputs', { default: 3, min: 1 }),
    }),
    nets: forPart(['a'], intFlag('independently initialized nets per cell (part a)', { min: 1 })),
    ...forParts(['b'], {
      'b-init': stringFlag('initializer of part b', { default: 'he_normal', metavar: 'ID' }),
      'b-depths': intListFlag('depths of part b'),
      'b-channels': intListFlag('channel counts C of part b (every layer C channels; β = depth/C)'),
      'b-nets': intFlag('nets per cell (part b)', { min: 1 }),
    }),
    backend: backendFlag(),
    dtype: dtypeFlag(),
    ...forParts(['c'], {
      'train-inits': initListFlag([...FIGURE1_INITS]),
      'train-depths': intListFlag('conv layers of the nets trained in part c'),
      'train-channels': intFlag('channels of every conv layer in part c', { min: 1 }),
      head: enumFlag(['flatten', 'pool'] as const, 'part c: flatten the last conv layer into the linear output layer, or average-pool it first', { default: 'flatten' }),
      'train-stride': intFlag('stride of the first conv layer in part c (the rest have stride 1)', { default: 2, min: 1 }),
      ...trainingFlags(),
      ...limitFlags(),
    }),
  },
  presets: {
    quick: {
      depths: [5, 10, 15, 20, 25, 30], size: 8, nets: 200, 'b-depths': [5, 10, 20], 'b-channels': [4, 8, 16, 32], 'b-nets': 300,
      'train-inits': ['he_normal', 'he_normal_truncated', 'glorot_uniform'], 'train-depths': [2, 6], 'train-channels': 8, runs: 2,
      'max-epochs': 8, batch: 128, 'limit-train': 2048, 'limit-test': 1000,
    },
    paper: {
      depths: [10, 20, 30, 40, 50], size: 16, nets: 1000, 'b-depths': [5, 10, 20, 40], 'b-channels': [2, 4, 8, 16, 32, 64], 'b-nets': 1000,
      'train-depths': [5, 10, 20, 30], 'train-channels': 16, runs: 5, 'max-epochs': PAPER_PROTOCOL.maxEpochs, batch: PAPER_PROTOCOL.batchSize,
      'limit-train': 0, 'limit-test': 0,
    },
  },
  defaultPreset: 'quick',
});

type Args = ParsedCli<typeof CONV_CLI.flags>;
type ConvCell = Cell<ConvCellParams & { backend: string }>;

/** The input the cells get; a data set is opened here, up front, so a bad path fails before any output. */
function resolveInput(args: Args): ConvInput {
  const spec = args.input;
  if (spec.kind === 'unit') return { kind: 'unit', shape: [args['in-channels'], args.size, args.size] };
  let count: number;
  try {
    count = spec.kind === 'cifar' ? readCifarBatch(spec.path).count : loadDataset(datasetName(spec.kind)).test.count;
  } catch (err) {
    if (err instanceof DatasetError) throw new UsageError(`--input: ${err.message}`);
    throw err;
  }
  const where = spec.kind === 'cifar' ? spec.path : `the ${spec.kind} test set`;
  if (args.image >= count) throw new UsageError(`--image ${args.image}: ${where} holds ${count} images (0..${count - 1})`);
  return spec.kind === 'cifar' ? { kind: 'cifar', path: path.resolve(spec.path), index: args.image } : { kind: 'mnist', dataset: datasetName(spec.kind), index: args.image };
}

function datasetName(kind: 'mnist' | 'fashion'): DatasetName {
  return kind === 'mnist' ? 'mnist' : 'fashion-mnist';
}

function inputLabel(input: ConvInput): string {
  if (input.kind === 'unit') return `unit ${input.shape.join('×')}`;
  return input.kind === 'mnist' ? `${input.dataset} test #${input.index}` : `cifar ${path.basename(input.path)}#${input.index}`;
}

function stack(depth: number, channels: number, args: Args): ConvLayerSpec[] {
  const layer: ConvLayerSpec = { outChannels: channels, kh: args.kernel, kw: args.kernel, stride: args.stride, padding: args.padding as Padding };
  return new Array<ConvLayerSpec>(depth).fill(layer);
}

/** Every cell's geometry is checked before anything runs or is written: a kernel too large is a usage error. */
function checkStacks(input: ConvInput, stacks: readonly ConvLayerSpec[][]): void {
  for (const layers of stacks) {
    try {
      stackGeometry(inputShape(input), layers);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`depth ${layers.length}, ${inputLabel(input)} input, ${describeLayer(layers[0])}: ${err.message}`);
      throw err;
    }
  }
}

function describeLayer(l: ConvLayerSpec): string {
  return `${l.kh}×${l.kw} stride ${l.stride} ${l.padding}`;
}

function cellsFor(name: string, inits: readonly string[], stacks: readonly ConvLayerSpec[][], nets: number, input: ConvInput, args: Args, session: Session): Experiment<ConvCell['params'], ConvCellResult> {
  const dtype = lengthsDtype(name, args, session.planning);
  const cells: ConvCell[] = [];
  for (const init of inits) {
    for (const layers of stacks) {
      cells.push({ key: `init=${init}/depth=${layers.length}/channels=${layers[0].outChannels}`, params: { init, input, layers, nets, seed: args.seed, backend: args.backend, ...dtype } });
    }
  }
  return { name, task: convLengthsTask, cells };
}

/** Runs the cells; null when they are not all done (a plan, or one shard of a run whose other shards are elsewhere). */
async function runCells(exp: Experiment<ConvCell['params'], ConvCellResult>, session: Session): Promise<CellResult<ConvCell['params'], ConvCellResult>[] | null> {
  const outcome = await session.run(exp);
  return outcome.complete ? outcome.results : null;
}

function log10Gains(params: ConvCellParams): number {
  const geoms = stackGeometry(inputShape(params.input), params.layers);
  return convGains(geoms, params.layers.map((l) => l.outChannels), initializerById(params.init)).reduce((s, c) => s + Math.log10(c), 0);
}

function partAStacks(args: Args): ConvLayerSpec[][] {
  return args.depths.map((d) => stack(d, args.channels === 'depth' ? d : args.channels, args));
}

function partBStacks(args: Args): ConvLayerSpec[][] {
  return args['b-depths'].flatMap((d) => args['b-channels'].map((c) => stack(d, c, args)));
}

function partBInit(args: Args): Initializer {
  let init;
  try { init = initializerById(args['b-init']); } catch (err) { throw new UsageError(`--b-init: ${(err as Error).message}`); }
  if (!init.iid) throw new UsageError(`--b-init: part b's bound needs i.i.d. weights; '${init.id}' is not`);
  return init;
}

async function runPartA(args: Args, session: Session, input: ConvInput, stacks: ConvLayerSpec[][]): Promise<void> {
  const started = Date.now();
  const exp = cellsFor('conv_a', args.inits, stacks, args.nets, input, args, session);
  const results = await runCells(exp, session);
  if (results === null) return;
  const label = inputLabel(input);
  const rows = results.map(({ params, result }) => {
    const g = log10Gains(params);
    return {
      init: params.init, depth: params.layers.length, channels: params.layers[0].outChannels, kernel: args.kernel,
      ...result, log10_gains: g, log10_boundary: result.log10_theory_ratio - g,
      stride: args.stride, padding: args.padding, input: label,
    };
  });
  writeCsv(path.join(args.out, 'conv_a.csv'), CONV_A_COLUMNS, rows);

  // Per-layer slope of log10 E[R] against depth: measured, the exact theory fitted the same way, and
  // log10 c alone (what the slope would be without the padding's boundary loss).
  const fit = (rs: typeof rows, field: 'log10_mean_ratio' | 'log10_theory_ratio' | 'mean_log10_ratio' | 'log10_gains') =>
    rs.length >= 2 ? slope(rs.map((r) => r.depth), rs.map((r) => r[field])) : NaN;
  const slopes = args.inits.map((id) => {
    const mine = rows.filter((r) => r.init === id);
    return {
      init: id, log10_c: fit(mine, 'log10_gains'), theory_slope: fit(mine, 'log10_theory_ratio'),
      measured_slope: fit(mine, 'log10_mean_ratio'), typical_slope: fit(mine, 'mean_log10_ratio'),
    };
  });
  const spec = meanRatioChartSpec(rows,
    `Conv nets: E[M_d/M_0] against depth (${args.kernel}×${args.kernel} ${args.padding}, ${label}, ${args.nets} nets per point; Cox estimate)`,
    `depth d (channels = ${String(args.channels)})`);
  const plot = await writePlot(path.join(args.out, 'conv_a'), spec);
  const { seconds } = writeRunRecord(args.out, 'conv_a', args, { started, cellSeconds: rows.reduce((s, r) => s + r.seconds, 0), plots: [plot], extra: { dtype: exp.cells[0]?.params.dtype ?? 'float64', slopes, input: label } });

  // With borders E[M_j/M_{j−1} | a_{j−1}] depends on the energy profile (THEORY.md §8.1), so the per-layer
  // product does not apply; Cox's estimate is used, with its coverage measured (§4.10).
  process.stdout.write(`\nConv (a): log10 E[M_d/M_0] (${args.nets} nets per cell, ${label} input; log10_mean_ratio with lo/hi: Cox's log-normal estimate `
    + 'and its 95% interval, coverage in THEORY.md §4.10; sample_mean: the plain mean of the nets)\n');
  printTable(['init', 'depth', 'channels', 'log10_mean_ratio', 'log10_mean_ratio_lo', 'log10_mean_ratio_hi', 'log10_theory_ratio', 'log10_sample_mean_ratio', 'log10_gains', 'mean_log10_ratio', 'dead'], rows, { digits: 4 });
  const same = args.padding === 'same' && args.stride === 1 && input.kind === 'unit';
  const lambda = same ? boundaryFactor(stackGeometry(inputShape(input), stack(1, 1, args))[0]) : NaN;
  process.stdout.write(`\nPer-layer log10 slope against depth: log10_c = the gain alone (fully connected rates: +0.301, 0, 0, −0.111, −0.301, −0.412); `
    + `theory_slope = the exact recursion incl. the ${args.padding} padding's boundary loss${same ? ` (limit log10 λ = ${Math.log10(lambda).toFixed(4)} per layer)` : ''}\n`);
  printTable(['init', 'log10_c', 'theory_slope', 'measured_slope', 'typical_slope'], slopes, { digits: 4 });
  process.stdout.write(`\nwrote ${args.out}/conv_a.csv, conv_a.json, conv_a.svg${plot.png ? ', conv_a.png' : ''} in ${seconds.toFixed(1)} s\n`);
}

async function runPartB(args: Args, session: Session, input: ConvInput, init: Initializer, stacks: ConvLayerSpec[][]): Promise<void> {
  const started = Date.now();
  const exp = cellsFor('conv_b', [init.id], stacks, args['b-nets'], input, args, session);
  const results = await runCells(exp, session);
  if (results === null) return;
  const label = inputLabel(input);
  const rows = results.map(({ params, result }) => {
    const channels = params.layers.map((l) => l.outChannels), beta = channelBeta(channels);
    const geoms = stackGeometry(inputShape(params.input), params.layers);
    // Normalized by the exact theory mean, so the gains and the boundary loss cancel: what is left is FM2.
    // The point is Cox's estimate, the centre of its own interval; the plain sample moment is beside it.
    const norm = result.log10_second_moment - 2 * result.log10_theory_ratio;
    return {
      init: params.init, depth: params.layers.length, channels: channels[0], kernel: args.kernel, beta, nets: result.nets,
      log10_norm_second_moment: norm,
      log10_norm_second_moment_lo: result.log10_second_moment_lo - 2 * result.log10_theory_ratio,
      log10_norm_second_moment_hi: result.log10_second_moment_hi - 2 * result.log10_theory_ratio,
      log10_norm_sample_second_moment: result.log10_sample_second_moment - 2 * result.log10_theory_ratio,
      log10_bound: log10SecondMomentBound(geoms, channels, init) - 2 * result.log10_theory_ratio,
      log10_dense_gaussian: channels.reduce((s, c) => s + Math.log10(1 + 5 / c), 0),
      gamma: (norm * Math.LN10) / beta,
      // Var(ln R) over the live nets: ≈ 5β for fully connected Gaussian nets (§4.5), and far better
      // estimated than the second moment, which rare huge nets dominate once β is large.
      var_ln_ratio: (result.sd_log10_ratio * Math.LN10) ** 2, dead: result.dead,
      log10_mean_ratio: result.log10_mean_ratio, log10_theory_ratio: result.log10_theory_ratio,
      stride: args.stride, padding: args.padding, input: label, seconds: result.seconds,
    };
  });
  writeCsv(path.join(args.out, 'conv_b.csv'), CONV_B_COLUMNS, rows);
  const spec = lineChartSpec({
    title: `Conv nets, ${init.id}: E[R²]/E[R]² against β = Σ 1/C_j (${args['b-nets']} nets per point; dashed: upper bound ∏c²ρ²(1 + (2κ−1)/C)/E[R]²)`,
    x: { field: 'beta', title: 'β = Σ_j 1/C_j' },
    y: { field: 'log10_norm_second_moment', title: 'log10 E[R²]/E[R]²' },
    measured: rows.map((r) => ({ depth: `d=${r.depth}`, beta: r.beta, log10_norm_second_moment: r.log10_norm_second_moment, lo: r.log10_norm_second_moment_lo, hi: r.log10_norm_second_moment_hi })),
    theory: rows.map((r) => ({ depth: `d=${r.depth}`, beta: r.beta, log10_norm_second_moment: r.log10_bound })),
    color: 'depth', colorTitle: 'depth', lo: 'lo', hi: 'hi', connect: true, width: 520, height: 340,
  });
  const plot = await writePlot(path.join(args.out, 'conv_b'), spec);
  const { seconds } = writeRunRecord(args.out, 'conv_b', args, { started, cellSeconds: rows.reduce((s, r) => s + r.seconds, 0), plots: [plot], extra: { dtype: exp.cells[0]?.params.dtype ?? 'float64', input: label } });
  process.stdout.write(`\nConv (b): log10 E[R²]/E[R]² (R = M_d/M_0, E[R] exact) against β = Σ 1/C_j, ${init.id}, ${label} input\n`);
  printTable(['depth', 'channels', 'beta', 'log10_norm_second_moment', 'log10_norm_second_moment_lo', 'log10_norm_second_moment_hi', 'log10_bound', 'log10_dense_gaussian', 'gamma', 'var_ln_ratio', 'dead'], rows, { digits: 4 });
  process.stdout.write('(gamma = ln(E[R²]/E[R]²)/β and var_ln_ratio = Var(ln R): fully connected Gaussian nets have both ≈ 5β at small β, i.e. gamma ≈ 5;\n'
    + ' spatial averaging can only lower them. At large β the sample second moment misses the rare huge nets that carry it: read var_ln_ratio there)\n');
  process.stdout.write(`\nwrote ${args.out}/conv_b.csv, conv_b.json, conv_b.svg${plot.png ? ', conv_b.png' : ''} in ${seconds.toFixed(1)} s\n`);
}

/** Part c's nets: on MNIST's 1×28×28 images, the first layer strided (the rest stride 1), then --head into 10 classes. */
const TRAIN_INPUT: ImageShape = [1, 28, 28];

function partCStacks(args: Args): ConvLayerSpec[][] {
  return args['train-depths'].map((d) => stack(d, args['train-channels'], args)
    .map((l, j) => (j === 0 ? { ...l, stride: args['train-stride'] } : l)));
}

async function runPartC(args: Args, session: Session, stacks: ConvLayerSpec[][]): Promise<void> {
  const limitTrain = limitOrNull(args['limit-train']), limitTest = limitOrNull(args['limit-test']);
  const archs = args['train-inits'].flatMap((init) => stacks.map((layers) => ({
    key: `init=${init}/depth=${layers.length}/channels=${layers[0].outChannels}`,
    group: { init, depth: layers.length, channels: layers[0].outChannels },
    hidden: [], init,
    extra: { conv: { input: TRAIN_INPUT, layers, head: args.head }, limitTrain, limitTest },
  })));
  await runTrainingPanel({
    name: 'conv_c', figure: `Conv (c), ${args.kernel}×${args.kernel} ${args.padding}, first stride ${args['train-stride']}, ${args.head} head`, args, session, archs,
    groupColumns: ['init', 'depth', 'channels'],
    x: { field: 'depth', title: `conv layers d (${args['train-channels']} channels)` },
    color: 'init',
    paperNote: `Figure 1(b)'s protocol is batch ${PAPER_PROTOCOL.batchSize}, lr ${PAPER_PROTOCOL.lr}, ≤ ${PAPER_PROTOCOL.maxEpochs} epochs on all 60,000 images, 5 runs (--preset paper); `
      + `this run: batch ${args.batch}, ${limitTrain === null ? 'all' : limitTrain} training and ${limitTest === null ? 'all' : limitTest} test images, ≤ ${args['max-epochs']} epochs, ${args.runs} runs`,
  });
}

export const CONV = experimentScript(CONV_CLI, async (args, session) => {
  const input = resolveInput(args);
  // Everything both parts need is checked before either runs, so a bad flag never leaves half the outputs.
  const doA = args.part === 'a' || args.part === 'all', doB = args.part === 'b' || args.part === 'all', doC = args.part === 'c' || args.part === 'all';
  const aStacks = doA ? partAStacks(args) : [], bStacks = doB ? partBStacks(args) : [], cStacks = doC ? partCStacks(args) : [];
  const bInit = doB ? partBInit(args) : null;
  checkStacks(input, [...aStacks, ...bStacks]);
  checkStacks({ kind: 'mnist', dataset: args.dataset, index: 0 }, cStacks);
  if (doA) await runPartA(args, session, input, aStacks);
  if (bInit !== null) await runPartB(args, session, input, bInit, bStacks);
  if (doC) await runPartC(args, session, cStacks);
});

if (require.main === module) main(() => CONV.main(process.argv.slice(2)));
