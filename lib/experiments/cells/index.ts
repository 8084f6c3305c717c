// Every cell task, in the fixed table the worker threads serve (ids: task.ts).

import type { AnyTask } from '../run/task';
import { bandTask } from './band';
import { convLengthsTask } from './conv-lengths';
import { fm2Task } from './fm2';
import { lengthsTask } from './lengths';
import { replicatesTask } from './replicates';
import { residualLengthsTask } from './residual-lengths';
import { trainingTask } from './training';

export const CELL_TASKS: readonly AnyTask[] = [lengthsTask, fm2Task, residualLengthsTask, convLengthsTask, trainingTask, bandTask, replicatesTask];

export { bandTask, convLengthsTask, fm2Task, lengthsTask, replicatesTask, residualLengthsTask, trainingTask };
