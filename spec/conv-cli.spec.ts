// conv.js end to end by spawning it: bad input is one line on stderr, exit code 2, and no output
// folder; a tiny run (CIFAR-10 batch file generated here) writes conv_a.csv with the fixed columns.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CIFAR_PIXELS, CIFAR_RECORD, cifarImage, parseCifarBatch, readCifarBatch } from '../data/cifar';
import { DatasetError } from '../data/mnist';
import { errorOf } from './errors';

const script = path.join(__dirname, '..', 'lib', 'experiments', 'conv.js');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60000 });

/** A CIFAR-10 batch of `n` records with labels i mod 10 and pixel bytes (i + k) mod 256. */
function cifarBytes(n: number): Uint8Array {
  const buf = new Uint8Array(n * CIFAR_RECORD);
  for (let i = 0; i < n; i++) {
    buf[i * CIFAR_RECORD] = i % 10;
    for (let k = 0; k < CIFAR_PIXELS; k++) buf[i * CIFAR_RECORD + 1 + k] = (i + k) % 256;
  }
  return buf;
}

describe('conv.js', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-cli-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads CIFAR-10 binary batches, and names the file in one-line errors', () => {
    const b = parseCifarBatch(cifarBytes(3), 'x.bin');
    expect(b.count).to.equal(3);
    expect(Array.from(b.labels)).to.deep.equal([0, 1, 2]);
    const img = cifarImage(b, 2);
    expect(img.length).to.equal(3072);
    expect(img[0]).to.equal(2 / 255);
    expect(img[1024]).to.equal(((2 + 1024) % 256) / 255); // the green plane starts at 1024: C×H×W
    for (const [bytes, re] of [[new Uint8Array(0), /empty/], [new Uint8Array(3074), /not a whole number of 3073-byte/]] as const) {
      const e = errorOf(() => parseCifarBatch(bytes, 'bad.bin'));
      expect(e).to.be.instanceOf(DatasetError);
      expect(e.message).to.match(re).and.not.include('\n');
    }
    const bad = cifarBytes(2);
    bad[CIFAR_RECORD] = 12;
    expect(() => parseCifarBatch(bad, 'l.bin')).to.throw(DatasetError, /record 1 has label 12/);
    expect(() => readCifarBatch(path.join(dir, 'missing.bin'))).to.throw(DatasetError, /cannot read .*ENOENT/);
    expect(() => cifarImage(b, 3)).to.throw(DatasetError, /out of range/);
  });

  it('exits 2 with one line on stderr and writes nothing for bad sizes, strides, channels and files', () => {
    const truncated = path.join(dir, 'truncated.bin');
    fs.writeFileSync(truncated, cifarBytes(2).subarray(0, 5000));
    const cases: [string[], RegExp][] = [
      [['--padding', 'valid', '--size', '4', '--kernel', '5'], /kernel 5 is larger than the input 4 \(valid padding\)/],
      [['--padding', 'valid', '--size', '8', '--depths', '5'], /depth 5.*conv layer 4: height: kernel 3 is larger than the input 2/],
      [['--channels', '0'], /--channels expects a positive integer/],
      [['--b-channels', '4,0'], /--b-channels/],
      [['--in-channels', '0'], /--in-channels/],
      [['--stride', '0'], /--stride/],
      [['--stride', '1.5'], /--stride/],
      [['--input', 'cifar:' + path.join(dir, 'nope.bin')], /--input: cannot read CIFAR-10 batch .*nope\.bin/],
      [['--input', 'cifar:' + truncated], /--input: .*truncated\.bin: 5000 bytes is not a whole number/],
      [['--input', 'imagenet'], /--input expects unit, mnist\[:INDEX\], fashion\[:INDEX\] or cifar:PATH\[:INDEX\]/],
      [['--part', 'c', '--padding', 'valid', '--train-depths', '14'], /depth 14, mnist test #0 input.*kernel 3 is larger than the input/],
      [['--part', 'c', '--limit-train', '-1'], /--limit-train/],
      [['--input', 'mnist:10000'], /--input: image 10000 is out of range: the mnist test set holds 10000 images/],
      // The index was once its own flag; it is now fig1's syntax, one flag.
      [['--input', 'mnist', '--image', '3'], /--image/],
      [['--b-init', 'orthogonal'], /--b-init: .*i\.i\.d\./],
    ];
    for (const [args, re] of cases) {
      const out = path.join(dir, `out-${cases.findIndex((c) => c[0] === args)}`);
      const r = run(...args, '--out', out, '--workers', '1');
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(/^error: [^\n]+\n$/);
      expect(r.stderr, args.join(' ')).to.match(re);
      expect(fs.existsSync(out), `${args.join(' ')} left ${out}`).to.equal(false);
    }
  });

  it('runs part a on one CIFAR-10 image and writes conv_a.csv with the fixed columns first', () => {
    const file = path.join(dir, 'data_batch_tiny.bin');
    fs.writeFileSync(file, cifarBytes(3));
    const out = path.join(dir, 'ok');
    const r = run('--part', 'a', '--input', `cifar:${file}:1`, '--depths', '1,2', '--channels', '2', '--nets', '4',
      '--inits', 'he_normal', '--workers', '1', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const lines = fs.readFileSync(path.join(out, 'conv_a.csv'), 'utf8').trim().split('\n');
    expect(lines[0].startsWith('init,depth,channels,kernel,nets,log10_mean_ratio,log10_mean_ratio_lo,log10_mean_ratio_hi,log10_theory_ratio,')).to.equal(true);
    expect(lines).to.have.length(3);
    expect(lines[1]).to.match(/^he_normal,1,2,3,4,/);
    for (const f of ['conv_a.json', 'conv_a.svg']) expect(fs.existsSync(path.join(out, f)), f).to.equal(true);
    // The dashed curve is the conv recursion with its borders, not fig1's ∏c_j; the subtitle says which.
    const svg = fs.readFileSync(path.join(out, 'conv_a.svg'), 'utf8');
    expect(svg).to.include('dashed: theory: the exact recursion for same padding, borders included').and.not.to.include('∏c_j');
  });

  it('runs part a on an MNIST test image and part c (a tiny training run) end to end', () => {
    const out = path.join(dir, 'mnist');
    const r = run('--part', 'a', '--input', 'mnist:3', '--depths', '2', '--channels', '2', '--nets', '3', '--inits', 'he_normal',
      '--workers', '1', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(out, 'conv_a.csv'), 'utf8')).to.include('mnist test #3');
    const c = run('--part', 'c', '--train-inits', 'he_normal', '--train-depths', '1', '--train-channels', '2', '--runs', '1', '--max-epochs', '1',
      '--limit-train', '64', '--limit-test', '64', '--batch', '32', '--workers', '1', '--out', out);
    expect(c.status, c.stderr).to.equal(0);
    const lines = fs.readFileSync(path.join(out, 'conv_c.csv'), 'utf8').trim().split('\n');
    expect(lines[0].startsWith('init,depth,channels,runs,reached,')).to.equal(true);
    expect(lines[1]).to.match(/^he_normal,1,2,1,/);
  });
});
