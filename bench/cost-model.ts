// The cost model of --plan (lib/experiments/cells/cost.ts) against measurement: a few cells of every
// task, timed as CPU seconds of this process (other jobs on a shared machine disturb it less than
// wall time), each printed beside the model's estimate. Rerun it after changing a kernel, and update
// the rates in cost.ts when the ratio drifts far from 1. With wasm among the backends it also prints
// the arena bytes a training run holds (conv (c)'s nets, with partial batches) beside the memory
// model, whose ratio must stay at least 1: below it a planned run dies with "arena exhausted".
//
//   node bench/cost-model.js [--backends wasm,reference,gpujs:cpu]

import { createBackend, loadMnist, train, type TrainConfig, type WasmBackend } from '../lib';
import {
  convCost, defineCli, fm2Cost, lengthsCost, main as runMain, parseCli, partCStacks, residualCost, runConvCell, runFm2Cell, runLengthCell,
  runResidualCell, runTrainCell, stringFlag, trainingCost, TRAIN_INPUT, type CellCost,
} from '../lib/experiments';

const COST_CLI = defineCli({
  name: 'cost-model',
  kind: 'tool',
  summary: 'Time a few cells of every task and print them beside the --plan cost model.',
  flags: { backends: stringFlag('comma list of backends', { default: 'wasm,reference,gpujs:cpu', metavar: 'LIST' }) },
});

function cpuSeconds(f: () => unknown): number {
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1e6;
}

function row(task: string, backend: string, what: string, seconds: number, cost: CellCost): void {
  process.stdout.write(`${task.padEnd(9)} ${backend.padEnd(10)} ${what.padEnd(22)} measured ${seconds.toFixed(3).padStart(8)} s   model ${cost.seconds.toFixed(3).padStart(8)} s   ratio ${(cost.seconds / seconds).toFixed(2)}\n`);
}

function measure(backend: string): void {
  const b = createBackend(backend);
  const dtype = b.dtypes.includes('float64') ? 'float64' : 'float32';
  const slow = backend.startsWith('gpujs') ? 10 : backend === 'reference' ? 4 : 1;
  for (const [w, d, nets] of [[20, 20, 200], [50, 50, 100]]) {
    const p = { init: 'he_normal', widths: new Array<number>(d + 1).fill(w), nets: Math.ceil(nets / slow), seed: 1, input: null, dtype, backend } as const;
    runLengthCell({ ...p, nets: 2 }, b);
    row('lengths', backend, `width=depth=${w}`, cpuSeconds(() => runLengthCell(p, b)), lengthsCost(p));
  }
  if (dtype === 'float64') {
    const p = { init: 'he_normal', widths: [784, ...new Array<number>(20).fill(50)], nets: 20000, seed: 1, method: 'exact_sampler', backend } as const;
    row('fm2', backend, 'sampler 20×50', cpuSeconds(() => runFm2Cell(p, b)), fm2Cost(p));
  }
  const r = { convention: 'linear', schedule: 'inv', modules: [1, 10, 50], width: 32, hidden: [32], init: 'he_normal', nets: Math.ceil(100 / slow), seed: 1, dtype, backend } as const;
  row('residual', backend, 'L=50 n=32', cpuSeconds(() => runResidualCell(r, b)), residualCost(r));
  const layers = new Array(10).fill({ outChannels: 8, kh: 3, kw: 3, stride: 1, padding: 'same' });
  const c = { init: 'he_normal', input: { kind: 'unit', shape: [3, 8, 8] }, layers, nets: Math.ceil(50 / slow), seed: 1, dtype, backend } as const;
  row('conv', backend, 'd=10 C=8 8×8', cpuSeconds(() => runConvCell(c, b)), convCost(c));
  const t = {
    config: { widths: [784, 100, 100, 100, 10], init: 'he_normal', seed: 1, dtype: 'float32', batchSize: 1024, lr: 0.01, maxEpochs: 1, target: 1, stopAtTarget: false,
      limitTrain: Math.ceil(16384 / slow), limitTest: 2000 }, backend,
  } as const;
  row('training', backend, 'epoch 784-100³-10', cpuSeconds(() => runTrainCell(t)), trainingCost(t));
}

function arena(): void {
  const data = loadMnist();
  // conv.js part (c)'s nets at its paper sizes: 3×3 'same', 16 channels, the first layer stride 2, flatten head.
  const [conv5, conv10] = partCStacks({ kernel: 3, stride: 1, padding: 'same', 'train-depths': [5, 10], 'train-channels': 16, 'train-stride': 2 })
    .map((layers) => ({ input: TRAIN_INPUT, layers, head: 'flatten' as const }));
  // 1,632 = 1,024 + 608 and 1,808 = 1,024 + 784: the partial batches of full MNIST's 60,000 and 10,000.
  const base = { init: 'he_normal', seed: 1, batchSize: 1024, lr: 0.01, maxEpochs: 1, target: 1, stopAtTarget: false, limitTrain: 1632, limitTest: 1808 } as const;
  const cases: [string, TrainConfig][] = [
    ['784-100³-10', { ...base, widths: [784, 100, 100, 100, 10] }],
    ['conv d=5 C=16', { ...base, widths: [784, 10], conv: conv5 }],
    ['conv d=10 C=16', { ...base, widths: [784, 10], conv: conv10 }],
  ];
  for (const [what, config] of cases) {
    const backend = createBackend('wasm') as WasmBackend, free = backend.bytesFree;
    train(config, { data, backend });
    const used = free - backend.bytesFree, model = trainingCost({ config, backend: 'wasm' }).pool!.bytes;
    process.stdout.write(`${'arena'.padEnd(9)} ${'wasm'.padEnd(10)} ${what.padEnd(22)} measured ${(used / 2 ** 20).toFixed(1).padStart(8)} MiB model ${(model / 2 ** 20).toFixed(1).padStart(8)} MiB ratio ${(model / used).toFixed(2)}\n`);
  }
}

runMain(() => {
  const a = parseCli(COST_CLI, process.argv.slice(2));
  if (a === null) return;
  const backends = a.backends.split(',').map((s) => s.trim());
  for (const backend of backends) measure(backend);
  if (backends.includes('wasm')) arena();
});
