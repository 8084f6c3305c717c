// conv.js's input flag and the conv stacks its flags describe, each checked before any work: the input
// (random unit tensors, or one image of a data set opened up front) and the layers of every part,
// whose geometry must fit the input (a kernel larger than what reaches it is a usage error).

import * as path from 'node:path';
import { inputShape, type ConvInput } from '../../../data/images';
import { stackGeometry, uniformStack, type ConvLayerSpec, type ImageShape, type Padding } from '../../nn/conv/layer';
import { UsageError } from './cli';
import { countAt } from './flags';
import { inputFlag, resolveImageInput, type InputChoice } from './image-input';

/** conv's --input: fig1's flag, the image kept C×H×W (its index after the name: mnist:3). */
export const convInputFlag = inputFlag('a fresh random unit-norm C×H×W tensor per net, --in-channels × --size × --size', 'one fixed test image, C×H×W');

/** The geometry every conv layer of a part shares: --kernel, --stride, --padding. */
export interface ConvWindowArgs {
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;
}

/** The input the cells get; a data set is opened here, up front, so a bad path fails before any output. */
export function resolveConvInput(args: { readonly input: InputChoice; readonly size: number; readonly 'in-channels': number }): ConvInput {
  return resolveImageInput(args.input) ?? { kind: 'unit', shape: [args['in-channels'], args.size, args.size] };
}

/** The input as tables and CSVs name it. */
export function inputLabel(input: ConvInput): string {
  if (input.kind === 'unit') return `unit ${input.shape.join('×')}`;
  return input.kind === 'mnist' ? `${input.dataset} test #${input.index}` : `cifar ${path.basename(input.path)}#${input.index}`;
}

/** One layer of `channels` output channels with the flags' window. */
export function convLayerOf(args: ConvWindowArgs, channels: number): ConvLayerSpec {
  return { outChannels: channels, kh: args.kernel, kw: args.kernel, stride: args.stride, padding: args.padding };
}

/** Part (a): one stack per --depths, --channels channels each (or as many as the depth). */
export function partAStacks(args: ConvWindowArgs & { readonly depths: readonly number[]; readonly channels: number | 'depth' }): ConvLayerSpec[][] {
  return args.depths.map((d) => uniformStack(d, convLayerOf(args, countAt(args.channels, d))));
}

/** Part (b): one stack per --b-depths × --b-channels. */
export function partBStacks(args: ConvWindowArgs & { readonly 'b-depths': readonly number[]; readonly 'b-channels': readonly number[] }): ConvLayerSpec[][] {
  return args['b-depths'].flatMap((d) => args['b-channels'].map((c) => uniformStack(d, convLayerOf(args, c))));
}

/** Part (c)'s nets: on MNIST's 1×28×28 images, the first layer strided (the rest stride 1), then --head into 10 classes. */
export const TRAIN_INPUT: ImageShape = [1, 28, 28];

/** Part (c): one stack per --train-depths, the first layer with stride --train-stride. */
export function partCStacks(args: ConvWindowArgs & { readonly 'train-depths': readonly number[]; readonly 'train-channels': number; readonly 'train-stride': number }): ConvLayerSpec[][] {
  return args['train-depths'].map((d) => uniformStack(d, convLayerOf(args, args['train-channels']))
    .map((l, j) => (j === 0 ? { ...l, stride: args['train-stride'] } : l)));
}

/** Every cell's geometry is checked before anything runs or is written: a kernel too large is a usage error. */
export function checkStacks(input: ConvInput, stacks: readonly ConvLayerSpec[][]): void {
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
