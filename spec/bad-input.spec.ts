// Bad input to every CLI, as a careless or hostile user would give it: each case must end in one
// UsageError (main() prints it as one `error:` line and exits 2), print nothing else on stderr, and
// leave nothing in --out. The cases run in this process through each script's entry function; a few
// spawned runs per script check the real exit code and stderr. fast-check then throws malformed
// values at every flag of every CLI. The closing line counts the cases per CLI.

import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUsageError, parseCli, type CliSpec, type FlagTable } from '../lib/experiments/cli/cli';
import { CONV, CONV_CLI } from '../lib/experiments/conv';
import { FIG1, FIG1_CLI } from '../lib/experiments/fig1';
import { FIG2, FIG2_CLI } from '../lib/experiments/fig2';
import { FIG3, FIG3_CLI } from '../lib/experiments/fig3';
import { GRAD, GRAD_CLI } from '../lib/experiments/grad';
import { inits, INITS_CLI } from '../lib/experiments/inits';
import { merge, MERGE_CLI } from '../lib/experiments/merge';
import { recheck, RECHECK_CLI } from '../lib/experiments/recheck';
import { reproduce, REPRODUCE_CLI } from '../lib/experiments/reproduce';
import { trace, TRACE_CLI } from '../lib/experiments/trace';
import { traceResidual, TRACE_RESIDUAL_CLI } from '../lib/experiments/trace-residual';
import { runTrainCli, TRAIN_CLI } from '../lib/experiments/train';
import { silently } from './fixtures/capture';

const ROOT = path.join(__dirname, '..');

type Entry = (argv: readonly string[]) => unknown;
const quiet = { stderr: { write: () => true } as unknown as NodeJS.WritableStream };
const ENTRIES: Record<string, Entry> = {
  fig1: (a) => FIG1.main(a, quiet), fig2: (a) => FIG2.main(a, quiet), fig3: (a) => FIG3.main(a, quiet), conv: (a) => CONV.main(a, quiet), grad: (a) => GRAD.main(a, quiet),
  inits, trace, 'trace-residual': traceResidual, train: runTrainCli, merge, reproduce, recheck: (a) => recheck(a, { write: () => true } as unknown as NodeJS.WritableStream),
};
const SPECS: Record<string, CliSpec<FlagTable>> = {
  fig1: FIG1_CLI, fig2: FIG2_CLI, fig3: FIG3_CLI, conv: CONV_CLI, grad: GRAD_CLI, inits: INITS_CLI, trace: TRACE_CLI,
  'trace-residual': TRACE_RESIDUAL_CLI, train: TRAIN_CLI, merge: MERGE_CLI, reproduce: REPRODUCE_CLI, recheck: RECHECK_CLI,
} as unknown as Record<string, CliSpec<FlagTable>>;

/** Per CLI: table cases tried, and those that ended as the contract says; fast-check runs apart. */
const tally = new Map<string, { tried: number; ok: number; generated: number }>();
function count(cli: string, ok: boolean, generated = 0): void {
  const t = tally.get(cli) ?? { tried: 0, ok: 0, generated: 0 };
  tally.set(cli, generated > 0 ? { ...t, generated: t.generated + generated } : { ...t, tried: t.tried + 1, ok: t.ok + (ok ? 1 : 0) });
}

/**
 * Runs a CLI body in this process and returns the UsageError's message; fails unless it threw
 * exactly that, with a one-line message, wrote nothing to stderr, and left `out` absent or empty.
 */
async function refused(cli: string, argv: readonly string[], out: string | null): Promise<string> {
  const writes: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = (s: string | Uint8Array) => { writes.push(String(s)); return true; };
  let err: unknown = null;
  try {
    await ENTRIES[cli](argv);
  } catch (e) {
    err = e;
  } finally {
    (process.stderr as { write: unknown }).write = orig;
  }
  let ok = false;
  try {
    expect(err, `${cli} ${argv.join(' ')}: no error`).to.not.equal(null);
    expect(isUsageError(err), `${cli} ${argv.join(' ')}: ${(err as Error).stack}`).to.equal(true);
    const msg = (err as Error).message;
    expect(msg, `${cli} ${argv.join(' ')}`).to.not.include('\n');
    expect(msg.length).to.be.greaterThan(5);
    expect(writes, `${cli} ${argv.join(' ')}: wrote to stderr`).to.deep.equal([]);
    if (out !== null) expect(!fs.existsSync(out) || fs.readdirSync(out).length === 0, `${cli} ${argv.join(' ')}: left files in ${out}`).to.equal(true);
    ok = true;
    return msg;
  } finally {
    count(cli, ok);
  }
}

