// What a run will cost, known before it starts: its cells, the estimated core-hours and the peak
// memory. Every experiment script builds its plan first (the same code path as the run, with no
// cell computed), refuses a run that cannot fit in memory, and prints the plan for --plan.
//
// The numbers are estimates from a cost model (cells/cost.ts) measured on one machine; a cell's own
// cost function gives its seconds on one core and the bytes it holds.

import * as os from 'node:os';
import { UsageError } from '../errors';

/** The estimated cost of one cell on one core. */
export interface CellCost {
  /** CPU seconds on one core (an estimate). */
  readonly seconds: number;
  /** True when seconds is an upper bound: a training run stops once it reaches its target. */
  readonly atMost?: boolean;
  /** Peak bytes the cell itself holds (weights, activations, its samples). */
  readonly bytes: number;
  /** Bytes a thread loads once and keeps for all its cells (a data set). */
  readonly threadBytes?: number;
  /** Bytes that must fit in one fixed pool (the wasm backend's memory), with the pool's size. */
  readonly pool?: { readonly name: string; readonly bytes: number; readonly capacity: number };
}

/** One node process, its modules and heap, before any cell (measured RSS, rounded up). */
export const PROCESS_BYTES = 120 * 2 ** 20;
/** One more worker thread, its own copy of the modules and heap. */
export const THREAD_BYTES = 45 * 2 ** 20;

const MODEL = 'the cost model of lib/experiments/cells/cost.ts (CPU time measured on a 2-core machine; yours differs)';

/** The memory this process may use: the machine's, or the container's limit when lower. */
export function memoryLimit(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return constrained > 0 ? Math.min(constrained, os.totalmem()) : os.totalmem();
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return String(b);
  if (b < 2 ** 20) return `${Math.max(1, Math.round(b / 1024))} KiB`;
  if (b < 2 ** 30) return `${(b / 2 ** 20).toFixed(b < 10 * 2 ** 20 ? 1 : 0)} MiB`;
  if (b < 2 ** 40) return `${(b / 2 ** 30).toFixed(b < 10 * 2 ** 30 ? 2 : 1)} GiB`;
  return b < 2 ** 50 ? `${(b / 2 ** 40).toFixed(1)} TiB` : `${(b / 2 ** 50).toExponential(1)} PiB`;
}

function formatHours(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  const h = seconds / 3600;
  return h >= 100 ? h.toFixed(0) : h >= 1 ? h.toFixed(1) : h >= 0.01 ? h.toFixed(2) : h.toExponential(1);
}

/** Refuses, in one line, work whose memory estimate exceeds what this machine allows. */
export function checkMemory(bytes: number, what: string, limit = memoryLimit()): void {
  if (!(bytes <= limit)) throw new UsageError(`${what} needs about ${formatBytes(bytes)} of memory; this machine allows ${formatBytes(limit)}`);
}

/** Refuses a cell whose arrays cannot fit in its fixed pool (the wasm backend's memory). */
function checkPool(cost: CellCost, what: string): void {
  const p = cost.pool;
  if (p !== undefined && p.bytes > p.capacity) {
    throw new UsageError(`${what} needs about ${formatBytes(p.bytes)} in the ${p.name}, which holds ${formatBytes(p.capacity)}; use smaller sizes or another --backend`);
  }
}

/** Refuses one cell-sized job (a tool's single net) that cannot fit: in its pool, or in memory with the process. */
export function checkFits(cost: CellCost, what: string, limit = memoryLimit()): void {
  checkPool(cost, what);
  checkMemory(PROCESS_BYTES + (cost.threadBytes ?? 0) + cost.bytes, what, limit);
}

/** One experiment of a plan: its share of the cells, what is left to run, and their costs. */
export interface PlannedExperiment {
  readonly name: string;
  /** Cells of this run (its shard's share). */
  readonly cells: number;
  /** Of those, cells not already in the logs (with --resume). */
  readonly todo: number;
  readonly seconds: number;
  readonly atMost: boolean;
  /** The largest cell: its key and bytes. */
  readonly biggest: { readonly key: string; readonly bytes: number } | null;
  readonly threadBytes: number;
}

