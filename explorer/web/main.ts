// The explorer page: the settings form (mirrored in the URL), the worker that computes, and the views.
// Nothing here computes a number the CSV holds: the worker and explorer/src do, so the page, its CSV
// and `node explorer/cli.js` agree to the last digit.

import type { BackwardView, RunData, TraceRecord } from '../src/compute';
import { explorerCommand, traceCommand } from '../src/command';
import { formatCsv } from '../src/engine';
import {
  BACKENDS, DEFAULTS, fromQuery, HELP, INIT_CHOICES, KEYS, LAWS, PROFILES, resolve, toQuery, type Config, type Key, type Problem, type Settings,
} from '../src/settings';
import { activeHistogram, BACKWARD_COLUMNS, backwardRows, display, viewColumns, viewRows } from '../src/view';
import { backwardChart, fanChart, histogramChart } from './plot';
import type { FromWorker, ToWorker, ViewNumbers } from './protocol';

const $ = <T extends Element = HTMLElement>(sel: string): T => {
  const e = document.querySelector<T>(sel);
  if (e === null) throw new Error(`the page lacks ${sel}`);
  return e;
};
const form = $<HTMLFormElement>('#settings');
const field = (k: Key) => form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement;

/** What the page shows now. */
interface State {
  settings: Settings;
  config: Config | null;
  id: number;
  running: boolean;
  view: ViewNumbers | null;
  data: RunData | null;
  records: TraceRecord[];
  /** Net k's backward pass (dense nets), from the worker once the run is done. */
  backward: BackwardView | null;
  pixels: Uint8Array | null;
  backend: string;
  /** ms from the run's start: first plot and whole run (also on window.explorerTimings for measurements). */
  started: number;
  firstPlot: number | null;
}

const state: State = {
  settings: { ...DEFAULTS }, config: null, id: 0, running: false, view: null, data: null, records: [], backward: null, pixels: null,
  backend: '', started: 0, firstPlot: null,
};
let worker: Worker | null = null;

// ---- The form.

function fillSelect(sel: HTMLSelectElement, values: readonly string[]): void {
  sel.replaceChildren(...values.map((v) => new Option(v, v)));
}

/** Form fields from settings; a value the select lacks (an unknown init from a link) is added, to be flagged. */
function writeForm(s: Settings): void {
  for (const k of KEYS) {
    const f = field(k);
    if (f instanceof HTMLSelectElement && ![...f.options].some((o) => o.value === s[k])) f.add(new Option(s[k], s[k]));
    f.value = s[k];
  }
  $<HTMLInputElement>('#net-pick').value = s.net;
  toggle();
}

function readForm(): Settings {
  const s = { ...DEFAULTS };
  for (const k of KEYS) s[k] = field(k).value;
  return s;
}

/** Shows the fields the mode, profile, init, bias and input make relevant. */
function toggle(): void {
  const v = (k: Key) => field(k).value;
  const show: Record<string, boolean> = {
    'dense-only': v('mode') !== 'residual', 'residual-only': v('mode') === 'residual',
    'family-only': v('profile') !== 'explicit', 'explicit-only': v('profile') === 'explicit', 'ratio-only': v('profile') !== 'constant' && v('profile') !== 'explicit',
    'symmetric-only': v('init') === 'symmetric', 'bias-only': v('bias') !== 'zero', 'mnist-only': v('input') === 'mnist', 'unit-only': v('input') !== 'mnist',
  };
  for (const e of document.querySelectorAll<HTMLElement>('[class*="-only"]')) {
    e.hidden = [...e.classList].some((c) => show[c] === false);
  }
}

/** One inline message per field, under the field; messages for hidden fields go to the form's foot. */
function showProblems(problems: readonly Problem[]): void {
  for (const e of form.querySelectorAll('p.problem[data-for]')) e.remove();
  for (const k of KEYS) field(k).removeAttribute('aria-invalid');
  const foot: string[] = [];
  for (const p of problems) {
    const f = field(p.key);
    f.setAttribute('aria-invalid', 'true');
    const label = f.closest('label');
    if (label !== null && !label.closest('[hidden]') && !label.hidden) {
      const msg = document.createElement('p');
      msg.className = 'problem';
      msg.dataset.for = p.key;
      msg.textContent = p.message;
      label.after(msg);
    } else foot.push(`${p.key}: ${p.message}`);
  }
  $('#form-problems').textContent = foot.join(' · ');
}

