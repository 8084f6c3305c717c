import type { RunData, TraceRecord } from './compute';
import type { Config, DenseConfig } from './settings';
export declare const QUANTILES: readonly [0.05, 0.25, 0.5, 0.75, 0.95];
/** z of the expected band for the sample mean: a central 95% interval. */
export declare const BAND_Z = 1.959963984540054;
/**
 * Where the band's coverage holds (explorer/coverage.js, README "Trace explorer"): at least 10 nets,
 * and at least 7 of them expected alive at layer j. With fewer, the sample mean is mostly 0 or one
 * lucky net, and the measured coverage fell as low as 0; N = 1 undercovers (0.5–0.96) because one
 * net's ln χ² factors are skewed, which the log-normal match ignores.
 */
export declare const BAND_RULE: {
    readonly minNets: 10;
    readonly minLive: 7;
};
/** The theory beside the nets, per layer j = 1..d (or module ℓ = 1..L). */
export interface Theory {
    /** log10 c_j (dense) or log10 of the module's mean factor 1 + κη_ℓ² (linear residual); NaN where none. */
    readonly log10Gain: Float64Array;
    /** log10 E[M_j/M_0]: exact (dense; linear residual) or the mean-field curve (relu residual, Gaussian). */
    readonly log10Mean: Float64Array;
    /** Exact bounds on log10 E[M_j/M_0] where only bounds are known (relu residual); NaN otherwise. */
    readonly log10MeanLo: Float64Array;
    readonly log10MeanHi: Float64Array;
    /** The central 95% band for log10 of the sample mean of N nets (log-normal moment match); NaN where no second moment is known. */
    readonly bandLo: Float64Array;
    readonly bandHi: Float64Array;
    /**
     * The band's trusted prefix: layers 1..bandTrusted satisfy BAND_RULE, where its coverage was measured
     * near 95%; beyond it the page draws the band faint.
     */
    readonly bandTrusted: number;
    /** P(M_j = 0) (continuous weight laws, zero biases); NaN where not exact. */
    readonly pDead: Float64Array;
    /** What the mean line is: 'exact', 'mean-field' or 'none'. */
    readonly meanKind: 'exact' | 'mean-field' | 'none';
    /** Why a line or the band is missing, one sentence each. */
    readonly notes: string[];
    /** Summary numbers of the theory. */
    readonly beta: number;
    /** log10 c averaged over the layers: FM1's rate per layer (dense). */
    readonly rate: number;
    /** The law of log10(M_d/M_0) over live nets (dense, zero biases, i.i.d. weights). */
    readonly lastMean: number;
    readonly lastSd: number;
    /** κ, Σ η, Σ η² (residual). */
    readonly kappa: number;
    readonly sumEta: number;
    readonly sumEta2: number;
}
/**
 * The central band for log10 of the sample mean of N i.i.d. copies of R with E[R] = 10^log10E and
 * E[R²] = 10^log10P, from a log-normal with the sample mean's first two moments (Fenton–Wilkinson):
 * σ² = ln(1 + (r − 1)/N), r = E[R²]/E[R]², centred at ln E − σ²/2. For N = 1 and log-normal R it is
 * exact; as N grows it becomes the normal band E(1 ± z√((r − 1)/N)). Its coverage is measured by
 * explorer/coverage.js (README, "Trace explorer").
 */
export declare function sampleMeanBand(log10E: number, log10P: number, nets: number, z?: number): [number, number];
export declare function theoryOf(c: Config, input: Float64Array | null): Theory;
/** The nets' numbers per layer. */
export interface LayerStats {
    /** Quantiles of log10(M_j/M_0) at QUANTILES, one array per level. */
    readonly quantiles: Float64Array[];
    /** log10 of the sample mean of M_j/M_0 (dead nets count as 0). */
    readonly sampleMean: Float64Array;
    /** Mean and sd of log10(M_j/M_0) over the nets alive at j. */
    readonly meanLog: Float64Array;
    readonly sdLog: Float64Array;
    /** Nets with M_j = 0 (dense), or with x_0 = 0 (residual: left out of every other number). */
    readonly dead: Float64Array;
    /** Mean active fraction (dense); NaN for residual nets. */
    readonly activeFraction: Float64Array;
}
export interface Summary {
    readonly nets: number;
    /** Nets that entered the numbers (residual: x_0 ≠ 0). */
    readonly used: number;
    /** Fitted slope of the log10 sample mean, and of the median, against j. */
    readonly slopeMean: number;
    readonly slopeMedian: number;
    /** log10(M_d/M_0) over the live nets at the last layer. */
    readonly lastMean: number;
    readonly lastSd: number;
    readonly deadFraction: number;
}
export declare function layerStats(data: RunData, c: Config): LayerStats;
export declare function summaryOf(data: RunData, stats: LayerStats): Summary;
/** Active units of dense layer j across the nets alive at j − 1, against Binomial(n_j, ½). */
export interface ActiveHistogram {
    readonly width: number;
    /** Nets counted (alive at layer j − 1). */
    readonly nets: number;
    /** counts[a]: nets with a active units, a = 0..n_j. */
    readonly counts: Int32Array;
    /** nets · C(n_j, a)/2^{n_j}. */
    readonly expected: Float64Array;
}
export declare function activeHistogram(data: RunData, c: DenseConfig, j: number): ActiveHistogram;
/** How the page prints a number (its exact value sits beside it in data-value). */
export declare function display(v: number): string;
/** The CSV of the current view: one row per layer, the theory, the nets' numbers and net k's record. */
export declare function viewRows(c: Config, theory: Theory, stats: LayerStats, records: readonly TraceRecord[]): Record<string, number>[];
/** The column order of viewRows for a setting. */
export declare function viewColumns(records: readonly TraceRecord[]): string[];
