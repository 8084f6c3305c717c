// The report's pieces: CSV read-back, the weighted slope, and claim verdicts on synthetic outputs
// whose truth we set.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fig1aClaims, slopeClaims } from '../lib/experiments/report/claims';
import { weightedSlope } from '../lib/nn/stats';
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

  it('reproduce --report only writes REPORT.md from existing outputs, marking figures not run', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-spec-'));
    try {
      fs.mkdirSync(path.join(tmp, 'fig1'));
      fs.writeFileSync(path.join(tmp, 'fig1', 'fig1a.csv'), fig1aRows((i) => (i === 'he_normal' ? 0 : Math.log10(0.5))));
      const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'experiments', 'reproduce.js'), '--report', 'only', '--out', tmp], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      const md = fs.readFileSync(path.join(tmp, 'REPORT.md'), 'utf8');
      expect(md).to.match(/\| Figure 1\(a\) \| he_normal: .*\| ✅ holds \|/);
      expect(md).to.match(/Figure 1\(b\).*— not run/);
      expect(md).to.match(/## Figure 3[^\n]*\n\n[^\n]*\n\n_Not run._/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
