// Matrix–vector products, for matmul with n = 1 or m = 1: packing would cost as much as the product.
// M is a row-major rows×cols matrix at m; x and y are contiguous vectors.

import { hsum, lanes, madd, vzero } from './simd';

/** y[r] = Σ_c M[r, c]·x[c] (+ y[r] when accumulate): four rows share each load of x. */
export function gemvRows<T>(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  const rowBytes = <usize>cols * sz;
  const vecEnd = cols - cols % L;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const m0 = m + <usize>r * rowBytes, m1 = m0 + rowBytes, m2 = m1 + rowBytes, m3 = m2 + rowBytes;
    let s0 = vzero(), s1 = vzero(), s2 = vzero(), s3 = vzero();
    let c = 0;
    for (; c < vecEnd; c += L) {
      const off = <usize>c * sz;
      const xv = v128.load(x + off);
      s0 = madd<T>(v128.load(m0 + off), xv, s0);
      s1 = madd<T>(v128.load(m1 + off), xv, s1);
      s2 = madd<T>(v128.load(m2 + off), xv, s2);
      s3 = madd<T>(v128.load(m3 + off), xv, s3);
    }
    let t0 = hsum<T>(s0), t1 = hsum<T>(s1), t2 = hsum<T>(s2), t3 = hsum<T>(s3);
    for (; c < cols; c++) {
      const off = <usize>c * sz;
      const xc = load<T>(x + off);
      t0 += load<T>(m0 + off) * xc; t1 += load<T>(m1 + off) * xc;
      t2 += load<T>(m2 + off) * xc; t3 += load<T>(m3 + off) * xc;
    }
    const out = y + <usize>r * sz;
    if (accumulate) {
      t0 += load<T>(out); t1 += load<T>(out + sz); t2 += load<T>(out + 2 * sz); t3 += load<T>(out + 3 * sz);
    }
    store<T>(out, t0); store<T>(out + sz, t1); store<T>(out + 2 * sz, t2); store<T>(out + 3 * sz, t3);
  }
  for (; r < rows; r++) {
    const row = m + <usize>r * rowBytes;
    let s = vzero();
    let c = 0;
    for (; c < vecEnd; c += L) s = madd<T>(v128.load(row + <usize>c * sz), v128.load(x + <usize>c * sz), s);
    let t = hsum<T>(s);
    for (; c < cols; c++) t += load<T>(row + <usize>c * sz) * load<T>(x + <usize>c * sz);
    const out = y + <usize>r * sz;
    store<T>(out, accumulate ? load<T>(out) + t : t);
  }
}

/** y[c] = Σ_r x[r]·M[r, c] (+ y[c] when accumulate): y is updated by four rows of M at a time. */
export function gemvCols<T>(rows: i32, cols: i32, m: usize, x: usize, y: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  const rowBytes = <usize>cols * sz;
  const vecEnd = cols - cols % L;
  if (!accumulate) memory.fill(y, 0, <usize>cols * sz);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const m0 = m + <usize>r * rowBytes, m1 = m0 + rowBytes, m2 = m1 + rowBytes, m3 = m2 + rowBytes;
    const xr = x + <usize>r * sz;
    const x0 = load<T>(xr), x1 = load<T>(xr + sz), x2 = load<T>(xr + 2 * sz), x3 = load<T>(xr + 3 * sz);
    const v0 = v128.splat<T>(x0), v1 = v128.splat<T>(x1), v2 = v128.splat<T>(x2), v3 = v128.splat<T>(x3);
    let c = 0;
    for (; c < vecEnd; c += L) {
      const off = <usize>c * sz;
      let acc = v128.load(y + off);
      acc = madd<T>(v0, v128.load(m0 + off), acc);
      acc = madd<T>(v1, v128.load(m1 + off), acc);
      acc = madd<T>(v2, v128.load(m2 + off), acc);
      acc = madd<T>(v3, v128.load(m3 + off), acc);
      v128.store(y + off, acc);
    }
    for (; c < cols; c++) {
      const off = <usize>c * sz;
      store<T>(y + off, load<T>(y + off) + x0 * load<T>(m0 + off) + x1 * load<T>(m1 + off)
        + x2 * load<T>(m2 + off) + x3 * load<T>(m3 + off));
    }
  }
  for (; r < rows; r++) {
    const row = m + <usize>r * rowBytes;
    const xr = load<T>(x + <usize>r * sz);
    const v = v128.splat<T>(xr);
    let c = 0;
    for (; c < vecEnd; c += L) {
      const off = <usize>c * sz;
      v128.store(y + off, madd<T>(v, v128.load(row + off), v128.load(y + off)));
    }
    for (; c < cols; c++) {
      const off = <usize>c * sz;
      store<T>(y + off, load<T>(y + off) + xr * load<T>(row + off));
    }
  }
}
