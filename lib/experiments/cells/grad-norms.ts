// The cell task behind grad.js part (b): per-layer gradient norms at initialization on real data.
// `nets` classifiers of one architecture and initializer (hidden ReLU layers, a linear output layer of
// 10 classes, softmax cross-entropy, zero biases), each on its own batch of training images drawn at
// random; per layer the batch gradient SGD steps along, the relative size of that first step at the
// learning rate, and the per-example squared gradient norms beside their theory (THEORY.md §10.7).

import { inArena, type Backend } from '../../kernels/backend';
import { fillBatch, type DatasetName } from '../../../data/mnist';
import { DenseClassifier } from '../../nn/dense/classifier';
import { initGradientNorms } from '../../nn/dense/grad-statistics';
import { initializerById } from '../../nn/init';
import { Tensor } from '../../tensor/tensor';
import { forEachNet, stringKey, threadDataset } from './shared';
import { backendCellTask } from './task';

export interface GradNormsParams {
  readonly init: string;
  /** The classifier's widths: n_0 (784), the hidden widths n_1..n_d, the classes. */
  readonly widths: readonly number[];
  readonly nets: number;
  /** Images per batch. */
  readonly batch: number;
  readonly lr: number;
  readonly dataset: DatasetName;
  readonly seed: number;
  readonly backend: string;
}

/** One layer j = 1..d+1 (d+1: the linear output layer), each value over the nets in net order. */
export interface GradNormsLayer {
  readonly layer: number;
  readonly fan_in: number;
  readonly width: number;
  /** ‖∂L/∂W_j‖_F and ‖∂L/∂b_j‖ of the batch's mean loss, ‖W_j‖_F, and lr·‖∂L/∂W_j‖_F/‖W_j‖_F. */
  readonly grad_w: number[];
  readonly grad_b: number[];
  readonly weight_norm: number[];
  readonly relative_update: number[];
  /** Batch means of the per-example ‖∂ℓ_b/∂W_j‖_F² and ‖∂ℓ_b/∂b_j‖², and their theory (10.6) with each example's g_b. */
  readonly example_grad_w_sq: number[];
  readonly example_grad_b_sq: number[];
  readonly example_grad_w_sq_theory: number[];
  readonly example_grad_b_sq_theory: number[];
}

export interface GradNormsResult {
  readonly nets: number;
  readonly layers: GradNormsLayer[];
  readonly seconds: number;
}

export function runGradNormsCell(p: GradNormsParams, backend: Backend): GradNormsResult {
  const started = Date.now();
  const data = threadDataset(p.dataset), set = data.train;
  if (set.features !== p.widths[0]) throw new RangeError(`the ${p.dataset} images have ${set.features} pixels, the net expects n_0 = ${p.widths[0]}`);
  if (data.classes !== p.widths[p.widths.length - 1]) throw new RangeError(`${p.dataset} has ${data.classes} classes, the net has ${p.widths[p.widths.length - 1]} outputs`);
  const init = initializerById(p.init), L = p.widths.length - 1;
  const layers = Array.from({ length: L }, (_, j) => ({
    layer: j + 1, fan_in: p.widths[j], width: p.widths[j + 1], grad_w: [] as number[], grad_b: [] as number[], weight_norm: [] as number[],
    relative_update: [] as number[], example_grad_w_sq: [] as number[], example_grad_b_sq: [] as number[],
    example_grad_w_sq_theory: [] as number[], example_grad_b_sq_theory: [] as number[],
  }));
  const keys = [stringKey('grad-b'), stringKey(p.init), stringKey(p.widths.join(',')), stringKey(p.dataset)];
  // Each net's stream draws its weights, then its batch's image indices (uniform, with replacement).
  forEachNet(p.seed, keys, p.nets, backend, (rng) => {
    inArena(backend, () => {
      const model = new DenseClassifier(p.widths, init, { dtype: 'float64', backend });
      model.initialize(rng);
      const indices = Int32Array.from({ length: p.batch }, () => rng.int(set.count));
      const x = Tensor.zeros([p.batch, p.widths[0]], 'float64', (dt, n) => backend.alloc(dt, n)), labels = new Int32Array(p.batch);
      fillBatch(set, indices, 0, p.batch, x.data, labels);
      initGradientNorms(model, x, labels, p.lr).forEach((r, j) => {
        const l = layers[j];
        l.grad_w.push(r.gradW); l.grad_b.push(r.gradB); l.weight_norm.push(r.weightNorm); l.relative_update.push(r.relativeUpdate);
        l.example_grad_w_sq.push(r.meanSqGradWExample); l.example_grad_b_sq.push(r.meanSqGradBExample);
        l.example_grad_w_sq_theory.push(r.meanSqGradWExampleTheory); l.example_grad_b_sq_theory.push(r.meanSqGradBExampleTheory);
      });
    });
  });
  return { nets: p.nets, layers, seconds: (Date.now() - started) / 1000 };
}

/** The task behind grad.js part (b): one architecture × initializer, with the backend named in the params. */
export const gradNormsTask = backendCellTask<GradNormsParams, GradNormsResult>('grad-norms', runGradNormsCell);
