// The one command-line framework of every script (figures, train, trace, bench), on node's util.parseArgs.
//
// A script declares a table of typed flags; parseCli turns argv into a typed object. An experiment
// (the default kind) also gets the flags every experiment shares (--preset, --out, --seed, --workers,
// --resume, --shard); a tool (train.js, trace.js, bench/) gets --help only and declares the rest.
// Anything the user got wrong becomes a UsageError with a one-line message that names the
// flag, and main() turns that into `error: <message>` on stderr and exit code 2. Any other error is
// a bug: stack trace, exit code 1.

import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { isUsageError, UsageError } from '../errors';
import type { Shard } from '../run/runlog';

export { isUsageError, UsageError, type Shard };

/** One flag: how to parse its text, its help line and its default. T is the parsed type. */
export interface Flag<T> {
  readonly help: string;
  /** Shown in --help after the flag name, e.g. "LIST"; absent for boolean switches. */
  readonly metavar?: string;
  readonly default?: T;
  /** Parses the flag's text; `name` is "--depths", for error messages. Boolean flags never call it. */
  readonly parse: (text: string, name: string) => T;
  readonly boolean?: true;
  /** How --help shows a value (default: lists joined by commas, the rest by String). */
  format?(value: T): string;
  /** The values of --part this flag serves; given with another part, it is refused as having no effect. */
  readonly parts?: readonly string[];
}

export type FlagTable = Record<string, Flag<unknown>>;
export type FlagValues<F extends FlagTable> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** The flags every experiment script has. */
export interface CommonValues {
  preset: string;
  out: string;
  seed: number;
  workers: number;
  resume: boolean;
  /** This process's share of the cells: cells with index % count === index − 1 (index is 1-based). */
  shard: Shard | null;
  /** Print the cells, estimated core-hours and peak memory, and exit without running. */
  plan: boolean;
}


/** 'experiment': a script that runs cells into a results folder; 'tool': a one-shot script. */
export type CliKind = 'experiment' | 'tool';

export interface CliSpec<F extends FlagTable, K extends CliKind = 'experiment'> {
  /** Script name for usage text, e.g. "fig1". Also the default output folder, results/<name>. */
  readonly name: string;
  readonly summary: string;
  /** Default 'experiment'. */
  readonly kind?: K;
  /** Lines printed after the flags in --help (examples, notes). */
  readonly epilog?: string;
  readonly flags: F;
  /**
   * Named sets of defaults, e.g. {quick: {...}, paper: {...}}. A preset value replaces the flag's
   * own default; a flag the user gives replaces both.
   */
  readonly presets?: Record<string, Partial<FlagValues<F>>>;
  /** The preset used when --preset is not given; the first one if absent. */
  readonly defaultPreset?: string;
  /**
   * Arguments that are not flags (merge.js's folders), returned as `positionals`; without this, any
   * is an error. `min`: how many are needed.
   */
  readonly positionals?: { readonly metavar: string; readonly help: string; readonly min?: number };
}

/** Identity, for type inference: preset values are checked against the flags' parsed types. */
export function defineCli<F extends FlagTable, K extends CliKind = 'experiment'>(spec: CliSpec<F, K>): CliSpec<F, K> {
  // --help and REPORT.md print every default; an object (or a list of them) without a format would
  // print as "[object Object]", or, read back from a run record, lose its class's toString.
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const [key, f] of Object.entries(spec.flags)) {
    const values = [f.default, ...Object.values(spec.presets ?? {}).map((p) => (p as Record<string, unknown>)[key])];
    if (f.format === undefined && values.some((v) => isObject(v) || (Array.isArray(v) && v.some(isObject)))) {
      throw new Error(`${spec.name}: flag --${key} has an object default but no format for --help`);
    }
  }
  return spec;
}

const TWO53 = 9007199254740992;
/** The largest sum of a set of integers (depths, module counts): a million layers over all cells. */
const MAX_LIST_SUM = 1_000_000;

function need(cond: boolean, name: string, text: string, what: string): void {
  if (!cond) throw new UsageError(`${name} expects ${what}, got '${text}'`);
}

