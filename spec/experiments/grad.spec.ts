// grad.js as a user runs it: spawned, with bad input (one line, exit 2, nothing written), and a small
// run of both parts (grad_a.csv's fixed columns, exact theory beside each value, the same numbers for
// any --workers and for --shard halves merged with --resume, the report's claims built from the outputs).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectUsageErrors, readCsv, runScript, runWholeAndShards, scriptPath, tmpDir } from './script';
import { GRAD_A_COLUMNS } from '../../lib/experiments/report/grad-a';
import { GRAD_B_COLUMNS } from '../../lib/experiments/report/grad-b';
import { gradAClaims } from '../../lib/experiments/report/claims';

const script = scriptPath('grad');
const run = (...args: string[]) => runScript(script, ...args);
const tmp = () => tmpDir('grad-spec-');

/** Two families at two β and depth 3 from 12 inputs, one explicit architecture, two laws; part (b) on 2 nets × 8 images. */
const SMALL = ['--families', 'constant,alternating', '--betas', '0.5,1', '--depths', '3', '--widths', '6,10,6', '--input-dim', '12',
  '--nets', '0.5:30,1:60', '--inits', 'he_normal,he_uniform', '--norm-nets', '2', '--batch', '8'];

describe('grad.js', () => {
  it('bad input: one line on stderr, exit code 2, no output folder', async () => {
    const cases: [string[], RegExp][] = [
      [['--betas', '0'], /--betas expects β values > 0/],
      [['--betas', '20', '--depths', '10'], /no integer .* profile of depth 10 reaches β = 20/],
      [['--families', 'constant,wiggly'], /unknown family 'wiggly'/],
      [['--families', 'none'], /no architectures/],
      [['--nets', '10,20'], /--nets expects one count or β:count pairs, got '10'/],
      [['--nets', '1'], /--nets expects counts that are integers ≥ 2, got '1'/],
      [['--nets', '0.5:40,x:3'], /--nets expects a number, got 'x'/],
      [['--inits', 'he_normal,bogus'], /--inits: unknown initializer 'bogus'/],
      [['--part', 'c'], /--part expects one of a\|b\|all/],
      [['--batch', '0'], /--batch expects an integer in 1\.\.60000/],
      [['--norm-nets', '0'], /--norm-nets expects an integer ≥ 1/],
      [['--lr', '0'], /--lr expects a number > 0/],
      [['--dataset', 'cifar'], /--dataset expects one of mnist\|fashion-mnist/],
      [['--widths', '10,0,5'], /--widths: widths must be integers ≥ 1/],
      [['stray'], /unexpected argument 'stray'/],
    ];
    await expectUsageErrors(script, 'grad-spec-', cases);
  });

  it('a small run: fixed columns, exact theory beside each value, identical for any --workers and for merged shards', async () => {
    const a = tmp(), c = tmp();
    await runWholeAndShards(script, SMALL, a, c);

    const { header, rows } = readCsv(path.join(a, 'grad_a.csv'));
    expect(header.slice(0, 12)).to.deep.equal(['arch', 'init', 'depth', 'beta', 'nets', 'mean_sq_jacobian', 'mean_sq_jacobian_lo', 'mean_sq_jacobian_hi',
      'mean_sq_jacobian_theory', 'fourth_moment_jacobian', 'fourth_moment_jacobian_theory', 'fourth_moment_method']);
    expect(header).to.deep.equal([...GRAD_A_COLUMNS]);
    // (2 families × 2 β + 1 explicit) × 2 laws.
    expect(rows).to.have.length(10);
    for (const r of rows) {
      // He variance: E[Z²] = 1/n_0 exactly (THEORY.md §10.2); every i.i.d. law has an exact fourth moment.
      expect(Number(r.mean_sq_jacobian_theory)).to.be.closeTo(1 / 12, 1e-15);
      expect(r.fourth_moment_method).to.equal('exact');
      expect(Number(r.fourth_moment_jacobian_theory)).to.be.above(0);
      expect(Number(r.mean_sq_jacobian_lo)).to.be.at.most(Number(r.mean_sq_jacobian));
      expect(Number(r.mean_sq_jacobian_hi)).to.be.at.least(Number(r.mean_sq_jacobian));
      expect(Number(r.coverage_table)).to.be.within(0.5, 1);
      expect(['true', 'false']).to.include(r.undercovers);
      expect(Number(r.dead_fraction_exact)).to.be.within(0, 1);
    }
    expect(rows.map((r) => Number(r.nets))).to.include.members([30, 60]);
    const explicit = rows.find((r) => r.arch === 'explicit:6-10-6')!;
    expect(Number(explicit.beta)).to.be.closeTo(1 / 6 + 1 / 10 + 1 / 6, 1e-12);
    expect(Number(explicit.nets)).to.equal(30); // β ≈ 0.43: the count of the nearest target, 0.5

    const b = readCsv(path.join(a, 'grad_b.csv'));
    expect(b.header).to.deep.equal([...GRAD_B_COLUMNS]);
    expect(b.rows).to.have.length(10 * 4); // every architecture × law, layers 1..d+1 (d = 3)
    for (const r of b.rows) expect(Number(r.example_grad_w_sq_theory)).to.be.above(0);
    for (const f of ['grad_a.json', 'grad_a.svg', 'grad_a_mean_sq.svg', 'grad_a_fit.csv', 'grad_a_equal_beta.csv', 'grad_b.json', 'grad_b.svg', 'grad_b_update.svg', 'grad.invocation.json']) {
      expect(fs.existsSync(path.join(a, f)), f).to.equal(true);
    }
    const claims = gradAClaims(a);
    expect(claims.length).to.be.at.least(3);
    for (const k of claims) expect(k.verdict, k.claim).to.not.equal('not run');

    // Whichever shard finished last may already have written the CSVs; --resume computes nothing and writes them.
    const merged = await run(...SMALL, '--workers', '1', '--resume', '--out', c);
    expect(merged.status, merged.stderr).to.equal(0);
    for (const f of ['grad_a.csv', 'grad_a_fit.csv', 'grad_a_equal_beta.csv', 'grad_b.csv']) {
      expect(fs.readFileSync(path.join(c, f), 'utf8'), f).to.equal(fs.readFileSync(path.join(a, f), 'utf8'));
    }
  });

  it('--plan lists both parts\' cells with their cost and writes nothing', async () => {
    const out = path.join(tmp(), 'out');
    const r = await run(...SMALL, '--plan', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/grad_a\s+10 cells/);
    expect(r.stdout).to.match(/grad_b\s+10 cells/);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('orthogonal layers: E[Z²] exact, no fourth-moment recursion (the theory column empty, the method says so)', async () => {
    const out = tmp();
    const r = await run('--part', 'a', '--families', 'constant', '--betas', '0.5', '--depths', '2', '--input-dim', '8', '--inits', 'orthogonal', '--nets', '20', '--workers', '1', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const { rows } = readCsv(path.join(out, 'grad_a.csv'));
    expect(rows).to.have.length(1);
    expect(rows[0].fourth_moment_method).to.equal('none');
    expect(rows[0].fourth_moment_jacobian_theory).to.equal('');
    expect(Number(rows[0].mean_sq_jacobian_theory)).to.be.above(0);
  });
});
