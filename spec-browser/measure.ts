// Measures the explorer (not a spec: no timing is asserted anywhere): the bundle's size, and the time
// to the first plot and to the whole run for a setting, in headless chromium, a fresh tab per try.
//
//   node spec-browser/measure.js [--query 'width=100&depth=100&nets=1000'] [--tries 3] [--screenshot docs/explorer.png]
// (then pngquant docs/explorer.png, to keep the README's image small)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineCli, intFlag, main, parseCli, stringFlag } from '../explorer/src/engine-node';
import { DIST, startServer } from '../explorer/server';
import { launch } from './browser';

interface Timings { firstPlotMs: number; doneMs: number; firstPlotAtMs: number; doneAtMs: number; backend: string }

const MEASURE_CLI = defineCli({
  name: 'explorer-measure',
  summary: 'The explorer page\'s bundle size, and its time to the first plot and to the whole run in headless chromium.',
  flags: {
    query: stringFlag('the page\'s settings, as in its URL', { default: 'width=100&depth=100&nets=1000' }),
    tries: intFlag('page loads, each in a fresh tab', { default: 3, min: 1 }),
    screenshot: stringFlag("PNG of the last try's view, 1280×860 ('-': none)", { default: '-', metavar: 'FILE' }),
  },
});

async function measure(argv: readonly string[]): Promise<void> {
  const values = parseCli(MEASURE_CLI, argv);
  if (values === null) return;
  const tries = values.tries;
  let total = 0, totalGz = 0;
  for (const f of fs.readdirSync(DIST).filter((f) => !f.endsWith('.map')).sort()) {
    const bytes = fs.readFileSync(path.join(DIST, f));
    const gz = gzipSync(bytes).length;
    total += bytes.length; totalGz += gz;
    process.stdout.write(`${f.padEnd(22)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KiB  (gzip ${(gz / 1024).toFixed(1)} KiB)\n`);
  }
  process.stdout.write(`${'page, without source maps'.padEnd(22)} ${(total / 1024).toFixed(1).padStart(7)} KiB  (gzip ${(totalGz / 1024).toFixed(1)} KiB)\n`);
  const server = await startServer(0);
  const browser = await launch();
  try {
    for (let i = 0; i < tries; i++) {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}?${values.query}`);
      await page.waitForFunction('window.explorerTimings !== undefined', undefined, { timeout: 600000 });
      const t = (await page.evaluate('window.explorerTimings')) as Timings;
      process.stdout.write(`try ${i + 1}: first plot ${(t.firstPlotAtMs / 1000).toFixed(2)} s after navigation (${(t.firstPlotMs / 1000).toFixed(2)} s after the run started), `
        + `all nets ${(t.doneAtMs / 1000).toFixed(2)} s after navigation, on ${t.backend}\n`);
      if (values.screenshot !== '-' && i === tries - 1) {
        await page.setViewportSize({ width: 1280, height: 860 });
        await page.screenshot({ path: values.screenshot });
        process.stdout.write(`wrote ${values.screenshot}\n`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main(() => measure(process.argv.slice(2)));
