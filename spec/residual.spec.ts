// Residual nets (THEORY.md §7): schedules, the log-domain module trace (on every backend,
// spec/backends.ts), and the theory's laws on random architectures (fast-check, seeded; on the
// reference backend: the trace suite shows the other backends compute the same M_ℓ).
//
// Sizing (THEORY.md §6.1, §7.6). R = M_L/M_0.
// - Linear modules, Gaussian weights: E[R] = ∏(1 + κη²) and E[R²] are exact (7.2), (7.6), so
//   Var(R)/E[R]² = V is known. The sample mean over N nets is within 6√(V/N)·E[R] except with
//   probability < 2e−9; as in fm1.spec we keep V ≤ 1 so the skewness of the mean (≈ (V + 3)√V/√N for a
//   log-normal-like R) stays ≤ 0.13 at N = 1000 and the normal approximation holds.
// - Relu modules, one step from a fixed x ≥ 0, Gaussian weights: E[r | x] is (7.3) and r ≤ (1 + ηξ)²
//   (7.8), so Var(r | x) ≤ E[(1 + ηξ)⁴] − E[r | x]², an upper bound on the variance; r is light-tailed
//   (ξ² is a product of a few χ² variables), N = 3000.
// - Bounded FM2 under summable scales (relu): 1 ≤ R deterministically, so the measured
//   mean(R²)/mean(R)² ≤ mean(R²), and mean(R²) ≤ E[R²] + 6√(E[R⁴]/N) ≤ B₂ + 6√(B₄/N) with B_p the
//   bounds (7.9) on E[R^p]: a one-sided test that holds whatever the tails.
import { expect } from 'chai';
import fc from 'fast-check';
import { initializerById, type Initializer } from '../lib/nn/init';
import { type ModuleConvention, ResidualNet } from '../lib/nn/residual/net';
import { lambdaFactor, log10LinearGaussianSecondMomentRatio, log10LinearMeanRatio, log10ReluMeanRatioBounds, log10ReluMomentBound, moduleKappa, reluStepMean } from '../lib/nn/residual/theory';
import { traceResidualForward } from '../lib/nn/residual/trace';
import { parseSchedule, parseScheduleList, scales } from '../lib/nn/residual/schedule';
import { logMeanExp } from '../lib/nn/stats';

import { Rng } from '../lib/tensor/rng';
import { logGamma } from '../lib/nn/special';
import { randomUnitInput } from '../lib/nn/input';
import { describeOnBackends } from './backends';

const GAUSSIAN = ['he_normal', 'glorot_normal', 'lecun_normal', 'he_normal_x2'].map(initializerById);

/** ln(M_ℓ/M_0) for ℓ = 0..L of N independent nets (NaN rows for the rare dead x_0 = 0). */
function logRatios(conv: ModuleConvention, n: number, hidden: number[], etas: number[], init: Initializer, N: number, seed: number): Float64Array[] {
  const net = new ResidualNet({ inputWidth: n, width: n, hidden, outputWidth: 2, convention: conv }, etas, init);
  const out: Float64Array[] = [];
  for (let k = 0; k < N; k++) {
    const rng = new Rng(seed, [k]);
    net.initialize(rng);
    const t = traceResidualForward(net, randomUnitInput(rng, n), false);
    out.push(t.logM.map((l) => (t.dead ? NaN : l - t.logM0)));
  }
  return out;
}

/** A plain float64 forward of the stream, for the trace test: ln M_ℓ for ℓ = 0..L. */
function plainLogM(net: ResidualNet, x: ArrayLike<number>): number[] {
  const relu = (v: Float64Array) => v.map((a) => (a > 0 ? a : 0));
  const matvec = (w: Float64Array | Float32Array, v: Float64Array, rows: number) => {
    const cols = v.length, o = new Float64Array(rows);
    for (let i = 0; i < rows; i++) { let s = 0; for (let j = 0; j < cols; j++) s += w[i * cols + j] * v[j]; o[i] = s; }
    return o;
  };
  const n = net.arch.width, mw = net.moduleWidths();
  let s = relu(matvec(net.projection.data, Float64Array.from(x), n));
  const lm = (v: Float64Array) => Math.log(v.reduce((a, b) => a + b * b, 0) / n);
  const out = [lm(s)];
  net.modules.forEach((layers, l) => {
    let t = s;
    layers.forEach((w, i) => {
      t = matvec(w.data, t, mw[i + 1]);
      if (i < layers.length - 1 || net.arch.convention === 'relu') t = relu(t);
    });
    s = s.map((a, i) => a + net.etas[l] * t[i]);
    out.push(lm(s));
  });
  return out;
}

