// Flags shared by several scripts, each setting validated here once: initializers, the kernel
// backend, output files, and the training protocol of train.js and every "does it start training?" panel.

import { DatasetError, verifyDataset, type DatasetName } from '../../../data/mnist';
import { availableBackends, BACKEND_NAMES, createBackend } from '../../kernels/index';
import type { DType } from '../../kernels/backend';
import { initializerById } from '../../nn/init';
import { PAPER_PROTOCOL } from '../../nn/train/loop';
import { checkOutputFile } from '../out/files';
import { enumFlag, floatFlag, intFlag, parseIntList, UsageError, type Flag } from './cli';

/** A library RangeError from a flag's value becomes a one-line usage error naming the flag. */
export function flagValue<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError(`${name}: ${(err as Error).message}`);
  }
}

/** A comma list of initializer ids, each checked against lib/nn/init.ts. */
export function initListFlag(defaults: string[], help = 'initializer ids, comma separated (see node lib/experiments/inits.js)'): Flag<string[]> {
  return {
    help,
    metavar: 'LIST',
    default: defaults,
    parse: (t, n) => {
      const ids = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (ids.length === 0) throw new UsageError(`${n} needs a non-empty list`);
      for (const id of ids) flagValue(n, () => initializerById(id));
      if (new Set(ids).size !== ids.length) throw new UsageError(`${n} lists an initializer twice`);
      return ids;
    },
  };
}

/**
 * Initializers a theory needs with i.i.d. entries (the second-moment recursion, THEORY.md §3.7): one
 * with dependent entries (orthogonal) is a UsageError naming `flag` and `theory`.
 */
export function requireIid(ids: readonly string[], flag: string, theory: string): void {
  for (const id of ids) {
    if (!initializerById(id).iid) throw new UsageError(`${flag}: '${id}' has dependent entries; ${theory} needs i.i.d. weights`);
  }
}

