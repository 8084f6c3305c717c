// Samplers that reproduce lib/kernels/rng.ts draw for draw (stream contract version 2): the 4 fast
// lanes of a fill are 4 xoshiro128++ generators stepped together, word j of every lane in one u32x4
// vector, and slot s of the output starts from lane s mod 4. The ziggurat's fast test runs on all 4
// lanes at once; slots that fail it (or the truncation bound) are noted, and after each block of
// slots a scalar pass finishes them in slot order from the fill's slow generator, as the reference
// does. The slow paths use expNeg and logUnit, ports of the reference's plain-float64 functions, so
// no host call and no libm is needed. Every float64 operation mirrors the reference's order; nothing
// here may use a fused multiply-add.

/** lib/kernels/rng.ts's ZIGGURAT_LAYERS and ZIGGURAT_R; the loader checks the layer count. */
const LAYERS: u32 = 1024;
const ZIGGURAT_R: f64 = 4.038849846109505;
const TWO32: f64 = 4294967296.0;
/** 2^−52: scaling by it is exact. */
const INV_TWO52: f64 = 2.220446049250313e-16;

/**
 * X[0..N], F[0..N] as in ZigguratTables, then PAIRS[i] = (ratio[i], X[i]) so that the fast
 * path gathers both with one 16-byte load. Written by the loader (JS's tables, never recomputed).
 */
const TABLES = memory.data(<i32>(LAYERS + 1) * 16 + <i32>LAYERS * 16, 16);
const ZX = TABLES, ZF = TABLES + (LAYERS + 1) * 8, ZPAIRS = TABLES + (LAYERS + 1) * 16;
/**
 * The fill's generators, fillGenerators' layout: word j of fast lane l at GENERATORS + 16·j + 4·l,
 * then the slow generator's words at SLOW.
 */
const GENERATORS = memory.data(80, 16);
const SLOW = GENERATORS + 64;
/** Slots per block: the vector pass runs over a block, then the scalar pass finishes its rare slots. */
const BLOCK = 1024;
/**
 * The block's groups with unfinished slots, in order, 64 bytes each: a (u32x4), m (2 × f64x2), the
 * group's first slot and a bit per failed lane; one spare record for the branch-free writes.
 */
const PENDING = memory.data((BLOCK / 4 + 1) * 64, 16);
/** The last group of a fill whose length is not a multiple of 4 is written here first. */
const TAIL = memory.data(32, 16);

export function zigguratTablesPtr(): usize { return TABLES; }
export function zigguratLayers(): u32 { return LAYERS; }
export function generatorsPtr(): usize { return GENERATORS; }

// ---- the slow generator, scalar ---------------------------------------------------------------

/** xoshiro128++ on the slow generator's state in memory. */
function slowNext(): u32 {
  let s0 = load<u32>(SLOW), s1 = load<u32>(SLOW, 4), s2 = load<u32>(SLOW, 8), s3 = load<u32>(SLOW, 12);
  const result = rotl<u32>(s0 + s3, 7) + s0;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  store<u32>(SLOW, s0); store<u32>(SLOW, s1, 4); store<u32>(SLOW, s2, 8); store<u32>(SLOW, s3, 12);
  return result;
}

function uniform52(): f64 {
  const a = slowNext(), b = slowNext();
  return (<f64>(a >>> 12) * TWO32 + <f64>b) * INV_TWO52;
}

function uniform52Open(): f64 {
  const a = slowNext(), b = slowNext();
  return (<f64>(a >>> 12) * TWO32 + <f64>b + 0.5) * INV_TWO52;
}

const LN2_HI: f64 = 6.93147180369123816490e-01, LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const P1: f64 = 1.66666666666666019037e-01, P2: f64 = -2.77777777770155933842e-03, P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06, P5: f64 = 4.13813679705723846039e-08;
const LG1: f64 = 6.666666666666735130e-01, LG2: f64 = 3.999999999940941908e-01, LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01, LG5: f64 = 1.818357216161805012e-01, LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/** e^x for −700 ≤ x ≤ 0: the reference's expNeg, operation for operation. */
function expNeg(x: f64): f64 {
  const k = <i32>(INV_LN2 * x - 0.5);
  const dk = <f64>k;
  const hi = x - dk * LN2_HI, lo = dk * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return y * reinterpret<f64>(<u64>(0x3ff + k) << 52);
}

