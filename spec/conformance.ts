// The kernel conformance suite: the same tests, unchanged, for every backend (in the spirit of
// tfjs-core's backend test suites). Each backend is compared with the reference backend on random
// inputs drawn by fast-check with fixed seeds, for every dtype it declares; for dtypes it does not
// declare it must refuse with a clear error rather than compute in another precision.
// This file holds no tests of its own; spec/kernels.spec.ts runs it for each backend.

import { expect } from 'chai';
import fc from 'fast-check';
import { type Backend, type DType, type FloatArray } from '../lib/kernels/backend';
import { createBackend } from '../lib/kernels/index';
import { ReferenceBackend } from '../lib/kernels/reference';
import { seedState } from '../lib/kernels/rng';
import { UNIT_ROUNDOFF } from './backends';
import { errorOf } from './errors';

const ALL_DTYPES: readonly DType[] = ['float32', 'float64'];
const SEED = 20181203;

/** The smallest normal number: GPUs may flush subnormals to zero, which costs up to this per operation. */
const MIN_NORMAL: Record<DType, number> = { float32: 2 ** -126, float64: 2 ** -1022 };

// Matmul tolerance. For one entry, c = Σ_p a_p·b_p over k terms, any summation order (blocked, pairwise,
// FMA or not), the standard bound (Higham, Accuracy and Stability, Thm 3.1 / eq. 3.5) is
//   |fl(c) − c| ≤ γ_k · Σ_p |a_p|·|b_p|,  γ_k = k·u / (1 − k·u).
// Accumulating onto c0 adds one term (γ_{k+1}, with |c0| added to the magnitude sum). The reference
// computes in float64 and rounds once on store, so |c_ref − c| ≤ u·|c| ≤ u·(|c0| + Σ|a_p||b_p|).
// Together: |c − c_ref| ≤ (γ_{k+1} + u)·M with M = |c0| + (|A|·|B|)_ij, and γ_{k+1} + u ≤ (k+2)·u·1.01 for
// k·u ≪ 1. A safety factor of 2 covers the 1/(1 − k·u) term and backends that round differently at the
// edges (flush-to-zero adds at most k+2 times the smallest normal, the absolute term below).
const SAFETY = 2;

function matmulTolerance(dtype: DType, k: number, magnitude: number): number {
  return SAFETY * (k + 2) * (UNIT_ROUNDOFF[dtype] * magnitude + MIN_NORMAL[dtype]);
}

/** Entries that differ by more than tol(i, expected); -0 and +0 count as equal. Returns a message or null. */
function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol(i))) {
      return `entry ${i}: got ${a}, expected ${e} (tolerance ${tol(i)})`;
    }
  }
  return null;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  const mismatch = firstMismatch(actual, expected, tol);
  if (mismatch !== null) expect.fail(`${what}: ${mismatch}`);
}

const exact = (): number => 0;

function makeArray(dtype: DType, values: ArrayLike<number>): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(values.length) : new Float64Array(values.length);
  out.set(Array.from(values));
  return out;
}

/**
 * Test data of the given length from our own seeded generator (fast enough for thousands of entries,
 * which fast-check's float arbitraries are not): normals scaled by 2^e, e ∈ [−4, 4], so entries span
 * magnitudes, with about one in eight an exact zero (the reference skips zero terms) and one in
 * sixteen negative zero. `padding` extra entries of NaN follow, which no kernel may read or write.
 */
function testData(dtype: DType, seed: number, length: number, padding: number): FloatArray {
  const reference = new ReferenceBackend();
  const state = seedState(seed);
  const values = new Float64Array(length);
  reference.fillNormal(state, values, 0, 1);
  const u = new Float64Array(length);
  reference.fillUniform(state, u, 0, 1);
  const out = makeArray(dtype, new Float64Array(length + padding).fill(Number.NaN));
  for (let i = 0; i < length; i++) {
    const r = u[i];
    out[i] = r < 1 / 16 ? -0 : r < 1 / 8 ? 0 : values[i] * 2 ** Math.floor(r * 9 - 4);
  }
  return out;
}

function copyOf(a: FloatArray): FloatArray {
  return a.slice();
}

function absolute(a: FloatArray): Float64Array {
  return Float64Array.from(a, Math.abs);
}

