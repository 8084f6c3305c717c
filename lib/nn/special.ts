// Special functions the theory and the statistics share: erf and the normal law, the polygamma
// functions and ln Γ. Pure functions of numbers; nothing here knows a net.

/** erf by Abramowitz–Stegun 7.1.26 is too coarse (1e-7); use the continued series for small |x|. */
export function erf(x: number): number {
  // Maclaurin series converges fast for |x| ≤ 3; beyond that erf is 1 to double precision at ~6.
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  if (ax <= 3) {
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for the tail.
  const t = erfcContinuedFraction(ax);
  return Math.sign(x) * (1 - t);
}

function erfcContinuedFraction(x: number): number {
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  let f = x, c = x, d = 0;
  const tiny = 1e-300;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/**
 * Standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's rational approximation (relative error < 1.2e-9),
 * refined by one Newton step on normalCdf where Φ is not too close to 0 or 1 for erf to resolve it.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  let x: number;
  if (p < 0.02425) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - 0.02425) x = -tail(Math.sqrt(-2 * Math.log(1 - p)));
  else {
    const q = p - 0.5, r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  if (p > 1e-6 && p < 1 - 1e-6) x -= (normalCdf(x) - p) / (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
  return x;
}

/** ψ(x), x > 0: recurrence up to x ≥ 6, then the asymptotic series (error < 1e-10). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma needs x > 0, got ${x}`);
  let r = 0;
  while (x < 6) { r -= 1 / x; x += 1; }
  const i2 = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - i2 * (1 / 12 - i2 * (1 / 120 - i2 * (1 / 252 - i2 * (1 / 240 - i2 / 132))));
}

/** ψ′(x), x > 0: recurrence up to x ≥ 6, then the asymptotic series (error < 1e-10). */
export function trigamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`trigamma needs x > 0, got ${x}`);
  let r = 0;
  while (x < 6) { r += 1 / (x * x); x += 1; }
  const i = 1 / x, i2 = i * i;
  return r + i + i2 / 2 + i * i2 * (1 / 6 - i2 * (1 / 30 - i2 * (1 / 42 - i2 * (1 / 30 - (i2 * 5) / 66))));
}

/** ψ″(x), x > 0: recurrence up to x ≥ 6, then the asymptotic series (error < 1e-10). */
export function tetragamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`tetragamma needs x > 0, got ${x}`);
  let r = 0;
  while (x < 6) { r -= 2 / (x * x * x); x += 1; }
  const i = 1 / x, i2 = i * i;
  return r - i2 - i2 * i - i2 * i2 * (1 / 2 - i2 * (1 / 6 - i2 * (1 / 6 - i2 * (3 / 10 - (i2 * 5) / 6))));
}


/** Lanczos coefficients, g = 7, 9 terms (shared by the real and complex ln Γ). */
const LANCZOS_G = 7;
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e−15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  // The reflection formula keeps the series accurate below ½.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(|T| ≤ t) for Student's t with ν degrees of freedom (Abramowitz & Stegun 26.7.3–4, exact finite sums). */
export function studentTAbsCdf(t: number, nu: number): number {
  if (!Number.isInteger(nu) || nu < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${nu}`);
  if (!(t >= 0)) return 0;
  const theta = Math.atan(t / Math.sqrt(nu)), c2 = Math.cos(theta) ** 2, s = Math.sin(theta);
  if (nu % 2 === 1) {
    let term = Math.cos(theta), sum = nu > 1 ? term : 0;
    for (let k = 3; k <= nu - 2; k += 2) { term *= (c2 * (k - 1)) / k; sum += term; }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1, sum = 1;
  for (let k = 2; k <= nu - 2; k += 2) { term *= (c2 * (k - 1)) / k; sum += term; }
  return s * sum;
}

/** The two-sided quantile t with P(|T| ≤ t) = level, by bisection on the exact CDF. */
export function studentTQuantile(level: number, nu: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must lie in (0, 1), got ${level}`);
  let lo = 0, hi = 1;
  while (studentTAbsCdf(hi, nu) < level) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTAbsCdf(mid, nu) < level) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** ln Γ(z) for complex z = re + i·im with re ≥ ½, as [re, im]: Lanczos (g = 7, 9 terms), |error| < 1e-13. */
export function logGammaComplex(re: number, im: number): [number, number] {
  // Γ(z) = √(2π) t^{z−½} e^{−t} A(z − 1), t = z − 1 + g + ½.
  const zr = re - 1, zi = im;
  let ar = LANCZOS[0], ai = 0;
  for (let k = 1; k < LANCZOS.length; k++) {
    const dr = zr + k, den = dr * dr + zi * zi;
    ar += (LANCZOS[k] * dr) / den;
    ai -= (LANCZOS[k] * zi) / den;
  }
  const tr = zr + LANCZOS_G + 0.5, ti = zi;
  const logTr = 0.5 * Math.log(tr * tr + ti * ti), logTi = Math.atan2(ti, tr);
  // (z − ½)·log t = (zr + ½ + i zi)(logTr + i logTi)
  const er = (zr + 0.5) * logTr - zi * logTi, ei = (zr + 0.5) * logTi + zi * logTr;
  return [0.5 * Math.log(2 * Math.PI) + er - tr + 0.5 * Math.log(ar * ar + ai * ai), ei - ti + Math.atan2(ai, ar)];
}
