// Checks that a results folder is what the code makes of its recorded flags and seed, without
// trusting the folder: committed paper-scale results stay reproducible, and a user can check them on
// their own machine.
//
//   node lib/experiments/recheck.js [--cells N] DIR...
//
// For each run a folder's <script>.invocation.json records:
//   1. every logged cell's params equal those the recorded flags make (the log is of this run);
//   2. the N cells that took least time (by their logged seconds) are computed again here, in this
//      process, and their results must equal the logged ones exactly (only `seconds` differs);
//   3. when the logs hold every cell, the script is run from the logs alone into a scratch folder and
//      every CSV it writes must equal the folder's, byte for byte.
// A shard folder (logs of some cells, no CSVs) gets checks 1 and 2.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { defineCli, ExitCode, intFlag, main, parseCli, UsageError } from './cli/cli';
import { readInvocation, recordedArgs, recordedScripts } from './cli/invocation';
import { isOwnFile, writeFileAtomic } from './out/files';
import { canonicalJson, logFiles, readLog, type LogRecord } from './run/runlog';
import type { Experiment } from './run/runner';
import { scriptNamed } from './scripts';

export const RECHECK_CLI = defineCli({
  name: 'recheck',
  kind: 'tool',
  summary: 'Check that results folders are what their recorded flags and seed make: logged params, a few cells recomputed, CSVs rebuilt from the logs.',
  positionals: { metavar: 'DIR...', help: 'results folders, each with <script>.invocation.json and its logs', min: 1 },
  flags: {
    cells: intFlag('cells recomputed per experiment (the quickest by logged time; 0: none)', { default: 2, min: 0, max: 1000000 }),
    'max-seconds': intFlag('recompute no cell whose logged time exceeds this', { default: 600, min: 1, max: 100000000 }),
  },
});

/** What one folder's check found; `problems` is empty when it passed. */
export interface RecheckReport {
  readonly dir: string;
  readonly lines: string[];
  readonly problems: string[];
}

/** A result without its wall time, the one field that differs between two computations of a cell. */
function timeless(result: unknown): string {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return canonicalJson(result);
  const { seconds: _s, ...rest } = result as Record<string, unknown>;
  return canonicalJson(rest);
}

function loggedSeconds(r: LogRecord): number {
  const s = (r.result as { seconds?: unknown } | null)?.seconds;
  return typeof s === 'number' && Number.isFinite(s) ? s : Infinity;
}

function csvFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.csv') && isOwnFile(path.join(dir, f))).sort();
}

type AnyExperiment = Experiment<unknown, unknown, unknown>;

/** Checks 1 and 2 for one experiment; returns whether the logs hold every cell. */
async function checkExperiment(exp: AnyExperiment, dir: string, opts: RecheckOptions, rep: RecheckReport): Promise<boolean> {
  const logged = new Map<string, LogRecord>();
  for (const file of logFiles(dir, exp.name)) {
    const log = readLog(file);
    for (const c of log.corrupt) rep.problems.push(`${path.basename(c.file)} line ${c.line}: ${c.reason}`);
    for (const r of log.records) logged.set(r.key, r);
  }
  const made = new Map(exp.cells.map((c) => [c.key, c]));
  let matching = 0;
  for (const [key, r] of logged) {
    const cell = made.get(key);
    if (cell === undefined) rep.problems.push(`${exp.name}: logged cell '${key}' is not a cell of the recorded flags`);
    else if (canonicalJson(cell.params) !== canonicalJson(r.params)) rep.problems.push(`${exp.name}: cell '${key}' was logged with other params than the recorded flags make`);
    else matching++;
  }
  const ordered = [...logged.values()].filter((r) => made.has(r.key)).sort((a, b) => loggedSeconds(a) - loggedSeconds(b));
  const quickest = ordered.filter((r) => loggedSeconds(r) <= opts.maxSeconds).slice(0, opts.cells);
  let same = 0;
  for (const r of quickest) {
    const again = await exp.task.run(made.get(r.key)!.params, () => {});
    if (timeless(again) === timeless(r.result)) same++;
    else rep.problems.push(`${exp.name}: cell '${r.key}' computes to another result than its log holds`);
  }
  // A cell that took longer than --max-seconds is not recomputed; the line says so, with the quickest's time.
  const none = opts.cells > 0 && quickest.length === 0 && ordered.length > 0 ? ` (no logged cell took ≤ ${opts.maxSeconds} s; the quickest took ${loggedSeconds(ordered[0]).toFixed(0)} s)` : '';
  rep.lines.push(`${exp.name}: ${matching} of ${exp.cells.length} cells logged with the recorded params; ${same} of ${quickest.length} recomputed identically${none}`);
  return exp.cells.every((c) => logged.has(c.key));
}

