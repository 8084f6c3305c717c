// Elementwise ReLU kernels. Both reproduce the reference bit for bit, NaN and −0 included:
// pmax(0, v) is `0 < v ? v : 0`, exactly the reference's `v > 0 ? v : 0`, where max would pass NaN
// through; and in f32 one rounding of the f32 sum equals the reference's f64 sum rounded to f32.

import { lanes, vzero } from './simd';

/** out[r, j] = max(x[r, j] + bias[j], 0); bias = 0 means no bias. out may alias x. */
export function biasRelu<T>(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  const vecEnd = cols - cols % L;
  const zero = vzero();
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>cols * sz, outr = out + <usize>r * <usize>cols * sz;
    let j = 0;
    if (bias == 0) {
      for (; j < vecEnd; j += L) v128.store(outr + <usize>j * sz, v128.pmax<T>(zero, v128.load(xr + <usize>j * sz)));
      for (; j < cols; j++) {
        const v = load<T>(xr + <usize>j * sz);
        store<T>(outr + <usize>j * sz, v > 0 ? v : <T>0);
      }
    } else {
      for (; j < vecEnd; j += L) {
        const off = <usize>j * sz;
        v128.store(outr + off, v128.pmax<T>(zero, v128.add<T>(v128.load(xr + off), v128.load(bias + off))));
      }
      for (; j < cols; j++) {
        const off = <usize>j * sz;
        const v = load<T>(xr + off) + load<T>(bias + off);
        store<T>(outr + off, v > 0 ? v : <T>0);
      }
    }
  }
}

/** gradIn[i] = out[i] > 0 ? gradOut[i] : 0. gradIn may alias gradOut. */
export function reluBackward<T>(gradOut: usize, out: usize, gradIn: usize, length: i32): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  const vecEnd = length - length % L;
  const zero = vzero();
  let i = 0;
  for (; i < vecEnd; i += L) {
    const off = <usize>i * sz;
    const positive = v128.gt<T>(v128.load(out + off), zero);
    v128.store(gradIn + off, v128.and(v128.load(gradOut + off), positive));
  }
  for (; i < length; i++) {
    const off = <usize>i * sz;
    store<T>(gradIn + off, load<T>(out + off) > 0 ? load<T>(gradOut + off) : <T>0);
  }
}

/**
 * reluBackward over rows×cols, and the bias gradient in the same pass: gb[j] (+)= Σ_r gradIn[r, j],
 * added row by row (each lane of gb takes its rows in order, so the rounding is the reference's).
 */
export function reluBackwardBias<T>(gradOut: usize, out: usize, gradIn: usize, rows: i32, cols: i32, gb: usize, accumulate: bool): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  const vecEnd = cols - cols % L;
  const zero = vzero();
  if (!accumulate) memory.fill(gb, 0, <usize>cols * sz);
  for (let r = 0; r < rows; r++) {
    const rowOff = <usize>r * <usize>cols * sz;
    let j = 0;
    for (; j < vecEnd; j += L) {
      const off = rowOff + <usize>j * sz;
      const g = v128.and(v128.load(gradOut + off), v128.gt<T>(v128.load(out + off), zero));
      v128.store(gradIn + off, g);
      const b = gb + <usize>j * sz;
      v128.store(b, v128.add<T>(v128.load(b), g));
    }
    for (; j < cols; j++) {
      const off = rowOff + <usize>j * sz;
      const g = load<T>(out + off) > 0 ? load<T>(gradOut + off) : <T>0;
      store<T>(gradIn + off, g);
      const b = gb + <usize>j * sz;
      store<T>(b, load<T>(b) + g);
    }
  }
}
