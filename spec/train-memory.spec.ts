// What a training run holds in the wasm backend's arena, which never frees single arrays: a run's
// partial last batch and its evaluation batches must cost nothing beyond the full batches
// (BufferPool.take hands out prefixes), and --plan's estimate (trainingCost) must bound what a run
// actually holds, or a planned run dies with "arena exhausted" as conv (c) once did.
import { expect } from 'chai';
import { loadMnist, type ImageDataset } from '../data/mnist';
import { trainingCost } from '../lib/experiments/cells/cost';
import { partCStacks, TRAIN_INPUT } from '../lib/experiments/cli/conv';
import { createBackend } from '../lib/kernels/index';
import type { WasmBackend } from '../lib/kernels/wasm';
import { train, type TrainConfig } from '../lib/nn/train/loop';

// conv.js part (c)'s net (first layer stride 2, flatten head), small: 3 layers of 4 channels.
const [conv] = partCStacks({ kernel: 3, stride: 1, padding: 'same', 'train-depths': [3], 'train-channels': 4, 'train-stride': 2 })
  .map((layers) => ({ input: TRAIN_INPUT, layers, head: 'flatten' as const }));

const base = { init: 'he_normal', seed: 1, batchSize: 256, lr: 0.01, maxEpochs: 1, target: 1, stopAtTarget: false } as const;
const nets: Record<string, TrainConfig> = {
  dense: { ...base, widths: [784, 64, 64, 64, 10] },
  residual: { ...base, widths: [784, 32, 10], residual: { convention: 'relu', schedule: 'inv', modules: 4, hidden: [32] } },
  conv: { ...base, widths: [784, 10], conv },
};

/** Arena bytes a run leaves taken (the arena never frees, so this is the run's peak). */
function arenaBytes(config: TrainConfig, data: ImageDataset): number {
  const backend = createBackend('wasm') as WasmBackend;
  const free = backend.bytesFree;
  train(config, { data, backend });
  return free - backend.bytesFree;
}

describe('training memory on the wasm arena', () => {
  let data: ImageDataset;
  before(() => { data = loadMnist(); });

  for (const [name, config] of Object.entries(nets)) {
    it(`${name}: partial training and evaluation batches take no arena beyond whole ones, and --plan's estimate bounds it`, () => {
      // 2 full batches, then 2 full and a partial (136 images) for training, 3 + a partial (40) for evaluation.
      const whole = arenaBytes({ ...config, limitTrain: 512, limitTest: 768 }, data);
      const partial = { ...config, limitTrain: 648, limitTest: 808 };
      const used = arenaBytes(partial, data);
      expect(used).to.equal(whole);
      expect(trainingCost({ config: partial, backend: 'wasm' }).pool!.bytes).to.be.at.least(used);
    });
  }
});