describe('residual nets: schedules', () => {
  it('gives the documented scales', () => {
    const at = (text: string, L: number) => Array.from(scales(parseSchedule(text), L));
    expect(at('const:1', 3)).to.deep.equal([1, 1, 1]);
    expect(at('inv', 3)).to.deep.equal([1, 1 / 2, 1 / 3]);
    expect(at('inv2', 3)).to.deep.equal([1, 1 / 4, 1 / 9]);
    expect(at('geom:0.5', 3)).to.deep.equal([0.5, 0.25, 0.125]);
    expect(at('invL', 4)).to.deep.equal([0.25, 0.25, 0.25, 0.25]);
    expect(at('invsqrtL', 4)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    expect(at('list:0.5,0.2', 2)).to.deep.equal([0.5, 0.2]);
  });

  it('splits lists, keeping list: entries together, and round-trips the canonical text', () => {
    expect(parseScheduleList('inv, list:0.5,0.2 ,inv2,geom:.9').map((s) => s.text)).to.deep.equal(['inv', 'list:0.5,0.2', 'inv2', 'geom:0.9']);
    for (const t of ['const:0.25', 'inv', 'inv2', 'geom:0.9', 'invL', 'invsqrtL', 'list:1,0.5,0']) expect(parseSchedule(t).text).to.equal(t);
  });

  it('rejects negative scales, unknown names, malformed values and too long L, in one line', () => {
    for (const bad of ['const:-1', 'geom:-0.5', 'list:0.5,-0.2', 'const:', 'const', 'geom:x', 'inv:2', 'foo', 'list:', 'const:Infinity', 'const:0x1']) {
      expect(() => parseScheduleList(bad), bad).to.throw(RangeError);
      try { parseScheduleList(bad); } catch (e) { expect((e as Error).message).not.to.include('\n'); }
    }
    expect(() => parseSchedule('list:1,,2')).to.throw(/empty entry/);
    expect(() => parseScheduleList('inv,inv')).to.throw(/twice/);
    expect(() => parseScheduleList('0.5')).to.throw(/bare number/);
    expect(() => scales(parseSchedule('list:1,2'), 3)).to.throw(/only 2/);
    expect(() => scales(parseSchedule('inv'), 0)).to.throw(/positive integer/);
  });
});

describeOnBackends('residual nets: the log-domain module trace', (b) => {
  const runs = b.size(120, 30);
  it(`equals a plain float64 forward, its shares sum to 1, and the linear prediction is M(1 + κη²) (${runs} nets${b.full ? '' : ', reduced from 120'})`, () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 24 }), fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 3 }),
      fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 1, maxLength: 12 }),
      fc.constantFrom<ModuleConvention>('linear', 'relu'), fc.constantFrom('he_normal', 'he_uniform', 'glorot_normal_truncated', 'orthogonal'),
      fc.integer({ min: 0, max: 1e9 }),
      (n, hidden, etas, conv, id, seed) => {
        const init = initializerById(id);
        const net = new ResidualNet({ inputWidth: n + 1, width: n, hidden, outputWidth: 3, convention: conv }, etas, init, { dtype: b.dtype, backend: b.backend });
        const rng = new Rng(seed);
        net.initialize(rng);
        const x = randomUnitInput(rng, n + 1);
        const t = traceResidualForward(net, x);
        const plain = plainLogM(net, x);
        if (t.dead) { expect(plain[0]).to.equal(-Infinity); return; }
        plain.forEach((l, i) => expect(Math.abs(t.logM[i] - l), `ℓ = ${i}`).to.be.below(b.tol(1e-11 * (i + 1))));
        const kappa = moduleKappa(net.moduleWidths(), init);
        t.modules.forEach((m, i) => {
          expect(Math.abs(m.skipShare + m.branchShare + m.crossShare - 1)).to.be.below(1e-12);
          if (conv === 'linear') expect(m.predictedLog10M).to.be.closeTo((t.logM[i] + Math.log1p(kappa * etas[i] * etas[i])) * Math.LOG10E, 1e-12);
          if (conv === 'relu') expect(m.skipShare).to.be.at.most(1 + 1e-12); // a non-negative stream only grows
        });
      }), { seed: 31, numRuns: runs });
  });

  it('keeps η = 1 over 2,000 modules representable (M_L ≈ 10^950)', () => {
    const init = initializerById('he_normal');
    const net = new ResidualNet({ inputWidth: 16, width: 16, hidden: [16], outputWidth: 2, convention: 'linear' }, new Array(2000).fill(1), init, { dtype: b.dtype, backend: b.backend });
    const rng = new Rng(5);
    net.initialize(rng);
    const t = traceResidualForward(net, randomUnitInput(rng, 16), false);
    expect(Number.isFinite(t.logRatio)).to.equal(true);
    expect(t.logRatio * Math.LOG10E).to.be.above(500);
  });
});

