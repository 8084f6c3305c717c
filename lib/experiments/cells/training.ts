// The cell task behind every "does it start training?" panel (Figures 1(b), 2(b), 3(b), conv (c)):
// one training run under the paper's protocol, reduced to what the CSVs need. Runs in a worker;
// the dataset is loaded once per thread.

import { inArena, type Backend } from '../../kernels/backend';
import { DatasetError, loadDataset, type DatasetName, type ImageDataset } from '../../../data/mnist';
import { UsageError } from '../errors';
import { train, type TrainConfig, type TrainStatus } from '../../nn/train/loop';
import { threadBackend } from './shared';
import type { ReportProgress } from '../run/task';
import { cellTask } from './task';

export interface TrainCellParams {
  readonly config: TrainConfig;
  readonly backend: string;
}

export interface TrainCellResult {
  readonly status: TrainStatus;
  readonly epochs_to_target: number | null;
  readonly final_test_acc: number;
  readonly epochs_run: number;
  readonly seconds: number;
  /** Test accuracy at each evaluation: [epoch, accuracy] pairs, epoch 0 = at init. */
  readonly curve: [number, number][];
}

const datasets = new Map<DatasetName, ImageDataset>();

/** The task behind every training panel: one run under the paper's protocol. */
export const trainingTask = cellTask<TrainCellParams, TrainCellResult>('training', (p, progress) => runTrainCell(p, progress));

export function runTrainCell(p: TrainCellParams, progress: ReportProgress = () => {}): TrainCellResult {
  const name = p.config.dataset ?? 'mnist';
  let data = datasets.get(name);
  if (data === undefined) {
    try {
      data = loadDataset(name);
    } catch (err) {
      // The user's to fix (install or reinstall the data): exit 2 with one line, from any thread.
      if (err instanceof DatasetError) throw new UsageError(err.message);
      throw err;
    }
    datasets.set(name, data);
  }
  const backend = threadBackend(p.backend);
  const maxEpochs = p.config.maxEpochs ?? 100;
  // The model, batch buffers and autograd pool live in the backend's memory for this run only: an
  // arena backend (wasm) never frees single arrays, so a worker running many runs would run out.
  return inArena(backend, () => trainCell(p, data, backend, maxEpochs, progress));
}

function trainCell(p: TrainCellParams, data: ImageDataset, backend: Backend, maxEpochs: number, progress: ReportProgress): TrainCellResult {
  const r = train(p.config, {
    data, backend,
    onProgress: (e) => {
      if (e.type === 'epoch') progress(e.epoch / Math.max(1, maxEpochs), `epoch ${e.epoch}/${maxEpochs} acc ${(100 * e.test_acc).toFixed(1)}%`);
    },
  });
  return {
    status: r.status,
    epochs_to_target: r.epochs_to_target,
    final_test_acc: r.final_test_acc,
    epochs_run: r.history.length,
    seconds: r.seconds,
    curve: r.evaluations.map((e) => [e.epoch, e.test_acc]),
  };
}
