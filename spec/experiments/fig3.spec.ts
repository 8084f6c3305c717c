// fig3.js as a user runs it: bad input is one line and exit code 2 with nothing written; a tiny run
// writes fig3a.csv with the documented columns first.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const script = path.join(__dirname, '..', '..', 'lib', 'experiments', 'fig3.js');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60000 });

describe('fig3.js (spawned)', () => {
  let root = '';
  before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'st-fig3-')); });
  after(() => { fs.rmSync(root, { recursive: true, force: true }); });

  const bad: [string[], RegExp][] = [
    [['--schedules', 'const:-1'], /--schedules: .*scales must be ≥ 0/],
    [['--schedules', 'inv,list:0.5,-0.2'], /--schedules: .*scales must be ≥ 0/],
    [['--schedules', 'geom:-0.9'], /scales must be ≥ 0/],
    [['--schedules', 'harmonic'], /--schedules: unknown schedule 'harmonic'/],
    [['--modules', '0'], /--modules expects an integer ≥ 1/],
    [['--modules', '5,5'], /--modules lists 5 twice/],
    [['--schedules', 'list:1,2', '--modules', '1,3'], /defines 2 scales, but --modules asks for L = 3/],
    [['--module-widths', '0'], /--module-widths/],
    [['--init', 'nope'], /--init: unknown initializer/],
    [['--convention', 'post'], /--convention expects one of linear\|relu\|both/],
    [['--width', '0'], /--width/],
    [['--part', 'b', '--train-modules', '0'], /--train-modules expects an integer ≥ 1/],
    [['--part', 'b', '--schedules', 'list:1', '--train-modules', '1,2'], /--train-modules asks for L = 2/],
    [['--part', 'b', '--runs', '0'], /--runs/],
  ];
  for (const [args, pattern] of bad) {
    it(`rejects ${args.join(' ')}: one line, exit 2, nothing written`, () => {
      const out = path.join(root, `bad-${args.join('_').replace(/[^\w.-]/g, '_')}`);
      const r = run(...args, '--out', out);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/^error: /);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(pattern);
      expect(fs.existsSync(out)).to.equal(false);
    });
  }

  it('writes fig3a.csv with the documented columns first, one row per convention × schedule × L', () => {
    const out = path.join(root, 'tiny');
    const r = run('--part', 'a', '--modules', '1,3', '--nets', '4', '--width', '6', '--workers', '1', '--schedules', 'inv,invL,list:0.5,0.2,0.1', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const lines = fs.readFileSync(path.join(out, 'fig3a.csv'), 'utf8').trim().split('\n');
    expect(lines[0].startsWith('convention,schedule,modules,width,nets,log10_mean_ratio,log10_mean_ratio_lo,log10_mean_ratio_hi,'
      + 'log10_theory_ratio,log10_second_moment_ratio,mean_log10_ratio,sd_log10_ratio')).to.equal(true);
    expect(lines).to.have.length(1 + 2 * 3 * 2);
    expect(lines.some((l) => l.startsWith('linear,"list:0.5,0.2,0.1",3,6,'))).to.equal(true);
    for (const f of ['fig3a.json', 'fig3a.svg', 'fig3a_zoom.svg', 'fig3a_fm2.svg']) expect(fs.existsSync(path.join(out, f)), f).to.equal(true);
  });
});
