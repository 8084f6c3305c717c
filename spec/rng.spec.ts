// The generator and samplers. Tolerances: with N draws, a sample mean of a quantity with variance s²
// lies within 6·s/√N of its expectation except with probability < 2e-9 (normal approximation; all
// quantities tested have light tails). KS tests reject at α = 1e-6.
import { expect } from 'chai';
import { ReferenceBackend } from '../lib/kernels/reference';
import { seedState, nextU32, ZIGGURAT, ZIGGURAT_R } from '../lib/kernels/rng';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { haarOrthonormalColumns, truncatedNormalVariance } from '../lib/nn/init';
import { chiSquareCritical, chiSquareGoodnessOfFit, ksCritical, ksOneSample } from '../lib/nn/stats';
import { normalCdf } from '../lib/nn/special';

const backend = new ReferenceBackend();
const Z_1E6 = 4.753; // Φ^{−1}(1 − 1e−6)

describe('random generator', () => {
  it('reproduces a stream exactly from its seed, and key paths give different streams', () => {
    const a = seedState(42, 1, 2), b = seedState(42, 1, 2), c = seedState(42, 2, 1), d = seedState(43, 1, 2);
    const draw = (s: Uint32Array) => Array.from({ length: 8 }, () => nextU32(s));
    const da = draw(a);
    expect(draw(b)).to.deep.equal(da);
    expect(draw(c)).to.not.deep.equal(da);
    expect(draw(d)).to.not.deep.equal(da);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => seedState(-1)).to.throw(/seed/);
    expect(() => seedState(1.5)).to.throw(/seed/);
  });

  it('gives uniform 32-bit words (byte histogram, χ² at α = 1e−6)', () => {
    const s = seedState(7);
    const counts = new Float64Array(256);
    const N = 200000;
    for (let i = 0; i < N; i++) { const w = nextU32(s); counts[w & 255]++; counts[w >>> 24]++; }
    const { stat, df } = chiSquareGoodnessOfFit(counts, new Float64Array(256).fill(1 / 256));
    expect(stat).to.be.below(chiSquareCritical(df, Z_1E6));
  });
});

describe('normal sampler (256-layer ziggurat)', () => {
  const N = 1_000_000;
  const xs = new Float64Array(N);
  before(() => backend.fillNormal(seedState(11), xs, 0, 1));

  it('has the tables of a valid ziggurat: decreasing x, equal-area layers', () => {
    const { x, f } = ZIGGURAT;
    for (let i = 1; i < 256; i++) expect(x[i + 1]).to.be.below(x[i]);
    // Layer i ≥ 1 has area x[i]·(f[i+1] − f[i]) = V; checked to 1e−9 relative.
    for (let i = 1; i < 255; i++) expect(Math.abs(x[i] * (f[i + 1] - f[i]) / 4.92867323399e-3 - 1)).to.be.below(1e-9);
  });

  it('matches N(0,1) moments: mean, variance, fourth moment', () => {
    let m = 0, v = 0, k = 0;
    for (const x of xs) { m += x; v += x * x; k += x ** 4; }
    m /= N; v /= N; k /= N;
    expect(Math.abs(m)).to.be.below(6 / Math.sqrt(N)); // Var(x) = 1
    expect(Math.abs(v - 1)).to.be.below(6 * Math.sqrt(2 / N)); // Var(x²) = 2
    expect(Math.abs(k - 3)).to.be.below(6 * Math.sqrt(96 / N)); // Var(x⁴) = 105 − 9
  });

  it('puts the right mass in the tail beyond r (exercises the tail path)', () => {
    const p = 2 * (1 - normalCdf(ZIGGURAT_R));
    let count = 0;
    for (const x of xs) if (Math.abs(x) > ZIGGURAT_R) count++;
    expect(Math.abs(count - N * p)).to.be.below(6 * Math.sqrt(N * p * (1 - p)));
  });

  it('passes a one-sample KS test against Φ', () => {
    expect(ksOneSample(xs, normalCdf)).to.be.below(ksCritical(1e-6, N));
  });
});

