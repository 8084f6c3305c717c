// fig1.js part (a) as a user runs it: bad --input values (one line, exit 2, no output folder), and one
// fixed MNIST image as the input of every net, whose slopes must match the theory: with zero biases
// E[M_d/M_0] does not depend on the input's direction (THEORY.md §2.2), and the first layer's fan-in is
// the image's 784 pixels. Each slope is tested at 4 standard errors of its weighted fit (false failure
// 6·10⁻⁵ per slope); every row's estimate must lie inside its own interval.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsv } from '../../lib/experiments/out/csv';
import { FASHION_MNIST_DIR } from '../../data/mnist';

const script = path.join(__dirname, '..', '..', 'lib', 'experiments', 'fig1.js');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('fig1.js part (a) with a data-set image as input', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fig1-spec-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('bad --input: one line on stderr, exit code 2, no output folder', () => {
    const cases: [string, RegExp][] = [
      ['mnist:x', /needs a 0-based image index/],
      ['mnist:99999', /image 99999 is out of range: the mnist test set holds 10000 images/],
      ['cifar:/nonexistent/batch.bin:3', /cannot read CIFAR-10 batch \/nonexistent\/batch\.bin/],
      ['cifar:', /names no CIFAR-10 batch file/],
      ['imagenet', /expects unit, mnist\[:INDEX\]/],
    ];
    if (!fs.existsSync(FASHION_MNIST_DIR)) cases.push(['fashion', /Fashion-MNIST: not found/]);
    for (const [input, pattern] of cases) {
      const out = path.join(tmp, `bad-${input.replace(/[^a-z0-9]/gi, '_')}`);
      const r = run('--part', 'a', '--input', input, '--out', out);
      expect(r.status, input + r.stderr).to.equal(2);
      expect(r.stderr, input).to.match(/^error: [^\n]+\n$/);
      expect(r.stderr, input).to.match(pattern);
      expect(fs.existsSync(out), input).to.equal(false);
    }
  });

  it('--input mnist:0: the per-layer slopes match log10 c, every point inside its interval, the image in the run record', () => {
    const out = path.join(tmp, 'mnist');
    const r = run('--part', 'a', '--input', 'mnist:0', '--inits', 'he_normal,glorot_uniform', '--depths', '3,6,9', '--width', '20',
      '--nets', '300', '--band-replicates', '200', '--workers', '2', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const rows = parseCsv(fs.readFileSync(path.join(out, 'fig1a.csv'), 'utf8'));
    expect(rows).to.have.length(6);
    for (const row of rows) {
      expect(row.input).to.equal('mnist:0');
      expect(row.log10_mean_ratio as number).to.be.within(row.log10_mean_ratio_lo as number, row.log10_mean_ratio_hi as number);
    }
    const record = JSON.parse(fs.readFileSync(path.join(out, 'fig1a.json'), 'utf8')) as {
      image: { label: number; pixels: number; index: number }; slopes: { init: string; theory_slope: number; measured_slope: number; measured_slope_se: number }[];
    };
    // MNIST test image 0 is a 7.
    expect(record.image).to.include({ label: 7, pixels: 784, index: 0 });
    for (const s of record.slopes) {
      expect(Math.abs(s.measured_slope - s.theory_slope), s.init).to.be.below(4 * s.measured_slope_se);
    }
  });

  if (fs.existsSync(FASHION_MNIST_DIR)) {
    it('--input fashion:1 runs when Debian\'s dataset-fashion-mnist is installed', () => {
      const out = path.join(tmp, 'fashion');
      const r = run('--part', 'a', '--input', 'fashion:1', '--inits', 'he_normal', '--depths', '3', '--width', '10', '--nets', '20', '--band-replicates', '100', '--out', out);
      expect(r.status, r.stderr).to.equal(0);
      expect(fs.readFileSync(path.join(out, 'fig1a.csv'), 'utf8')).to.contain('fashion:1');
    });
  }
});
