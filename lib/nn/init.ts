// Weight initializers, one small definition each, in the spirit of torch/nn/init.py. Each knows the
// exact variance and normalized fourth moment μ̃₄ = E[w⁴]/E[w²]² of the law it draws from, as
// functions of fan-in and fan-out, because the theory (lib/nn/dense/theory.ts) is written in those terms.
// Weights are stored [out][in] (fan-out rows of fan-in entries), the PyTorch layout.

import type { Rng } from '../tensor/rng';
import { erf } from './special';
import { Tensor } from '../tensor/tensor';

export type Law = 'normal' | 'uniform' | 'truncated_normal' | 'rademacher' | 'orthogonal';

export interface Initializer {
  readonly id: string;
  readonly description: string;
  readonly law: Law;
  /** The variance the initializer's name promises (e.g. 2/fan-in for every He variant). */
  nominalVariance(fanIn: number, fanOut: number): number;
  /** The variance of the law actually drawn from. */
  variance(fanIn: number, fanOut: number): number;
  /** μ̃₄ = E[w⁴]/E[w²]² of one entry. */
  mu4(fanIn: number, fanOut: number): number;
  /** Whether the entries are i.i.d. (false for orthogonal, whose rows are dependent). */
  readonly iid: boolean;
  /** Fill a [fanOut][fanIn] weight matrix. */
  sample(rng: Rng, weight: Tensor): void;
}

// ---- Truncated normal constants: N(0,1) conditioned on |z| ≤ a.
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Variance of N(0,1) conditioned on |z| ≤ a: 1 − 2aφ(a)/Z, Z = 2Φ(a) − 1 = erf(a/√2). */
export function truncatedNormalVariance(a: number): number {
  const phi = Math.exp(-0.5 * a * a) / SQRT_2PI;
  return 1 - (2 * a * phi) / erf(a / Math.SQRT2);
}

/** μ̃₄ of N(0,1) conditioned on |z| ≤ a: E[z⁴] = 3 − 2(a³ + 3a)φ(a)/Z, over the variance squared. */
export function truncatedNormalMu4(a: number): number {
  const phi = Math.exp(-0.5 * a * a) / SQRT_2PI;
  const z = erf(a / Math.SQRT2);
  const v = 1 - (2 * a * phi) / z;
  return (3 - (2 * (a * a * a + 3 * a) * phi) / z) / (v * v);
}

/** Keras/TF 2018 truncation: redraw outside ±2σ; the drawn variance is this factor times σ². */
export const KERAS_TRUNCATION = 2;
export const TRUNCATED_VARIANCE_FACTOR = truncatedNormalVariance(KERAS_TRUNCATION); // 0.77374...
/** The later Keras correction divides σ by this (√ of the factor above, to 1e-16). */
export const KERAS_TRUNCATION_CORRECTION = 0.87962566103423978;

function checkFans(fanIn: number, fanOut: number): void {
  if (!Number.isInteger(fanIn) || fanIn < 1 || !Number.isInteger(fanOut) || fanOut < 1) {
    throw new RangeError(`fan-in and fan-out must be positive integers, got ${fanIn} and ${fanOut}`);
  }
}

function fansOf(weight: Tensor): [number, number] {
  if (weight.ndim < 2) throw new RangeError(`a weight needs ≥ 2 dimensions [out, in, ...], got [${weight.shape.join(', ')}]`);
  // Conv weights [out, in, kh, kw]: fan-in = in·kh·kw, fan-out = out·kh·kw (receptive field size).
  const field = weight.shape.slice(2).reduce((a, b) => a * b, 1);
  return [weight.shape[1] * field, weight.shape[0] * field];
}

/** A law with variance v(fanIn, fanOut); the shape of the law fixes μ̃₄. */
function fromLaw(id: string, description: string, law: Exclude<Law, 'orthogonal'>,
  nominal: (fi: number, fo: number) => number, drawnOverNominal = 1): Initializer {
  const mu4 = law === 'normal' ? 3 : law === 'uniform' ? 9 / 5 : law === 'rademacher' ? 1 : truncatedNormalMu4(KERAS_TRUNCATION);
  return {
    id, description, law, iid: true,
    nominalVariance(fi, fo) { checkFans(fi, fo); return nominal(fi, fo); },
    variance(fi, fo) { checkFans(fi, fo); return nominal(fi, fo) * drawnOverNominal; },
    mu4(fi, fo) { checkFans(fi, fo); return mu4; },
    sample(rng, weight) {
      const [fi, fo] = fansOf(weight);
      const v = this.variance(fi, fo);
      if (law === 'normal') rng.fillNormal(weight, 0, Math.sqrt(v));
      else if (law === 'uniform') { const a = Math.sqrt(3 * v); rng.fillUniform(weight, -a, a); }
      else if (law === 'rademacher') rng.fillRademacher(weight, Math.sqrt(v));
      else rng.fillTruncatedNormal(weight, Math.sqrt(v / TRUNCATED_VARIANCE_FACTOR), KERAS_TRUNCATION);
    },
  };
}

