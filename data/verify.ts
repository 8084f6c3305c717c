// Checks a dataset file against the manifest (manifest.ts): its size, then its MD5 (for a gzipped
// file: its own MD5 as published or as packaged, or else the MD5 of the data inside). A verdict is
// cached by path, size and mtime, so only the first load of a file pays for the hash; a file that
// is replaced or touched is hashed again. A mismatch is a one-line DatasetError naming the file.
//
// The cache is a small JSON file in node_modules/.cache/start-training/ of this package; where it
// cannot be written, every load hashes (correct, only slower).

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DatasetFile } from './manifest';

/** One-line error for any missing, malformed or altered dataset file. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'start-training', 'dataset-md5.json');

const MAX_ENTRIES = 64;

interface Verdict {
  readonly bytes: number;
  readonly mtimeMs: number;
  /** The manifest MD5 the file was found to match. */
  readonly md5: string;
}

function readCache(): Record<string, Verdict> {
  try {
    const v = JSON.parse(fs.readFileSync(CACHE, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Verdict>) : {};
  } catch {
    return {};
  }
}

function writeCache(cache: Record<string, Verdict>): void {
  try {
    fs.mkdirSync(path.dirname(CACHE), { recursive: true });
    const tmp = `${CACHE}.${process.pid}-${threadId}.tmp`;
    // The newest entries only: a cache of the few files this machine loads, not a growing log.
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(Object.entries(cache).slice(-MAX_ENTRIES))));
    fs.renameSync(tmp, CACHE);
  } catch {
    // A read-only install: verify every time.
  }
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/**
 * Verifies `file` against its manifest entry. `raw` is the file's bytes when the caller has them
 * already; `content` returns the decompressed data of a gzipped file (the loader's own gunzip).
 * Without a recorded MD5 only the size is checked.
 */
export function verifyFile(file: string, entry: DatasetFile, what: string, raw?: Uint8Array, content?: () => Uint8Array): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new DatasetError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const accepted = [entry.md5, ...(entry.gzip?.publishedMd5 ?? [])].filter((m): m is string => m !== null);
  if (entry.bytes !== null && entry.gzip === undefined && st.size !== entry.bytes) {
    throw new DatasetError(`${what}: ${file} has ${st.size} bytes, the published file ${entry.bytes}: it is truncated or not this dataset's`);
  }
  if (accepted.length === 0) return;
  // The real path: a link to an installed file shares its verdict.
  const key = fs.realpathSync(file);
  const cache = readCache();
  const seen = cache[key];
  if (seen && seen.bytes === st.size && seen.mtimeMs === st.mtimeMs && (accepted.includes(seen.md5) || seen.md5 === entry.gzip?.contentMd5)) return;
  const bytes = raw ?? fs.readFileSync(file);
  let found = md5(bytes);
  if (!accepted.includes(found)) {
    const g = entry.gzip;
    if (g === undefined || md5(content ? content() : bytes) !== g.contentMd5) {
      throw new DatasetError(`${what}: ${file} has MD5 ${found}, not the published ${accepted.join(' or ')}: the file is corrupt or altered; reinstall it`);
    }
    found = g.contentMd5;
  }
  delete cache[key];
  cache[key] = { bytes: st.size, mtimeMs: st.mtimeMs, md5: found };
  writeCache(cache);
}
