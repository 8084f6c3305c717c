// docs/paper-scale.md's plan table says what `--plan` says: each row's command is planned again here
// and its cells and core-hours must match the row.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPERIMENT_SCRIPTS } from '../lib/experiments/scripts';
import { stdoutOf } from './fixtures/capture';

const DOC = path.join(__dirname, '..', 'docs', 'paper-scale.md');

describe('docs/paper-scale.md plan table', function () {
  this.timeout(120000);
  const rows = fs.readFileSync(DOC, 'utf8').split('\n')
    .map((l) => /^\| `(\w+)\.js([^`]*)` \| (\d+) \| (≤ )?([\d.]+) \|/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);

  it('has a row for every figure script and part', () => {
    expect(rows.length).to.be.greaterThan(10);
    expect(new Set(rows.map((m) => m[1]))).to.deep.equal(new Set(Object.keys(EXPERIMENT_SCRIPTS)));
  });

  for (const m of rows) {
    const [, id, flags, cells, atMost, hours] = m;
    it(`${id}.js${flags}`, async () => {
      const out = path.join(os.tmpdir(), 'paper-scale-spec-never-written');
      const argv = [...flags.trim().split(/\s+/).filter((a) => a !== ''), '--preset', 'paper', '--plan', '--out', out];
      const text = await stdoutOf(() => EXPERIMENT_SCRIPTS[id].main(argv));
      const total = /total: (\d+) cells to run, about (≤ )?([\d.e+-]+) core-hours/.exec(text);
      expect(total, text).to.not.equal(null);
      expect({ cells: total![1], atMost: total![2] ?? '', hours: total![3] }).to.deep.equal({ cells, atMost: atMost ?? '', hours });
      expect(fs.existsSync(out)).to.equal(false);
    });
  }
});
