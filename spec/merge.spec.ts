// Scale-out: a run split into 3 shards (in 3 folders) and merged gives byte-identical CSVs to one run.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resultArgv } from '../lib/experiments/cli/invocation';

const ROOT = path.join(__dirname, '..');
const node = (script: string, args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'lib/experiments', script), ...args], { encoding: 'utf8' });

describe('shards and merge.js', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-spec-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('drops only the flags that do not change results', () => {
    expect(resultArgv(['--nets', '5', '--out', 'x', '--shard=1/3', '--resume', '--workers', '2', '--seed', '4']))
      .to.deep.equal(['--nets', '5', '--seed', '4']);
  });

  it('fig1: 3 shards merged equal a single run, byte for byte', () => {
    const flags = ['--part', 'a', '--inits', 'he_normal,glorot_uniform', '--depths', '2,3,5', '--nets', '7', '--seed', '9', '--backend', 'reference'];
    const single = path.join(tmp, 'single');
    let r = node('fig1.js', [...flags, '--out', single, '--workers', '1']);
    expect(r.status, r.stderr).to.equal(0);
    const shards = [1, 2, 3].map((i) => path.join(tmp, `shard${i}`));
    shards.forEach((dir, i) => {
      r = node('fig1.js', [...flags, '--out', dir, '--workers', '2', '--shard', `${i + 1}/3`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(fs.existsSync(path.join(dir, 'fig1a.csv'))).to.equal(false);
    });
    const merged = path.join(tmp, 'merged');
    r = node('merge.js', ['--out', merged, ...shards]);
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(merged, 'fig1a.csv'), 'utf8')).to.equal(fs.readFileSync(path.join(single, 'fig1a.csv'), 'utf8'));
  });

  it('refuses shards run with different flags, and folders that are not outputs (exit 2, one line)', () => {
    const a = path.join(tmp, 'a'), b = path.join(tmp, 'b');
    expect(node('fig1.js', ['--part', 'a', '--depths', '2', '--nets', '2', '--inits', 'he_normal', '--out', a, '--shard', '1/2', '--workers', '1']).status).to.equal(0);
    expect(node('fig1.js', ['--part', 'a', '--depths', '2', '--nets', '3', '--inits', 'he_normal', '--out', b, '--shard', '2/2', '--workers', '1']).status).to.equal(0);
    let r = node('merge.js', [a, b]);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/different flags/);
    r = node('merge.js', [tmp]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/invocation/);
  });
});
