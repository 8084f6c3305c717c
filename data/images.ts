// Inputs the length experiments push through their nets: a fresh random unit-norm C×H×W tensor per
// net, or one fixed test image of a data set, read once per thread and scaled as in training.

import type { ImageShape } from '../lib/kernels/conv';
import { cifarImage, readCifarBatch } from './cifar';
import { loadDataset, type DatasetName } from './mnist';

/** A fresh random unit-norm C×H×W tensor per net, or one fixed image of a data set for every net. */
export type ConvInput =
  | { readonly kind: 'unit'; readonly shape: ImageShape }
  | { readonly kind: 'mnist'; readonly dataset: DatasetName; readonly index: number }
  | { readonly kind: 'cifar'; readonly path: string; readonly index: number };
/** One fixed data-set image (fig1 --input uses it flattened to a vector). */
export type ImageInput = Exclude<ConvInput, { readonly kind: 'unit' }>;

export function inputShape(input: ConvInput): ImageShape {
  if (input.kind === 'unit') return input.shape;
  return input.kind === 'mnist' ? [1, 28, 28] : [3, 32, 32];
}

/** The fixed image of a data-set input (read once per thread), or null for random unit inputs. */
const images = new Map<string, Float64Array>();
export function fixedImage(input: ConvInput): Float64Array | null {
  if (input.kind === 'unit') return null;
  const key = `${input.kind === 'mnist' ? input.dataset : input.path}#${input.index}`;
  let img = images.get(key);
  if (img === undefined) {
    img = input.kind === 'mnist' ? testImage(input.dataset, input.index) : cifarImage(readCifarBatch(input.path), input.index);
    images.set(key, img);
  }
  return img;
}

/** Test image i of MNIST or Fashion-MNIST as 1×28×28 floats in [0, 1] (pixel/255, the training scaling). */
function testImage(name: DatasetName, i: number): Float64Array {
  const set = loadDataset(name).test;
  if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new RangeError(`${name}: test image ${i} out of range 0..${set.count - 1}`);
  const f = set.features, out = new Float64Array(f);
  for (let k = 0; k < f; k++) out[k] = set.images[i * f + k] / 255;
  return out;
}