const he = (fi: number) => 2 / fi;
const glorot = (fi: number, fo: number) => 2 / (fi + fo);
const lecun = (fi: number) => 1 / fi;

/** He/Kaiming normal: N(0, 2/fan-in). He et al., "Delving Deep into Rectifiers", ICCV 2015. c = 1. */
export const heNormal = fromLaw('he_normal', 'He normal N(0, 2/fan_in)', 'normal', he);
/** He uniform: U(±√(6/fan-in)), variance 2/fan-in, μ̃₄ = 9/5. */
export const heUniform = fromLaw('he_uniform', 'He uniform U(±√(6/fan_in))', 'uniform', he);
/**
 * He normal as Keras/TF drew it in 2018: N(0, σ² = 2/fan-in) redrawn outside ±2σ with no variance
 * correction, so the variance is 0.77374·2/fan-in and c = 0.774 (FM1: M_d shrinks by 10^−0.111 per layer).
 */
export const heNormalTruncated = fromLaw('he_normal_truncated', 'He normal, Keras/TF 2018 truncation (variance ×0.774)',
  'truncated_normal', he, TRUNCATED_VARIANCE_FACTOR);
/** The corrected truncation (Keras ≥ 2.2.3): σ/0.87962566 before truncating, so the variance is 2/fan-in. */
export const heNormalTruncatedCorrected = fromLaw('he_normal_truncated_corrected',
  'He normal, truncated with the variance correction', 'truncated_normal', he);
/** Glorot/Xavier uniform: U(±√(6/(fan-in + fan-out))). Glorot & Bengio, AISTATS 2010. c = ½ when square. */
export const glorotUniform = fromLaw('glorot_uniform', 'Glorot uniform U(±√(6/(fan_in+fan_out)))', 'uniform', glorot);
/** Glorot normal, untruncated: N(0, 2/(fan-in + fan-out)). */
export const glorotNormal = fromLaw('glorot_normal', 'Glorot normal N(0, 2/(fan_in+fan_out))', 'normal', glorot);
/** Glorot normal as Keras/TF drew it in 2018: truncated at ±2σ, variance 0.77374·2/(fan-in+fan-out); c = 0.387. */
export const glorotNormalTruncated = fromLaw('glorot_normal_truncated', 'Glorot normal, Keras/TF 2018 truncation (variance ×0.774)',
  'truncated_normal', glorot, TRUNCATED_VARIANCE_FACTOR);
/** LeCun normal: N(0, 1/fan-in). LeCun et al., "Efficient BackProp", 1998. c = ½. */
export const lecunNormal = fromLaw('lecun_normal', 'LeCun normal N(0, 1/fan_in)', 'normal', lecun);
/** LeCun uniform: U(±√(3/fan-in)), variance 1/fan-in. */
export const lecunUniform = fromLaw('lecun_uniform', 'LeCun uniform U(±√(3/fan_in))', 'uniform', lecun);
/** PyTorch nn.Linear's default, kaiming_uniform_(a=√5) = U(±1/√fan-in): variance 1/(3·fan-in), c = 1/6. */
export const torchLinearDefault = fromLaw('torch_linear_default', 'PyTorch nn.Linear default U(±1/√fan_in)', 'uniform',
  (fi) => 1 / (3 * fi));
/** Twice the He variance, N(0, 4/fan-in): c = 2, the exploding curve of Figure 1(a). */
export const heNormalX2 = fromLaw('he_normal_x2', '2×He normal N(0, 4/fan_in)', 'normal', (fi) => 4 / fi);

/**
 * Haar-orthogonal weights (Saxe et al. 2014), gain g: QR of a Gaussian matrix with the sign(diag R)
 * fix (Mezzadri 2007) — without it QR is not Haar. An out×in matrix has orthonormal rows (out ≤ in) or
 * columns (out ≥ in); each entry is distributed as one entry of a Haar O(N), N = max(in, out), so its
 * variance is g²/N and μ̃₄ = 3N/(N+2) (E[o⁴] = 3/(N(N+2))). Rows are dependent: not i.i.d.
 */
export function orthogonal(gain = 1): Initializer {
  if (!(gain > 0) || !Number.isFinite(gain)) throw new RangeError(`orthogonal gain must be a positive number, got ${gain}`);
  return {
    id: gain === 1 ? 'orthogonal' : `orthogonal_g${gain}`,
    description: `Haar orthogonal, gain ${gain}`,
    law: 'orthogonal', iid: false,
    nominalVariance(fi, fo) { checkFans(fi, fo); return (gain * gain) / Math.max(fi, fo); },
    variance(fi, fo) { checkFans(fi, fo); return (gain * gain) / Math.max(fi, fo); },
    mu4(fi, fo) { checkFans(fi, fo); const n = Math.max(fi, fo); return (3 * n) / (n + 2); },
    sample(rng, weight) {
      const [fi, fo] = fansOf(weight);
      if (weight.ndim !== 2) throw new RangeError('orthogonal init is defined here for matrices only');
      const q = haarOrthonormalColumns(rng, Math.max(fi, fo), Math.min(fi, fo));
      // q is N×k with orthonormal columns; W = q (out ≥ in) or qᵀ (out < in).
      const w = weight.data, k = Math.min(fi, fo);
      for (let r = 0; r < fo; r++) {
        for (let c = 0; c < fi; c++) w[r * fi + c] = gain * (fo >= fi ? q[r * k + c] : q[c * k + r]);
      }
    },
  };
}

