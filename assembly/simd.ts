// Small generic helpers over v128 so the f32 and f64 kernels share one source. T is f32 or f64;
// every branch on sizeof<T>() or ASC_FEATURE_* is resolved at compile time.

/** Lanes of T in one v128. */
// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

/** a·b + c; fused (one rounding) in the relaxed-SIMD build, where x86 lowers it to vfmadd. */
// @ts-ignore: decorator
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** Sum of the lanes. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(v128.extract_lane<f32>(v, 0) + v128.extract_lane<f32>(v, 1)
      + v128.extract_lane<f32>(v, 2) + v128.extract_lane<f32>(v, 3));
  }
  return <T>(v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1));
}

/** Zero v128 (all lanes +0 for either float type). */
// @ts-ignore: decorator
@inline export function vzero(): v128 {
  return i64x2(0, 0);
}
