// The cell task behind grad.js part (a): draw `nets` independent nets of one architecture and
// initializer, a fresh unit input each, and the whole input–output Jacobian of each; summarize the
// mean squared entry (bootstrap-t interval over nets, THEORY.md §10.9) and the fourth moment beside
// their exact values (§10.2, §10.3), with what the report needs to compare families at equal β:
// quantile sketches of log10 T (T = ‖J‖_F²/(n_0 n_d), the net's mean squared entry) over all nets and
// over live ones. Plain-object params in, plain-object result out, so it runs in a worker.

import { inArena, type Backend } from '../../kernels/backend';
import { sampleJacobianNets, summarizeJacobian, type GradARow } from '../../nn/dense/grad-statistics';
import { deadProbability } from '../../nn/dense/theory';
import { initializerById } from '../../nn/init';
import { quantileSketch, sortedCopy } from '../../nn/stats';
import { QUANTILE_SKETCH } from './fm2';
import { stringKey, type DenseCellParams } from './shared';
import { backendCellTask } from './task';

export interface GradJacobianParams extends DenseCellParams {
  readonly backend: string;
}

export interface GradJacobianResult extends GradARow {
  /** The exact dead fraction 1 − ∏(1 − 2^{−n_j}): J = 0 exactly when some layer is entirely off. */
  readonly dead_fraction_exact: number;
  /** log10 T at the levels (i + ½)/QUANTILE_SKETCH over all nets (dead: −Infinity) and over live nets. */
  readonly log10_mean_sq_sketch: number[];
  readonly log10_live_sketch: number[];
  readonly seconds: number;
}

export function runGradJacobianCell(p: GradJacobianParams, backend?: Backend): GradJacobianResult {
  const started = Date.now();
  const init = initializerById(p.init);
  // One stream per (cell, net), so results do not depend on worker count or order; the net's weights
  // live in the backend's memory for this cell only.
  const keys = [stringKey('grad-a'), stringKey(p.init), stringKey(p.widths.join(','))];
  const s = inArena(backend, () => sampleJacobianNets(p.widths, init, p.nets, p.seed, { backend, keys }));
  const row = summarizeJacobian(s, p.widths, init, p.seed, keys);
  const log10s = Float64Array.from(s.logMeanSq, (l) => l * Math.LOG10E);
  return {
    ...row,
    dead_fraction_exact: deadProbability(p.widths),
    log10_mean_sq_sketch: quantileSketch(sortedCopy(log10s), QUANTILE_SKETCH),
    log10_live_sketch: quantileSketch(sortedCopy(log10s.filter((l) => l > -Infinity)), QUANTILE_SKETCH),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The task behind grad.js part (a): one architecture × initializer, with the backend named in the params. */
export const gradJacobianTask = backendCellTask<GradJacobianParams, GradJacobianResult>('grad-jacobian', runGradJacobianCell);
