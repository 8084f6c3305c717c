// The project's one random generator: xoshiro128++ (Blackman & Vigna 2018) on a 4-word Uint32Array
// state, and the exact samplers every backend must reproduce draw for draw:
// - uniform53: two 32-bit outputs a, b give ((a >>> 11)·2^32 + b) / 2^53 in [0, 1);
// - normal: a 256-layer ziggurat (Marsaglia & Tsang 2000 layout, Doornik 2005 independent-bits
//   variant): each attempt draws a, b; layer i = a & 255; u = 2·uniform53(a, b) − 1; the wedge and
//   the tail draw further uniforms. Tables are computed once in float64 here; a backend with its own
//   code (wasm) copies these tables rather than recomputing them, so streams agree bit for bit.
// Keeping the state in a plain array lets a backend run the same stream in its own memory.

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

export function uniform53(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 11) * TWO32 + b) / TWO53;
}

/** A uniform in the open interval (0, 1), for logarithms. */
export function uniformOpen(s: RngState): number {
  const a = nextU32(s), b = nextU32(s);
  return ((a >>> 11) * TWO32 + b + 0.5) / TWO53;
}

// Ziggurat for f(x) = exp(−x²/2), 256 layers of equal area V; r is the start of the tail.
export const ZIGGURAT_R = 3.6541528853610088;
export const ZIGGURAT_V = 4.92867323399e-3;

export interface ZigguratTables {
  /** X[0] = V/f(r) (the base layer's pseudo-width), X[1] = r, ..., X[256] = 0. */
  readonly x: Float64Array;
  /** F[i] = f(X[i]). */
  readonly f: Float64Array;
  /** ratio[i] = X[i+1]/X[i]: |u| below it lies under the curve for certain. */
  readonly ratio: Float64Array;
}

function buildZiggurat(): ZigguratTables {
  const x = new Float64Array(257), f = new Float64Array(257), ratio = new Float64Array(256);
  const fr = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  x[0] = ZIGGURAT_V / fr;
  x[1] = ZIGGURAT_R;
  for (let i = 1; i < 256; i++) {
    const y = ZIGGURAT_V / x[i] + Math.exp(-0.5 * x[i] * x[i]);
    x[i + 1] = y >= 1 ? 0 : Math.sqrt(-2 * Math.log(y));
  }
  x[256] = 0;
  for (let i = 0; i <= 256; i++) f[i] = Math.exp(-0.5 * x[i] * x[i]);
  f[0] = fr; // the base layer's lower edge is the curve at r (its pseudo-width stands for the tail)
  for (let i = 0; i < 256; i++) ratio[i] = x[i + 1] / x[i];
  return { x, f, ratio };
}

export const ZIGGURAT: ZigguratTables = buildZiggurat();

/** The normal tail beyond r (Marsaglia 1964), with the given sign. */
function normalTail(s: RngState, negative: boolean): number {
  const r = ZIGGURAT_R;
  for (;;) {
    const ex = -Math.log(uniformOpen(s)) / r;
    const ey = -Math.log(uniformOpen(s));
    if (2 * ey > ex * ex) return negative ? -(r + ex) : r + ex;
  }
}

/** One standard normal draw, exact up to the tables' float64 precision. */
export function normal(s: RngState): number {
  const X = ZIGGURAT.x, F = ZIGGURAT.f, R = ZIGGURAT.ratio;
  for (;;) {
    const a = nextU32(s), b = nextU32(s);
    const i = a & 255;
    const u = 2 * (((a >>> 11) * TWO32 + b) / TWO53) - 1;
    if (Math.abs(u) < R[i]) return u * X[i];
    if (i === 0) return normalTail(s, u < 0);
    const x = u * X[i];
    const y = F[i] + uniform53(s) * (F[i + 1] - F[i]);
    if (y < Math.exp(-0.5 * x * x)) return x;
  }
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
