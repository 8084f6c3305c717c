// CLI: train one net under the paper's protocol and print what happens (usage below). --trace writes
// what a PyTorch peer (bench/torch_replay.py) needs to replay the run step by step.

import type { DType } from '../kernels/backend';
import { createBackend } from '../kernels/index';
import { DatasetError, fillBatch, loadDataset, type DatasetName } from '../../data/mnist';
import { train, type TrainConfig } from '../nn/train/loop';
import { Tensor } from '../tensor/tensor';
import type { DenseClassifier } from '../nn/dense/classifier';
import { boolFlag, defineCli, enumFlag, intFlag, main, parseCli as parseFlags, seedFlag, UsageError } from './cli/cli';
import { writeFileAtomic } from './out/files';
import { trainingCost } from './cells/cost';
import { checkFits } from './run/plan';
import { backendFlag, classifierWidthsFlag, resolveDtype, initFlag, limitFlags, limitOrNull, outputFileFlag, protocolFlags } from './cli/flags';

export const TRAIN_CLI = defineCli({
  name: 'train',
  kind: 'tool',
  summary: 'Train one net under the paper\'s protocol and print what happens.',
  flags: {
    widths: classifierWidthsFlag('widths n_0,...,n_d: 784 inputs, the hidden widths, 10 classes (required), e.g. 784,100,100,10'),
    init: initFlag('initializer id (see node lib/experiments/inits.js)', 'he_normal'),
    epochs: intFlag('epochs to run (the paper allows 100)', { default: 3, min: 0 }),
    seed: seedFlag(1),
    ...protocolFlags(),
    dtype: enumFlag(['float32', 'float64'] as const, 'training dtype', { default: 'float32' }),
    ...limitFlags({ train: 0, test: 0 }),
    'stop-at-target': boolFlag('stop once the target test accuracy is reached'),
    trace: outputFileFlag('write the initial parameters, every step\'s batch indices and loss, and the final parameters as JSON to FILE'),
    json: boolFlag('print the result object as JSON'),
    backend: backendFlag(),
  },
  epilog: `Prints the per-layer forward statistics at init (M_j = |a_j|^2/n_j over the first batch, and the
fraction of active units), then loss and test accuracy per epoch. Training runs all epochs unless
--stop-at-target. Bad input or missing data: one line on stderr, exit code 2.
  node lib/experiments/train.js --widths 784,100,100,10 --init he_normal --epochs 3 --seed 1`,
});

export interface CliArgs {
  readonly config: TrainConfig;
  readonly backend: string;
  readonly trace: string | null;
  readonly json: boolean;
}

/** Parses argv (without node and the script) into a training config; throws UsageError on bad input. */
export function parseCli(argv: readonly string[], stdout: NodeJS.WritableStream = process.stdout): CliArgs | null {
  const a = parseFlags(TRAIN_CLI, argv, stdout);
  if (a === null) return null;
  resolveDtype(a.dtype, a.backend, 'training');
  const config: TrainConfig = {
    widths: a.widths,
    init: a.init,
    seed: a.seed,
    dataset: a.dataset as DatasetName,
    dtype: a.dtype as DType,
    batchSize: a.batch,
    lr: a.lr,
    maxEpochs: a.epochs,
    target: a.target,
    evalEverySteps: a['eval-every'] === 0 ? null : a['eval-every'],
    stopAtTarget: a['stop-at-target'],
    limitTrain: limitOrNull(a['limit-train']),
    limitTest: limitOrNull(a['limit-test']),
  };
  checkFits(trainingCost({ config, backend: a.backend }), `training a net of widths ${a.widths.join(',')} with batch ${a.batch}`);
  return { config, backend: a.backend, trace: a.trace, json: a.json };
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
  if (args === null) return;
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
