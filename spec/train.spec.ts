import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadMnist, type ImageDataset } from '../data/mnist';
import type { DenseClassifier } from '../lib/nn/dense/classifier';
import { UsageError } from '../lib/experiments/cli/cli';
import { parseCli } from '../lib/experiments/train';
import { epochsToTarget, PAPER_PROTOCOL, resolveConfig, train, type TrainConfig, type TrainResult } from '../lib/nn/train/loop';
import { describeOnBackends } from './backends';

describe('epochsToTarget', () => {
  const curve = (accs: number[], step = 1) => accs.map((acc, i) => ({ epoch: i * step, acc }));
  it('is the first evaluation at or above the target', () => {
    expect(epochsToTarget(curve([0.1, 0.15, 0.2, 0.5]), 0.2)).to.equal(2);
    expect(epochsToTarget(curve([0.1, 0.25, 0.19, 0.3]), 0.2)).to.equal(1); // later dips do not matter
    expect(epochsToTarget(curve([0.21]), 0.2)).to.equal(0); // at init
  });
  it('is null when the target is never reached, or the curve is empty', () => {
    expect(epochsToTarget(curve([0.1, 0.199999, 0.11]), 0.2)).to.equal(null);
    expect(epochsToTarget([], 0.2)).to.equal(null);
  });
  it('is fractional for evaluations between epoch ends', () => {
    expect(epochsToTarget(curve([0.1, 0.12, 0.3, 0.4], 0.25), 0.2)).to.equal(0.5);
  });
});

// A small configuration that trains in a fraction of a second: 2,000 training images, batch 32.
const small: TrainConfig = {
  widths: [784, 32, 10], init: 'he_normal', seed: 1, batchSize: 32, lr: 0.1, maxEpochs: 1,
  limitTrain: 2000, limitTest: 1000, stopAtTarget: false,
};

// Training computes in float32 (the paper protocol's dtype) on every backend.
describeOnBackends('training loop', (b) => {
  let data: ImageDataset;
  before(() => { data = loadMnist(); });
  const env = () => ({ data, backend: b.backend });
  expect(b.dtype).to.equal(resolveConfig(small).dtype);

  it('a small net clearly beats chance after one epoch on 2,000 images', () => {
    // Chance: an untrained or constant predictor scores about 10% (at most the majority class share,
    // 12% of these 1,000 test images); 5 binomial SDs above 10% is 14.7%. Over seeds 1..30 this
    // configuration reached 72.3%..78.7% (mean 76%, SD 2%), so 50% is far above chance and far below
    // what a working loop gets: a failure means the gradients or the update are wrong.
    const r = train(small, env());
    expect(r.final_test_acc).to.be.above(0.5);
    expect(r.status).to.equal('reached');
    expect(r.epochs_to_target).to.equal(1);
    expect(r.steps).to.equal(63); // ⌈2000/32⌉, the last batch partial
    expect(r.history).to.have.length(1);
    expect(r.history[0].train_loss).to.be.below(Math.log(10));
  });

  it('is deterministic given the seed, and the seed matters', () => {
    const cfg = { ...small, limitTrain: 256, limitTest: 200 };
    const a = train(cfg, env()), c = train({ ...cfg, seed: 2 }, env());
    const again = train(cfg, env());
    expect(again.history.map((h) => h.train_loss)).to.deep.equal(a.history.map((h) => h.train_loss));
    expect(again.evaluations).to.deep.equal(a.evaluations);
    expect(c.history[0].train_loss).to.not.equal(a.history[0].train_loss);
  });

  it('the buffer pool allocates nothing after the first epoch (training steps and evaluations)', () => {
    let model: DenseClassifier | null = null;
    const allocated: number[] = [];
    train({ ...small, limitTrain: 100, batchSize: 30, maxEpochs: 3, limitTest: 70, evalEverySteps: 2 }, {
      ...env(),
      onInit: (m) => { model = m; },
      onProgress: (e) => { if (e.type === 'epoch') allocated.push(model!.ctx.pool.allocated); },
    });
    expect(allocated).to.have.length(3);
    expect(allocated[2]).to.equal(allocated[0]);
  });

  it('reports diverged when the loss becomes NaN', () => {
    // A NaN output bias makes every logit row NaN whatever the weights drew (a NaN weight reaches the
    // loss only through an active unit, which depends on the random stream).
    const r = train({ ...small, maxEpochs: 3, limitTrain: 64 }, { ...env(), onInit: (m) => { m.outputBias.data[0] = Number.NaN; } });
    expect(r.status).to.equal('diverged');
    expect(r.history).to.have.length(1);
    expect(r.steps).to.equal(0);
  });

  it('reports stuck when a dead layer keeps every gradient from reaching the input for an epoch', () => {
    // Non-positive first-layer weights on non-negative pixels with zero biases: every a_1 is 0.
    const r = train({ ...small, maxEpochs: 5, limitTrain: 64 }, {
      ...env(), onInit: (m) => { m.hidden.weights[0].data.forEach((w, i, d) => { d[i] = -Math.abs(w); }); },
    });
    expect(r.status).to.equal('stuck');
    expect(r.history).to.have.length(1);
  });

  it('trains a residual net from config.residual, deterministically, and checks the config', () => {
    const cfg = {
      widths: [784, 16, 10], init: 'he_normal', seed: 3, batchSize: 32, lr: 0.05, maxEpochs: 1, limitTrain: 1000, limitTest: 500,
      stopAtTarget: false, residual: { convention: 'relu' as const, schedule: 'inv', modules: 3, hidden: [16] },
    };
    const a = train(cfg, env()), again = train(cfg, env());
    expect(a.status).to.equal('reached'); // 20% after 32 small steps: the residual net does learn
    expect(a.final_test_acc).to.equal(again.final_test_acc);
    expect(a.history[0].train_loss).to.equal(again.history[0].train_loss);
    expect(() => resolveConfig({ ...cfg, widths: [784, 16, 16, 10] })).to.throw(/\[n_in, n, classes\]/);
    expect(() => resolveConfig({ ...cfg, residual: { ...cfg.residual, schedule: 'foo' } })).to.throw(/unknown schedule/);
  });
}, { dtype: 'float32' });

