// Inputs of the forward-pass experiments: a random point of the unit sphere (every kind of net).

import { Tensor } from '../tensor/tensor';

/** A unit-norm input of length n drawn uniformly on the sphere (normalized Gaussian). */
export function randomUnitInput(rng: { fillNormal(t: Tensor, mean?: number, std?: number): void }, n: number): Float64Array {
  const t = Tensor.zeros([n]);
  for (;;) {
    rng.fillNormal(t);
    let s = 0;
    for (let i = 0; i < n; i++) s += t.data[i] * t.data[i];
    if (s > 0) {
      const r = 1 / Math.sqrt(s);
      for (let i = 0; i < n; i++) t.data[i] *= r;
      return t.data as Float64Array;
    }
  }
}
