// Bundles the explorer page with esbuild: explorer/web/main.ts (the page) and explorer/web/worker.ts
// (the Web Worker that runs the engine) from the project's own TypeScript, plus the static files and
// the wasm kernels of `npm run build:wasm`, into explorer/dist. Run by `npm run build`.
//
// The engine's Node-only imports (node:fs and friends, reached through lib/kernels/wasm.ts and the
// CSV writer) are never called in the page; they resolve to web/node-shim.js, whose every member
// throws if called. gpu.js, reached through the backend registry the nets import, resolves to
// web/gpu-shim.js the same way: the page runs the reference and wasm backends only.

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const WEB = path.join(__dirname, 'web');
const DIST = path.join(__dirname, 'dist');
const SHIM = path.join(WEB, 'node-shim.js');
const GPU_SHIM = path.join(WEB, 'gpu-shim.js');
const NODE_MODULES = ['fs', 'path', 'v8', 'os', 'util', 'worker_threads', 'zlib'];

async function build(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  fs.mkdirSync(DIST, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { main: path.join(WEB, 'main.ts'), worker: path.join(WEB, 'worker.ts') },
    outdir: DIST,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    alias: { ...Object.fromEntries(NODE_MODULES.flatMap((m) => [[`node:${m}`, SHIM], [m, SHIM]])), 'gpu.js': GPU_SHIM },
  });
  for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(WEB, f), path.join(DIST, f));
  for (const v of ['simd', 'relaxed']) {
    fs.copyFileSync(path.join(ROOT, 'build', 'wasm', `kernels-${v}.wasm`), path.join(DIST, `kernels-${v}.wasm`));
  }
  const sizes = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
    .map(([f, o]) => `${path.basename(f)} ${(o.bytes / 1024).toFixed(0)} KiB`);
  process.stdout.write(`explorer: bundled into ${path.relative(ROOT, DIST)} (${sizes.join(', ')})\n`);
}

build().catch((err: unknown) => {
  process.stderr.write(`error: explorer build failed: ${(err as Error).message}\n`);
  process.exit(1);
});
