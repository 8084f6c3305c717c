// The layering of docs/architecture.md, checked over the import graph of the sources: nothing imports
// up a layer. A failure names the importing file and the import that breaks the rule.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** Every .ts source under the folders, repo-relative, without declaration files. */
function sources(...dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

/** The repo-relative module each relative import or require of a file names (without extension). */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import|require)\s*\(?\s*'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, ''));
}

/** The folder of a module that the rules speak of: 'lib/nn/dense', 'lib/experiments/cells', 'data', ... */
function unit(mod: string): string {
  const parts = mod.split(path.sep);
  if (parts[0] !== 'lib') return parts[0];
  if (parts.length === 2) return mod; // lib/index
  if (parts[1] === 'experiments' || parts[1] === 'nn') return parts.length > 3 ? parts.slice(0, 3).join('/') : `${parts[0]}/${parts[1]}/${parts[2]}`;
  return parts.slice(0, 2).join('/');
}

const NN_SHARED = ['lib/nn/init', 'lib/nn/special', 'lib/nn/stats', 'lib/nn/profiles', 'lib/nn/input', 'lib/nn/index'];
const ENGINE = ['lib/kernels', 'lib/tensor', 'lib/autograd'];
const NN = [...NN_SHARED, 'lib/nn/dense', 'lib/nn/residual', 'lib/nn/conv', 'lib/nn/train'];
const LIBRARY = [...ENGINE, ...NN, 'data'];

/** What each unit may import (besides itself). The order is the layer picture of docs/architecture.md. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'lib/kernels': [],
  'lib/tensor': ['lib/kernels'],
  'lib/autograd': ['lib/kernels', 'lib/tensor'],
  data: ['lib/kernels'],
  ...Object.fromEntries(NN_SHARED.map((u) => [u, ['lib/kernels', 'lib/tensor', ...NN_SHARED]])),
  'lib/nn/dense': ['lib/kernels', 'lib/tensor', 'lib/autograd', ...NN_SHARED, 'lib/nn/train'],
  'lib/nn/residual': ['lib/kernels', 'lib/tensor', 'lib/autograd', ...NN_SHARED, 'lib/nn/train'],
  'lib/nn/conv': ['lib/kernels', 'lib/tensor', 'lib/autograd', ...NN_SHARED, 'lib/nn/train'],
  'lib/nn/train': ['lib/kernels', 'lib/tensor', 'lib/autograd', ...NN, 'data'],
  'lib/index': LIBRARY,
  'lib/experiments/errors': [],
  'lib/experiments/out': ['lib/experiments/errors'],
  'lib/experiments/run': ['lib/experiments/errors', 'lib/experiments/out'],
  'lib/experiments/cli': ['lib/kernels', ...NN, 'data', 'lib/experiments/errors', 'lib/experiments/out', 'lib/experiments/run'],
  'lib/experiments/cells': [...LIBRARY, 'lib/experiments/errors', 'lib/experiments/run'],
  'lib/experiments/report': [...LIBRARY, 'lib/experiments/errors', 'lib/experiments/run', 'lib/experiments/out', 'lib/experiments/cli', 'lib/experiments/cells'],
};

/** Files of the nets that may name a kernel module: only the backend interface, its registry and the ops written on it. */
const NET_KERNEL_MODULES = ['lib/kernels/backend', 'lib/kernels/index', 'lib/kernels/conv', 'lib/kernels/im2col'];

/** Whether an import from the module `from` of module `to` breaks MAY_IMPORT (entry scripts of lib/experiments/ may import anything below them). */
function breaks(from: string, to: string): boolean {
  const a = unit(from), b = unit(to), allowed = MAY_IMPORT[a];
  return allowed !== undefined && a !== b && !allowed.includes(b);
}

describe('layering (docs/architecture.md)', () => {
  const lib = sources('lib', 'data');

  it('finds the sources and resolves every relative import to one', () => {
    expect(lib.length).to.be.greaterThan(60);
    for (const f of lib) {
      for (const m of imports(f)) {
        const found = fs.existsSync(path.join(ROOT, `${m}.ts`)) || fs.existsSync(path.join(ROOT, m, 'index.ts'));
        expect(found, `${f} imports ${m}, which is no source file`).to.equal(true);
      }
    }
  });

  it('nothing imports up a layer: kernels know no nets, tensors know no graph, library code never imports a CLI', () => {
    const bad = lib.flatMap((f) => imports(f).filter((m) => breaks(f.replace(/\.ts$/, ''), m)).map((m) => `${f} → ${m}`));
    expect(bad).to.deep.equal([]);
  });

  it('nets use the kernels through the backend interface only', () => {
    const bad = sources('lib/nn').flatMap((f) => imports(f).filter((m) => m.startsWith('lib/kernels/') && !NET_KERNEL_MODULES.includes(m)).map((m) => `${f} → ${m}`));
    expect(bad).to.deep.equal([]);
  });

  it('bench/ imports only the public API (lib/index.ts, lib/experiments/index.ts) and itself', () => {
    const bad = sources('bench').flatMap((f) => imports(f).filter((m) => !m.startsWith('bench') && m !== 'lib' && m !== 'lib/experiments').map((m) => `${f} → ${m}`));
    expect(bad).to.deep.equal([]);
  });

  it('examples/ use the package by its name only', () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8');
      expect([...text.matchAll(/require\('([^']*)'\)/g)].map((m) => m[1]), f).to.deep.equal(['start-training']);
    }
  });

  it('the rules can fail: upward imports are caught', () => {
    expect(breaks('lib/kernels/wasm', 'lib/nn/dense/net')).to.equal(true);
    expect(breaks('lib/tensor/tensor', 'lib/autograd/var')).to.equal(true);
    expect(breaks('lib/nn/dense/trace', 'lib/experiments/cli/cli')).to.equal(true);
    expect(breaks('lib/experiments/cells/lengths', 'lib/experiments/cli/flags')).to.equal(true);
    expect(breaks('lib/experiments/run/runner', 'lib/experiments/cells/lengths')).to.equal(true);
    expect(breaks('lib/nn/dense/net', 'lib/nn/residual/net')).to.equal(true);
    expect(breaks('lib/experiments/fig1', 'lib/experiments/cells/lengths')).to.equal(false);
    expect(breaks('lib/experiments/report/fig1a', 'lib/experiments/fig1')).to.equal(true);
    expect(breaks('lib/experiments/cli/architectures', 'lib/experiments/cells/fm2')).to.equal(true);
    expect(breaks('lib/experiments/report/fig2a', 'lib/experiments/cli/architectures')).to.equal(false);
    expect(breaks('lib/nn/train/loop', 'lib/nn/dense/classifier')).to.equal(false);
  });
});
