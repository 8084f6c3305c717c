// A summary table for the terminal: aligned columns, numbers right-aligned, text left-aligned.
// Figures print one after a run so the numbers can be read without opening the CSV.

export type TableValue = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Significant digits for non-integer numbers. Default 4. */
  readonly digits?: number;
  /** Spaces between columns. Default 2. */
  readonly gap?: number;
}

export function formatValue(v: TableValue, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    if (!Number.isFinite(v)) return String(v);
    // toPrecision, then Number(): "1.500" → "1.5"; large and tiny values switch to exponent form.
    return String(Number(v.toPrecision(digits)));
  }
  return String(v);
}

/** The table as text: a header, a rule, one line per row; columns are taken from the rows by name. */
export function formatTable(columns: readonly string[], rows: readonly Readonly<Record<string, TableValue>>[], opts: TableOptions = {}): string {
  const gap = ' '.repeat(opts.gap ?? 2);
  const cells = rows.map((r) => columns.map((c) => formatValue(r[c], opts.digits)));
  // A column is numeric (right-aligned) when every non-empty value in it is a number.
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  const width = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals: readonly string[]) =>
    vals.map((v, j) => (numeric[j] ? v.padStart(width[j]) : v.padEnd(width[j]))).join(gap).trimEnd();
  return [line(columns), width.map((w) => '-'.repeat(w)).join(gap), ...cells.map(line)].join('\n') + '\n';
}

/** Prints the table to stdout (or the given stream). */
export function printTable(columns: readonly string[], rows: readonly Readonly<Record<string, TableValue>>[], opts: TableOptions & { stream?: NodeJS.WritableStream } = {}): void {
  (opts.stream ?? process.stdout).write(formatTable(columns, rows, opts));
}
