// The committed paper-scale results (results/paper/) stay what the code makes of their recorded flags
// and seed: every folder is rechecked (recheck.ts: logged params, the quickest cells recomputed,
// CSVs rebuilt from the logs byte for byte). A change to a random stream or a cell breaks this spec
// until the affected results are regenerated, or the change explains why not.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { FIG1 } from '../lib/experiments/fig1';
import { recheck, recheckFolder } from '../lib/experiments/recheck';
import { captured, stdoutOf } from './fixtures/capture';

const PAPER = path.join(__dirname, '..', 'results', 'paper');

/** The folders of results/paper that hold an invocation record: each figure, and each shard folder one level down. */
function resultFolders(): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    const names = fs.readdirSync(dir).sort();
    if (names.some((f) => f.endsWith('.invocation.json'))) out.push(dir);
    if (depth < 2) for (const f of names) if (fs.statSync(path.join(dir, f)).isDirectory()) visit(path.join(dir, f), depth + 1);
  };
  if (fs.existsSync(PAPER)) visit(PAPER, 0);
  return out;
}

describe('committed paper-scale results are reproducible (results/paper)', function () {
  this.timeout(600000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-results-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const folders = resultFolders();
  it('finds the committed folders', () => {
    expect(folders.length).to.be.greaterThan(0);
  });
  for (const dir of folders) {
    it(path.relative(PAPER, dir), async () => {
      // The quickest cell of each experiment, when one took at most 20 s (a conv training epoch over
      // all of MNIST takes minutes: those experiments get the params and CSV checks only, and say so).
      const rep = await recheckFolder(dir, { cells: 1, maxSeconds: 20, scratch: tmp });
      expect(rep.problems, rep.lines.join('\n')).to.deep.equal([]);
      for (const line of rep.lines.filter((l) => /cells logged with the recorded params/.test(l))) expect(line).to.match(/1 of 1 recomputed identically|no logged cell took ≤ 20 s/);
      expect(rep.lines.join('\n')).to.match(/1 of 1 recomputed identically/);
    });
  }

  describe('the check fails where it should', () => {
    let run: string;
    before(async () => {
      run = path.join(tmp, 'small');
      await stdoutOf(() => FIG1.main(['--part', 'a', '--depths', '2,3', '--nets', '3', '--inits', 'he_normal', '--backend', 'reference', '--workers', '1', '--out', run]));
    });
    const copy = (name: string) => {
      const dir = path.join(tmp, name);
      fs.cpSync(run, dir, { recursive: true });
      return dir;
    };

    it('prints its report only: the rebuilt figures\' tables and "wrote" lines go nowhere', async () => {
      const chunks: string[] = [];
      const report = new Writable({ write: (c, _e, cb) => { chunks.push(String(c)); cb(); } });
      const { stdout } = await captured(() => recheck([copy('quiet')], report));
      expect(stdout).to.equal('');
      expect(chunks.join('')).to.match(/quiet: ok\n/).and.not.match(/wrote|Figure 1\(a\)/);
    });
    const edit = (file: string, from: RegExp, to: string) => {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).to.match(from);
      fs.writeFileSync(file, text.replace(from, to));
    };

    it('passes an untouched run', async () => {
      const rep = await recheckFolder(run, { cells: 2, maxSeconds: 600, scratch: tmp });
      expect(rep.problems).to.deep.equal([]);
      expect(rep.lines.join('\n')).to.match(/CSVs rebuilt from the logs byte for byte/);
    });

    it('a logged result the code does not compute', async () => {
      const dir = copy('result');
      // Every cell is recomputed (cells: 1000), so the edited one is among them.
      edit(path.join(dir, 'fig1a.jsonl'), /"dead":(\d+)/, '"dead":9$1');
      const rep = await recheckFolder(dir, { cells: 1000, maxSeconds: 600, scratch: tmp });
      expect(rep.problems.join('\n')).to.match(/computes to another result than its log holds/);
    });

    it('recomputes no cell slower than maxSeconds, and says so', async () => {
      // A logged time can be 0 (millisecond clock), so nothing is quicker than −1 s.
      const rep = await recheckFolder(run, { cells: 5, maxSeconds: -1, scratch: tmp });
      expect(rep.problems).to.deep.equal([]);
      expect(rep.lines.join('\n')).to.match(/fig1a: 2 of 2 cells logged with the recorded params; 0 of 0 recomputed identically \(no logged cell took ≤ -1 s; the quickest took \d+ s\)/);
    });

    it('a torn or corrupt log line', async () => {
      const dir = copy('torn');
      edit(path.join(dir, 'fig1a.jsonl'), /"dead":/, '"dead":,');
      const rep = await recheckFolder(dir, { cells: 0, maxSeconds: 600, scratch: tmp });
      expect(rep.problems.join('\n')).to.match(/fig1a\.jsonl line 1: not valid JSON/);
    });

    it('a logged cell whose params are not what the recorded flags make', async () => {
      const dir = copy('params');
      edit(path.join(dir, 'fig1.invocation.json'), /"3"/, '"4"');
      const rep = await recheckFolder(dir, { cells: 0, maxSeconds: 600, scratch: tmp });
      expect(rep.problems.join('\n')).to.match(/other params than the recorded flags make/);
    });

    it('a CSV the logs do not make', async () => {
      const dir = copy('csv');
      edit(path.join(dir, 'fig1a.csv'), /\n(\w)/, '\nX$1');
      const rep = await recheckFolder(dir, { cells: 0, maxSeconds: 600, scratch: tmp });
      expect(rep.problems).to.deep.equal(['fig1: fig1a.csv differs from what the logs make']);
    });

    it('refuses a folder that names an unknown script, loading nothing', async () => {
      const dir = copy('hostile');
      fs.writeFileSync(path.join(dir, 'evil.invocation.json'), JSON.stringify({ script: 'evil', runs: [[]] }));
      const err = await recheck([dir]).then(() => null, (e: Error) => e);
      expect(err?.name).to.equal('UsageError');
      expect(err?.message).to.match(/unknown script 'evil'/);
    });
  });
});
