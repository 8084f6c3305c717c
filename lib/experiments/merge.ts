// Combine the outputs of sharded runs into exactly the files a single run writes.
//
//   node lib/experiments/merge.js [--out DIR] [--compute | --check] SHARD_DIR...
//
// Each shard folder holds <experiment>.shard-i-of-N.jsonl logs and <script>.invocation.json (the
// flags that determine results). merge reads the records as untrusted data: a record picks one of
// the figure scripts below by name (never a file), its flags must parse by that script's own table,
// and every folder's flags must be equal (by value, in any order). It then checks that the logs hold
// every cell, copies them into --out (default: the first folder) and runs the script there in this
// process from the logs alone, so the CSVs, plots and run records are written by the same code as a
// single run. Nothing is recomputed: a missing shard is an error naming it, unless --compute.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { boolFlag, defineCli, ExitCode, intFlag, main, parseCli, stringFlag, UsageError } from './cli/cli';
import { conflictingFlags, coveredBy, readInvocation, recordedArgs, recordedScripts } from './cli/invocation';
import { ensureOutDir, isOwnFile, writeFileAtomic } from './out/files';
import { shardCells } from './run/runner';
import { canonicalJson, readLog } from './run/runlog';
import { EXPERIMENT_SCRIPTS as SCRIPTS, scriptNamed } from './scripts';

export const MERGE_CLI = defineCli({
  name: 'merge',
  kind: 'tool',
  summary: 'Combine sharded runs into the files a single run writes.',
  positionals: { metavar: 'SHARD_DIR...', help: 'the shard folders, each with its logs and <script>.invocation.json', min: 1 },
  flags: {
    out: stringFlag('where the merged outputs go (default: the first shard folder)', { default: '', metavar: 'DIR' }),
    compute: boolFlag('compute the cells no shard log holds, here, instead of refusing'),
    check: boolFlag('only say how many cells each shard has logged and whether the folders are ready to merge (exit 0) or not (exit 1); write nothing'),
    workers: intFlag('worker threads for --compute', { default: 1, min: 1, max: 1024 }),
  },
});

interface Shards {
  /** The distinct runs the records name (one, unless the folders hold runs of different parts). */
  readonly runs: (readonly string[])[];
  /** The shard logs to copy: file name → source path. */
  readonly logs: Map<string, string>;
  /** What is missing, one phrase per experiment; empty when the logs hold every cell. */
  readonly missing: string[];
  /** For --check: per experiment, its cells logged, then one line per shard of each split found. */
  readonly status: string[];
}

const SHARD_LOG = /^(.+)\.shard-(\d+)-of-(\d+)\.jsonl$/;

/** The shards of a split into `count` that own cells: at most one a cell (a planted N must not make merge count to N). */
const owning = (count: number, cells: number) => Math.min(count, cells);

/**
 * The shard logs of one experiment in the folders, and which shards of an N-way split have none. Only
 * the first `cells` shards of a split own cells: a file name is data, and a planted
 * `x.shard-1-of-9007199254740991.jsonl` must not make merge count to N.
 */
function shardLogs(name: string, dirs: readonly string[], cells: number): { files: Map<string, string>; absent: string[]; splits: number[] } {
  const files = new Map<string, string>();
  const counts = new Map<number, Set<number>>();
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir)) {
      const m = SHARD_LOG.exec(f);
      if (m === null || m[1] !== name) continue;
      const src = path.join(dir, f);
      if (!isOwnFile(src)) continue;
      const old = files.get(f);
      if (old !== undefined && !fs.readFileSync(old).equals(fs.readFileSync(src))) {
        throw new UsageError(`${f} differs between ${path.dirname(old)} and ${dir}: the same shard was run twice with other results`);
      }
      files.set(f, src);
      const n = Number(m[3]);
      counts.set(n, (counts.get(n) ?? new Set()).add(Number(m[2])));
    }
  }
  const absent: string[] = [];
  for (const [n, got] of counts) for (let i = 1; i <= owning(n, cells); i++) if (!got.has(i)) absent.push(`${name}.shard-${i}-of-${n}.jsonl`);
  return { files, absent, splits: [...counts.keys()].sort((a, b) => a - b) };
}

