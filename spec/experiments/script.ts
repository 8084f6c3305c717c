// Running an experiment script as a user does, for the specs: spawned (async, so independent runs
// overlap: each pays ~0.5 s of node start-up), with its CSVs read back as plain strings.
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
