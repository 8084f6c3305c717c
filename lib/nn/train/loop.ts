// The training loop of Figure 1(b): SGD on softmax cross-entropy until the test accuracy first reaches
// a target (20%) or an epoch limit (100). Plain-object config in, plain-object result out, progress by
// callback, nothing global: it runs unchanged in a worker thread. Deterministic given the seed: the
// initialization and the per-epoch shuffles draw from separate streams of it.

import type { Backend, DType, FloatArray } from '../../kernels/backend';
import { createBackend } from '../../kernels/index';
import { Rng } from '../../tensor/rng';
import { Tensor } from '../../tensor/tensor';
import { fillBatch, loadDataset, type DatasetName, type ImageDataset, type ImageSet } from '../../../data/mnist';
import { DenseClassifier } from '../dense/classifier';
import { ConvClassifier, type ConvModelSpec } from '../conv/classifier';
import { initializerById } from '../init';
import { checkResidualTrainSpec, ResidualClassifier, type ResidualTrainSpec } from '../residual/classifier';
import { SGD } from './sgd';
import type { Classifier } from './classifier';

/** The paper's protocol (paper-brief §4): batch 1024, fixed lr 0.01, at most 100 epochs, target 20% test accuracy. */
export const PAPER_PROTOCOL = { batchSize: 1024, lr: 0.01, maxEpochs: 100, target: 0.2 } as const;

/** Stream keys under the seed: independent streams for the weights and for the batch order. */
export const INIT_STREAM = 1;
export const SHUFFLE_STREAM = 2;

export interface TrainConfig {
  /** n_0 (784), the hidden widths, the classes (10). */
  readonly widths: readonly number[];
  /** Initializer id (lib/nn/init.ts) of the hidden layers, and of the output layer unless outputInit is set. */
  readonly init: string;
  readonly outputInit?: string;
  /**
   * A residual net instead of the dense one (Figure 3(b)): widths are then [n_in, n, C], with n the
   * stream width, and the modules as given here (lib/nn/residual/classifier.ts). Default null.
   */
  readonly residual?: ResidualTrainSpec | null;
  readonly seed: number;
  /** Default 'mnist'. */
  readonly dataset?: DatasetName;
  /** Default 'float32'. */
  readonly dtype?: DType;
  /** Defaults are PAPER_PROTOCOL's. */
  readonly batchSize?: number;
  readonly lr?: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly maxEpochs?: number;
  readonly target?: number;
  /** Also evaluate after every k optimizer steps (epochs to target then becomes fractional). Default: per epoch only. */
  readonly evalEverySteps?: number | null;
  /** Stop when the target is reached (default true). */
  readonly stopAtTarget?: boolean;
  /** Train on the first N training images only (default all 60,000). */
  readonly limitTrain?: number | null;
  /** Evaluate on the first N test images only (default all 10,000). */
  readonly limitTest?: number | null;
  /**
   * Train a conv net instead of a dense one (conv.js part (c)): its input shape (C·H·W must equal
   * widths[0]), conv layers and head. widths then only names the input size and the class count.
   */
  readonly conv?: ConvModelSpec | null;
}

export type TrainStatus = 'reached' | 'not_reached' | 'diverged' | 'stuck';

export interface EpochRecord {
  readonly epoch: number;
  /** Mean of the step losses of this epoch (each the batch mean before that step's update). */
  readonly train_loss: number;
  readonly test_acc: number;
  /** Seconds since training started. */
  readonly seconds: number;
}

export interface Evaluation {
  /** Epochs of training done (0 = at init; fractional when evaluating every k steps). */
  readonly epoch: number;
  readonly step: number;
  readonly test_acc: number;
}

export interface TrainResult {
  readonly config: Required<Omit<TrainConfig, 'outputInit'>> & { readonly outputInit: string };
  /**
   * reached: some evaluation hit the target (even if the run later diverged, with stopAtTarget off);
   * diverged: the loss or a parameter became NaN/±Inf; stuck: for one whole epoch the gradient reaching
   * the first layer was exactly zero on every batch (a dead layer: the input no longer reaches the loss,
   * and nothing below it can ever move again); not_reached: the epoch limit came first.
   */
  readonly status: TrainStatus;
  /**
   * epochsToTarget over `evaluations`, which start with the untrained net at epoch 0 (so a net that
   * is already at the target at init scores 0); null when never reached.
   */
  readonly epochs_to_target: number | null;
  readonly final_test_acc: number;
  readonly seconds: number;
  readonly steps: number;
  readonly history: EpochRecord[];
  readonly evaluations: Evaluation[];
}

export type ProgressEvent =
  | ({ readonly type: 'epoch' } & EpochRecord)
  | ({ readonly type: 'eval' } & Evaluation)
  | { readonly type: 'stop'; readonly status: TrainStatus; readonly epoch: number; readonly step: number };

export interface StepInfo {
  readonly step: number;
  readonly epoch: number;
  /** The batch's indices into the training set (a view: copy it to keep it). */
  readonly batch: Uint32Array;
  /** Batch mean cross-entropy before this step's update. */
  readonly loss: number;
}

