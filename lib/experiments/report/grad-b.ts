// grad.js part (b) from its cells' results: per-layer gradient norms at initialization and the first
// SGD step's relative size, beside their theory (grad_b.csv), the charts, the run record and a summary.

import * as path from 'node:path';
import { initializerById } from '../../nn/init';
import { compactWidths } from '../../nn/profiles';
import { mean, quantile, sortedCopy } from '../../nn/stats';
import type { GradNormsParams, GradNormsResult } from '../cells/grad-norms';
import type { GradArchitecture } from '../cli/architectures';
import { writeCsv } from '../out/files';
import { lineChartSpec, log10OrNull, writePlot, type WrittenPlot } from '../out/plot';
import { cellSeconds, printWritten, writeRunRecord } from '../out/record';
import { printTable } from '../out/table';
import type { CellResult } from '../run/runner';

export const GRAD_B_COLUMNS = [
  'arch', 'init', 'depth', 'beta', 'layer', 'fan_in', 'width', 'nets', 'batch', 'lr',
  'example_grad_w_sq', 'example_grad_w_sq_theory', 'example_grad_b_sq', 'example_grad_b_sq_theory',
  'grad_w_rms', 'grad_w_rms_bound', 'relative_update_median', 'relative_update_q10', 'relative_update_q90', 'relative_update_rms', 'relative_update_bound',
  'family', 'beta_target', 'widths', 'dataset',
] as const;

export interface GradBRow extends Record<string, string | number | boolean | null> {
  arch: string; init: string; family: string; depth: number; beta: number; layer: number; beta_target: number | null;
}

/** The rows of grad_b.csv of one cell: per layer, the gradient norms and first-step sizes beside their theory (THEORY.md §10.7). */
function gradBRows(arch: GradArchitecture, p: GradNormsParams, r: GradNormsResult): GradBRow[] {
  const init = initializerById(p.init);
  return r.layers.map((l) => {
    const sorted = sortedCopy(l.relative_update);
    // E‖W_j‖_F² = fan-in·width·σ_j²; E‖mean_b g_b‖² ≤ mean_b E‖g_b‖² (convexity) bounds the batch gradient.
    const weightSq = l.fan_in * l.width * init.variance(l.fan_in, l.width);
    const theoryW = mean(l.example_grad_w_sq_theory);
    return {
      arch: arch.name, init: p.init, depth: p.widths.length - 2, beta: arch.profile.beta, layer: l.layer, fan_in: l.fan_in, width: l.width,
      nets: r.nets, batch: p.batch, lr: p.lr,
      example_grad_w_sq: mean(l.example_grad_w_sq), example_grad_w_sq_theory: theoryW,
      example_grad_b_sq: mean(l.example_grad_b_sq), example_grad_b_sq_theory: mean(l.example_grad_b_sq_theory),
      grad_w_rms: Math.sqrt(mean(l.grad_w.map((g) => g * g))), grad_w_rms_bound: Math.sqrt(theoryW),
      relative_update_median: quantile(sorted, 0.5), relative_update_q10: quantile(sorted, 0.1), relative_update_q90: quantile(sorted, 0.9),
      relative_update_rms: p.lr * Math.sqrt(mean(l.grad_w.map((g, k) => (g / l.weight_norm[k]) ** 2))),
      relative_update_bound: p.lr * Math.sqrt(theoryW / weightSq),
      family: arch.profile.family, beta_target: arch.profile.targetBeta ?? null, widths: compactWidths(arch.profile.hidden), dataset: p.dataset,
    };
  });
}

/** The settings the report reads (grad.js's flags; the whole object is recorded as the run's config). */
export interface GradBArgs {
  readonly out: string;
  readonly lr: number;
  readonly 'norm-nets': number;
  readonly batch: number;
  readonly dataset: string;
}

