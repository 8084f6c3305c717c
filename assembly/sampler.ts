// Samplers that reproduce lib/kernels/rng.ts draw for draw (stream contract version 2): the 4 lanes
// of a fill are 4 xoshiro128++ generators stepped together, word j of every lane in one u32x4
// vector; slot s of the output belongs to lane s mod 4. The ziggurat's fast test runs on all 4 lanes
// at once; a lane that fails it (or the truncation bound) finishes its slot with the scalar code
// below, on its own state, exactly as the reference's normal() would. The slow paths use expNeg and
// logUnit, ports of the reference's plain-float64 functions, so no host call and no libm is needed.
// Every float64 operation mirrors the reference's order; nothing here may use a fused multiply-add.

const ZIGGURAT_R: f64 = 3.6541528853610088;
const TWO32: f64 = 4294967296.0;
/** 2^−52: scaling by it is exact. */
const INV_TWO52: f64 = 2.220446049250313e-16;

/**
 * X[0..256], F[0..256] as in ZigguratTables, then PAIRS[i] = (ratio[i], X[i]) so that the fast
 * path gathers both with one 16-byte load. Written by the loader (JS's tables, never recomputed).
 */
const TABLES = memory.data(257 * 8 * 2 + 256 * 16, 16);
const ZX = TABLES, ZF = TABLES + 257 * 8, ZPAIRS = TABLES + 514 * 8;
/** The lanes' states, laneStates' layout: word j of lane l at LANE_STATE + 16·j + 4·l. */
const LANE_STATE = memory.data(64, 16);
/** Where a vector step leaves a, m and the fast/overall masks for the lanes that need fixing. */
const SPILL = memory.data(112, 16);

export function zigguratTablesPtr(): usize { return TABLES; }
export function laneStatePtr(): usize { return LANE_STATE; }

// ---- one lane, scalar (slow paths and the last n mod 4 slots) ------------------------------------

/** xoshiro128++ on lane p's state in memory (p = LANE_STATE + 4·l). */
function laneNext(p: usize): u32 {
  let s0 = load<u32>(p), s1 = load<u32>(p, 16), s2 = load<u32>(p, 32), s3 = load<u32>(p, 48);
  const result = rotl<u32>(s0 + s3, 7) + s0;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
  store<u32>(p, s0); store<u32>(p, s1, 16); store<u32>(p, s2, 32); store<u32>(p, s3, 48);
  return result;
}

function uniform52(p: usize): f64 {
  const a = laneNext(p), b = laneNext(p);
  return (<f64>(a >>> 12) * TWO32 + <f64>b) * INV_TWO52;
}

