// Cell tasks: a typed function behind a stable id. A figure passes the handle (go to definition leads
// to the function); a worker thread finds the same task by its id in a fixed table compiled into the
// code (cells/worker.ts), never by a path or name read from data, so a results folder can never make
// a thread load a module.

import type { CellCost } from './plan';

/** How far a running cell is (0..1), with a short note such as "epoch 3/10"; shown on stderr. */
export type ReportProgress = (fraction: number, note?: string) => void;

/** A task: plain-object params P in, a plain JSON result R (or a promise of one) out; it may report progress. */
export interface Task<P, R> {
  /** Unique within its table, e.g. 'lengths'. */
  readonly id: string;
  /** Absolute path of the compiled worker entry whose fixed table holds this task: a constant of the code. */
  readonly worker: string;
  readonly run: (params: P, progress: ReportProgress) => R | Promise<R>;
  /** The estimated cost of a cell (run/plan.ts), for --plan and the memory check; absent: unknown. */
  readonly cost?: (params: P) => CellCost;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table holds tasks of every type
export type AnyTask = Task<any, unknown>;

export function defineTask<P, R>(worker: string, id: string, run: (params: P, progress: ReportProgress) => R | Promise<R>, cost?: (params: P) => CellCost): Task<P, R> {
  return { id, worker, run, cost };
}

/** A table's task by id; an id that is not in it is a bug of the caller, never a module to load. */
export function taskById(table: readonly AnyTask[], id: string): AnyTask {
  const t = table.find((x) => x.id === id);
  if (t === undefined) throw new Error(`task '${id}' is not in this worker's table (${table.map((x) => x.id).join(', ')})`);
  return t;
}

/** What crosses the thread boundary of an error (Error objects lose their class there). */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export function errorInfo(err: unknown): ErrorInfo {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'Error', message: String(err) };
}