/** Checks one script's records across the folders and finds its logs; throws on hostile or conflicting records. */
async function gather(id: string, dirs: readonly string[], target: string): Promise<Shards> {
  const script = SCRIPTS[id];
  const runs: { dir: string; argv: readonly string[]; args: Record<string, unknown> }[] = [];
  for (const dir of dirs) {
    for (const argv of readInvocation(dir, id)?.runs ?? []) {
      const args = recordedArgs(script.cli, dir, argv) as Record<string, unknown>;
      let same = false;
      for (const r of runs) {
        const diff = conflictingFlags(script.cli, r.args, args);
        if (diff.length > 0) throw new UsageError(`${id} was run with different flags in ${dir} than in ${r.dir}: ${diff.join(', ')}`);
        same ||= coveredBy(script.cli, r.args, args) && coveredBy(script.cli, args, r.args);
      }
      if (!same) runs.push({ dir, argv, args });
    }
  }
  const logs = new Map<string, string>();
  const missing: string[] = [], status: string[] = [];
  for (const run of runs) {
    for (const exp of await script.experiments(parseCli(script.cli, [...run.argv, '--out', target])!)) {
      const { files, absent, splits } = shardLogs(exp.name, dirs, exp.cells.length);
      for (const [f, src] of files) logs.set(f, src);
      // What the target will hold: the shard logs, and its own logs.
      const want = new Map(exp.cells.map((c) => [c.key, canonicalJson(c.params)]));
      const done = new Set<string>();
      const own = fs.existsSync(target) ? fs.readdirSync(target).filter((f) => f === `${exp.name}.jsonl` || SHARD_LOG.exec(f)?.[1] === exp.name) : [];
      for (const file of [...files.values(), ...own.map((f) => path.join(target, f))]) {
        for (const r of readLog(file).records) if (want.get(r.key) === canonicalJson(r.params)) done.add(r.key);
      }
      const lacking = exp.cells.filter((c) => !done.has(c.key));
      status.push(`${exp.name}: ${exp.cells.length - lacking.length} of ${exp.cells.length} cells logged`);
      for (const count of splits) {
        for (let index = 1; index <= owning(count, exp.cells.length); index++) {
          const own = shardCells(exp.cells, { index, count });
          const have = own.filter((c) => done.has(c.key)).length;
          status.push(`  shard ${index}/${count}: ${have === own.length ? 'complete' : `${have} of ${own.length} cells`}`);
        }
      }
      if (lacking.length > 0) {
        missing.push(`${exp.name} lacks ${lacking.length} of ${exp.cells.length} cells (${absent.length > 0 ? `no ${absent.join(', ')}` : 'no shard log holds them'}; e.g. '${lacking[0].key}')`);
      }
    }
  }
  return { runs: runs.map((r) => r.argv), logs, missing, status };
}

export async function mergeShards(dirs: readonly string[],
  opts: { out?: string; compute?: boolean; check?: boolean; workers?: number; stderr?: NodeJS.WritableStream; stdout?: NodeJS.WritableStream } = {}): Promise<void> {
  const stderr = opts.stderr ?? process.stderr;
  if (opts.check && opts.compute) throw new UsageError('--check writes nothing and --compute computes: give one of them');
  if (dirs.length === 0) throw new UsageError('merge needs at least one shard folder');
  for (const dir of dirs) if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`no such folder: ${dir}`);
  const ids = new Set<string>();
  for (const dir of dirs) {
    const here = recordedScripts(dir);
    if (here.length === 0) throw new UsageError(`${dir} has no *.invocation.json: not the output folder of a figure script`);
    for (const id of here) {
      scriptNamed(id, path.join(dir, `${id}.invocation.json`));
      ids.add(id);
    }
  }
  const target = path.resolve(opts.out || dirs[0]);
  // Everything is read and checked before anything is written.
  const plans = new Map<string, Shards>();
  for (const id of [...ids].sort()) plans.set(id, await gather(id, dirs, target));
  const missing = [...plans.values()].flatMap((p) => p.missing);
  if (opts.check) {
    const lines = [...plans.values()].flatMap((p) => p.status);
    lines.push(missing.length === 0 ? 'ready to merge: the logs hold every cell' : `not ready: ${missing.join('; ')}`);
    (opts.stdout ?? process.stdout).write(lines.join('\n') + '\n');
    // Exit 1 when not ready, so that `merge.js --check DIRS && merge.js DIRS` waits for the last shard.
    if (missing.length > 0) throw new ExitCode(1);
    return;
  }
  if (missing.length > 0 && !opts.compute) throw new UsageError(`incomplete shards: ${missing.join('; ')}; copy the missing logs in, or pass --compute to compute those cells here`);

  ensureOutDir(target);
  for (const p of plans.values()) {
    for (const [f, src] of p.logs) {
      const dest = path.join(target, f);
      if (path.resolve(src) === dest) continue;
      const bytes = fs.readFileSync(src);
      if (isOwnFile(dest) && !fs.readFileSync(dest).equals(bytes)) {
        throw new UsageError(`${f} differs between ${path.dirname(src)} and ${target}: the same shard was run twice with other results`);
      }
      writeFileAtomic(dest, bytes);
    }
  }
  for (const [id, p] of plans) {
    for (const run of p.runs) {
      stderr.write(`merge: ${id} ${run.join(' ')} --out ${target} --resume${opts.compute ? '' : ' (from the logs only)'}\n`);
      await SCRIPTS[id].main([...run, '--out', target, '--resume', '--workers', String(opts.workers ?? 1)], { logsOnly: !opts.compute, stderr });
    }
  }
}

/** The CLI body: flags and folders in, merged outputs out (UsageError on bad input). */
export async function merge(argv: readonly string[]): Promise<void> {
  const a = parseCli(MERGE_CLI, argv);
  if (a === null) return;
  await mergeShards(a.positionals, { out: a.out, compute: a.compute, check: a.check, workers: a.workers });
}

if (require.main === module) main(() => merge(process.argv.slice(2)));
