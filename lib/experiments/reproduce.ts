// One command reproduces the paper: run every figure script, then write REPORT.md with each figure's
// plots, its key table, and a claim-by-claim verdict, plus configuration, seeds, versions, timings.
//
//   npm run reproduce -- [--preset quick|paper] [--out DIR] [--only fig1,fig2] [--resume] [--workers N]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Claim } from './report/claims';
import { defineCli, enumFlag, main, parseCli, stringFlag, UsageError } from './cli/cli';
import { readCsv, type CsvRow } from './out/csv';
import { ensureOutDir, writeFileAtomic, writeJson } from './out/files';
import { FIGURES, type FigureSpec } from './report/figures';
import { versions } from './out/record';
import { formatValue } from './out/table';

const REPRODUCE_CLI = defineCli({
  name: 'reproduce',
  summary: 'Run every figure script and write REPORT.md: plots, key tables, and a verdict for each of the paper\'s claims.',
  flags: {
    only: stringFlag(`comma list of figures to run (${FIGURES.map((f) => f.id).join(',')})`, { default: FIGURES.map((f) => f.id).join(','), metavar: 'LIST' }),
    report: enumFlag(['run', 'only'] as const, "'only' rewrites REPORT.md from existing outputs without running anything", { default: 'run' }),
    backend: stringFlag('kernel backend passed to every script (default: each script\'s default)', { default: '', metavar: 'NAME' }),
  },
  presets: { quick: {}, paper: {} },
  defaultPreset: 'quick',
});

interface FigureRun {
  readonly id: string;
  readonly seconds: number | null;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly exitCode: number | null;
}

function runFigure(f: FigureSpec, dir: string, a: { preset: string; seed: number; workers: number; resume: boolean; backend: string }): FigureRun {
  const args = [path.join(__dirname, f.script), '--preset', a.preset, '--out', dir, '--seed', String(a.seed), '--workers', String(a.workers)];
  if (a.resume) args.push('--resume');
  if (a.backend !== '') args.push('--backend', a.backend);
  process.stderr.write(`\n== ${f.title}: node ${path.relative(process.cwd(), args[0])} ${args.slice(1).join(' ')}\n`);
  const t0 = Date.now();
  // stdout (the summary tables) goes to a file for the report; progress on stderr stays live.
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const seconds = (Date.now() - t0) / 1000;
  writeFileAtomic(path.join(dir, 'stdout.txt'), r.stdout ?? '');
  process.stdout.write(r.stdout ?? '');
  return { id: f.id, seconds, status: r.status === 0 ? 'ok' : 'failed', exitCode: r.status };
}