export interface PlanCell {
  readonly key: string;
  readonly cost: CellCost | null;
}

export class Plan {
  readonly experiments: PlannedExperiment[] = [];

  /** Adds an experiment's cells (this shard's share); `done` are the keys already in the logs. */
  add(name: string, cells: readonly PlanCell[], done: ReadonlySet<string> = new Set()): void {
    let seconds = 0, atMost = false, threadBytes = 0, todo = 0;
    let biggest: { key: string; bytes: number } | null = null;
    for (const c of cells) {
      if (done.has(c.key)) continue;
      todo++;
      if (c.cost === null) { seconds = NaN; continue; }
      // A cell that cannot fit in its pool fails the plan at once: no run should find out after hours.
      checkPool(c.cost, `cell '${c.key}' of ${name}`);
      seconds += c.cost.seconds;
      atMost ||= c.cost.atMost === true;
      threadBytes = Math.max(threadBytes, c.cost.threadBytes ?? 0);
      if (biggest === null || c.cost.bytes > biggest.bytes) biggest = { key: c.key, bytes: c.cost.bytes };
    }
    this.experiments.push({ name, cells: cells.length, todo, seconds, atMost, biggest, threadBytes });
  }

  get seconds(): number {
    return this.experiments.reduce((s, e) => s + e.seconds, 0);
  }

  /** Threads that will run cells at once: the workers, but no more than one experiment's cells to run. */
  threads(workers: number): number {
    const most = Math.max(0, ...this.experiments.map((e) => e.todo));
    return Math.max(1, Math.min(workers, most));
  }

  /** The process, plus every thread holding its data and the largest cell at once (inline: the main thread does it). */
  peakBytes(workers: number): number {
    const perThread = Math.max(0, ...this.experiments.map((e) => e.threadBytes + (e.biggest?.bytes ?? 0)));
    const n = this.threads(workers);
    return PROCESS_BYTES + (workers > 1 ? n * (THREAD_BYTES + perThread) : perThread);
  }

  /** Refuses a run whose peak memory estimate exceeds the machine's. */
  check(script: string, workers: number, limit = memoryLimit()): void {
    const peak = this.peakBytes(workers);
    if (peak <= limit) return;
    const big = this.experiments.filter((e) => e.biggest !== null).sort((a, b) => b.biggest!.bytes - a.biggest!.bytes)[0];
    const which = big ? ` (largest cell: ${big.name} '${big.biggest!.key}', about ${formatBytes(big.biggest!.bytes)})` : '';
    throw new UsageError(`${script} needs about ${formatBytes(peak)} of memory with ${this.threads(workers)} worker(s)${which}; this machine allows ${formatBytes(limit)}: use smaller sizes or fewer --workers`);
  }

  /** The plan as text: a line per experiment, then the totals. */
  format(script: string, workers: number, model = MODEL, limit = memoryLimit()): string {
    const rows = this.experiments.map((e) => [
      e.name, `${e.cells} cells`, e.todo < e.cells ? `${e.todo} to run` : '', `${e.atMost ? '≤ ' : ''}${formatHours(e.seconds)} core-h`,
      e.biggest ? `largest cell ${formatBytes(e.biggest.bytes)}${e.threadBytes > 0 ? ` + ${formatBytes(e.threadBytes)} data per thread` : ''}` : '',
    ]);
    const widths = rows.length ? rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length))) : [];
    const lines = rows.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd());
    const atMost = this.experiments.some((e) => e.atMost);
    const threads = this.threads(workers), seconds = this.seconds;
    return [
      `${script}: plan (nothing run). Estimates from ${model}.`,
      ...lines,
      `total: ${this.experiments.reduce((s, e) => s + e.todo, 0)} cells to run, about ${atMost ? '≤ ' : ''}${formatHours(seconds)} core-hours `
        + `(≈ ${formatHours(seconds / threads)} h wall on ${threads} worker${threads === 1 ? '' : 's'}); peak memory about ${formatBytes(this.peakBytes(workers))} (this machine allows ${formatBytes(limit)})`,
      ...(atMost ? ['(≤: training runs are counted at their epoch limit; a run stops once it reaches its target)'] : []),
      '',
    ].join('\n');
  }
}
