// The project's one random generator: xoshiro128++ (Blackman & Vigna 2018) on a 4-word Uint32Array
// state, and the exact samplers every backend reproduces draw for draw.
//
// The stream contract (version 2, shared by every backend):
// - Scalar draws (Rng.u32, uniform, normal, ...) step the 4-word state itself.
// - A fill of n values first derives its generators from the next 4 outputs of the state (so the
//   state advances by exactly 4 outputs, whatever n is; fillGenerators): LANES = 4 fast lanes and
//   one slow generator. Slot s of the output takes its draw, or its first ziggurat attempt, from
//   lane s mod 4: a SIMD backend steps the 4 lanes as the 4 words of one vector. Whatever a slot
//   needs beyond the fast test (the wedge, the tail, a fresh draw after a rejection, a redraw beyond
//   a truncation bound) comes from the slow generator, in slot order; so the vector loop never waits
//   for one lane's rare path, and a backend may finish the rare slots in a later pass.
// - uniform52: two outputs a, b give ((a >>> 12)·2^32 + b)·2^−52 in [0, 1), the 52-bit fraction a
//   SIMD backend gets exactly by reinterpreting (0x3ff00000 | a >>> 12, b) as a double in [1, 2).
// - normal: a 1024-layer ziggurat (Marsaglia & Tsang 2000 layout, Doornik 2005 independent bits).
//   Each attempt draws a, b: layer i = a & 1023, sign = bit 10 of a, m = uniform52(a, b) in [0, 1);
//   if m < ratio[i] the draw is ±m·X[i] (99.57% of attempts); otherwise the wedge (i > 0) or the
//   tail (i = 0) decide with further uniforms, exactly, and a rejected attempt starts afresh. 1024
//   layers rather than 256 cut the rare paths from 1.5% to 0.43% of attempts; the fast path's table
//   of (ratio, X) pairs is 16 KiB, still within L1.
// - The slow paths use expNeg and logUnit below, written in plain float64 arithmetic so that every
//   backend computes them bit for bit alike (a host's Math.exp may differ between engines).
// Tables are computed once in float64 here; a backend with its own code (wasm) copies them.

export type RngState = Uint32Array;

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A generator state from a seed and any number of integer keys (net index, depth, run...). Each
 * distinct key path gives an independent stream, so results do not depend on how work is split
 * between workers or shards. Seeds and keys are integers in [0, 2^53).
 */
export function seedState(seed: number, ...keys: number[]): RngState {
  const words: number[] = [];
  for (const v of [seed, ...keys]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`seed and keys must be integers in [0, 2^53), got ${v}`);
    words.push(v % TWO32, Math.floor(v / TWO32));
  }
  let h = 0x6a09e667;
  for (const w of words) h = splitmix32((h ^ w) >>> 0);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    h = splitmix32(h + i);
    s[i] = h;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** The next 32-bit output, as an unsigned integer; advances the state. */
export function nextU32(s: RngState): number {
  const s0 = s[0], s1 = s[1], s2 = s[2] ^ s0, s3 = s[3] ^ s1;
  const sum = (s0 + s[3]) | 0;
  const result = (((sum << 7) | (sum >>> 25)) + s0) >>> 0;
  const t = s1 << 9;
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ t;
  s[3] = (s3 << 11) | (s3 >>> 21);
  return result;
}

/** A 53-bit uniform in [0, 1) for scalar draws: ((a >>> 11)·2^32 + b) / 2^53. */
export function uniform53(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 11) * TWO32 + b) / TWO53;
}

/** A uniform in the open interval (0, 1), for logarithms (scalar draws). */
export function uniformOpen(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 11) * TWO32 + b + 0.5) / TWO53;
}

const INV_TWO52 = 2.220446049250313e-16;

/** The fills' and the ziggurat's uniform in [0, 1): ((a >>> 12)·2^32 + b)·2^−52, exact. */
export function uniform52(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 12) * TWO32 + b) * INV_TWO52;
}

/** ((a >>> 12)·2^32 + b + ½)·2^−52 in (0, 1), exact: the tail's logarithms never see 0. */
function uniform52Open(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 12) * TWO32 + b + 0.5) * INV_TWO52;
}

