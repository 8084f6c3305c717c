// Progress on stderr: a redrawn bar on a terminal; plain, periodic lines in logs and pipes (a bar's
// carriage returns make a log file unreadable). The ETA is over the cells this run computes: cells
// taken from a resumed log took no time now and would make the estimate far too optimistic.

export interface ProgressOptions {
  readonly label: string;
  /** Cells in this run, including those already finished (resumed). */
  readonly total: number;
  /** Cells already finished when the run starts. */
  readonly already: number;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Seconds between plain lines when the stream is not a terminal. */
  readonly lineEvery?: number;
  /** Clock in ms; injectable for tests. */
  readonly now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class Progress {
  private done: number;
  private readonly start: number;
  private lastDraw = -Infinity;
  /** `done` when last drawn, so finish() does not repeat a line just printed. */
  private drawnDone = -1;
  private readonly tty: boolean;
  private readonly now: () => number;
  /** Cells in flight: how far each is (0..1) and its note, by key. */
  private readonly running = new Map<string, { fraction: number; note: string }>();

  constructor(private readonly o: ProgressOptions) {
    this.done = o.already;
    this.now = o.now ?? (() => performance.now());
    this.start = this.now();
    this.tty = o.stream.isTTY === true;
  }

  /** A running cell reports how far it is; redrawn like a tick. */
  update(key: string, fraction: number, note: string): void {
    this.running.set(key, { fraction: Math.min(1, Math.max(0, fraction)), note });
    const t = this.now();
    if (t - this.lastDraw >= (this.tty ? 100 : (this.o.lineEvery ?? 10) * 1000)) this.draw(t);
  }

  /** Call once per finished cell. */
  tick(key?: string): void {
    if (key !== undefined) this.running.delete(key);
    this.done++;
    const t = this.now();
    // Redraw a bar at most 10×/s; print a plain line every lineEvery seconds.
    const every = this.tty ? 100 : (this.o.lineEvery ?? 10) * 1000;
    if (t - this.lastDraw >= every) this.draw(t);
  }

  /** The final state; ends the bar's line. */
  finish(): void {
    if (this.drawnDone !== this.done || this.tty) this.draw(this.now());
    if (this.tty) this.o.stream.write('\n');
  }

  line(t = this.now()): string {
    const { total, already, label } = this.o;
    const elapsed = (t - this.start) / 1000;
    // Partly run cells count by their reported fraction, so long cells still give an ETA.
    let partial = 0;
    for (const r of this.running.values()) partial += r.fraction;
    const computed = this.done - already + partial;
    const eta = computed > 0 ? (elapsed / computed) * (total - this.done - partial) : NaN;
    const pct = total > 0 ? Math.floor((100 * this.done) / total) : 100;
    const resumed = already > 0 ? ` (${already} resumed)` : '';
    const notes = [...this.running.entries()].filter(([, r]) => r.note !== '').map(([k, r]) => `${k} ${r.note}`);
    const now = notes.length > 0 ? ` | ${notes.slice(0, 2).join('; ')}${notes.length > 2 ? ` (+${notes.length - 2})` : ''}` : '';
    return `${label}: ${this.done}/${total} cells${resumed} ${pct}%, elapsed ${formatDuration(elapsed)}, eta ${this.done >= total ? '0s' : formatDuration(eta)}${now}`;
  }

  private draw(t: number): void {
    this.lastDraw = t;
    this.drawnDone = this.done;
    if (!this.tty) {
      this.o.stream.write(this.line(t) + '\n');
      return;
    }
    const width = 24;
    const filled = this.o.total > 0 ? Math.round((width * this.done) / this.o.total) : width;
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.line(t)}`;
    const cols = this.o.stream.columns ?? 120;
    // \r + erase-line redraws in place; clip so the line never wraps (wrapping breaks the redraw).
    this.o.stream.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
  }
}
