// The documentation names files that exist. In README.md, THEORY.md and docs/*.md every path under a
// source folder (lib/…, spec/…, bench/…, examples/…, explorer/…, scripts/…, data/…, docs/…) is a file or
// folder of the repository, a .js path counting when its .ts source exists (or a folder .gitignore
// names: what a script creates); a shorter source name (`dense/net.ts`, `growth.ts`) ends some file's
// path. And every name THEORY.md §9.1 lists under a file is exported by that file. A failure names
// each stale path or name with its document and line.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

const DOCS = ['README.md', 'THEORY.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const FOLDERS = ['lib', 'spec', 'bench', 'examples', 'explorer', 'scripts', 'data', 'docs'];
/** A path from the repository root: a source folder, then path characters, ending on a name or a slash. */
const ROOTED = new RegExp(`(?<![\\w./-])((?:${FOLDERS.join('|')})/[\\w./-]*[\\w/])`, 'g');
/** A source file named without its folders from the root: `net.ts`, `dense/net.ts`. */
const SOURCE = /(?<![\w./-])([\w-]+(?:\/[\w-]+)*\.(?:ts|js))(?!\w|\.\w)/g;

/** Folders that .gitignore names literally (node_modules/, build/, bench/.venv-numpy/, …): made by scripts. */
const GENERATED = read('.gitignore').split('\n').map((l) => l.trim()).filter((l) => l.endsWith('/') && !/[*!?[]/.test(l));

/** Names that end in .js but are software, not files: the package's dependencies (gpu.js), and Node.js. */
const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const SOFTWARE = new Set(['Node.js', ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })]);

/** Every file of the working tree, repo-relative with '/', outside node_modules, results and dot-folders. */
function repoFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const p = d === '' ? e.name : `${d}/${e.name}`;
      if (e.isDirectory()) { if (!e.name.startsWith('.') && !['node_modules', 'results'].includes(p)) walk(p); }
      else out.push(p);
    }
  };
  walk('');
  return out;
}

/** The source behind a .js path: its .ts, else itself (examples/*.js, the explorer's shims). */
const variants = (p: string) => (p.endsWith('.js') ? [p.slice(0, -3) + '.ts', p] : [p]);

interface Stale { readonly doc: string; readonly line: number; readonly path: string }

/** The paths of one document that name nothing in the repository. */
export function stalePaths(doc: string, text: string, files: readonly string[]): Stale[] {
  const out: Stale[] = [];
  const exists = (p: string) => variants(p).some((v) => fs.existsSync(path.join(ROOT, v)));
  const generated = (p: string) => GENERATED.some((g) => `${p}/`.startsWith(g));
  const endsSomePath = (p: string) => variants(p).some((v) => files.some((f) => f === v || f.endsWith(`/${v}`)));
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(ROOTED)) if (!exists(m[1]) && !generated(m[1])) out.push({ doc, line: i + 1, path: m[1] });
    for (const m of l.matchAll(SOURCE)) {
      const p = m[1];
      if (FOLDERS.some((f) => p.startsWith(`${f}/`)) || SOFTWARE.has(p)) continue;
      if (!endsSomePath(p)) out.push({ doc, line: i + 1, path: p });
    }
  });
  return out;
}

/** How many paths a document names (rooted ones), so a broken pattern cannot pass by matching nothing. */
const rootedCount = (text: string) => [...text.matchAll(ROOTED)].length;

interface MapEntry { readonly file: string; readonly line: number; readonly names: { readonly name: string; readonly line: number }[] }

/** THEORY.md §9.1: each file header (a path alone on its line) and the `names` after it, to the next header. */
export function theoryMap(theory: string): { entries: MapEntry[]; problems: string[] } {
  const lines = theory.split('\n');
  const start = lines.findIndex((l) => l.startsWith('### 9.1 '));
  if (start < 0) return { entries: [], problems: ['THEORY.md has no "### 9.1" section'] };
  let end = lines.findIndex((l, i) => i > start && /^#{2,3} /.test(l));
  if (end < 0) end = lines.length;
  const entries: MapEntry[] = [], problems: string[] = [];
  for (let i = start + 1; i < end; i++) {
    const l = lines[i].trim();
    if (/^(lib|data|explorer|bench|spec)\/\S+\.ts$/.test(l)) { entries.push({ file: l, line: i + 1, names: [] }); continue; }
    for (const m of l.matchAll(/`([^`]*)`/g)) {
      if (entries.length === 0) problems.push(`THEORY.md:${i + 1}: \`${m[1]}\` comes before any file of the map`);
      else if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/.test(m[1])) problems.push(`THEORY.md:${i + 1}: \`${m[1]}\` is not a name or Type.member`);
      else entries[entries.length - 1].names.push({ name: m[1], line: i + 1 });
    }
  }
  return { entries, problems };
}

