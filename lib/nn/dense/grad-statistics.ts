// Jacobian and gradient statistics against β (what grad.js reports, THEORY.md §10):
// part (a) samples independent nets and summarizes the mean squared Jacobian entry with its measured-
// coverage interval and the exact theory beside it; part (b) gives per-layer gradient norms at
// initialization on one batch, the batch gradient SGD uses next to the per-example theory.

import { backward } from '../../autograd';
import type { Backend } from '../../kernels/backend';
import { Rng } from '../../tensor/rng';
import type { Tensor } from '../../tensor/tensor';
import type { DenseClassifier } from './classifier';
import { DenseReluNet } from './net';
import type { Initializer } from '../init';
import { BOOTSTRAP_KEY, logBootstrapTInterval, logMeanExp } from '../stats';
import { beta } from './theory';
import { randomUnitInput } from '../input';
import { jacobianEntryMoments, traceBackward } from './backward';
import { gradientMoments, jacobianLaw, type FourthMomentMethod } from './jacobian-theory';

// ---- Part (a): the Jacobian over independent nets

export interface JacobianSamples {
  /** Per net: ln of the mean over all n_0·n_d entries of Z², and of Z⁴ (−Infinity for a dead net). */
  readonly logMeanSq: Float64Array;
  readonly logMeanFourth: Float64Array;
}

export interface JacobianSampleOptions {
  readonly backend?: Backend;
  /** Extra stream keys (e.g. the cell's): net k draws from Rng(seed, [...keys, first + k]). */
  readonly keys?: readonly number[];
  /** Index of the first net (for shards); default 0. */
  readonly first?: number;
}

/**
 * Draw `nets` independent nets (weights, then a unit input uniform on the sphere, from one stream per
 * net, so results do not depend on sharding) and the Jacobian's entry moments of each. Float64.
 */
export function sampleJacobianNets(widths: readonly number[], init: Initializer, nets: number, seed: number,
  opts: JacobianSampleOptions = {}): JacobianSamples {
  if (!Number.isInteger(nets) || nets < 1) throw new RangeError(`nets must be a positive integer, got ${nets}`);
  const net = new DenseReluNet(widths, init, { backend: opts.backend });
  const keys = opts.keys ?? [], first = opts.first ?? 0;
  const logMeanSq = new Float64Array(nets), logMeanFourth = new Float64Array(nets);
  for (let k = 0; k < nets; k++) {
    const rng = new Rng(seed, [...keys, first + k], opts.backend);
    net.initialize(rng);
    const m = jacobianEntryMoments(net, randomUnitInput(rng, widths[0]));
    logMeanSq[k] = m.logMeanSq;
    logMeanFourth[k] = m.logMeanFourth;
  }
  return { logMeanSq, logMeanFourth };
}

/** The fields of one grad_a.csv row (after arch, init, depth), theory beside each measurement. */
export interface GradARow {
  readonly beta: number;
  readonly nets: number;
  /** Nets whose Jacobian is exactly 0 (a dead layer); they count as zeros in every mean. */
  readonly dead: number;
  readonly mean_sq_jacobian: number;
  /** The 95% bootstrap-t interval over nets (§10.9 gives its measured coverage). */
  readonly mean_sq_jacobian_lo: number;
  readonly mean_sq_jacobian_hi: number;
  /** ∏c_j/n_0, exact (§10.2). */
  readonly mean_sq_jacobian_theory: number;
  readonly fourth_moment_jacobian: number;
  /** Exact for i.i.d. symmetric laws (§10.3); null where no recursion is known (orthogonal). */
  readonly fourth_moment_jacobian_theory: number | null;
  readonly fourth_moment_method: FourthMomentMethod;
  /** mean Z⁴ / (mean Z²)² and its theory E[Z⁴]/E[Z²]² (6∏_{j<d}(1 + 5/n_j) for Gaussian weights). */
  readonly normalized_fourth_moment: number;
  readonly normalized_fourth_moment_theory: number | null;
  /**
   * r = E[T²]/E[T]² from theory, T the mean of Z² in one net (§10.5): sd(T)/E[T] = √(r − 1), and the
   * coverage table of §10.9 is indexed by r and the number of nets.
   */
  readonly mean_sq_r_theory: number | null;
}


