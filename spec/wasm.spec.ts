// The wasm backend against the reference backend: matmul within a rounding-error bound, the ReLU
// kernels and every sampler bit for bit.

import { expect } from 'chai';
import type { DType, FloatArray, MatmulOptions } from '../lib/kernels/backend';
import { ReferenceBackend } from '../lib/kernels/reference';
import { nextU32, seedState, ZIGGURAT_R, type RngState } from '../lib/kernels/rng';
import { poissonBounds, upperTail } from './sampler-stats';
import { WasmBackend, type WasmVariant } from '../lib/kernels/wasm';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';

const reference = new ReferenceBackend();
const DTYPES: readonly DType[] = ['float32', 'float64'];
/** Unit roundoff u = ε/2 of each dtype. */
const UNIT_ROUNDOFF: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };

function plainArray(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

function randomInt(state: RngState, lo: number, hi: number): number {
  return lo + (nextU32(state) % (hi - lo + 1));
}

/** Entries that are not bitwise equal (NaN equal to NaN, −0 unequal to +0), as index: a vs b. */
function bitDifferences(a: FloatArray, b: FloatArray, limit = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < limit; i++) if (!Object.is(a[i], b[i])) out.push(`${i}: ${a[i]} vs ${b[i]}`);
  if (a.length !== b.length) out.push(`lengths ${a.length} vs ${b.length}`);
  return out;
}

/**
 * Checks C = op(A)·op(B) (+ C) against the reference. Any summation order of a length-k dot product
 * in a precision with unit roundoff u errs by at most γ_k·Σ_p|a_ip·b_pj| with γ_k = k·u/(1 − k·u)
 * (Higham, Accuracy and Stability, §3.1); accumulate adds one rounding and |C_old|, and the f32
 * store one more. The reference (f64, then rounded) and the backend each meet that bound, so the
 * test allows their difference 2·(k + 2)·u·(Σ_p|a_ip·b_pj| + |C_old|), with the magnitude computed
 * entry by entry from |A| and |B|. A wrong index or a lost block errs by O(1) times the magnitude.
 */
function checkMatmul(backend: WasmBackend, dtype: DType, m: number, n: number, k: number, opts: MatmulOptions, seed: number,
  where: 'wasm' | 'plain' = 'wasm'): void {
  const state = seedState(seed, m, n, k);
  const make = (length: number): FloatArray => where === 'wasm' ? backend.alloc(dtype, length) : plainArray(dtype, length);
  const a = make(m * k), b = make(k * n), c = make(m * n);
  reference.fillNormal(state, a, 0, 1);
  reference.fillNormal(state, b, 0, 1);
  reference.fillNormal(state, c, 0, 1);
  const expected = plainArray(dtype, m * n);
  expected.set(c);
  const magnitude = new Float64Array(m * n);
  if (opts.accumulate === true) for (let i = 0; i < m * n; i++) magnitude[i] = Math.abs(c[i]);
  reference.matmul(a.map(Math.abs), b.map(Math.abs), magnitude, m, n, k, { ...opts, accumulate: true });

  reference.matmul(a, b, expected, m, n, k, opts);
  backend.matmul(a, b, c, m, n, k, opts);

  const u = UNIT_ROUNDOFF[dtype];
  for (let i = 0; i < m * n; i++) {
    const tolerance = 2 * (k + 2) * u * magnitude[i];
    if (!(Math.abs(c[i] - expected[i]) <= tolerance)) {
      expect.fail(`${dtype} ${m}×${n}×${k} ${JSON.stringify(opts)} (${where}): C[${Math.floor(i / n)}, ${i % n}] = ${c[i]}, ` +
        `reference ${expected[i]}, tolerance ${tolerance}`);
    }
  }
}

const VARIANTS: readonly WasmVariant[] = ['relaxed', 'simd'];
const backends = new Map<WasmVariant, WasmBackend>();
function backendFor(variant: WasmVariant): WasmBackend {
  let backend = backends.get(variant);
  if (backend === undefined) {
    backend = new WasmBackend({ variant, memoryBytes: 256 << 20 });
    backends.set(variant, backend);
  }
  return backend;
}

