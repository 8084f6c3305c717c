// The worker-thread side of the cell pool: serveTasks(table) runs in a worker entry (cells/worker.ts),
// picks its task by the id the pool sent (from a handle in the code), then runs one cell per message.
// Messages in: {index, params}. Out: {index, ok: true, result} or {index, ok: false, error}.
// Only the main thread touches the log, so a worker that dies cannot tear it.

import { parentPort, workerData } from 'node:worker_threads';
import { errorInfo, taskById, type AnyTask, type ErrorInfo } from './task';

export interface WorkerInit {
  readonly id: string;
}
export interface CellMessage {
  readonly index: number;
  readonly params: unknown;
}
export type ReplyMessage =
  | { readonly index: number; readonly progress: number; readonly note: string }
  | { readonly index: number; readonly ok: true; readonly result: unknown }
  | { readonly index: number; readonly ok: false; readonly error: ErrorInfo };

/** Serves the table's tasks when this module runs as a pool worker; does nothing on the main thread. */
export function serveTasks(table: readonly AnyTask[]): void {
  if (!parentPort) return;
  const port = parentPort;
  // An unknown id throws here and reaches the main thread as the worker's 'error' event.
  const task = taskById(table, (workerData as WorkerInit).id);
  port.on('message', (msg: CellMessage) => {
    Promise.resolve()
      .then(() => task.run(msg.params, (fraction, note = '') => port.postMessage({ index: msg.index, progress: fraction, note } satisfies ReplyMessage)))
      .then(
        (result) => {
          try {
            port.postMessage({ index: msg.index, ok: true, result } satisfies ReplyMessage);
          } catch (err) {
            // A result that cannot be cloned (a function, say) is the task's error, with its cell.
            port.postMessage({ index: msg.index, ok: false, error: errorInfo(err) } satisfies ReplyMessage);
          }
        },
        (err: unknown) => port.postMessage({ index: msg.index, ok: false, error: errorInfo(err) } satisfies ReplyMessage),
      );
  });
}