/**
 * One grad_a.csv row from the per-net samples. The interval is the bootstrap-t (999 resamples from
 * Rng(seed, [...keys, 'boot'])), whose coverage §10.9 measures; it stays below 95% where r is large.
 */
export function summarizeJacobian(samples: JacobianSamples, widths: readonly number[], init: Initializer,
  seed: number, keys: readonly number[] = []): GradARow {
  const n = samples.logMeanSq.length;
  const law = jacobianLaw(widths, init);
  const t = logBootstrapTInterval(samples.logMeanSq, new Rng(seed, [...keys, BOOTSTRAP_KEY]));
  const lnFourth = logMeanExp(samples.logMeanFourth);
  let dead = 0;
  for (let i = 0; i < n; i++) if (samples.logMeanSq[i] === -Infinity) dead++;
  const exact = law.method === 'exact';
  return {
    beta: beta(widths), nets: n, dead,
    mean_sq_jacobian: Math.exp(t.logMean),
    mean_sq_jacobian_lo: Math.exp(t.logLo),
    mean_sq_jacobian_hi: Math.exp(t.logHi),
    mean_sq_jacobian_theory: 10 ** law.log10MeanSq,
    fourth_moment_jacobian: Math.exp(lnFourth),
    fourth_moment_jacobian_theory: exact ? 10 ** law.log10FourthMoment : null,
    fourth_moment_method: law.method,
    normalized_fourth_moment: Math.exp(lnFourth - 2 * t.logMean),
    normalized_fourth_moment_theory: exact ? 10 ** law.log10NormalizedFourth : null,
    mean_sq_r_theory: exact ? law.relSdMeanSq ** 2 + 1 : null,
  };
}

/** Part (a) for one architecture and initializer: sample, then summarize. */
export function gradStatistics(widths: readonly number[], init: Initializer, nets: number, seed: number,
  opts: JacobianSampleOptions = {}): GradARow {
  return summarizeJacobian(sampleJacobianNets(widths, init, nets, seed, opts), widths, init, seed, opts.keys);
}

// ---- The coverage of that interval, as THEORY.md §10.9 measured it

/** One row of the coverage study of THEORY.md §10.9 (bootstrap-t columns; percentages as printed there). */
export interface CoverageStudyRow {
  readonly name: string;
  readonly init: string;
  readonly beta: number;
  /** r = E[T²]/E[T]² of the case (§10.5). */
  readonly r: number;
  readonly nets: number;
  readonly replicates: number;
  /** Bootstrap-t coverage %, and the % of replicates whose interval lay above / below the exact value. */
  readonly coverage: number;
  readonly below: number;
  readonly above: number;
}

/**
 * The coverage of the published interval as THEORY.md §10.9 measured it (`node bench/backward-coverage.js`,
 * seed 1, wasm): the table printed there, row for row (spec/grad.spec.ts checks that the two agree).
 */
