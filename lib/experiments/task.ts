// Loading a task module: a compiled CommonJS module, named by absolute path, that exports the
// function a cell runs. Shared by the inline runner and the worker threads so both fail alike.

import * as path from 'node:path';

/** How far a running cell is (0..1), with a short note such as "epoch 3/10"; shown on stderr. */
export type ReportProgress = (fraction: number, note?: string) => void;

/** A task: plain-object params in, a plain JSON result (or a promise of one) out; it may report progress. */
export type TaskFn = (params: unknown, progress: ReportProgress) => unknown;

/** What crosses the thread boundary of an error (Error objects lose their class there). */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export function errorInfo(err: unknown): ErrorInfo {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'Error', message: String(err) };
}

/** Checks the path before any thread starts, so a wrong path is not blamed on the first cell. */
export function checkTaskPath(task: string): void {
  if (!path.isAbsolute(task)) throw new Error(`task module path must be absolute (use require.resolve or path.join(__dirname, ...)), got '${task}'`);
  try {
    require.resolve(task);
  } catch {
    throw new Error(`task module not found: ${task} (not built? run npm run build)`);
  }
}

export function loadTask(task: string, fn: string): TaskFn {
  checkTaskPath(task);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module chosen at run time
  const mod = require(task) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') throw new Error(`task module ${task} exports no function '${fn}'`);
  return f as TaskFn;
}
