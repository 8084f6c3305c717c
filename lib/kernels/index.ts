// The backend registry: one table of name → factory, so a new backend is one entry, and every caller
// (CLI --backend, specs, benchmarks) picks a backend by the same string.
//
// A backend string is a name with an optional variant after a colon: 'reference', 'gpujs',
// 'gpujs:cpu', 'gpujs:headlessgl'. Backends that load heavy modules (gpu.js takes ~175 ms to load) are
// required lazily, so a reference-only run never pays for them.

import type { Backend } from './backend';
import { ReferenceBackend } from './reference';

interface BackendEntry {
  /** Create the backend; variant is the text after ':' in the backend string, if any. */
  create(variant: string | undefined): Backend;
  /** Whether create(undefined) can succeed on this machine. */
  available(): boolean;
}

function noVariant(name: string, make: () => Backend): BackendEntry['create'] {
  return (variant) => {
    if (variant !== undefined) throw new RangeError(`backend '${name}' takes no variant, got '${name}:${variant}'`);
    return make();
  };
}

/** True when the module loads (a missing optional dependency or native build makes it false). */
function loads(load: () => unknown): () => boolean {
  return () => {
    try {
      load();
      return true;
    } catch {
      return false;
    }
  };
}

const loadGpuJs = () => require('./gpujs') as typeof import('./gpujs');

const REGISTRY: Readonly<Record<string, BackendEntry>> = {
  reference: { create: noVariant('reference', () => new ReferenceBackend()), available: () => true },
  gpujs: {
    create: (variant) => {
      const { GpuJsBackend, GPUJS_MODES } = loadGpuJs();
      const mode = GPUJS_MODES.find((m) => m === variant);
      if (variant !== undefined && mode === undefined) {
        throw new RangeError(`unknown gpujs mode '${variant}' (known: ${GPUJS_MODES.join(', ')})`);
      }
      return new GpuJsBackend({ mode });
    },
    available: loads(loadGpuJs),
  },
  wasm: { create: noVariant('wasm', () => new (require('./wasm') as typeof import('./wasm')).WasmBackend()), available: loads(() => new (require('./wasm') as typeof import('./wasm')).WasmBackend({ memoryBytes: 1 << 24 })) },
};

/** Every registered backend name, whether or not it can be created here. */
export const BACKEND_NAMES: readonly string[] = Object.keys(REGISTRY);

/** Split 'name:variant' into its parts. */
export function parseBackendSpec(spec: string): { name: string; variant: string | undefined } {
  const colon = spec.indexOf(':');
  return colon < 0 ? { name: spec, variant: undefined } : { name: spec.slice(0, colon), variant: spec.slice(colon + 1) };
}

/** A backend by name, e.g. 'reference', 'gpujs' or 'gpujs:cpu'; throws for unknown names, listing the known ones. */
export function createBackend(spec: string): Backend {
  const { name, variant } = parseBackendSpec(spec);
  const entry = Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (entry === undefined) throw new RangeError(`unknown backend '${spec}' (known: ${BACKEND_NAMES.join(', ')})`);
  return entry.create(variant);
}

/** The registered backends that can be created on this machine, in registry order. */
export function availableBackends(): string[] {
  return BACKEND_NAMES.filter((name) => REGISTRY[name].available());
}

export type { Backend, DType, FloatArray, MatmulOptions } from './backend';
