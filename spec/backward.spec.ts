// The backward trace against the autograd engine (on every backend, spec/backends.ts), and every
// formula of THEORY.md §10 against real nets (on the reference).
//
// Sizing (THEORY.md §10.10). Mean tests use the exact variance of the per-net value from the pair
// recursion (§10.3, §10.5, §10.7): 6 standard errors. Fourth-moment tests bound the variance of the
// per-net value by the Gaussian eighth moment of one entry (Jensen, then moment domination, §10.10) and
// run where that bound still separates the law's value from the Gaussian formula's. One-layer
// identities (light tails: polynomials of one layer's entries) use 6 plug-in standard errors. Laws are
// compared by two-sample KS at α = 1e−4. Exact Gaussian z-scores pool across layers because they are
// independent (§10.4).
import { expect } from 'chai';
import fc from 'fast-check';
import { add, backward, biasRelu, Context, matmul, scale, sum, type Var } from '../lib/autograd';
import { DenseClassifier } from '../lib/nn/dense/classifier';
import { DenseReluNet } from '../lib/nn/dense/net';
import { jacobian, traceBackward } from '../lib/nn/dense/backward';
import { gradStatistics, initGradientNorms, sampleJacobianNets } from '../lib/nn/dense/grad-statistics';
import { logTInterval } from '../lib/nn/stats';
import { studentTQuantile } from '../lib/nn/special';
import {
  gradientMoments, jacobianLaw, log10GaussianEntryMoment, log10MeanSqJacobian, logGradientSpreadLeadingOrder, pairStep,
  sampleGaussianLogEntrySq, sampleGaussianLogGradNorms,
} from '../lib/nn/dense/jacobian-theory';
import { initializerById, type Initializer } from '../lib/nn/init';
import { ksCritical, ksTwoSample } from '../lib/nn/stats';
import { randomUnitInput } from '../lib/nn/input';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { describeOnBackends, type BackendCase } from './backends';

/** The net's forward pass through the autograd, x a [1, n_0] leaf that wants a gradient. */
function autogradForward(net: DenseReluNet, x: ArrayLike<number>): { ctx: Context; xv: Var; out: Var; params: Var[] } {
  const ctx = new Context(net.backend);
  const xv = ctx.leaf(Tensor.from([Array.from(x)], net.dtype), true);
  const params: Var[] = [];
  let a = xv;
  for (let j = 0; j < net.depth; j++) {
    const W = ctx.leaf(net.weights[j], true), b = ctx.leaf(net.biases[j], true);
    params.push(W, b);
    a = biasRelu(matmul(a, W, { transB: true }), b); // zero-bias nets store zeros: b still gets its gradient
  }
  return { ctx, xv, out: a, params };
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

const arch = fc.record({
  widths: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 9 }),
  init: fc.constantFrom('he_normal', 'he_uniform', 'he_normal_truncated', 'glorot_uniform', 'orthogonal'),
  biasVariance: fc.constantFrom(0, 0.3),
  seed: fc.integer({ min: 0, max: 1e9 }),
});

function drawNet(a: { widths: number[]; init: string; biasVariance: number; seed: number }, b?: BackendCase) {
  const rng = new Rng(a.seed);
  const net = new DenseReluNet(a.widths, initializerById(a.init),
    { bias: a.biasVariance === 0 ? undefined : { law: 'uniform', variance: a.biasVariance }, dtype: b?.dtype, backend: b?.backend });
  net.initialize(rng);
  return { net, x: randomUnitInput(rng, a.widths[0]), rng };
}