// The loop's bookkeeping, which no kernel touches: on the default (reference) backend only.
describe('training loop: configuration, order, stopping', () => {
  let data: ImageDataset;
  before(() => { data = loadMnist(); });

  it('defaults to the paper protocol: batch 1024, lr 0.01, 100 epochs, target 20%, float32', () => {
    const c = resolveConfig({ widths: [784, 10, 10], init: 'he_normal', seed: 0 });
    expect([c.batchSize, c.lr, c.maxEpochs, c.target, c.dtype]).to.deep.equal([1024, 0.01, 100, 0.2, 'float32']);
    expect(PAPER_PROTOCOL).to.deep.equal({ batchSize: 1024, lr: 0.01, maxEpochs: 100, target: 0.2 });
    expect(resolveConfig({ widths: [784, 10, 10], init: 'he_normal', seed: 0, momentum: 0, maxEpochs: 0 }).maxEpochs).to.equal(0);
  });

  it('runs in a worker thread: plain config in, plain result out', async () => {
    const cfg = { ...small, limitTrain: 200, limitTest: 100 };
    const code = `const { parentPort, workerData } = require('node:worker_threads');
      const { train } = require(workerData.lib);
      parentPort.postMessage(train(workerData.cfg));`;
    const result = await new Promise<TrainResult>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { cfg, lib: path.join(__dirname, '..', 'lib', 'nn', 'train', 'loop.js') } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(result).to.deep.equal(JSON.parse(JSON.stringify(result)));
    expect(result.evaluations).to.deep.equal(train(cfg, { data }).evaluations);
  });

  it('visits every training image once per epoch, in a new order each epoch', () => {
    const batches: number[][] = [];
    const losses: number[] = [];
    train({ ...small, limitTrain: 100, batchSize: 30, maxEpochs: 2, limitTest: 50 }, {
      data, onStep: (s) => { batches[s.epoch] = (batches[s.epoch] ?? []).concat(Array.from(s.batch)); losses.push(s.loss); },
    });
    expect(losses).to.have.length(8);
    const sorted = (a: number[]) => a.slice().sort((x, y) => x - y);
    const all = Array.from({ length: 100 }, (_, i) => i);
    expect(sorted(batches[1])).to.deep.equal(all);
    expect(sorted(batches[2])).to.deep.equal(all);
    expect(batches[2]).to.not.deep.equal(batches[1]);
  });

  it('stops at the target and reports fractional epochs when evaluating every k steps', () => {
    const r = train({ ...small, stopAtTarget: true, evalEverySteps: 10, target: 0.3 }, { data });
    expect(r.status).to.equal('reached');
    expect(r.epochs_to_target).to.be.greaterThan(0).and.lessThan(1);
    expect(r.epochs_to_target! * 63).to.be.closeTo(Math.round(r.epochs_to_target! * 63), 1e-9);
    const last = r.evaluations[r.evaluations.length - 1];
    expect(last.epoch).to.equal(r.epochs_to_target);
    expect(r.steps).to.equal(last.step); // no step after the target was seen
    expect(r.steps % 10).to.equal(0);
  });

  it('reports not_reached at the epoch limit', () => {
    const r = train({ ...small, maxEpochs: 1, target: 1, limitTrain: 64, limitTest: 100 }, { data });
    expect(r.status).to.equal('not_reached');
    expect(r.epochs_to_target).to.equal(null);
  });

  it('rejects widths that do not fit the data', () => {
    expect(() => train({ ...small, widths: [100, 10, 10] }, { data })).to.throw(/first width must be the input size 784/);
    expect(() => train({ ...small, widths: [784, 10, 9] }, { data })).to.throw(/last width must be the class count 10/);
    expect(() => train({ ...small, batchSize: 0 }, { data })).to.throw(/batchSize/);
  });
});