/** Writes grad_b.csv, the charts and the run record, and prints the summary per architecture. */
export async function reportGradB(args: GradBArgs, results: readonly CellResult<GradNormsParams, GradNormsResult, GradArchitecture>[], run: { started: number; out: NodeJS.WritableStream }): Promise<void> {
  const { started } = run;
  const rows = results.flatMap(({ meta, params, result }) => gradBRows(meta, params, result));
  writeCsv(path.join(args.out, 'grad_b.csv'), GRAD_B_COLUMNS, rows);
  const plots = await writePartBPlots(args, rows);
  const written = writeRunRecord(args.out, 'grad_b', args, { started, cellSeconds: cellSeconds(results), csvs: ['grad_b.csv'], plots });

  // Per architecture: the smallest and largest first step over the layers, and how far measurement and theory are apart.
  const summary = results.map(({ meta, params }) => {
    const rs = rows.filter((r) => r.arch === meta.name && r.init === params.init);
    const steps = rs.map((r) => r.relative_update_median as number), ratio = rs.map((r) => (r.example_grad_w_sq as number) / (r.example_grad_w_sq_theory as number));
    return {
      init: params.init, arch: meta.name, beta: meta.profile.beta, smallest_step: Math.min(...steps), largest_step: Math.max(...steps),
      largest_over_smallest: Math.max(...steps) / Math.min(...steps), 'measured/theory min': Math.min(...ratio), 'measured/theory max': Math.max(...ratio),
    };
  });
  run.out.write(`\ngrad (b): the first SGD step at lr ${args.lr}, lr·‖∂L/∂W_j‖/‖W_j‖ (median over ${args['norm-nets']} nets, batches of ${args.batch} ${args.dataset} images) over the layers,\n`
    + 'and the per-example ‖∂ℓ/∂W_j‖² measured over its theory (THEORY.md §10.7, each example\'s softmax gradient held fixed):\n');
  printTable(['init', 'arch', 'beta', 'smallest_step', 'largest_step', 'largest_over_smallest', 'measured/theory min', 'measured/theory max'], summary, { digits: 3, stream: run.out });
  printWritten(args.out, written, run.out);
}

async function writePartBPlots(args: GradBArgs, rows: readonly GradBRow[]): Promise<WrittenPlot[]> {
  const panel = (r: GradBRow) => `${r.init}, β ${r.beta_target ?? (r.beta as number).toFixed(2)}`;
  const example = lineChartSpec({
    title: { text: `Per-example ‖∂ℓ/∂W_j‖² at initialization, mean over ${args['norm-nets']} nets × ${args.batch} ${args.dataset} images (dashed: THEORY.md §10.7)`, subtitle: 'layer d+1 is the linear output layer; softmax cross-entropy, each example\'s ∂ℓ/∂logits held fixed in the theory' },
    x: { field: 'layer', title: 'layer j' },
    y: { field: 'log10_sq', title: 'log10 mean ‖∂ℓ/∂W_j‖²' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, log10_sq: log10OrNull(r.example_grad_w_sq) })),
    theory: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, log10_sq: log10OrNull(r.example_grad_w_sq_theory) })),
    color: 'family', connect: true, facet: { field: 'panel', title: '', columns: 5 }, width: 220, height: 180,
  });
  const update = lineChartSpec({
    title: { text: `The first SGD step at lr ${args.lr}: lr·‖∂L/∂W_j‖/‖W_j‖ per layer, median and 10–90% over nets (batch ${args.batch})`, subtitle: 'dashed: the theory\'s upper bound lr·√(mean E‖∂ℓ_b/∂W_j‖²)/√E‖W_j‖² (the batch mean is at most the per-example RMS)' },
    x: { field: 'layer', title: 'layer j' },
    y: { field: 'step', title: 'log10 relative update' },
    measured: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, step: log10OrNull(r.relative_update_median), lo: log10OrNull(r.relative_update_q10), hi: log10OrNull(r.relative_update_q90) })),
    theory: rows.map((r) => ({ panel: panel(r), family: r.family, layer: r.layer, step: log10OrNull(r.relative_update_bound) })),
    color: 'family', lo: 'lo', hi: 'hi', facet: { field: 'panel', title: '', columns: 5 }, width: 220, height: 180,
  });
  return [await writePlot(path.join(args.out, 'grad_b'), example), await writePlot(path.join(args.out, 'grad_b_update'), update)];
}