export const MEAN_SQ_COVERAGE_STUDY: readonly CoverageStudyRow[] = [
  { name: 'width 10 depth 10, n_0 = 10', init: 'he_normal', beta: 1.000, r: 23.3, nets: 20, replicates: 400, coverage: 84.8, below: 0.5, above: 14.8 },
  { name: 'width 10 depth 10, n_0 = 10', init: 'he_normal', beta: 1.000, r: 23.3, nets: 100, replicates: 400, coverage: 86.0, below: 1.0, above: 13.0 },
  { name: 'width 10 depth 10, n_0 = 10', init: 'he_normal', beta: 1.000, r: 23.3, nets: 1000, replicates: 400, coverage: 92.3, below: 2.0, above: 5.8 },
  { name: 'width 5 depth 10, n_0 = 5', init: 'he_normal', beta: 2.000, r: 478, nets: 100, replicates: 400, coverage: 81.0, below: 0.3, above: 18.8 },
  { name: 'width 5 depth 10, n_0 = 5', init: 'he_normal', beta: 2.000, r: 478, nets: 1000, replicates: 400, coverage: 87.0, below: 1.0, above: 12.0 },
  { name: 'constant β=0.1', init: 'he_normal', beta: 0.100, r: 1.15, nets: 100, replicates: 200, coverage: 95.0, below: 1.0, above: 4.0 },
  { name: 'constant β=0.25', init: 'he_normal', beta: 0.250, r: 1.60, nets: 100, replicates: 400, coverage: 95.3, below: 1.8, above: 3.0 },
  { name: 'constant β=0.5', init: 'he_normal', beta: 0.500, r: 3.51, nets: 100, replicates: 400, coverage: 91.5, below: 2.5, above: 6.0 },
  { name: 'constant β=1', init: 'he_normal', beta: 1.000, r: 19.5, nets: 100, replicates: 400, coverage: 92.3, below: 1.0, above: 6.8 },
  { name: 'constant β=2', init: 'he_normal', beta: 2.000, r: 342, nets: 100, replicates: 400, coverage: 84.0, below: 0.0, above: 16.0 },
  { name: 'constant β=0.5', init: 'he_normal', beta: 0.500, r: 3.51, nets: 1000, replicates: 200, coverage: 95.0, below: 4.5, above: 0.5 },
  { name: 'constant β=1', init: 'he_normal', beta: 1.000, r: 19.5, nets: 1000, replicates: 200, coverage: 93.5, below: 1.0, above: 5.5 },
  { name: 'constant β=2', init: 'he_normal', beta: 2.000, r: 342, nets: 1000, replicates: 200, coverage: 85.5, below: 0.5, above: 14.0 },
  { name: 'increasing β=2', init: 'he_normal', beta: 2.000, r: 251, nets: 100, replicates: 400, coverage: 80.3, below: 0.0, above: 19.8 },
  { name: 'increasing β=2', init: 'he_normal', beta: 2.000, r: 251, nets: 1000, replicates: 200, coverage: 88.5, below: 0.0, above: 11.5 },
  { name: 'decreasing β=2', init: 'he_normal', beta: 2.000, r: 251, nets: 100, replicates: 400, coverage: 83.5, below: 0.0, above: 16.5 },
  { name: 'decreasing β=2', init: 'he_normal', beta: 2.000, r: 251, nets: 1000, replicates: 200, coverage: 89.0, below: 0.0, above: 11.0 },
  { name: 'alternating β=2', init: 'he_normal', beta: 2.000, r: 190, nets: 100, replicates: 400, coverage: 85.0, below: 0.3, above: 14.8 },
  { name: 'alternating β=2', init: 'he_normal', beta: 2.000, r: 190, nets: 1000, replicates: 200, coverage: 94.0, below: 0.5, above: 5.5 },
  { name: 'bottleneck β=2', init: 'he_normal', beta: 1.997, r: 277, nets: 100, replicates: 400, coverage: 81.3, below: 0.3, above: 18.5 },
  { name: 'bottleneck β=2', init: 'he_normal', beta: 1.997, r: 277, nets: 1000, replicates: 200, coverage: 86.5, below: 2.0, above: 11.5 },
  { name: 'constant β=0.5', init: 'he_uniform', beta: 0.500, r: 2.95, nets: 100, replicates: 400, coverage: 93.5, below: 2.3, above: 4.3 },
  { name: 'constant β=0.5', init: 'he_uniform', beta: 0.500, r: 2.95, nets: 1000, replicates: 200, coverage: 94.5, below: 1.5, above: 4.0 },
  { name: 'constant β=2', init: 'he_uniform', beta: 2.000, r: 96.6, nets: 100, replicates: 400, coverage: 88.5, below: 0.0, above: 11.5 },
  { name: 'constant β=2', init: 'he_uniform', beta: 2.000, r: 96.6, nets: 1000, replicates: 200, coverage: 90.5, below: 0.5, above: 9.0 },
  { name: 'constant β=0.5', init: 'he_normal_truncated', beta: 0.500, r: 3.20, nets: 100, replicates: 400, coverage: 93.3, below: 2.5, above: 4.3 },
  { name: 'constant β=0.5', init: 'he_normal_truncated', beta: 0.500, r: 3.20, nets: 1000, replicates: 200, coverage: 95.5, below: 2.5, above: 2.0 },
  { name: 'constant β=2', init: 'he_normal_truncated', beta: 2.000, r: 174, nets: 100, replicates: 400, coverage: 86.3, below: 0.3, above: 13.5 },
  { name: 'constant β=2', init: 'he_normal_truncated', beta: 2.000, r: 174, nets: 1000, replicates: 200, coverage: 89.0, below: 2.0, above: 9.0 },
];

