// The conv layer (lib/nn/conv/layer.ts on lib/kernels/im2col.ts) against a direct seven-loop reference that
// shares no code with it, on random shapes: padding valid/same/circular, strides 1..3, odd and even
// sizes, 1×1 and non-square kernels, batches. Backward is checked through the exact adjoint
// identities ⟨conv(x, w), g⟩ = ⟨x, dx(g)⟩ = ⟨w, dw(g)⟩ (conv is bilinear), which hold to rounding.
// Both run on every backend (spec/backends.ts), the direct loop always in float64 from the values the
// layer stores.
import { expect } from 'chai';
import fc from 'fast-check';
import type { Backend, DType } from '../lib/kernels/backend';
import { convLayer, convLayerBackward, convGeometry, stackGeometry, type Padding } from '../lib/nn/conv/layer';
import { Rng } from '../lib/tensor/rng';
import { Tensor } from '../lib/tensor/tensor';
import { convCaseArb, type ConvCase } from './conv-cases';
import { errorOf } from './errors';
import { describeOnBackends } from './backends';

/** TensorFlow's rule, written out independently of conv.ts: out = ⌈n/s⌉, the odd padding after. */
function sameAxis(n: number, k: number, s: number): { out: number; before: number } {
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
}

function naiveConv(x: Tensor, w: Tensor, bias: Tensor | null, stride: number, padding: Padding): Tensor {
  const [N, C, H, W] = x.shape, [O, , KH, KW] = w.shape;
  const ax = (n: number, k: number) => (padding === 'valid' ? { out: Math.floor((n - k) / stride) + 1, before: 0 } : sameAxis(n, k, stride));
  const ah = ax(H, KH), aw = ax(W, KW);
  const y = Tensor.zeros([N, O, ah.out, aw.out]);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < ah.out; i++) for (let j = 0; j < aw.out; j++) {
    let s = bias === null ? 0 : bias.get(o);
    for (let c = 0; c < C; c++) for (let u = 0; u < KH; u++) for (let v = 0; v < KW; v++) {
      let r = i * stride - ah.before + u, q = j * stride - aw.before + v;
      if (padding === 'circular') { r = ((r % H) + H) % H; q = ((q % W) + W) % W; }
      if (r < 0 || r >= H || q < 0 || q >= W) continue;
      s += w.get(o, c, u, v) * x.get(n, c, r, q);
    }
    y.set(s, n, o, i, j);
  }
  return y;
}

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  return s;
}

const caseArb = convCaseArb({ batch: 3, channels: 4, size: 9, kernel: 5, stride: 3 });

function draw(c: ConvCase, dtype: DType, backend: Backend) {
  const rng = new Rng(c.seed);
  const zeros = (shape: number[]) => Tensor.zeros(shape, dtype, (dt, n) => backend.alloc(dt, n));
  const x = zeros([c.batch, c.cin, c.h, c.w]), w = zeros([c.cout, c.cin, c.kh, c.kw]), b = zeros([c.cout]);
  rng.fillNormal(x); rng.fillNormal(w); rng.fillNormal(b);
  return { x, w, b: c.bias ? b : null };
}

