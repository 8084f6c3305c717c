// Running an experiment script as a user does, for the specs: spawned (async, so independent runs
// overlap: each pays ~0.5 s of node start-up), with its CSVs read back as plain strings.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Ran { status: number | null; stdout: string; stderr: string }

/** lib/experiments/<name>.js, compiled. */
export function scriptPath(name: string): string {
  return path.join(__dirname, '..', '..', 'lib', 'experiments', `${name}.js`);
}

export function runScript(script: string, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Header and rows of a CSV whose values hold no quoted commas (arch names use '-', 'x', ':'). */
export function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = head.split(',');
  return { header, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))) };
}

/**
 * Bad input, each case in its own fresh output folder, all at once: one line `error: …` matching the
 * case's pattern on stderr, exit code 2, and the output folder never created.
 */
export async function expectUsageErrors(script: string, prefix: string, cases: readonly (readonly [string[], RegExp])[]): Promise<void> {
  const outs = cases.map(() => path.join(tmpDir(prefix), 'out'));
  const results = await Promise.all(cases.map(([args], i) => runScript(script, ...args, '--out', outs[i])));
  cases.forEach(([args, pattern], i) => {
    const r = results[i];
    expect(r.status, args.join(' ') + r.stderr).to.equal(2);
    expect(r.stderr, args.join(' ')).to.match(/^error: [^\n]+\n$/);
    expect(r.stderr, args.join(' ')).to.match(pattern);
    expect(fs.existsSync(outs[i]), `${args.join(' ')} created ${outs[i]}`).to.equal(false);
  });
}

/** The same run whole and inline into `whole`, and as two shards (one on two worker threads) into `sharded`, at the same time; all must succeed. */
export async function runWholeAndShards(script: string, args: readonly string[], whole: string, sharded: string): Promise<Ran> {
  const [one, ...shards] = await Promise.all([
    runScript(script, ...args, '--workers', '1', '--out', whole),
    runScript(script, ...args, '--workers', '2', '--shard', '1/2', '--out', sharded),
    runScript(script, ...args, '--workers', '1', '--shard', '2/2', '--out', sharded),
  ]);
  expect(one.status, one.stderr).to.equal(0);
  for (const sh of shards) expect(sh.status, sh.stderr).to.equal(0);
  return one;
}