/**
 * The first k columns of a Haar-distributed N×N orthogonal matrix, row-major N×k: Householder QR
 * of an N×k Gaussian matrix, with each column multiplied by sign(R_jj).
 */
export function haarOrthonormalColumns(rng: Rng, n: number, k: number): Float64Array {
  const a = Tensor.zeros([n, k]);
  rng.fillNormal(a);
  const A = a.data as Float64Array;
  const vs: Float64Array[] = [];
  const signs = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    // Householder vector for column j below the diagonal.
    let norm = 0;
    for (let i = j; i < n; i++) norm += A[i * k + j] * A[i * k + j];
    norm = Math.sqrt(norm);
    const x0 = A[j * k + j];
    const alpha = x0 >= 0 ? -norm : norm; // R_jj = alpha
    signs[j] = alpha >= 0 ? 1 : -1;
    const v = new Float64Array(n);
    v[j] = x0 - alpha;
    for (let i = j + 1; i < n; i++) v[i] = A[i * k + j];
    let vv = 0;
    for (let i = j; i < n; i++) vv += v[i] * v[i];
    vs.push(v);
    if (vv === 0) continue;
    for (let c = j; c < k; c++) {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i] * A[i * k + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < n; i++) A[i * k + c] -= f * v[i];
    }
  }
  // Q's first k columns: apply H_0 ... H_{k−1} to the identity's first k columns, last reflector first.
  const Q = new Float64Array(n * k);
  for (let j = 0; j < k; j++) Q[j * k + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    let vv = 0;
    for (let i = j; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i] * Q[i * k + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < n; i++) Q[i * k + c] -= f * v[i];
    }
  }
  for (let c = 0; c < k; c++) if (signs[c] < 0) for (let i = 0; i < n; i++) Q[i * k + c] = -Q[i * k + c];
  return Q;
}

/**
 * A symmetric law with variance g·2/fan-in: the generic initializer of the paper's claim (any symmetric
 * law with variance 2/fan-in avoids FM1). For 'truncated_normal' the truncation is at ±2σ of the
 * underlying normal, scaled so the drawn variance is exactly g·2/fan-in.
 */
export function symmetric(law: Exclude<Law, 'orthogonal'>, gain = 1): Initializer {
  if (!(gain > 0) || !Number.isFinite(gain)) throw new RangeError(`gain must be a positive number, got ${gain}`);
  if (!['normal', 'uniform', 'truncated_normal', 'rademacher'].includes(law)) {
    throw new RangeError(`unknown law '${law}' (expected normal, uniform, truncated_normal or rademacher)`);
  }
  return fromLaw(`symmetric_${law}_g${gain}`, `${law}, variance ${gain}·2/fan_in`, law, (fi) => (2 * gain) / fi);
}

export const INITIALIZERS: readonly Initializer[] = [
  heNormalX2, heNormal, heUniform, heNormalTruncated, heNormalTruncatedCorrected,
  glorotUniform, glorotNormal, glorotNormalTruncated, lecunNormal, lecunUniform, torchLinearDefault, orthogonal(1),
];

/** Figure 1's six curves, in the paper's order. */
export const FIGURE1_INITS = ['he_normal_x2', 'he_normal', 'he_uniform', 'he_normal_truncated', 'glorot_uniform', 'glorot_normal_truncated'] as const;

/** Look an initializer up by id; also accepts `symmetric_<law>_g<gain>` and `orthogonal_g<gain>`. */
export function initializerById(id: string): Initializer {
  const found = INITIALIZERS.find((i) => i.id === id);
  if (found) return found;
  const sym = /^symmetric_(normal|uniform|truncated_normal|rademacher)_g([0-9.eE+-]+)$/.exec(id);
  if (sym && Number(sym[2]) > 0) return symmetric(sym[1] as Exclude<Law, 'orthogonal'>, Number(sym[2]));
  const orth = /^orthogonal_g([0-9.eE+-]+)$/.exec(id);
  if (orth && Number(orth[1]) > 0) return orthogonal(Number(orth[1]));
  throw new RangeError(`unknown initializer '${id}' (known: ${INITIALIZERS.map((i) => i.id).join(', ')}, symmetric_<law>_g<gain>, orthogonal_g<gain>)`);
}

/** The per-layer gain c = fan-in·Var(w)/2 (§1.2, §2.2): E[M_j | a_{j−1}] = c·M_{j−1} with zero biases. */
export function gain(init: Initializer, fanIn: number, fanOut: number): number {
  return (fanIn * init.variance(fanIn, fanOut)) / 2;
}