describeOnBackends('convLayer', (bc) => {
  const runs = bc.size(150, 40), adjointRuns = bc.size(100, 30);
  it(`matches the direct loop on ${runs} random shapes${bc.full ? '' : ' (reduced from 150)'}, paddings, strides and kernels (incl. 1×1)`, () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { x, w, b } = draw(c, bc.dtype, bc.backend);
      const got = convLayer(x, w, b, { stride: c.stride, padding: c.padding, backend: bc.backend });
      const want = naiveConv(x, w, b, c.stride, c.padding);
      expect(got.shape).to.deep.equal(want.shape);
      for (let i = 0; i < want.size; i++) expect(got.data[i]).to.be.closeTo(want.data[i], bc.tol(1e-12 * (1 + Math.abs(want.data[i]))));
    }), { seed: 4242, numRuns: runs });
  });

  it(`backward satisfies the adjoint identities ⟨y, g⟩ = ⟨x, dx⟩ = ⟨w, dw⟩ and db = Σ g (${adjointRuns} shapes${bc.full ? '' : ', reduced from 100'})`, () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { x, w } = draw(c, bc.dtype, bc.backend);
      const opts = { stride: c.stride, padding: c.padding, backend: bc.backend };
      const y = convLayer(x, w, null, opts);
      const g = Tensor.zeros(y.shape, bc.dtype, (dt, n) => bc.backend.alloc(dt, n));
      new Rng(c.seed, [1]).fillNormal(g);
      const { dx, dw, db } = convLayerBackward(x, w, g, opts);
      const yg = dot(y, g), scale = bc.tol(1e-11 * (1 + Math.abs(yg) + y.size));
      expect(dot(x, dx)).to.be.closeTo(yg, scale);
      expect(dot(w, dw)).to.be.closeTo(yg, scale);
      const P = y.shape[2] * y.shape[3];
      for (let o = 0; o < c.cout; o++) {
        let s = 0;
        for (let n = 0; n < c.batch; n++) for (let p = 0; p < P; p++) s += g.data[(n * c.cout + o) * P + p];
        expect(db.data[o]).to.be.closeTo(s, bc.tol(1e-12 * (1 + Math.abs(s))));
      }
    }), { seed: 777, numRuns: adjointRuns });
  });
});

describe('convLayer: geometry', () => {

  it('gives the usual output sizes and paddings', () => {
    const g = (n: number, k: number, s: number, p: Padding) => convGeometry([1, n, n], { kh: k, kw: k, stride: s, padding: p });
    expect(g(5, 3, 2, 'same')).to.include({ outH: 3, padTop: 1 });
    expect(g(5, 3, 2, 'valid')).to.include({ outH: 2, padTop: 0 });
    expect(g(32, 3, 1, 'same')).to.include({ outH: 32, padTop: 1 });
    expect(g(8, 4, 1, 'same')).to.include({ outH: 8, padTop: 1 }); // even kernel: 1 before, 2 after
    expect(g(28, 1, 1, 'valid')).to.include({ outH: 28, padTop: 0 });
    expect(g(3, 3, 1, 'valid')).to.include({ outH: 1 });
  });

  it('refuses impossible layers with one-line errors that name the layer', () => {
    const bad = [
      () => convGeometry([1, 4, 4], { kh: 5, kw: 3, stride: 1, padding: 'valid' }),
      () => convGeometry([0, 4, 4], { kh: 3, kw: 3, stride: 1, padding: 'same' }),
      () => convGeometry([1, 4, 4], { kh: 3, kw: 3, stride: 0, padding: 'same' }),
      () => convGeometry([1, 4, 4], { kh: 3, kw: 3, stride: 1.5, padding: 'same' }),
      () => convGeometry([1, 4, 4], { kh: 3, kw: 3, stride: 1, padding: 'reflect' as Padding }),
      () => stackGeometry([1, 7, 7], new Array(4).fill({ outChannels: 2, kh: 3, kw: 3, stride: 1, padding: 'valid' })),
      () => stackGeometry([1, 7, 7], [{ outChannels: 0, kh: 3, kw: 3, stride: 1, padding: 'same' }]),
    ];
    for (const f of bad) {
      const e = errorOf(f);
      expect(e).to.be.instanceOf(RangeError);
      expect(e.message).not.to.include('\n');
    }
    expect(errorOf(bad[5]).message).to.match(/conv layer 4: height: kernel 3 is larger than the input 1/);
    expect(() => convLayer(Tensor.zeros([1, 2, 4, 4]), Tensor.zeros([1, 3, 3, 3]))).to.throw(RangeError, /input channels/);
  });
});
