// The worker entry of the cell pool: serves the fixed table of cell tasks (nothing else can run here).

import { serveTasks } from '../run/worker';
import { CELL_TASKS } from './index';

serveTasks(CELL_TASKS);
