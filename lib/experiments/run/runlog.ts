// The run log: one JSON line per finished cell, {"key", "params", "result"}, appended and synced
// as each cell finishes, so a killed run loses only the cells in progress. Reading never trusts a
// line it cannot fully parse (a kill can tear the last one): such lines are reported and skipped,
// and their cells run again. A record counts only for a cell with the same key AND the same params,
// so a log left by a run with other settings (another seed, more nets) is never reused by mistake.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJson, encodeJson, isOwnFile, writeFileAtomic } from '../out/files';

/** One process's share of a run's cells: cells with index % count === index − 1 (index is 1-based). */
export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface LogRecord {
  readonly key: string;
  readonly params: unknown;
  readonly result: unknown;
}

export interface CorruptLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly reason: string;
}

export interface LogContents {
  readonly records: LogRecord[];
  readonly corrupt: CorruptLine[];
  /** The text of the valid lines, for compacting a log with torn lines. */
  readonly validLines: string[];
  /** False when the file does not end in a newline (a torn final write). */
  readonly endsClean: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Experiment names become file names; keep them to a safe alphabet. */
export function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`experiment name '${name}' must match ${NAME}`);
}

/** DIR/<name>.jsonl for a whole run, DIR/<name>.shard-<i>-of-<N>.jsonl for a shard. */
export function logPath(dir: string, name: string, shard: Shard | null): string {
  return path.join(dir, shard ? `${name}.shard-${shard.index}-of-${shard.count}.jsonl` : `${name}.jsonl`);
}

/** Every log of this experiment in the folder, whole-run and shard logs alike, in name order. */
export function logFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const shardLog = /^\.shard-\d+-of-\d+\.jsonl$/;
  return fs.readdirSync(dir)
    .filter((f) => f.startsWith(name) && (f === `${name}.jsonl` || shardLog.test(f.slice(name.length))))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads a log; a missing file is an empty log. */
export function readLog(file: string): LogContents {
  if (!isOwnFile(file)) return { records: [], corrupt: [], validLines: [], endsClean: true };
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // A final "" after the last newline is not a line.
  if (lines[lines.length - 1] === '') lines.pop();
  const records: LogRecord[] = [], corrupt: CorruptLine[] = [], validLines: string[] = [];
  lines.forEach((line, i) => {
    let rec: unknown;
    try {
      rec = decodeJson(line);
    } catch {
      corrupt.push({ file, line: i + 1, reason: line.length > 0 ? 'not valid JSON (torn write?)' : 'empty line' });
      return;
    }
    const r = rec as Partial<LogRecord> | null;
    if (r === null || typeof r !== 'object' || typeof r.key !== 'string' || !('params' in r) || !('result' in r)) {
      corrupt.push({ file, line: i + 1, reason: 'not a {key, params, result} record' });
      return;
    }
    records.push({ key: r.key, params: r.params, result: r.result });
    validLines.push(line);
  });
  return { records, corrupt, validLines, endsClean: text.length === 0 || text.endsWith('\n') };
}

/** JSON with object keys sorted, so that equal params compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  return encodeJson(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** An append-only log file. Each append is one write of one whole line, then fdatasync. */
export class LogWriter {
  private fd: number;

  /**
   * fresh: start an empty log; an old one is kept as <log>.prev (a run started without --resume by
   * mistake must not destroy hours of results). Otherwise keep the file, but first rewrite
   * it atomically without torn or corrupt lines, so that the next append starts on a line of its own.
   */
  constructor(readonly file: string, fresh: boolean) {
    if (fresh) {
      if (isOwnFile(file) && fs.statSync(file).size > 0) fs.renameSync(file, `${file}.prev`);
      writeFileAtomic(file, '');
    } else {
      const c = readLog(file);
      if (c.corrupt.length > 0 || !c.endsClean) writeFileAtomic(file, c.validLines.map((l) => l + '\n').join(''));
    }
    // O_NOFOLLOW: never append through a link planted in the folder since the checks above.
    this.fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW);
  }

  /** Appends the record and returns the line written (without its newline). */
  append(rec: LogRecord): string {
    const line = encodeJson(rec);
    fs.appendFileSync(this.fd, line + '\n');
    // Survive power loss as well as a kill: the cell may have taken hours.
    fs.fdatasyncSync(this.fd);
    return line;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
