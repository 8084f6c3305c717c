// The cell task behind the theory band of a length figure: where the plain sample mean of `nets`
// nets of one width profile lands, from `replicates` simulated experiments of the exact Gaussian law
// (lib/nn/dense/estimators.ts, THEORY.md §4.10), or for other i.i.d. laws a moment-matched law with their
// per-layer kurtoses. The band is He-normalized (every c_j = 1); a figure adds Σ log10 c_j of each
// initializer, since R/∏c_j does not involve the gains. So one cell serves every initializer of a
// profile with the same kurtoses (all Gaussian ones, say).

import { layerKurtoses, sampleMeanBand } from '../../nn/dense/estimators';
import { initializerById } from '../../nn/init';
import { sphereInputQ } from '../../nn/dense/theory';
import { compactWidths } from '../../nn/profiles';
import { Rng } from '../../tensor/rng';
import { stringKey } from './shared';
import { cellTask } from './task';

export interface BandCellParams {
  /** Widths n_0..n_d (n_0 does not enter the Gaussian law). */
  readonly widths: readonly number[];
  readonly nets: number;
  readonly replicates: number;
  readonly seed: number;
  /** Per-layer kurtoses κ_j of a non-Gaussian i.i.d. law (bandKurtoses); null: the exact Gaussian law. */
  readonly kappas: readonly number[] | null;
}

export interface BandCellResult {
  /** log10 band of the sample mean of R/∏c_j. */
  readonly lo: number;
  readonly hi: number;
  readonly replicates: number;
  readonly seconds: number;
}

export function runBandCell(p: BandCellParams): BandCellResult {
  const started = Date.now();
  // The same stream for every law of a profile: their bands differ only by the law.
  const rng = new Rng(p.seed, [stringKey('sample-mean-band'), stringKey(p.widths.slice(1).join(',')), p.nets]);
  const band = sampleMeanBand(rng, p.widths, new Float64Array(p.widths.length - 1), p.nets, { replicates: p.replicates, ...(p.kappas === null ? {} : { kappas: p.kappas }) });
  return { lo: band.lo, hi: band.hi, replicates: band.replicates, seconds: (Date.now() - started) / 1000 };
}

/** How the band of an initializer is drawn: the exact Gaussian law, moment-matched (i.i.d. laws), or the Gaussian surrogate (dependent entries). */
export type BandMethod = 'exact' | 'moment_matched' | 'gaussian_surrogate';

/**
 * The band cell's law for one initializer: null (Gaussian) for normal laws and for laws without a
 * second-moment recursion (orthogonal: the Gaussian surrogate), else the per-layer kurtoses for an input
 * with q(x) = ‖x‖₄⁴/‖x‖⁴ = inputQ (default: uniform on the sphere).
 */
export function bandLaw(widths: readonly number[], initId: string, inputQ = sphereInputQ(widths[0])): { kappas: number[] | null; method: BandMethod } {
  const init = initializerById(initId);
  if (init.law === 'normal') return { kappas: null, method: 'exact' };
  if (!init.iid) return { kappas: null, method: 'gaussian_surrogate' };
  return { kappas: layerKurtoses(widths, init, inputQ), method: 'moment_matched' };
}

/** The band cell key of a width profile, N and law: hidden widths, N and a hash of the kurtoses (n_0 does not matter). */
export function bandKey(widths: readonly number[], nets: number, kappas: readonly number[] | null): string {
  const law = kappas === null ? 'gaussian' : `kurtosis-${stringKey(kappas.map((k) => k.toPrecision(12)).join(',')).toString(16)}`;
  return `band/hidden=${compactWidths(widths.slice(1))}/nets=${nets}/${law}`;
}

/** A length cell's band: which band cell serves it and how that band is drawn. */
export interface BandPlan {
  readonly key: string;
  readonly method: BandMethod;
}

/**
 * The band cells for a list of (widths, initializer, input q) wanted, one per distinct profile and law,
 * and for each wanted item its plan (in order).
 */
export function planBands(wanted: readonly { readonly widths: readonly number[]; readonly init: string; readonly inputQ?: number }[],
  nets: number, replicates: number, seed: number): { cells: { key: string; params: BandCellParams }[]; plans: BandPlan[] } {
  const cells = new Map<string, BandCellParams>();
  const plans = wanted.map((w) => {
    const { kappas, method } = bandLaw(w.widths, w.init, w.inputQ);
    const key = bandKey(w.widths, nets, kappas);
    if (!cells.has(key)) cells.set(key, { widths: [...w.widths], nets, replicates, seed, kappas });
    return { key, method };
  });
  return { cells: [...cells.entries()].map(([key, params]) => ({ key, params })), plans };
}

/** The task behind the sample-mean bands of Figure 1(a) and coverage.js. */
export const bandTask = cellTask<BandCellParams, BandCellResult>('band', (p) => runBandCell(p));
