// The figure scripts by name: the fixed table merge.js and reproduce.js take a script from. A results
// folder's record names one of these (never a file), and nothing else can run.

import type { ExperimentScript } from './cli/script';
import { CONV } from './conv';
import { FIG1 } from './fig1';
import { FIG2 } from './fig2';
import { FIG3 } from './fig3';
import { GRAD } from './grad';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each script has its own flag table
export const FIGURE_SCRIPTS: Readonly<Record<string, ExperimentScript<any>>> = { fig1: FIG1, fig2: FIG2, fig3: FIG3, conv: CONV, grad: GRAD };
