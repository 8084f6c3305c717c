// The experiment-script frame (cli/script.ts): --plan on every experiment CLI, orphaned temporary
// files, the debugger switch, and (statically) that no path from data can reach require or spawn.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONV } from '../../lib/experiments/conv';
import { FIG1 } from '../../lib/experiments/fig1';
import { FIG2 } from '../../lib/experiments/fig2';
import { FIG3 } from '../../lib/experiments/fig3';
import { GRAD } from '../../lib/experiments/grad';
import { reproduce } from '../../lib/experiments/reproduce';
import { Plan } from '../../lib/experiments/run/plan';
import { stdoutOf } from '../fixtures/capture';

const ROOT = path.join(__dirname, '..', '..');

describe('experiment scripts: plan, folders, debugger', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'script-spec-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--plan prints cells, core-hours and peak memory for every experiment CLI, and writes nothing', async () => {
    const runs: [string, (argv: string[]) => Promise<void>][] = [
      ['fig1', (a) => FIG1.main(a)], ['fig2', (a) => FIG2.main(a)], ['fig3', (a) => FIG3.main(a)], ['conv', (a) => CONV.main(a)], ['grad', (a) => GRAD.main(a)], ['reproduce', (a) => reproduce(a)],
    ];
    for (const [name, run] of runs) {
      const out = path.join(tmp, `plan-${name}`);
      const text = await stdoutOf(() => run(['--plan', '--out', out]));
      expect(text, name).to.match(new RegExp(`^${name}: plan \\(nothing run\\)\\. Estimates from`));
      expect(text, name).to.match(/\d+ cells/);
      expect(text, name).to.match(/total: \d+ cells to run, about (≤ )?[\d.e+-]+ core-hours .* peak memory about [\d.]+ [KMG]iB \(this machine allows/);
      expect(fs.existsSync(out), name).to.equal(false);
    }
    const paper = await stdoutOf(() => FIG1.main(['--plan', '--preset', 'paper', '--out', path.join(tmp, 'p')]));
    expect(paper).to.match(/fig1a +60 cells/);
    expect(paper).to.match(/fig1b +300 cells .*≤/);
  });

  it('every preset of every experiment script plans (the paper presets included)', async () => {
    // A preset is the project's own choice of sizes: each must pass the same checks a user's flags do.
    const scripts: [string, (argv: string[]) => Promise<void>][] = [
      ['fig1', (a) => FIG1.main(a)], ['fig2', (a) => FIG2.main(a)], ['fig3', (a) => FIG3.main(a)], ['conv', (a) => CONV.main(a)], ['grad', (a) => GRAD.main(a)],
    ];
    for (const [name, run] of scripts) {
      for (const preset of ['quick', 'paper']) {
        const argv = ['--plan', '--preset', preset, '--out', path.join(tmp, `presets-${name}-${preset}`)];
        expect(await stdoutOf(() => run(argv)), `${name} ${preset}`).to.match(/total: \d+ cells to run/);
      }
    }
  });

  it('--plan with --resume counts only the cells left', async () => {
    const out = path.join(tmp, 'resume');
    const argv = ['--part', 'a', '--depths', '2,3', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference', '--out', out];
    await stdoutOf(() => FIG1.main([...argv, '--shard', '1/2']));
    const text = await stdoutOf(() => FIG1.main([...argv, '--plan', '--resume']));
    expect(text).to.match(/fig1a +2 cells +1 to run/);
  });

  it('a plan sums its cells and refuses what cannot fit', () => {
    const p = new Plan();
    p.add('x', [{ key: 'a', cost: { seconds: 3600, bytes: 1 << 20 } }, { key: 'b', cost: { seconds: 3600, bytes: 2 << 20, atMost: true } }], new Set(['a']));
    expect(p.seconds).to.equal(3600);
    expect(p.experiments[0]).to.deep.include({ cells: 2, todo: 1, atMost: true });
    expect(() => p.check('x', 1, 1 << 20)).to.throw(/needs about .* this machine allows 1.0 MiB/);
    expect(() => new Plan().add('y', [{ key: 'big', cost: { seconds: 1, bytes: 1, pool: { name: 'pool', bytes: 2, capacity: 1 } } }])).to.throw(/cell 'big' of y needs about .* in the pool/);
  });

  it('removes temporary files that killed writes left, but not those of live processes or other machines', async () => {
    const out = path.join(tmp, 'orphans');
    fs.mkdirSync(out);
    const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    // A process id that is surely gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const orphan = `.fig1a.csv.${host}-${dead}-0-3.tmp`, live = `.fig1a.json.${host}-${process.pid}-1-0.tmp`, other = `.fig1a.svg.elsewhere-${dead}-0-0.tmp`;
    for (const f of [orphan, live, other]) fs.writeFileSync(path.join(out, f), 'half');
    await stdoutOf(() => FIG1.main(['--part', 'a', '--depths', '2', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference', '--out', out]));
    const left = fs.readdirSync(out);
    expect(left).to.not.include(orphan);
    expect(left).to.include.members([live, other, 'fig1a.csv']);
  });

  it('runs parts with other flags side by side in one folder, each checked against its own record', async () => {
    const out = path.join(tmp, 'parts');
    const a = ['--part', 'a', '--depths', '2', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference', '--out', out];
    await stdoutOf(() => FIG1.main(a));
    await stdoutOf(() => FIG3.main(['--part', 'a', '--schedules', 'inv', '--convention', 'linear', '--modules', '1', '--width', '2', '--nets', '2', '--workers', '1', '--out', out]));
    // fig1 part a again with the same flags (also --resume) is fine; with another seed it is not.
    await stdoutOf(() => FIG1.main([...a, '--resume']));
    let err: Error | null = null;
    await FIG1.main([...a, '--seed', '3', '--resume']).catch((e: Error) => { err = e; });
    expect(err).to.match(/--resume: .* was run with other flags: --seed 0 \(now 3\)/);
    const record = JSON.parse(fs.readFileSync(path.join(out, 'fig1.invocation.json'), 'utf8')) as { runs: string[][] };
    expect(record.runs).to.have.length(1);
  });

  it('with a debugger attached, cells run in the main thread (one line says so) and the run finishes', () => {
    const out = path.join(tmp, 'inspect');
    const r = spawnSync(process.execPath, ['--inspect=127.0.0.1:0', path.join(ROOT, 'lib/experiments/fig1.js'), '--part', 'a', '--depths', '2,3', '--nets', '2',
      '--inits', 'he_normal', '--workers', '2', '--backend', 'reference', '--out', out], { encoding: 'utf8', timeout: 60000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('a debugger is attached'))).to.have.length(1);
    expect(fs.existsSync(path.join(out, 'fig1a.csv'))).to.equal(true);
  });

  it('security: no path reaches require, import(), a Worker or spawn except code constants (reviewed sites only)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(path.join(d, e.name));
      }
    };
    walk('lib');
    walk('data');
    const sites: string[] = [];
    for (const f of files) {
      fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').forEach((line) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        // Calls of the functions themselves (not methods such as RegExp.exec), with a first argument that is not a literal.
        for (const m of line.matchAll(/(?<![\w.])(require|import|new Worker|spawnSync|spawn|execFile|execSync|exec|fork)\(\s*([^)'"`\s][^,)]*)/g)) {
          if (m[2].includes(':')) continue; // a method's typed parameter list (Rng's fork(...keys: number[])), not a call
          sites.push(`${f}: ${m[1]}(${m[2].trim()}`);
        }
      });
    }
    // Each allowed site takes a constant of the code: a task's compiled worker entry (cells/task.ts,
    // CELL_WORKER), or reproduce's fixed table of figure scripts (report/figures.ts).
    expect(sites.sort()).to.deep.equal([
      'lib/experiments/reproduce.ts: spawnSync(process.execPath',
      'lib/experiments/run/pool.ts: new Worker(o.task.worker',
    ]);
    for (const f of ['lib/experiments/merge.ts', 'lib/experiments/cli/invocation.ts']) {
      expect(fs.readFileSync(path.join(ROOT, f), 'utf8'), f).to.not.match(/child_process|require\(|import\(|new Worker/);
    }
  });
});