/** A strict decimal integer: no "1e3", "0x10", "1.0" or blanks, which Number() would accept. */
function parseIntText(text: string, name: string, min: number, max: number): number {
  const t = text.trim();
  need(/^[+-]?\d+$/.test(t), name, text, 'an integer');
  const v = Number(t);
  need(Number.isSafeInteger(v) && v >= min && v <= max, name, text, `an integer ${rangeText(min, max)}`);
  return v;
}

function rangeText(min: number, max: number): string {
  const lo = min > Number.MIN_SAFE_INTEGER && min > -Infinity, hi = max < Number.MAX_SAFE_INTEGER && max < Infinity;
  return lo && hi ? `in ${min}..${max}` : lo ? `≥ ${min}` : hi ? `≤ ${max}` : '';
}

function parseFloatText(text: string, name: string): number {
  const t = text.trim();
  // Number('') is 0 and Number('0x1') is 1: insist on a decimal float literal.
  need(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t), name, text, 'a number');
  const v = Number(t);
  need(Number.isFinite(v), name, text, 'a finite number');
  return v;
}

function splitList(text: string, name: string): string[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.every((s) => s === '')) throw new UsageError(`${name} needs a non-empty list`);
  // '4,,8' is a slip (a value left out), not the list 4,8: say so rather than guess.
  if (parts.includes('')) throw new UsageError(`${name}: empty item in the list '${text}'`);
  return parts;
}

/** Parses "10,20,30", ranges "10:100:10" (start:stop:step, stop included) and mixtures of both. */
export function parseIntList(text: string, name: string, min = 1, max = Number.MAX_SAFE_INTEGER): number[] {
  const out: number[] = [];
  for (const part of splitList(text, name)) {
    const r = part.split(':');
    if (r.length === 1) {
      out.push(parseIntText(part, name, min, max));
    } else if (r.length === 3) {
      const [a, b, s] = r.map((x) => parseIntText(x, name, min, max));
      if (b < a) throw new UsageError(`${name}: range '${part}' has stop < start`);
      // Guards a typo like 1:1000000000:1 from allocating without bound.
      if ((b - a) / s > 1e6) throw new UsageError(`${name}: range '${part}' has more than a million values`);
      for (let v = a; v <= b; v += s) out.push(v);
    } else {
      throw new UsageError(`${name} expects integers or ranges start:stop:step, got '${part}'`);
    }
  }
  return out;
}

export function parseFloatList(text: string, name: string): number[] {
  return splitList(text, name).map((p) => parseFloatText(p, name));
}

/**
 * The one rule for repeated values in every list flag that names a set (depths, β values, channel
 * counts, initializers): a repeat, also one made by overlapping ranges, is an error, never dropped.
 * Lists that are sequences (the widths n_0..n_d of one net) repeat freely.
 */
export function noRepeats<T>(values: readonly T[], name: string): T[] {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) throw new UsageError(`${name} lists ${String(v)} twice`);
    seen.add(v);
  }
  return [...values];
}

/** Parses "i/N" with 1 ≤ i ≤ N. */
export function parseShard(text: string, name = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`${name} expects i/N (e.g. 2/4), got '${text}'`);
  const index = Number(m[1]), count = Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new UsageError(`${name} expects i/N with 1 ≤ i ≤ N, got '${text}'`);
  }
  return { index, count };
}

// Typed flag constructors. `opts.default` is the flag's own default; presets may override it.

export function intFlag(help: string, opts: { default?: number; min?: number; max?: number } = {}): Flag<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER, max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return { help, metavar: 'N', default: opts.default, parse: (t, n) => parseIntText(t, n, min, max) };
}

/** A finite number in [min, max]; `above` excludes its bound (a learning rate > 0). */
export function floatFlag(help: string, opts: { default?: number; min?: number; max?: number; above?: number } = {}): Flag<number> {
  const min = opts.min ?? -Infinity, max = opts.max ?? Infinity;
  return {
    help, metavar: 'X', default: opts.default,
    parse: (t, n) => {
      const v = parseFloatText(t, n);
      need(v >= min && v <= max, n, t, `a number ${rangeText(min, max)}`);
      if (opts.above !== undefined) need(v > opts.above, n, t, `a number > ${opts.above}`);
      return v;
    },
  };
}

