// What a figure script was asked to compute, saved beside its logs as <script>.invocation.json, so
// that a later run in the folder (--resume, a rerun) and merge.js can check that they compute the
// same thing. Flags that only say where or how to run (--out, --shard, --workers, --resume, --plan)
// are dropped: they do not change any result.
//
// A results folder is untrusted: a record is data. Its script must be the one its file is named
// after, its argv plain strings without placement flags, and the argv must parse with that script's
// own flag table; anything else is a one-line UsageError naming the file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJson, encodeJson, isOwnFile, writeFileAtomic } from '../out/files';
import { canonicalJson } from '../run/runlog';
import { parseCli, UsageError, type CliSpec, type FlagTable, type ParsedCli } from './cli';

/**
 * The runs of one script whose files a folder holds: one argv per run, each for the parts it ran
 * (fig1 --part a, then --part b with other flags, own different files). Runs of overlapping parts
 * agree on every flag those parts read, or the later run was refused.
 */
export interface Invocation {
  readonly script: string;
  readonly runs: readonly (readonly string[])[];
}

const PLACEMENT_FLAGS = new Set(['--out', '--shard', '--workers']);
const PLACEMENT_SWITCHES = new Set(['--resume', '--plan']);
/** Parsed values that say where or how, not what: never compared. */
const PLACEMENT_KEYS = new Set(['out', 'shard', 'workers', 'resume', 'plan', 'help', 'preset']);
const SUFFIX = '.invocation.json';
/** A record is a few hundred bytes; a bigger file is not one (and is not read into memory). */
const MAX_RECORD_BYTES = 1 << 20;

/** argv without the flags that do not change results (handles `--flag value` and `--flag=value`). */
export function resultArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (PLACEMENT_SWITCHES.has(name)) continue;
    if (PLACEMENT_FLAGS.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

export function invocationFile(dir: string, script: string): string {
  return path.join(dir, `${script}${SUFFIX}`);
}

/** Writes the folder's record: the runs kept, then this one. */
export function recordInvocation(dir: string, script: string, runs: readonly (readonly string[])[]): void {
  const inv: Invocation = { script, runs };
  writeFileAtomic(invocationFile(dir, script), encodeJson(inv, 2) + '\n');
}

/** The scripts whose records a folder holds, by file name (`fig1.invocation.json` → fig1). */
export function recordedScripts(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort().map((f) => f.slice(0, -SUFFIX.length));
}

/** Reads and checks the record of `script` in dir; null when there is none. */
export function readInvocation(dir: string, script: string): Invocation | null {
  const file = invocationFile(dir, script);
  if (!isOwnFile(file)) return null;
  const bad = (why: string) => new UsageError(`${file} is not a ${script} invocation record: ${why}`);
  if (fs.statSync(file).size > MAX_RECORD_BYTES) throw bad('too large');
  let v: unknown;
  try {
    v = decodeJson(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw bad(`not valid JSON (${(err as Error).message})`);
  }
  const r = v as { script?: unknown; runs?: unknown; argv?: unknown } | null;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw bad('not an object');
  if (r.script !== script) throw bad(`it names script ${JSON.stringify(r.script)}`);
  // {script, argv}: the one-run record of earlier versions.
  const runs = r.runs ?? (r.argv !== undefined ? [r.argv] : undefined);
  if (!Array.isArray(runs) || runs.length === 0 || runs.length > 100) throw bad('runs is not a list of 1 to 100 argv lists');
  for (const argv of runs as unknown[]) {
    if (!Array.isArray(argv) || !argv.every((a): a is string => typeof a === 'string')) throw bad('an argv is not a list of strings');
    const placement = argv.find((a) => ['--help', ...PLACEMENT_FLAGS, ...PLACEMENT_SWITCHES].includes(a.includes('=') ? a.slice(0, a.indexOf('=')) : a));
    if (placement !== undefined) throw bad(`an argv holds ${placement}, which a record never keeps`);
  }
  return { script, runs: runs as string[][] };
}

/** A recorded argv parsed by the script's own flag table (a hostile or stale one is a UsageError naming the file). */
export function recordedArgs<F extends FlagTable>(cli: CliSpec<F>, dir: string, argv: readonly string[]): ParsedCli<F> {
  let args: ParsedCli<F> | null;
  try {
    args = parseCli(cli, argv);
  } catch (err) {
    throw new UsageError(`${invocationFile(dir, cli.name)}: its flags do not parse: ${(err as Error).message}`);
  }
  if (args === null) throw new UsageError(`${invocationFile(dir, cli.name)}: its flags do not parse`);
  return args;
}

/** The parts a run computes: its --part (every part for 'all'); one pseudo-part for scripts without --part. */
export function runParts(cli: CliSpec<FlagTable>, args: Record<string, unknown>): string[] {
  const all = [...new Set(Object.values(cli.flags).flatMap((f) => f.parts ?? []))];
  if (typeof args.part !== 'string' || all.length === 0) return ['*'];
  return args.part === 'all' ? all : [args.part];
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(',')
    : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/**
 * Where two runs of a script would write the same files, the flags they disagree on, as
 * "--seed 7 (now 8)"; empty when they run disjoint parts or agree. Only the flags the shared parts
 * read count, compared by value: their order, `--x=1` against `--x 1`, and a preset against the same
 * values given one by one do not matter.
 */
export function conflictingFlags(cli: CliSpec<FlagTable>, before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const shared = runParts(cli, before).filter((p) => runParts(cli, now).includes(p));
  if (shared.length === 0) return [];
  const keys = Object.keys(now).filter((k) => !PLACEMENT_KEYS.has(k) && k !== 'part' && k !== 'positionals');
  const reads = (k: string) => {
    const parts = Object.hasOwn(cli.flags, k) ? cli.flags[k].parts : undefined;
    return parts === undefined || parts.some((p) => shared.includes(p));
  };
  return keys.filter((k) => reads(k) && canonicalJson(before[k] ?? null) !== canonicalJson(now[k] ?? null))
    .map((k) => `--${k} ${show(before[k])} (now ${show(now[k])})`);
}

/** Whether every part of run `a` is also a part of run `b` (b rewrites all of a's files). */
export function coveredBy(cli: CliSpec<FlagTable>, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const pb = runParts(cli, b);
  return runParts(cli, a).every((p) => pb.includes(p));
}
