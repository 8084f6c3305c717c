// The --input of fig1 and conv: random unit inputs (the default), or one fixed test image of MNIST,
// Fashion-MNIST or a CIFAR-10 binary batch (the paper's Figure 1(a) used one CIFAR-10 image); fig1
// flattens it to a vector, conv keeps it C×H×W.
//
//   --input unit | mnist[:INDEX] | fashion[:INDEX] | cifar:PATH[:INDEX]      (INDEX 0-based, default 0)

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { readCifarBatch } from '../../../data/cifar';
import { DatasetError, loadDataset } from '../../../data/mnist';
import { UsageError, type Flag } from './cli';
import type { ImageInput } from '../../../data/images';

export type InputChoice =
  | { readonly kind: 'unit' }
  | { readonly kind: 'mnist' | 'fashion'; readonly index: number }
  | { readonly kind: 'cifar'; readonly path: string; readonly index: number };

const INDEX = /^(0|[1-9][0-9]{0,8})$/;

/** Parses the flag's text; the data set itself is opened by resolveImageInput. */
export function parseInputChoice(t: string, flag: string): InputChoice {
  if (t === 'unit') return { kind: 'unit' };
  const [head, ...rest] = t.split(':');
  if (head === 'mnist' || head === 'fashion') {
    if (rest.length === 0) return { kind: head, index: 0 };
    if (rest.length === 1 && INDEX.test(rest[0])) return { kind: head, index: Number(rest[0]) };
    throw new UsageError(`${flag}: '${t}' needs a 0-based image index after '${head}:', e.g. ${head}:0`);
  }
  if (head === 'cifar' && rest.length > 0) {
    // A trailing ':digits' is the index; the path itself may hold ':'.
    const last = rest[rest.length - 1];
    const hasIndex = rest.length > 1 && INDEX.test(last);
    const file = (hasIndex ? rest.slice(0, -1) : rest).join(':');
    if (file === '') throw new UsageError(`${flag}: '${t}' names no CIFAR-10 batch file (cifar:PATH[:INDEX])`);
    return { kind: 'cifar', path: file, index: hasIndex ? Number(last) : 0 };
  }
  throw new UsageError(`${flag} expects unit, mnist[:INDEX], fashion[:INDEX] or cifar:PATH[:INDEX], got '${t}'`);
}

/** The flag; `unit` and `image` say what a unit input and a fixed image are to this script. */
export function inputFlag(unit = 'a fresh random unit-norm vector per net', image = 'one fixed test image, flattened'): Flag<InputChoice> {
  return {
    help: `input of every net: unit (${unit}), or ${image}: `
      + 'mnist[:INDEX], fashion[:INDEX] (Debian dataset-fashion-mnist) or cifar:PATH[:INDEX] (a CIFAR-10 binary batch)',
    metavar: 'unit|mnist[:I]|fashion[:I]|cifar:PATH[:I]',
    default: { kind: 'unit' },
    format: (v) => (v.kind === 'unit' ? 'unit' : v.kind === 'cifar' ? `cifar:${v.path}:${v.index}` : `${v.kind}:${v.index}`),
    parse: parseInputChoice,
  };
}

/** Where a fixed image comes from: the MNIST or Fashion-MNIST test set, or a CIFAR-10 binary batch file. */
export type ImageSource = { readonly kind: 'mnist' | 'fashion' } | { readonly kind: 'cifar'; readonly path: string };

/**
 * Image `index` of a source, with the data set opened up front: a missing or bad file is a UsageError
 * naming `flag` (one line, exit 2, before any output), an index past the end one that starts with
 * `indexText`.
 */
export function openImageInput(source: ImageSource, index: number, flag: string, indexText: string): ImageInput {
  const dataset = source.kind === 'fashion' ? 'fashion-mnist' : 'mnist';
  let count: number;
  try {
    count = source.kind === 'cifar' ? readCifarBatch(source.path).count : loadDataset(dataset).test.count;
  } catch (err) {
    if (err instanceof DatasetError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
  const where = source.kind === 'cifar' ? source.path : `the ${source.kind} test set`;
  if (index >= count) throw new UsageError(`${indexText}: ${where} holds ${count} images (0..${count - 1})`);
  return source.kind === 'cifar' ? { kind: 'cifar', path: path.resolve(source.path), index } : { kind: 'mnist', dataset, index };
}

/** --input, opened up front (openImageInput); null for unit inputs. */
export function resolveImageInput(c: InputChoice, flag = '--input'): ImageInput | null {
  return c.kind === 'unit' ? null : openImageInput(c, c.index, flag, `${flag}: image ${c.index} is out of range`);
}

/** The flag's text for an input, as the CSV's `input` column and the run record name it. */
export function inputText(c: InputChoice): string {
  if (c.kind === 'unit') return 'unit';
  return c.kind === 'cifar' ? `cifar:${path.basename(c.path)}:${c.index}` : `${c.kind}:${c.index}`;
}

/** What the run record says about a fixed image: where it came from, its label, and a hash of its pixels. */
export function describeImage(input: ImageInput): { source: string; index: number; label: number; pixels: number; sha256: string } {
  const set = input.kind === 'cifar' ? readCifarBatch(input.path) : loadDataset(input.dataset).test;
  const size = input.kind === 'cifar' ? set.images.length / set.count : (set as { features: number }).features;
  const bytes = set.images.subarray(input.index * size, (input.index + 1) * size);
  return {
    source: input.kind === 'cifar' ? input.path : `${input.dataset} test set`,
    index: input.index, label: set.labels[input.index], pixels: size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