describe('train.js CLI', () => {
  const cli = path.join(__dirname, '..', 'lib', 'experiments', 'train.js');
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  const bad: Array<[string[], RegExp]> = [
    [['--widths', '784,20,10', '--bogus'], /unknown flag --bogus/],
    [['--init', 'he_normal'], /--widths is required/],
    [['--widths', '784,x,10'], /--widths expects an integer/],
    [['--widths', '784,10'], /at least one hidden width/],
    [['--widths', '785,20,10'], /--widths must start with 784/],
    [['--widths', '784,20,9'], /--widths must end with 10/],
    [['--widths', '784,20,10', '--init', 'nope'], /--init: unknown initializer 'nope'/],
    [['--widths', '784,20,10', '--dtype', 'float16'], /--dtype expects one of float32\|float64/],
    [['--widths', '784,20,10', '--epochs', '1.5'], /--epochs expects an integer/],
    [['--widths', '784,20,10', '--lr', '0'], /--lr expects a number > 0/],
    [['--widths', '784,20,10', '--backend', 'cuda'], /--backend: unknown backend 'cuda'/],
    [['--widths', '784,20,10', '--trace', '/no/such/folder/t.json'], /--trace: folder \/no\/such\/folder does not exist/],
  ];
  it('names the problem in one line for each kind of bad input', () => {
    for (const [args, pattern] of bad) {
      expect(() => parseCli(args), args.join(' ')).to.throw(UsageError, pattern);
      try { parseCli(args); } catch (e) { expect((e as Error).message).to.not.include('\n'); }
    }
    expect(parseCli(['--widths', '784,20,10'])!.config).to.include({ init: 'he_normal', seed: 1, maxEpochs: 3, stopAtTarget: false });
  });

  it('exits 2 with one line on stderr for bad input', () => {
    const r = run(['--widths', '785,20,10']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('error: --widths must start with 784 (28×28 inputs), got 785\n');
    expect(r.stdout).to.equal('');
  });

  it('trains, prints statistics and accuracy, and writes a trace atomically', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-cli-'));
    try {
      const trace = path.join(dir, 'trace.json');
      const r = run(['--widths', '784,16,12,10', '--init', 'he_uniform', '--epochs', '2', '--seed', '3', '--batch', '50',
        '--lr', '0.05', '--limit-train', '120', '--limit-test', '100', '--dtype', 'float64', '--trace', trace]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^\s+2\s+12\s+\S+\s+0\.\d{3}$/m); // layer 2: j, n_j, M_j, active
      expect(r.stdout).to.match(/^epoch 2: loss \d\.\d{4} test_acc 0\.\d{4}/m);
      expect(fs.readdirSync(dir)).to.deep.equal(['trace.json']); // no temporary file left
      const t = JSON.parse(fs.readFileSync(trace, 'utf8')) as {
        config: { lr: number; dtype: string }; initial_params: Array<{ W: number[][]; b: number[] }>;
        steps: Array<{ batch: number[]; loss: number }>; final_params: Array<{ W: number[][]; b: number[] }>;
      };
      expect(t.config.lr).to.equal(0.05);
      expect(t.initial_params.map((p) => [p.W.length, p.W[0].length, p.b.length])).to.deep.equal([[16, 784, 16], [12, 16, 12], [10, 12, 10]]);
      expect(t.initial_params.every((p) => p.b.every((b) => b === 0))).to.equal(true);
      expect(t.steps).to.have.length(6); // 2 epochs × ⌈120/50⌉
      expect(t.steps[2].batch).to.have.length(20);
      expect(t.steps.every((s) => s.batch.every((i) => i >= 0 && i < 120) && s.loss > 0)).to.equal(true);
      expect(t.final_params[2].W).to.not.deep.equal(t.initial_params[2].W);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
