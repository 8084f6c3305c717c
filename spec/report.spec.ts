// The report's pieces: CSV read-back, the weighted slope, and claim verdicts on synthetic outputs
// whose truth we set.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { equalBetaClaims, fig1aClaims, fig3bClaims, fisherOneSided, reachClaims, slopeClaims, studentQuantile } from '../lib/experiments/report/claims';
import { EQUAL_BETA_COLUMNS } from '../lib/experiments/report/equal-beta';
import { binomialTwoSidedP, weightedSlope } from '../lib/nn/stats';
import { parseCsv } from '../lib/experiments/out/csv';
import { formatCsv } from '../lib/experiments/out/files';

const FIG1A_HEAD = 'init,depth,width,nets,log10_mean_ratio,log10_mean_ratio_lo,log10_mean_ratio_hi,log10_theory_ratio';

function fig1aRows(slopeOf: (init: string) => number): string {
  const lines = [FIG1A_HEAD];
  for (const [init, c] of [['he_normal', 1], ['glorot_uniform', 0.5]] as const) {
    for (const d of [10, 20, 30, 40]) {
      const y = slopeOf(init) * d;
      lines.push(`${init},${d},${d},100,${y},${y - 0.0196},${y + 0.0196},${Math.log10(c) * d}`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('report: CSV read-back and claims', () => {
  it('parseCsv reads back what formatCsv writes (quotes, empties, numbers)', () => {
    const rows = [{ a: 'x,"y"', b: 1.5, c: null }, { a: 'plain', b: -0, c: 'z' }];
    const back = parseCsv(formatCsv(['a', 'b', 'c'], rows));
    expect(back[0]).to.deep.equal({ a: 'x,"y"', b: 1.5, c: null });
    expect(back[1].a).to.equal('plain');
    expect(back[1].c).to.equal('z');
  });

  it('weightedSlope recovers an exact line and scales its error with the point sd', () => {
    const a = weightedSlope([1, 2, 3, 4], [3, 5, 7, 9], [0.1, 0.1, 0.1, 0.1]);
    expect(a.slope).to.be.closeTo(2, 1e-12);
    const b = weightedSlope([1, 2, 3, 4], [3, 5, 7, 9], [0.2, 0.2, 0.2, 0.2]);
    expect(b.se / a.se).to.be.closeTo(2, 1e-12);
  });

  it('slope claims hold when the data follow log10 c per layer and fail when they do not', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-spec-'));
    try {
      fs.writeFileSync(path.join(tmp, 'fig1a.csv'), fig1aRows((i) => (i === 'he_normal' ? 0 : Math.log10(0.5))));
      expect(fig1aClaims(tmp).map((c) => c.verdict)).to.deep.equal(['holds', 'holds']);
      // A 0.774× variance (the Keras truncation) read as He: −0.111 per layer against 0 predicted.
      fs.writeFileSync(path.join(tmp, 'fig1a.csv'), fig1aRows((i) => (i === 'he_normal' ? -0.111 : Math.log10(0.5))));
      expect(fig1aClaims(tmp).map((c) => c.verdict)).to.deep.equal(['fails', 'holds']);
      expect(slopeClaims('x', [], 'init', () => '')).to.deep.equal([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the tests behind the verdicts: Fisher exact, Student t quantiles', () => {
    // 10/10 against 2/10 reached: P = C(10,10)·C(10,2)/C(20,12) = 45/125970.
    expect(fisherOneSided(10, 10, 2, 10)).to.be.closeTo(45 / 125970, 1e-12);
    expect(fisherOneSided(5, 10, 5, 10)).to.be.above(0.5);
    expect(studentQuantile(0.975, 4)).to.be.closeTo(2.7764, 1e-4);
    expect(studentQuantile(0.975, 1)).to.be.closeTo(12.7062, 1e-4);
    expect(studentQuantile(0.995, 7)).to.be.closeTo(3.4995, 1e-4);
  });

  it('equal-β claims: the paper\'s claim only where every width is ≥ 10; the exact-law claim fails on a misfit', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-spec-'));
    try {
      const row = (depth: number, b: number, minWidth: number, dLive: number, misfit: number) => () => ({
        depth, beta_target: b, method: 'exact_sampler', init: 'he_normal', families: 5, min_width: minWidth, dead_min: 0, dead_max: 0.01,
        p_dead_min: 0, p_dead_max: 0.01, dead_p: deadP[depth], D_all: dLive, D_all_exact: dLive, pair_all: 'a/b', D_live: dLive, D_live_exact: dLive,
        pair_live: 'a/b', D_live_second_order: dLive, delta_S2: 0.01, exact_misfit: misfit, crit_1e6: 0.027, sketch_error: 0.004, next_beta: null, min_D_live_next_beta: null,
      });
      // Each group's smallest exact binomial p of a family's dead count (20,000 paths each). One dead
      // net where 0.01 are expected is no evidence (p ≈ 0.02, above the Bonferroni level; a normal z
      // of 9.9 would call it a failure); 30 where 25 are expected at depth 10 is within chance.
      const deadP: Record<number, number> = {};
      let rows: (() => object)[] = [];
      const write = (r: (() => object)[]) => {
        rows = r;
        fs.writeFileSync(path.join(tmp, 'fig2a_equal_beta.csv'), formatCsv(EQUAL_BETA_COLUMNS, r.map((f) => f()) as never));
      };
      const counts = (deadWide: number, deadNarrow: number) => {
        deadP[40] = binomialTwoSidedP(deadWide, 20000, 0.01 / 20000);
        deadP[10] = binomialTwoSidedP(deadNarrow, 20000, 25 / 20000);
        write(rows);
      };
      counts(1, 30);
      write([row(40, 1, 19, 0.01, 0.5), row(10, 2, 2, 0.2, 0.5)]);
      let claims = equalBetaClaims(tmp);
      // One paper claim (the wide group) and one exact-law claim over both groups.
      expect(claims.map((c) => c.verdict)).to.deep.equal(['holds', 'holds']);
      expect(claims[0].claim).to.match(/depth 40, β = 1, every width ≥ 10/);
      // Above the critical value 0.027 but within the sketches' resolution 0.004 of it: no evidence.
      write([row(40, 1, 19, 0.030, 0.5), row(10, 2, 2, 0.2, 0.5)]);
      expect(equalBetaClaims(tmp)[0].verdict).to.equal('holds');
      write([row(40, 1, 19, 0.05, 0.5), row(10, 2, 2, 0.2, 1.5)]);
      claims = equalBetaClaims(tmp);
      expect(claims.map((c) => c.verdict)).to.deep.equal(['fails', 'fails']);
      // Misfits gone, but dead counts the exact law does not allow: 5 where 0.01 are expected.
      write([row(40, 1, 19, 0.01, 0.5), row(10, 2, 2, 0.2, 0.5)]);
      counts(5, 30);
      expect(equalBetaClaims(tmp)[1].verdict).to.equal('fails');
      counts(0, 80);
      expect(equalBetaClaims(tmp)[1].verdict).to.equal('fails');
      counts(0, 25);
      expect(equalBetaClaims(tmp)[1].verdict).to.equal('holds');
      for (const c of claims) for (const k of ['statistic', 'test', 'sample'] as const) expect(c[k]).to.not.equal('');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the training panels\' claim (Figure 1(b), conv (c)): every He run reaches, and the others\' fall with depth passes Fisher\'s test', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-spec-'));
    // reached[init] = runs of 2 that reach the target at depths 5 and 10; maxEpochs = the epoch limit.
    const write = (name: string, reached: Record<string, [number, number]>, maxEpochs: number) => {
      const rows = Object.entries(reached).flatMap(([init, r]) => [5, 10].map((depth, i) => ({ init, depth, runs: 2, reached: r[i] })));
      fs.writeFileSync(path.join(tmp, `${name}.csv`), formatCsv(['init', 'depth', 'runs', 'reached'], rows));
      fs.writeFileSync(path.join(tmp, `${name}_runs.csv`), formatCsv(['epochs_run'], [{ epochs_run: maxEpochs }, { epochs_run: 1 }]));
    };
    const verdict = (name: string) => reachClaims(tmp, name === 'conv_c' ? 'Conv (c)' : 'Figure 1(b)', name)[0];
    try {
      expect(verdict('conv_c').verdict).to.equal('not run');
      write('conv_c', { he_normal: [2, 2], he_uniform: [2, 2], glorot_uniform: [2, 0], glorot_normal_truncated: [2, 0] }, 10);
      const c = verdict('conv_c');
      expect(c).to.include({ figure: 'Conv (c)', verdict: 'holds' });
      expect(c.sample).to.equal('16 runs: 2 depths × 4 inits × 2 runs, at most 10 epochs; others: 4 runs at depth 5, 4 at depth 10');
      // 4 of 4 against 0 of 4: p = 1/C(8, 4) = 1/70.
      expect(c.measured).to.equal('He: 100% of runs reached (4/4 depth×init cells all reached); others: 4/4 (100%) at depth 5, 0/4 (0%) at depth 10; Fisher p = 0.0143');
      write('conv_c', { he_normal: [2, 2], glorot_uniform: [2, 1] }, 10); // 2 of 2, then 1 of 2: the direction, no evidence
      expect(verdict('conv_c').verdict).to.equal('inconclusive');
      write('fig1b', { he_normal: [2, 1], glorot_uniform: [2, 0] }, 8); // a He miss a longer run might mend
      expect(verdict('fig1b').verdict).to.equal('inconclusive');
      write('fig1b', { he_normal: [2, 1], glorot_uniform: [2, 0] }, 100); // the same miss at the paper's limit
      expect(verdict('fig1b').verdict).to.equal('fails');
      write('fig1b', { he_normal: [2, 2], glorot_uniform: [1, 2] }, 100); // the others do better deeper
      expect(verdict('fig1b').verdict).to.equal('fails');
      write('fig1b', { he_normal: [2, 2], glorot_uniform: [2, 2] }, 100); // the others never fall behind He
      expect(verdict('fig1b').verdict).to.equal('fails');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('Figure 3(b)\'s schedule claim needs both Fisher tests: η = 1 falls with L, and FM1-avoiding schedules beat it at the largest L', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fig3b-spec-'));
    // reached[schedule] = runs of `runs` that reach at L = 1 and L = 200 (convention linear; inv2 avoids FM1 there).
    const write = (runs: number, reached: Record<string, [number, number]>) => {
      const rows = Object.entries(reached).flatMap(([schedule, r]) => [1, 200].map((modules, i) => ({ convention: 'linear', schedule, modules, runs, reached: r[i] })));
      fs.writeFileSync(path.join(tmp, 'fig3b.csv'), formatCsv(['convention', 'schedule', 'modules', 'runs', 'reached'], rows));
    };
    try {
      expect(fig3bClaims(tmp)[0].verdict).to.equal('not run');
      write(5, { 'const:1': [5, 0], inv2: [5, 5] }); // each test: 5 of 5 against 0 of 5, p = 1/C(10, 5) = 1/252
      let c = fig3bClaims(tmp)[0];
      expect(c.verdict).to.equal('holds');
      expect(c.measured).to.equal('η = 1: 5/5 at L = 1, 0/5 at L = 200 (Fisher p = 0.0040); FM1-avoiding at L = 200: 5/5 (100%; against η = 1, Fisher p = 0.0040)');
      write(2, { 'const:1': [2, 0], inv2: [2, 2] }); // the same picture from 2 runs: p = 1/6
      expect(fig3bClaims(tmp)[0].verdict).to.equal('inconclusive');
      write(5, { 'const:1': [5, 5], inv2: [5, 5] }); // η = 1 does not fall
      expect(fig3bClaims(tmp)[0].verdict).to.equal('fails');
      write(5, { 'const:1': [5, 0], inv2: [5, 3] }); // 3 of 5 beats 0 of 5 (p = 0.083), but misses the 75% floor
      c = fig3bClaims(tmp)[0];
      expect(c.verdict).to.equal('fails');
      expect(fisherOneSided(3, 5, 0, 5)).to.be.closeTo(21 / 252, 1e-12);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reproduce --report only writes REPORT.md from existing outputs, marking figures not run', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-spec-'));
    try {
      fs.mkdirSync(path.join(tmp, 'fig1'));
      fs.writeFileSync(path.join(tmp, 'fig1', 'fig1a.csv'), fig1aRows((i) => (i === 'he_normal' ? 0 : Math.log10(0.5))));
      // Run records are read as data: values print as the script's --help shows them, a value its
      // format cannot read prints as JSON, and a key no flag has is shown as it is.
      fs.writeFileSync(path.join(tmp, 'fig1', 'fig1a.json'), JSON.stringify({ config: { part: 'a', depths: [10, 20], input: { kind: 'mnist', index: 3 }, constructor: { a: 1 } }, seconds: 2, cell_seconds: 30 }));
      fs.writeFileSync(path.join(tmp, 'fig1', 'fig1b.json'), JSON.stringify({ config: { part: 'b', input: null }, seconds: '2' }));
      fs.mkdirSync(path.join(tmp, 'fig2'));
      fs.writeFileSync(path.join(tmp, 'fig2', 'fig2a.json'), '{"config": ');
      const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'experiments', 'reproduce.js'), '--report', 'only', '--out', tmp], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      const md = fs.readFileSync(path.join(tmp, 'REPORT.md'), 'utf8');
      expect(md).to.match(/\| Figure 1\(a\) \| he_normal: .*\| ✅ holds \|/);
      expect(md).to.match(/Figure 1\(b\).*— not run/);
      expect(md).to.include('Configuration (`fig1/fig1a.json`): part=a depths=10,20 input=mnist:3 constructor={"a":1}; 2.0 s wall (its last invocation), 30.0 s of summed cell time');
      expect(md).to.include('Configuration (`fig1/fig1b.json`): part=b input=null\n');
      expect(md).to.match(/Configuration \(`fig2\/fig2a.json`\): unreadable run record \(.*JSON.*\)/);
      expect(md).to.not.include('[object Object]');
      expect(md).to.match(/## Figure 3[^\n]*\n\n[^\n]*\n\n_Not run._/);
      // A folder with no figure's outputs (a mistyped --out) is refused, and nothing is created.
      for (const empty of [path.join(tmp, 'fig1'), path.join(tmp, 'no-such')]) {
        const e = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'experiments', 'reproduce.js'), '--report', 'only', '--out', empty], { encoding: 'utf8' });
        expect(e.status).to.equal(2);
        expect(e.stderr).to.match(/^error: --report only: .* holds no figure's outputs .*\n$/);
      }
      expect(fs.existsSync(path.join(tmp, 'no-such'))).to.equal(false);
      expect(fs.existsSync(path.join(tmp, 'fig1', 'REPORT.md'))).to.equal(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
