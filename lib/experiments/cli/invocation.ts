// What a figure script was asked to compute, saved beside its logs, so that merge.js can finish a
// sharded run with exactly the flags each shard used. Flags that only say where or how to run
// (--out, --shard, --resume, --workers) are dropped: they do not change any result.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJson, encodeJson, writeFileAtomic } from '../out/files';

export interface Invocation {
  readonly script: string;
  readonly argv: readonly string[];
}

const PLACEMENT_FLAGS = new Set(['--out', '--shard', '--workers']);
const PLACEMENT_SWITCHES = new Set(['--resume']);

/** argv without the flags that do not change results (handles `--flag value` and `--flag=value`). */
export function resultArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (PLACEMENT_SWITCHES.has(name)) continue;
    if (PLACEMENT_FLAGS.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

export function invocationFile(dir: string, script: string): string {
  return path.join(dir, `${script}.invocation.json`);
}

export function recordInvocation(dir: string, script: string, argv: readonly string[]): void {
  const inv: Invocation = { script, argv: resultArgv(argv) };
  writeFileAtomic(invocationFile(dir, script), encodeJson(inv, 2) + '\n');
}

/** The invocations recorded in a folder, one per script. */
export function readInvocations(dir: string): Invocation[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.invocation.json')).sort().map((f) => {
    const v = decodeJson(fs.readFileSync(path.join(dir, f), 'utf8')) as Invocation;
    if (typeof v?.script !== 'string' || !Array.isArray(v.argv)) throw new Error(`${path.join(dir, f)} is not an invocation record`);
    return v;
  });
}
