// Inputs of the forward-pass experiments: a random point of the unit sphere (every kind of net).

import type { DType, FloatArray } from '../kernels/backend';
import { Tensor } from '../tensor/tensor';

/**
 * A unit-norm input of length n drawn uniformly on the sphere (normalized Gaussian), in the net's
 * dtype (float32 for a float32-only backend, whose samplers fill float32 arrays only).
 */
export function randomUnitInput(rng: { fillNormal(t: Tensor, mean?: number, std?: number): void }, n: number, dtype: DType = 'float64'): FloatArray {
  const t = Tensor.zeros([n], dtype);
  for (;;) {
    rng.fillNormal(t);
    let s = 0;
    for (let i = 0; i < n; i++) s += t.data[i] * t.data[i];
    if (s > 0) {
      const r = 1 / Math.sqrt(s);
      for (let i = 0; i < n; i++) t.data[i] *= r;
      return t.data;
    }
  }
}
