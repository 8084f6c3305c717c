// CIFAR-10 from a user-supplied file in the standard binary batch format (data_batch_1.bin ...
// test_batch.bin): records of 1 label byte (0..9) then 3,072 pixel bytes, the red, green and blue
// 32×32 planes in turn, each row-major. That is already C×H×W, the conv layers' layout. There is no
// offline source (paper-brief §6), so the path comes from the user and every failure is one line
// (a DatasetError, as for MNIST).

import * as fs from 'node:fs';
import { DatasetError } from './verify';

export const CIFAR_CHANNELS = 3;
export const CIFAR_SIZE = 32;
export const CIFAR_PIXELS = CIFAR_CHANNELS * CIFAR_SIZE * CIFAR_SIZE;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;
export const CIFAR_CLASSES = 10;

export interface CifarBatch {
  readonly file: string;
  readonly count: number;
  readonly labels: Uint8Array;
  /** count × 3,072 pixel bytes, each image C×H×W. */
  readonly images: Uint8Array;
}

/** Parses a batch held in memory; `file` only names it in errors. */
export function parseCifarBatch(buf: Uint8Array, file: string): CifarBatch {
  if (buf.length === 0) throw new DatasetError(`${file}: empty file, not a CIFAR-10 binary batch`);
  if (buf.length % CIFAR_RECORD !== 0) {
    throw new DatasetError(`${file}: ${buf.length} bytes is not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records (1 label + 3072 pixels)`);
  }
  const count = buf.length / CIFAR_RECORD;
  const labels = new Uint8Array(count), images = new Uint8Array(count * CIFAR_PIXELS);
  for (let i = 0; i < count; i++) {
    const base = i * CIFAR_RECORD, label = buf[base];
    if (label >= CIFAR_CLASSES) throw new DatasetError(`${file}: record ${i} has label ${label}, expected 0..9 (not a CIFAR-10 batch?)`);
    labels[i] = label;
    images.set(buf.subarray(base + 1, base + CIFAR_RECORD), i * CIFAR_PIXELS);
  }
  return { file, count, labels, images };
}

export function readCifarBatch(file: string): CifarBatch {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new DatasetError(`cannot read CIFAR-10 batch ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseCifarBatch(buf, file);
}

/** Image i as C×H×W floats in [0, 1] (pixel/255, the brief's input scaling). */
export function cifarImage(batch: CifarBatch, i: number): Float64Array {
  if (!Number.isInteger(i) || i < 0 || i >= batch.count) throw new DatasetError(`${batch.file}: image ${i} out of range 0..${batch.count - 1}`);
  const out = new Float64Array(CIFAR_PIXELS), src = batch.images.subarray(i * CIFAR_PIXELS, (i + 1) * CIFAR_PIXELS);
  for (let k = 0; k < CIFAR_PIXELS; k++) out[k] = src[k] / 255;
  return out;
}
