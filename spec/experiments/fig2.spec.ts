// fig2.js as a user runs it: spawned, with bad input (one line, exit 2, nothing written), a small
// complete part (a) (the CSV's fixed columns, one row per architecture × init × method, the same numbers
// for any --workers and for --shard halves merged with --resume), and a tiny part (b).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectUsageErrors, readCsv, runScript, runWholeAndShards, scriptPath, tmpDir } from './script';
import { FIG2A_COLUMNS } from '../../lib/experiments/report/fig2a';

const script = scriptPath('fig2');
const run = (...args: string[]) => runScript(script, ...args);
const tmp = () => tmpDir('fig2-spec-');

/** A run small enough for a spec: two families at one β and depth 4, plus one explicit architecture. */
const SMALL = ['--part', 'a', '--families', 'constant,alternating', '--betas', '0.5', '--depths', '4', '--widths', '6,10,6', '--input-dim', '16',
  '--nets', '40', '--sampler-nets', '300', '--sampler-betas', '2', '--sampler-depths', 'none'];

describe('fig2.js', () => {
  it('bad input: one line on stderr, exit code 2, no output folder', async () => {
    const cases: [string[], RegExp][] = [
      [['--widths', '10,0,5'], /--widths: widths must be integers ≥ 1, got '0'/],
      [['--widths', '10,x;5'], /--widths: widths must be integers ≥ 1/],
      [['--widths', ';'], /--widths: needs at least one architecture/],
      [['--betas', '20', '--depths', '10'], /no integer .* profile of depth 10 reaches β = 20/],
      [['--families', 'constant', '--betas', '4', '--depths', '10'], /no integer constant profile .*closest: 3\.333/],
      [['--betas', '1e-7', '--depths', '3'], /needs .* widths above 100000/],
      [['--betas', '0'], /--betas expects β values > 0/],
      [['--families', ''], /--families needs a non-empty list/],
      [['--families', 'constant,wiggly'], /unknown family 'wiggly'/],
      [['--families', 'none'], /no architectures/],
      [['--families', 'constant', '--betas', 'none', '--sampler-betas', 'none'], /needs target β values/],
      [['--inits', 'orthogonal'], /i\.i\.d\./],
      [['--part', 'b', '--train-betas', '20', '--train-depths', '10'], /no integer .* profile of depth 10 reaches β = 20/],
      [['--part', 'b', '--families', 'none'], /no architectures to train/],
      [['--part', 'b', '--train-init', 'bogus'], /--train-init/],
    ];
    await expectUsageErrors(script, 'fig2-spec-', cases);
  });

  it('a small run: fixed CSV columns, rows per architecture × init × method, identical for any --workers and for merged shards', async () => {
    const a = tmp(), c = tmp();
    const one = await runWholeAndShards(script, SMALL, a, c);
    const { header, rows } = readCsv(path.join(a, 'fig2a.csv'));
    expect(header.slice(0, 14)).to.deep.equal(['arch', 'init', 'depth', 'beta', 'nets', 'mean_ratio', 'second_moment', 'second_moment_theory',
      'log10_var_ratio', 'var_hat_mean', 'var_hat_theory', 'q05_log10_ratio', 'q50_log10_ratio', 'q95_log10_ratio']);
    expect(header).to.deep.equal([...FIG2A_COLUMNS]);
    // 3 architectures × (2 inits of real nets + the sampler) + 2 sampler-only architectures at β = 2.
    expect(rows).to.have.length(11);
    expect(rows.filter((r) => r.method === 'exact_sampler')).to.have.length(5);
    expect(new Set(rows.map((r) => r.family))).to.deep.equal(new Set(['constant', 'alternating', 'explicit']));
    const explicit = rows.find((r) => r.arch === 'explicit:6-10-6')!;
    expect(Number(explicit.beta)).to.be.closeTo(1 / 6 + 1 / 10 + 1 / 6, 1e-12);
    expect(Number(explicit.depth)).to.equal(3);
    for (const f of ['fig2a.json', 'fig2a.svg', 'fig2a_quantiles.svg', 'fig2a_equal_beta.csv', 'fig2a_equal_beta.svg', 'fig2.invocation.json']) expect(fs.existsSync(path.join(a, f)), f).to.equal(true);
    expect(one.stdout).to.match(/Nets needed for a trustworthy sample second moment/);

    // Whichever shard finished last may already have written the CSV; --resume computes nothing and writes it.
    const merged = await run(...SMALL, '--workers', '1', '--resume', '--out', c);
    expect(merged.status, merged.stderr).to.equal(0);
    // Byte-identical: the CSV holds no timings.
    expect(fs.readFileSync(path.join(c, 'fig2a.csv'), 'utf8')).to.equal(fs.readFileSync(path.join(a, 'fig2a.csv'), 'utf8'));
  });

  it('part (b): one training run per architecture, fig2b.csv with the fixed columns first', async () => {
    const out = tmp();
    // Depth 2 at β = 1: widths of 1 to 5, one epoch each; the training itself is tested in train.spec.
    const r = await run('--part', 'b', '--families', 'constant,increasing', '--train-betas', '1', '--train-depths', '2', '--runs', '1',
      '--max-epochs', '1', '--workers', '1', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const { header, rows } = readCsv(path.join(out, 'fig2b.csv'));
    expect(header.slice(0, 6)).to.deep.equal(['arch', 'depth', 'beta', 'runs', 'reached', 'mean_epochs_to_target']);
    expect(rows.map((x) => x.family)).to.deep.equal(['constant', 'increasing']);
    for (const x of rows) expect(Number(x.beta)).to.be.closeTo(1, 0.05);
    expect(readCsv(path.join(out, 'fig2b_runs.csv')).rows).to.have.length(2);
    expect(fs.existsSync(path.join(out, 'fig2a.csv'))).to.equal(false);
  });
});
