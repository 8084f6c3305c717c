// GEMM: C (m×n) = op(A)·op(B) (+ C), row-major, with the Goto/BLIS layout: B is packed into
// KC×NR column strips, A into MR×KC row strips, and an MR×NR register tile runs over the packed
// strips. The tile is 4×(2 v128): V8 gives wasm 15 xmm registers and hoists all of a step's
// broadcasts, so 8 accumulators + 2 B vectors + 4 broadcasts + 1 temporary fit, where a 6×8 tile
// spilled and ran at half the speed (measured: 21 vs 40 GFLOP/s f32). Transposition only changes the strides the packers read, so every variant
// runs the same micro-kernel at the same speed.

import { lanes, madd, vzero } from './simd';

/** Rows of the register tile; packA's transpose4 assumes exactly 4. */
const MR: i32 = 4;
/** Depth of one packed block: a KC×NR strip of B (8 KiB in f32) stays in L1 across the A strips. */
const KC: i32 = 256;
/** Rows of A per packed block (a multiple of MR); MC×KC doubles fit in L2. */
const MC: i32 = MR * 16;
/** Columns of B per packed block (a multiple of NR for both dtypes). */
const NC: i32 = 1024;

/** Bytes of the packing work area the caller passes to gemm: packed B, then packed A. */
const PACKED_B_BYTES: usize = <usize>(KC * NC * 8);
export const GEMM_WORK_BYTES: usize = PACKED_B_BYTES + <usize>(MC * KC * 8);
/** Where edge tiles are computed before their valid part is copied into C. */
const EDGE_TILE = memory.data(MR * 8 * 8, 64);

/** Columns of the register tile: two v128 (8 f32 or 4 f64). */
// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/**
 * The MR×NR tile C[r, 0..NR) at c + r·ldc bytes = Ap·Bp over kc, stored or added to C. Rows past
 * MR compile away. Loads use immediate offsets so V8 folds them into the addressing mode.
 */
function microKernel<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  let c00 = vzero(), c01 = vzero(), c10 = vzero(), c11 = vzero(), c20 = vzero(), c21 = vzero();
  let c30 = vzero(), c31 = vzero(), c40 = vzero(), c41 = vzero(), c50 = vzero(), c51 = vzero();
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load_splat<T>(ap);
    c00 = madd<T>(a, b0, c00); c01 = madd<T>(a, b1, c01);
    a = v128.load_splat<T>(ap, sz);
    c10 = madd<T>(a, b0, c10); c11 = madd<T>(a, b1, c11);
    a = v128.load_splat<T>(ap, 2 * sz);
    c20 = madd<T>(a, b0, c20); c21 = madd<T>(a, b1, c21);
    a = v128.load_splat<T>(ap, 3 * sz);
    c30 = madd<T>(a, b0, c30); c31 = madd<T>(a, b1, c31);
    if (MR > 4) {
      a = v128.load_splat<T>(ap, 4 * sz);
      c40 = madd<T>(a, b0, c40); c41 = madd<T>(a, b1, c41);
    }
    if (MR > 5) {
      a = v128.load_splat<T>(ap, 5 * sz);
      c50 = madd<T>(a, b0, c50); c51 = madd<T>(a, b1, c51);
    }
    ap += <usize>MR * sz;
    bp += 32;
  }
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
  if (accumulate) {
    c00 = v128.add<T>(c00, v128.load(c)); c01 = v128.add<T>(c01, v128.load(c, 16));
    c10 = v128.add<T>(c10, v128.load(c1)); c11 = v128.add<T>(c11, v128.load(c1, 16));
    c20 = v128.add<T>(c20, v128.load(c2)); c21 = v128.add<T>(c21, v128.load(c2, 16));
    c30 = v128.add<T>(c30, v128.load(c3)); c31 = v128.add<T>(c31, v128.load(c3, 16));
    if (MR > 4) { c40 = v128.add<T>(c40, v128.load(c4)); c41 = v128.add<T>(c41, v128.load(c4, 16)); }
    if (MR > 5) { c50 = v128.add<T>(c50, v128.load(c5)); c51 = v128.add<T>(c51, v128.load(c5, 16)); }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
  if (MR > 4) { v128.store(c4, c40); v128.store(c4, c41, 16); }
  if (MR > 5) { v128.store(c5, c50); v128.store(c5, c51, 16); }
}

/**
 * The MR×(NR/2) tile: microKernel for an edge strip of at most NR/2 live columns (reading the first
 * v128 of each packed row), so a width like 50 = 6·8 + 2 wastes 2 columns of work instead of 6.
 */
