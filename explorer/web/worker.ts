// The page's Web Worker: runs the engine (lib/, through explorer/src) on the WebAssembly backend, or
// the TypeScript reference when wasm is unavailable or asked for, so the page stays responsive. It
// reports progress, a first plot after a quarter second, a fresh one every second, then the whole run.

import { memoryBytesFor, mnistInput, Run } from '../src/compute';
import { ReferenceBackend, WasmBackend, type Backend, type WasmVariant } from '../src/engine';
import { resolve } from '../src/settings';
import { layerStats, summaryOf, theoryOf, type Theory } from '../src/view';
import { PATHS, type FromWorker, type ToWorker, type ViewNumbers } from './protocol';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let compiled: Promise<{ variant: WasmVariant; module: WebAssembly.Module }> | null = null;

/** The relaxed-SIMD build when this engine validates it (as Node does with its flag), else plain SIMD. */
function kernels(): Promise<{ variant: WasmVariant; module: WebAssembly.Module }> {
  compiled ??= (async () => {
    const fetchBytes = async (v: WasmVariant) => {
      const res = await fetch(`kernels-${v}.wasm`);
      if (!res.ok) throw new Error(`kernels-${v}.wasm: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    const relaxed = await fetchBytes('relaxed');
    const variant: WasmVariant = WebAssembly.validate(relaxed) ? 'relaxed' : 'simd';
    const bytes = variant === 'relaxed' ? relaxed : await fetchBytes('simd');
    return { variant, module: await WebAssembly.compile(bytes) };
  })();
  return compiled;
}

async function backendFor(id: number, name: string, memoryBytes: number): Promise<Backend> {
  if (name === 'wasm') {
    try {
      const k = await kernels();
      const b = new WasmBackend({ compiled: k, memoryBytes });
      scope.postMessage({ type: 'backend', id, backend: `wasm (${k.variant})`, note: '' });
      return b;
    } catch (err) {
      compiled = null;
      scope.postMessage({ type: 'backend', id, backend: 'reference', note: `wasm unavailable (${(err as Error).message}); running the TypeScript reference` });
      return new ReferenceBackend();
    }
  }
  scope.postMessage({ type: 'backend', id, backend: 'reference', note: '' });
  return new ReferenceBackend();
}

let current: { id: number; run: Run } | null = null;

function numbers(run: Run, theory: Theory): ViewNumbers {
  const stats = layerStats(run.data, run.config);
  const { done, depth: d } = run.data;
  const paths: Float64Array[] = [];
  for (let k = 0; k < Math.min(PATHS, done); k++) {
    const m0 = run.data.logM0[k];
    paths.push(run.data.logM.slice(k * d, (k + 1) * d).map((v) => (v - m0) * Math.LOG10E));
  }
  return { theory, stats, summary: summaryOf(run.data, stats), paths };
}

async function start(id: number, msg: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const r = resolve(msg.settings);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.key}: ${p.message}`).join('; '));
  const c = r.config;
  const input = c.input.kind === 'mnist' ? mnistInput(msg.pixels ?? new Uint8Array(0)) : null;
  const backend = await backendFor(id, c.backend, memoryBytesFor(c));
  const run = new Run(c, backend, input);
  current = { id, run };
  const theory = theoryOf(c, input);
  const t0 = performance.now();
  let lastProgress = t0, nextPartial = t0 + 250;
  while (!run.finished) {
    run.next();
    const t = performance.now();
    if (t - lastProgress > 100) { scope.postMessage({ type: 'progress', id, done: run.data.done, total: c.nets }); lastProgress = t; }
    if (t >= nextPartial && !run.finished) {
      scope.postMessage({ type: 'partial', id, view: numbers(run, theory) });
      nextPartial = performance.now() + 1000;
    }
  }
  const view = numbers(run, theory);
  const records = run.records(c.net);
  // The run's arrays are copied: the worker keeps its own for later record requests.
  scope.postMessage({ type: 'done', id, view, data: { ...run.data, logM0: run.data.logM0.slice(), logM: run.data.logM.slice(), active: run.data.active.slice() }, net: c.net, records, seconds: (performance.now() - t0) / 1000 });
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'run') {
    start(msg.id, msg).catch((err: unknown) => scope.postMessage({ type: 'error', id: msg.id, message: (err as Error).message }));
  } else {
    if (current === null || current.id !== msg.id) return;
    const run = current.run;
    try {
      if (msg.type === 'records') scope.postMessage({ type: 'records', id: msg.id, net: msg.net, records: run.records(msg.net) });
      else scope.postMessage({ type: 'backward', id: msg.id, view: run.backward(msg.net) });
    } catch (err) {
      scope.postMessage({ type: 'error', id: msg.id, message: (err as Error).message });
    }
  }
};
