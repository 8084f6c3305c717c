// The explorer's settings: what the user typed, as strings (the form's fields and the URL's query
// parameters are the same strings, so a link round-trips exactly), and their validation into a
// checked configuration. Every problem is one line attached to the field that caused it, so the page
// shows it next to that field and the CLI prints it as `error: --field: ...`.

import {
  familyShape, initializerById, INITIALIZERS, MODULE_CONVENTIONS, parseSchedule, scales, WIDTH_FAMILIES,
  type Initializer, type ModuleConvention, type WidthFamily,
} from './engine';

/** The page's limits: beyond them a run would take minutes or exhaust a tab's memory (use the CLI). */
export const LIMITS: Limits = {
  /** Layers d of a dense net, modules L of a residual one. */
  depth: 1000,
  /** Any single width. */
  width: 4096,
  nets: 10000,
  /** Weights drawn over the whole run, nets × Σ n_j n_{j−1}: about 10 s per 1e9 in wasm. */
  draws: 4e9,
  /** Weights of one net, which live in wasm memory (8 bytes each). */
  params: 1 << 24,
  /** Net × layer values kept for the fan and the histograms (12 bytes each). */
  cells: 2e6,
  hint: ' (node explorer/cli.js takes more)',
};

/** The CLI's limits: what one process's wasm memory (4 GiB; a net's weights take 8 bytes each, 512 MiB at most here) holds with room to spare. */
export const CLI_LIMITS: Limits = { depth: 1e6, width: 1e6, nets: 1e7, draws: Infinity, params: 1 << 26, cells: 1e8, hint: '' };

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
export const KEYS = [
  'mode', 'profile', 'width', 'ratio', 'depth', 'widths', 'n0', 'bias', 'bvar',
  'n', 'modules', 'hidden', 'conv', 'eta',
  'init', 'law', 'gain', 'nets', 'seed', 'input', 'image', 'backend', 'net', 'layer',
] as const;
export type Key = (typeof KEYS)[number];
export type Settings = Record<Key, string>;

export const DEFAULTS: Readonly<Settings> = {
  mode: 'dense', profile: 'constant', width: '100', ratio: '4', depth: '100', widths: '100,50,100', n0: '100', bias: 'zero', bvar: '0',
  n: '32', modules: '50', hidden: '32', conv: 'linear', eta: 'inv',
  init: 'he_normal', law: 'uniform', gain: '1', nets: '1000', seed: '1', input: 'unit', image: '0', backend: 'wasm', net: '0', layer: '0',
};

/** One line per setting: the page's labels and the CLI's --help. */
export const HELP: Readonly<Record<Key, string>> = {
  mode: 'dense ReLU net, or residual net (projection, L modules)',
  profile: 'hidden widths: a profile (constant, increasing, decreasing, alternating, bottleneck) or an explicit list',
  width: 'narrowest hidden width n of the profile',
  ratio: 'widest/narrowest width ρ of a non-constant profile',
  depth: 'number of ReLU layers d',
  widths: 'explicit hidden widths n_1,...,n_d',
  n0: 'input width n_0 (a random unit vector)',
  bias: 'bias law at init (zero, normal, uniform)',
  bvar: 'bias variance σ_b²',
  n: 'residual stream width n',
  modules: 'number of residual modules L',
  hidden: "hidden widths of each module, or 'none' for one n → n layer",
  conv: 'module convention: linear (last layer linear) or relu (ReLU after the module)',
  eta: 'scale schedule η_ℓ: const:c, inv, inv2, geom:b, invL, invsqrtL, list:a,b,...',
  init: "weight initializer id (lib/nn/init.ts), or 'symmetric' for the generic law with a gain",
  law: 'law of the generic initializer (normal, uniform, truncated_normal, rademacher)',
  gain: 'gain g of the generic initializer: variance g·2/fan-in',
  nets: 'number of independently drawn nets N',
  seed: 'seed: net k draws from the stream of seed + k',
  input: 'input: a random unit vector per net, or one MNIST test image',
  image: 'MNIST test image index (0..9999)',
  backend: 'kernel backend (wasm, reference)',
  net: 'the net whose records are shown (0-based)',
  layer: 'the selected layer or module (0: the last)',
};