export interface CoverageLookup {
  /** The study row used. */
  readonly row: CoverageStudyRow;
  /** Its bootstrap-t coverage as a fraction, and the standard error √(p(1 − p)/R) of that measurement. */
  readonly coverage: number;
  readonly se: number;
  /** coverage + 2se < 0.95: in this regime the 95% interval misses the exact value more often than 5%. */
  readonly undercovers: boolean;
  /** (r, nets) is more than a factor 2 from the row's in r or in nets: the lookup extrapolates. */
  readonly extrapolated: boolean;
}

/**
 * The coverage §10.9 measured for an interval over `nets` nets whose per-net values have r = E[T²]/E[T]²:
 * among the study's rows with the nearest number of nets (in log), the one with the nearest r (in log);
 * the first in table order on ties. A mechanical lookup, not a model: `extrapolated` says when it is far.
 */
export function publishedMeanSqCoverage(r: number, nets: number): CoverageLookup {
  if (!(r >= 1) || !(nets >= 2)) throw new RangeError(`need r ≥ 1 and nets ≥ 2, got r = ${r}, nets = ${nets}`);
  const dist = (a: number, b: number) => Math.abs(Math.log(a / b));
  const dn = Math.min(...MEAN_SQ_COVERAGE_STUDY.map((row) => dist(nets, row.nets)));
  let best: CoverageStudyRow | null = null;
  for (const row of MEAN_SQ_COVERAGE_STUDY) {
    if (dist(nets, row.nets) > dn + 1e-12) continue;
    if (best === null || dist(r, row.r) < dist(r, best.r)) best = row;
  }
  const row = best!, p = row.coverage / 100, se = Math.sqrt(p * (1 - p) / row.replicates);
  return { row, coverage: p, se, undercovers: p + 2 * se < 0.95, extrapolated: dn > Math.LN2 || dist(r, row.r) > Math.LN2 };
}

// ---- Part (b): per-layer gradient norms at initialization on a batch

