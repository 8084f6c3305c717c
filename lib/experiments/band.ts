// The cell task behind the theory band of a length figure: where the plain sample mean of `nets`
// nets of one width profile lands, from `replicates` simulated experiments of the exact Gaussian law
// (lib/nn/estimators.ts, THEORY.md §4.10). The band is He-normalized (every c_j = 1); a figure adds
// Σ log10 c_j of each initializer, since R/∏c_j has the same law for every Gaussian variance. So one
// cell serves every initializer of a profile.

import { gaussianSampleMeanBand } from '../nn/estimators';
import { checkWidths } from '../nn/dense';
import { compactWidths } from '../nn/profiles';
import { Rng } from '../tensor/rng';
import { stringKey } from './cells';

export interface BandCellParams {
  /** Widths n_0..n_d (n_0 does not enter the Gaussian law). */
  readonly widths: readonly number[];
  readonly nets: number;
  readonly replicates: number;
  readonly seed: number;
}

export interface BandCellResult {
  /** log10 band of the sample mean of R/∏c_j. */
  readonly lo: number;
  readonly hi: number;
  readonly replicates: number;
  readonly seconds: number;
}

export function run(p: BandCellParams): BandCellResult {
  const started = Date.now();
  checkWidths(p.widths);
  const rng = new Rng(p.seed, [stringKey('sample-mean-band'), stringKey(p.widths.slice(1).join(',')), p.nets]);
  const band = gaussianSampleMeanBand(rng, p.widths, new Float64Array(p.widths.length - 1), p.nets, { replicates: p.replicates });
  return { lo: band.lo, hi: band.hi, replicates: band.replicates, seconds: (Date.now() - started) / 1000 };
}

/** Band cells for a list of width profiles, one per distinct hidden profile, keyed by it. */
export function bandCells(profiles: readonly (readonly number[])[], nets: number, replicates: number, seed: number): { key: string; params: BandCellParams }[] {
  const byKey = new Map<string, BandCellParams>();
  for (const widths of profiles) {
    const key = bandKey(widths);
    if (!byKey.has(key)) byKey.set(key, { widths: [...widths], nets, replicates, seed });
  }
  return [...byKey.entries()].map(([key, params]) => ({ key, params }));
}

/** The band cell key of a width profile (its hidden widths; n_0 does not matter). */
export function bandKey(widths: readonly number[]): string {
  return `band/hidden=${compactWidths(widths.slice(1))}`;
}