export const MODES = ['dense', 'residual'] as const;
export const PROFILES = [...WIDTH_FAMILIES, 'explicit'] as const;
export const BIAS_LAWS = ['zero', 'normal', 'uniform'] as const;
export const LAWS = ['normal', 'uniform', 'truncated_normal', 'rademacher'] as const;
export const INPUTS = ['unit', 'mnist'] as const;
export const BACKENDS = ['wasm', 'reference'] as const;
/** The init select's choices: every id of lib/nn/init.ts's table, and the generic law with a gain. */
export const INIT_CHOICES: readonly string[] = [...INITIALIZERS.map((i) => i.id), 'symmetric'];
export const MNIST_TEST_COUNT = 10000;
export const MNIST_FEATURES = 784;

/**
 * The keys that matter for a setting, in URL order: the mode's own, the profile's, the init's and the
 * input's. The URL and the CLI command carry only these, so equal views have equal links.
 */
export function relevantKeys(s: Settings): Key[] {
  const skip = new Set<Key>(s.mode === 'residual'
    ? ['profile', 'width', 'ratio', 'depth', 'widths', 'n0', 'bias', 'bvar']
    : ['n', 'modules', 'hidden', 'conv', 'eta']);
  if (s.mode !== 'residual') {
    if (s.profile === 'explicit') { skip.add('width'); skip.add('ratio'); skip.add('depth'); } else skip.add('widths');
    if (s.profile === 'constant') skip.add('ratio');
    if (s.bias === 'zero') skip.add('bvar');
  }
  if (s.input === 'mnist') skip.add('n0'); else skip.add('image');
  if (s.init !== 'symmetric') { skip.add('law'); skip.add('gain'); }
  return KEYS.filter((k) => !skip.has(k));
}

/** The query string of a setting (its relevant keys only). */
export function toQuery(s: Settings): string {
  const q = new URLSearchParams();
  for (const k of relevantKeys(s)) q.set(k, s[k]);
  return q.toString();
}

/**
 * Settings from a query string; missing keys take their defaults, unknown keys are ignored. A CLI id
 * symmetric_<law>_g<gain> is split into the form's init/law/gain fields.
 */
export function fromQuery(query: string): Settings {
  const q = new URLSearchParams(query);
  const s: Settings = { ...DEFAULTS };
  for (const k of KEYS) {
    const v = q.get(k);
    if (v !== null) s[k] = v;
  }
  const sym = /^symmetric_(normal|uniform|truncated_normal|rademacher)_g(.+)$/.exec(s.init);
  if (sym) { s.init = 'symmetric'; s.law = sym[1]; s.gain = sym[2]; }
  return s;
}

export interface Problem {
  readonly key: Key;
  readonly message: string;
}

export type InputSpec = { readonly kind: 'unit' } | { readonly kind: 'mnist'; readonly index: number };

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
  readonly bias: { readonly law: (typeof BIAS_LAWS)[number]; readonly variance: number };
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

export type Resolved = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: Problem[] };

