// Combine the outputs of sharded runs into exactly the files a single run writes.
//
//   node lib/experiments/merge.js [--out DIR] SHARD_DIR...
//
// Each shard folder holds <experiment>.shard-i-of-N.jsonl logs and <script>.invocation.json (the
// flags that determine results). merge copies every log into --out (default: the first folder),
// checks that all shards of a script were run with the same flags, then reruns each script there
// with --resume: every cell is found in the logs, nothing is recomputed, and the CSVs, plots and run
// records are written by the same code as in a single run.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, UsageError } from './cli/cli';
import { ensureOutDir, writeFileAtomic } from './out/files';
import { invocationFile, readInvocations, recordInvocation, type Invocation } from './cli/invocation';

const LOG = /\.jsonl$/;

/** The figure scripts that record invocations (cli/invocation.ts), and their compiled files beside this one. */
const SHARDABLE_SCRIPTS = { fig1: 'fig1.js', fig2: 'fig2.js', fig3: 'fig3.js', conv: 'conv.js', grad: 'grad.js' } as const;

export function mergeShards(dirs: readonly string[], out: string, stderr: NodeJS.WritableStream = process.stderr): void {
  if (dirs.length === 0) throw new UsageError('merge needs at least one shard folder');
  const byScript = new Map<string, Invocation>();
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`no such folder: ${dir}`);
    const invs = readInvocations(dir);
    if (invs.length === 0) throw new UsageError(`${dir} has no *.invocation.json: not the output folder of a figure script`);
    for (const inv of invs) {
      const seen = byScript.get(inv.script);
      if (seen && JSON.stringify(seen.argv) !== JSON.stringify(inv.argv)) {
        throw new UsageError(`${inv.script} was run with different flags in ${dir} (${inv.argv.join(' ')}) than elsewhere (${seen.argv.join(' ')})`);
      }
      byScript.set(inv.script, inv);
    }
  }
  const target = ensureOutDir(out);
  for (const dir of dirs) {
    if (path.resolve(dir) === target) continue;
    for (const f of fs.readdirSync(dir).filter((f) => LOG.test(f) && f.includes('.shard-'))) {
      const dest = path.join(target, f);
      const bytes = fs.readFileSync(path.join(dir, f));
      if (fs.existsSync(dest) && !fs.readFileSync(dest).equals(bytes)) {
        throw new UsageError(`${f} differs between ${dir} and ${target}: the same shard was run twice with other results`);
      }
      writeFileAtomic(dest, bytes);
    }
  }
  for (const inv of byScript.values()) {
    if (!fs.existsSync(invocationFile(target, inv.script))) recordInvocation(target, inv.script, inv.argv);
    // The record only picks one of these fixed scripts: a results folder never names a file to run.
    const file = Object.hasOwn(SHARDABLE_SCRIPTS, inv.script) ? SHARDABLE_SCRIPTS[inv.script as keyof typeof SHARDABLE_SCRIPTS] : undefined;
    if (file === undefined) throw new UsageError(`unknown script '${inv.script}' in an invocation record (known: ${Object.keys(SHARDABLE_SCRIPTS).join(', ')})`);
    const script = path.join(__dirname, file);
    stderr.write(`merge: ${inv.script} ${inv.argv.join(' ')} --out ${target} --resume\n`);
    const r = spawnSync(process.execPath, [script, ...inv.argv, '--out', target, '--resume', '--workers', '1'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new UsageError(`${inv.script} could not finish from the merged logs (exit ${r.status}); are all shards there?`);
  }
}

function parse(argv: readonly string[]): { out: string | null; dirs: string[] } {
  let out: string | null = null;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help') {
      process.stdout.write('usage: merge [--out DIR] SHARD_DIR...\nCombine sharded runs into the files a single run writes (default --out: the first folder).\n');
      process.exit(0);
    }
    if (a === '--out') { out = argv[++i] ?? null; if (out === null) throw new UsageError('--out needs a value'); continue; }
    if (a.startsWith('--out=')) { out = a.slice(6); continue; }
    if (a.startsWith('--')) throw new UsageError(`unknown flag ${a} (see --help)`);
    dirs.push(a);
  }
  return { out, dirs };
}

if (require.main === module) {
  main(() => {
    const { out, dirs } = parse(process.argv.slice(2));
    mergeShards(dirs, out ?? dirs[0] ?? '');
  });
}