describe('residual nets: theory helpers', () => {
  it('logGamma and λ(m) agree with known values', () => {
    expect(logGamma(0.5)).to.be.closeTo(0.5 * Math.log(Math.PI), 1e-13);
    expect(logGamma(10)).to.be.closeTo(Math.log(362880), 1e-12);
    expect(logGamma(0.1)).to.be.closeTo(2.252712651734206, 1e-12);
    expect(lambdaFactor(1)).to.be.closeTo(1 / Math.sqrt(Math.PI), 1e-13);
    // λ(m) = 1 − 5/(8m) + O(m⁻²) (§7.2).
    expect(1 - lambdaFactor(400)).to.be.closeTo(5 / 3200, 2e-5);
  });
});

describe('residual nets: the laws (7.2), (7.3), (7.6), (7.9)', () => {
  it('linear modules: the sample mean of M_L/M_0 agrees with ∏(1 + κη²) (random widths, schedules, Gaussian laws; V ≤ 1)', () => {
    const schedules = ['const:0.3', 'inv', 'inv2', 'geom:0.7', 'invL', 'invsqrtL', 'const:0.6'];
    fc.assert(fc.property(
      fc.integer({ min: 8, max: 32 }), fc.array(fc.integer({ min: 8, max: 32 }), { maxLength: 2 }), fc.integer({ min: 1, max: 8 }),
      fc.constantFrom(...schedules), fc.constantFrom(...GAUSSIAN), fc.integer({ min: 0, max: 1e9 }),
      (n, hidden, L, text, init, seed) => {
        const mw = [n, ...hidden, n];
        const etas = Array.from(scales(parseSchedule(text), L));
        const log10Mean = log10LinearMeanRatio(moduleKappa(mw, init), etas);
        const V = Math.pow(10, log10LinearGaussianSecondMomentRatio(mw, init, etas) - 2 * log10Mean) - 1;
        fc.pre(V <= 1);
        const N = 1000;
        const logs = logRatios('linear', n, hidden, etas, init, N, seed).map((r) => r[L]).filter((l) => !Number.isNaN(l));
        const rel = Math.exp(logMeanExp(logs) - log10Mean / Math.LOG10E) - 1;
        expect(Math.abs(rel), `${init.id} n=${n} hidden=[${hidden}] ${text} L=${L} V=${V.toFixed(3)}`).to.be.below(6 * Math.sqrt(V / logs.length));
      }), { seed: 77, numRuns: 12 });
  });

  it('linear modules, Gaussian weights: the sample mean of (M_L/M_0)² agrees with (7.6) (light tails, plug-in se)', () => {
    // Small η and L keep R² light-tailed (E[R²]/E[R]² − 1 ≤ 0.3 here), where the plug-in se is good (§6.1).
    fc.assert(fc.property(
      fc.integer({ min: 16, max: 32 }), fc.integer({ min: 16, max: 32 }), fc.integer({ min: 1, max: 4 }),
      fc.double({ min: 0.1, max: 0.4, noNaN: true }), fc.constantFrom(...GAUSSIAN), fc.integer({ min: 0, max: 1e9 }),
      (n, m, L, eta, init, seed) => {
        const etas = new Array<number>(L).fill(eta);
        const N = 3000;
        const r2 = logRatios('linear', n, [m], etas, init, N, seed).map((r) => Math.exp(2 * r[L])).filter((v) => !Number.isNaN(v));
        const mean = r2.reduce((a, b) => a + b, 0) / r2.length;
        const se = Math.sqrt(r2.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (r2.length - 1) / r2.length);
        const predicted = Math.pow(10, log10LinearGaussianSecondMomentRatio([n, m, n], init, etas));
        expect(Math.abs(mean - predicted), `${init.id} n=${n} m=${m} η=${eta} L=${L}`).to.be.below(6 * se);
      }), { seed: 5, numRuns: 6 });
  });

  it('relu modules: the one-step conditional mean (7.3) agrees with Monte Carlo from a fixed x ≥ 0', () => {
    fc.assert(fc.property(
      fc.integer({ min: 4, max: 32 }), fc.array(fc.integer({ min: 2, max: 32 }), { maxLength: 2 }),
      fc.double({ min: 0.05, max: 1, noNaN: true }), fc.constantFrom(...GAUSSIAN), fc.integer({ min: 0, max: 1e9 }),
      (n, hidden, eta, init, seed) => {
        const mw = [n, ...hidden, n];
        const net = new ResidualNet({ inputWidth: n, width: n, hidden, outputWidth: 2, convention: 'relu' }, [eta], init);
        // A fixed x ≥ 0 with some zeros; the projection is set to the identity so x_0 = x.
        const xr = new Rng(seed, [1]);
        const x = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : Math.max(0, xr.normal())));
        const M = x.reduce((a, b) => a + b * b, 0) / n, xbar = x.reduce((a, b) => a + b, 0) / n;
        const expected = reluStepMean(M, xbar, moduleKappa(mw, init), mw.slice(1, -1).reduce((p, m) => p * lambdaFactor(m), 1), eta) / M;
        const N = 3000;
        let s = 0;
        for (let k = 0; k < N; k++) {
          net.initialize(new Rng(seed, [2, k]));
          net.projection.data.fill(0);
          for (let i = 0; i < n; i++) net.projection.data[i * n + i] = 1;
          s += Math.exp(traceResidualForward(net, x, false).logRatio);
        }
        const varBound = Math.pow(10, log10ReluMomentBound(mw, init, [eta], 2)) - expected * expected;
        expect(Math.abs(s / N - expected), `${init.id} [${mw}] η=${eta}`).to.be.below(6 * Math.sqrt(varBound / N));
      }), { seed: 11, numRuns: 10 });
  });

  it('summable scales keep E[M_L²]/E[M_L]² bounded as L grows; η = 1 does not keep the mean bounded', () => {
    const init = initializerById('he_normal');
    const n = 16, hidden = [16], mw = [n, ...hidden, n];
    // Theory: the bounds converge for inv2 (relu) and inv (linear), and the η = 1 means grow geometrically.
    const inv2 = (L: number) => Array.from(scales(parseSchedule('inv2'), L));
    const inv = (L: number) => Array.from(scales(parseSchedule('inv'), L));
    const ones = (L: number) => new Array<number>(L).fill(1);
    const b2 = (L: number) => log10ReluMomentBound(mw, init, inv2(L), 2);
    // Σ_{ℓ>L} 1/ℓ² ≈ 1/L: the bound's tail beyond L = 1000 adds < 0.01 (and 1/ℓ² sums to π²/6).
    expect(b2(10000) - b2(1000)).to.be.below(0.01);
    const fm2Linear = (L: number) => log10LinearGaussianSecondMomentRatio(mw, init, inv(L)) - 2 * log10LinearMeanRatio(moduleKappa(mw, init), inv(L));
    expect(fm2Linear(10000) - fm2Linear(1000)).to.be.below(0.01);
    expect(log10LinearMeanRatio(2, ones(100))).to.be.closeTo(100 * Math.log10(3), 1e-9);
    expect(log10ReluMeanRatioBounds(mw, init, ones(100))[0]).to.be.above(30);

    // Simulation, relu modules with η_ℓ = 1/ℓ²: one-sided bound (header) at L = 20 and 200 from the same nets.
    const N = 400;
    const logs = logRatios('relu', n, hidden, inv2(200), init, N, 3);
    for (const L of [20, 200]) {
      const r = logs.map((row) => row[L]).filter((l) => !Number.isNaN(l));
      for (const l of r) expect(l).to.be.at.least(-1e-12); // R ≥ 1: the non-negative stream only grows
      const meanR2 = r.reduce((a, l) => a + Math.exp(2 * l), 0) / r.length, meanR = r.reduce((a, l) => a + Math.exp(l), 0) / r.length;
      const bound = Math.pow(10, b2(L)) + 6 * Math.sqrt(Math.pow(10, log10ReluMomentBound(mw, init, inv2(L), 4)) / r.length);
      expect(meanR2 / (meanR * meanR), `L = ${L}`).to.be.below(bound);
    }
    // η = 1: the measured means grow with L like the theory (3^L linear; relu ≥ its lower bound's rate).
    for (const conv of ['linear', 'relu'] as const) {
      const runs = logRatios(conv, n, hidden, ones(40), init, 300, 4);
      const log10Mean = (L: number) => logMeanExp(runs.map((row) => row[L]).filter((l) => !Number.isNaN(l))) * Math.LOG10E;
      const perModule = conv === 'linear' ? Math.log10(3) : log10ReluMeanRatioBounds(mw, init, [1])[0];
      expect(log10Mean(40) - log10Mean(20), conv).to.be.above(0.5 * 20 * perModule);
      expect(log10Mean(20) - log10Mean(10), conv).to.be.above(0.5 * 10 * perModule);
    }
  });
});
