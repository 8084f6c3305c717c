// Output files: atomic writes (a reader, or a later run, never sees half a file), the output
// folder check, CSV and JSON writers, and the JSON codec the run log shares with them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { UsageError } from '../errors';

export type Chunk = string | Uint8Array;
/** Content, or a producer that writes it in chunks (for large files); if it throws, nothing is written. */
export type Content = Chunk | ((write: (chunk: Chunk) => void) => void);

// Distinguishes temporary names within one thread; pid and threadId distinguish the rest.
let tmpCounter = 0;

/**
 * Writes the file through a temporary file in the same folder, fsynced, then renamed over the
 * target: rename within a file system is atomic, so the target is either the old or the new file.
 * On any failure the temporary file is removed and the error rethrown.
 */
export function writeFileAtomic(file: string, content: Content): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${threadId}-${tmpCounter++}.tmp`);
  const fd = fs.openSync(tmp, 'wx');
  let ok = false;
  try {
    const write = (chunk: Chunk) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      // writeSync may write less than asked; loop until all of it is out.
      for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
    };
    if (typeof content === 'function') content(write);
    else write(content);
    fs.fsyncSync(fd);
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (!ok) fs.rmSync(tmp, { force: true });
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync never returns for some paths under
 * /proc (seen with /proc/x), and a CLI must fail fast on a bad --out.
 */
function makeDirs(abs: string): void {
  const missing: string[] = [];
  let p = abs;
  while (!fs.existsSync(p)) {
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) fs.mkdirSync(dir);
}

/**
 * Creates the output folder (and parents) and checks that files can be created in it, so that a
 * bad --out fails at once with exit code 2, not after hours of computing.
 */
export function ensureOutDir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    makeDirs(abs);
    // access(W_OK) is not enough: root passes it on read-only mounts. Create and remove a file.
    const probe = path.join(abs, `.write-probe-${process.pid}-${threadId}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`cannot write to output folder ${dir} (${code})`);
  }
  return abs;
}

export type CsvValue = string | number | boolean | null | undefined;

/** One CSV field. Numbers print in JS's shortest round-trip form; null/undefined print as empty. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV text (RFC 4180, "\n" line ends) with a header; rows are records read by column name. */
export function formatCsv(columns: readonly string[], rows: Iterable<Readonly<Record<string, CsvValue>>>): string {
  const parts: string[] = [];
  writeCsvTo((s) => parts.push(s), columns, rows);
  return parts.join('');
}

function writeCsvTo(write: (s: string) => void, columns: readonly string[], rows: Iterable<Readonly<Record<string, CsvValue>>>): void {
  if (new Set(columns).size !== columns.length) throw new Error(`CSV columns repeat: ${columns.join(',')}`);
  write(columns.map(csvField).join(',') + '\n');
  for (const row of rows) write(columns.map((c) => csvField(row[c])).join(',') + '\n');
}

/** Writes a CSV atomically. Columns missing from a row print as empty fields. */
export function writeCsv(file: string, columns: readonly string[], rows: Iterable<Readonly<Record<string, CsvValue>>>): void {
  writeFileAtomic(file, (w) => writeCsvTo(w, columns, rows));
}

// JSON has no NaN, ±Infinity or −0, and JSON.stringify silently turns the first three into null.
// Results are encoded with these tagged instead, so a value read back from a log equals the value
// computed, and a resumed run gives exactly an uninterrupted run's output.
const TAG = '$num';

function replacer(this: unknown, _key: string, v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { [TAG]: 'NaN' };
    if (v === Infinity) return { [TAG]: 'Infinity' };
    if (v === -Infinity) return { [TAG]: '-Infinity' };
    if (Object.is(v, -0)) return { [TAG]: '-0' };
  }
  if (ArrayBuffer.isView(v)) throw new TypeError('typed arrays are not plain JSON: convert with Array.from');
  if (v instanceof Map || v instanceof Set) throw new TypeError('Map and Set are not plain JSON');
  if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') throw new TypeError(`a ${typeof v} is not plain JSON`);
  return v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === TAG) {
      const t = (v as Record<string, unknown>)[TAG];
      if (t === 'NaN') return NaN;
      if (t === 'Infinity') return Infinity;
      if (t === '-Infinity') return -Infinity;
      if (t === '-0') return -0;
    }
  }
  return v;
}

/** JSON text that keeps NaN, ±Infinity and −0 (tagged as {"$num": "NaN"} ...); throws on typed arrays, Maps, bigints. */
export function encodeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, replacer, indent);
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, reviver);
}

/** Writes a JSON record (2-space indent, trailing newline) atomically, keeping non-finite numbers. */
export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, encodeJson(value, 2) + '\n');
}
