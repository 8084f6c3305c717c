// What every cell task shares: the params of a cell of dense nets, a stable numeric key for a string
// (to seed per-cell streams), one stream per net, one backend per worker thread, and one copy of each
// dataset per worker thread.

import type { Backend } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import { DatasetError, loadDataset, type DatasetName, type ImageDataset } from '../../../data/mnist';
import { Rng } from '../../tensor/rng';
import { UsageError } from '../errors';

/** A cell of `nets` independent dense nets of one architecture and initializer. */
export interface DenseCellParams {
  readonly init: string;
  /** Widths n_0..n_d. */
  readonly widths: readonly number[];
  readonly nets: number;
  /** The master seed. */
  readonly seed: number;
}

/** A stable 32-bit key for a string (FNV-1a), so streams depend on an id, not on list order. */
export function stringKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Runs `draw` for the nets k = 0..nets − 1 of a cell, each with a stream of its own from the master
 * seed, the cell's keys and k: results do not depend on worker count, order or sharding.
 */
export function forEachNet(seed: number, keys: readonly number[], nets: number, backend: Backend | undefined, draw: (rng: Rng, k: number) => void): void {
  for (let k = 0; k < nets; k++) draw(new Rng(seed, [...keys, k], backend), k);
}

const backends = new Map<string, Backend>();

/** The backend of that name, created once per thread and shared by the cells (and tasks) it runs. */
export function threadBackend(name: string): Backend {
  let b = backends.get(name);
  if (b === undefined) {
    b = createBackend(name);
    backends.set(name, b);
  }
  return b;
}

const datasets = new Map<DatasetName, ImageDataset>();

/** The dataset of that name, loaded once per thread and shared by the cells it runs. */
export function threadDataset(name: DatasetName): ImageDataset {
  let d = datasets.get(name);
  if (d === undefined) {
    try {
      d = loadDataset(name);
    } catch (err) {
      // The user's to fix (install or reinstall the data): exit 2 with one line, from any thread.
      if (err instanceof DatasetError) throw new UsageError(err.message);
      throw err;
    }
    datasets.set(name, d);
  }
  return d;
}