export interface LayerGradientNorms {
  /** j = 1..d+1 (d+1 is the linear output layer). */
  readonly layer: number;
  readonly fanIn: number;
  readonly width: number;
  /** ‖∂L/∂W_j‖_F and ‖∂L/∂b_j‖ of the batch's mean loss L: what SGD steps along. */
  readonly gradW: number;
  readonly gradB: number;
  /** ‖W_j‖_F, and lr·‖∂L/∂W_j‖_F/‖W_j‖_F: the relative size of the first update at that learning rate. */
  readonly weightNorm: number;
  readonly relativeUpdate: number;
  /** Mean over the batch of the per-example ‖∂ℓ_b/∂W_j‖_F² and ‖∂ℓ_b/∂b_j‖², measured by the backward trace. */
  readonly meanSqGradWExample: number;
  readonly meanSqGradBExample: number;
  /**
   * Their theory (§10.7): mean over b of ‖g_b‖²·∏_{l>j}c_l·n_{j−1}M_0(x_b)∏_{l<j}c_l with g_b = ∂ℓ_b/∂logits
   * as measured; approximate, since g_b depends on the weights.
   */
  readonly meanSqGradWExampleTheory: number;
  readonly meanSqGradBExampleTheory: number;
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Part (b) for one initialized classifier and one batch (x: B×n_0, labels): the batch gradient by the
 * autograd, and per example the backward trace of the hidden layers seeded with W_{d+1}ᵀ g_b.
 */
export function initGradientNorms(model: DenseClassifier, x: Tensor, labels: ArrayLike<number>, lr: number): LayerGradientNorms[] {
  if (!(lr > 0)) throw new RangeError(`learning rate must be > 0, got ${lr}`);
  // The trace runs the hidden layers without biases: at initialization they are zero.
  if (model.hidden.biases.some((b) => b.data.some((v) => v !== 0))) throw new RangeError('initGradientNorms needs the zero biases of initialization');
  const d = model.depth, widths = model.widths, C = model.classes, n0 = widths[0], rows = x.shape[0];
  const loss = model.loss(x, labels);
  backward(loss);
  const batch = [];
  for (let j = 0; j <= d; j++) {
    const W = model.params[2 * j], b = model.params[2 * j + 1];
    batch.push({ gradW: frobenius(W.grad!.data), gradB: frobenius(b.grad!.data), weightNorm: frobenius(W.data) });
  }
  model.endStep();

  // Per example: g_b = softmax(logits) − e_y, ∂ℓ_b/∂a_d = W_{d+1}ᵀ g_b through the hidden layers' trace.
  const Wout = model.outputWeight.data, bout = model.outputBias.data, nd = widths[d];
  const inits = [...model.hidden.inits, model.outputInit];
  const sumW = new Float64Array(d + 1), sumB = new Float64Array(d + 1), thW = new Float64Array(d + 1), thB = new Float64Array(d + 1);
  const xb = new Float64Array(n0);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n0; i++) xb[i] = x.data[r * n0 + i];
    let gSq = 0, aSq = 0, g: Float64Array = new Float64Array(C);
    const t = traceBackward(model.hidden, xb, {
      kind: 'loss',
      gradient: (a) => {
        const logits = new Float64Array(C);
        let max = -Infinity;
        for (let c = 0; c < C; c++) {
          let z = bout[c];
          for (let i = 0; i < nd; i++) z += Wout[c * nd + i] * a[i];
          logits[c] = z;
          if (z > max) max = z;
        }
        let s = 0;
        for (let c = 0; c < C; c++) { logits[c] = Math.exp(logits[c] - max); s += logits[c]; }
        g = new Float64Array(C);
        for (let c = 0; c < C; c++) { g[c] = logits[c] / s - (c === labels[r] ? 1 : 0); gSq += g[c] * g[c]; }
        for (let i = 0; i < nd; i++) aSq += a[i] * a[i];
        const out = new Float64Array(nd);
        for (let c = 0; c < C; c++) for (let i = 0; i < nd; i++) out[i] += Wout[c * nd + i] * g[c];
        return out;
      },
    });
    t.layers.forEach((l, j) => { sumW[j] += 10 ** (2 * l.log10GradW); sumB[j] += 10 ** (2 * l.log10GradB); });
    sumW[d] += gSq * aSq;
    sumB[d] += gSq;
    const m0 = frobenius(xb) ** 2 / n0;
    if (m0 > 0 && gSq > 0) {
      gradientMoments(widths, inits, m0, { kind: 'linear', g }).forEach((p, j) => { thW[j] += 10 ** p.log10MeanSqGradW; thB[j] += 10 ** p.log10MeanSqGradB; });
    }
  }
  return batch.map((b, j) => ({
    layer: j + 1, fanIn: widths[j], width: widths[j + 1], ...b, relativeUpdate: (lr * b.gradW) / b.weightNorm,
    meanSqGradWExample: sumW[j] / rows, meanSqGradBExample: sumB[j] / rows,
    meanSqGradWExampleTheory: thW[j] / rows, meanSqGradBExampleTheory: thB[j] / rows,
  }));
}
