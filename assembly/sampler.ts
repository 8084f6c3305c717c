// Samplers that reproduce lib/kernels/rng.ts draw for draw: xoshiro128++ on a 4-word state, the
// 256-layer ziggurat with the tables JS computed (copied in by the loader, never recomputed), and
// JS's own Math.exp / Math.log (imported) on the rare wedge and tail paths, whose results would
// otherwise depend on two libms agreeing. Every float64 operation mirrors the reference's order.
// The fast loops keep the state in locals; the rare paths work on the state in memory.

/** exp and log come from the host, so they are bit-identical to the reference's Math.exp/log. */
// @ts-ignore: decorator
@external("env", "exp") declare function hostExp(x: f64): f64;
// @ts-ignore: decorator
@external("env", "log") declare function hostLog(x: f64): f64;

const ZIGGURAT_R: f64 = 3.6541528853610088;
const TWO32: f64 = 4294967296.0;
/** 2^−53: x·2^−53 equals the reference's x / 2^53 exactly for the integers x < 2^53 used here. */
const INV_TWO53: f64 = 1.1102230246251565e-16;
const TWO53: f64 = 9007199254740992.0;

/** X[0..256], F[0..256], ratio[0..255] as in ZigguratTables, written by the loader. */
const TABLES = memory.data(770 * 8, 16);
const ZX = TABLES, ZF = TABLES + 257 * 8, ZRATIO = TABLES + 514 * 8;
/** The generator state the loader copies in before a fill and out after it. */
const STATE = memory.data(16, 16);

export function zigguratTablesPtr(): usize { return TABLES; }
export function statePtr(): usize { return STATE; }

/** One xoshiro128++ step on the state in memory (rare paths only). */
function nextU32(): u32 {
  let s0 = load<u32>(STATE), s1 = load<u32>(STATE, 4), s2 = load<u32>(STATE, 8), s3 = load<u32>(STATE, 12);
  const result = rotl<u32>(s0 + s3, 7) + s0;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  store<u32>(STATE, s0); store<u32>(STATE, s1, 4); store<u32>(STATE, s2, 8); store<u32>(STATE, s3, 12);
  return result;
}

function uniform53(): f64 {
  const a = nextU32(), b = nextU32();
  return (<f64>(a >>> 11) * TWO32 + <f64>b) * INV_TWO53;
}

function uniformOpen(): f64 {
  const a = nextU32(), b = nextU32();
  // The + 0.5 rounds for large integers, so the order of operations matters here.
  return (<f64>(a >>> 11) * TWO32 + <f64>b + 0.5) / TWO53;
}

/**
 * The ziggurat after the fast test failed for layer i and u: the tail (layer 0) or the wedge.
 * Returns NaN when the wedge rejects, and the caller starts a fresh attempt.
 */
function normalSlow(i: i32, u: f64): f64 {
  if (i == 0) {
    for (;;) {
      const ex = -hostLog(uniformOpen()) / ZIGGURAT_R;
      const ey = -hostLog(uniformOpen());
      if (2 * ey > ex * ex) return u < 0 ? -(ZIGGURAT_R + ex) : ZIGGURAT_R + ex;
    }
  }
  const x = u * load<f64>(ZX + (<usize>i << 3));
  const fi = load<f64>(ZF + (<usize>i << 3)), fNext = load<f64>(ZF + (<usize>(i + 1) << 3));
  const y = fi + uniform53() * (fNext - fi);
  if (y < hostExp(-0.5 * x * x)) return x;
  return NaN;
}

/**
 * The one loop over the stream: each step draws a, b and forms v = uniform53(a, b). With normal,
 * v feeds the ziggurat (redrawing while |z| > bound; bound = Infinity: no truncation) and out gets
 * offset + scale·z; without, out gets offset + scale·v. withOffset = false stores scale·z alone, as
 * the reference's truncated normal does (0 + scale·z would turn −0 into +0). Inlined into each
 * caller with normal constant, so the unused branch compiles away.
 */
// @ts-ignore: decorator
@inline function fillFromStream<T>(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool, normal: bool): void {
  const sz = sizeof<T>();
  let s0 = load<u32>(STATE), s1 = load<u32>(STATE, 4), s2 = load<u32>(STATE, 8), s3 = load<u32>(STATE, 12);
  let idx = 0;
  while (idx < n) {
    const a = rotl<u32>(s0 + s3, 7) + s0;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const b = rotl<u32>(s0 + s3, 7) + s0;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const v = (<f64>(a >>> 11) * TWO32 + <f64>b) * INV_TWO53;

    let z = v;
    if (normal) {
      const i = <i32>(a & 255);
      const u = 2 * v - 1;
      if (Math.abs(u) < load<f64>(ZRATIO + (<usize>i << 3))) {
        z = u * load<f64>(ZX + (<usize>i << 3));
      } else {
        store<u32>(STATE, s0); store<u32>(STATE, s1, 4); store<u32>(STATE, s2, 8); store<u32>(STATE, s3, 12);
        z = normalSlow(i, u);
        s0 = load<u32>(STATE); s1 = load<u32>(STATE, 4); s2 = load<u32>(STATE, 8); s3 = load<u32>(STATE, 12);
        if (isNaN(z)) continue;
      }
      if (Math.abs(z) > bound) continue;
    }
    store<T>(out + <usize>idx * sz, <T>(withOffset ? offset + scale * z : scale * z));
    idx++;
  }
  store<u32>(STATE, s0); store<u32>(STATE, s1, 4); store<u32>(STATE, s2, 8); store<u32>(STATE, s3, 12);
}

/** Fills out[0..n) with offset + scale·z (or scale·z), z standard normal redrawn while |z| > bound. */
export function fillNormal<T>(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool): void {
  fillFromStream<T>(out, n, offset, scale, bound, withOffset, true);
}

/** Fills out[0..n) with lo + (hi − lo)·uniform53, the reference's expression. */
export function fillUniform<T>(out: usize, n: i32, lo: f64, hi: f64): void {
  fillFromStream<T>(out, n, lo, hi - lo, Infinity, true, false);
}