function microKernelHalf<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  let c0 = vzero(), c1 = vzero(), c2 = vzero(), c3 = vzero();
  for (let p = 0; p < kc; p++) {
    const b = v128.load(bp);
    c0 = madd<T>(v128.load_splat<T>(ap), b, c0);
    c1 = madd<T>(v128.load_splat<T>(ap, sz), b, c1);
    c2 = madd<T>(v128.load_splat<T>(ap, 2 * sz), b, c2);
    c3 = madd<T>(v128.load_splat<T>(ap, 3 * sz), b, c3);
    ap += <usize>MR * sz;
    bp += 32;
  }
  const r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
  if (accumulate) {
    c0 = v128.add<T>(c0, v128.load(c)); c1 = v128.add<T>(c1, v128.load(r1));
    c2 = v128.add<T>(c2, v128.load(r2)); c3 = v128.add<T>(c3, v128.load(r3));
  }
  v128.store(c, c0); v128.store(r1, c1); v128.store(r2, c2); v128.store(r3, c3);
}

/**
 * Transposes a 4×count block: for p in [0, count), the 4 values src_r[p] (r = 0..3, row r at
 * src + r·srcStride bytes) go to dst + p·dstStride as 4 contiguous T. Both packers reduce to this
 * when they read rows of the stored matrix; doing it with v128 loads and shuffles instead of
 * strided scalar copies cut packing from about 40 % of a 1024×50·50×50 product (measured).
 */
function transpose4<T>(src: usize, srcStride: usize, count: i32, dst: usize, dstStride: usize): void {
  const sz = sizeof<T>();
  const r1 = src + srcStride, r2 = r1 + srcStride, r3 = r2 + srcStride;
  let p = 0;
  if (sz == 4) {
    for (; p + 4 <= count; p += 4) {
      const off = <usize>p * 4;
      const a = v128.load(src + off), b = v128.load(r1 + off), c = v128.load(r2 + off), d = v128.load(r3 + off);
      const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), cd01 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
      const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7), cd23 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
      const out = dst + <usize>p * dstStride;
      v128.store(out, v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5));
      v128.store(out + dstStride, v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7));
      v128.store(out + 2 * dstStride, v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5));
      v128.store(out + 3 * dstStride, v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7));
    }
  } else {
    for (; p + 2 <= count; p += 2) {
      const off = <usize>p * 8;
      const a = v128.load(src + off), b = v128.load(r1 + off), c = v128.load(r2 + off), d = v128.load(r3 + off);
      const out = dst + <usize>p * dstStride;
      v128.store(out, v128.shuffle<f64>(a, b, 0, 2));
      v128.store(out, v128.shuffle<f64>(c, d, 0, 2), 16);
      v128.store(out + dstStride, v128.shuffle<f64>(a, b, 1, 3));
      v128.store(out + dstStride, v128.shuffle<f64>(c, d, 1, 3), 16);
    }
  }
  for (; p < count; p++) {
    const off = <usize>p * sz, out = dst + <usize>p * dstStride;
    store<T>(out, load<T>(src + off));
    store<T>(out + sz, load<T>(r1 + off));
    store<T>(out + 2 * sz, load<T>(r2 + off));
    store<T>(out + 3 * sz, load<T>(r3 + off));
  }
}

/**
 * Packs op(A)[i0 .. i0+rows, p0 .. p0+kc) into MR-row strips, p-major within a strip, padding the
 * last strip with zeros. op(A)[i, p] sits at a + (i·rs + p·cs)·sizeof<T>.
 */
function packA<T>(dst: usize, a: usize, rs: i32, cs: i32, i0: i32, rows: i32, p0: i32, kc: i32): void {
  const sz = sizeof<T>();
  const stripRow = <usize>MR * sz;
  for (let s = 0; s < rows; s += MR) {
    const live = min(MR, rows - s);
    const base = a + <usize>((i0 + s) * rs + p0 * cs) * sz;
    if (live == MR && rs == 1) {
      // op(A) = Aᵀ: the MR rows of one column are adjacent in memory, MR·sizeof<T> = 16 or 32 bytes.
      for (let p = 0; p < kc; p++) {
        const src = base + <usize>(p * cs) * sz;
        v128.store(dst, v128.load(src));
        if (sz == 8) v128.store(dst, v128.load(src, 16), 16);
        dst += stripRow;
      }
    } else if (live == MR && cs == 1) {
      transpose4<T>(base, <usize>rs * sz, kc, dst, stripRow);
      dst += <usize>kc * stripRow;
    } else {
      for (let p = 0; p < kc; p++) {
        const src = base + <usize>(p * cs) * sz;
        let r = 0;
        for (; r < live; r++) store<T>(dst + <usize>r * sz, load<T>(src + <usize>(r * rs) * sz));
        for (; r < MR; r++) store<T>(dst + <usize>r * sz, <T>0);
        dst += stripRow;
      }
    }
  }
}

