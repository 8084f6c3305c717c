// The cell task behind coverage.js: a chunk of replicate experiments of one published summary. Each
// replicate reruns the figure's own cell (lengths.ts, residual-lengths.ts, conv-lengths.ts) with its
// own seed, or draws the exact Gaussian law of THEORY.md §4.2 where real nets would be too slow, and
// keeps every interval it published; coverage.js then counts how often each covers the truth.

import type { Backend } from '../../kernels/backend';
import { lengthPath, PerLayerProduct } from '../../nn/dense/estimators';
import { constantWidths } from '../../nn/profiles';
import type { Padding } from '../../kernels/conv';
import type { ModuleConvention } from '../../nn/residual/net';
import { logNormalMeanInterval, logMeanExp } from '../../nn/stats';
import { Rng } from '../../tensor/rng';
import { stringKey, threadBackend } from './shared';
import { cellTask } from './task';
import { runConvCell } from './conv-lengths';
import { convReplicateCell } from './replicate-cells';
import { runLengthCell } from './lengths';
import { runResidualCell } from './residual-lengths';

/** What is replicated: a figure's cell with real nets, or the exact Gaussian law (He normal). */
export type ReplicateConfig =
  | { readonly kind: 'dense'; readonly init: string; readonly width: number; readonly depth: number; readonly nets: number }
  | { readonly kind: 'dense_sampler'; readonly width: number; readonly depth: number; readonly nets: number }
  | { readonly kind: 'residual'; readonly convention: ModuleConvention; readonly schedule: string; readonly width: number; readonly hidden: readonly number[];
    readonly modules: readonly number[]; readonly init: string; readonly nets: number }
  | { readonly kind: 'conv'; readonly init: string; readonly depth: number; readonly channels: number; readonly size: number; readonly inChannels: number;
    readonly kernel: number; readonly padding: Padding; readonly nets: number };

export interface ReplicateParams {
  readonly config: ReplicateConfig;
  /** Replicates first .. first + count − 1 of the configuration. */
  readonly first: number;
  readonly count: number;
  readonly seed: number;
  /**
   * Dense configurations: the He-normalized band for the sample mean that fig1 publishes (band.ts, one
   * per width profile and N, computed once by the caller); null otherwise.
   */
  readonly band: { readonly lo: number; readonly hi: number } | null;
}

/**
 * One published summary over the chunk's replicates. 'interval': an interval [lo, hi] for a true
 * value, `truth` (null: not known exactly; coverage.js then pools the replicates' sample means) and the
 * point `est` it was published with. 'band': a fixed band that the statistic `est` should fall in.
 */
export interface Series {
  readonly name: string;
  readonly kind: 'interval' | 'band';
  readonly truth: number | null;
  readonly lo: number[];
  readonly hi: number[];
  readonly est: number[];
  /** log10 of each replicate's plain sample mean (of R, or R² for a second moment): pools into a truth. */
  readonly sample: number[];
}

export interface ReplicateResult {
  readonly series: Series[];
  readonly seconds: number;
}

/** The seed of replicate r: from the master seed and r only, so chunks and workers do not matter. */
export function replicateSeed(master: number, config: ReplicateConfig, r: number): number {
  return new Rng(master, [stringKey('replicate'), stringKey(JSON.stringify(config)), r]).seed();
}

class SeriesBuilder {
  private readonly map = new Map<string, Series>();
  push(name: string, kind: Series['kind'], truth: number | null, lo: number, hi: number, est: number, sample: number): void {
    let s = this.map.get(name);
    if (s === undefined) { s = { name, kind, truth, lo: [], hi: [], est: [], sample: [] }; this.map.set(name, s); }
    s.lo.push(lo); s.hi.push(hi); s.est.push(est); s.sample.push(sample);
  }
  list(): Series[] { return [...this.map.values()]; }
}

export function runReplicates(p: ReplicateParams, backend?: Backend): ReplicateResult {
  const started = Date.now();
  const c = p.config, out = new SeriesBuilder(), band = p.band;
  if ((c.kind === 'dense' || c.kind === 'dense_sampler') && band === null) throw new RangeError('a dense configuration needs its sample-mean band');
  for (let r = p.first; r < p.first + p.count; r++) {
    const seed = replicateSeed(p.seed, c, r);
    if (c.kind === 'dense') {
      const res = runLengthCell({ init: c.init, widths: constantWidths(c.width, c.width, c.depth), nets: c.nets, seed, input: null }, backend);
      const t = res.log10_theory_ratio;
      out.push('per-layer product interval', 'interval', t, res.log10_mean_ratio_lo, res.log10_mean_ratio_hi, res.log10_mean_ratio, res.log10_sample_mean_ratio);
      out.push('sample-mean band', 'band', t, band!.lo + t, band!.hi + t, res.log10_sample_mean_ratio, res.log10_sample_mean_ratio);
    } else if (c.kind === 'dense_sampler') {
      samplerReplicate(c, seed, band!, out);
    } else if (c.kind === 'residual') {
      const res = runResidualCell({ convention: c.convention, schedule: c.schedule, modules: c.modules, width: c.width, hidden: c.hidden, init: c.init, nets: c.nets, seed }, backend);
      for (const pt of res.points) {
        // Linear modules: ∏(1 + κη²) is exact. ReLU modules: only bounds and a mean-field curve are known.
        const truth = c.convention === 'linear' ? pt.log10_theory_ratio : null;
        out.push(`${pt.estimator} interval, L = ${pt.modules}`, 'interval', truth, pt.log10_mean_ratio_lo, pt.log10_mean_ratio_hi, pt.log10_mean_ratio, pt.log10_sample_mean_ratio);
      }
    } else {
      const res = runConvCell(convReplicateCell(c, seed), backend);
      out.push('bootstrap-t interval for E[R]', 'interval', res.log10_theory_ratio, res.log10_mean_ratio_lo, res.log10_mean_ratio_hi, res.log10_mean_ratio, res.log10_sample_mean_ratio);
      out.push('Cox interval for E[R²]', 'interval', null, res.log10_second_moment_lo, res.log10_second_moment_hi, res.log10_second_moment, res.log10_sample_second_moment);
    }
  }
  return { series: out.list(), seconds: (Date.now() - started) / 1000 };
}

