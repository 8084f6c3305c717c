// Messages between the page (main.ts) and its worker (worker.ts). Every reply carries the id of the
// run it belongs to, so the page drops replies from a run it has replaced.

import type { BackwardView, RunData, TraceRecord } from '../src/compute';
import type { Settings } from '../src/settings';
import type { LayerStats, Summary, Theory } from '../src/view';

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly settings: Settings; readonly pixels: Uint8Array | null }
  | { readonly type: 'records'; readonly id: number; readonly net: number }
  | { readonly type: 'backward'; readonly id: number; readonly net: number };

/** The numbers a plot needs: theory, per-layer statistics, the first few nets' paths. */
export interface ViewNumbers {
  readonly theory: Theory;
  readonly stats: LayerStats;
  readonly summary: Summary;
  /** log10(M_j/M_0), j = 1..d, of nets 0..PATHS−1 (those finished). */
  readonly paths: Float64Array[];
}

export type FromWorker =
  | { readonly type: 'backend'; readonly id: number; readonly backend: string; readonly note: string }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'partial'; readonly id: number; readonly view: ViewNumbers }
  | { readonly type: 'done'; readonly id: number; readonly view: ViewNumbers; readonly data: RunData; readonly net: number; readonly records: TraceRecord[]; readonly seconds: number }
  | { readonly type: 'records'; readonly id: number; readonly net: number; readonly records: TraceRecord[] }
  | { readonly type: 'backward'; readonly id: number; readonly view: BackwardView }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** Nets drawn as single paths. */
export const PATHS = 5;