function uniform52Open(p: usize): f64 {
  const a = laneNext(p), b = laneNext(p);
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

/** The positive normal tail beyond r, as the reference's normalTail. */
function normalTail(p: usize, r: f64): f64 {
  let ex: f64, ey: f64;
  do {
    ex = -logUnit(uniform52Open(p)) / r;
    ey = -logUnit(uniform52Open(p));
  } while (!(2 * ey > ex * ex));
  return r + ex;
}

/** |z| for an attempt in layer i whose fast test failed: the tail, or the wedge (NaN: rejected). */
function attemptSlow(p: usize, i: u32, m: f64): f64 {
  if (i == 0) return normalTail(p, ZIGGURAT_R);
  const x = m * load<f64>(ZX + (<usize>i << 3));
  const fi = load<f64>(ZF + (<usize>i << 3)), fNext = load<f64>(ZF + (<usize>(i + 1) << 3));
  const y = fi + uniform52(p) * (fNext - fi);
  return y < expNeg(-0.5 * x * x) ? x : NaN;
}

/** One attempt from its outputs a, b: the signed draw, or NaN when the attempt is rejected. */
function attempt(p: usize, a: u32, m: f64): f64 {
  const i = a & 255;
  const pair = ZPAIRS + (<usize>i << 4);
  const z = m < load<f64>(pair) ? m * load<f64>(pair, 8) : attemptSlow(p, i, m);
  return (a & 256) != 0 ? -z : z;
}

/** The reference's normal() on lane p, redrawn while |z| > bound (Infinity: never). */
function laneNormal(p: usize, bound: f64): f64 {
  let z: f64;
  do {
    const a = laneNext(p), b = laneNext(p);
    z = attempt(p, a, (<f64>(a >>> 12) * TWO32 + <f64>b) * INV_TWO52);
  } while (isNaN(z) || Math.abs(z) > bound);
  return z;
}

// ---- 4 lanes at once ------------------------------------------------------------------------------

/**
 * The one loop over a fill: each step draws a, b on all 4 lanes and forms v = uniform52 in two f64x2
 * halves (lanes 0, 1 and 2, 3) by putting (0x3ff00000 | a >>> 12, b) in the bits of 1 + v. With
 * normal, v feeds the ziggurat's fast test, lanes that fail it or the bound are redone by the scalar
 * code, and out gets offset + scale·z (scale·z without offset, as the reference's truncated normal:
 * 0 + scale·z would turn −0 into +0); without normal, out gets offset + scale·v. Inlined into each
 * caller with normal and truncated constant, so the unused branches compile away.
 */
// @ts-ignore: decorator
@inline function fillFromLanes<T>(out: usize, n: i32, offset: f64, scale: f64, bound: f64, withOffset: bool,
  normal: bool, truncated: bool): void {
  const sz = sizeof<T>();
  let s0 = v128.load(LANE_STATE), s1 = v128.load(LANE_STATE, 16), s2 = v128.load(LANE_STATE, 32), s3 = v128.load(LANE_STATE, 48);
  const one = f64x2.splat(1.0), exponent = i32x4.splat(0x3ff00000), low8 = i32x4.splat(255);
  const signBit = i32x4.splat(0x80000000), zero = i32x4.splat(0);
  const vOffset = f64x2.splat(offset), vScale = f64x2.splat(scale), vBound = f64x2.splat(bound);
  const full = n & ~3;
  for (let idx = 0; idx < full; idx += 4) {
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
    const v01 = f64x2.sub(i32x4.shuffle(b, hi, 0, 4, 1, 5), one);
    const v23 = f64x2.sub(i32x4.shuffle(b, hi, 2, 6, 3, 7), one);
    let y01: v128, y23: v128;
    if (normal) {
      // Gather (ratio[i], X[i]) for each lane's layer i = a & 255.
      const offs = i32x4.shl(v128.and(a, low8), 4);
      const p0 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 0));
      const p1 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 1));
      const p2 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 2));
      const p3 = v128.load(ZPAIRS + <usize><u32>i32x4.extract_lane(offs, 3));
      const fast01 = f64x2.lt(v01, i64x2.shuffle(p0, p1, 0, 2));
      const fast23 = f64x2.lt(v23, i64x2.shuffle(p2, p3, 0, 2));
      let z01 = f64x2.mul(v01, i64x2.shuffle(p0, p1, 1, 3));
      let z23 = f64x2.mul(v23, i64x2.shuffle(p2, p3, 1, 3));
      let ok01 = fast01, ok23 = fast23;
      if (truncated) {
        ok01 = v128.and(ok01, f64x2.le(z01, vBound));
        ok23 = v128.and(ok23, f64x2.le(z23, vBound));
      }
      // Bit 8 of a is the sign: moved to bit 31 of the high word of each f64 lane.
      const sign = v128.and(i32x4.shl(a, 23), signBit);
      z01 = v128.or(z01, i32x4.shuffle(zero, sign, 0, 4, 1, 5));
      z23 = v128.or(z23, i32x4.shuffle(zero, sign, 2, 6, 3, 7));
      y01 = f64x2.mul(vScale, z01);
      y23 = f64x2.mul(vScale, z23);
      if (withOffset) { y01 = f64x2.add(vOffset, y01); y23 = f64x2.add(vOffset, y23); }
      storeFour<T>(out + <usize>idx * sz, y01, y23);
      if (!i64x2.all_true(v128.and(ok01, ok23))) {
        v128.store(LANE_STATE, s0); v128.store(LANE_STATE, s1, 16); v128.store(LANE_STATE, s2, 32); v128.store(LANE_STATE, s3, 48);
        v128.store(SPILL, a); v128.store(SPILL, v01, 16); v128.store(SPILL, v23, 32);
        v128.store(SPILL, fast01, 48); v128.store(SPILL, fast23, 64); v128.store(SPILL, ok01, 80); v128.store(SPILL, ok23, 96);
        for (let l = 0; l < 4; l++) {
          if (load<i64>(SPILL + 80 + (<usize>l << 3)) != 0) continue;
          const p = LANE_STATE + (<usize>l << 2);
          const al = load<u32>(SPILL + (<usize>l << 2)), m = load<f64>(SPILL + 16 + (<usize>l << 3));
          // The attempt already drawn: its fast result, or its slow path; then fresh attempts.
          let z = load<i64>(SPILL + 48 + (<usize>l << 3)) != 0 ? m * load<f64>(ZPAIRS + (<usize>(al & 255) << 4), 8) : attemptSlow(p, al & 255, m);
          if ((al & 256) != 0) z = -z;
          if (isNaN(z) || Math.abs(z) > bound) z = laneNormal(p, bound);
          store<T>(out + <usize>(idx + l) * sz, <T>(withOffset ? offset + scale * z : scale * z));
        }
        s0 = v128.load(LANE_STATE); s1 = v128.load(LANE_STATE, 16); s2 = v128.load(LANE_STATE, 32); s3 = v128.load(LANE_STATE, 48);
      }
    } else {
      y01 = f64x2.add(vOffset, f64x2.mul(vScale, v01));
      y23 = f64x2.add(vOffset, f64x2.mul(vScale, v23));
      storeFour<T>(out + <usize>idx * sz, y01, y23);
    }
  }
  v128.store(LANE_STATE, s0); v128.store(LANE_STATE, s1, 16); v128.store(LANE_STATE, s2, 32); v128.store(LANE_STATE, s3, 48);
  // The last n mod 4 slots, one lane each.
  for (let idx = full; idx < n; idx++) {
    const p = LANE_STATE + (<usize>(idx & 3) << 2);
    let y: f64;
    if (normal) {
      const z = laneNormal(p, bound);
      y = withOffset ? offset + scale * z : scale * z;
    } else {
      y = offset + scale * uniform52(p);
    }
    store<T>(out + <usize>idx * sz, <T>y);
  }
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
