import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { boolFlag, defineCli, enumFlag, floatFlag, floatListFlag, intFlag, intListFlag, parseCli, parseIntList, parseShard, showFlag, stringFlag, UsageError, usage } from '../../lib/experiments/cli/cli';
import { netsAtBetaFlag, parseNets } from '../../lib/experiments/cli/architectures';

const spec = defineCli({
  name: 'demo',
  summary: 'A demo.',
  flags: {
    depths: intListFlag('depths'),
    nets: intFlag('nets per depth', { min: 0 }),
    scales: floatListFlag('scales', { default: [0.5, 1] }),
    lr: floatFlag('learning rate', { default: 0.1, min: 0 }),
    init: enumFlag(['he', 'xavier'], 'initializer', { default: 'he' }),
    tag: stringFlag('a label', { default: 'x' }),
    verbose: boolFlag('talk more'),
  },
  presets: { quick: { depths: [5, 10], nets: 10 }, paper: { depths: [10, 20, 30], nets: 1000, init: 'xavier' } },
});

const parse = (...argv: string[]) => parseCli(spec, argv)!;
const fails = (argv: string[], pattern: RegExp) => {
  expect(() => parseCli(spec, argv)).to.throw(UsageError, pattern);
  try { parseCli(spec, argv); } catch (e) { expect((e as Error).message).not.to.include('\n'); }
};

