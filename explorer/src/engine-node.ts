// The explorer's door into the project's Node-only modules (files, the CLI framework, MNIST's IDX
// files, the backend registry), for its CLI and its server. The page never imports this file.

export { createBackend } from '../../lib/kernels/index';
export { defineCli, intFlag, main, parseCli, stringFlag, UsageError } from '../../lib/experiments/cli/cli';
export { decodeJson, ensureOutDir, writeCsv } from '../../lib/experiments/out/files';
export { Progress } from '../../lib/experiments/run/progress';
export { stringKey } from '../../lib/experiments/cells/shared';
export { printTable } from '../../lib/experiments/out/table';
export { DatasetError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, mnistDataDir, parseIdx } from '../../data/mnist';