// ---- MNIST input.

async function loadDigit(index: string): Promise<Uint8Array> {
  const res = await fetch(`mnist/t10k/${encodeURIComponent(index)}`);
  if (!res.ok) throw new Error((await res.text()).trim() || `HTTP ${res.status}`);
  const pixels = new Uint8Array(await res.arrayBuffer());
  const ctx = $<HTMLCanvasElement>('#digit').getContext('2d');
  if (ctx !== null) {
    const img = ctx.createImageData(28, 28);
    pixels.forEach((p, i) => { img.data.set([255 - p, 255 - p, 255 - p, 255], 4 * i); });
    ctx.putImageData(img, 0, 0);
  }
  $('#digit').title = `MNIST test image ${index}, label ${res.headers.get('X-Label') ?? '?'}`;
  return pixels;
}

// ---- Running.

function status(text: string, st: 'idle' | 'running' | 'done' | 'error', progress: number | null = null): void {
  const box = $('#status');
  box.dataset.state = st;
  $('#status-text').textContent = text;
  const bar = $<HTMLProgressElement>('#progress');
  bar.hidden = progress === null;
  if (progress !== null) bar.value = progress;
}

function newWorker(): Worker {
  const w = new Worker('worker.js');
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorker(e.data);
  w.onerror = (e) => status(`worker failed: ${e.message}`, 'error');
  return w;
}

/** Validates the form's setting and runs it; a bad setting shows its messages and keeps the last view. */
async function submit(push: boolean): Promise<void> {
  const s = readForm();
  state.settings = s;
  const url = `?${toQuery(s)}`;
  if (push && url !== location.search) history.pushState(null, '', url);
  let r = resolve(s);
  if (push && !r.ok && r.problems.every((p) => p.key === 'net' || p.key === 'layer')) {
    // A smaller setting left the selected net or layer outside it: start from net 0 at the last layer.
    Object.assign(s, { net: '0', layer: '0' });
    writeForm(s);
    r = resolve(s);
  }
  if (!r.ok) {
    showProblems(r.problems);
    status(`not run: ${r.problems.length === 1 ? 'one setting needs' : `${r.problems.length} settings need`} fixing`, 'error');
    return;
  }
  let pixels: Uint8Array | null = null;
  if (r.config.input.kind === 'mnist') {
    try { pixels = await loadDigit(s.image); } catch (err) {
      showProblems([{ key: 'image', message: (err as Error).message }]);
      status('not run: the MNIST image could not be loaded', 'error');
      return;
    }
  }
  showProblems([]);
  start(r.config, s, pixels);
}

function start(c: Config, s: Settings, pixels: Uint8Array | null): void {
  if (state.running && worker !== null) { worker.terminate(); worker = null; }
  worker ??= newWorker();
  Object.assign(state, { config: c, id: state.id + 1, running: true, view: null, data: null, records: [], backward: null, pixels, firstPlot: null, started: performance.now() });
  state.settings = s;
  status(`running 0/${c.nets} nets…`, 'running', 0);
  $('#plot').dataset.ready = '0';
  const msg: ToWorker = { type: 'run', id: state.id, settings: s, pixels };
  worker.postMessage(msg);
}

