import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../lib/experiments/cli/cli';
import { csvField, decodeJson, encodeJson, ensureOutDir, formatCsv, makeDirs, writeCsv, writeFileAtomic, writeJson } from '../../lib/experiments/out/files';
import { formatTable } from '../../lib/experiments/out/table';

describe('experiments/files', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-files-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes atomically and leaves no temporary file', () => {
    const f = path.join(dir, 'a.txt');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, (w) => { w('two'); w(Buffer.from('!')); });
    expect(fs.readFileSync(f, 'utf8')).to.equal('two!');
    expect(fs.readdirSync(dir)).to.deep.equal(['a.txt']);
  });

  it('leaves neither a partial file nor a temporary one when the writer throws', () => {
    const f = path.join(dir, 'b.txt');
    expect(() => writeFileAtomic(f, (w) => { w('half'); throw new Error('disk on fire'); })).to.throw('disk on fire');
    expect(fs.existsSync(f)).to.equal(false);
    writeFileAtomic(f, 'old');
    expect(() => writeFileAtomic(f, (w) => { w('new'); throw new Error('again'); })).to.throw('again');
    expect(fs.readFileSync(f, 'utf8')).to.equal('old');
    expect(fs.readdirSync(dir).filter((n) => n.includes('b.txt'))).to.deep.equal(['b.txt']);
  });

  it('ensureOutDir creates nested folders and fails with a UsageError where it cannot', () => {
    const nested = path.join(dir, 'x', 'y');
    expect(ensureOutDir(nested)).to.equal(nested);
    expect(fs.readdirSync(nested)).to.deep.equal([]);
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, '');
    expect(() => ensureOutDir(path.join(file, 'sub'))).to.throw(UsageError, /cannot write to output folder .*ENOTDIR/);
  });

  it('makeDirs takes a folder that another task created after it looked (the Slurm array race)', () => {
    const made = path.join(dir, 'made', 'sub');
    makeDirs(made);
    // A look that still says "missing" for folders that exist by the time mkdir runs.
    expect(() => makeDirs(made, () => false)).not.to.throw();
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    expect(() => makeDirs(file, () => false)).to.throw(/EEXIST/);
  });

  it('formats CSV fields that round-trip', () => {
    const values = [0.1 + 0.2, 1 / 3, 1e-300, -5e300, 123456789012345680000, -0];
    for (const v of values) expect(Object.is(Number(csvField(v)), v), String(v)).to.equal(true);
    expect(csvField(null)).to.equal('');
    expect(csvField(undefined)).to.equal('');
    expect(csvField('a,"b"')).to.equal('"a,""b"""');
    expect(formatCsv(['d', 'v', 'note'], [{ d: 1, v: 0.5 }, { d: 2, v: null, note: 'x\ny' }])).to.equal('d,v,note\n1,0.5,\n2,,"x\ny"\n');
    const f = path.join(dir, 'c.csv');
    writeCsv(f, ['a'], [{ a: 1 }]);
    expect(fs.readFileSync(f, 'utf8')).to.equal('a\n1\n');
  });

  it('encodes JSON keeping NaN, ±Infinity and −0, and refuses typed arrays', () => {
    const v = { a: [NaN, Infinity, -Infinity, -0, 0, 1.5], b: 'x', c: null };
    const back = decodeJson(encodeJson(v)) as typeof v;
    expect(back.a.map((x) => Object.is(x, -0) ? '-0' : String(x))).to.deep.equal(['NaN', 'Infinity', '-Infinity', '-0', '0', '1.5']);
    expect(back.b).to.equal('x');
    expect(() => encodeJson({ t: new Float32Array(1) })).to.throw(TypeError, /typed arrays/);
    const f = path.join(dir, 'r.json');
    writeJson(f, { x: NaN });
    expect(Number.isNaN((decodeJson(fs.readFileSync(f, 'utf8')) as { x: number }).x)).to.equal(true);
  });

  it('prints aligned tables', () => {
    const t = formatTable(['depth', 'var', 'init'], [{ depth: 5, var: 1.23456, init: 'he' }, { depth: 100, var: 1e-7, init: 'xavier' }]);
    expect(t).to.equal(['depth    var  init', '-----  -----  ------', '    5  1.235  he', '  100   1e-7  xavier', ''].join('\n'));
  });
});