function expectOneLineError(fn: () => unknown, backend: Backend, dtype: DType): void {
  const message = errorOf(fn).message;
  expect(message).to.include(backend.name);
  expect(message.toLowerCase()).to.include(dtype);
  expect(message).to.not.include('\n');
}

interface MatmulCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  padding: number;
  seed: number;
}

const dim = fc.integer({ min: 1, max: 33 });
const matmulCase: fc.Arbitrary<MatmulCase> = fc.record({
  m: dim,
  n: fc.oneof(fc.constant(1), dim), // n = 1, the matrix–vector case, often
  k: dim,
  transA: fc.boolean(),
  transB: fc.boolean(),
  accumulate: fc.boolean(),
  padding: fc.constantFrom(0, 3),
  seed: fc.nat(),
});

/** Every transposition and accumulate variant, on shapes that are easy to get wrong. */
function matmulExamples(): [MatmulCase][] {
  const shapes: [number, number, number][] = [[1, 1, 1], [7, 1, 5], [1, 9, 4], [5, 3, 1], [2, 3, 4], [31, 17, 13]];
  const out: [MatmulCase][] = [];
  let i = 0;
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          out.push([{ m, n, k, transA, transB, accumulate, padding: i % 2 === 0 ? 0 : 3, seed: i++ }]);
        }
      }
    }
  }
  return out;
}

function checkMatmul(backend: Backend, dtype: DType, t: MatmulCase): void {
  const { m, n, k, padding } = t;
  const opts = { transA: t.transA, transB: t.transB, accumulate: t.accumulate };
  const a = testData(dtype, t.seed, m * k, padding);
  const b = testData(dtype, t.seed + 1, k * n, padding);
  const c0 = testData(dtype, t.seed + 2, m * n, padding);
  const aBefore = copyOf(a), bBefore = copyOf(b);
  const reference = new ReferenceBackend();

  const c = copyOf(c0);
  backend.matmul(a, b, c, m, n, k, opts);
  const cRef = copyOf(c0);
  reference.matmul(a, b, cRef, m, n, k, opts);
  // The magnitudes |c0| + |A|·|B| that bound the rounding error, computed in float64.
  const magnitude = t.accumulate ? absolute(c0.subarray(0, m * n)) : new Float64Array(m * n);
  reference.matmul(absolute(a), absolute(b), magnitude, m, n, k, { ...opts, accumulate: true });

  const what = `matmul m=${m} n=${n} k=${k} ${JSON.stringify(opts)}`;
  expectClose(c.subarray(0, m * n), cRef.subarray(0, m * n), (i) => matmulTolerance(dtype, k, magnitude[i]), what);
  expectClose(c.subarray(m * n), c0.subarray(m * n), exact, `${what}: padding after C`);
  expectClose(a, aBefore, exact, `${what}: A changed`);
  expectClose(b, bBefore, exact, `${what}: B changed`);
}

function checkBiasRelu(backend: Backend, dtype: DType, rows: number, cols: number, withBias: boolean, alias: boolean, seed: number): void {
  const x = testData(dtype, seed, rows * cols, 0);
  const bias = withBias ? testData(dtype, seed + 1, cols, 0) : null;
  const expected = copyOf(x);
  new ReferenceBackend().biasRelu(x, bias, expected, rows, cols);
  const out = alias ? x : makeArray(dtype, new Float64Array(rows * cols).fill(Number.NaN));
  backend.biasRelu(x, bias, out, rows, cols);
  // x + bias is one rounding in the kernel and one rounding on store in the reference: both give the
  // correctly rounded sum, but allow an ulp for GPUs whose addition is not correctly rounded.
  const u = UNIT_ROUNDOFF[dtype];
  expectClose(out, expected, (i) => 2 * u * Math.abs(expected[i]), `biasRelu ${rows}×${cols} bias=${withBias} alias=${alias}`);
}

type Sampler = 'fillNormal' | 'fillUniform' | 'fillTruncatedNormal';

function runSampler(backend: Backend, sampler: Sampler, state: Uint32Array, out: FloatArray, p: number, q: number): void {
  if (sampler === 'fillNormal') backend.fillNormal(state, out, p, q);
  else if (sampler === 'fillUniform') backend.fillUniform(state, out, p, p + q);
  else backend.fillTruncatedNormal(state, out, q, 0.5 + p * p);
}

