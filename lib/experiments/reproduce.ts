// One command reproduces the paper: run every figure script, then write REPORT.md with each figure's
// plots, its key table, and a claim-by-claim verdict, plus configuration, seeds, versions, timings.
//
//   npm run reproduce -- [--preset quick|paper] [--out DIR] [--only fig1,fig2] [--resume] [--workers N]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Claim } from './report/claims';
import { defineCli, enumFlag, enumListFlag, ExitCode, main, parseCli, showFlag, UsageError, type Flag, type FlagTable } from './cli/cli';
import { backendDtypes } from './cli/flags';
import { planOf } from './cli/script';
import { readCsv, type CsvRow } from './out/csv';
import { ensureOutDir, pathKind, writeFileAtomic, writeJson } from './out/files';
import { FIGURES, type FigureSpec } from './report/figures';
import { versions } from './out/record';
import { formatValue } from './out/table';
import { finiteOrNull } from './out/plot';
import { Plan } from './run/plan';
import { EXPERIMENT_SCRIPTS as SCRIPTS } from './scripts';

/** A backend for every figure, or '' for each script's own default; checked here like --backend of the scripts. */
const backendOrDefault: Flag<string> = {
  help: 'kernel backend passed to every script (default: each script\'s default)', metavar: 'NAME', default: '',
  parse: (t, n) => {
    if (t === '') throw new UsageError(`${n} needs a non-empty value`);
    try {
      backendDtypes(t);
    } catch (err) {
      throw new UsageError(`${n}: ${(err as Error).message}`);
    }
    return t;
  },
};

export const REPRODUCE_CLI = defineCli({
  name: 'reproduce',
  summary: 'Run every figure script and write REPORT.md: plots, key tables, and a verdict for each of the paper\'s claims.',
  flags: {
    only: enumListFlag(FIGURES.map((f) => f.id), 'comma list of figures to run', { default: FIGURES.map((f) => f.id) }),
    report: enumFlag(['run', 'only'] as const, "'only' rewrites REPORT.md from existing outputs without running anything", { default: 'run' }),
    backend: backendOrDefault,
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

interface FigureArgs { readonly preset: string; readonly seed: number; readonly workers: number; readonly resume: boolean; readonly backend: string }

/** The flags reproduce gives a figure script (without --out). */
function figureArgv(a: FigureArgs): string[] {
  const argv = ['--preset', a.preset, '--seed', String(a.seed), '--workers', String(a.workers)];
  if (a.resume) argv.push('--resume');
  if (a.backend !== '') argv.push('--backend', a.backend);
  return argv;
}

function runFigure(f: FigureSpec, dir: string, a: FigureArgs): FigureRun {
  const args = [path.join(__dirname, f.script), ...figureArgv(a), '--out', dir];
  process.stderr.write(`\n== ${f.title}: node ${path.relative(process.cwd(), args[0])} ${args.slice(1).join(' ')}\n`);
  const t0 = Date.now();
  // stdout (the summary tables) goes to a file for the report; progress on stderr stays live.
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const seconds = (Date.now() - t0) / 1000;
  // Killed by a signal (Ctrl-C reaches the child too): 128 + its number, as a shell reports it.
  if (r.status === null && r.signal) return { id: f.id, seconds, status: 'failed', exitCode: r.signal === 'SIGINT' ? 130 : 143 };
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
      lines.push(`Configuration (\`${f.id}/${rec}\`): ${configLine(f.id, file)}`, '');
    }
  }
  lines.push('## Versions', '', '```', JSON.stringify(versions(), null, 2), '```', '');
  lines.push('Every number above is regenerated by `npm run reproduce -- --preset ' + preset + '`; the seeds are in each configuration line (default 0).', '');
  const file = path.join(out, 'REPORT.md');
  writeFileAtomic(file, lines.join('\n'));
  writeJson(path.join(out, 'claims.json'), { preset, claims, runs });
  return file;
}

/** Every figure's plan with these flags, built in this process: bad sizes fail here, before any figure runs. */
async function planFigures(ids: readonly string[], out: string, a: FigureArgs): Promise<Plan> {
  const plan = new Plan();
  for (const id of ids) {
    const script = SCRIPTS[id];
    const args = parseCli(script.cli, [...figureArgv(a), '--out', path.join(out, id)])!;
    const p = planOf(await script.experiments(args), args);
    p.check(id, a.workers);
    plan.experiments.push(...p.experiments);
  }
  return plan;
}

export async function reproduce(argv: readonly string[]): Promise<void> {
  const a = parseCli(REPRODUCE_CLI, argv);
  if (a === null) return;
  if (a.shard !== null) throw new UsageError('--shard: reproduce runs whole figures; shard the figure scripts themselves (see README)');
  // A mistyped --out would otherwise give a report of nothing but "not run".
  if (a.report === 'only' && !FIGURES.some((f) => pathKind(path.join(a.out, f.id)) === 'folder')) {
    throw new UsageError(`--report only: ${a.out} holds no figure's outputs (none of ${FIGURES.map((f) => `${f.id}/`).join(', ')}); name the folder the figures wrote with --out`);
  }
  const ids = a.report === 'only' ? [] : FIGURES.filter((f) => a.only.includes(f.id)).map((f) => f.id);
  const plan = await planFigures(ids, a.out, a);
  if (a.plan) {
    process.stdout.write(plan.format('reproduce', a.workers));
    return;
  }
  const out = ensureOutDir(a.out);
  const started = new Date();
  const runs: FigureRun[] = [];
  for (const f of FIGURES) {
    if (!ids.includes(f.id)) { runs.push({ id: f.id, seconds: null, status: 'skipped', exitCode: null }); continue; }
    const run = runFigure(f, ensureOutDir(path.join(out, f.id)), a);
    // A failed figure stops the run with its own error (already on stderr) and exit code; no REPORT.md claims a tally.
    if (run.status === 'failed') throw new ExitCode(run.exitCode ?? 1);
    runs.push(run);
  }
  const file = writeReport(out, a.preset, runs, started);
  process.stdout.write(`\nwrote ${file}\n`);
}

/**
 * A run record's flags, each as the script's --help shows it (fig1's and conv's --input are objects),
 * and its times. Records are read as untrusted data: a value of the wrong type is shown, not trusted.
 */
function configLine(id: string, file: string): string {
  let r: unknown;
  try { r = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) { return `unreadable run record (${(err as Error).message})`; }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'unreadable run record (not a JSON object)';
  const rec = r as { config?: unknown; seconds?: unknown; cell_seconds?: unknown };
  const flags: FlagTable = SCRIPTS[id].cli.flags; // id comes from FIGURES (code), never from the record
  const config = typeof rec.config === 'object' && rec.config !== null ? rec.config : {};
  const cfg = Object.entries(config).filter(([k]) => !['out', 'workers', 'resume', 'shard'].includes(k))
    .map(([k, v]) => `${k}=${showFlag(Object.hasOwn(flags, k) ? flags[k] : undefined, v)}`).join(' ');
  // A resumed run's wall time is its last piece only; the cells' summed time is the whole run's.
  const wall = finiteOrNull(rec.seconds), cells = finiteOrNull(rec.cell_seconds);
  const times = [wall === null ? '' : `${wall.toFixed(1)} s wall (its last invocation)`,
    cells === null ? '' : `${cells.toFixed(1)} s of summed cell time`].filter((t) => t !== '');
  return `${cfg}${times.length > 0 ? `; ${times.join(', ')}` : ''}`;
}

if (require.main === module) main(() => reproduce(process.argv.slice(2)));
