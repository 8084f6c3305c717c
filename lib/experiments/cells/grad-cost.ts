// The cost models of grad.js's two cell tasks, from their params alone: estimated CPU seconds on one
// core and the bytes a cell holds, in the shape every cell task's cost model takes ({seconds, bytes,
// pool?, threadBytes?}), for a run's plan and for refusing sizes that cannot fit.
//
// Rates measured here with process.cpuUsage on the 2-core machine under load (wasm backend, float64):
// a Jacobian cell at depth 10 from 784 inputs (widths 5 to 200), and gradient-norm cells at widths 5
// to 300 scaled to `grad.js --preset paper`, whose 4.4 CPU minutes this model puts at 5.1. Estimates:
// single cells differ from them by up to 40%.

/** Estimated CPU seconds on one core, the bytes the cell holds, a fixed pool it must fit in, and per-thread data. */
export interface GradCellCost {
  readonly seconds: number;
  readonly bytes: number;
  readonly pool?: { readonly name: string; readonly bytes: number; readonly capacity: number };
  readonly threadBytes?: number;
}

/** ns per weight drawn and used once (forward), per Jacobian multiply-add, per net (input, streams, summary). */
const JACOBIAN_RATES = { weight: 9.1, mac: 0.086, net: 120000 } as const;
/** ns per net (model, batch), per example and hidden layer (trace and theory), per example and weight. */
const NORMS_RATES = { net: 1.2e6, exampleLayer: 6000, exampleWeight: 0.6 } as const;
/** MNIST and Fashion-MNIST as the loaders keep them: 70,000 images of 784 bytes and their labels. */
const DATASET_BYTES = 70000 * 785;
/** Small buffers every cell holds whatever its size. */
const CELL_FLOOR = 1 << 20;

function weights(widths: readonly number[]): number {
  let w = 0;
  for (let j = 1; j < widths.length; j++) w += widths[j - 1] * widths[j];
  return w;
}

/** grad.js part (a): per net, draw the weights, the forward pass, and the Jacobian (Σ_j n_d·n_j·n_{j−1} multiply-adds). */
export function gradJacobianCost(p: { readonly widths: readonly number[]; readonly nets: number }): GradCellCost {
  const W = weights(p.widths), nd = p.widths[p.widths.length - 1], widest = Math.max(...p.widths);
  const net = (W + p.widths.reduce((a, b) => a + b, 0)) * 8, jacobian = 2 * nd * widest * 8;
  return {
    seconds: p.nets * (W * JACOBIAN_RATES.weight + nd * W * JACOBIAN_RATES.mac + JACOBIAN_RATES.net) * 1e-9,
    // Two values per net, the sketches, and what the bootstrap-t resamples.
    bytes: CELL_FLOOR + net + jacobian + 4 * 8 * p.nets,
  };
}

/** grad.js part (b): per net, the classifier, one batch through the autograd, and the per-example traces and theory. */
export function gradNormsCost(p: { readonly widths: readonly number[]; readonly nets: number; readonly batch: number }): GradCellCost {
  const W = weights(p.widths), d = p.widths.length - 2, acts = p.widths.reduce((a, b) => a + b, 0);
  return {
    seconds: p.nets * (NORMS_RATES.net + p.batch * (d * NORMS_RATES.exampleLayer + W * NORMS_RATES.exampleWeight)) * 1e-9,
    // Parameters and their gradients, the batch's activations and their gradients, the input batch.
    bytes: CELL_FLOOR + (3 * W + p.batch * (3 * acts + p.widths[0])) * 8,
    threadBytes: DATASET_BYTES,
  };
}