/** The whole suite for one backend string (see lib/kernels/index.ts). */
export function kernelConformance(spec: string): void {
  describe(`kernel conformance: ${spec}`, function () {
    // Created when mocha loads the suite, because which dtypes to test depends on the backend. A
    // backend that cannot be created (KERNEL_BACKENDS=gpujs:headlessgl without gl) is one failed test,
    // not an aborted run, so the closing "N passed, N failed" line still appears.
    let backend: Backend;
    try {
      backend = createBackend(spec);
    } catch (e) {
      it('can be created on this machine', function () {
        throw e;
      });
      return;
    }
    after(() => backend.dispose?.());

    it('declares at least one dtype, all of them known', function () {
      expect(backend.dtypes.length).to.be.greaterThan(0);
      for (const d of backend.dtypes) expect(ALL_DTYPES).to.include(d);
    });

    it('rejects non-positive or non-integer matmul sizes and too-short arrays', function () {
      const dtype = backend.dtypes[0];
      const a = backend.alloc(dtype, 6), b = backend.alloc(dtype, 6), c = backend.alloc(dtype, 4);
      expect(() => backend.matmul(a, b, c, 0, 2, 3)).to.throw(RangeError);
      expect(() => backend.matmul(a, b, c, 2, 2, 1.5)).to.throw(RangeError);
      expect(() => backend.matmul(a, b, c, 2, 2, 4)).to.throw(RangeError);
      expect(() => backend.matmul(a, b, c, 3, 2, 2)).to.throw(RangeError);
    });

    for (const dtype of ALL_DTYPES) {
      if (!backend.dtypes.includes(dtype)) {
        it(`refuses ${dtype} with a one-line error naming the backend and dtype`, function () {
          const x = makeArray(dtype, [1, 2, 3, 4]);
          const ok = makeArray(backend.dtypes[0], [1, 2, 3, 4]);
          expectOneLineError(() => backend.alloc(dtype, 4), backend, dtype);
          expectOneLineError(() => backend.matmul(x, ok, ok, 2, 2, 2), backend, dtype);
          expectOneLineError(() => backend.matmul(ok, ok, x, 2, 2, 2), backend, dtype);
          expectOneLineError(() => backend.biasRelu(x, null, x, 2, 2), backend, dtype);
          expectOneLineError(() => backend.reluBackward(x, x, x, 4), backend, dtype);
          expectOneLineError(() => backend.fillNormal(seedState(1), x, 0, 1), backend, dtype);
        });
        continue;
      }

      describe(dtype, function () {
        it('alloc gives zeroed storage of the dtype', function () {
          const a = backend.alloc(dtype, 17);
          expect(a).to.be.instanceOf(dtype === 'float32' ? Float32Array : Float64Array);
          expect(a.length).to.equal(17);
          expect(Array.from(a).every((v) => v === 0)).to.equal(true);
        });

        it('matmul matches the reference within the rounding bound, every variant and shape', function () {
          fc.assert(
            fc.property(matmulCase, (t) => checkMatmul(backend, dtype, t)),
            { seed: SEED, numRuns: 40, examples: matmulExamples() },
          );
        });

        it('matmul overwrites C unless accumulating (C starts as NaN)', function () {
          const a = makeArray(dtype, [1, 2, 3, 4, 5, 6]), b = makeArray(dtype, [1, 0, -1, 2, 0.5, 0]);
          const c = makeArray(dtype, [NaN, NaN, NaN, NaN]);
          backend.matmul(a, b, c, 2, 2, 3);
          expectClose(c, [0.5, 4, 2, 10], exact, 'A·B');
          backend.matmul(a, b, c, 2, 2, 3, { accumulate: true });
          expectClose(c, [1, 8, 4, 20], exact, 'C += A·B');
        });

        it('biasRelu matches the reference, with and without bias, aliased or not', function () {
          const size = fc.integer({ min: 1, max: 40 });
          fc.assert(
            fc.property(size, size, fc.boolean(), fc.boolean(), fc.nat(), (rows, cols, withBias, alias, seed) =>
              checkBiasRelu(backend, dtype, rows, cols, withBias, alias, seed),
            ),
            { seed: SEED + 1, numRuns: 30, examples: [[1, 1, true, true, 0], [1, 1, false, false, 1], [3, 1, true, false, 2], [1, 5, false, true, 3]] },
          );
        });

        it('biasRelu with no rows or no columns does nothing', function () {
          const x = makeArray(dtype, [7]), out = makeArray(dtype, [7]);
          backend.biasRelu(x, null, out, 0, 3);
          backend.biasRelu(x, makeArray(dtype, []), out, 4, 0);
          expectClose(out, [7], exact, 'untouched');
        });

        it('reluBackward passes gradients where the output is positive, aliased or not', function () {
          fc.assert(
            fc.property(fc.integer({ min: 0, max: 300 }), fc.boolean(), fc.nat(), (length, alias, seed) => {
              const gradOut = testData(dtype, seed, length, 0);
              const out = testData(dtype, seed + 1, length, 0);
              const expected = makeArray(dtype, new Float64Array(length));
              new ReferenceBackend().reluBackward(gradOut, out, expected, length);
              const gradIn = alias ? gradOut : makeArray(dtype, new Float64Array(length).fill(Number.NaN));
              backend.reluBackward(gradOut, out, gradIn, length);
              expectClose(gradIn, expected, exact, `reluBackward length=${length} alias=${alias}`);
            }),
            { seed: SEED + 2, numRuns: 25, examples: [[1, false, 0], [1, true, 1]] },
          );
        });

        it('reluBackward with a bias gradient also writes or adds its column sums, in the reference\'s order', function () {
          const dim = fc.integer({ min: 0, max: 40 });
          fc.assert(
            fc.property(dim, dim, fc.boolean(), fc.boolean(), fc.nat(), (rows, cols, accumulate, alias, seed) => {
              const length = rows * cols;
              const gradOut = testData(dtype, seed, length, 0), out = testData(dtype, seed + 1, length, 0);
              const gb = testData(dtype, seed + 2, cols, 0), expectedGb = makeArray(dtype, Array.from(gb));
              const expected = makeArray(dtype, new Float64Array(length));
              new ReferenceBackend().reluBackward(gradOut, out, expected, length, { data: expectedGb, accumulate });
              const gradIn = alias ? gradOut : makeArray(dtype, new Float64Array(length).fill(Number.NaN));
              backend.reluBackward(gradOut, out, gradIn, length, { data: gb, accumulate });
              expectClose(gradIn, expected, exact, `reluBackward+bias ${rows}×${cols} alias=${alias}`);
              expectClose(gb, expectedGb, exact, `bias gradient ${rows}×${cols} accumulate=${accumulate}`);
            }),
            { seed: SEED + 4, numRuns: 25, examples: [[1, 1, false, false, 0], [0, 3, false, false, 1], [5, 9, true, true, 2]] },
          );
          expect(() => backend.reluBackward(makeArray(dtype, [1, 2, 3]), makeArray(dtype, [1, 2, 3]), makeArray(dtype, [0, 0, 0]), 3,
            { data: makeArray(dtype, [0, 0]), accumulate: false })).to.throw(RangeError, /whole rows/);
        });

        for (const sampler of ['fillNormal', 'fillUniform', 'fillTruncatedNormal'] as const) {
          it(`${sampler} gives the reference's draws and leaves the same generator state`, function () {
            const param = fc.double({ min: -3, max: 3, noNaN: true });
            const scale = fc.double({ min: 0.01, max: 5, noNaN: true });
            fc.assert(
              fc.property(fc.integer({ min: 0, max: 400 }), fc.nat(), param, scale, (length, seed, p, q) => {
                const state = seedState(seed), refState = seedState(seed);
                const out = backend.alloc(dtype, length), expected = makeArray(dtype, new Float64Array(length));
                runSampler(backend, sampler, state, out, p, q);
                runSampler(new ReferenceBackend(), sampler, refState, expected, p, q);
                expectClose(out, expected, exact, `${sampler} length=${length} seed=${seed}`);
                expect(Array.from(state)).to.deep.equal(Array.from(refState));
              }),
              // Lengths 0..9 hit every partial group of the 4 lanes (lib/kernels/rng.ts).
              { seed: SEED + 3, numRuns: 15, examples: [0, 1, 2, 3, 4, 5, 6, 7, 9].map((n): [number, number, number, number] => [n, n, 0.5, 1]) },
            );
          });
        }
      });
    }
  });
}
