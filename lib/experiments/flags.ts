// Flags shared by several figure scripts: lists of initializers and the kernel backend (with the
// per-thread backend cache the cell tasks use).

import type { Backend } from '../kernels/backend';
import { availableBackends, BACKEND_NAMES, createBackend } from '../kernels/index';
import { initializerById } from '../nn/init';
import { UsageError, type Flag } from './cli';

/** A comma list of initializer ids, each checked against lib/nn/init.ts. */
export function initListFlag(defaults: string[]): Flag<string[]> {
  return {
    help: 'initializer ids, comma separated (see node lib/experiments/inits.js)',
    metavar: 'LIST',
    default: defaults,
    parse: (t, n) => {
      const ids = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (ids.length === 0) throw new UsageError(`${n} needs a non-empty list`);
      for (const id of ids) {
        try {
          initializerById(id);
        } catch (err) {
          throw new UsageError(`${n}: ${(err as Error).message}`);
        }
      }
      if (new Set(ids).size !== ids.length) throw new UsageError(`${n} lists an initializer twice`);
      return ids;
    },
  };
}

/** A positive integer, or 'depth' for "the same as the net's depth" (width = depth keeps β = 1). */
export function countOrDepthFlag(help: string): Flag<number | 'depth'> {
  return {
    help,
    metavar: 'N|depth',
    default: 'depth',
    parse: (t, n) => {
      if (t === 'depth') return 'depth';
      if (!/^\d+$/.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) throw new UsageError(`${n} expects a positive integer or 'depth', got '${t}'`);
      return Number(t);
    },
  };
}

/** The fastest correct backend available here. */
export function defaultBackend(): string {
  const here = availableBackends();
  return here.includes('wasm') ? 'wasm' : 'reference';
}

export function backendFlag(): Flag<string> {
  return {
    help: `kernel backend: ${BACKEND_NAMES.join(', ')} (gpujs:MODE picks a gpu.js mode)`,
    metavar: 'NAME',
    default: defaultBackend(),
    parse: (t) => t,
  };
}

/** Fail early, with exit code 2, when the backend cannot be created here. */
export function checkBackend(name: string): void {
  try {
    createBackend(name).dispose?.();
  } catch (err) {
    throw new UsageError(`--backend: ${(err as Error).message}`);
  }
}

const backends = new Map<string, Backend>();

/** The backend named by a cell's params, created once per thread (a cell task's entry point uses it). */
export function cachedBackend(name: string): Backend {
  let b = backends.get(name);
  if (b === undefined) {
    b = createBackend(name);
    backends.set(name, b);
  }
  return b;
}
