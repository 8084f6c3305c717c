// The backends the command-line tools (train.js, the benches) can name with --backend. The fast
// WebAssembly backend joins this table when it lands; every tool then offers it.

import type { Backend } from '../kernels/backend';
import { ReferenceBackend } from '../kernels/reference';

export const BACKENDS: Readonly<Record<string, () => Backend>> = {
  reference: () => new ReferenceBackend(),
};

export const BACKEND_NAMES: readonly string[] = Object.keys(BACKENDS);