function mdTable(rows: readonly CsvRow[], columns: readonly string[]): string {
  if (rows.length === 0) return '_no rows_\n';
  const cols = columns.filter((c) => c in rows[0]);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => esc(formatValue(r[c], 4))).join(' | ')} |`)].join('\n') + '\n';
}

const VERDICT_MARK: Record<Claim['verdict'], string> = { holds: '✅ holds', fails: '❌ fails', inconclusive: '❔ inconclusive', 'not run': '— not run' };

export function writeReport(out: string, preset: string, runs: readonly FigureRun[], started: Date): string {
  const lines: string[] = [];
  const claims: Claim[] = [];
  for (const f of FIGURES) {
    const dir = path.join(out, f.id);
    if (!fs.existsSync(dir)) continue;
    claims.push(...f.claims(dir));
  }
  lines.push('# Reproducing Hanin & Rolnick (2018), *How to Start Training*', '');
  lines.push(`Preset **${preset}**, written ${new Date().toISOString()} (started ${started.toISOString()}).`, '');
  lines.push('## Claims', '', 'Each claim names its statistic, the test that decides it and the sample it rests on.', '',
    '| figure | claim | statistic · test · sample | prediction | measured | verdict |', '| --- | --- | --- | --- | --- | --- |');
  const cell = (t: string) => t.replace(/\|/g, '\\|'); // |z| inside a cell must not end it
  const how = (c: Claim) => c.statistic === '' ? '' : `**statistic:** ${c.statistic}<br>**test:** ${c.test}<br>**sample:** ${c.sample}`;
  for (const c of claims) lines.push(`| ${cell(c.figure)} | ${cell(c.claim)} | ${cell(how(c))} | ${cell(c.prediction)} | ${cell(c.measured)} | ${VERDICT_MARK[c.verdict]} |`);
  const tally = (['holds', 'fails', 'inconclusive', 'not run'] as const).map((v) => `${claims.filter((c) => c.verdict === v).length} ${v}`).join(', ');
  lines.push('', `Tally: ${tally}.`);
  const rules = [...new Set(claims.map((c) => c.rule).filter((r) => r !== ''))];
  lines.push('', 'Verdict rules:', ...rules.map((r) => `- ${r}`), '');
  for (const f of FIGURES) {
    const dir = path.join(out, f.id);
    const run = runs.find((r) => r.id === f.id);
    lines.push(`## ${f.title}`, '', f.about, '');
    if (!fs.existsSync(dir)) { lines.push('_Not run._', ''); continue; }
    if (run && run.status !== 'skipped') lines.push(`Run: ${run.status}${run.seconds !== null ? `, ${run.seconds.toFixed(0)} s wall` : ''}.`, '');
    for (const plot of f.plots) {
      if (fs.existsSync(path.join(dir, `${plot}.png`))) lines.push(`![${plot}](${f.id}/${plot}.png)`, '', `[SVG](${f.id}/${plot}.svg)`, '');
    }
    for (const t of f.tables) {
      const file = path.join(dir, t.file);
      if (!fs.existsSync(file)) continue;
      lines.push(`**${t.title}** (\`${f.id}/${t.file}\`)`, '', mdTable(readCsv(file), t.columns));
    }
    for (const rec of f.records) {
      const file = path.join(dir, rec);
      if (!fs.existsSync(file)) continue;
      const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { config?: Record<string, unknown>; seconds?: number };
      const cfg = Object.entries(r.config ?? {}).filter(([k]) => !['out', 'workers', 'resume', 'shard'].includes(k))
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ');
      lines.push(`Configuration (\`${f.id}/${rec}\`): ${cfg}${r.seconds !== undefined ? `; ${r.seconds.toFixed(1)} s` : ''}`, '');
    }
  }
  lines.push('## Versions', '', '```', JSON.stringify(versions(), null, 2), '```', '');
  lines.push('Every number above is regenerated by `npm run reproduce -- --preset ' + preset + '`; the seeds are in each configuration line (default 0).', '');
  const file = path.join(out, 'REPORT.md');
  writeFileAtomic(file, lines.join('\n'));
  writeJson(path.join(out, 'claims.json'), { preset, claims, runs });
  return file;
}

async function reproduce(argv: readonly string[]): Promise<void> {
  const a = parseCli(REPRODUCE_CLI, argv);
  if (a === null) return;
  const only = a.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const id of only) if (!FIGURES.some((f) => f.id === id)) throw new UsageError(`--only: unknown figure '${id}' (known: ${FIGURES.map((f) => f.id).join(', ')})`);
  if (a.shard !== null) throw new UsageError('--shard: reproduce runs whole figures; shard the figure scripts themselves (see README)');
  const out = ensureOutDir(a.out);
  const started = new Date();
  const runs: FigureRun[] = [];
  for (const f of FIGURES) {
    if (!only.includes(f.id) || a.report === 'only') { runs.push({ id: f.id, seconds: null, status: 'skipped', exitCode: null }); continue; }
    const dir = ensureOutDir(path.join(out, f.id));
    runs.push(runFigure(f, dir, { ...a, backend: a.backend }));
  }
  const file = writeReport(out, a.preset, runs, started);
  process.stdout.write(`\nwrote ${file}\n`);
  const failed = runs.filter((r) => r.status === 'failed');
  if (failed.length > 0) throw new Error(`${failed.map((r) => r.id).join(', ')} failed; see the messages above (REPORT.md marks them)`);
}

if (require.main === module) main(() => reproduce(process.argv.slice(2)));
