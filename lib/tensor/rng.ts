// A seeded random stream that fills tensors through a backend's sampler kernels.
// Every random draw in the library goes through one of these; there is no global generator.

import type { Backend } from '../kernels/backend';
import { binomialHalf, nextU32, normal, rademacher, seedState, uniform53, uniformOpen, type RngState } from '../kernels/rng';
import { ReferenceBackend } from '../kernels/reference';
import type { Tensor } from './tensor';

const REFERENCE = new ReferenceBackend();

export class Rng {
  readonly state: RngState;
  readonly backend: Backend;

  /** A stream for (seed, ...keys); see seedState. */
  constructor(seed: number, keys: readonly number[] = [], backend: Backend = REFERENCE) {
    this.state = seedState(seed, ...keys);
    this.backend = backend;
  }

  /** A seed in 0..2^53 − 1 from this stream's next two outputs (a run's or a replicate's own master seed). */
  seed(): number {
    const hi = nextU32(this.state), lo = nextU32(this.state);
    return (hi & 0x1fffff) * 4294967296 + lo;
  }

  /** An independent stream for a sub-task, derived from this stream's next outputs and the keys. */
  fork(...keys: number[]): Rng {
    return new Rng(this.seed(), keys, this.backend);
  }

  u32(): number { return nextU32(this.state); }
  uniform(): number { return uniform53(this.state); }
  uniformOpen(): number { return uniformOpen(this.state); }
  normal(): number { return normal(this.state); }
  rademacher(): number { return rademacher(this.state); }
  binomialHalf(n: number): number { return binomialHalf(this.state, n); }
  /** An integer uniform on 0..n−1 (rejection, so unbiased). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = nextU32(this.state);
      if (v < limit) return v % n;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[] | Uint32Array | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  fillNormal(t: Tensor, mean = 0, std = 1): void { this.sampler(t).fillNormal(this.state, contiguousData(t), mean, std); }
  fillUniform(t: Tensor, lo: number, hi: number): void { this.sampler(t).fillUniform(this.state, contiguousData(t), lo, hi); }
  fillTruncatedNormal(t: Tensor, std: number, bound: number): void {
    this.sampler(t).fillTruncatedNormal(this.state, contiguousData(t), std, bound);
  }
  fillRademacher(t: Tensor, scale = 1): void {
    const d = contiguousData(t);
    for (let i = 0; i < d.length; i++) d[i] = scale * rademacher(this.state);
  }

  /**
   * The backend's samplers, or the reference's for a dtype the backend does not compute in (float64
   * scratch on gpu.js, e.g. the Gaussian matrix of an orthogonal init): every backend draws the same
   * stream (spec/conformance.ts), so the choice changes no draw.
   */
  private sampler(t: Tensor): Backend {
    return this.backend.dtypes.includes(t.dtype) ? this.backend : REFERENCE;
  }
}

function contiguousData(t: Tensor) {
  if (!t.isContiguous()) throw new RangeError('random fills need a contiguous tensor');
  return t.data;
}