/** Fast lanes per fill: slot s of a filled array starts from lane s mod LANES. */
export const LANES = 4;

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The generators of one fill, from the next 4 outputs k_0..k_3 of s: word j of generator l (lanes
 * l = 0..3, the slow generator l = 4) is fmix32(k_j + 0x9e3779b9·(4l + j + 1)), murmur3's finalizer,
 * a bijection, so the five get unrelated states. Layout: word j of lane l at [4j + l] (word j of all
 * lanes is one SIMD vector), then the slow generator's words at [16..19], written to out from
 * index at. A generator whose words are all zero (probability 2^−128) gets word 0 = 1, as xoshiro
 * needs.
 */
export function fillGenerators(s: RngState, out: Uint32Array = new Uint32Array(4 * LANES + 4), at = 0): Uint32Array {
  const k0 = nextU32(s), k1 = nextU32(s), k2 = nextU32(s), k3 = nextU32(s);
  for (let l = 0; l <= LANES; l++) {
    // Where word j of generator l goes: at + base + stride·j.
    const base = l < LANES ? at + l : at + 4 * LANES, stride = l < LANES ? 4 : 1, c = Math.imul(0x9e3779b9, 4 * l + 1);
    const w0 = fmix32((k0 + c) | 0), w1 = fmix32((k1 + c + 0x9e3779b9) | 0);
    const w2 = fmix32((k2 + c + 0x3c6ef372) | 0), w3 = fmix32((k3 + c + 0xdaa66d2b) | 0);
    out[base] = (w0 | w1 | w2 | w3) === 0 ? 1 : w0;
    out[base + stride] = w1;
    out[base + 2 * stride] = w2;
    out[base + 3 * stride] = w3;
  }
  return out;
}

export interface FillStreams {
  readonly lanes: readonly RngState[];
  readonly slow: RngState;
}

/** fillGenerators as separate 4-word states, for code that steps them one at a time. */
export function fillStreams(s: RngState): FillStreams {
  const w = fillGenerators(s);
  const lanes = Array.from({ length: LANES }, (_, l) => Uint32Array.of(w[l], w[4 + l], w[8 + l], w[12 + l]));
  return { lanes, slow: w.slice(4 * LANES) };
}

// ---- exp and log in plain float64 arithmetic (fdlibm's e_exp.c and e_log.c, restricted) ----------
// Only +, −, ×, ÷, truncation and exponent-bit moves, in a fixed order, so the WebAssembly port in
// assembly/sampler.ts returns the same bits. Both are within 1 ulp (fdlibm's bound).

const BITS = new DataView(new ArrayBuffer(8));
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

/** e^x for −700 ≤ x ≤ 0 (the ziggurat's wedge needs −r²/2 ≤ x ≤ 0). */
export function expNeg(x: number): number {
  const k = Math.trunc(INV_LN2 * x - 0.5) | 0;
  const hi = x - k * LN2_HI, lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  BITS.setUint32(0, (0x3ff + k) << 20);
  BITS.setUint32(4, 0);
  return y * BITS.getFloat64(0);
}

