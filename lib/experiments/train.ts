// CLI: train one net under the paper's protocol and print what happens (usage below). --trace writes
// what a PyTorch peer (bench/torch_replay.py) needs to replay the run step by step.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { DType } from '../kernels/backend';
import { createBackend } from '../kernels/index';
import { DatasetError, fillBatch, loadDataset, type DatasetName } from '../../data/mnist';
import { initializerById } from '../nn/init';
import { train, type TrainConfig } from '../nn/train/loop';
import { Tensor } from '../tensor/tensor';
import type { DenseClassifier } from '../nn/dense/classifier';
import { main, UsageError } from './cli/cli';
import { writeFileAtomic } from './out/files';
import { checkBackend, defaultBackend } from './cli/flags';

const USAGE = `Train one net and print what happens.
  node lib/experiments/train.js --widths 784,100,100,10 --init he_normal --epochs 3 --seed 1
    [--dtype float32|float64] [--batch 1024] [--lr 0.01] [--limit-train N] [--limit-test N]
    [--target 0.2] [--eval-every K] [--stop-at-target] [--dataset mnist|fashion-mnist]
    [--trace FILE] [--json] [--backend NAME]
Prints the per-layer forward statistics at init (M_j = |a_j|^2/n_j over the first batch, and the
fraction of active units), then loss and test accuracy per epoch. --trace FILE writes the initial
parameters, every step's batch indices and loss, and the final parameters as JSON. --json prints
the result object. Defaults: --init he_normal, --epochs 3 (the paper allows 100), --seed 1, the
paper's --batch 1024 and --lr 0.01, float32, the fastest backend here; training runs all epochs
unless --stop-at-target. Bad input or missing data: one line on stderr, exit code 2.
`;

const OPTIONS = {
  widths: { type: 'string' },
  init: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  dtype: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'limit-train': { type: 'string' },
  'limit-test': { type: 'string' },
  target: { type: 'string' },
  'eval-every': { type: 'string' },
  'stop-at-target': { type: 'boolean' },
  dataset: { type: 'string' },
  trace: { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean' },
} as const;

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  }
  return Number(v);
}

