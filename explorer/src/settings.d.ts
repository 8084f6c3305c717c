import { type Initializer, type ModuleConvention, type WidthFamily } from './engine';
/** The page's limits: beyond them a run would take minutes or exhaust a tab's memory (use the CLI). */
export declare const LIMITS: Limits;
/** The CLI's limits: only what one process's wasm memory (1 GiB, 8-byte weights) allows. */
export declare const CLI_LIMITS: Limits;
export interface Limits {
    readonly depth: number;
    readonly width: number;
    readonly nets: number;
    readonly draws: number;
    readonly params: number;
    readonly cells: number;
    /** Appended to a limit's message: where to go instead. */
    readonly hint: string;
}
/** Every setting, in URL order. Values are the raw strings; defaults below. */
export declare const KEYS: readonly ["mode", "profile", "width", "ratio", "depth", "widths", "n0", "bias", "bvar", "n", "modules", "hidden", "conv", "eta", "init", "law", "gain", "nets", "seed", "input", "image", "backend", "net", "layer"];
export type Key = (typeof KEYS)[number];
export type Settings = Record<Key, string>;
export declare const DEFAULTS: Readonly<Settings>;
/** One line per setting: the page's labels and the CLI's --help. */
export declare const HELP: Readonly<Record<Key, string>>;
export declare const MODES: readonly ["dense", "residual"];
export declare const PROFILES: readonly ["constant", "increasing", "decreasing", "alternating", "bottleneck", "explicit"];
export declare const BIAS_LAWS: readonly ["zero", "normal", "uniform"];
export declare const LAWS: readonly ["normal", "uniform", "truncated_normal", "rademacher"];
export declare const INPUTS: readonly ["unit", "mnist"];
export declare const BACKENDS: readonly ["wasm", "reference"];
/** The init select's choices: every id of lib/nn/init.ts's table, and the generic law with a gain. */
export declare const INIT_CHOICES: readonly string[];
export declare const MNIST_TEST_COUNT = 10000;
export declare const MNIST_FEATURES = 784;
/**
 * The keys that matter for a setting, in URL order: the mode's own, the profile's, the init's and the
 * input's. The URL and the CLI command carry only these, so equal views have equal links.
 */
export declare function relevantKeys(s: Settings): Key[];
/** The query string of a setting (its relevant keys only). */
export declare function toQuery(s: Settings): string;
/**
 * Settings from a query string; missing keys take their defaults, unknown keys are ignored. A CLI id
 * symmetric_<law>_g<gain> is split into the form's init/law/gain fields.
 */
export declare function fromQuery(query: string): Settings;
export interface Problem {
    readonly key: Key;
    readonly message: string;
}
export type InputSpec = {
    readonly kind: 'unit';
} | {
    readonly kind: 'mnist';
    readonly index: number;
};
interface CommonConfig {
    readonly initId: string;
    readonly init: Initializer;
    readonly nets: number;
    readonly seed: number;
    readonly input: InputSpec;
    readonly backend: (typeof BACKENDS)[number];
    /** The net whose records the page shows (0-based). */
    readonly net: number;
    /** The selected layer or module, 1..depth. */
    readonly layer: number;
    /** d (dense) or L (residual). */
    readonly depth: number;
}
export interface DenseConfig extends CommonConfig {
    readonly mode: 'dense';
    /** n_0..n_d. */
    readonly widths: readonly number[];
    readonly profile: WidthFamily | 'explicit';
    readonly bias: {
        readonly law: (typeof BIAS_LAWS)[number];
        readonly variance: number;
    };
}
export interface ResidualConfig extends CommonConfig {
    readonly mode: 'residual';
    /** The stream width n. */
    readonly width: number;
    /** n (unit input) or 784 (MNIST). */
    readonly inputWidth: number;
    /** Hidden widths of every module ([] for one n → n layer). */
    readonly hidden: readonly number[];
    readonly convention: ModuleConvention;
    /** The canonical schedule text and its η_1..η_L. */
    readonly schedule: string;
    readonly etas: Float64Array;
}
export type Config = DenseConfig | ResidualConfig;
export type Resolved = {
    readonly ok: true;
    readonly config: Config;
} | {
    readonly ok: false;
    readonly problems: Problem[];
};
/** Validates every field the mode uses; all problems at once, each on its field. */
export declare function resolve(s: Settings, limits?: Limits): Resolved;
/** Weights of one net (what initialize() draws). */
export declare function weightCount(c: Config): number;
/** Net k's seed: net k of the page is `trace.js --seed <seed + k>`. */
export declare function netSeed(c: Config, k: number): number;
export {};
