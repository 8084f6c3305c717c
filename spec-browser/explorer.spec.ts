// The trace explorer in a real browser (Debian's chromium, headless): settings made through the
// form, numbers read back from the DOM and checked against the library, the trace CLIs and
// explorer/cli.js on the same backend, to the last digit; the URL round trip; inline messages for bad
// settings; screenshots into results/explorer-browser/.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { WasmBackend } from '../explorer/src/engine';
import { createBackend, decodeJson } from '../explorer/src/engine-node';
import { Run, type TraceRecord } from '../explorer/src/compute';
import { startServer, type ExplorerServer } from '../explorer/server';
import { DEFAULTS, fromQuery, relevantKeys, resolve, toQuery, type Config, type DenseConfig, type Settings } from '../explorer/src/settings';
import { activeHistogram, backwardRows, display, layerStats, summaryOf, theoryOf, viewRows } from '../explorer/src/view';
import { launch, SHOTS, type Browser } from './browser';

const ROOT = path.join(__dirname, '..');

function config(s: Settings): Config {
  const r = resolve(s);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.config;
}

/** The library's run of a setting, on the wasm backend as the page's. */
function libraryRun(c: Config): Run {
  const run = new Run(c, createBackend('wasm'), null);
  while (!run.finished) run.next();
  return run;
}

/** Runs a command line the page printed (its words are shell-safe: no quoting). */
function runPrinted(command: string, extra: string[] = []): string {
  expect(command).to.match(/^node [\w/.-]+\.js /);
  expect(command).not.to.include("'");
  const r = spawnSync(process.execPath, [...command.slice(5).split(' '), ...extra], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout;
}

function traceRecords(command: string): TraceRecord[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-trace-')), 't.json');
  runPrinted(command, ['--json', file]);
  const t = (decodeJson(fs.readFileSync(file, 'utf8')) as { trace: { layers?: TraceRecord[]; modules?: TraceRecord[] } }).trace;
  return (t.layers ?? t.modules)!;
}

/** Every number cell under sel: field → [exact value, shown text]. */
async function cells(page: Page, sel: string): Promise<Record<string, [string, string]>> {
  return page.$$eval(`${sel} td[data-field]`, (tds) => Object.fromEntries(tds.map((td) => [td.getAttribute('data-field')!, [td.getAttribute('data-value')!, td.textContent ?? '']])));
}

/** Does `action` and waits for the run it starts to finish. */
async function runs(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = Number(await page.evaluate("document.querySelector('#plot')?.dataset.run ?? 0"));
  await action();
  await page.waitForFunction(`Number(document.querySelector('#plot').dataset.run ?? 0) > ${before}`, undefined, { timeout: 120000 });
  expect(await page.getAttribute('#status', 'data-state')).to.equal('done');
}

/** The page's CSV download equals what the explorer/cli.js command it prints writes, byte for byte. */
async function expectCliCsv(page: Page, name: string): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `explorer-${name}-`));
  runPrinted((await page.textContent('#cli-command'))!.replace(/ --out \S+$/, ''), ['--out', out]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  await download.saveAs(path.join(out, 'page.csv'));
  expect(fs.readFileSync(path.join(out, 'page.csv'), 'utf8')).to.equal(fs.readFileSync(path.join(out, 'view.csv'), 'utf8'));
}

function expectExact(field: string, dom: [string, string] | undefined, v: number): void {
  expect(dom, `the page shows no ${field}`).to.not.equal(undefined);
  expect(dom![0], `${field}: exact value`).to.equal(String(v));
  expect(dom![1], `${field}: shown text`).to.equal(display(v));
}