/** ln x for a normal double 0 < x ≤ 1 (the tail takes logs of uniforms in (0, 1)). */
export function logUnit(x: number): number {
  BITS.setFloat64(0, x);
  let hx = BITS.getUint32(0);
  let k = (hx >>> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  BITS.setUint32(0, hx | (i ^ 0x3ff00000)); // x or x/2 normalized into [√2/2, √2)
  k += i >>> 20;
  const f = BITS.getFloat64(0) - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^−20
    if (f === 0) return dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s, w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// Ziggurat for f(x) = exp(−x²/2): ZIGGURAT_LAYERS layers of equal area V, r the start of the tail.
// r solves the closing condition V/x_{N−1} + f(x_{N−1}) = 1 of the recursion below, with
// V = r·f(r) + ∫_r^∞ f (the base layer and the tail), found by bisection in float64 (residual
// 1.5e−14); spec/rng.spec.ts checks both relations.
export const ZIGGURAT_LAYERS = 1024;
export const ZIGGURAT_R = 4.038849846109505;
export const ZIGGURAT_V = 0.001226324646353085;

export interface ZigguratTables {
  /** X[0] = V/f(r) (the base layer's pseudo-width), X[1] = r, ..., X[N] = 0. */
  readonly x: Float64Array;
  /** F[i] = f(X[i]). */
  readonly f: Float64Array;
  /** ratio[i] = X[i+1]/X[i]: m below it lies under the curve for certain. */
  readonly ratio: Float64Array;
}

function buildZiggurat(): ZigguratTables {
  const N = ZIGGURAT_LAYERS;
  const x = new Float64Array(N + 1), f = new Float64Array(N + 1), ratio = new Float64Array(N);
  const fr = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  x[0] = ZIGGURAT_V / fr;
  x[1] = ZIGGURAT_R;
  for (let i = 1; i < N; i++) {
    const y = ZIGGURAT_V / x[i] + Math.exp(-0.5 * x[i] * x[i]);
    x[i + 1] = y >= 1 ? 0 : Math.sqrt(-2 * Math.log(y));
  }
  x[N] = 0;
  for (let i = 0; i <= N; i++) f[i] = Math.exp(-0.5 * x[i] * x[i]);
  f[0] = fr; // the base layer's lower edge is the curve at r (its pseudo-width stands for the tail)
  for (let i = 0; i < N; i++) ratio[i] = x[i + 1] / x[i];
  return { x, f, ratio };
}

export const ZIGGURAT: ZigguratTables = buildZiggurat();

/**
 * The normal tail beyond r > 0 (Marsaglia 1964), positive: x = r + E₁/r accepted when 2E₂ > (E₁/r)².
 * The sampler calls it with r = ZIGGURAT_R; the specs test it at r = 6 as well.
 */
export function normalTail(s: RngState, r: number): number {
  for (;;) {
    const ex = -logUnit(uniform52Open(s)) / r;
    const ey = -logUnit(uniform52Open(s));
    if (2 * ey > ex * ex) return r + ex;
  }
}

/**
 * One ziggurat attempt from the outputs a, b: ±m·X[i] when m < ratio[i]; otherwise the tail (i = 0)
 * or the wedge, whose uniforms come from `more`; NaN when the wedge rejects.
 */
export function attempt(a: number, b: number, more: RngState): number {
  const X = ZIGGURAT.x, F = ZIGGURAT.f;
  const i = a & (ZIGGURAT_LAYERS - 1);
  const m = ((a >>> 12) * TWO32 + b) * INV_TWO52;
  let z: number;
  if (m < ZIGGURAT.ratio[i]) {
    z = m * X[i];
  } else if (i === 0) {
    z = normalTail(more, ZIGGURAT_R);
  } else {
    const x = m * X[i];
    const y = F[i] + uniform52(more) * (F[i + 1] - F[i]);
    z = y < expNeg(-0.5 * x * x) ? x : NaN;
  }
  return (a & ZIGGURAT_LAYERS) !== 0 ? -z : z;
}

/** One standard normal draw, exact up to the tables' float64 precision. */
export function normal(s: RngState): number {
  for (;;) {
    const a = nextU32(s), b = nextU32(s);
    const z = attempt(a, b, s);
    if (z === z) return z;
  }
}

/**
 * The draw of one slot of a normal fill: its first attempt from the slot's lane, everything beyond
 * the fast test from slow, and redraws from slow while |z| > bound (Infinity: no truncation).
 */
export function fillSlotNormal(lane: RngState, slow: RngState, bound: number): number {
  const a = nextU32(lane), b = nextU32(lane);
  let z = attempt(a, b, slow);
  while (!(Math.abs(z) <= bound)) z = normal(slow); // NaN (a rejected wedge) fails the test too
  return z;
}

/** Binomial(n, 1/2): the number of set bits among n random bits. */
export function binomialHalf(s: RngState, n: number): number {
  let count = 0;
  let left = n;
  while (left > 0) {
    let w = nextU32(s);
    if (left < 32) w = w >>> (32 - left);
    w = w - ((w >>> 1) & 0x55555555);
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    count += (Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
    left -= 32;
  }
  return count;
}

/** ±1 with probability ½ each. */
export function rademacher(s: RngState): number {
  return nextU32(s) >>> 31 ? 1 : -1;
}
