// An experiment script: its flag table and a body that runs its experiments through a Session. The
// body runs twice: first as a plan (each experiment's cells are listed, none is computed and nothing
// is written), then for real. So every size is checked and every cell costed before any work starts:
// --plan prints that plan and exits; a run that cannot fit in memory is refused in one line.
//
// Before the real run the output folder is opened: created, cleared of temporary files that killed
// writes left, and checked against the invocation record of an earlier run there, so that a folder
// never mixes the files of two invocations (--resume and reruns need the same flags).

import { Writable } from 'node:stream';
import * as inspector from 'node:inspector';
import { ensureOutDir, removeOrphanTemps } from '../out/files';
import { Plan, type PlanCell } from '../run/plan';
import { finishedKeys, runExperiment, shardCells, type Experiment, type RunOutcome } from '../run/runner';
import { conflictingFlags, coveredBy, readInvocation, recordedArgs, recordInvocation, resultArgv } from './invocation';
import { parseCli, UsageError, type CliSpec, type FlagTable, type ParsedCli } from './cli';

/** How a script's body runs its experiments. */
export interface Session {
  /** True while only the plan is built: run() computes and writes nothing, and every outcome is incomplete. */
  readonly planning: boolean;
  /** Where the reports print their tables: the script's stdout (recheck.js passes a sink). */
  readonly stdout: NodeJS.WritableStream;
  /** Runs the experiment's cells (this shard's share) and returns the outcome; the body stops at an incomplete one. */
  run<P, R, M>(exp: Experiment<P, R, M>): Promise<RunOutcome<P, R, M>>;
}

export interface ScriptOptions {
  /** Compute no cell: every cell must be in the folder's logs (merge.js). */
  readonly logsOnly?: boolean;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

export interface ExperimentScript<F extends FlagTable> {
  readonly cli: CliSpec<F>;
  /** Parses argv, plans, checks, opens the output folder and runs. */
  main(argv: readonly string[], opts?: ScriptOptions): Promise<void>;
  /** The experiments these flags make, with their cells; nothing runs and nothing is written. */
  experiments(args: ParsedCli<F>): Promise<Experiment<unknown, unknown, unknown>[]>;
}

type AnyExperiment = Experiment<unknown, unknown, unknown>;

/** Whether a debugger is attached: cells then run in this thread, where breakpoints hit. */
function debugging(): boolean {
  return inspector.url() !== undefined;
}

/** The plan of a run: this shard's cells of every experiment, with their cost models; with --resume, those in the logs are done. */
export function planOf(exps: readonly AnyExperiment[], args: { out: string; shard: ParsedCli<FlagTable>['shard']; resume: boolean }): Plan {
  const plan = new Plan();
  for (const exp of exps) {
    const cells: PlanCell[] = shardCells(exp.cells, args.shard).map((c) => {
      let cost = null;
      try {
        cost = exp.task.cost?.(c.params) ?? null;
      } catch {
        // A cost model that cannot read the params leaves the cell's cost unknown; the run still checks them.
      }
      return { key: c.key, cost };
    });
    plan.add(exp.name, cells, args.resume ? finishedKeys(exp, args.out, args.shard) : undefined);
  }
  return plan;
}

/**
 * Creates the output folder, removes orphaned temporary files, and refuses to run over another
 * invocation's files: a run (fresh or --resume) of parts that the folder's record says were run
 * must have the flags they were run with. Records the run, keeping earlier runs of other parts.
 */
function openFolder<F extends FlagTable>(cli: CliSpec<F>, args: ParsedCli<F>, argv: readonly string[], stderr: NodeJS.WritableStream): void {
  const dir = ensureOutDir(args.out);
  const removed = removeOrphanTemps(dir);
  if (removed.length > 0) stderr.write(`${cli.name}: removed ${removed.length} temporary file(s) that a killed run left in ${args.out}\n`);
  const kept: (readonly string[])[] = [];
  for (const run of readInvocation(dir, cli.name)?.runs ?? []) {
    const before = recordedArgs(cli, dir, run);
    const diff = conflictingFlags(cli, before, args);
    if (diff.length > 0) {
      throw new UsageError(args.resume
        ? `--resume: ${args.out} was run with other flags: ${diff.join(', ')}; resume with the flags it was run with`
        : `${args.out} holds a ${cli.name} run with other flags: ${diff.join(', ')}; use another --out, or remove that run's files first`);
    }
    if (!coveredBy(cli, before, args)) kept.push(run);
  }
  recordInvocation(dir, cli.name, [...kept, resultArgv(argv)]);
}

export function experimentScript<F extends FlagTable>(cli: CliSpec<F>, body: (args: ParsedCli<F>, session: Session) => Promise<void>): ExperimentScript<F> {
  async function experiments(args: ParsedCli<F>): Promise<AnyExperiment[]> {
    const seen: AnyExperiment[] = [];
    await body(args, {
      planning: true,
      stdout: new Writable({ write: (_chunk, _encoding, done) => done() }),
      run: async <P, R, M>(exp: Experiment<P, R, M>) => {
        seen.push(exp as unknown as AnyExperiment);
        return { complete: false, results: [], missing: exp.cells.map((c) => c.key), log: '' };
      },
    });
    return seen;
  }

  async function mainFn(argv: readonly string[], opts: ScriptOptions = {}): Promise<void> {
    const stdout = opts.stdout ?? process.stdout, stderr = opts.stderr ?? process.stderr;
    const args = parseCli(cli, argv, stdout);
    if (args === null) return;
    const plan = planOf(await experiments(args), args);
    if (args.plan) {
      stdout.write(plan.format(cli.name, args.workers));
      return;
    }
    plan.check(cli.name, args.workers);
    openFolder(cli, args, argv, stderr);
    let workers = args.workers;
    if (workers > 1 && debugging()) {
      stderr.write(`${cli.name}: a debugger is attached, so cells run in this thread (--workers 1), where breakpoints hit\n`);
      workers = 1;
    }
    await body(args, {
      planning: false,
      stdout,
      run: async <P, R, M>(exp: Experiment<P, R, M>) => {
        const outcome = await runExperiment(exp, { out: args.out, workers, resume: args.resume, shard: args.shard, logsOnly: opts.logsOnly, stderr });
        if (!outcome.complete) {
          stderr.write(`${exp.name}: ${outcome.results.length} of ${exp.cells.length} cells done (shard run); when every shard is done: node lib/experiments/merge.js SHARD_DIR...\n`);
        }
        return outcome;
      },
    });
  }

  return { cli, main: mainFn, experiments };
}
