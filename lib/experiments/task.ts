// Loading a task module: a compiled CommonJS module, named by absolute path, that exports the
// function a cell runs. Shared by the inline runner and the worker threads so both fail alike.

import * as path from 'node:path';

/** A task: plain-object params in, a plain JSON result (or a promise of one) out. */
export type TaskFn = (params: unknown) => unknown;

export function loadTask(task: string, fn: string): TaskFn {
  if (!path.isAbsolute(task)) throw new Error(`task module path must be absolute (use require.resolve or path.join(__dirname, ...)), got '${task}'`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module chosen at run time
  const mod = require(task) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') throw new Error(`task module ${task} exports no function '${fn}'`);
  return f as TaskFn;
}
