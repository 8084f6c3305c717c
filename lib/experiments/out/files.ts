// Output files: atomic writes (a reader, or a later run, never sees half a file), the output
// folder check, CSV and JSON writers, and the JSON codec the run log shares with them.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { UsageError } from '../errors';

export type Chunk = string | Uint8Array;
/** Content, or a producer that writes it in chunks (for large files); if it throws, nothing is written. */
export type Content = Chunk | ((write: (chunk: Chunk) => void) => void);

// Distinguishes temporary names within one thread; host, pid and threadId distinguish the rest (a
// results folder may be shared by shards on several machines).
let tmpCounter = 0;
// Asked when first needed, not at load: the explorer's browser bundle imports formatCsv from this
// file, and a browser has no host name.
function host(): string {
  return os.hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
}

/** `.name.<host>-<pid>-<thread>-<n>.tmp` of this machine: what a write killed mid-way leaves behind. */
function tmpPattern(): RegExp {
  return new RegExp(`^\\..+\\.${host().replace(/\./g, '\\.')}-(\\d+)-(\\d+)-(\\d+)\\.tmp$`);
}

function tmpName(dir: string, base: string): string {
  return path.join(dir, `.${base}.${host()}-${process.pid}-${threadId}-${tmpCounter++}.tmp`);
}

/** What a path is, following symbolic links ('missing' when nothing is there). */
export type PathKind = 'missing' | 'file' | 'folder' | 'fifo' | 'character device' | 'block device' | 'socket' | 'other';

export function pathKind(file: string): PathKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    throw new UsageError(`cannot inspect ${file} (${code ?? String(err)})`);
  }
  return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'character device'
    : st.isBlockDevice() ? 'block device' : st.isSocket() ? 'socket' : 'other';
}

/** A FIFO or a character device (/dev/null, a terminal) is written through, never replaced by a file. */
function writtenThrough(kind: PathKind): boolean {
  return kind === 'fifo' || kind === 'character device';
}

function writeAll(fd: number, content: Content): void {
  const write = (chunk: Chunk) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    // writeSync may write less than asked; loop until all of it is out.
    for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
  };
  if (typeof content === 'function') content(write);
  else write(content);
}

/**
 * Writes the file through a temporary file in the same folder, fsynced, then renamed over the
 * target: rename within a file system is atomic, so the target is either the old or the new file.
 * On any failure the temporary file is removed and the error rethrown.
 *
 * Only a regular file (or nothing) is replaced. A FIFO or a character device is opened and written
 * through (renaming over /dev/null would replace the device); a folder, socket or block device is a
 * UsageError.
 */
export function writeFileAtomic(file: string, content: Content): void {
  const kind = pathKind(file);
  if (writtenThrough(kind)) {
    const fd = fs.openSync(file, fs.constants.O_WRONLY);
    try {
      writeAll(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  if (kind !== 'file' && kind !== 'missing') throw new UsageError(`${file} is a ${kind}, not a file: refusing to write it`);
  const tmp = tmpName(path.dirname(file), path.basename(file));
  const fd = fs.openSync(tmp, 'wx');
  let ok = false;
  try {
    writeAll(fd, content);
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

/** Whether a process of this id runs on this machine (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that writes killed mid-way left in dir: those of this machine whose
 * process is gone. A live writer's file (another shard, another thread) is left alone. Returns the names removed.
 */
export function removeOrphanTemps(dir: string): string[] {
  const removed: string[] = [];
  const TMP = tmpPattern();
  for (const name of fs.readdirSync(dir)) {
    const m = TMP.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const file = path.join(dir, name);
    if (!fs.lstatSync(file).isFile()) continue;
    fs.rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync never returns for some paths under
 * /proc (seen with /proc/x), and a CLI must fail fast on a bad --out. `exists` is the look; a
 * spec replaces it to replay a race deterministically.
 */
export function makeDirs(abs: string, exists: (p: string) => boolean = fs.existsSync): void {
  const missing: string[] = [];
  let p = abs;
  while (!exists(p)) {
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) mkdirOnce(dir);
}

/**
 * mkdir that accepts a folder made by someone else since we looked: the tasks of a Slurm array
 * start together and all create the one --out, so EEXIST on a folder is success, not an error.
 */
function mkdirOnce(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(dir).isDirectory()) throw err;
  }
}

/** Creates and removes a file in dir: access(W_OK) is not enough, root passes it on read-only mounts. */
function probeWritable(dir: string): void {
  const probe = tmpName(dir, 'write-probe');
  fs.writeFileSync(probe, '', { flag: 'wx' });
  fs.rmSync(probe);
}

/**
 * Creates the output folder (and parents) and checks that files can be created in it, so that a
 * bad --out fails at once with exit code 2, not after hours of computing.
 */
export function ensureOutDir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    makeDirs(abs);
    probeWritable(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`cannot write to output folder ${dir} (${code})`);
  }
  return abs;
}

/**
 * Checks an output file named on the command line before any work: a regular file that may be
 * replaced, a path whose folder exists and takes new files, or a FIFO / character device (written
 * through). Anything else is a UsageError naming the flag.
 */
export function checkOutputFile(file: string, flag: string): void {
  const kind = pathKind(file);
  if (writtenThrough(kind)) return;
  if (kind === 'folder') throw new UsageError(`${flag}: ${file} is a folder; name a file`);
  if (kind !== 'file' && kind !== 'missing') throw new UsageError(`${flag}: ${file} is a ${kind}; only files, FIFOs and character devices can be written`);
  if (kind === 'file' && (fs.statSync(file).mode & 0o222) === 0) throw new UsageError(`${flag}: ${file} is read-only`);
  const dir = path.dirname(path.resolve(file));
  const dirKind = pathKind(dir);
  if (dirKind === 'missing') throw new UsageError(`${flag}: folder ${path.dirname(file)} does not exist`);
  if (dirKind !== 'folder') throw new UsageError(`${flag}: ${path.dirname(file)} is not a folder`);
  try {
    probeWritable(dir);
  } catch (err) {
    throw new UsageError(`${flag}: cannot create files in ${path.dirname(file)} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Opens a file that results are read from or appended to (a run log, an invocation record) only
 * when it is a regular file, not a link: a results folder is untrusted, and a link planted there
 * must not make a run read, or append to, a file elsewhere. Returns false when it does not exist.
 */
export function isOwnFile(file: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (!st.isFile()) throw new UsageError(`${file} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: a results folder holds plain files only`);
  return true;
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
