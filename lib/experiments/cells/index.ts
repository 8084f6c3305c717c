// Every cell task, in the fixed table the worker threads serve (ids: task.ts).

import type { AnyTask } from '../run/task';
import { convLengthsTask } from './conv-lengths';
import { fm2Task } from './fm2';
import { lengthsTask } from './lengths';
import { residualLengthsTask } from './residual-lengths';
import { trainingTask } from './training';

export const CELL_TASKS: readonly AnyTask[] = [lengthsTask, fm2Task, residualLengthsTask, convLengthsTask, trainingTask];

export { convLengthsTask, fm2Task, lengthsTask, residualLengthsTask, trainingTask };