/** Every check for one folder. */
export interface RecheckOptions {
  /** Cells recomputed per experiment, the quickest first. */
  readonly cells: number;
  /** Cells that took longer than this (logged seconds) are not recomputed. */
  readonly maxSeconds: number;
  /** Where scratch folders go. */
  readonly scratch: string;
}

export async function recheckFolder(dir: string, opts: RecheckOptions): Promise<RecheckReport> {
  const rep: RecheckReport = { dir, lines: [], problems: [] };
  const ids = recordedScripts(dir);
  if (ids.length === 0) throw new UsageError(`${dir} has no *.invocation.json: not the output folder of a figure script`);
  for (const id of ids) {
    const script = scriptNamed(id, path.join(dir, `${id}.invocation.json`));
    const runs = readInvocation(dir, id)?.runs ?? [];
    // Runs whose logs hold every cell; only those are rebuilt (a shard, or a run not finished, is not).
    const complete: (readonly string[])[] = [];
    for (const argv of runs) {
      // Parsed once, by the script's own table (a hostile record is a UsageError naming the file).
      const args = { ...recordedArgs(script.cli, dir, argv), out: dir };
      let all = true;
      for (const exp of await script.experiments(args)) all = (await checkExperiment(exp, dir, opts, rep)) && all;
      if (all) complete.push(argv);
      else rep.lines.push(`${id} ${argv.join(' ')}: not every cell is logged here (a shard, or a run not finished): its CSVs are not rebuilt`);
    }
    if (complete.length === 0) continue;
    // Check 3: the same code that wrote the folder, from its logs alone, into scratch.
    const scratch = fs.mkdtempSync(path.join(opts.scratch, `recheck-${id}-`));
    try {
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.jsonl') && isOwnFile(path.join(dir, f))) writeFileAtomic(path.join(scratch, f), fs.readFileSync(path.join(dir, f)));
      const quiet = new Writable({ write: (_c, _e, cb) => cb() });
      for (const argv of complete) await script.main([...argv, '--out', scratch, '--resume', '--workers', '1'], { logsOnly: true, stdout: quiet, stderr: quiet });
      const mine = csvFiles(dir), rebuilt = csvFiles(scratch);
      const identical = rebuilt.filter((f) => mine.includes(f) && fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(scratch, f))));
      for (const f of rebuilt) {
        if (!mine.includes(f)) rep.problems.push(`${id}: ${f} is missing (the logs make it)`);
        else if (!identical.includes(f)) rep.problems.push(`${id}: ${f} differs from what the logs make`);
      }
      // With every run rebuilt, a CSV the logs do not make has no business in the folder.
      if (complete.length === runs.length) for (const f of mine) if (!rebuilt.includes(f)) rep.problems.push(`${id}: ${f} is not made by the recorded runs`);
      rep.lines.push(`${id}: ${identical.length} of ${rebuilt.length} CSVs rebuilt from the logs byte for byte`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return rep;
}

export async function recheck(argv: readonly string[], stdout: NodeJS.WritableStream = process.stdout): Promise<RecheckReport[]> {
  const a = parseCli(RECHECK_CLI, argv, stdout);
  if (a === null) return [];
  for (const dir of a.positionals) if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`no such folder: ${dir}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'recheck-'));
  const reports: RecheckReport[] = [];
  try {
    for (const dir of a.positionals) {
      const rep = await recheckFolder(dir, { cells: a.cells, maxSeconds: a['max-seconds'], scratch });
      stdout.write(`${dir}: ${rep.problems.length === 0 ? 'ok' : 'FAILED'}\n${[...rep.lines, ...rep.problems].map((l) => `  ${l}\n`).join('')}`);
      reports.push(rep);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return reports;
}

if (require.main === module) {
  main(async () => {
    const reports = await recheck(process.argv.slice(2));
    if (reports.some((r) => r.problems.length > 0)) throw new ExitCode(1);
  });
}
