// Flags shared by several figure scripts: lists of initializers, the kernel backend, and the training
// protocol of the "does it start training?" panels.

import { availableBackends, BACKEND_NAMES, createBackend } from '../../kernels/index';
import { initializerById } from '../../nn/init';
import { PAPER_PROTOCOL } from '../../nn/train/loop';
import { enumFlag, floatFlag, intFlag, UsageError, type Flag } from './cli';

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

/** One initializer id, checked against lib/nn/init.ts. */
export function initFlag(help: string, def: string): Flag<string> {
  return {
    help, metavar: 'ID', default: def,
    parse: (t, n) => {
      try {
        return initializerById(t.trim()).id;
      } catch (err) {
        throw new UsageError(`${n}: ${(err as Error).message}`);
      }
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

/**
 * The training flags of every panel run by panel.ts (Figures 1(b), 2(b), ...): the paper's protocol as
 * defaults; --runs and --max-epochs come from each script's presets.
 */
export function trainingFlags() {
  return {
    runs: intFlag('training runs per architecture (part b)', { min: 1 }),
    'max-epochs': intFlag('epoch limit per run (part b)', { min: 1 }),
    target: floatFlag('test accuracy to reach (part b)', { default: PAPER_PROTOCOL.target, min: 0, max: 1 }),
    batch: intFlag('batch size (part b)', { default: PAPER_PROTOCOL.batchSize, min: 1 }),
    lr: floatFlag('SGD learning rate (part b)', { default: PAPER_PROTOCOL.lr, min: 0 }),
    'eval-every': intFlag('also evaluate every k steps (0: once per epoch)', { default: 0, min: 0 }),
    dtype: enumFlag(['float32', 'float64'] as const, 'training dtype (part b)', { default: 'float32' }),
    dataset: enumFlag(['mnist', 'fashion-mnist'] as const, 'training data (part b)', { default: 'mnist' }),
  };
}
