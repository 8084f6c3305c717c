// The worker thread of the cell pool: loads the task module once, then runs one cell per message.
// Messages in: {index, params}. Out: {index, ok: true, result} or {index, ok: false, error}.
// Only the main thread touches the log, so a worker that dies cannot tear it.

import { parentPort, workerData } from 'node:worker_threads';
import { errorInfo, loadTask, type ErrorInfo, type TaskFn } from './task';

export interface WorkerInit {
  readonly task: string;
  readonly fn: string;
}
export interface CellMessage {
  readonly index: number;
  readonly params: unknown;
}
export type ReplyMessage =
  | { readonly index: number; readonly progress: number; readonly note: string }
  | { readonly index: number; readonly ok: true; readonly result: unknown }
  | { readonly index: number; readonly ok: false; readonly error: ErrorInfo };

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  // A load failure throws here and reaches the main thread as the worker's 'error' event.
  const fn: TaskFn = loadTask(init.task, init.fn);
  port.on('message', (msg: CellMessage) => {
    Promise.resolve()
      .then(() => fn(msg.params, (fraction, note = '') => port.postMessage({ index: msg.index, progress: fraction, note } satisfies ReplyMessage)))
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
