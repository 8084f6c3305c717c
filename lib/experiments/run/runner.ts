// The one runner every experiment uses. An experiment is a name, a typed task (run/task.ts) and a
// list of cells (a stable key, plain-object params, and typed metadata the figure keeps to itself). The runner runs the cells (inline or on worker
// threads), logs each finished cell to DIR/<name>.jsonl at once, resumes from that log, runs one
// shard of the cells, merges shard logs, reports progress, and returns results in cell order,
// whatever the worker count or completion order, so outputs are identical for any --workers.
//
// Params must hold everything the result depends on (the seed included): a log record is reused
// only for a cell with the same key and the same params.

import type { Shard } from './runlog';
import { UsageError } from '../errors';
import { decodeJson, ensureOutDir } from '../out/files';
import { CellError, runPool, type PoolItem } from './pool';
import type { Task } from './task';
import { Progress } from './progress';
import { canonicalJson, checkName, logFiles, logPath, LogWriter, readLog, type CorruptLine } from './runlog';

export interface Cell<P, M = undefined> {
  /** Stable across runs and unique within the experiment, e.g. "depth=20/net=3". */
  readonly key: string;
  /** What the task gets (and the log keeps): everything the result depends on. */
  readonly params: P;
  /** What the figure needs beside the result (its row's labels, say): never sent to a task or logged. */
  readonly meta?: M;
}

export interface Experiment<P, R, M = undefined> {
  /** Names the log, DIR/<name>.jsonl. Letters, digits, '_', '.', '-'. */
  readonly name: string;
  readonly task: Task<P, R>;
  readonly cells: readonly Cell<P, M>[];
}

export interface RunOptions {
  readonly out: string;
  readonly workers: number;
  readonly resume: boolean;
  readonly shard: Shard | null;
  /** Where progress and log warnings go; null for silence. Default process.stderr. */
  readonly stderr?: (NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) | null;
  /** Seconds between plain progress lines when stderr is not a terminal. Default 10. */
  readonly progressEvery?: number;
  /** Compute nothing: every cell must be in the folder's logs, or the run is refused (merge.js). */
  readonly logsOnly?: boolean;
}

export interface CellResult<P, R, M = undefined> {
  readonly key: string;
  readonly params: P;
  readonly meta: M;
  readonly result: R;
}