describeOnBackends('backward trace', (b) => {
  const runs = b.size(60, 20), jacobianRuns = b.size(40, 15);
  it(`its Jacobian rows and gradient norms equal the autograd engine's to ${b.dtype} round-off (${runs} random nets${b.full ? '' : ', reduced from 60'})`, () => {
    fc.assert(fc.property(arch, (a) => {
      const { net, x } = drawNet(a, b);
      const d = net.depth, nd = a.widths[d];
      for (let q = 0; q < nd; q++) {
        const t = traceBackward(net, x, { kind: 'coordinate', q });
        const { ctx, xv, out } = autogradForward(net, x);
        const e = Tensor.zeros([nd, 1], net.dtype);
        e.data[q] = 1;
        backward(sum(matmul(out, ctx.leaf(e))));
        const g = xv.grad!.data, scaleOf = Math.max(norm(g), 1e-300);
        for (let p = 0; p < a.widths[0]; p++) expect(Math.abs(t.inputGradient[p] - g[p]) / scaleOf).to.be.below(b.tol(1e-13 * (d + 1)));
      }
      // ℓ = ½‖a_d − y‖²: per-layer ‖∂ℓ/∂W_j‖ and ‖∂ℓ/∂b_j‖.
      const y = Float64Array.from({ length: nd }, (_, i) => Math.cos(i));
      const t = traceBackward(net, x, { kind: 'loss', gradient: (o) => o.map((v, i) => v - y[i]) });
      const { ctx, out, params } = autogradForward(net, x);
      // ½‖a − y‖² = ½(a·a) − a·y + const, built from matmuls.
      const yv = ctx.leaf(Tensor.from(Array.from(y, (v) => [v]), net.dtype));
      backward(sum(add(scale(matmul(out, out, { transB: true }), 0.5), scale(matmul(out, yv), -1))));
      t.layers.forEach((l, j) => {
        const gw = norm(params[2 * j].grad!.data), gb = norm(params[2 * j + 1].grad!.data);
        if (gw === 0) expect(l.log10GradW).to.equal(-Infinity);
        else expect(Math.abs(10 ** l.log10GradW / gw - 1)).to.be.below(b.tol(1e-12 * (d + 1)));
        if (gb === 0) expect(l.log10GradB).to.equal(-Infinity);
        else expect(Math.abs(10 ** l.log10GradB / gb - 1)).to.be.below(b.tol(1e-12 * (d + 1)));
      });
    }), { seed: 17, numRuns: runs });
  });

  it(`the all-outputs Jacobian equals the trace row by row (${jacobianRuns} nets${b.full ? '' : ', reduced from 40'})`, () => {
    fc.assert(fc.property(arch, (a) => {
      const { net, x } = drawNet(a, b);
      const J = jacobian(net, x), nd = a.widths[net.depth], n0 = a.widths[0];
      for (let q = 0; q < nd; q++) {
        const row = traceBackward(net, x, { kind: 'coordinate', q }).inputGradient, s = Math.max(norm(row), 1e-300);
        for (let p = 0; p < n0; p++) {
          const v = J.logScale === -Infinity ? 0 : Math.exp(J.logScale) * J.scaled[q * n0 + p];
          expect(Math.abs(v - row[p]) / s).to.be.below(b.tol(1e-12 * (net.depth + 1)));
        }
      }
    }), { seed: 5, numRuns: jacobianRuns });
  });

  it('stays finite at depth 1,200 (2×He and Glorot), the trace and the batched Jacobian agreeing in the log domain', () => {
    const rng = new Rng(3);
    for (const id of ['he_normal_x2', 'glorot_uniform']) {
      const widths = [30, ...new Array(1199).fill(30), 4];
      const net = new DenseReluNet(widths, initializerById(id), { dtype: b.dtype, backend: b.backend });
      net.initialize(rng);
      const x = randomUnitInput(rng, 30);
      const J = jacobian(net, x);
      expect(Number.isFinite(J.logScale)).to.equal(true);
      expect(Math.abs(J.logScale * Math.LOG10E)).to.be.above(150); // ‖J‖² ≈ 10^{±361}: beyond float64
      const rows = [0, 1, 2, 3].map((q) => traceBackward(net, x, { kind: 'coordinate', q }).logInputGradientSq);
      const top = Math.max(...rows);
      const lnFrob = top + Math.log(rows.reduce((s, r) => s + Math.exp(r - top), 0));
      // In float32, where larger, the forward traces' round-off allowance (1e−11 per layer in float64)
      // carried over (b.tol): 1e−9·|ln| itself would carry over as a useless half of |ln|.
      expect(Math.abs(lnFrob - 2 * J.logScale)).to.be.below(Math.max(1e-9 * Math.abs(lnFrob), b.tol(1e-11 * widths.length)));
    }
  });

  it('records the gates: active units from the forward masks, zeros below a dead unit', () => {
    const net = new DenseReluNet([3, 5, 4], initializerById('he_normal'), { dtype: b.dtype, backend: b.backend });
    net.initialize(new Rng(8));
    const x = [0.3, -0.2, 0.9];
    for (let q = 0; q < 4; q++) {
      const t = traceBackward(net, x, { kind: 'coordinate', q });
      expect(t.layers.map((l) => l.layer)).to.deep.equal([1, 2]);
      if (t.layers[1].log10DeltaSq === -Infinity) expect(t.logInputGradientSq).to.equal(-Infinity); // unit q off
      else expect(t.layers[1].log10DeltaSq).to.be.closeTo(0, b.tol(1e-15)); // δ_d = e_q
    }
    expect(() => traceBackward(net, x, { kind: 'coordinate', q: 4 })).to.throw(/0\.\.3/);
    expect(() => traceBackward(net, [1, 2], { kind: 'coordinate', q: 0 })).to.throw(/n_0 = 3/);
  });
});