function onWorker(m: FromWorker): void {
  if (m.id !== state.id || state.config === null) return;
  const c = state.config;
  switch (m.type) {
    case 'backend':
      state.backend = m.backend + (m.note !== '' ? ` — ${m.note}` : '');
      break;
    case 'progress':
      status(`running ${m.done}/${m.total} nets on ${state.backend}…`, 'running', m.done / m.total);
      break;
    case 'partial':
      state.view = m.view;
      firstPlot();
      render();
      break;
    case 'done': {
      Object.assign(state, { view: m.view, data: m.data, records: m.net === c.net ? m.records : [], running: false });
      // Another net was picked while the run went on: its records come next.
      if (m.net !== c.net) worker?.postMessage({ type: 'records', id: state.id, net: c.net } satisfies ToWorker);
      if (c.mode === 'dense') worker?.postMessage({ type: 'backward', id: state.id, net: c.net } satisfies ToWorker);
      firstPlot();
      const t = (performance.now() - state.started) / 1000;
      // For measurements (spec-browser/measure.ts): ms from the run's start, and from the page's navigation start.
      (window as unknown as { explorerTimings: object }).explorerTimings = {
        firstPlotMs: state.firstPlot, doneMs: t * 1000, computeSeconds: m.seconds,
        firstPlotAtMs: state.started + (state.firstPlot ?? 0), doneAtMs: performance.now(), backend: state.backend,
      };
      status(`${c.nets} nets in ${t.toFixed(2)} s on ${state.backend} · first plot after ${((state.firstPlot ?? 0) / 1000).toFixed(2)} s`, 'done');
      render();
      $('#plot').dataset.ready = '1';
      $('#plot').dataset.run = String(state.id);
      break;
    }
    case 'records':
      if (m.net === c.net) { state.records = m.records; render(); }
      break;
    case 'backward':
      if (m.view.net === c.net) { state.backward = m.view; render(); }
      break;
    case 'error':
      state.running = false;
      status(`error: ${m.message}`, 'error');
      break;
  }
}

function firstPlot(): void {
  state.firstPlot ??= performance.now() - state.started;
}

// ---- Views.

/** A table cell holding a number: its exact value in data-value, a short form as text. */
function numCell(name: string, v: number): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = 'num';
  td.dataset.field = name;
  td.dataset.value = String(v);
  td.textContent = display(v);
  return td;
}

function row(label: string, ...cells: HTMLTableCellElement[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  tr.append(th, ...cells);
  return tr;
}

function header(text: string, span = 3): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.colSpan = span;
  th.textContent = text;
  tr.append(th);
  return tr;
}

/** Net k's path, from the run's arrays. */
function netPath(k: number): Float64Array | null {
  const data = state.data;
  if (data === null || k >= data.done) return null;
  const d = data.depth, m0 = data.logM0[k];
  return data.logM.slice(k * d, (k + 1) * d).map((v) => (v - m0) * Math.LOG10E);
}

function render(): void {
  const c = state.config, v = state.view;
  if (c === null || v === null) return;
  const layer = c.layer, k = c.net;
  const stepMode = $<HTMLInputElement>('#step-mode').checked;
  const path = netPath(k);
  $('#plot').replaceChildren(...fanChart(v, {
    depth: c.depth, unit: c.mode === 'residual' ? 'module ℓ' : 'layer j', layer,
    net: path === null ? null : { k, path, stepTo: stepMode ? layer : c.depth },
    onPick: (j) => select(k, j),
  }));
  $('#plot').dataset.nets = String(v.summary.nets);
  renderSummary(c, v);
  renderLayer(c, v);
  renderBackward(c);
  $('#cli-command').textContent = explorerCommand(state.settings);
  const tc = traceCommand(c, k);
  $('#trace-net').textContent = String(k);
  $('#trace-command').textContent = tc ?? 'no trace CLI takes an MNIST input; the command above writes this net\'s records in the net_ columns of view.csv';
}