export interface RunOutcome<P, R, M = undefined> {
  /** True when every cell of the experiment has a result (a shard run: when all shards' logs are in DIR). */
  readonly complete: boolean;
  /** Finished cells in cell order; every cell when complete. */
  readonly results: CellResult<P, R, M>[];
  /** Keys of the cells without a result, in cell order. */
  readonly missing: string[];
  readonly log: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the log code reads keys and params only
type AnyExperiment = Experiment<any, unknown, unknown>;

/** The cells of shard i/N: those whose index in the cell list is ≡ i − 1 (mod N). */
export function shardCells<T>(cells: readonly T[], shard: Shard | null): T[] {
  return shard ? cells.filter((_, i) => i % shard.count === shard.index - 1) : [...cells];
}

function validateCells(exp: AnyExperiment): string[] {
  checkName(exp.name);
  const seen = new Set<string>();
  const canon: string[] = [];
  for (const c of exp.cells) {
    if (typeof c.key !== 'string' || c.key === '') throw new Error(`experiment ${exp.name}: every cell needs a non-empty string key`);
    if (seen.has(c.key)) throw new Error(`experiment ${exp.name}: cell key '${c.key}' repeats`);
    seen.add(c.key);
    try {
      canon.push(canonicalJson(c.params));
    } catch (err) {
      throw new Error(`experiment ${exp.name}: params of cell '${c.key}' are not plain JSON: ${(err as Error).message}`);
    }
  }
  return canon;
}

interface Known {
  readonly results: Map<string, unknown>;
  readonly corrupt: CorruptLine[];
  /** Records whose key is a cell's but whose params differ: left by a run with other settings. */
  readonly stale: number;
}

/** Results for the experiment's cells found in the given logs; a record must match key and params. */
function collect(exp: AnyExperiment, canon: readonly string[], files: readonly string[]): Known {
  const want = new Map(exp.cells.map((c, i) => [c.key, canon[i]]));
  const results = new Map<string, unknown>();
  const corrupt: CorruptLine[] = [];
  let stale = 0;
  for (const f of files) {
    const log = readLog(f);
    corrupt.push(...log.corrupt);
    for (const r of log.records) {
      const p = want.get(r.key);
      if (p === undefined || results.has(r.key)) continue;
      if (canonicalJson(r.params) === p) results.set(r.key, r.result);
      else stale++;
    }
  }
  return { results, corrupt, stale };
}

function outcome<P, R, M>(exp: Experiment<P, R, M>, results: Map<string, unknown>, log: string): RunOutcome<P, R, M> {
  const done: CellResult<P, R, M>[] = [], missing: string[] = [];
  for (const c of exp.cells) {
    if (results.has(c.key)) done.push({ key: c.key, params: c.params, meta: c.meta as M, result: results.get(c.key) as R });
    else missing.push(c.key);
  }
  return { complete: missing.length === 0, results: done, missing, log };
}

function report(stderr: NodeJS.WritableStream | null, k: Known): void {
  if (!stderr) return;
  for (const c of k.corrupt) stderr.write(`warning: skipping ${c.file} line ${c.line}: ${c.reason}; its cell will run again\n`);
  if (k.stale > 0) stderr.write(`warning: ${k.stale} log record(s) have a cell's key but other params (another seed or size?); ignored\n`);
}

/**
 * Merges the logs in dir (whole-run and shard logs) into the experiment's results, exactly as a
 * single run would return them. Incomplete when a cell has no record; see `missing`.
 */
export function mergeLogs<P, R, M>(exp: Experiment<P, R, M>, dir: string, stderr: NodeJS.WritableStream | null = process.stderr): RunOutcome<P, R, M> {
  const canon = validateCells(exp);
  const k = collect(exp, canon, logFiles(dir, exp.name));
  report(stderr, k);
  return outcome(exp, k.results, logPath(dir, exp.name, null));
}

/** Keys of this shard's cells already in the folder's logs (read only; nothing is created). */
export function finishedKeys<P, R, M>(exp: Experiment<P, R, M>, dir: string, shard: Shard | null): Set<string> {
  const canon = validateCells(exp);
  const k = collect(exp, canon, logFiles(dir, exp.name));
  return new Set(shardCells(exp.cells, shard).map((c) => c.key).filter((key) => k.results.has(key)));
}

/** Raised when SIGINT/SIGTERM stops a run; main() prints it and exits 130. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/**
 * Runs the experiment (or its shard) and returns the results in cell order.
 *
 * - Without resume, this run's log starts empty (an old one is kept as <log>.prev). With resume, finished cells found in any of the
 *   experiment's logs in the folder (whole-run or shard) are skipped, and torn lines are reported.
 * - A shard run logs to DIR/<name>.shard-i-of-N.jsonl; it is complete when the other shards'
 *   logs in the folder cover the rest.
 * - On worker threads, SIGINT/SIGTERM stop the run with Interrupted; finished cells stay in the log.
 */
export async function runExperiment<P, R, M>(exp: Experiment<P, R, M>, opts: RunOptions): Promise<RunOutcome<P, R, M>> {
  const canon = validateCells(exp);
  if (!Number.isSafeInteger(opts.workers) || opts.workers < 1) throw new UsageError(`--workers must be a positive integer, got ${opts.workers}`);
  const stderr = opts.stderr === undefined ? process.stderr : opts.stderr;
  const dir = ensureOutDir(opts.out);
  const log = logPath(dir, exp.name, opts.shard);
  const label = opts.shard ? `${exp.name} [shard ${opts.shard.index}/${opts.shard.count}]` : exp.name;

  const known = opts.resume ? collect(exp, canon, logFiles(dir, exp.name)) : { results: new Map<string, unknown>(), corrupt: [], stale: 0 };
  report(stderr, known);
  const results = new Map(known.results);

  const mine = shardCells(exp.cells.map((c, index): PoolItem => ({ index, key: c.key, params: c.params })), opts.shard);
  const todo = mine.filter((it) => !results.has(it.key));
  if (opts.logsOnly && todo.length > 0) {
    throw new UsageError(`${exp.name}: ${todo.length} of ${mine.length} cells have no record in the logs of ${opts.out} (e.g. '${todo[0].key}'); nothing was computed`);
  }
  const progress = stderr ? new Progress({ label, total: mine.length, already: mine.length - todo.length, stream: stderr, lineEvery: opts.progressEvery }) : null;

  const writer = new LogWriter(log, !opts.resume);
  const interrupt = new AbortController();
  let written = 0;
  // Where a stopped run stands: said by an interrupt and by a failed cell alike.
  const kept = () => `${mine.length - todo.length + written} of ${mine.length} cells are in ${log}`;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupt.abort(new Interrupted(`interrupted by ${sig}: ${kept()}; rerun with --resume to continue`));
  };
  // Only a thread pool leaves the main thread free to take the signal; inline, the default kill
  // applies, and the log (synced line by line) is just as safe.
  const catchSignals = opts.workers > 1 && todo.length > 0;
  if (catchSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    await runPool({
      task: exp.task,
      workers: opts.workers,
      items: todo,
      signal: interrupt.signal,
      onProgress: (item, fraction, note) => progress?.update(item.key, fraction, note),
      onResult: (item, result) => {
        let line: string;
        try {
          line = writer.append({ key: item.key, params: item.params, result });
        } catch (err) {
          if (err instanceof TypeError) throw new Error(`cell '${item.key}': result is not plain JSON: ${err.message}`);
          throw err;
        }
        written++;
        // Keep what a resumed run would read back (not the live object), so that every route to a
        // result (inline, threads, resume, merge) gives the same values.
        results.set(item.key, (decodeJson(line) as { result: unknown }).result);
        progress?.tick(item.key);
      },
    });
  } catch (err) {
    if (!(err instanceof CellError)) throw err;
    throw new CellError(err.key, err.info, `${kept()}; once the cause is fixed, rerun with --resume to continue`);
  } finally {
    writer.close();
    if (catchSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  progress?.finish();

  if (opts.shard) {
    // Fold in the other shards' logs, if they are here, so the last shard to finish completes the run.
    const others = logFiles(dir, exp.name).filter((f) => f !== log);
    const more = collect(exp, canon, others);
    for (const [k, v] of more.results) if (!results.has(k)) results.set(k, v);
  }
  return outcome(exp, results, log);
}