/**
 * Positive integers (or ≥ opts.min): "10,20,30", "10:100:10", "5,10:30:10". A set: a repeated value
 * is an error (noRepeats) unless opts.sequence (the widths of one net).
 */
export function intListFlag(help: string, opts: { default?: number[]; min?: number; max?: number; sequence?: boolean } = {}): Flag<number[]> {
  return {
    help, metavar: 'LIST', default: opts.default,
    parse: (t, n) => {
      const v = parseIntList(t, n, opts.min ?? 1, opts.max);
      if (opts.sequence) return v;
      // Depths and module counts size arrays while the cells are built, before any estimate: bound their sum.
      if (v.reduce((s, x) => s + x, 0) > MAX_LIST_SUM) throw new UsageError(`${n}: the values add up to more than ${MAX_LIST_SUM.toLocaleString('en-US')}; no run can use that many`);
      return noRepeats(v, n);
    },
  };
}

/** A set of numbers: a repeated value is an error. */
export function floatListFlag(help: string, opts: { default?: number[] } = {}): Flag<number[]> {
  return { help, metavar: 'LIST', default: opts.default, parse: (t, n) => noRepeats(parseFloatList(t, n), n) };
}

/** A comma list of names, each one of `values`, none twice; `noun` names one in errors (default 'value'). */
export function enumListFlag<const V extends string>(values: readonly V[], help: string, opts: { default?: V[]; noun?: string } = {}): Flag<V[]> {
  return {
    help: `${help} (${values.join(',')})`,
    metavar: 'LIST',
    default: opts.default,
    parse: (t, n) => {
      const names = splitList(t, n);
      for (const x of names) if (!(values as readonly string[]).includes(x)) throw new UsageError(`${n}: unknown ${opts.noun ?? 'value'} '${x}' (known: ${values.join(', ')})`);
      return noRepeats(names as V[], n);
    },
  };
}

/** A flag that serves only some values of --part (see Flag.parts). */
export function forPart<T>(parts: readonly string[], flag: Flag<T>): Flag<T> {
  return { ...flag, parts };
}

/** Every flag of a table serves only some values of --part. */
export function forParts<F extends FlagTable>(parts: readonly string[], flags: F): F {
  return Object.fromEntries(Object.entries(flags).map(([k, f]) => [k, forPart(parts, f)])) as F;
}

export function enumFlag<const V extends string>(values: readonly V[], help: string, opts: { default?: V } = {}): Flag<V> {
  return {
    help: `${help} (${values.join('|')})`,
    metavar: 'NAME',
    default: opts.default,
    parse: (t, n) => {
      if (!(values as readonly string[]).includes(t)) throw new UsageError(`${n} expects one of ${values.join('|')}, got '${t}'`);
      return t as V;
    },
  };
}

/** --part of a script with these parts: one of them, or 'all' (the default). */
export function partFlag<const P extends string>(parts: readonly P[], help = 'which part to run'): Flag<P | 'all'> {
  return enumFlag([...parts, 'all'], help, { default: 'all' });
}

/** Whether a --part value runs part `p`. */
export function runsPart(part: string, p: string): boolean {
  return part === p || part === 'all';
}

export function stringFlag(help: string, opts: { default?: string; metavar?: string } = {}): Flag<string> {
  return {
    help, metavar: opts.metavar ?? 'TEXT', default: opts.default,
    parse: (t, n) => {
      if (t === '') throw new UsageError(`${n} needs a non-empty value`);
      return t;
    },
  };
}

/** A switch: present means true. Defaults to false. */
export function boolFlag(help: string): Flag<boolean> {
  return { help, default: false, boolean: true, parse: () => true };
}

/** The master seed flag (every experiment has it; a tool declares it with its own default). */
export function seedFlag(def = 0): Flag<number> {
  return intFlag('master seed, an integer in 0..2^53−1', { default: def, min: 0, max: TWO53 - 1 });
}