function renderSummary(c: Config, v: ViewNumbers): void {
  const { theory: t, summary: s, stats } = v, d = c.depth, last = d - 1;
  const rows: HTMLTableRowElement[] = [header('', 1)];
  rows[0].replaceChildren(...['', 'nets', 'theory'].map((h) => { const th = document.createElement('th'); th.textContent = h; return th; }));
  const pair = (label: string, name: string, measured: number, theory: number) => rows.push(row(label, numCell(name, measured), numCell(`${name}_theory`, theory)));
  // A number of the setting or of the theory alone: the nets' column stays empty.
  const given = (label: string, name: string, v: number) => rows.push(row(label, document.createElement('td'), numCell(name, v)));
  if (c.mode === 'dense') {
    given('β = Σ 1/n_j', 'beta', t.beta);
    pair('FM1 rate: log10 c per layer (fit to the sample mean)', 'rate', s.slopeMean, t.rate);
    rows.push(row('… fit to the median', numCell('rate_median', s.slopeMedian), numCell('rate_median_theory', NaN)));
    pair('log10(M_d/M_0): mean over live nets', 'last_mean', s.lastMean, t.lastMean);
    pair('log10(M_d/M_0): sd over live nets', 'last_sd', s.lastSd, t.lastSd);
    pair('dead nets (M_d = 0): fraction', 'dead_fraction', s.deadFraction, t.pDead[last]);
  } else {
    given('κ (module gain)', 'kappa', t.kappa);
    given('Σ η_ℓ', 'sum_eta', t.sumEta);
    given('Σ η_ℓ²', 'sum_eta2', t.sumEta2);
    pair('log10(M_L/M_0): mean over nets', 'last_mean', s.lastMean, NaN);
    pair('log10(M_L/M_0): sd over nets', 'last_sd', s.lastSd, NaN);
    pair('x_0 = 0 (dead input): fraction', 'dead_fraction', s.deadFraction, t.pDead[last]);
  }
  pair('log10 of the sample mean at the end', 'sample_mean', stats.sampleMean[last], t.log10Mean[last]);
  given('… its expected band: low end', 'band_lo', t.bandLo[last]);
  given('… high end', 'band_hi', t.bandHi[last]);
  rows.push(row('nets done, of N', numCell('nets_done', s.nets), numCell('nets_total', c.nets)));
  $('#summary').replaceChildren(...rows);
  $('#notes').replaceChildren(...t.notes.map((n) => { const li = document.createElement('li'); li.textContent = n; return li; }));
}

const THEORY_COLS = ['log10_gain', 'theory_log10_mean_ratio', 'theory_lo', 'theory_hi', 'band_lo', 'band_hi', 'band_trusted', 'p_dead'];

function renderLayer(c: Config, v: ViewNumbers): void {
  const j = c.layer;
  $('#layer-title').textContent = `${c.mode === 'residual' ? 'module ℓ' : 'j'} = ${j} of ${c.depth}`;
  const r = viewRows(c, v.theory, v.stats, state.records)[j - 1];
  const cols = viewColumns(state.records);
  const two = (names: string[]) => {
    const out: HTMLTableRowElement[] = [];
    for (const n of names) out.push(row(n, numCell(n, r[n])));
    return out;
  };
  const rec = cols.filter((n) => n.startsWith('net_'));
  $('#layer-table').replaceChildren(
    header('theory', 2), ...two(THEORY_COLS.filter((n) => (Number.isFinite(r[n]) && (n !== 'band_trusted' || Number.isFinite(r.band_lo))) || n === 'theory_log10_mean_ratio')),
    header(`${v.summary.nets} nets`, 2), ...two(cols.filter((n) => !THEORY_COLS.includes(n) && !n.startsWith('net') && n !== 'layer' && n !== 'width')),
    header(`net ${c.net}: its trace record (${c.mode === 'dense' ? 'trace.js' : 'trace-residual.js'} --seed ${c.seed + c.net})`, 2), ...(rec.length > 0 ? two(rec) : [row(state.running ? 'computing…' : 'loading…')]),
  );
  const hist = $('#histogram');
  if (c.mode === 'dense' && state.data !== null) {
    const h = activeHistogram(state.data, c, j);
    hist.replaceChildren(...histogramChart(h, j));
    // The counts behind the bars, for readers and tests.
    hist.dataset.counts = h.counts.join(',');
  } else {
    hist.replaceChildren(document.createTextNode(c.mode === 'dense' ? 'the histogram comes when every net is done' : 'active units: dense nets only'));
    delete hist.dataset.counts;
  }
}

