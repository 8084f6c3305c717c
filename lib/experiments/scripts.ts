// The figure scripts that write results folders, in one fixed table. A results folder's invocation
// record names one of these by id; merge.js, recheck.js and reproduce.js look it up here, so nothing
// read from a folder can choose a module to load.

import type { ExperimentScript } from './cli/script';
import { UsageError } from './errors';
import { CONV } from './conv';
import { COVERAGE } from './coverage';
import { FIG1 } from './fig1';
import { FIG2 } from './fig2';
import { FIG3 } from './fig3';
import { GRAD } from './grad';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each script has its own flag table
export const EXPERIMENT_SCRIPTS: Readonly<Record<string, ExperimentScript<any>>> = { fig1: FIG1, fig2: FIG2, fig3: FIG3, conv: CONV, grad: GRAD, coverage: COVERAGE };

/** The script a record names; a name outside the table is a UsageError naming the file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export function scriptNamed(id: string, file: string): ExperimentScript<any> {
  if (!Object.hasOwn(EXPERIMENT_SCRIPTS, id)) throw new UsageError(`${file}: unknown script '${id}' (known: ${Object.keys(EXPERIMENT_SCRIPTS).join(', ')})`);
  return EXPERIMENT_SCRIPTS[id];
}