function num(name: string, v: string | undefined, ok: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} must be ${what}, got '${v}'`);
  return x;
}

export interface CliArgs {
  readonly config: TrainConfig;
  readonly backend: string;
  readonly trace: string | null;
  readonly json: boolean;
}

/** Parses argv (without node and the script) into a training config; throws UsageError on bad input. */
export function parseCli(argv: readonly string[]): CliArgs | null {
  let values;
  try {
    ({ values } = parseArgs({ args: argv.slice(), options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (values.help === true) return null;
  if (values.widths === undefined) throw new UsageError('--widths is required, e.g. --widths 784,100,100,10');
  const widths = values.widths.split(',').map((w) => w.trim());
  if (widths.some((w) => !/^\d+$/.test(w) || Number(w) < 1)) {
    throw new UsageError(`--widths must be comma-separated positive integers, got '${values.widths}'`);
  }
  const n = widths.map(Number);
  if (n.length < 3) throw new UsageError(`--widths needs the input, at least one hidden width and the output, got '${values.widths}'`);
  if (n[0] !== 784) throw new UsageError(`--widths must start with 784 (28×28 inputs), got ${n[0]}`);
  if (n[n.length - 1] !== 10) throw new UsageError(`--widths must end with 10 (the classes), got ${n[n.length - 1]}`);
  const init = values.init ?? 'he_normal';
  try {
    initializerById(init);
  } catch (e) {
    throw new UsageError(`--init: ${(e as Error).message}`);
  }
  const dtype = values.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new UsageError(`--dtype must be float32 or float64, got '${dtype}'`);
  const dataset = values.dataset ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new UsageError(`--dataset must be mnist or fashion-mnist, got '${dataset}'`);
  // The fastest correct backend here by default (wasm once it is registered).
  const backend = values.backend ?? defaultBackend();
  checkBackend(backend);
  if (!createBackend(backend).dtypes.includes(dtype)) throw new UsageError(`--backend ${backend} does not compute in ${dtype}`);
  const config: TrainConfig = {
    widths: n,
    init,
    seed: int('seed', values.seed, 0) ?? 1,
    dataset: dataset as DatasetName,
    dtype: dtype as DType,
    batchSize: int('batch', values.batch, 1),
    lr: num('lr', values.lr, (x) => x > 0, 'a positive number'),
    maxEpochs: int('epochs', values.epochs, 0) ?? 3,
    target: num('target', values.target, (x) => x >= 0 && x <= 1, 'an accuracy in [0, 1]'),
    evalEverySteps: int('eval-every', values['eval-every'], 1) ?? null,
    stopAtTarget: values['stop-at-target'] === true,
    limitTrain: int('limit-train', values['limit-train'], 1) ?? null,
    limitTest: int('limit-test', values['limit-test'], 1) ?? null,
  };
  const trace = values.trace ?? null;
  // Fail before training, not after it, when the trace cannot be written.
  if (trace !== null && !fs.existsSync(path.dirname(path.resolve(trace)))) {
    throw new UsageError(`--trace: folder ${path.dirname(trace)} does not exist`);
  }
  return { config, backend, trace, json: values.json === true };
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * The CLI body. Bad flags and missing or corrupt data are UsageErrors (the user can fix both):
 * main() prints them as one line `error: ...` and exits with code 2.
 */
export function runTrainCli(argv: readonly string[]): void {
  const args = parseCli(argv);
  if (args === null) {
    process.stdout.write(USAGE);
    return;
  }
  const { config, trace } = args;
  let data;
  try {
    data = loadDataset(config.dataset ?? 'mnist');
  } catch (e) {
    throw e instanceof DatasetError ? new UsageError(e.message) : e;
  }
  const backend = createBackend(args.backend);
  const steps: Array<{ batch: number[]; loss: number }> = [];
  let model: DenseClassifier | null = null;
  let initialParams: unknown = null;
  const log = (s: string) => { if (!args.json) process.stdout.write(s + '\n'); };
  log(`${data.name}: widths ${config.widths.join(',')}, init ${config.init}, seed ${config.seed}, dtype ${config.dtype}, backend ${backend.name}`);

  const result = train(config, {
    data,
    backend,
    onInit: (m) => {
      model = m;
      if (trace !== null) initialParams = m.paramsToJSON();
      // Statistics on the first training batch (images 0..B−1), before any update.
      const B = Math.min(config.batchSize ?? 1024, config.limitTrain ?? data.train.count), f = data.train.features;
      const x = Tensor.zeros([B, f], m.dtype, (dt, len) => m.backend.alloc(dt, len));
      fillBatch(data.train, null, 0, B, x.data, new Int32Array(B));
      log('init statistics over the first batch (M_j = |a_j|^2/n_j, batch mean):');
      log('   j    n_j         M_j   active');
      for (const s of m.statistics(x)) log(`${String(s.j).padStart(4)} ${String(s.n).padStart(6)} ${s.M.toExponential(4).padStart(11)}   ${fmt(s.fractionActive, 3)}`);
    },
    onStep: trace === null ? undefined : (s) => { steps.push({ batch: Array.from(s.batch), loss: s.loss }); },
    onProgress: (e) => {
      if (e.type === 'eval' && e.step === 0) log(`epoch 0: test_acc ${fmt(e.test_acc)}`);
      else if (e.type === 'eval' && !Number.isInteger(e.epoch)) log(`  epoch ${e.epoch.toFixed(3)} (step ${e.step}): test_acc ${fmt(e.test_acc)}`);
      else if (e.type === 'epoch') log(`epoch ${e.epoch}: loss ${fmt(e.train_loss)} test_acc ${fmt(e.test_acc)} (${e.seconds.toFixed(1)} s)`);
    },
  });
  const target = result.config.target;
  log(`${result.status}: epochs to ${(target * 100).toFixed(0)}% ${result.epochs_to_target ?? 'n/a'}, final test_acc ${fmt(result.final_test_acc)}, ${result.steps} steps in ${result.seconds.toFixed(1)} s`);
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  if (trace !== null && model !== null) {
    const finalParams = (model as DenseClassifier).paramsToJSON();
    writeFileAtomic(trace, JSON.stringify({ config: result.config, initial_params: initialParams, steps, final_params: finalParams, result }));
    log(`trace written to ${trace}`);
  }
}

if (require.main === module) main(() => runTrainCli(process.argv.slice(2)));