describe('other samplers', () => {
  it('uniform: KS against U[−1, 1)', () => {
    const xs = new Float64Array(200000);
    backend.fillUniform(seedState(3), xs, -1, 1);
    expect(xs.every((x) => x >= -1 && x < 1)).to.equal(true);
    expect(ksOneSample(xs, (x) => (x + 1) / 2)).to.be.below(ksCritical(1e-6, xs.length));
  });

  it('truncated normal at ±2σ: bounded, with variance 0.7737·σ²', () => {
    const N = 400000, sigma = 1.7;
    const xs = new Float64Array(N);
    backend.fillTruncatedNormal(seedState(5), xs, sigma, 2);
    let v = 0, maxAbs = 0;
    for (const x of xs) { maxAbs = Math.max(maxAbs, Math.abs(x)); v += x * x; }
    expect(maxAbs).to.be.at.most(2 * sigma);
    v /= N * sigma * sigma;
    const target = truncatedNormalVariance(2);
    expect(target).to.be.closeTo(0.7737413, 1e-7);
    // Var(z²) for the truncated law is below E[z⁴] < 3·target², so sd(v) < √(3/N)·target.
    expect(Math.abs(v - target)).to.be.below(6 * Math.sqrt(3 / N) * target);
  });

  it('binomial(n, ½) by bit counting has the right law (χ² per n)', () => {
    const rng = new Rng(9);
    for (const n of [1, 7, 31, 32, 33, 100]) {
      const counts = new Float64Array(n + 1);
      const draws = 50000;
      for (let i = 0; i < draws; i++) counts[rng.binomialHalf(n)]++;
      const probs = new Float64Array(n + 1);
      let logC = -n * Math.LN2;
      for (let k = 0; k <= n; k++) { if (k > 0) logC += Math.log((n - k + 1) / k); probs[k] = Math.exp(logC); }
      const { stat, df } = chiSquareGoodnessOfFit(counts, probs);
      expect(stat, `n=${n}`).to.be.below(chiSquareCritical(df, Z_1E6));
    }
  });

  it('int(n) is uniform and fork gives independent, reproducible streams', () => {
    const r1 = new Rng(1), r2 = new Rng(1);
    expect(r1.fork(3).u32()).to.equal(r2.fork(3).u32());
    const counts = new Float64Array(10);
    for (let i = 0; i < 100000; i++) counts[r1.int(10)]++;
    const { stat, df } = chiSquareGoodnessOfFit(counts, new Float64Array(10).fill(0.1));
    expect(stat).to.be.below(chiSquareCritical(df, Z_1E6));
  });
});

describe('Haar orthogonal matrices', () => {
  it('have orthonormal columns', () => {
    const rng = new Rng(2);
    for (const [n, k] of [[1, 1], [5, 5], [9, 4], [30, 30]]) {
      const q = haarOrthonormalColumns(rng, n, k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * k + a] * q[i * k + b];
        expect(dot).to.be.closeTo(a === b ? 1 : 0, 1e-12);
      }
    }
  });

  it('are Haar: the sign fix makes Q₀₀ symmetric with variance 1/n (QR alone is not)', () => {
    // Each entry of a Haar O(n) has mean 0 and variance 1/n; over S draws the mean of Q₀₀ has sd 1/√(nS).
    const rng = new Rng(4), n = 6, S = 20000;
    let s = 0, s2 = 0;
    for (let t = 0; t < S; t++) { const q = haarOrthonormalColumns(rng, n, n); s += q[0]; s2 += q[0] * q[0]; }
    expect(Math.abs(s / S)).to.be.below(6 / Math.sqrt(n * S));
    // Var(Q₀₀²) ≤ E[Q₀₀⁴] = 3/(n(n+2)).
    expect(Math.abs(s2 / S - 1 / n)).to.be.below(6 * Math.sqrt(3 / (n * (n + 2)) / S));
  });

  it('Tensor fills need contiguous storage', () => {
    const t = Tensor.zeros([3, 4]).transpose();
    expect(() => new Rng(1).fillNormal(t)).to.throw(/contiguous/);
  });
});
