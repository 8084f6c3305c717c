// Runs cells through a task: inline (workers = 1, for debuggers and stack traces) or on a pool of
// worker threads, each started on the task's worker entry, which finds the task by id in its table. Cells are handed out in index order;
// results arrive in completion order and go to onResult at once (the runner logs them there).
// The first failing cell stops the pool: the other workers are terminated, and the error names
// the cell's key.

import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors';
import { errorInfo, type AnyTask, type ErrorInfo } from './task';
import type { CellMessage, ReplyMessage, WorkerInit } from './worker';

export interface PoolItem {
  readonly index: number;
  readonly key: string;
  readonly params: unknown;
}

export interface PoolOptions {
  readonly task: AnyTask;
  readonly workers: number;
  readonly items: readonly PoolItem[];
  /** Called on the main thread, once per finished cell, as soon as it finishes. */
  readonly onResult: (item: PoolItem, result: unknown) => void;
  /** Called on the main thread when a running cell reports how far it is. */
  readonly onProgress?: (item: PoolItem, fraction: number, note: string) => void;
  /** Aborting stops the pool: workers are terminated and the run rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A cell's task threw (or its worker died). The original stack, from whichever thread, is kept. */
export class CellError extends Error {
  /** `note`: what the run kept (the runner adds where the finished cells are and how to go on). */
  constructor(readonly key: string, readonly info: ErrorInfo, note?: string) {
    super(`cell '${key}' failed: ${info.message}${note === undefined ? '' : `\n${note}`}`);
    this.name = 'CellError';
    this.stack = `${this.name}: ${this.message}\n  --- in the task ---\n${info.stack ?? info.message}`;
  }
}

/** A UsageError thrown by a task stays a UsageError (exit 2), with the cell's key added. */
function cellFailure(key: string, info: ErrorInfo): Error {
  return info.name === 'UsageError' ? new UsageError(`cell '${key}': ${info.message}`) : new CellError(key, info);
}

export async function runPool(o: PoolOptions): Promise<void> {
  if (o.items.length === 0) return;
  if (o.workers <= 1) return runInline(o);
  // Checked before any thread starts, so that a missing build is not blamed on the first cell.
  if (!fs.existsSync(o.task.worker)) throw new Error(`worker entry not found: ${o.task.worker} (not built? run npm run build)`);
  return runThreads(o);
}

async function runInline(o: PoolOptions): Promise<void> {
  for (const item of o.items) {
    if (o.signal?.aborted) throw o.signal.reason;
    let result: unknown;
    try {
      result = await o.task.run(item.params, (fraction, note = '') => o.onProgress?.(item, fraction, note));
    } catch (err) {
      throw cellFailure(item.key, errorInfo(err));
    }
    o.onResult(item, result);
  }
}

function runThreads(o: PoolOptions): Promise<void> {
  const n = Math.min(o.workers, o.items.length);
  const workers: Worker[] = [];
  let next = 0, finished = 0, settled = false;

  return new Promise<void>((resolve, reject) => {
    const stop = (err: Error | null) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      // terminate() is async; the promise settles now so the caller can report while they stop.
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => stop(o.signal!.reason instanceof Error ? o.signal!.reason : new Error(String(o.signal!.reason)));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort);

    for (let w = 0; w < n; w++) {
      const worker = new Worker(o.task.worker, { workerData: { id: o.task.id } satisfies WorkerInit });
      workers.push(worker);
      // The cell this worker is running, so that a crash can name it.
      let current: PoolItem | null = null;
      const feed = () => {
        if (next >= o.items.length) {
          current = null;
          void worker.terminate();
          return;
        }
        current = o.items[next++];
        worker.postMessage({ index: current.index, params: current.params } satisfies CellMessage);
      };
      worker.on('message', (msg: ReplyMessage) => {
        if (settled) return;
        const item = current!;
        if ('progress' in msg) { o.onProgress?.(item, msg.progress, msg.note); return; }
        if (!msg.ok) return stop(cellFailure(item.key, msg.error));
        try {
          o.onResult(item, msg.result);
        } catch (err) {
          return stop(err instanceof Error ? err : new Error(String(err)));
        }
        if (++finished === o.items.length) return stop(null);
        feed();
      });
      // Uncaught errors in the worker: its entry failed to load or lacks the id, or a task threw asynchronously.
      worker.on('error', (err) => stop(current ? cellFailure(current.key, errorInfo(err)) : err));
      worker.on('exit', (code) => {
        if (!settled && current) stop(cellFailure(current.key, { name: 'Error', message: `worker exited with code ${code}` }));
      });
      feed();
    }
  });
}