/**
 * Packs op(B)[p0 .. p0+kc, j0 .. j0+cols) into NR-column strips, p-major within a strip, padding the
 * last strip with zeros. op(B)[p, j] sits at b + (p·rs + j·cs)·sizeof<T>.
 */
function packB<T>(dst: usize, b: usize, rs: i32, cs: i32, p0: i32, kc: i32, j0: i32, cols: i32): void {
  const sz = sizeof<T>();
  const w = nr<T>();
  const stripRow = <usize>w * sz;
  for (let t = 0; t < cols; t += w) {
    const live = min(w, cols - t);
    const base = b + <usize>(p0 * rs + (j0 + t) * cs) * sz;
    if (live == w && cs == 1) {
      // op(B) = B: a strip row is 32 contiguous bytes.
      for (let p = 0; p < kc; p++) {
        const src = base + <usize>(p * rs) * sz;
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
      continue;
    }
    if (live == w && rs == 1) {
      // op(B) = Bᵀ: each group of 4 strip columns is 4 stored rows of B, transposed.
      for (let g = 0; g < w; g += 4) transpose4<T>(base + <usize>(g * cs) * sz, <usize>cs * sz, kc, dst + <usize>g * sz, stripRow);
      dst += <usize>kc * stripRow;
      continue;
    }
    for (let col = 0; col < w; col++) {
      const out = dst + <usize>col * sz;
      if (col < live) {
        const src = base + <usize>(col * cs) * sz;
        for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * w) * sz, load<T>(src + <usize>(p * rs) * sz));
      } else {
        for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * w) * sz, <T>0);
      }
    }
    dst += <usize>kc * stripRow;
  }
}

/** Adds or copies the valid rows×cols corner of EDGE_TILE (row stride NR) into C. */
function flushEdge<T>(c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool): void {
  const sz = sizeof<T>();
  const w = nr<T>();
  for (let r = 0; r < rows; r++) {
    const src = EDGE_TILE + <usize>(r * w) * sz;
    const dst = c + <usize>r * ldc;
    if (accumulate) {
      for (let j = 0; j < cols; j++) store<T>(dst + <usize>j * sz, load<T>(dst + <usize>j * sz) + load<T>(src + <usize>j * sz));
    } else {
      for (let j = 0; j < cols; j++) store<T>(dst + <usize>j * sz, load<T>(src + <usize>j * sz));
    }
  }
}

/**
 * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when accumulate; A is k×m when transA, B is n×k when
 * transB. work is GEMM_WORK_BYTES of scratch owned by the caller (a static buffer here would be
 * written into the .wasm file as megabytes of zeros).
 */
export function gemm<T>(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, transA: bool, transB: bool, accumulate: bool, work: usize): void {
  const packedB = work, packedA = work + PACKED_B_BYTES;
  const sz = sizeof<T>();
  const w = nr<T>();
  const rsA = transA ? 1 : k, csA = transA ? m : 1;
  const rsB = transB ? 1 : n, csB = transB ? k : 1;
  const ldc = <usize>n * sz;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // Later depth blocks add onto what the first one wrote.
      const add = accumulate || pc > 0;
      packB<T>(packedB, b, rsB, csB, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA<T>(packedA, a, rsA, csA, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += w) {
          const cols = min(w, nc - jr);
          const bp = packedB + <usize>(jr * kc) * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const ap = packedA + <usize>(ir * kc) * sz;
            const cp = c + <usize>(ic + ir) * ldc + <usize>(jc + jr) * sz;
            if (rows == MR && cols == w) {
              microKernel<T>(kc, ap, bp, cp, ldc, add);
            } else if (cols <= (w >> 1)) {
              microKernelHalf<T>(kc, ap, bp, EDGE_TILE, <usize>w * sz, false);
              flushEdge<T>(cp, ldc, rows, cols, add);
            } else {
              microKernel<T>(kc, ap, bp, EDGE_TILE, <usize>w * sz, false);
              flushEdge<T>(cp, ldc, rows, cols, add);
            }
          }
        }
      }
    }
  }
}