describe('trace explorer in chromium', function () {
  let browser: Browser;
  let server: ExplorerServer;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
    server = await startServer(0);
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A light first setting from a link; the form then sets the one the specs check.
    await runs(page, () => page.goto(`${server.url}?width=5&depth=3&n0=5&nets=5`));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  // The dense setting the form sets, and its library run.
  const dense: Settings = { ...DEFAULTS, profile: 'explicit', widths: '30,20,30,20', n0: '25', init: 'he_uniform', nets: '40', seed: '7' };
  let denseRun: Run;

  it('runs a setting made through the form, and shows the library\'s numbers to the last digit', async () => {
    await page.selectOption('#f-profile', 'explicit');
    await page.fill('#f-widths', dense.widths);
    await page.fill('#f-n0', dense.n0);
    await page.selectOption('#f-init', dense.init);
    await page.fill('#f-nets', dense.nets);
    await page.fill('#f-seed', dense.seed);
    await runs(page, () => page.click('#run'));
    const c = config(dense);
    denseRun = libraryRun(c);
    expect(await page.textContent('#status-text')).to.include(`on wasm (${(createBackend('wasm') as WasmBackend).variant})`);
    // The summary.
    const theory = theoryOf(c, null), stats = layerStats(denseRun.data, c), summary = summaryOf(denseRun.data, stats);
    const sum = await cells(page, '#summary');
    expectExact('beta', sum.beta, theory.beta);
    expectExact('rate', sum.rate, summary.slopeMean);
    expectExact('rate_theory', sum.rate_theory, theory.rate);
    expectExact('last_mean', sum.last_mean, summary.lastMean);
    expectExact('last_sd', sum.last_sd, summary.lastSd);
    expectExact('last_sd_theory', sum.last_sd_theory, theory.lastSd);
    expectExact('dead_fraction', sum.dead_fraction, summary.deadFraction);
    expectExact('dead_fraction_theory', sum.dead_fraction_theory, theory.pDead[3]);
    expectExact('sample_mean', sum.sample_mean, stats.sampleMean[3]);
    expectExact('band_lo', sum.band_lo, theory.bandLo[3]);
    // The last layer's panel: every column of the view's CSV row, net 0's record included.
    const row = viewRows(c, theory, stats, denseRun.records(0))[3];
    const layer = await cells(page, '#layer-table');
    for (const [k, v] of Object.entries(row)) if (k !== 'layer' && k !== 'width' && k !== 'net' && (Number.isFinite(v) || k in layer)) expectExact(k, layer[k], v);
    expect(Object.keys(layer).filter((k) => k.startsWith('net_'))).to.have.length(7);
    await page.screenshot({ path: path.join(SHOTS, 'dense.png'), fullPage: true });
  });

  it('keeps the whole setting in the URL, and a fresh tab at that URL shows the same view', async () => {
    const query = new URL(page.url()).search.slice(1);
    expect(query).to.equal(toQuery({ ...dense, net: '0', layer: '0' }));
    const back = fromQuery(query);
    for (const k of relevantKeys(dense)) expect(back[k], k).to.equal(dense[k]);
    const other = await browser.context.newPage();
    try {
      await runs(other, () => other.goto(page.url()));
      for (const k of relevantKeys(dense)) expect(await other.inputValue(`#f-${k}`), k).to.equal(await page.inputValue(`#f-${k}`));
      expect(await cells(other, '#summary')).to.deep.equal(await cells(page, '#summary'));
      expect(await cells(other, '#layer-table')).to.deep.equal(await cells(page, '#layer-table'));
    } finally {
      await other.close();
    }
  });

  it('steps through net 0 layer by layer: each record is the one trace.js prints for the command the page shows', async () => {
    const cli = traceRecords((await page.textContent('#trace-command'))!);
    expect(await page.textContent('#trace-command')).to.equal('node lib/experiments/trace.js --widths 25,30,20,30,20 --init he_uniform --bias zero --seed 7 --backend wasm');
    await page.check('#step-mode');
    for (let j = 1; j <= 4; j++) {
      expect(await page.textContent('#layer-title')).to.equal(`j = ${j} of 4`);
      expect(new URL(page.url()).searchParams.get('layer')).to.equal(String(j));
      const layer = await cells(page, '#layer-table');
      for (const [k, v] of Object.entries(cli[j - 1])) if (k !== 'layer' && k !== 'width') expectExact(`net_${k}`, layer[`net_${k}`], v);
      if (j < 4) await page.click('#step-next');
    }
    await page.screenshot({ path: path.join(SHOTS, 'step.png'), fullPage: true });
    // Another net: its records come from the worker, and are trace.js's at seed + 3.
    await page.fill('#net-pick', '3');
    await page.press('#net-pick', 'Tab');
    await page.waitForSelector('#layer-table td[data-field="net_logM"]');
    expect(await page.textContent('#trace-command')).to.include('--seed 10 ');
    const cli3 = traceRecords((await page.textContent('#trace-command'))!);
    const layer = await cells(page, '#layer-table');
    for (const [k, v] of Object.entries(cli3[3])) if (k !== 'layer' && k !== 'width') expectExact(`net_${k}`, layer[`net_${k}`], v);
    await page.uncheck('#step-mode');
  });

  it('selects the layer clicked on the plot; its histogram counts the nets\' active units', async () => {
    const box = (await page.locator('#plot > svg').boundingBox())!;
    // The plot spans x = 56..888 of a 900-wide view box over layers 0..4: layer 2 sits at 472.
    await page.mouse.click(box.x + (472 / 900) * box.width, box.y + box.height * 0.5);
    expect(await page.textContent('#layer-title')).to.equal('j = 2 of 4');
    const h = activeHistogram(denseRun.data, config(dense) as DenseConfig, 2);
    expect(await page.getAttribute('#histogram', 'data-counts')).to.equal(h.counts.join(','));
    expect(h.nets).to.equal(40);
  });

  it('shows net k\'s backward pass: the selected layer\'s numbers are the library\'s, row q the first output unit that is on', async () => {
    await page.waitForSelector('#backward[data-ready="1"]');
    const c = config(dense) as DenseConfig, view = denseRun.backward(3);
    expect(await page.getAttribute('#backward', 'data-q')).to.equal(String(view.q));
    expect(await page.textContent('#backward-net')).to.equal('3');
    const shown = await cells(page, '#backward-table');
    for (const [k, v] of Object.entries(backwardRows(c, view)[1])) if (k !== 'layer') expectExact(`backward_${k}`, shown[`backward_${k}`], v);
    await (await page.$('#backward-panel'))!.screenshot({ path: path.join(SHOTS, 'backward.png') });
  });

  it('downloads the CSV that the printed explorer/cli.js command writes, byte for byte', async () => {
    await expectCliCsv(page, 'dense');
  });

  it('shows an inline message next to a bad setting, runs nothing and keeps the last view', async () => {
    const problem = (key: string) => page.textContent(`p.problem[data-for="${key}"]`);
    await page.fill('#f-widths', '30,0,30');
    await page.click('#run');
    expect(await problem('widths')).to.equal('the widths: a width must be an integer in 1..4096, got 0');
    expect(await page.getAttribute('#status', 'data-state')).to.equal('error');
    expect(await page.getAttribute('#f-widths', 'aria-invalid')).to.equal('true');
    expect(await page.getAttribute('#plot', 'data-ready')).to.equal('1');
    await page.screenshot({ path: path.join(SHOTS, 'bad-width.png'), fullPage: true });
    await page.selectOption('#f-profile', 'constant');
    await page.fill('#f-depth', '5000');
    await page.click('#run');
    expect(await problem('depth')).to.equal('the depth must be an integer in 1..1000, got 5000 (node explorer/cli.js takes more)');
    expect(await page.$('p.problem[data-for="widths"]')).to.equal(null);
    await page.goto(`${server.url}?init=no_such_init&nets=3&depth=2`);
    await page.waitForSelector('p.problem[data-for="init"]');
    expect(await problem('init')).to.match(/^unknown initializer 'no_such_init' \(known: he_normal_x2, he_normal,/);
    expect(await page.inputValue('#f-init')).to.equal('no_such_init');
    await page.screenshot({ path: path.join(SHOTS, 'bad-init.png'), fullPage: true });
  });

  it('takes an MNIST test image from the server as the input; the CSV is the CLI\'s', async () => {
    await runs(page, () => page.goto(`${server.url}?width=5&depth=2&nets=3`));
    await page.selectOption('#f-input', 'mnist');
    await page.fill('#f-image', '7');
    await page.selectOption('#f-profile', 'explicit');
    await page.fill('#f-widths', '40,40');
    await page.fill('#f-nets', '30');
    await runs(page, () => page.click('#run'));
    expect(await page.getAttribute('#digit', 'title')).to.match(/^MNIST test image 7, label \d$/);
    expect(await page.textContent('#trace-command')).to.match(/^no trace CLI takes an MNIST input/);
    await expectCliCsv(page, 'mnist');
    await page.screenshot({ path: path.join(SHOTS, 'mnist.png'), fullPage: true });
    await page.fill('#f-image', '10000');
    await page.click('#run');
    expect(await page.textContent('p.problem[data-for="image"]')).to.equal('the MNIST test image index must be an integer in 0..9999, got 10000');
  });

  it('runs a residual setting made through the form; each module\'s record is trace-residual.js\'s, the CSV the CLI\'s', async () => {
    await page.selectOption('#f-input', 'unit');
    await page.selectOption('#f-mode', 'residual');
    await page.fill('#f-n', '16');
    await page.fill('#f-modules', '12');
    await page.fill('#f-hidden', '16');
    await page.selectOption('#f-conv', 'relu');
    await page.fill('#f-eta', 'geom:0.9');
    await page.selectOption('#f-init', 'he_normal');
    await page.fill('#f-seed', '4');
    await runs(page, () => page.click('#run'));
    const command = (await page.textContent('#trace-command'))!;
    expect(command).to.equal('node lib/experiments/trace-residual.js --width 16 --modules 12 --hidden 16 --schedule geom:0.9 --convention relu --init he_normal --seed 4 --backend wasm');
    const cli = traceRecords(command);
    await page.check('#step-mode');
    for (let l = 1; l <= 12; l++) {
      const layer = await cells(page, '#layer-table');
      for (const [k, v] of Object.entries(cli[l - 1])) if (k !== 'module') expectExact(`net_${k}`, layer[`net_${k}`], v);
      if (l < 12) await page.click('#step-next');
    }
    await page.uncheck('#step-mode');
    await page.screenshot({ path: path.join(SHOTS, 'residual.png'), fullPage: true });
    await expectCliCsv(page, 'residual');
  });
});
