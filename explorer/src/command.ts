// The commands that reproduce what the page shows: `node explorer/cli.js` for the whole view (it
// writes the page's CSV, byte for byte), and lib/experiments/trace.js (or trace-residual.js) for the
// one net whose records the page shows.

import { netSeed, relevantKeys, type Config, type Settings } from './settings';

/** A shell word: left bare when safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w.,:+/=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `node explorer/cli.js ...`: every relevant setting as a flag of the same name. */
export function explorerCommand(s: Settings, out = 'results/explorer'): string {
  const flags = relevantKeys(s).map((k) => `--${k} ${shellWord(s[k])}`);
  return ['node explorer/cli.js', ...flags, `--out ${shellWord(out)}`].join(' ');
}

/** The trace CLI that prints net k's records, or null when it cannot (an MNIST input). */
export function traceCommand(c: Config, k: number): string | null {
  if (c.input.kind !== 'unit') return null;
  const seed = `--seed ${netSeed(c, k)} --backend ${c.backend}`;
  if (c.mode === 'dense') {
    const bias = c.bias.law === 'zero' ? '--bias zero' : `--bias ${c.bias.law} --bias-variance ${c.bias.variance}`;
    return `node lib/experiments/trace.js --widths ${c.widths.join(',')} --init ${shellWord(c.initId)} ${bias} ${seed}`;
  }
  return `node lib/experiments/trace-residual.js --width ${c.width} --modules ${c.depth} --hidden ${c.hidden.length > 0 ? c.hidden.join(',') : 'none'} `
    + `--schedule ${shellWord(c.schedule)} --convention ${c.convention} --init ${shellWord(c.initId)} ${seed}`;
}