/** Spawns the real script: exit code 2, exactly one `error:` line on stderr, no stack, nothing on stdout. */
function spawned(script: string, argv: readonly string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, script), ...argv], { encoding: 'utf8', timeout: 60000 });
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const ok = r.status === 2 && lines.length === 1 && lines[0].startsWith('error: ') && !r.stderr.includes('    at ') && r.stdout === '';
  count(script.startsWith('bench/') ? script.replace(/\.js$/, '') : path.basename(script, '.js'), ok);
  expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).to.deep.include({ status: 2, stdout: '' });
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^error: /);
  return lines[0];
}

let tmp: string;
let seq = 0;
const fresh = () => path.join(tmp, `out-${seq++}`);

// The smallest valid runs, so that a case that wrongly passes finishes at once (and fails the spec).
const BASE: Record<string, string[]> = {
  fig1: ['--part', 'a', '--depths', '2', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
  fig1b: ['--part', 'b', '--train-depths', '2', '--runs', '1', '--max-epochs', '1', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
  fig2: ['--part', 'a', '--families', 'constant', '--betas', '0.5', '--depths', '2', '--nets', '2', '--sampler-nets', '0', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
  fig3: ['--part', 'a', '--schedules', 'inv', '--convention', 'linear', '--modules', '1,2', '--width', '2', '--nets', '2', '--workers', '1', '--backend', 'reference'],
  conv: ['--part', 'a', '--depths', '1', '--channels', '1', '--size', '4', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
  convb: ['--part', 'b', '--b-depths', '2', '--b-channels', '4', '--b-nets', '2', '--size', '4', '--workers', '1', '--backend', 'reference'],
  grad: ['--part', 'a', '--families', 'constant', '--betas', '0.5', '--depths', '2', '--input-dim', '4', '--nets', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
  gradb: ['--part', 'b', '--families', 'constant', '--betas', '0.5', '--depths', '2', '--norm-nets', '1', '--batch', '2', '--inits', 'he_normal', '--workers', '1', '--backend', 'reference'],
};

/** [cli, base, extra flags, what the message must say]. */
type Case = [string, string, string[], RegExp];

const EXPERIMENT_COMMON = (cli: string): Case[] => [
  [cli, cli, ['--bogus', '1'], /unknown flag --bogus/],
  [cli, cli, ['stray'], /unexpected argument 'stray'/],
  [cli, cli, ['--seed', '-1'], /--seed/],
  [cli, cli, ['--seed', '1.5'], /--seed expects an integer/],
  [cli, cli, ['--seed', '0x10'], /--seed expects an integer/],
  [cli, cli, ['--seed', '9007199254740992'], /--seed/],
  [cli, cli, ['--workers', '0'], /--workers/],
  [cli, cli, ['--workers', 'two'], /--workers/],
  [cli, cli, ['--shard', '0/2'], /--shard/],
  [cli, cli, ['--shard', '3/2'], /--shard/],
  [cli, cli, ['--shard', 'x'], /--shard/],
  [cli, cli, ['--preset', 'huge'], /--preset expects one of/],
  [cli, cli, ['--out'], /--out needs a value/],
  [cli, cli, ['--out', ''], /--out needs a non-empty value/],
  [cli, cli, ['--resume=yes'], /--resume takes no value/],
  [cli, cli, ['--plan=1'], /--plan takes no value/],
  [cli, cli, ['--seed', '--workers', '1'], /--seed needs a value/],
];

function cases(): Case[] {
  return [
    ...['fig1', 'fig2', 'fig3', 'conv', 'grad'].flatMap(EXPERIMENT_COMMON),
    ['fig1', 'fig1', ['--depths', '5,5'], /--depths lists 5 twice/],
    ['fig1', 'fig1', ['--depths', '5,5:10:5'], /--depths lists 5 twice/],
    ['fig1', 'fig1', ['--depths', '0'], /--depths/],
    ['fig1', 'fig1', ['--depths', '10:1:1'], /stop < start/],
    ['fig1', 'fig1', ['--depths', '1:10:0'], /--depths/],
    ['fig1', 'fig1', ['--depths', ','], /non-empty list/],
    ['fig1', 'fig1', ['--depths', '1:10'], /--depths expects integers or ranges/],
    ['fig1', 'fig1', ['--depths', '1:10000:1'], /add up to more than/],
    ['fig1', 'fig1', ['--depths', '100000'], /needs about .* of memory/],
    ['fig1', 'fig1', ['--depths', '100000', '--backend', 'wasm'], /needs about .* in the wasm backend's memory, which holds 4.00 GiB/],
    ['fig1', 'fig1', ['--width', '10000000'], /needs about .* of memory/],
    ['fig1', 'fig1', ['--width', '0'], /--width/],
    ['fig1', 'fig1', ['--nets', '0'], /--nets/],
    ['fig1', 'fig1', ['--nets', '1000000000'], /needs about .* of memory .* this machine allows/],
    ['fig1', 'fig1', ['--inits', 'bogus'], /--inits/],
    ['fig1', 'fig1', ['--inits', 'he_normal,he_normal'], /--inits lists an initializer twice/],
    ['fig1', 'fig1', ['--part', 'c'], /--part expects one of/],
    ['fig1', 'fig1', ['--runs', '3'], /--runs has no effect with --part a/],
    ['fig1', 'fig1', ['--lr', '0.1'], /--lr has no effect with --part a/],
    ['fig1', 'fig1b', ['--nets', '3'], /--nets has no effect with --part b/],
    ['fig1', 'fig1b', ['--lr', '0'], /--lr expects a number > 0/],
    ['fig1', 'fig1b', ['--lr', '-1'], /--lr/],
    ['fig1', 'fig1b', ['--lr', '0x10'], /--lr expects a number/],
    ['fig1', 'fig1b', ['--lr', 'NaN'], /--lr expects a number/],
    ['fig1', 'fig1b', ['--lr', '1e999'], /--lr expects a finite number/],
    ['fig1', 'fig1b', ['--batch', '100000000'], /--batch expects an integer in 1..60000/],
    ['fig1', 'fig1b', ['--batch', '0'], /--batch/],
    ['fig1', 'fig1b', ['--target', '2'], /--target/],
    ['fig1', 'fig1b', ['--runs', '1000000000'], /--runs/],
    ['fig1', 'fig1b', ['--max-epochs', '0'], /--max-epochs/],
    ['fig1', 'fig1b', ['--eval-every', '-1'], /--eval-every/],
    ['fig1', 'fig1b', ['--dataset', 'cifar'], /--dataset expects one of/],
    ['fig1', 'fig1b', ['--train-depths', '2,2'], /--train-depths lists 2 twice/],
    ['fig1', 'fig1', ['--backend', 'nope'], /--backend: unknown backend 'nope'/],
    ['fig1', 'fig1', ['--backend', 'wasm:x'], /--backend/],
    ['fig1', 'fig1', ['--backend', 'gpujs:cpu', '--dtype', 'float64'], /computes in float32 only, not --dtype float64/],
    ['fig1', 'fig1', ['--dtype', 'float16'], /--dtype expects one of/],
    ['fig2', 'fig2', ['--betas', '0.5,0.5'], /--betas lists 0.5 twice/],
    ['fig2', 'fig2', ['--betas', '0'], /β values > 0/],
    ['fig2', 'fig2', ['--betas', '-1'], /β values > 0/],
    ['fig2', 'fig2', ['--betas', '0x1'], /--betas expects a number/],
    ['fig2', 'fig2', ['--families', 'foo'], /unknown family 'foo'/],
    ['fig2', 'fig2', ['--families', 'constant,constant'], /lists a family twice/],
    ['fig2', 'fig2', ['--depths', '2,2'], /--depths lists 2 twice/],
    ['fig2', 'fig2', ['--ratio', '0.5'], /--ratio/],
    ['fig2', 'fig2', ['--widths', 'a;b'], /--widths/],
    ['fig2', 'fig2', ['--nets', '1'], /--nets/],
    ['fig2', 'fig2', ['--nets', '1000000000'], /of memory/],
    ['fig2', 'fig2', ['--input-dim', '0'], /--input-dim/],
    ['fig2', 'fig2', ['--beta-tol', '2'], /--beta-tol/],
    ['fig2', 'fig2', ['--betas', '1000'], /--betas|β/],
    ['fig2', 'fig2', ['--train-betas', '0.5'], /--train-betas has no effect with --part a/],
    ['fig2', 'fig2', ['--inits', 'orthogonal'], /--inits/],
    ['fig3', 'fig3', ['--modules', '5,5'], /--modules lists 5 twice/],
    ['fig3', 'fig3', ['--modules', '1000000', '--width', '32', '--backend', 'wasm'], /needs about .* in the wasm backend's memory/],
    ['fig3', 'fig3', ['--modules', '1000000', '--width', '1000'], /needs about .* of memory/],
    ['fig3', 'fig3', ['--schedules', 'inv,inv'], /--schedules: schedule 'inv' is listed twice/],
    ['fig3', 'fig3', ['--schedules', 'bogus'], /--schedules/],
    ['fig3', 'fig3', ['--schedules', 'list:1,2', '--modules', '5'], /defines 2 scales/],
    ['fig3', 'fig3', ['--convention', 'x'], /--convention expects one of/],
    ['fig3', 'fig3', ['--width', '0'], /--width/],
    ['fig3', 'fig3', ['--module-widths', '0'], /--module-widths/],
    ['fig3', 'fig3', ['--nets', '1'], /--nets/],
    ['fig3', 'fig3', ['--init', 'bogus'], /--init/],
    ['fig3', 'fig3', ['--train-width', '4'], /--train-width has no effect with --part a/],
    ['conv', 'conv', ['--depths', '2,2'], /--depths lists 2 twice/],
    ['conv', 'convb', ['--b-channels', '4,4'], /--b-channels lists 4 twice/],
    ['conv', 'conv', ['--input', 'bogus'], /--input expects unit, mnist\[:INDEX\], fashion\[:INDEX\] or cifar:PATH\[:INDEX\]/],
    ['conv', 'conv', ['--input', 'cifar:'], /--input/],
    ['conv', 'conv', ['--input', 'cifar:/nonexistent/batch.bin'], /--input: cannot read CIFAR-10 batch/],
    ['conv', 'conv', ['--input', 'mnist:99999'], /--input: image 99999 is out of range/],
    ['conv', 'conv', ['--kernel', '0'], /--kernel/],
    ['conv', 'conv', ['--kernel', '9', '--padding', 'valid'], /depth 1/],
    ['conv', 'conv', ['--padding', 'x'], /--padding expects one of/],
    ['conv', 'conv', ['--size', '100000'], /needs about .* of memory/],
    ['conv', 'convb', ['--b-init', 'bogus'], /--b-init/],
    ['conv', 'convb', ['--b-init', 'orthogonal'], /--b-init/],
    ['conv', 'convb', ['--depths', '3'], /--depths has no effect with --part b/],
    ['conv', 'conv', ['--head', 'x'], /--head/],
    ['conv', 'conv', ['--limit-train', '70000'], /--limit-train/],
    ['conv', 'conv', ['--runs', '2'], /--runs has no effect with --part a/],
    ['grad', 'grad', ['--betas', '0.5,0.5'], /--betas lists 0.5 twice/],
    ['grad', 'grad', ['--betas', '20'], /reaches β = 20/],
    ['grad', 'grad', ['--families', 'foo'], /unknown family 'foo'/],
    ['grad', 'grad', ['--nets', '1'], /--nets expects counts that are integers ≥ 2/],
    ['grad', 'grad', ['--nets', '0.5:10,x:3'], /--nets expects a number/],
    ['grad', 'grad', ['--nets', '10,20'], /--nets expects one count or β:count pairs/],
    ['grad', 'grad', ['--nets', '1000000000'], /of memory/],
    ['grad', 'grad', ['--input-dim', '0'], /--input-dim/],
    ['grad', 'grad', ['--inits', 'he_normal,he_normal'], /--inits lists an initializer twice/],
    ['grad', 'grad', ['--batch', '8'], /--batch has no effect with --part a/],
    ['grad', 'gradb', ['--nets', '3'], /--nets has no effect with --part b/],
    ['grad', 'gradb', ['--batch', '0'], /--batch/],
    ['grad', 'gradb', ['--lr', '0'], /--lr expects a number > 0/],
    ['grad', 'gradb', ['--dataset', 'cifar'], /--dataset expects one of/],
  ];
}

describe('bad input to every CLI: one line, exit 2, nothing written', function () {
  this.timeout(120000);
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-')); });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    const rows = [...tally].map(([cli, t]) => `${cli} ${t.ok}/${t.tried}${t.generated ? ` + ${t.generated} generated` : ''}`);
    process.stdout.write(`      bad-input cases per CLI (passed/tried, + fast-check values): ${rows.join(', ')}\n`);
  });

  it('the experiment scripts refuse every bad flag, size and combination before writing anything', async () => {
    for (const [cli, base, extra, re] of cases()) {
      const out = fresh();
      expect(await refused(cli, [...BASE[base], '--out', out, ...extra], out), `${cli} ${extra.join(' ')}`).to.match(re);
    }
  });

  it('an output folder that cannot be made or written is refused', async () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, '');
    for (const out of [path.join(file, 'sub'), '/proc/no-such/x', file, '/dev/null']) {
      for (const cli of ['fig1', 'fig2', 'fig3', 'conv']) expect(await refused(cli, [...BASE[cli], '--out', out], null)).to.match(/output folder/);
    }
  });

  describe('output files: special files, read-only targets, folders, missing parents, spaces', () => {
    const outputs: [string, string[], string][] = [
      ['inits', ['--quiet'], '--csv'], ['trace', ['--widths', '3,3'], '--json'], ['trace-residual', ['--width', '2', '--modules', '1', '--hidden', '2'], '--json'],
      ['train', ['--widths', '784,2,10', '--epochs', '0', '--limit-test', '10'], '--trace'],
    ];

    it('refuses folders, missing parents, read-only files, sockets, and an empty name', async () => {
      const ro = path.join(tmp, 'read-only.json');
      fs.writeFileSync(ro, 'keep');
      fs.chmodSync(ro, 0o444);
      const sock = path.join(tmp, 'sock');
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(sock, resolve));
      try {
        for (const [cli, argv, flag] of outputs) {
          expect(await refused(cli, [...argv, flag, tmp], null)).to.match(/is a folder/);
          expect(await refused(cli, [...argv, flag, path.join(tmp, 'missing', 'x.json')], null)).to.match(/does not exist/);
          expect(await refused(cli, [...argv, flag, ro], null)).to.match(/read-only/);
          expect(await refused(cli, [...argv, flag, sock], null)).to.match(/is a socket/);
          expect(await refused(cli, [...argv, flag, ''], null)).to.match(/non-empty value/);
          expect(await refused(cli, [...argv, flag, '/proc/self/no-such-dir/x'], null)).to.match(/does not exist|cannot create/);
        }
        expect(fs.readFileSync(ro, 'utf8')).to.equal('keep');
      } finally {
        server.close();
      }
    });

    it('writes a path with spaces', () => {
      const dir = path.join(tmp, 'a folder with spaces');
      fs.mkdirSync(dir);
      inits(['--quiet', '--inits', 'he_normal', '--draws', '1', '--csv', path.join(dir, 'the table.csv')]);
      expect(fs.readFileSync(path.join(dir, 'the table.csv'), 'utf8')).to.match(/^init,law,/);
      count('inits', true);
    });

    it('security: a character device is written through, never replaced (inits --csv, trace --json, train --trace)', async function () {
      const dev = path.join(tmp, 'null');
      if (spawnSync('mknod', [dev, 'c', '1', '3']).status !== 0) this.skip();
      const isDevice = () => fs.statSync(dev).isCharacterDevice();
      inits(['--quiet', '--draws', '1', '--csv', dev]);
      expect(isDevice(), 'inits --csv').to.equal(true);
      await silently(() => trace(['--widths', '3,3', '--json', dev]));
      expect(isDevice(), 'trace --json').to.equal(true);
      await silently(() => runTrainCli(['--widths', '784,2,10', '--epochs', '0', '--limit-test', '10', '--json', '--trace', dev]));
      expect(isDevice(), 'train --trace').to.equal(true);
      expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('security: a FIFO is written through to its reader, never replaced', async function () {
      const fifo = path.join(tmp, 'fifo');
      if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
      // The writer is a child process: opening a FIFO blocks until the reader (this process) opens it.
      const child = spawnSync('sh', ['-c', `"${process.execPath}" "${path.join(ROOT, 'lib/experiments/inits.js')}" --quiet --inits he_normal --draws 1 --csv "${fifo}" & cat "${fifo}"; wait`], { encoding: 'utf8' });
      expect(child.status, child.stderr).to.equal(0);
      expect(child.stdout).to.match(/^init,law,fan_in/);
      expect(fs.statSync(fifo).isFIFO()).to.equal(true);
    });
  });

  it('the tools refuse bad flags and sizes they cannot run', async () => {
    const tools: [string, string[], RegExp][] = [
      ['inits', ['--fan-in', '0'], /--fan-in/],
      ['inits', ['--fan-in', '100001'], /--fan-in/],
      ['inits', ['--fan-in', '100000', '--fan-out', '100000'], /needs about 74.5 GiB of memory|needs about .* of memory/],
      ['inits', ['--draws', '0'], /--draws/],
      ['inits', ['--draws', '1000000000'], /--draws 1000000000 .* at most/],
      ['inits', ['--inits', 'he_normal,he_normal'], /twice/],
      ['inits', ['--inits', 'x'], /--inits/],
      ['inits', ['--seed', '-3'], /--seed/],
      ['trace', ['--widths', '5'], /--widths needs an input width/],
      ['trace', ['--widths', '0,5'], /--widths/],
      ['trace', ['--bias', 'zero', '--bias-variance', '0.5'], /--bias-variance 0.5 has no effect with --bias zero/],
      ['trace', ['--bias-variance', '-1'], /--bias-variance/],
      ['trace', ['--dtype', 'float64', '--backend', 'gpujs:cpu'], /float32 only/],
      ['trace', ['--widths', '10000000,10000000'], /needs about/],
      ['trace', ['--init', 'nope'], /--init/],
      ['trace-residual', ['--modules', '0'], /--modules/],
      ['trace-residual', ['--modules', '1000000'], /needs about/],
      ['trace-residual', ['--hidden', 'x'], /--hidden/],
      ['trace-residual', ['--schedule', 'bogus'], /--schedule/],
      ['trace-residual', ['--width', '0'], /--width/],
      ['trace-residual', ['--convention', 'x'], /--convention/],
      ['train', [], /--widths is required/],
      ['train', ['--widths', '785,10,10'], /must start with 784/],
      ['train', ['--widths', '784,10,11'], /must end with 10/],
      ['train', ['--widths', '784,10'], /at least one hidden width/],
      ['train', ['--widths', '784,10,10', '--lr', '0x10'], /--lr expects a number/],
      ['train', ['--widths', '784,10,10', '--lr', '0'], /--lr expects a number > 0/],
      ['train', ['--widths', '784,10,10', '--epochs', '-1'], /--epochs expects an integer ≥ 0, got '-1'/],
      ['train', ['--widths', '784,10,10', '--batch', '100000000'], /--batch/],
      ['train', ['--widths', '784,10,10', '--dataset', 'x'], /--dataset/],
      ['train', ['--widths', '784,10,10', '--dtype', 'float64', '--backend', 'gpujs:cpu'], /float32 only/],
      ['train', ['--widths', '784,100000,100000,10'], /needs about/],
      ['train', ['--widths', '784,10,10', '--limit-train', '70000'], /--limit-train/],
      ['train', ['--widths', '784,10,10', '--target', '-0.1'], /--target/],
    ];
    for (const [cli, argv, re] of tools) expect(await refused(cli, argv, null), `${cli} ${argv.join(' ')}`).to.match(re);
  });

  it('reproduce refuses bad lists, backends and sizes before running any figure', async () => {
    const rcases: [string[], RegExp][] = [
      [['--only', ','], /--only needs a non-empty list/],
      [['--only', 'fig9'], /--only: unknown value 'fig9'/],
      [['--only', 'fig1,fig1'], /--only lists fig1 twice/],
      [['--backend', 'nope'], /--backend: unknown backend/],
      [['--backend', ''], /non-empty/],
      [['--shard', '1/2'], /--shard: reproduce runs whole figures/],
      [['--report', 'x'], /--report expects one of/],
      [['--seed', 'x'], /--seed/],
    ];
    for (const [argv, re] of rcases) {
      const out = fresh();
      expect(await refused('reproduce', [...argv, '--out', out], out)).to.match(re);
    }
  });

  it('reproduce stops at a failing figure with its exit code and writes no REPORT.md', () => {
    const out = fresh();
    fs.mkdirSync(path.join(out, 'fig1'), { recursive: true });
    // fig1's folder holds another run: fig1 refuses (exit 2), and reproduce must stop there.
    fs.writeFileSync(path.join(out, 'fig1', 'fig1.invocation.json'), JSON.stringify({ script: 'fig1', runs: [['--seed', '5']] }));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/experiments/reproduce.js'), '--only', 'fig1', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).to.have.length(1);
    expect(r.stderr).to.match(/other flags: --seed 5 \(now 0\)/);
    expect(fs.existsSync(path.join(out, 'REPORT.md'))).to.equal(false);
    expect(fs.existsSync(path.join(out, 'claims.json'))).to.equal(false);
    count('reproduce', true);
  });

  describe('results folders are untrusted', () => {
    /** A finished one-shard folder of a tiny fig1 run (3 shards). */
    const shards = (): string[] => {
      const dirs = [1, 2, 3].map(() => fresh());
      dirs.forEach((d, i) => {
        const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/experiments/fig1.js'), ...BASE.fig1, '--depths', '2,3', '--inits', 'he_normal,he_uniform', '--out', d, '--shard', `${i + 1}/3`], { encoding: 'utf8' });
        expect(r.status, r.stderr).to.equal(0);
      });
      return dirs;
    };
    let dirs: string[];
    before(() => { dirs = shards(); });

    it('security: merge runs nothing and writes nothing a record names (hostile invocation files)', async () => {
      const marker = path.join(tmp, 'payload-ran');
      const payload = path.join(tmp, 'payload.js');
      fs.writeFileSync(payload, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
      const rel = path.relative(dirs[0], payload).replace(/\.js$/, '');
      const hostile: [string, string, RegExp][] = [
        ['fig1.invocation.json', JSON.stringify({ script: rel, argv: [] }), /names script/],
        ['fig1.invocation.json', JSON.stringify({ script: '../../../../tmp/x', runs: [[]] }), /names script/],
        ['evil.invocation.json', JSON.stringify({ script: 'evil', runs: [[]] }), /unknown script 'evil'/],
        [`${path.basename(payload, '.js')}.invocation.json`, JSON.stringify({ script: rel, runs: [[]] }), /unknown script/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [['--out', tmp]] }), /holds --out, which a record never keeps/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [['--help']] }), /holds --help/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [['--seed', 1]] }), /not a list of strings/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [['--depths', 'a']] }), /its flags do not parse: --depths/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [['--eval', 'process.exit(0)']] }), /its flags do not parse: unknown flag --eval/],
        ['fig1.invocation.json', '{"script": "fig1", "ru', /not valid JSON/],
        ['fig1.invocation.json', JSON.stringify([1, 2]), /not an object/],
        ['fig1.invocation.json', JSON.stringify({ script: 'fig1', runs: [] }), /runs is not a list/],
        ['fig1.invocation.json', ' '.repeat((1 << 20) + 1), /too large/],
      ];
      for (const [name, text, re] of hostile) {
        const dir = fresh();
        fs.cpSync(dirs[1], dir, { recursive: true });
        for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.invocation.json'))) fs.rmSync(path.join(dir, f));
        fs.writeFileSync(path.join(dir, name), text);
        const out = fresh();
        expect(await refused('merge', ['--out', out, dirs[0], dir, dirs[2]], out), name + text.slice(0, 60)).to.match(re);
      }
      // A record that is a link to a file elsewhere is not read.
      const dir = fresh();
      fs.cpSync(dirs[1], dir, { recursive: true });
      fs.rmSync(path.join(dir, 'fig1.invocation.json'));
      fs.symlinkSync('/etc/hostname', path.join(dir, 'fig1.invocation.json'));
      expect(await refused('merge', ['--out', fresh(), dir], null)).to.match(/symbolic link/);
      expect(fs.existsSync(marker), 'the payload ran').to.equal(false);
      expect(fs.readdirSync(path.dirname(tmp)).filter((f) => f.endsWith('.invocation.json'))).to.deep.equal([]);
    });

    it('merge refuses missing shards (naming them), other flags, and bad folders; it never computes unasked', async () => {
      let out = fresh();
      expect(await refused('merge', ['--out', out, dirs[0], dirs[2]], out)).to.match(/fig1a lacks 1 of 4 cells \(no fig1a\.shard-2-of-3\.jsonl; e\.g\. '/);
      out = fresh();
      expect(await refused('merge', ['--out', out], out)).to.match(/needs at least 1 SHARD_DIR/);
      expect(await refused('merge', ['--out', out, path.join(tmp, 'nope')], out)).to.match(/no such folder/);
      expect(await refused('merge', ['--out', out, fresh()], out)).to.match(/no such folder|no \*\.invocation\.json/);
      const empty = fresh();
      fs.mkdirSync(empty);
      expect(await refused('merge', ['--out', out, empty], out)).to.match(/no \*\.invocation\.json/);
      expect(await refused('merge', ['--workers', '0', dirs[0]], null)).to.match(/--workers/);
      expect(await refused('merge', ['--bogus', dirs[0]], null)).to.match(/unknown flag --bogus/);
      // Another shard run with other flags.
      const other = fresh();
      const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/experiments/fig1.js'), ...BASE.fig1, '--depths', '2,3', '--inits', 'he_normal,he_uniform', '--seed', '7', '--out', other, '--shard', '2/3'], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      expect(await refused('merge', ['--out', fresh(), dirs[0], other, dirs[2]], null)).to.match(/different flags .*--seed 0 \(now 7\)/);
      // A log that is a link is not read.
      const linked = fresh();
      fs.cpSync(dirs[1], linked, { recursive: true });
      fs.rmSync(path.join(linked, 'fig1a.shard-2-of-3.jsonl'));
      fs.symlinkSync(path.join(dirs[1], 'fig1a.shard-2-of-3.jsonl'), path.join(linked, 'fig1a.shard-2-of-3.jsonl'));
      expect(await refused('merge', ['--out', fresh(), dirs[0], linked, dirs[2]], null)).to.match(/symbolic link/);
    });

    it('recheck refuses bad folders, flags and records before checking anything', async () => {
      expect(await refused('recheck', [], null)).to.match(/needs at least 1 DIR/);
      expect(await refused('recheck', [path.join(tmp, 'nope')], null)).to.match(/no such folder/);
      const empty = fresh();
      fs.mkdirSync(empty);
      expect(await refused('recheck', [empty], null)).to.match(/no \*\.invocation\.json/);
      expect(await refused('recheck', ['--cells', '-1', dirs[0]], null)).to.match(/--cells/);
      expect(await refused('recheck', ['--bogus', dirs[0]], null)).to.match(/unknown flag --bogus/);
      const hostile = fresh();
      fs.cpSync(dirs[0], hostile, { recursive: true });
      fs.writeFileSync(path.join(hostile, 'fig1.invocation.json'), JSON.stringify({ script: 'fig1', runs: [['--depths', '2;rm -rf /']] }));
      expect(await refused('recheck', [hostile], null)).to.match(/its flags do not parse/);
    });

    it('merge compares flags by value, not by order', async () => {
      const dir = fresh();
      fs.cpSync(dirs[1], dir, { recursive: true });
      const file = path.join(dir, 'fig1.invocation.json');
      const inv = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: string[][] };
      // The same flags in reverse order (a repeated flag once, with its last value), one as --name=value.
      const last = new Map<string, string>();
      const argv = inv.runs[0];
      for (let i = 0; i < argv.length; i += 2) last.set(argv[i], argv[i + 1]);
      inv.runs[0] = [...last].reverse().flatMap(([k, v]) => (k === '--depths' ? [`${k}=${v}`] : [k, v]));
      fs.writeFileSync(file, JSON.stringify(inv));
      const out = fresh();
      await silently(() => merge(['--out', out, dirs[0], dir, dirs[2]]));
      expect(fs.existsSync(path.join(out, 'fig1a.csv'))).to.equal(true);
    });

    it('--resume with other flags, and a fresh run over another run, are refused, naming the flags', async () => {
      const dir = fresh();
      fs.cpSync(dirs[0], dir, { recursive: true });
      const argv = [...BASE.fig1, '--depths', '2,3', '--inits', 'he_normal,he_uniform', '--shard', '1/3', '--out', dir];
      expect(await refused('fig1', [...argv, '--seed', '8', '--resume'], null)).to.match(/^--resume: .* was run with other flags: --seed 0 \(now 8\)/);
      expect(await refused('fig1', [...argv, '--nets', '3'], null)).to.match(/holds a fig1 run with other flags: --nets 2 \(now 3\)/);
      expect(fs.readdirSync(dir).sort()).to.deep.equal(fs.readdirSync(dirs[0]).sort());
    });
  });

  describe('fast-check: malformed values for every flag of every CLI', () => {
    const special = ['', ' ', '-', '--', '-1', '0', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1_000', '1.5', '9007199254740993', ',', ',,', '1:', ':',
      '1:2:0', '2:1:1', '5,5', '1:1000000000:1', '\u0000', '../../etc/passwd', '/dev/null', '/proc/self/x', 'a;b', 'cifar:', 'list:', '--help'];
    const value = fc.oneof(fc.constantFrom(...special), fc.string({ maxLength: 12 }), fc.integer().map(String), fc.double().map(String),
      fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }).map((a) => a.join(',')));

    it('any value of any flag either parses or is a one-line UsageError, never a crash', () => {
      for (const [cli, spec] of Object.entries(SPECS)) {
        const names = [...Object.keys(spec.flags), 'seed', 'workers', 'shard', 'preset', 'out'].filter((n, i, a) => a.indexOf(n) === i && (n in spec.flags || (spec.kind as string | undefined) !== 'tool'));
        let n = 0;
        fc.assert(fc.property(fc.constantFrom(...names), value, (name, v) => {
          n++;
          try {
            parseCli(spec, [`--${name}`, v], { write: () => true } as unknown as NodeJS.WritableStream);
          } catch (err) {
            if (!isUsageError(err) || (err as Error).message.includes('\n')) throw err;
          }
        }), { seed: 4242, numRuns: 150 });
        count(cli, true, n);
      }
    });

    it('a malformed integer, a repeated list value or an unknown name is refused by every experiment script, nothing written', async () => {
      const intFlags: Record<string, string[]> = { fig1: ['nets', 'seed'], fig2: ['nets', 'input-dim'], fig3: ['width', 'nets'], conv: ['size', 'nets'] };
      const badInt = fc.oneof(fc.double({ noInteger: true }).filter(Number.isFinite).map(String), fc.constantFrom('0x10', '1e3', '1.0', '', 'ten', '+', '1 2'),
        fc.integer({ max: 0 }).map(String));
      const samples = fc.sample(fc.tuple(fc.constantFrom('fig1', 'fig2', 'fig3', 'conv'), badInt), { seed: 7, numRuns: 40 });
      for (const [cli, v] of samples) {
        const flag = intFlags[cli][v.length % intFlags[cli].length];
        const out = fresh();
        await refused(cli, [...BASE[cli], '--out', out, `--${flag}`, v], out);
      }
      const lists = fc.sample(fc.tuple(fc.constantFrom(...['fig1', 'fig2', 'conv']), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })), { seed: 8, numRuns: 15 });
      for (const [cli, a, b] of lists) {
        const out = fresh();
        await refused(cli, [...BASE[cli], '--out', out, '--depths', `${a},${b},${a}`], out);
      }
      const names = fc.sample(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /^[a-z]+$/.test(s) && !['a', 'b', 'c', 'all'].includes(s)), { seed: 9, numRuns: 10 });
      for (const name of names) {
        const out = fresh();
        await refused('fig1', [...BASE.fig1, '--out', out, '--part', name], out);
      }
    });
  });

  it('spawned: every script prints exactly one `error:` line, exits 2, and writes nothing to stdout', () => {
    const out = fresh();
    const runs: [string, string[]][] = [
      ['lib/experiments/fig1.js', ['--depths', '5,5', '--out', out]],
      ['lib/experiments/fig2.js', ['--betas', '0', '--out', out]],
      ['lib/experiments/fig3.js', ['--modules', '5,5', '--out', out]],
      ['lib/experiments/conv.js', ['--b-channels', '4,4', '--out', out]],
      ['lib/experiments/inits.js', ['--fan-in', '100000', '--fan-out', '100000']],
      ['lib/experiments/trace.js', ['--json', tmp]],
      ['lib/experiments/trace-residual.js', ['--modules', '1000000']],
      ['lib/experiments/train.js', ['--widths', '784,10,10', '--epochs', '-1']],
      ['lib/experiments/merge.js', [path.join(tmp, 'nope')]],
      ['lib/experiments/reproduce.js', ['--only', ',', '--out', out]],
      ['lib/experiments/recheck.js', ['--cells', 'x', out]],
      ['bench/run.js', ['--bogus']],
      ['bench/cost-model.js', ['--bogus']],
      ['bench/fig1a.js', ['--bogus']],
      ['bench/matmul.js', ['--quick=1']],
      ['bench/matmul-backends.js', ['stray']],
      ['bench/train_epoch.js', ['--depths', '5,5']],
    ];
    for (const [script, argv] of runs) spawned(script, argv);
    expect(fs.existsSync(out)).to.equal(false);
  });
});