/** One experiment of `nets` exact Gaussian paths (He normal, E[R] = 1): the per-layer product, Cox, the band. */
function samplerReplicate(c: Extract<ReplicateConfig, { kind: 'dense_sampler' }>, seed: number, band: { lo: number; hi: number }, out: SeriesBuilder): void {
  const widths = constantWidths(c.width, c.width, c.depth);
  const rng = new Rng(seed, [stringKey('exact-gaussian-law')]);
  const zeros = new Float64Array(c.depth), path = new Float64Array(c.depth), logs = new Float64Array(c.nets);
  const product = new PerLayerProduct(c.depth);
  for (let k = 0; k < c.nets; k++) {
    lengthPath(rng, widths, zeros, path);
    product.add(path);
    logs[k] = path[c.depth - 1];
  }
  const e = product.estimate(), sample = logMeanExp(logs) * Math.LOG10E;
  const [lo, hi] = logNormalMeanInterval(logs);
  out.push('per-layer product interval', 'interval', 0, e.lo, e.hi, e.log10, sample);
  out.push('Cox interval (not published for dense nets)', 'interval', 0, lo * Math.LOG10E, hi * Math.LOG10E, ((lo + hi) / 2) * Math.LOG10E, sample);
  out.push('sample-mean band', 'band', 0, band.lo, band.hi, sample, sample);
}

/** The runner's entry point. */
export function runReplicateCell(p: ReplicateParams & { backend: string }): ReplicateResult {
  return runReplicates(p, threadBackend(p.backend));
}

/** Coverage of one series over its replicates (THEORY.md §4.10). */
export interface Coverage {
  readonly series: string;
  readonly kind: Series['kind'];
  readonly replicates: number;
  /** Replicates whose interval covers the truth (or whose statistic falls in the band). */
  readonly covered: number;
  readonly coverage: number;
  /** Binomial standard error √(p(1 − p)/R) at the nominal p = 0.95. */
  readonly se_nominal: number;
  /** (coverage − 0.95)/se_nominal. */
  readonly z: number;
  /** Replicates whose published point lies inside its own interval (intervals only). */
  readonly point_inside: number | null;
  /** 'exact' theory, or 'pooled': the grand sample mean of all replicates' nets (no exact value known). */
  readonly truth: 'exact' | 'pooled';
  readonly truth_value: number;
}

/** Concatenates the chunks' series (same names) and counts coverage, at nominal level 0.95. */
export function coverageOf(chunks: readonly ReplicateResult[]): Coverage[] {
  const merged = new Map<string, Series>();
  for (const ch of chunks) {
    for (const s of ch.series) {
      const m = merged.get(s.name);
      if (m === undefined) merged.set(s.name, { ...s, lo: [...s.lo], hi: [...s.hi], est: [...s.est], sample: [...s.sample] });
      else { m.lo.push(...s.lo); m.hi.push(...s.hi); m.est.push(...s.est); m.sample.push(...s.sample); }
    }
  }
  return [...merged.values()].map((s) => {
    const n = s.lo.length;
    // The pooled truth: log10 of the mean over every replicate's nets (equal N per replicate).
    const truth = s.truth ?? logMeanExp(s.sample.map((v) => v * Math.LN10)) * Math.LOG10E;
    let covered = 0, inside = 0;
    for (let i = 0; i < n; i++) {
      const x = s.kind === 'band' ? s.est[i] : truth;
      if (s.lo[i] <= x && x <= s.hi[i]) covered++;
      if (s.lo[i] <= s.est[i] && s.est[i] <= s.hi[i]) inside++;
    }
    const se = Math.sqrt((0.95 * 0.05) / n);
    return {
      series: s.name, kind: s.kind, replicates: n, covered, coverage: covered / n, se_nominal: se, z: (covered / n - 0.95) / se,
      point_inside: s.kind === 'interval' ? inside : null, truth: s.truth === null ? 'pooled' : 'exact', truth_value: truth,
    };
  });
}

/** The task behind coverage.js: a chunk of replicate experiments of one configuration. */
export const replicatesTask = cellTask<ReplicateParams & { backend: string }, ReplicateResult>('replicates', (p) => runReplicateCell(p));