/** ln x for a normal double 0 < x ≤ 1: the reference's logUnit, operation for operation. */
function logUnit(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <i32>(bits >>> 32);
  let k = (hx >>> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  k += i >>> 20;
  const f = reinterpret<f64>((<u64>(hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffff)) - 1;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) return dk * LN2_HI + dk * LN2_LO;
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

/** The positive normal tail beyond r, as the reference's normalTail, from the slow generator. */
function normalTail(r: f64): f64 {
  let ex: f64, ey: f64;
  do {
    ex = -logUnit(uniform52Open()) / r;
    ey = -logUnit(uniform52Open());
  } while (!(2 * ey > ex * ex));
  return r + ex;
}

/** The reference's attempt(a, b, slow), given a and m = uniform52(a, b). */
function attempt(a: u32, m: f64): f64 {
  const i = a & (LAYERS - 1);
  const pair = ZPAIRS + (<usize>i << 4);
  let z: f64;
  if (m < load<f64>(pair)) {
    z = m * load<f64>(pair, 8);
  } else if (i == 0) {
    z = normalTail(ZIGGURAT_R);
  } else {
    const x = m * load<f64>(ZX + (<usize>i << 3));
    const fi = load<f64>(ZF + (<usize>i << 3)), fNext = load<f64>(ZF + (<usize>(i + 1) << 3));
    const y = fi + uniform52() * (fNext - fi);
    z = y < expNeg(-0.5 * x * x) ? x : NaN;
  }
  return (a & LAYERS) != 0 ? -z : z;
}

/**
 * The reference's normal(slow), with the slow state in locals for the fast path (a truncated fill
 * redraws here for every slot beyond its bound); the rare paths go through attempt() and memory.
 */
function slowNormal(): f64 {
  let s0 = load<u32>(SLOW), s1 = load<u32>(SLOW, 4), s2 = load<u32>(SLOW, 8), s3 = load<u32>(SLOW, 12);
  let z: f64;
  do {
    const a = rotl<u32>(s0 + s3, 7) + s0;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const b = rotl<u32>(s0 + s3, 7) + s0;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const m = (<f64>(a >>> 12) * TWO32 + <f64>b) * INV_TWO52;
    const pair = ZPAIRS + (<usize>(a & (LAYERS - 1)) << 4);
    if (m < load<f64>(pair)) {
      z = m * load<f64>(pair, 8);
      if ((a & LAYERS) != 0) z = -z;
    } else {
      store<u32>(SLOW, s0); store<u32>(SLOW, s1, 4); store<u32>(SLOW, s2, 8); store<u32>(SLOW, s3, 12);
      z = attempt(a, m);
      s0 = load<u32>(SLOW); s1 = load<u32>(SLOW, 4); s2 = load<u32>(SLOW, 8); s3 = load<u32>(SLOW, 12);
    }
  } while (isNaN(z));
  store<u32>(SLOW, s0); store<u32>(SLOW, s1, 4); store<u32>(SLOW, s2, 8); store<u32>(SLOW, s3, 12);
  return z;
}

/** Finishes the failed slots of the block's recorded groups in slot order, as the reference's fillSlotNormal. */
function finishPending<T>(out: usize, n: i32, groups: i32, offset: f64, scale: f64, bound: f64, withOffset: bool): void {
  for (let g = 0; g < groups; g++) {
    const rec = PENDING + (<usize>g << 6);
    const first = load<i32>(rec, 48);
    // The failed lanes in order, by their bits (no branch per lane: which lanes fail is random).
    for (let failed = load<i32>(rec, 52); failed != 0; failed &= failed - 1) {
      const l = ctz(failed);
      if (first + l >= n) break;
      let z = attempt(load<u32>(rec + (<usize>l << 2)), load<f64>(rec + 16 + (<usize>l << 3)));
      while (!(Math.abs(z) <= bound)) z = slowNormal();
      store<T>(out + <usize>(first + l) * sizeof<T>(), <T>(withOffset ? offset + scale * z : scale * z));
    }
  }
}

// ---- 4 lanes at once ------------------------------------------------------------------------------

/**
 * The one loop over a fill: each step draws a, b on all 4 lanes and forms v = uniform52 in two f64x2
 * halves (lanes 0, 1 and 2, 3) by putting (0x3ff00000 | a >>> 12, b) in the bits of 1 + v. With
 * normal, v feeds the ziggurat's fast test, out gets offset + scale·z (scale·z without offset, as the
 * reference's truncated normal: 0 + scale·z would turn −0 into +0), and lanes that fail the test or
 * the bound are noted for finishPending; without normal, out gets offset + scale·v. Inlined into
 * each caller with normal and truncated constant, so the unused branches compile away.
 */
// @ts-ignore: decorator
@inline function fillFromLanes<T>(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool,
  normal: bool, truncated: bool): void {
  const sz = sizeof<T>();
  let s0 = v128.load(GENERATORS), s1 = v128.load(GENERATORS, 16), s2 = v128.load(GENERATORS, 32), s3 = v128.load(GENERATORS, 48);
  const one = f64x2.splat(1.0), exponent = i32x4.splat(0x3ff00000), layerMask = i32x4.splat(LAYERS - 1);
  const signBit = i32x4.splat(0x80000000), zero = i32x4.splat(0);
  const vOffset = f64x2.splat(offset), vScale = f64x2.splat(scale), vBound = f64x2.splat(bound);
  for (let start = 0; start < n; start += BLOCK) {
    const end = min(start + BLOCK, n);
    let groups = 0;
    for (let idx = start; idx < end; idx += 4) {
      let sum = i32x4.add(s0, s3);
      const a = i32x4.add(v128.or(i32x4.shl(sum, 7), i32x4.shr_u(sum, 25)), s0);
      let t = i32x4.shl(s1, 9);
      s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3); s2 = v128.xor(s2, t);
      s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
      sum = i32x4.add(s0, s3);
      const b = i32x4.add(v128.or(i32x4.shl(sum, 7), i32x4.shr_u(sum, 25)), s0);
      t = i32x4.shl(s1, 9);
      s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3); s2 = v128.xor(s2, t);
      s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));

      const hi = v128.or(i32x4.shr_u(a, 12), exponent);
      const m01 = f64x2.sub(i32x4.shuffle(b, hi, 0, 4, 1, 5), one);
      const m23 = f64x2.sub(i32x4.shuffle(b, hi, 2, 6, 3, 7), one);
      // A short last group goes to TAIL first.
      const dst = idx + 4 <= n ? out + <usize>idx * sz : TAIL;
      if (normal) {
        // Gather (ratio[i], X[i]) for each lane's layer i = a & 1023.
        const offs = i32x4.shl(v128.and(a, layerMask), 4);
        const p0 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 0));
        const p1 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 1));
        const p2 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 2));
        const p3 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 3));
        let z01 = f64x2.mul(m01, i64x2.shuffle(p0, p1, 1, 3));
        let z23 = f64x2.mul(m23, i64x2.shuffle(p2, p3, 1, 3));
        let ok01 = f64x2.lt(m01, i64x2.shuffle(p0, p1, 0, 2));
        let ok23 = f64x2.lt(m23, i64x2.shuffle(p2, p3, 0, 2));
        if (truncated) {
          ok01 = v128.and(ok01, f64x2.le(z01, vBound));
          ok23 = v128.and(ok23, f64x2.le(z23, vBound));
        }
        // Bit 10 of a is the sign: moved to bit 31 of the high word of each f64 lane.
        const sign = v128.and(i32x4.shl(a, 21), signBit);
        z01 = v128.or(z01, i32x4.shuffle(zero, sign, 0, 4, 1, 5));
        z23 = v128.or(z23, i32x4.shuffle(zero, sign, 2, 6, 3, 7));
        let y01 = f64x2.mul(vScale, z01), y23 = f64x2.mul(vScale, z23);
        if (withOffset) { y01 = f64x2.add(vOffset, y01); y23 = f64x2.add(vOffset, y23); }
        storeFour<T>(dst, y01, y23);
        // Record the group when a lane failed: by a branch in a plain fill (1.7% of groups), without
        // one in a truncated fill, where failures are common enough to defeat branch prediction.
        const failed = ~(i64x2.bitmask(ok01) | (i64x2.bitmask(ok23) << 2)) & 15;
        if (truncated || failed != 0) {
          const rec = PENDING + (<usize>groups << 6);
          v128.store(rec, a); v128.store(rec, m01, 16); v128.store(rec, m23, 32);
          store<i32>(rec, idx, 48); store<i32>(rec, failed, 52);
          groups += <i32>(failed != 0);
        }
      } else {
        storeFour<T>(dst, f64x2.add(vOffset, f64x2.mul(vScale, m01)), f64x2.add(vOffset, f64x2.mul(vScale, m23)));
      }
      if (dst == TAIL) memory.copy(out + <usize>idx * sz, TAIL, <usize>(n - idx) * sz);
    }
    if (normal && groups > 0) finishPending<T>(out, n, groups, offset, scale, bound, withOffset);
  }
  v128.store(GENERATORS, s0); v128.store(GENERATORS, s1, 16); v128.store(GENERATORS, s2, 32); v128.store(GENERATORS, s3, 48);
}

/** Stores y01, y23 (four f64 values) as four T at out. */
// @ts-ignore: decorator
@inline function storeFour<T>(out: usize, y01: v128, y23: v128): void {
  if (sizeof<T>() == 8) {
    v128.store(out, y01);
    v128.store(out, y23, 16);
  } else {
    v128.store(out, i64x2.shuffle(f32x4.demote_f64x2_zero(y01), f32x4.demote_f64x2_zero(y23), 0, 2));
  }
}

/** Fills out[0..n) with offset + scale·z (or scale·z), z standard normal redrawn while |z| > bound. */
export function fillNormal<T>(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool): void {
  if (bound == Infinity) fillFromLanes<T>(out, n, offset, scale, bound, withOffset, true, false);
  else fillFromLanes<T>(out, n, offset, scale, bound, withOffset, true, true);
}

/** Fills out[0..n) with lo + (hi − lo)·uniform52, the reference's expression. */
export function fillUniform<T>(out: usize, n: i32, lo: f64, hi: f64): void {
  fillFromLanes<T>(out, n, lo, hi - lo, Infinity, true, false, false);
}