describe('wasm backend', function () {
  // Shapes that hit each code path: 1×1, vectors (gemv both ways), odd sizes that leave partial
  // register tiles, and sizes crossing the packing blocks (KC = 256 deep, MC = 96 rows, NC = 1024 columns).
  const FIXED_SHAPES: readonly [number, number, number][] = [
    [1, 1, 1], [1, 1, 7], [1, 9, 1], [5, 1, 1], [3, 5, 2], [6, 8, 4], [7, 9, 11], [13, 1, 31], [1, 17, 23],
    [100, 1, 100], [1, 100, 100], [12, 16, 256], [97, 33, 257], [130, 10, 600], [5, 1030, 3],
  ];

  for (const variant of VARIANTS) {
    describe(`matmul (${variant} build)`, function () {
      for (const dtype of DTYPES) {
        it(`matches the reference on fixed and random shapes, every transposition, ${dtype}`, function () {
          const backend = backendFor(variant);
          const shapes = [...FIXED_SHAPES];
          const pick = seedState(2024, dtype === 'float32' ? 32 : 64, variant === 'simd' ? 0 : 1);
          for (let i = 0; i < 25; i++) shapes.push([randomInt(pick, 1, 70), randomInt(pick, 1, 70), randomInt(pick, 1, 70)]);
          const mark = backend.mark();
          let seed = 0;
          for (const [m, n, k] of shapes) {
            for (const transA of [false, true]) {
              for (const transB of [false, true]) {
                for (const accumulate of [false, true]) checkMatmul(backend, dtype, m, n, k, { transA, transB, accumulate }, seed++);
              }
            }
            backend.reset(mark);
          }
        });
      }
    });
  }

  describe('matmul with arrays outside wasm memory', function () {
    for (const dtype of DTYPES) {
      it(`copies them through scratch, ${dtype}`, function () {
        const backend = backendFor('relaxed');
        for (const [m, n, k] of [[1, 1, 1], [20, 1, 30], [1, 20, 30], [33, 45, 70]] as const) {
          for (const accumulate of [false, true]) {
            checkMatmul(backend, dtype, m, n, k, { transB: true, accumulate }, 7, 'plain');
            checkMatmul(backend, dtype, m, n, k, { transA: true, accumulate }, 8, 'plain');
          }
        }
      });
    }

    it('mixes arrays inside and outside wasm memory', function () {
      const backend = backendFor('relaxed');
      const a = backend.alloc('float64', 6), b = new Float64Array([1, 2, 3, 4, 5, 6]), c = new Float64Array(4);
      a.set([1, 0, 2, 0, 1, 0]);
      backend.matmul(a, b, c, 2, 2, 3);
      expect(Array.from(c)).to.deep.equal([11, 14, 3, 4]);
    });
  });

  describe('matmul argument checks', function () {
    it('rejects mixed dtypes, overlapping output, and short arrays', function () {
      const backend = backendFor('relaxed');
      const a = backend.alloc('float32', 4), b = backend.alloc('float32', 4), c = backend.alloc('float32', 4);
      expect(() => backend.matmul(a, new Float64Array(4), c, 2, 2, 2)).to.throw(TypeError, /dtype/);
      expect(() => backend.matmul(a, b, a, 2, 2, 2)).to.throw(RangeError, /overlaps/);
      expect(() => backend.matmul(a, b, c, 2, 3, 2)).to.throw(RangeError);
    });
  });

  describe('biasRelu and reluBackward', function () {
    /** Normals with NaN, ±0 and ±∞ planted, so the comparisons' edge cases are exercised. */
    function awkward(dtype: DType, length: number, seed: number, backend: WasmBackend): FloatArray {
      const x = backend.alloc(dtype, length);
      reference.fillNormal(seedState(seed), x, 0, 1);
      const specials = [NaN, 0, -0, Infinity, -Infinity];
      for (let i = 0; i < length; i += 7) x[i] = specials[(i / 7) % specials.length];
      return x;
    }

    for (const dtype of DTYPES) {
      it(`biasRelu is bit-identical to the reference, with and without bias, in place or not, ${dtype}`, function () {
        const backend = backendFor('relaxed');
        for (const [rows, cols] of [[1, 1], [3, 7], [16, 33], [5, 64]] as const) {
          for (const withBias of [false, true]) {
            const x = awkward(dtype, rows * cols, rows * 100 + cols, backend);
            const bias = withBias ? awkward(dtype, cols, cols, backend) : null;
            const expected = plainArray(dtype, rows * cols);
            reference.biasRelu(x, bias, expected, rows, cols);
            const out = backend.alloc(dtype, rows * cols);
            backend.biasRelu(x, bias, out, rows, cols);
            expect(bitDifferences(out, expected)).to.deep.equal([]);
            const plain = plainArray(dtype, rows * cols);
            plain.set(x);
            backend.biasRelu(plain, bias === null ? null : bias.slice(), plain, rows, cols);
            expect(bitDifferences(plain, expected)).to.deep.equal([]);
            backend.biasRelu(x, bias, x, rows, cols);
            expect(bitDifferences(x, expected)).to.deep.equal([]);
          }
        }
      });

      it(`reluBackward is bit-identical to the reference, in place or not, ${dtype}`, function () {
        const backend = backendFor('relaxed');
        for (const length of [1, 3, 4, 5, 129]) {
          const gradOut = awkward(dtype, length, length, backend), out = awkward(dtype, length, length + 1, backend);
          const expected = plainArray(dtype, length);
          reference.reluBackward(gradOut, out, expected, length);
          const gradIn = backend.alloc(dtype, length);
          backend.reluBackward(gradOut, out, gradIn, length);
          expect(bitDifferences(gradIn, expected)).to.deep.equal([]);
          backend.reluBackward(gradOut, out.slice(), gradOut, length);
          expect(bitDifferences(gradOut, expected)).to.deep.equal([]);
        }
      });
    }
  });

  describe('samplers', function () {
    const DRAWS = 1_000_000;

    for (const dtype of DTYPES) {
      it(`fillNormal reproduces the reference stream bit for bit, wedge and tail included, ${dtype}`, function () {
        const backend = backendFor('relaxed');
        const start = seedState(11, dtype === 'float32' ? 1 : 2);
        const ours = start.slice(), theirs = start.slice();
        const out = backend.alloc(dtype, DRAWS), expected = plainArray(dtype, DRAWS);
        backend.fillNormal(ours, out, 0, 1);
        reference.fillNormal(theirs, expected, 0, 1);
        expect(bitDifferences(out, expected)).to.deep.equal([]);
        expect(Array.from(ours)).to.deep.equal(Array.from(theirs));
        // The tail path produced the draws beyond r (54 expected); 0.43% of the slots took the wedge or
        // the tail (counted in spec/rng.spec.ts), finished in scalar code from the slow generator.
        let tail = 0;
        for (let i = 0; i < DRAWS; i++) if (Math.abs(out[i]) > ZIGGURAT_R) tail++;
        expect(tail).to.be.at.least(poissonBounds(DRAWS * 2 * upperTail(ZIGGURAT_R), 1e-7)[0]).and.greaterThan(0);

        // A shifted, scaled stream continued from the same state, into a plain array (chunked path).
        const plain = plainArray(dtype, 70_003), expectedPlain = plainArray(dtype, 70_003);
        backend.fillNormal(ours, plain, -0.25, 3);
        reference.fillNormal(theirs, expectedPlain, -0.25, 3);
        expect(bitDifferences(plain, expectedPlain)).to.deep.equal([]);
        expect(Array.from(ours)).to.deep.equal(Array.from(theirs));
      });

      it(`fillTruncatedNormal and fillUniform reproduce the reference streams bit for bit, ${dtype}`, function () {
        const backend = backendFor('relaxed');
        const ours = seedState(12, dtype === 'float32' ? 1 : 2), theirs = ours.slice();
        const n = 200_000;
        for (const [std, bound] of [[0.1, 2], [1, 0.5], [-2, 3.7]] as const) {
          const out = backend.alloc(dtype, n), expected = plainArray(dtype, n);
          backend.fillTruncatedNormal(ours, out, std, bound);
          reference.fillTruncatedNormal(theirs, expected, std, bound);
          expect(bitDifferences(out, expected)).to.deep.equal([]);
        }
        for (const [lo, hi] of [[0, 1], [-3, 2], [5, 5]] as const) {
          const out = backend.alloc(dtype, n), expected = plainArray(dtype, n);
          backend.fillUniform(ours, out, lo, hi);
          reference.fillUniform(theirs, expected, lo, hi);
          expect(bitDifferences(out, expected)).to.deep.equal([]);
        }
        expect(Array.from(ours)).to.deep.equal(Array.from(theirs));
        expect(() => backend.fillTruncatedNormal(ours, plainArray(dtype, 1), 1, 0)).to.throw(RangeError);
      });
    }

    /** Sample mean and variance. */
    function moments(x: FloatArray): { mean: number; variance: number } {
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += x[i];
      const mean = sum / x.length;
      let ss = 0;
      for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
      return { mean, variance: ss / (x.length - 1) };
    }

    // Each check allows 5 standard errors of the statistic at this sample size, so a correct sampler
    // fails one with probability below 1e-6, while a wrong scale or a missing tail misses by far more.
    it('normal draws have the right mean, variance and tail mass', function () {
      const backend = backendFor('simd');
      const x = backend.alloc('float64', DRAWS);
      backend.fillNormal(seedState(13), x, 1.5, 2);
      const { mean, variance } = moments(x);
      expect(Math.abs(mean - 1.5)).to.be.below(5 * 2 / Math.sqrt(DRAWS));
      expect(Math.abs(variance - 4)).to.be.below(5 * 4 * Math.sqrt(2 / DRAWS));
      const pBeyond3 = 0.0026997960632601866; // P(|Z| > 3)
      let beyond = 0;
      for (let i = 0; i < DRAWS; i++) if (Math.abs(x[i] - 1.5) > 3 * 2) beyond++;
      expect(Math.abs(beyond / DRAWS - pBeyond3)).to.be.below(5 * Math.sqrt(pBeyond3 * (1 - pBeyond3) / DRAWS));
    });

    it('normal draws put the right mass beyond 4, 4.5 and 5σ (2^26 draws in 64 fills)', function () {
      // Expected counts 4250, 456 and 38.5; exact Poisson bounds at 1e-7 per side.
      const backend = backendFor('relaxed');
      const rng = new Rng(16, [], backend), chunk = Tensor.zeros([1 << 20], 'float64', backend.alloc);
      const thresholds = [4, 4.5, 5], counts = [0, 0, 0];
      for (let f = 0; f < 64; f++) {
        rng.fillNormal(chunk);
        const x = chunk.data;
        for (let i = 0; i < x.length; i++) {
          const a = Math.abs(x[i]);
          if (a > 4) for (let t = 0; t < 3; t++) if (a > thresholds[t]) counts[t]++;
        }
      }
      thresholds.forEach((t, j) => {
        const [lo, hi] = poissonBounds(2 ** 26 * 2 * upperTail(t), 1e-7);
        expect(counts[j], `beyond ${t}σ`).to.be.within(lo, hi);
      });
    });

    it('truncated normal draws stay within the bound with the truncated variance', function () {
      const backend = backendFor('simd');
      const x = backend.alloc('float32', DRAWS);
      const std = 0.5, bound = 2;
      backend.fillTruncatedNormal(seedState(14), x, std, bound);
      let maxAbs = 0;
      for (let i = 0; i < DRAWS; i++) maxAbs = Math.max(maxAbs, Math.abs(x[i]));
      expect(maxAbs).to.be.at.most(Math.fround(bound * std));
      // Var(Z | |Z| ≤ 2) = 1 − 2·2·φ(2) / (Φ(2) − Φ(−2)); its fourth moment bounds the standard error by 2/√n.
      const truncatedVariance = 1 - (2 * 2 * 0.05399096651318806) / 0.9544997361036416;
      const { mean, variance } = moments(x);
      expect(Math.abs(mean)).to.be.below(5 * std / Math.sqrt(DRAWS));
      expect(Math.abs(variance / std ** 2 - truncatedVariance)).to.be.below(5 * 2 / Math.sqrt(DRAWS));
    });

    it('uniform draws lie in [lo, hi) with mean (lo + hi)/2 and variance (hi − lo)²/12', function () {
      const backend = backendFor('simd');
      const x = backend.alloc('float64', DRAWS);
      backend.fillUniform(seedState(15), x, -1, 3);
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < DRAWS; i++) {
        lo = Math.min(lo, x[i]);
        hi = Math.max(hi, x[i]);
      }
      expect(lo).to.be.at.least(-1);
      expect(hi).to.be.below(3);
      const { mean, variance } = moments(x);
      expect(Math.abs(mean - 1)).to.be.below(5 * Math.sqrt(16 / 12 / DRAWS));
      // The variance of (U − µ)² for a uniform of width w is w⁴/180.
      expect(Math.abs(variance - 16 / 12)).to.be.below(5 * Math.sqrt(256 / 180 / DRAWS));
    });
  });

  describe('arena', function () {
    it('hands out zeroed, aligned views that stay valid, and reuses storage after reset', function () {
      const backend = new WasmBackend({ memoryBytes: 4 << 20 });
      const buffer = backend.memory.buffer;
      const mark = backend.mark();
      const a = backend.alloc('float64', 1000);
      expect(a.byteOffset % 64).to.equal(0);
      a.fill(7);
      backend.reset(mark);
      const b = backend.alloc('float32', 2000);
      expect(b.byteOffset).to.equal(a.byteOffset);
      expect(b.every((v) => v === 0)).to.equal(true);
      // Scratch used by a call on plain arrays is dirty memory too; later allocations must be zero.
      backend.fillNormal(seedState(1), new Float64Array(5000), 0, 1);
      const c = backend.alloc('float64', 5000);
      expect(c.every((v) => v === 0)).to.equal(true);
      expect(backend.memory.buffer).to.equal(buffer);
      expect(b.length).to.equal(2000);
    });

    it('serves as a Tensor allocator, and an Rng on it draws the reference stream', function () {
      const backend = backendFor('relaxed');
      const t = Tensor.zeros([3, 5], 'float32', backend.alloc);
      expect(backend.owns(t.data)).to.equal(true);
      new Rng(21, [1], backend).fillNormal(t, 0, 2);
      const expected = Tensor.zeros([3, 5], 'float32');
      new Rng(21, [1]).fillNormal(expected, 0, 2);
      expect(bitDifferences(t.data, expected.data)).to.deep.equal([]);
    });

    it('passes pointers above 2 GiB to the kernels intact (they arrive as wrapped i32)', function () {
      // Reserving 3 GiB costs address space only: the padding below is never touched.
      const backend = new WasmBackend({ memoryBytes: 3 * 2 ** 30 });
      backend.alloc('float64', 2 ** 28 + 5);
      checkMatmul(backend, 'float32', 9, 10, 11, { transB: true }, 30);
      const x = backend.alloc('float64', 1000), expected = new Float64Array(1000);
      expect(x.byteOffset).to.be.greaterThan(2 ** 31);
      backend.fillNormal(seedState(31), x, 0, 1);
      reference.fillNormal(seedState(31), expected, 0, 1);
      expect(bitDifferences(x, expected)).to.deep.equal([]);
    });

    it('throws when the fixed arena is exhausted instead of growing memory', function () {
      const backend = new WasmBackend({ memoryBytes: 4 << 20 });
      expect(() => backend.alloc('float64', 1 << 20)).to.throw(RangeError, /arena exhausted/);
      expect(() => backend.matmul(new Float64Array(1 << 19), new Float64Array(1 << 19), new Float64Array(1), 1, 1, 1 << 19))
        .to.throw(RangeError, /scratch/);
      expect(() => backend.reset(-1)).to.throw(RangeError);
    });
  });
});
