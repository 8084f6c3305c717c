// The fixed table of cell tasks the figures run. Each cell module defines its handle with cellTask;
// a worker thread starts on CELL_WORKER and finds the task by one of these ids (cells/index.ts).

import * as path from 'node:path';
import type { CellCost } from '../run/plan';
import type { Backend } from '../../kernels/backend';
import { defineTask, type ReportProgress, type Task } from '../run/task';
import { threadBackend } from './shared';
import { bandCost, convCost, fm2Cost, gradJacobianCost, gradNormsCost, lengthsCost, replicatesCost, residualCost, trainingCost } from './cost';

/** The compiled worker entry that serves every cell task (cells/worker.ts). */
export const CELL_WORKER = path.join(__dirname, 'worker.js');

export const CELL_TASK_IDS = ['lengths', 'fm2', 'residual-lengths', 'conv-lengths', 'training', 'band', 'replicates', 'grad-jacobian', 'grad-norms'] as const;
export type CellTaskId = (typeof CELL_TASK_IDS)[number];

/** Each task's cost model (cells/cost.ts), for --plan and the memory check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each function takes its own task's params
const COSTS: Readonly<Record<CellTaskId, (params: any) => CellCost>> = {
  lengths: lengthsCost, fm2: fm2Cost, 'residual-lengths': residualCost, 'conv-lengths': convCost, training: trainingCost, band: bandCost, replicates: replicatesCost,
  'grad-jacobian': gradJacobianCost, 'grad-norms': gradNormsCost,
};

/** A cell task of the fixed table: params P in, result R out, on the main thread or a worker. */
export function cellTask<P, R>(id: CellTaskId, run: (params: P, progress: ReportProgress) => R | Promise<R>): Task<P, R> {
  return defineTask(CELL_WORKER, id, run, COSTS[id]);
}

/** A cell task whose params name their backend: `run` gets that backend, created once per thread. */
export function backendCellTask<P extends { readonly backend: string }, R>(id: CellTaskId, run: (params: P, backend: Backend) => R): Task<P, R> {
  return cellTask<P, R>(id, (p) => run(p, threadBackend(p.backend)));
}