export interface TrainEnv<M extends Classifier = DenseClassifier> {
  /** The data (default: loaded by config.dataset). */
  readonly data?: ImageDataset;
  /** Default the reference backend. */
  readonly backend?: Backend;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Called after every optimizer step (traces). */
  readonly onStep?: (info: StepInfo) => void;
  /** Called with the initialized model before the first step; the same object is trained in place. */
  readonly onInit?: (model: M) => void;
}

/**
 * The first evaluation point whose accuracy is at or above the target, in epochs (fractional for
 * evaluations between epoch ends); null when there is none. Points must be in training order.
 */
export function epochsToTarget(curve: ReadonlyArray<{ readonly epoch: number; readonly acc: number }>, target: number): number | null {
  for (const p of curve) if (p.acc >= target) return p.epoch;
  return null;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** The config with every default filled in and checked (the result echoes it). */
export function resolveConfig(c: TrainConfig): TrainResult['config'] {
  const r = {
    widths: c.widths.slice(),
    init: c.init,
    outputInit: c.outputInit ?? c.init,
    residual: c.residual ?? null,
    seed: c.seed,
    dataset: c.dataset ?? 'mnist',
    dtype: c.dtype ?? 'float32',
    batchSize: c.batchSize ?? PAPER_PROTOCOL.batchSize,
    lr: c.lr ?? PAPER_PROTOCOL.lr,
    momentum: c.momentum ?? 0,
    weightDecay: c.weightDecay ?? 0,
    maxEpochs: c.maxEpochs ?? PAPER_PROTOCOL.maxEpochs,
    target: c.target ?? PAPER_PROTOCOL.target,
    evalEverySteps: c.evalEverySteps ?? null,
    stopAtTarget: c.stopAtTarget ?? true,
    limitTrain: c.limitTrain ?? null,
    limitTest: c.limitTest ?? null,
    conv: c.conv ?? null,
  };
  if (!Number.isSafeInteger(r.seed) || r.seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${r.seed}`);
  positiveInt('batchSize', r.batchSize);
  if (!Number.isSafeInteger(r.maxEpochs) || r.maxEpochs < 0) throw new RangeError(`maxEpochs must be a non-negative integer, got ${r.maxEpochs}`);
  if (!(r.target >= 0 && r.target <= 1)) throw new RangeError(`target must be an accuracy in [0, 1], got ${r.target}`);
  if (r.evalEverySteps !== null) positiveInt('evalEverySteps', r.evalEverySteps);
  if (r.limitTrain !== null) positiveInt('limitTrain', r.limitTrain);
  if (r.limitTest !== null) positiveInt('limitTest', r.limitTest);
  if (r.dtype !== 'float32' && r.dtype !== 'float64') throw new RangeError(`dtype must be float32 or float64, got ${String(r.dtype)}`);
  if (r.residual !== null && r.conv !== null) throw new RangeError('a config names either a residual or a conv net, not both');
  if (r.residual !== null) {
    if (r.widths.length !== 3) throw new RangeError(`a residual net takes widths [n_in, n, classes], got [${r.widths.join(', ')}]`);
    checkResidualTrainSpec(r.residual);
  }
  return r;
}

/**
 * Fraction of the first `limit` images of `set` the model classifies correctly (argmax of the logits),
 * in batches of up to `buffer.length / features` images filled into `buffer`. Pass the training
 * loop's input buffer: backends that allocate from an arena (wasm) never free, so a fresh buffer per
 * evaluation would leak.
 */
export function evaluateAccuracy(model: Classifier, set: ImageSet, limit: number = set.count,
  buffer: FloatArray = model.backend.alloc(model.dtype, Math.min(limit, set.count, 1000) * set.features)): number {
  const n = Math.min(limit, set.count), f = set.features, C = model.classes;
  const rows = Math.min(Math.floor(buffer.length / f), n);
  if (rows < 1) throw new RangeError(`evaluateAccuracy: the buffer holds no ${f}-pixel image`);
  const xbuf = buffer, labels = new Int32Array(rows);
  let correct = 0;
  for (let start = 0; start < n; start += rows) {
    const count = Math.min(rows, n - start);
    fillBatch(set, null, start, count, xbuf, labels);
    const { logits } = model.forward(Tensor.fromData(xbuf.subarray(0, count * f), [count, f]));
    const z = logits.data;
    for (let r = 0; r < count; r++) {
      let best = 0;
      for (let j = 1; j < C; j++) if (z[r * C + j] > z[r * C + best]) best = j;
      if (best === labels[r]) correct++;
    }
    model.endStep();
  }
  return correct / n;
}

function allFinite(model: Classifier): boolean {
  for (const p of model.params) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}

/**
 * Trains a freshly initialized DenseClassifier (or, with config.conv, a ConvClassifier; with
 * config.residual, a ResidualClassifier) under `config`; see TrainResult for the outcome. M types the
 * model onInit sees.
 */
export function train<M extends Classifier = DenseClassifier>(config: TrainConfig, env: TrainEnv<M> = {}): TrainResult {
  const cfg = resolveConfig(config);
  const data = env.data ?? loadDataset(cfg.dataset);
  const backend = env.backend ?? createBackend('reference');
  const f = data.train.features;
  if (cfg.widths[0] !== f) throw new RangeError(`the first width must be the input size ${f}, got ${cfg.widths[0]}`);
  if (cfg.widths[cfg.widths.length - 1] !== data.classes) {
    throw new RangeError(`the last width must be the class count ${data.classes}, got ${cfg.widths[cfg.widths.length - 1]}`);
  }
  const model = (cfg.conv !== null
    ? new ConvClassifier(cfg.conv.input, cfg.conv.layers, cfg.conv.head, data.classes, initializerById(cfg.init), { dtype: cfg.dtype, backend })
    : cfg.residual !== null
      ? new ResidualClassifier(cfg.widths, cfg.residual, initializerById(cfg.init), { dtype: cfg.dtype, backend })
      : new DenseClassifier(cfg.widths, initializerById(cfg.init), { dtype: cfg.dtype, backend, outputInit: initializerById(cfg.outputInit) })) as Classifier as M;
  model.initialize(new Rng(cfg.seed, [INIT_STREAM]));
  env.onInit?.(model);
  const shuffler = new Rng(cfg.seed, [SHUFFLE_STREAM]);
  const sgd = new SGD(model.params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });

  const nTrain = Math.min(cfg.limitTrain ?? data.train.count, data.train.count);
  const nTest = Math.min(cfg.limitTest ?? data.test.count, data.test.count);
  const B = cfg.batchSize, stepsPerEpoch = Math.ceil(nTrain / B);
  const order = new Uint32Array(nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;
  // One input buffer and one label buffer for the whole run; the last, partial batch uses a prefix.
  const xbuf = backend.alloc(cfg.dtype, B * f), labels = new Int32Array(B);
  const firstLayerGrad = model.params[0];

  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const history: EpochRecord[] = [], evaluations: Evaluation[] = [];
  let step = 0, status: TrainStatus | null = null, reachedAt: number | null = null;

  const evaluate = (epoch: number): void => {
    const acc = evaluateAccuracy(model, data.test, nTest, xbuf);
    evaluations.push({ epoch, step, test_acc: acc });
    env.onProgress?.({ type: 'eval', epoch, step, test_acc: acc });
    if (reachedAt === null && acc >= cfg.target) reachedAt = epoch;
  };
  const done = (): boolean => status !== null || (reachedAt !== null && cfg.stopAtTarget);

  evaluate(0);
  for (let epoch = 1; epoch <= cfg.maxEpochs && !done(); epoch++) {
    shuffler.shuffle(order);
    let lossSum = 0, epochSteps = 0, inputReached = false;
    for (let s = 0; s < stepsPerEpoch && !done(); s++) {
      const start = s * B, count = Math.min(B, nTrain - start);
      fillBatch(data.train, order, start, count, xbuf, labels);
      const loss = model.loss(Tensor.fromData(xbuf.subarray(0, count * f), [count, f]), labels.subarray(0, count));
      const lossValue = loss.data[0];
      if (!Number.isFinite(lossValue)) {
        status = 'diverged';
        model.endStep();
        break;
      }
      loss.backward();
      if (!inputReached) inputReached = firstLayerGrad.grad!.data.some((g) => g !== 0);
      sgd.step();
      model.endStep();
      step++;
      epochSteps++;
      lossSum += lossValue;
      env.onStep?.({ step, epoch, batch: order.subarray(start, start + count), loss: lossValue });
      if (cfg.evalEverySteps !== null && step % cfg.evalEverySteps === 0 && s < stepsPerEpoch - 1) {
        evaluate(epoch - 1 + (s + 1) / stepsPerEpoch);
      }
    }
    if (status === null && !allFinite(model)) status = 'diverged';
    if (status === null && epochSteps === stepsPerEpoch && !inputReached) status = 'stuck';
    // Evaluate where the epoch ended, unless a k-step evaluation just did (it reached the target mid-epoch).
    if (evaluations[evaluations.length - 1].step !== step || epochSteps === 0) evaluate(epoch - 1 + epochSteps / stepsPerEpoch);
    const record: EpochRecord = {
      epoch,
      train_loss: epochSteps > 0 ? lossSum / epochSteps : Number.NaN,
      test_acc: evaluations[evaluations.length - 1].test_acc,
      seconds: seconds(),
    };
    history.push(record);
    env.onProgress?.({ type: 'epoch', ...record });
  }
  const finalStatus: TrainStatus = reachedAt !== null ? 'reached' : status ?? 'not_reached';
  env.onProgress?.({ type: 'stop', status: finalStatus, epoch: history.length, step });
  return {
    config: cfg,
    status: finalStatus,
    epochs_to_target: epochsToTarget(evaluations.map((e) => ({ epoch: e.epoch, acc: e.test_acc })), cfg.target),
    final_test_acc: evaluations[evaluations.length - 1].test_acc,
    seconds: seconds(),
    steps: step,
    history,
    evaluations,
  };
}
