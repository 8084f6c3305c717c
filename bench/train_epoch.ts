// Seconds per MNIST training epoch of our loop, the peer of bench/torch_train.py: width = depth = d
// (d hidden ReLU layers of width d, a linear output of 10), He normal, batch 1024, lr 0.01, plain SGD,
// float32. Times the optimizer steps only (batch filling included; data loading and evaluation not).
//   node bench/train_epoch.js [--depths 50,100] [--steps N] [--backend NAME] [--dtype float32]
// --steps N times N full batches and scales to an epoch (60000/1024 batch-equivalents); 0 = a full epoch.
// --backend takes any name of lib/kernels/index.ts (wasm, once registered).

import { type DType, createBackend, loadMnist, type ImageDataset, train } from '../lib';
import { backendFlag, defineCli, enumFlag, intFlag, intListFlag, main as runMain, parseCli } from '../lib/experiments';

export interface EpochTiming { d: number; steps_timed: number; seconds_timed: number; cpu_seconds_timed: number; seconds_per_epoch: number; cpu_seconds_per_epoch: number; last_loss: number }

/** Seconds per epoch for each depth; steps = 0 times a full epoch, otherwise that many batches scaled up. */
export function timeEpochs(depths: readonly number[], steps: number, backend: string, dtype: DType, data: ImageDataset = loadMnist()): EpochTiming[] {
  const batch = 1024, n = data.train.count;
  const results: EpochTiming[] = [];
  for (const d of depths) {
    let t0 = 0, t1 = 0, c0 = process.cpuUsage(), cpu = 0, timed = 0, lastLoss = Number.NaN;
    train({
      widths: [784, ...new Array<number>(d).fill(d), 10], init: 'he_normal', seed: 0, batchSize: batch, lr: 0.01,
      dtype, maxEpochs: 1, stopAtTarget: false, limitTrain: steps === 0 ? null : steps * batch, limitTest: 1,
    }, {
      data, backend: createBackend(backend),
      // The clock starts after the evaluation at init and stops after the last step.
      onProgress: (e) => { if (e.type === 'eval' && e.step === 0) { t0 = performance.now(); c0 = process.cpuUsage(); } },
      onStep: (s) => { t1 = performance.now(); const c = process.cpuUsage(c0); cpu = (c.user + c.system) / 1e6; timed = s.step; lastLoss = s.loss; },
    });
    const secs = (t1 - t0) / 1000, scale = steps === 0 ? 1 : (n / batch) / timed;
    results.push({
      d, steps_timed: timed, seconds_timed: Number(secs.toFixed(3)), cpu_seconds_timed: Number(cpu.toFixed(3)),
      seconds_per_epoch: Number((secs * scale).toFixed(3)), cpu_seconds_per_epoch: Number((cpu * scale).toFixed(3)), last_loss: Number(lastLoss.toFixed(5)),
    });
  }
  return results;
}

const TRAIN_EPOCH_CLI = defineCli({
  name: 'train_epoch',
  kind: 'tool',
  summary: 'Seconds per MNIST training epoch of our loop (width = depth = d, He normal, batch 1024, lr 0.01).',
  flags: {
    depths: intListFlag('depths d', { default: [50, 100] }),
    steps: intFlag('batches timed and scaled to an epoch (0: a full epoch)', { default: 0, min: 0 }),
    backend: { ...backendFlag(), default: 'reference' },
    dtype: enumFlag(['float32', 'float64'] as const, 'dtype', { default: 'float32' }),
  },
});

function main(): void {
  const values = parseCli(TRAIN_EPOCH_CLI, process.argv.slice(2));
  if (values === null) return;
  const { depths, steps } = values;
  const results = timeEpochs(depths, steps, values.backend, values.dtype);
  process.stdout.write(JSON.stringify({ impl: 'start-training', backend: values.backend, batch: 1024, lr: 0.01, dtype: values.dtype, results }) + '\n');
}

if (require.main === module) runMain(main);