function commonFlags(spec: CliSpec<FlagTable, CliKind>): FlagTable {
  if (spec.kind === 'tool') return { help: boolFlag('print this help and exit') };
  return experimentFlags(spec.name, Object.keys(spec.presets ?? {}), spec.defaultPreset);
}

function experimentFlags(name: string, presets: readonly string[], defaultPreset: string | undefined) {
  return {
    preset: enumFlag(presets.length > 0 ? presets : ['none'], 'sizes to run; explicit flags override it', { default: defaultPreset ?? presets[0] ?? 'none' }),
    out: stringFlag('output folder', { default: `results/${name}`, metavar: 'DIR' }),
    seed: seedFlag(),
    workers: intFlag('worker threads (1 runs inline, for debuggers)', { default: os.availableParallelism(), min: 1, max: 1024 }),
    resume: boolFlag('skip cells already finished in the output folder\'s log (the flags must be the ones it was run with)'),
    plan: boolFlag('print the cells, estimated core-hours and peak memory, then exit without running anything'),
    shard: { help: 'run only share i of N of the cells (1-based)', metavar: 'i/N', default: null, parse: (t: string, n: string) => parseShard(t, n) } as Flag<Shard | null>,
    help: boolFlag('print this help and exit'),
  };
}

/** Usage text generated from the flag table, with each flag's default (per preset where they differ). */
export function usage<F extends FlagTable, K extends CliKind>(spec: CliSpec<F, K>): string {
  const presetNames = Object.keys(spec.presets ?? {});
  const all: FlagTable = { ...spec.flags, ...commonFlags(spec as CliSpec<FlagTable, CliKind>) };
  const rows = Object.entries(all).map(([key, f]) => {
    const left = `  --${key}${f.metavar ? ` ${f.metavar}` : ''}`;
    const defs: string[] = [];
    const fmt = (v: unknown) => showFlag(f, v);
    if (!f.boolean && f.default !== undefined && f.default !== null && f.default !== '') defs.push(`default ${fmt(f.default)}`);
    for (const p of presetNames) {
      const v = (spec.presets![p] as Record<string, unknown>)[key];
      if (v !== undefined) defs.push(`${p}: ${fmt(v)}`);
    }
    return [left, f.help + (defs.length ? ` [${defs.join('; ')}]` : '')];
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  const pos = spec.positionals;
  const head = `usage: ${spec.name} [flags]${pos ? ` ${pos.metavar}` : ''}\n${spec.summary}\n${pos ? `\n${pos.metavar}: ${pos.help}\n` : ''}`;
  return `${head}\nflags:\n${rows.map(([l, r]) => l.padEnd(w) + r).join('\n')}\n${spec.epilog ? `\n${spec.epilog.trimEnd()}\n` : ''}`;
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * A flag's value as --help and REPORT.md print it: through the flag's own format where it has one.
 * `value` may come from a run record (untrusted): one the format cannot read prints as JSON.
 */
export function showFlag(flag: Flag<unknown> | undefined, value: unknown): string {
  if (flag?.format !== undefined) {
    try { return flag.format(value); } catch { return JSON.stringify(value); }
  }
  // Without a format: lists of plain values joined, any other object as JSON (a record's key no flag has).
  const plain = (v: unknown) => typeof v !== 'object' || v === null;
  return plain(value) || (Array.isArray(value) && value.every(plain)) ? show(value) : JSON.stringify(value);
}

export type ParsedCli<F extends FlagTable, K extends CliKind = 'experiment'> = FlagValues<F> & (K extends 'tool' ? unknown : CommonValues)
  & { readonly positionals: readonly string[] };

/**
 * Parses argv (without node and script) against the table. Returns null after printing usage when
 * --help is given. Precedence: explicit flag > preset value > the flag's own default. A flag with
 * none of these is required.
 */
export function parseCli<F extends FlagTable, K extends CliKind = 'experiment'>(spec: CliSpec<F, K>, argv: readonly string[], stdout: NodeJS.WritableStream = process.stdout): ParsedCli<F, K> | null {
  const presetNames = Object.keys(spec.presets ?? {});
  if (spec.defaultPreset !== undefined && !presetNames.includes(spec.defaultPreset)) {
    throw new Error(`defaultPreset '${spec.defaultPreset}' is not among the presets`);
  }
  const common = commonFlags(spec as CliSpec<FlagTable, CliKind>);
  for (const k of Object.keys(spec.flags)) if (k in common) throw new Error(`flag --${k} clashes with a common flag`);
  const table: FlagTable = { ...spec.flags, ...common };

  // strict: false so that we, not parseArgs, word the errors (one line, naming the flag).
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.entries(table).map(([k, f]) => [k, { type: f.boolean ? 'boolean' : 'string' }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const given = new Map<string, unknown>();
  const positionals: string[] = [];
  for (const tok of tokens) {
    if (tok.kind === 'positional') {
      if (!spec.positionals) throw new UsageError(`unexpected argument '${tok.value}' (flags look like --name value)`);
      positionals.push(tok.value);
      continue;
    }
    if (tok.kind !== 'option') continue;
    const flag = Object.hasOwn(table, tok.name) ? table[tok.name] : undefined;
    if (!flag) throw new UsageError(`unknown flag ${tok.rawName} (see --help)`);
    const name = `--${tok.name}`;
    if (flag.boolean) {
      if (tok.value !== undefined) throw new UsageError(`${name} takes no value`);
      given.set(tok.name, true);
    } else {
      // parseArgs would take the next flag as this one's value ("--depths --seed 3"); refuse that.
      if (tok.value === undefined || (!tok.inlineValue && tok.value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
      given.set(tok.name, flag.parse(tok.value, name));
    }
  }

  if (given.get('help') === true) {
    stdout.write(usage(spec));
    return null;
  }
  if (spec.positionals && positionals.length < (spec.positionals.min ?? 0)) {
    throw new UsageError(`needs at least ${spec.positionals.min} ${spec.positionals.metavar} (see --help)`);
  }
  const preset = (given.get('preset') as string | undefined) ?? (common.preset?.default as string | undefined) ?? 'none';
  const presetValues = (spec.presets?.[preset] ?? {}) as Record<string, unknown>;

  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(table)) {
    if (k === 'help') continue;
    // has(), not ||: a user's 0 or empty string is a value, never replaced by a default.
    const v = given.has(k) ? given.get(k) : presetValues[k] !== undefined ? presetValues[k] : f.default;
    if (v === undefined) throw new UsageError(`--${k} is required${presetNames.length ? ' (or choose a --preset that sets it)' : ''}`);
    out[k] = v;
  }
  if (spec.kind !== 'tool') out.preset = preset;
  // A flag given for a part that is not run would be silently ignored: say so instead.
  const part = out.part;
  if (typeof part === 'string' && part !== 'all') {
    for (const k of given.keys()) {
      const parts = table[k].parts;
      if (parts !== undefined && !parts.includes(part)) throw new UsageError(`--${k} has no effect with --part ${part} (it sets part ${parts.join('/')})`);
    }
  }
  out.positionals = positionals;
  return out as ParsedCli<F, K>;
}

/** Ends the script with this exit code and no message of its own (a child already printed its error). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitCode';
  }
}

/**
 * Runs a script's body and maps failures to exit codes: UsageError → `error: <message>`, exit 2;
 * Interrupted (Ctrl-C/kill during a run) → its message, exit 130; anything else is a bug → stack
 * trace, exit 1. Exit 0 when fn resolves.
 */
export function main(fn: () => Promise<void> | void): void {
  Promise.resolve()
    .then(fn)
    .then(
      () => { process.exitCode = 0; },
      (err: unknown) => {
        if (err instanceof ExitCode) process.exit(err.code);
        if (isUsageError(err)) {
          process.stderr.write(`error: ${err.message}\n`);
          process.exit(2);
        }
        if (err instanceof Error && err.name === 'Interrupted') {
          // A run stopped by Ctrl-C or kill (see runner.ts): the message says how to resume.
          process.stderr.write(`${err.message}\n`);
          process.exit(130);
        }
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        // exit() rather than exitCode: a worker pool or timer left by the failure must not keep us alive.
        process.exit(1);
      },
    );
}