/** Net k's backward pass: the chart over the layers and the selected layer's numbers (dense nets). */
function renderBackward(c: Config): void {
  $('#backward-net').textContent = String(c.net);
  const fig = $('#backward'), table = $('#backward-table');
  if (c.mode !== 'dense' || state.backward === null || state.backward.net !== c.net) {
    fig.replaceChildren(document.createTextNode(c.mode !== 'dense' ? 'the backward view is for dense nets' : state.running ? 'comes when every net is done' : 'computing…'));
    table.replaceChildren();
    delete fig.dataset.ready;
    return;
  }
  const rows = backwardRows(c, state.backward);
  fig.replaceChildren(...backwardChart(rows, { layer: c.layer, net: c.net, q: state.backward.q, onPick: (j) => select(c.net, j) }));
  fig.dataset.ready = '1';
  fig.dataset.q = String(state.backward.q);
  const r = rows[c.layer - 1];
  table.replaceChildren(header(`layer ${c.layer}: lib/nn/dense/backward.ts's record beside the theory`, 2),
    ...BACKWARD_COLUMNS.filter((n) => n !== 'layer').map((n) => row(n, numCell(`backward_${n}`, r[n]))));
}

/** Selects net k and layer j: the URL follows, the records of a new net come from the worker. */
function select(k: number, j: number): void {
  const c = state.config;
  if (c === null) return;
  const layer = Math.min(c.depth, Math.max(1, j));
  const net = Math.min(c.nets - 1, Math.max(0, k));
  const netChanged = net !== c.net;
  state.config = { ...c, net, layer };
  state.settings = { ...state.settings, net: String(net), layer: String(layer) };
  field('net').value = String(net);
  field('layer').value = String(layer);
  $<HTMLInputElement>('#net-pick').value = String(net);
  history.replaceState(null, '', `?${toQuery(state.settings)}`);
  if (netChanged) {
    state.records = [];
    state.backward = null;
    if (!state.running && worker !== null) {
      worker.postMessage({ type: 'records', id: state.id, net } satisfies ToWorker);
      if (c.mode === 'dense') worker.postMessage({ type: 'backward', id: state.id, net } satisfies ToWorker);
    }
  }
  render();
}

function exportCsv(): void {
  const c = state.config, v = state.view;
  if (c === null || v === null || state.running) return;
  const text = formatCsv(viewColumns(state.records), viewRows(c, v.theory, v.stats, state.records));
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  a.download = 'view.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ---- Wiring.

function init(): void {
  fillSelect(field('profile') as HTMLSelectElement, PROFILES);
  fillSelect(field('init') as HTMLSelectElement, INIT_CHOICES);
  fillSelect(field('law') as HTMLSelectElement, LAWS);
  fillSelect(field('backend') as HTMLSelectElement, BACKENDS);
  for (const k of KEYS) field(k).closest('label')?.setAttribute('title', HELP[k]);
  form.addEventListener('change', toggle);
  form.addEventListener('submit', (e) => { e.preventDefault(); void submit(true); });
  field('image').addEventListener('change', () => { if (field('input').value === 'mnist') loadDigit(field('image').value).catch(() => undefined); });
  const step = (f: (c: Config) => number) => () => { if (state.config !== null) select(state.config.net, f(state.config)); };
  $('#step-first').addEventListener('click', step(() => 1));
  $('#step-back').addEventListener('click', step((c) => c.layer - 1));
  $('#step-next').addEventListener('click', step((c) => c.layer + 1));
  $('#step-last').addEventListener('click', step((c) => c.depth));
  $('#step-mode').addEventListener('change', () => { if (state.config !== null && $<HTMLInputElement>('#step-mode').checked) select(state.config.net, 1); else render(); });
  $('#net-pick').addEventListener('change', () => {
    const k = Number($<HTMLInputElement>('#net-pick').value);
    if (state.config !== null && Number.isInteger(k)) select(k, state.config.layer);
  });
  $('#csv').addEventListener('click', exportCsv);
  window.addEventListener('popstate', () => { writeForm(fromQuery(location.search)); void submit(false); });
  writeForm(fromQuery(location.search));
  void submit(false);
}

init();