describe('backward trace: z-scores', () => {
  it('z-scores are exactly standardized χ²_{n−1} for Gaussian weights, biases or not (pooled over layers and nets)', () => {
    // E[z] = 0, E[z²] = 1, Var(z²) = 2 + 12/k ≤ 14 (k ≥ 1 degrees of freedom).
    const rng = new Rng(11);
    const zs: number[] = [];
    for (let k = 0; k < 800; k++) {
      const widths = Array.from({ length: 6 }, () => 2 + rng.int(10));
      const net = new DenseReluNet(widths, initializerById('he_normal'), { bias: k % 2 === 0 ? undefined : { law: 'normal', variance: 0.5 } });
      net.initialize(rng);
      const t = traceBackward(net, randomUnitInput(rng, widths[0]), { kind: 'coordinate', q: rng.int(widths[5]) });
      expect(t.predictionExact).to.equal(true);
      for (const l of t.layers) if (Number.isFinite(l.zScore)) zs.push(l.zScore);
    }
    const n = zs.length, m1 = zs.reduce((s, z) => s + z, 0) / n, m2 = zs.reduce((s, z) => s + z * z, 0) / n;
    expect(n).to.be.above(1000);
    expect(Math.abs(m1)).to.be.below(6 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).to.be.below(6 * Math.sqrt(14 / n));
  });
});

/** Per net, at a fixed unit input: T = mean Z², the mean Z⁴, and the Jacobian itself (plain loop, small nets). */
function jacobianSample(widths: number[], init: Initializer, nets: number, seed: number, bias = 0) {
  const net = new DenseReluNet(widths, init, { bias: bias === 0 ? undefined : { law: 'uniform', variance: bias } });
  const rng = new Rng(seed), x = randomUnitInput(new Rng(seed + 1), widths[0]);
  const T = new Float64Array(nets), F = new Float64Array(nets);
  for (let k = 0; k < nets; k++) {
    net.initialize(rng);
    const J = jacobian(net, x), s = Math.exp(J.logScale), n = J.scaled.length;
    let a = 0, b = 0;
    if (J.logScale > -Infinity) for (let i = 0; i < n; i++) { const z = J.scaled[i] * s; a += z * z; b += z ** 4; }
    T[k] = a / n;
    F[k] = b / n;
  }
  return { T, F };
}

const meanOf = (a: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s / a.length; };