/** One initializer id, checked against lib/nn/init.ts. */
export function initFlag(help: string, def: string): Flag<string> {
  return { help, metavar: 'ID', default: def, parse: (t, n) => flagValue(n, () => initializerById(t.trim()).id) };
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

/** The count a countOrDepthFlag value gives a net of this depth. */
export function countAt(value: number | 'depth', depth: number): number {
  return value === 'depth' ? depth : value;
}

/** The fastest correct backend available here. */
export function defaultBackend(): string {
  const here = availableBackends();
  return here.includes('wasm') ? 'wasm' : 'reference';
}

const dtypesOf = new Map<string, readonly DType[]>();

/** The dtypes a backend computes in (gpujs: float32 only); the backend is created once per name. */
export function backendDtypes(name: string): readonly DType[] {
  let d = dtypesOf.get(name);
  if (d === undefined) {
    const b = createBackend(name);
    d = b.dtypes;
    b.dispose?.();
    dtypesOf.set(name, d);
  }
  return d;
}

/** A kernel backend name, created once while parsing so that one that cannot run here fails before any work. */
export function backendFlag(): Flag<string> {
  return {
    help: `kernel backend: ${BACKEND_NAMES.join(', ')} (gpujs:MODE picks a gpu.js mode)`,
    metavar: 'NAME',
    default: defaultBackend(),
    parse: (t, n) => {
      flagValue(n, () => backendDtypes(t));
      return t;
    },
  };
}

export type DtypeChoice = 'auto' | DType;

/**
 * The length experiments' dtype, as a cell param: {} for float64 (so that float64 cells and their
 * logs stay as they were), {dtype: 'float32'} otherwise. Says so on stderr when 'auto' picked
 * float32 for a float32-only backend (not while planning: once per run).
 */
export function lengthsDtype(name: string, args: { dtype: DtypeChoice; backend: string }, planning: boolean): { dtype?: 'float32' } {
  const dtype = resolveDtype(args.dtype, args.backend, 'lengths');
  if (dtype === 'float64') return {};
  if (args.dtype === 'auto' && !planning) {
    process.stderr.write(`${name}: --backend ${args.backend} computes in float32 only, so the length experiments run in float32 (the run record says so)\n`);
  }
  return { dtype };
}

/** --dtype of the experiment scripts: 'auto' picks per use and backend (resolveDtype). */
export function dtypeFlag(): Flag<DtypeChoice> {
  return enumFlag(['auto', 'float32', 'float64'] as const,
    'dtype; auto: float64 for the length experiments and float32 for training, float32 where the backend computes in nothing else', { default: 'auto' });
}

/**
 * The dtype a use runs in: the one asked for, which the backend must compute in (else a UsageError
 * naming both), or for 'auto' float64 for the length experiments (float32 on a float32-only backend:
 * the log-domain trace keeps it safe) and float32 for training (the paper's protocol).
 */
export function resolveDtype(choice: DtypeChoice, backend: string, use: 'lengths' | 'training'): DType {
  const here = backendDtypes(backend);
  if (choice === 'auto') {
    const want: DType = use === 'lengths' ? 'float64' : 'float32';
    return here.includes(want) ? want : here[0];
  }
  if (!here.includes(choice)) throw new UsageError(`--backend ${backend} computes in ${here.join(' and ')} only, not --dtype ${choice}`);
  return choice;
}

/**
 * An output file, or null (the default, or '-') for none, checked now, before any work: a file that
 * may be replaced, a new file in a folder that exists, or a FIFO / character device (written through).
 */
export function outputFileFlag(help: string): Flag<string | null> {
  return {
    help: `${help} ('-' for none)`, metavar: 'FILE', default: null,
    parse: (t, n) => {
      if (t === '') throw new UsageError(`${n} needs a non-empty value`);
      if (t === '-') return null;
      checkOutputFile(t, n);
      return t;
    },
  };
}

/** A data set every run will load: installed and intact (sizes and MD5s), checked before any cell runs. */
export function checkDataset(name: DatasetName): void {
  try {
    verifyDataset(name);
  } catch (err) {
    if (err instanceof DatasetError) throw new UsageError(`--dataset ${name}: ${err.message}`);
    throw err;
  }
}

/** Widths n_0..n_d of an MNIST classifier: 784 inputs, at least one hidden layer, 10 classes. */
export function classifierWidthsFlag(help: string): Flag<number[]> {
  return {
    help, metavar: 'LIST',
    parse: (t, n) => {
      const w = parseIntList(t, n);
      if (w.length < 3) throw new UsageError(`${n} needs the input, at least one hidden width and the output, got '${t}'`);
      if (w[0] !== 784) throw new UsageError(`${n} must start with 784 (28×28 inputs), got ${w[0]}`);
      if (w[w.length - 1] !== 10) throw new UsageError(`${n} must end with 10 (the classes), got ${w[w.length - 1]}`);
      return w;
    },
  };
}

/**
 * The settings of one SGD run under the paper's protocol, shared by train.js and every panel run by
 * report/panel.ts (Figures 1(b), 2(b), ...): the paper's protocol as defaults.
 */
export function protocolFlags() {
  return {
    target: floatFlag('test accuracy to reach', { default: PAPER_PROTOCOL.target, min: 0, max: 1 }),
    batch: intFlag('batch size (at most the 60,000 training images)', { default: PAPER_PROTOCOL.batchSize, min: 1, max: 60000 }),
    lr: floatFlag('SGD learning rate', { default: PAPER_PROTOCOL.lr, above: 0 }),
    'eval-every': intFlag('also evaluate every k steps (0: once per epoch)', { default: 0, min: 0 }),
    dataset: enumFlag(['mnist', 'fashion-mnist'] as const, 'training data', { default: 'mnist' }),
  };
}

/** The panels' training flags: the protocol, and --runs and --max-epochs from each script's presets (--dtype is the script's own, dtypeFlag). */
export function trainingFlags() {
  return {
    runs: intFlag('training runs per architecture (part b)', { min: 1, max: 10000 }),
    'max-epochs': intFlag('epoch limit per run (part b)', { min: 1 }),
    ...protocolFlags(),
  };
}

/** --limit-train and --limit-test: the first N images only; 0 for all of them. */
export function limitFlags(defaults: { train?: number; test?: number } = {}) {
  return {
    'limit-train': intFlag('train on the first N training images only (0: all 60,000)', { default: defaults.train, min: 0, max: 60000 }),
    'limit-test': intFlag('evaluate on the first N test images only (0: all 10,000)', { default: defaults.test, min: 0, max: 10000 }),
  };
}

/** 0 means "no limit". */
export function limitOrNull(n: number): number | null {
  return n === 0 ? null : n;
}
