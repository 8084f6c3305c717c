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
    // --check: each shard's cells logged, ready or not (exit 0 or 1), and nothing written. Shard 2's
    // copy lacks its last cell; shard 3 is absent.
    const partial = path.join(tmp, 'shard2-partial');
    fs.cpSync(shards[1], partial, { recursive: true });
    const log = path.join(partial, 'fig1a.shard-2-of-3.jsonl');
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    fs.writeFileSync(log, lines.slice(0, -1).map((l) => `${l}\n`).join(''));
    r = node('merge.js', ['--check', '--out', merged, shards[0], partial]);
    expect(r.status, r.stderr).to.equal(1);
    expect(lines).to.have.length(2); // 6 cells (2 inits × 3 depths), 2 a shard
    expect(r.stdout).to.include('fig1a: 3 of 6 cells logged\n  shard 1/3: complete\n  shard 2/3: 1 of 2 cells\n  shard 3/3: 0 of 2 cells\n');
    expect(r.stdout).to.match(/\nnot ready: fig1a lacks 3 of 6 cells \(no fig1a\.shard-3-of-3\.jsonl; e\.g\. '[^']+'\).*\n$/);
    r = node('merge.js', ['--check', '--out', merged, ...shards]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('fig1a: 6 of 6 cells logged\n  shard 1/3: complete\n  shard 2/3: complete\n  shard 3/3: complete\n');
    expect(r.stdout).to.match(/\nready to merge: the logs hold every cell\n$/);
    expect(fs.existsSync(merged)).to.equal(false);
    expect(node('merge.js', ['--check', '--compute', ...shards]).stderr).to.match(/^error: --check writes nothing and --compute computes/);
    // A planted log named for a split into 2^53 − 1 shards: only the shards that own cells are listed.
    const planted = path.join(tmp, 'planted');
    fs.cpSync(shards[0], planted, { recursive: true });
    fs.renameSync(path.join(planted, 'fig1a.shard-1-of-3.jsonl'), path.join(planted, `fig1a.shard-1-of-${Number.MAX_SAFE_INTEGER}.jsonl`));
    r = node('merge.js', ['--check', planted]);
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.include(`  shard 6/${Number.MAX_SAFE_INTEGER}: 0 of 1 cells\n`).and.not.to.include('shard 7/');
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
