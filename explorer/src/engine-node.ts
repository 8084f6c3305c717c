// The explorer's door into the project's Node-only modules (files, the CLI framework, MNIST's IDX
// files, the backend registry), for its CLI and its server. The page never imports this file.

export { createBackend } from '../../lib/kernels/index';
export { defineCli, intFlag, main, parseCli, stringFlag, UsageError } from '../../lib/experiments/cli';
export { decodeJson, ensureOutDir, writeCsv } from '../../lib/experiments/files';
export { checkBackend } from '../../lib/experiments/flags';
export { Progress } from '../../lib/experiments/progress';
export { stringKey } from '../../lib/experiments/cells';
export { printTable } from '../../lib/experiments/table';
export { DatasetError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, mnistDataDir, parseIdx } from '../../lib/nn/mnist';
