// Convolutional nets (Hanin & Rolnick 2018, §2: fan-in = kh·kw·C_in, channels in the role of widths).
// (a) The mean of M_d/M_0 against depth for deep conv ReLU nets, one curve per initialization of
//     Figure 1, with the exact theory of THEORY.md §8.1 (gains ∏c_j times the padding's boundary loss).
// (b) FM2: the second moment E[R²]/E[R]² against β = Σ 1/C_j, with the §8.2 bound.
// (c) Does it start training? Epochs to 20% MNIST test accuracy for a few depths and initializations
//     (Figure 1(b)'s protocol and panel, lib/experiments/report/panel.ts; conv nets with mean pooling).
//
//   node lib/experiments/conv.js [--part a|b|c|all] [--preset quick|paper] [--input unit|mnist[:I]|fashion[:I]|cifar:PATH[:I]] ...
//
// Data path: this script → the input and stacks (cli/conv.ts) → convLengthsTask (cells/conv-lengths.ts,
// one cell) → nn/conv/net (the net and its log-domain forward) → im2col + the backend's matmul; the rows,
// charts and tables: report/conv-a.ts, conv-b.ts; part (c): report/panel.ts.

import { PAPER_PROTOCOL } from '../nn/train/loop';
import type { ConvLayerSpec } from '../nn/conv/layer';
import { FIGURE1_INITS } from '../nn/init';
import type { ConvInput } from '../../data/images';
import { convLengthsTask, type ConvCellParams, type ConvCellResult } from './cells/conv-lengths';
import { defineCli, enumFlag, forPart, forParts, intFlag, intListFlag, main, partFlag, runsPart, type ParsedCli } from './cli/cli';
import { checkStacks, convInputFlag, partAStacks, partBStacks, partCStacks, resolveConvInput, TRAIN_INPUT } from './cli/conv';
import { backendFlag, countOrDepthFlag, dtypeFlag, initFlag, initListFlag, lengthsDtype, limitFlags, limitOrNull, requireIid, trainingFlags } from './cli/flags';
import { experimentScript, type Session } from './cli/script';
import { reportConvA } from './report/conv-a';
import { reportConvB } from './report/conv-b';
import { runTrainingPanel } from './report/panel';
import type { Cell, CellResult } from './run/runner';

export const CONV_CLI = defineCli({
  name: 'conv',
  summary: 'Convolutional ReLU nets: (a) mean output length against depth per initialization, (b) the second moment against β = Σ 1/C_j, (c) epochs to 20% MNIST accuracy.',
  flags: {
    part: partFlag(['a', 'b', 'c']),
    ...forParts(['a'], {
      inits: initListFlag([...FIGURE1_INITS]),
      depths: intListFlag('depths d (conv ReLU layers) for part a'),
      channels: countOrDepthFlag("channels C_j of every conv layer in part (a), or 'depth' for C_j = depth (β = 1)"),
    }),
    kernel: intFlag('square kernel side k (k×k)', { default: 3, min: 1 }),
    stride: intFlag('stride of every conv layer', { default: 1, min: 1 }),
    padding: enumFlag(['same', 'valid', 'circular'] as const, 'padding of every conv layer', { default: 'same' }),
    ...forParts(['a', 'b'], {
      input: convInputFlag,
      size: intFlag('height = width of unit inputs', { min: 1 }),
      'in-channels': intFlag('channels of unit inputs', { default: 3, min: 1 }),
    }),
    nets: forPart(['a'], intFlag('independently initialized nets per cell (part a)', { min: 1 })),
    ...forParts(['b'], {
      'b-init': initFlag('initializer of part b', 'he_normal'),
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

export const CONV = experimentScript(CONV_CLI, async (args, session) => {
  const input = resolveConvInput(args);
  // Everything both parts need is checked before either runs, so a bad flag never leaves half the outputs.
  const doA = runsPart(args.part, 'a'), doB = runsPart(args.part, 'b'), doC = runsPart(args.part, 'c');
  const aStacks = doA ? partAStacks(args) : [], bStacks = doB ? partBStacks(args) : [], cStacks = doC ? partCStacks(args) : [];
  if (doB) requireIid([args['b-init']], '--b-init', "part b's bound");
  checkStacks(input, [...aStacks, ...bStacks]);
  checkStacks({ kind: 'mnist', dataset: args.dataset, index: 0 }, cStacks);
  if (doA) await runLengths('conv_a', args.inits, aStacks, args.nets, input, args, session, reportConvA);
  if (doB) await runLengths('conv_b', [args['b-init']], bStacks, args['b-nets'], input, args, session, reportConvB);
  if (doC) await runPartC(args, session, cStacks);
});

/** Parts (a) and (b): one cell per initializer × stack, the finished cells handed to the part's report. */
async function runLengths(name: string, inits: readonly string[], stacks: readonly ConvLayerSpec[][], nets: number, input: ConvInput, args: Args, session: Session,
  report: (args: Args, input: ConvInput, results: readonly CellResult<ConvCellParams, ConvCellResult>[], run: { started: number; dtype: string; out: NodeJS.WritableStream }) => Promise<void>): Promise<void> {
  const started = Date.now();
  const dtype = lengthsDtype(name, args, session.planning);
  const cells: Cell<Parameters<typeof convLengthsTask.run>[0]>[] = inits.flatMap((init) => stacks.map((layers) => ({
    key: `init=${init}/depth=${layers.length}/channels=${layers[0].outChannels}`, params: { init, input, layers, nets, seed: args.seed, backend: args.backend, ...dtype },
  })));
  const outcome = await session.run({ name, task: convLengthsTask, cells });
  if (outcome.complete) await report(args, input, outcome.results, { started, dtype: dtype.dtype ?? 'float64', out: session.stdout });
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
    x: { field: 'depth', title: `conv layers d (${args['train-channels']} channels)`, ticks: args['train-depths'] },
    color: 'init',
    paperNote: `Figure 1(b)'s protocol is batch ${PAPER_PROTOCOL.batchSize}, lr ${PAPER_PROTOCOL.lr}, ≤ ${PAPER_PROTOCOL.maxEpochs} epochs on all 60,000 images, 5 runs (--preset paper); `
      + `this run: batch ${args.batch}, ${limitTrain === null ? 'all' : limitTrain} training and ${limitTest === null ? 'all' : limitTest} test images, ≤ ${args['max-epochs']} epochs, ${args.runs} runs`,
  });
}

if (require.main === module) main(() => CONV.main(process.argv.slice(2)));