/** A strict decimal integer in [min, max]; returns a message otherwise, with `hint` when above max. */
function intIn(text: string, min: number, max: number, what: string, hint = ''): number | string {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return `${what} must be an integer, got '${text}'`;
  const v = Number(t);
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    const range = max >= Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`;
    return `${what} must be an integer ${range}, got ${t}${v > max ? hint : ''}`;
  }
  return v;
}

function numberAtLeast(text: string, min: number, what: string): number | string {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return `${what} must be a number, got '${text}'`;
  const v = Number(t);
  if (!Number.isFinite(v) || v < min) return `${what} must be a finite number ≥ ${min}, got ${t}`;
  return v;
}

/** Comma list of widths 1..max; 'none' gives [] when allowed. */
function widthList(text: string, what: string, allowNone: boolean, max: number, hint: string): number[] | string {
  const t = text.trim();
  if (allowNone && t === 'none') return [];
  const parts = t.split(',').map((p) => p.trim());
  if (t === '' || parts.some((p) => p === '')) return `${what} needs widths separated by commas${allowNone ? " (or 'none')" : ''}, got '${text}'`;
  const out: number[] = [];
  for (const p of parts) {
    const v = intIn(p, 1, max, `${what}: a width`, hint);
    if (typeof v === 'string') return v;
    out.push(v);
  }
  return out;
}

/** Validates every field the mode uses; all problems at once, each on its field. */
export function resolve(s: Settings, limits: Limits = LIMITS): Resolved {
  const problems: Problem[] = [];
  const take = <T>(key: Key, v: T | string): T | undefined => {
    if (typeof v === 'string') { problems.push({ key, message: v }); return undefined; }
    return v;
  };
  const oneOf = <V extends string>(key: Key, values: readonly V[]): V | undefined => {
    if ((values as readonly string[]).includes(s[key])) return s[key] as V;
    problems.push({ key, message: `${key} must be one of ${values.join(', ')}, got '${s[key]}'` });
    return undefined;
  };

  const mode = oneOf('mode', MODES);
  const inputKind = oneOf('input', INPUTS);
  const backend = oneOf('backend', BACKENDS);
  const nets = take('nets', intIn(s.nets, 1, limits.nets, 'the number of nets', limits.hint));
  // Net k draws from seed + k (= `trace.js --seed seed+k`), and seeds stay below 2^53.
  const seed = take('seed', intIn(s.seed, 0, Number.MAX_SAFE_INTEGER - limits.nets, 'the seed'));
  const image = inputKind === 'mnist' ? take('image', intIn(s.image, 0, MNIST_TEST_COUNT - 1, 'the MNIST test image index')) : 0;

  let initId: string | undefined, init: Initializer | undefined;
  if (s.init === 'symmetric') {
    const law = oneOf('law', LAWS);
    const g = take('gain', numberAtLeast(s.gain, 0, 'the gain'));
    if (g === 0) problems.push({ key: 'gain', message: 'the gain must be > 0, got 0' });
    else if (law !== undefined && g !== undefined) initId = `symmetric_${law}_g${g}`;
  } else {
    initId = s.init;
  }
  if (initId !== undefined) {
    try { init = initializerById(initId); } catch (err) { problems.push({ key: s.init === 'symmetric' ? 'gain' : 'init', message: (err as Error).message }); }
  }

  let depth: number | undefined;
  let dense: Omit<DenseConfig, keyof CommonConfig> | undefined;
  let residual: Omit<ResidualConfig, keyof CommonConfig> | undefined;
  if (mode === 'dense') {
    const profile = oneOf('profile', PROFILES);
    let hidden: number[] | undefined;
    if (profile === 'explicit') {
      hidden = take('widths', widthList(s.widths, 'the widths', false, limits.width, limits.hint));
      if (hidden !== undefined && hidden.length > limits.depth) {
        problems.push({ key: 'widths', message: `at most ${limits.depth} layers, got ${hidden.length} widths${limits.hint}` });
        hidden = undefined;
      }
    } else if (profile !== undefined) {
      const d = take('depth', intIn(s.depth, 1, limits.depth, 'the depth', limits.hint));
      const n = take('width', intIn(s.width, 1, limits.width, 'the width', limits.hint));
      const ratio = profile === 'constant' ? 1 : take('ratio', numberAtLeast(s.ratio, 1, 'the width ratio ρ'));
      if (d !== undefined && n !== undefined && ratio !== undefined) {
        // The narrowest layer has width n, the widest n·ρ (rounded), as in the FM2 profiles.
        hidden = familyShape(profile, d, ratio).map((f) => Math.max(1, Math.round(n * f)));
        const widest = Math.max(...hidden);
        if (widest > limits.width) { problems.push({ key: 'ratio', message: `the widest layer would be ${widest}, above the limit ${limits.width}${limits.hint}` }); hidden = undefined; }
      }
    }
    const n0 = inputKind === 'mnist' ? MNIST_FEATURES : take('n0', intIn(s.n0, 1, limits.width, 'the input width n_0', limits.hint));
    const biasLaw = oneOf('bias', BIAS_LAWS);
    const bvar = biasLaw === 'zero' ? 0 : take('bvar', numberAtLeast(s.bvar, 0, 'the bias variance σ_b²'));
    if (hidden !== undefined && n0 !== undefined && profile !== undefined && biasLaw !== undefined && bvar !== undefined) {
      depth = hidden.length;
      dense = { mode: 'dense', widths: [n0, ...hidden], profile, bias: { law: biasLaw, variance: bvar } };
    }
  } else if (mode === 'residual') {
    const n = take('n', intIn(s.n, 1, limits.width, 'the stream width n', limits.hint));
    const L = take('modules', intIn(s.modules, 1, limits.depth, 'the number of modules L', limits.hint));
    const hidden = take('hidden', widthList(s.hidden, 'the module hidden widths', true, limits.width, limits.hint));
    const convention = oneOf('conv', MODULE_CONVENTIONS);
    let schedule: string | undefined, etas: Float64Array | undefined;
    try {
      const sch = parseSchedule(s.eta);
      schedule = sch.text;
      if (L !== undefined) etas = scales(sch, L);
    } catch (err) { problems.push({ key: 'eta', message: (err as Error).message }); }
    if (n !== undefined && L !== undefined && hidden !== undefined && convention !== undefined && schedule !== undefined && etas !== undefined) {
      depth = L;
      residual = {
        mode: 'residual', width: n, inputWidth: inputKind === 'mnist' ? MNIST_FEATURES : n, hidden, convention, schedule, etas,
      };
    }
  }

  const net = take('net', intIn(s.net, 0, Math.max(0, (nets ?? 1) - 1), 'the selected net'));
  const layer = take('layer', intIn(s.layer, 0, depth ?? limits.depth, 'the selected layer (0: the last)'));
  if (problems.length > 0 || initId === undefined || init === undefined || nets === undefined || seed === undefined
    || backend === undefined || net === undefined || layer === undefined || depth === undefined || image === undefined
    || inputKind === undefined) {
    return { ok: false, problems };
  }
  const common: CommonConfig = {
    initId, init, nets, seed, backend, net, depth, layer: layer === 0 ? depth : layer,
    input: inputKind === 'mnist' ? { kind: 'mnist', index: image } : { kind: 'unit' },
  };
  const config: Config = dense !== undefined ? { ...common, ...dense } : { ...common, ...residual! };
  const params = weightCount(config);
  if (params > limits.params) {
    return { ok: false, problems: [{ key: sizeKey(config), message: `one net has ${params} weights, above the limit ${limits.params}${limits.hint}` }] };
  }
  if (params * nets > limits.draws) {
    return { ok: false, problems: [{ key: 'nets', message: `${nets} nets draw ${(params * nets).toExponential(2)} weights, above the limit ${limits.draws.toExponential(0)}: take fewer nets${limits.hint}` }] };
  }
  if (nets * depth > limits.cells) {
    return { ok: false, problems: [{ key: 'nets', message: `${nets} nets × ${depth} layers keep ${nets * depth} values, above the limit ${limits.cells.toExponential(0)}: take fewer nets${limits.hint}` }] };
  }
  return { ok: true, config };
}

function sizeKey(c: Config): Key {
  return c.mode === 'residual' ? 'n' : c.profile === 'explicit' ? 'widths' : 'width';
}

/** Weights of one net (what initialize() draws). */
export function weightCount(c: Config): number {
  if (c.mode === 'dense') {
    let p = 0;
    for (let j = 1; j < c.widths.length; j++) p += c.widths[j] * (c.widths[j - 1] + 1);
    return p;
  }
  const mw = [c.width, ...c.hidden, c.width];
  let perModule = 0;
  for (let i = 1; i < mw.length; i++) perModule += mw[i] * mw[i - 1];
  return c.width * c.inputWidth + c.depth * perModule + 10 * c.width;
}

/** Net k's seed: net k of the page is `trace.js --seed <seed + k>`. */
export function netSeed(c: Config, k: number): number {
  return c.seed + k;
}