describe('Jacobian law (THEORY.md §10)', () => {
  it('E[Z²] = ∏c_j/n_0 for every symmetric law, with or without biases (random architectures)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 3, max: 10 }), { minLength: 2, maxLength: 4 }),
      fc.constantFrom('he_normal', 'he_uniform', 'he_normal_truncated', 'glorot_normal', 'orthogonal'),
      fc.constantFrom(0, 0.5), fc.integer({ min: 0, max: 1e9 }),
      (widths, id, bias, seed) => {
        const init = initializerById(id), nets = 1500;
        const { T } = jacobianSample(widths, init, nets, seed, bias);
        const law = jacobianLaw(widths, init), mu = 10 ** law.log10MeanSq;
        // Orthogonal rows: no exact variance, but ‖J‖ ≤ ∏ gains = 1 bounds T in [0, 1], so sd ≤ ½.
        const sd = law.method === 'exact' ? law.relSdMeanSq * mu : 0.5;
        expect(Math.abs(meanOf(T) - mu), `${id} [${widths}]`).to.be.below(6 * sd / Math.sqrt(nets));
      }), { seed: 23, numRuns: 12 });
  });

  it('one layer: E[(A, B, C)′ | layer below] is the pair step, masks correlated with the rows and all (any law, biases too)', () => {
    const rng = new Rng(19);
    for (const id of ['he_normal', 'he_uniform', 'he_normal_truncated']) {
      for (const bias of [0, 0.4]) {
        const nIn = 5, n = 7, init = initializerById(id), W = Tensor.zeros([n, nIn]);
        const alpha = Float64Array.from({ length: nIn }, () => Math.abs(rng.normal()));
        // v has a component along a_{j−1}, the direction the masks see.
        const v = alpha.map((a) => a + rng.normal()), w = Float64Array.from({ length: nIn }, () => rng.normal());
        const N = 30000, acc = [[0, 0], [0, 0], [0, 0]];
        for (let k = 0; k < N; k++) {
          init.sample(rng, W);
          let A1 = 0, A2 = 0, Bd = 0, C = 0;
          for (let i = 0; i < n; i++) {
            let z = bias === 0 ? 0 : (rng.uniform() * 2 - 1) * Math.sqrt(3 * bias), u = 0, u2 = 0;
            for (let c = 0; c < nIn; c++) { z += W.data[i * nIn + c] * alpha[c]; u += W.data[i * nIn + c] * v[c]; u2 += W.data[i * nIn + c] * w[c]; }
            if (z > 0) { A1 += u * u; A2 += u2 * u2; Bd += u * u2; C += u * u * u2 * u2; }
          }
          [A1 * A2, Bd * Bd, C].forEach((x, i) => { acc[i][0] += x; acc[i][1] += x * x; });
        }
        let vv = 0, ww = 0, vw = 0, c4 = 0;
        for (let c = 0; c < nIn; c++) { vv += v[c] ** 2; ww += w[c] ** 2; vw += v[c] * w[c]; c4 += v[c] ** 2 * w[c] ** 2; }
        const s = pairStep({ A: vv * ww, B: vw * vw, C: c4, log: 0 }, n, init.variance(nIn, n), init.mu4(nIn, n) - 3);
        [s.A, s.B, s.C].forEach((x, i) => {
          const m = acc[i][0] / N, se = Math.sqrt((acc[i][1] / N - m * m) / N);
          expect(Math.abs(m - x * Math.exp(s.log)), `${id} bias ${bias} ${'ABC'[i]}`).to.be.below(6 * se);
        });
      }
    }
  });

  it('E[Z⁴] and E[T²] are exact for Gaussian, uniform and truncated laws (end to end, [2, 6, 2])', () => {
    const widths = [2, 6, 2], nets = 60000;
    for (const id of ['he_normal', 'he_uniform', 'he_normal_truncated']) {
      const init = initializerById(id), law = jacobianLaw(widths, init);
      const { T, F } = jacobianSample(widths, init, nets, 31);
      // Var(mean Z⁴) and Var(T²) are ≤ E[Z⁸] ≤ its Gaussian value at the same variances (§10.10).
      const vars = widths.slice(1).map((n, j) => init.variance(widths[j], n));
      const sd8 = Math.sqrt(10 ** log10GaussianEntryMoment(widths, vars, 4));
      const fourth = 10 ** law.log10FourthMoment, t2 = 10 ** law.log10MeanSqSecondMoment;
      expect(Math.abs(meanOf(F) - fourth), `${id} E[Z⁴]`).to.be.below(6 * sd8 / Math.sqrt(nets));
      expect(Math.abs(meanOf(T.map((t) => t * t)) - t2), `${id} E[T²]`).to.be.below(6 * sd8 / Math.sqrt(nets));
      if (id === 'he_uniform') {
        // The μ̃₄ terms matter here: the Gaussian formula at the same variances is outside the tolerance.
        const g = 10 ** jacobianLaw(widths, initializerById('he_normal')).log10FourthMoment;
        expect(Math.abs(g - fourth)).to.be.above(6 * sd8 / Math.sqrt(nets));
      }
    }
  });

  it('Gaussian weights: one entry has the law B·σ_d²χ²_1·∏σ_j²χ²_{K_j} (KS against real nets) and its moments', () => {
    const widths = [4, 6, 5, 7, 3], init = initializerById('he_normal');
    const vars = widths.slice(1).map((n, j) => init.variance(widths[j], n));
    const net = new DenseReluNet(widths, init), rng = new Rng(41), nets = 3000, draws = 20000;
    const fromNets = new Float64Array(nets);
    for (let k = 0; k < nets; k++) {
      net.initialize(rng);
      const row = traceBackward(net, randomUnitInput(rng, 4), { kind: 'coordinate', q: 1 }).inputGradient;
      fromNets[k] = Math.log(row[2] * row[2]);
    }
    const sampled = Float64Array.from({ length: draws }, () => sampleGaussianLogEntrySq(rng, widths, vars));
    expect(ksTwoSample(fromNets, sampled)).to.be.below(ksCritical(1e-4, nets, draws));
    const law = jacobianLaw(widths, init);
    expect(log10GaussianEntryMoment(widths, vars, 1)).to.be.closeTo(law.log10MeanSq, 1e-12);
    expect(log10GaussianEntryMoment(widths, vars, 2)).to.be.closeTo(law.log10FourthMoment, 1e-12);
    // 6∏_{j<d}(1 + 5/n_j).
    expect(10 ** law.log10NormalizedFourth).to.be.closeTo(6 * (1 + 5 / 6) * (1 + 5 / 5) * (1 + 5 / 7), 1e-10);
    expect(log10MeanSqJacobian(widths, init)).to.be.closeTo(-Math.log10(4), 1e-12);
  });

  it('gradient norms: E‖∂ℓ/∂W_j‖², E‖∂ℓ/∂b_j‖² for a ReLU coordinate and a linear output (random architectures)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 3, max: 8 }), { minLength: 3, maxLength: 5 }),
      fc.constantFrom('he_normal', 'he_uniform', 'glorot_normal'), fc.boolean(), fc.integer({ min: 0, max: 1e9 }),
      (widths, id, linear, seed) => {
        const init = initializerById(id), rng = new Rng(seed), nets = 2500, d = widths.length - 1;
        const all = linear ? [...widths, 3] : widths, g = [0.5, -1, 0.25];
        const net = new DenseReluNet(widths, init), Wout = Tensor.zeros([3, widths[d]]);
        const x = randomUnitInput(new Rng(seed + 1), widths[0]);
        const sw = new Float64Array(all.length - 1), sb = new Float64Array(all.length - 1);
        for (let k = 0; k < nets; k++) {
          net.initialize(rng);
          init.sample(rng, Wout);
          let aSq = 0;
          const t = traceBackward(net, x, linear
            ? { kind: 'loss', gradient: (a) => { aSq = norm(a) ** 2; return Array.from(a, (_, i) => g.reduce((s, gc, c) => s + gc * Wout.data[c * widths[d] + i], 0)); } }
            : { kind: 'coordinate', q: 0 });
          t.layers.forEach((l, j) => { sw[j] += 10 ** (2 * l.log10GradW); sb[j] += 10 ** (2 * l.log10GradB); });
          if (linear) { sw[d] += norm(g) ** 2 * aSq; sb[d] += norm(g) ** 2; }
        }
        let q4 = 0;
        for (const v of x) q4 += v ** 4;
        const th = gradientMoments(all, init, 1 / widths[0], linear ? { kind: 'linear', g } : { kind: 'coordinate' }, q4);
        th.forEach((l, j) => {
          const mu = 10 ** l.log10MeanSqGradW, sd = Math.sqrt(Math.max(0, 10 ** l.log10FourthGradW - mu * mu));
          expect(Math.abs(sw[j] / nets - mu), `layer ${j + 1} W`).to.be.at.most(6 * sd / Math.sqrt(nets) + 1e-12 * mu);
          // (The output bias's gradient is g itself: variance 0, equal up to round-off.)
          const muB = 10 ** l.log10MeanSqGradB, sdB = Math.sqrt(Math.max(0, 10 ** l.log10FourthGradB - muB * muB));
          expect(Math.abs(sb[j] / nets - muB), `layer ${j + 1} b`).to.be.at.most(6 * sdB / Math.sqrt(nets) + 1e-12 * muB);
        });
      }), { seed: 29, numRuns: 8 });
  });

  it('Gaussian weights: the exact law of the per-layer gradient norms (KS against real nets, every layer)', () => {
    const widths = [5, 6, 4, 7, 5], init = initializerById('he_normal'), d = 4;
    const vars = widths.slice(1).map((n, j) => init.variance(widths[j], n));
    const net = new DenseReluNet(widths, init), rng = new Rng(43), nets = 3000, draws = 20000;
    const fromNets = Array.from({ length: d }, () => new Float64Array(nets));
    const sampled = Array.from({ length: d }, () => new Float64Array(draws));
    for (let k = 0; k < nets; k++) {
      net.initialize(rng);
      const t = traceBackward(net, randomUnitInput(rng, widths[0]), { kind: 'coordinate', q: 0 });
      t.layers.forEach((l, j) => { fromNets[j][k] = 2 * l.log10GradW / Math.LOG10E; });
    }
    for (let k = 0; k < draws; k++) {
      const g = sampleGaussianLogGradNorms(rng, widths, vars);
      for (let j = 0; j < d; j++) sampled[j][k] = g === null ? -Infinity : g[j];
    }
    for (let j = 0; j < d; j++) expect(ksTwoSample(fromNets[j], sampled[j]), `layer ${j + 1}`).to.be.below(ksCritical(1e-4, nets, draws));
  });

  it('the spread of ln‖∂ℓ/∂W_j‖² across layers: the leading order is within 3% of the exact law when β/min n is small', () => {
    // The claim of §10.8 (its table): at min width ≥ 50 and β ≤ 0.3 the neglected terms are below 3%.
    const rng = new Rng(47), init = initializerById('he_normal');
    for (const widths of [[50, ...new Array(10).fill(50)], [60, 120, 60, 120, 60, 120, 60, 120], [80, 200, 150, 100, 70, 60, 55, 50]]) {
      const d = widths.length - 1, vars = widths.slice(1).map((n, j) => init.variance(widths[j], n)), draws = 4000;
      let s = 0, s2 = 0, n = 0;
      for (let k = 0; k < draws; k++) {
        const g = sampleGaussianLogGradNorms(rng, widths, vars);
        if (g === null) continue;
        const m = meanOf(g);
        let v = 0;
        for (const x of g) v += (x - m) ** 2;
        v /= d; s += v; s2 += v * v; n++;
      }
      const m = s / n, se = Math.sqrt((s2 / n - m * m) / n), lead = logGradientSpreadLeadingOrder(widths, init);
      expect(Math.abs(m - lead), `[${widths}]`).to.be.below(0.03 * lead + 6 * se);
    }
  });
});