describe('experiments/cli', () => {
  it('parses int lists, ranges and mixtures', () => {
    expect(parseIntList('10,20,30', '--d')).to.deep.equal([10, 20, 30]);
    expect(parseIntList('10:50:20', '--d')).to.deep.equal([10, 30, 50]);
    expect(parseIntList('5, 10:30:10', '--d')).to.deep.equal([5, 10, 20, 30]);
    expect(parseIntList('10:15:10', '--d')).to.deep.equal([10]);
  });

  it('rejects bad lists, naming the flag', () => {
    for (const bad of ['', ',', '1,x', '1.5', '0', '-3', '1e3', '10:5:1', '1:2', '1:9:0', '0x10']) {
      expect(() => parseIntList(bad, '--depths'), bad).to.throw(UsageError, /--depths/);
    }
  });

  it('applies the default preset, and explicit flags override it (0 included)', () => {
    const a = parse();
    expect(a.preset).to.equal('quick');
    expect(a.depths).to.deep.equal([5, 10]);
    expect(a.nets).to.equal(10);
    expect(a.init).to.equal('he');
    const b = parse('--preset', 'paper', '--nets', '0', '--lr', '0', '--init', 'he');
    expect(b.depths).to.deep.equal([10, 20, 30]);
    expect(b.nets).to.equal(0);
    expect(b.lr).to.equal(0);
    expect(b.init).to.equal('he');
    expect(parse('--depths=3:9:3').depths).to.deep.equal([3, 6, 9]);
  });

  it('fills the common flags', () => {
    const a = parse('--seed', '9007199254740991', '--workers', '3', '--resume', '--shard', '2/5', '--out', '/tmp/x', '--verbose');
    expect(a).to.include({ seed: 2 ** 53 - 1, workers: 3, resume: true, out: '/tmp/x', verbose: true });
    expect(a.shard).to.deep.equal({ index: 2, count: 5 });
    const d = parse();
    expect(d).to.include({ seed: 0, resume: false, out: 'results/demo', verbose: false });
    expect(d.shard).to.equal(null);
    expect(d.workers).to.be.at.least(1);
    expect(parse('--scales', '1e-3,-2.5,.5').scales).to.deep.equal([1e-3, -2.5, 0.5]);
  });

  it('gives one-line UsageErrors that name the flag', () => {
    fails(['--bogus'], /unknown flag --bogus/);
    fails(['--depths'], /--depths needs a value/);
    fails(['--depths', '--nets', '3'], /--depths needs a value/);
    fails(['--depths', ''], /--depths needs a non-empty list/);
    fails(['--scales', ','], /--scales needs a non-empty list/);
    fails(['--depths', '4,,8'], /--depths: empty item in the list '4,,8'/);
    fails(['--depths', '4,8,'], /--depths: empty item/);
    fails(['--scales', 'NaN'], /--scales/);
    fails(['--init', 'lecun'], /--init expects one of he\|xavier/);
    fails(['--seed', '-1'], /--seed/);
    fails(['--seed', String(2 ** 53)], /--seed/);
    fails(['--workers', '0'], /--workers/);
    fails(['--shard', '0/3'], /--shard/);
    fails(['--shard', '4/3'], /--shard/);
    fails(['--shard', '1'], /--shard expects i\/N/);
    fails(['--resume=yes'], /--resume takes no value/);
    fails(['--preset', 'huge'], /--preset expects one of quick\|paper/);
    fails(['stray'], /unexpected argument 'stray'/);
    fails(['--lr', '-1'], /--lr/);
  });

  it('requires a flag with no default and no preset value', () => {
    const s = { name: 'r', summary: '', flags: { n: intFlag('n') } };
    expect(() => parseCli(s, [])).to.throw(UsageError, /--n is required/);
    expect(parseCli(s, ['--n', '-4'])!.n).to.equal(-4);
  });

  it('prints usage from the flag table on --help', () => {
    let text = '';
    const sink = new Writable({ write(c, _e, cb) { text += String(c); cb(); } });
    expect(parseCli(spec, ['--help'], sink)).to.equal(null);
    expect(text).to.equal(usage(spec));
    for (const f of ['--depths LIST', '--shard i/N', '--workers N', '--resume', 'quick: 5,10', 'paper: 10,20,30']) expect(text).to.include(f);
  });

  it('refuses a flag whose object default --help could not print', () => {
    const input = { help: 'x', default: { kind: 'unit' }, parse: (t: string) => ({ kind: t }) };
    expect(() => defineCli({ name: 'bad', summary: 's', flags: { input } })).to.throw(/--input has an object default but no format/);
    expect(usage(defineCli({ name: 'ok', summary: 's', flags: { input: { ...input, format: (v: { kind: string }) => v.kind } } }))).to.match(/default unit/);
    // A list of objects too (grad's --nets): a run record holds them as plain objects.
    const nets = { help: 'x', parse: (t: string) => [{ n: Number(t) }] };
    expect(() => defineCli({ name: 'bad', summary: 's', flags: { nets }, presets: { quick: { nets: [{ n: 2 }] } } })).to.throw(/--nets has an object default but no format/);
  });

  it('shows a recorded value as --help does, and one its format cannot read as JSON', () => {
    expect(showFlag(netsAtBetaFlag, JSON.parse(JSON.stringify(parseNets('0.1:100,2:2000'))))).to.equal('0.1:100,2:2000');
    expect(showFlag(netsAtBetaFlag, null)).to.equal('null');
    expect(showFlag(undefined, { a: 1 })).to.equal('{"a":1}');
    expect(showFlag(undefined, [10, 20])).to.equal('10,20');
    expect(showFlag(undefined, [{ a: 1 }])).to.equal('[{"a":1}]');
  });

  it('parses shards', () => {
    expect(parseShard('3/4')).to.deep.equal({ index: 3, count: 4 });
    expect(() => parseShard('a/b')).to.throw(UsageError);
  });

  describe('spawned script', () => {
    const script = path.join(__dirname, '..', 'fixtures', 'cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 20000 });

    it('exits 2 with one line on stderr for a bad flag', () => {
      for (const args of [['--bogus'], ['--ns', '1,x'], ['--ns', ''], ['--out', '/dev/null/sub']]) {
        const r = run(...args);
        expect(r.status, args.join(' ')).to.equal(2);
        expect(r.stderr).to.match(/^error: [^\n]+\n$/);
        expect(r.stdout).to.equal('');
      }
    });

    it('exits 0 and prints usage on --help', () => {
      const r = run('--help');
      expect(r.status).to.equal(0);
      expect(r.stdout).to.match(/^usage: fixture/);
    });
  });
});
