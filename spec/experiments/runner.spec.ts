import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { UsageError } from '../../lib/experiments/cli/cli';
import { CellError } from '../../lib/experiments/run/pool';
import { readLog } from '../../lib/experiments/run/runlog';
import { mergeLogs, runExperiment, shardCells, type Experiment, type RunOptions } from '../../lib/experiments/run/runner';
import { asyncTask, neverTask, strayTask, task, typedTask, type Params, type Result } from '../fixtures/task';
import type { Task } from '../../lib/experiments/run/task';


function sink(): Writable & { text: string } {
  const s = new Writable({ write(c, _e, cb) { s.text += String(c); cb(); } }) as Writable & { text: string };
  s.text = '';
  return s;
}

/** Cells whose early members are slowest, so that two workers finish them out of order. */
function experiment(n: number, seed = 7, extra: Partial<Params> = {}, t: Task<Params, Result> = task): Experiment<Params, Result> {
  const cells = Array.from({ length: n }, (_, i) => ({ key: `n=${i}`, params: { n: i, seed, delayMs: i < 3 ? 30 - 10 * i : 0, ...extra } }));
  return { name: 'fx', task: t, cells };
}

describe('experiments/runner', () => {
  let root: string;
  let count = 0;
  const fresh = () => fs.mkdtempSync(path.join(root, `d${count++}-`));
  const opts = (out: string, o: Partial<RunOptions> = {}): RunOptions => ({ out, workers: 1, resume: false, shard: null, stderr: null, ...o });
  before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'st-runner-')); });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('returns the same results in cell order with 1 and 2 workers, sync or async', async () => {
    const exp = experiment(8);
    const one = await runExperiment(exp, opts(fresh()));
    const two = await runExperiment(exp, opts(fresh(), { workers: 2 }));
    const asy = await runExperiment(experiment(8, 7, {}, asyncTask), opts(fresh(), { workers: 3 }));
    expect(one.complete).to.equal(true);
    expect(one.results.map((r) => r.key)).to.deep.equal(exp.cells.map((c) => c.key));
    expect(two.results).to.deep.equal(one.results);
    expect(asy.results).to.deep.equal(one.results);
    // Values JSON cannot hold plainly come back intact.
    expect(Object.is(one.results[0].result.special[3], -0)).to.equal(true);
    expect(Number.isNaN(one.results[0].result.special[0])).to.equal(true);
    // The 2-worker log is in completion order, yet the results are in cell order.
    const logged = readLog(two.log).records.map((r) => r.key);
    expect([...logged].sort()).to.deep.equal(exp.cells.map((c) => c.key).sort());
  });

  it('resumes after a torn log: reports and skips the torn line, ends equal to an uninterrupted run', async () => {
    const exp = experiment(6);
    const whole = await runExperiment(exp, opts(fresh()));
    const dir = fresh();
    const first = await runExperiment(exp, opts(dir, { workers: 2 }));
    // Simulate a kill mid-write: keep two whole lines and half of the third.
    const text = fs.readFileSync(first.log, 'utf8');
    const lines = text.split('\n');
    fs.writeFileSync(first.log, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, lines[2].length >> 1)}`);
    const err = sink();
    const resumed = await runExperiment(exp, opts(dir, { resume: true, stderr: err, workers: 2 }));
    expect(err.text).to.match(/warning: skipping .*fx\.jsonl line 3: not valid JSON/);
    expect(err.text).to.match(/2 resumed/);
    expect(resumed.results).to.deep.equal(whole.results);
    const after = readLog(resumed.log);
    expect(after.corrupt).to.deep.equal([]);
    expect(after.records.map((r) => r.key).sort()).to.deep.equal(exp.cells.map((c) => c.key).sort());
    // Resuming a finished run computes nothing and changes nothing.
    const before = fs.readFileSync(resumed.log, 'utf8');
    const again = await runExperiment({ ...exp, task: neverTask }, opts(dir, { resume: true }));
    expect(again.results).to.deep.equal(whole.results);
    expect(fs.readFileSync(resumed.log, 'utf8')).to.equal(before);
  });

  it('never reuses a record whose params differ (another seed)', async () => {
    const dir = fresh();
    await runExperiment(experiment(3, 1), opts(dir));
    const err = sink();
    const other = await runExperiment(experiment(3, 2), opts(dir, { resume: true, stderr: err }));
    expect(err.text).to.match(/3 log record\(s\) have a cell's key but other params/);
    const direct = await runExperiment(experiment(3, 2), opts(fresh()));
    expect(other.results).to.deep.equal(direct.results);
    // A run without --resume starts a new log but keeps the old one aside.
    const old = fs.readFileSync(other.log, 'utf8');
    await runExperiment(experiment(3, 2), opts(dir));
    expect(fs.readFileSync(`${other.log}.prev`, 'utf8')).to.equal(old);
  });

  it('runs 3 shards whose merged logs equal a single run', async () => {
    const exp = experiment(10);
    const whole = await runExperiment(exp, opts(fresh(), { workers: 2 }));
    const merged = fresh();
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const dir = fresh();
      const part = await runExperiment(exp, opts(dir, { shard: { index: i, count: 3 } }));
      expect(part.complete).to.equal(false);
      expect(part.results.map((r) => r.key)).to.deep.equal(shardCells(exp.cells, { index: i, count: 3 }).map((c) => c.key));
      seen.push(...part.results.map((r) => r.key));
      fs.copyFileSync(part.log, path.join(merged, path.basename(part.log)));
    }
    expect(seen.sort()).to.deep.equal(exp.cells.map((c) => c.key).sort());
    const m = mergeLogs(exp, merged, null);
    expect(m.complete).to.equal(true);
    expect(m.results).to.deep.equal(whole.results);
    // Shards sharing one folder: the last to finish completes the run.
    const shared = fresh();
    let last = null;
    for (let i = 1; i <= 3; i++) last = await runExperiment(exp, opts(shared, { shard: { index: i, count: 3 }, workers: 2 }));
    expect(last!.complete).to.equal(true);
    expect(last!.results).to.deep.equal(whole.results);
    // A partial merge says what is missing.
    fs.rmSync(path.join(merged, 'fx.shard-2-of-3.jsonl'));
    expect(mergeLogs(exp, merged, null).missing).to.deep.equal(shardCells(exp.cells, { index: 2, count: 3 }).map((c) => c.key));
  });

  it('surfaces task errors with the cell key, inline and on threads; finished cells stay logged', async () => {
    for (const workers of [1, 2]) {
      const exp = experiment(4);
      const cells = exp.cells.map((c, i) => (i === 2 ? { ...c, params: { ...c.params, fail: 'error' as const } } : c));
      const dir = fresh();
      let caught: unknown;
      try { await runExperiment({ ...exp, cells }, opts(dir, { workers })); } catch (e) { caught = e; }
      expect(caught, `workers=${workers}`).to.be.instanceOf(CellError);
      expect((caught as Error).message).to.match(/^cell 'n=2' failed: boom at n=2\n\d of 4 cells are in .*fx\.jsonl; once the cause is fixed, rerun with --resume to continue$/);
      if (workers === 1) expect((caught as Error).message).to.include('\n2 of 4 cells are in');
      expect((caught as Error).stack).to.include('task.js');
      if (workers === 1) expect(readLog(path.join(dir, 'fx.jsonl')).records.map((r) => r.key)).to.deep.equal(['n=0', 'n=1']);
      const usage = exp.cells.map((c, i) => (i === 1 ? { ...c, params: { ...c.params, fail: 'usage' as const } } : c));
      let u: unknown;
      try { await runExperiment({ ...exp, cells: usage }, opts(fresh(), { workers })); } catch (e) { u = e; }
      expect(u).to.be.instanceOf(UsageError);
      expect((u as Error).message).to.equal("cell 'n=1': n=1 is too large for this machine");
    }
  });

  it('rejects bad experiments: repeated keys, results that are not plain JSON, tasks outside the worker table', async () => {
    const exp = experiment(2);
    const dup = { ...exp, cells: [exp.cells[0], exp.cells[0]] };
    let e1: unknown;
    try { await runExperiment(dup, opts(fresh())); } catch (e) { e1 = e; }
    expect(String(e1)).to.match(/cell key 'n=0' repeats/);
    let e2: unknown;
    try { await runExperiment({ ...exp, task: typedTask }, opts(fresh(), { workers: 2 })); } catch (e) { e2 = e; }
    expect(String(e2)).to.match(/cell 'n=[01]': result is not plain JSON: typed arrays/);
    let e3: unknown;
    try { await runExperiment({ ...exp, task: strayTask }, opts(fresh(), { workers: 2 })); } catch (e) { e3 = e; }
    expect(String(e3)).to.match(/task 'stray' is not in this worker's table/);
  });

  describe('spawned script killed mid-run', () => {
    const script = path.join(__dirname, '..', 'fixtures', 'cli.js');
    const args = (out: string) => [script, '--ns', '1:8:1', '--delay', '120', '--workers', '2', '--out', out];

    async function startAndWait(out: string, lines: number) {
      const child = spawn(process.execPath, args(out), { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += String(d); });
      const log = path.join(out, 'fixture.jsonl');
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        if (fs.existsSync(log) && fs.readFileSync(log, 'utf8').split('\n').length > lines) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { child, log, stderr: () => stderr };
    }
    const exited = (c: ReturnType<typeof spawn>) => new Promise<number | null>((r) => c.on('exit', (code) => r(code)));

    it('keeps finished cells after SIGKILL, and --resume completes with the same output', async () => {
      const ref = fresh();
      const whole = spawnSync(process.execPath, [script, '--ns', '1:8:1', '--workers', '1', '--out', ref], { encoding: 'utf8' });
      expect(whole.status).to.equal(0);
      const out = fresh();
      const { child, log } = await startAndWait(out, 2);
      child.kill('SIGKILL');
      await exited(child);
      const kept = readLog(log).records.length;
      expect(kept).to.be.within(2, 7);
      const resumed = spawnSync(process.execPath, [...args(out), '--resume'], { encoding: 'utf8' });
      expect(resumed.status).to.equal(0);
      expect(resumed.stdout).to.equal(whole.stdout);
      expect(fs.readFileSync(path.join(out, 'fixture.csv'), 'utf8')).to.equal(fs.readFileSync(path.join(ref, 'fixture.csv'), 'utf8'));
    });

    it('exits 130 on SIGINT, saying how to resume', async () => {
      const { child, stderr } = await startAndWait(fresh(), 1);
      child.kill('SIGINT');
      expect(await exited(child)).to.equal(130);
      expect(stderr()).to.match(/interrupted by SIGINT: \d+ of 8 cells are in .*fixture\.jsonl; rerun with --resume/);
    });
  });
});