describe('grad statistics', () => {
  it('Student t quantiles are exact (tables) and the t interval is the textbook one', () => {
    for (const [nu, t] of [[1, 12.7062047362], [2, 4.30265272975], [9, 2.26215716280], [99, 1.98421695151]]) {
      expect(studentTQuantile(0.95, nu)).to.be.closeTo(t, 1e-9);
    }
    const xs = [1, 2, 4, 8, 0];
    const m = 3, sd = Math.sqrt(((1 - m) ** 2 + 1 + 1 + 25 + 9) / 4), half = 2.7764451052 * sd / Math.sqrt(5);
    const t = logTInterval(xs.map(Math.log));
    expect(Math.exp(t.logMean)).to.be.closeTo(m, 1e-12);
    expect(t.logLo).to.equal(-Infinity); // m − half < 0
    expect(Math.exp(t.logHi)).to.be.closeTo(m + half, 1e-8);
  });

  it('part (a): a grad_a row is seeded, shard-independent, and carries the exact theory', () => {
    const widths = [6, 5, 4, 5], init = initializerById('he_uniform');
    const row = gradStatistics(widths, init, 40, 9, { keys: [3] });
    expect(gradStatistics(widths, init, 40, 9, { keys: [3] })).to.deep.equal(row);
    const whole = sampleJacobianNets(widths, init, 40, 9, { keys: [3] });
    const tail = sampleJacobianNets(widths, init, 15, 9, { keys: [3], first: 25 });
    expect(Array.from(tail.logMeanSq)).to.deep.equal(Array.from(whole.logMeanSq.subarray(25)));
    const law = jacobianLaw(widths, init);
    expect(row.mean_sq_jacobian_theory).to.be.closeTo(1 / 6, 1e-12);
    expect(row.fourth_moment_jacobian_theory).to.be.closeTo(10 ** law.log10FourthMoment, 1e-12);
    expect(row.fourth_moment_method).to.equal('exact');
    expect(row.mean_sq_jacobian_lo).to.be.at.most(row.mean_sq_jacobian);
    expect(row.mean_sq_jacobian_hi).to.be.at.least(row.mean_sq_jacobian);
    const orth = gradStatistics([5, 5, 5], initializerById('orthogonal'), 10, 1);
    expect(orth.fourth_moment_jacobian_theory).to.equal(null);
    expect(orth.fourth_moment_method).to.equal('none');
  });

  it('part (b): one example\'s batch gradient equals its traced per-example gradient, theory from §10.7', () => {
    const model = new DenseClassifier([6, 8, 7, 3], initializerById('he_normal'), { dtype: 'float64' });
    model.initialize(new Rng(2));
    const x = Tensor.fromData(Float64Array.from(randomUnitInput(new Rng(4), 6)), [1, 6]);
    const rows = initGradientNorms(model, x, [1], 0.01);
    expect(rows.map((r) => r.layer)).to.deep.equal([1, 2, 3]);
    for (const r of rows) {
      expect(Math.abs(r.meanSqGradWExample / (r.gradW * r.gradW) - 1)).to.be.below(1e-12);
      expect(Math.abs(r.meanSqGradBExample / (r.gradB * r.gradB) - 1)).to.be.below(1e-12);
      expect(r.relativeUpdate).to.be.closeTo(0.01 * r.gradW / r.weightNorm, 1e-15);
      expect(r.meanSqGradWExampleTheory).to.be.above(0);
    }
    expect(() => initGradientNorms(model, x, [1], 0)).to.throw(/learning rate/);
  });
});