/** Whether a source text exports `name`: a declaration, or a name in an export list (`a as b` exports b). */
export function exportsName(source: string, name: string): boolean {
  const decl = new RegExp(`export\\s+(?:declare\\s+)?(?:async\\s+)?(?:abstract\\s+)?(?:function\\*?|class|const|let|var|interface|type|enum)\\s+${name}\\b`);
  if (decl.test(source)) return true;
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of m[1].split(',')) {
      const parts = item.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      if (parts[parts.length - 1] === name) return true;
    }
  }
  return false;
}

/** The map's names that their file does not export (for Type.member: the type, and the member declared). */
export function mapProblems(theory: string, source: (file: string) => string | null): string[] {
  const { entries, problems } = theoryMap(theory);
  for (const e of entries) {
    const text = source(e.file);
    if (text === null) { problems.push(`THEORY.md:${e.line}: ${e.file} does not exist`); continue; }
    for (const { name, line } of e.names) {
      const [head, member] = name.split('.');
      if (!exportsName(text, head)) problems.push(`THEORY.md:${line}: ${e.file} does not export ${head}`);
      else if (member !== undefined && !new RegExp(`\\b${member}\\??\\s*[:(]`).test(text)) problems.push(`THEORY.md:${line}: ${head} in ${e.file} has no member ${member}`);
    }
  }
  return problems;
}

const sourceOf = (file: string) => (fs.existsSync(path.join(ROOT, file)) ? read(file) : null);
const show = (s: Stale[]) => s.map((x) => `${x.doc}:${x.line} ${x.path}`);

describe('documentation paths', () => {
  const files = repoFiles();

  it('README.md, THEORY.md and docs/*.md name only files that exist', () => {
    let named = 0;
    const stale: Stale[] = [];
    for (const doc of DOCS) {
      const text = read(doc);
      named += rootedCount(text);
      stale.push(...stalePaths(doc, text, files));
    }
    expect(named, 'paths found in the documents').to.be.above(100);
    expect(show(stale), 'paths that name no file').to.deep.equal([]);
  });

  it('THEORY.md §9.1 lists under each file only names that file exports', () => {
    const theory = read('THEORY.md');
    const { entries } = theoryMap(theory);
    expect(entries.length, 'files in the map').to.be.above(30);
    expect(entries.reduce((s, e) => s + e.names.length, 0), 'names in the map').to.be.above(150);
    expect(mapProblems(theory, sourceOf), 'names the map puts under a file that does not export them').to.deep.equal([]);
  });

  it('the checks see a moved file, a wrong name and a missing member', () => {
    const doc = 'lib/nn/trace.ts moved to lib/nn/dense/trace.ts (built as lib/nn/dense/trace.js); `dense.ts`, `dense/net.ts`,\n'
      + 'gpu.js, bench/.venv-numpy, docs/ and scripts/slurm/*.sbatch; spec/nothing.spec.js';
    expect(show(stalePaths('doc', doc, files))).to.deep.equal(['doc:1 lib/nn/trace.ts', 'doc:1 dense.ts', 'doc:2 spec/nothing.spec.js']);
    const theory = ['### 9.1 Map', '', 'lib/nn/dense/trace.ts', '- `traceForward`, `LayerTrace.zScore` — §1.3.',
      '- `log10MeanRatio` — §2.3.', '- `LayerTrace.nothing`, `f(x)`.', 'lib/nn/nothing.ts', '### 9.2 Next'].join('\n');
    expect(mapProblems(theory, sourceOf)).to.deep.equal([
      'THEORY.md:6: `f(x)` is not a name or Type.member',
      'THEORY.md:5: lib/nn/dense/trace.ts does not export log10MeanRatio',
      'THEORY.md:6: LayerTrace in lib/nn/dense/trace.ts has no member nothing',
      'THEORY.md:7: lib/nn/nothing.ts does not exist',
    ]);
  });
});
