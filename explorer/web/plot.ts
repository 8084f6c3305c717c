// The page's charts as plain SVG: the fan of log10(M_j/M_0) against layer j with the theory, the
// active-unit histogram against Binomial(n_j, ½), and one net's backward pass against the theory. Small on purpose: the page stays one light
// bundle, and a click maps to a layer without a charting library's event model.

import type { ActiveHistogram } from '../src/view';
import type { ViewNumbers } from './protocol';

const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>, parent?: Element): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function text(x: number, y: number, s: string, parent: Element, anchor = 'middle', extra: Record<string, string | number> = {}): void {
  el('text', { x, y, 'text-anchor': anchor, ...extra }, parent).textContent = s;
}

/** About `count` round tick values spanning [lo, hi]. */
export function ticks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmtTick(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, '');
}

interface Frame {
  readonly svg: SVGSVGElement;
  readonly plot: SVGElement;
  x(v: number): number;
  y(v: number): number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** An SVG with axes, grid and a clipped plot area for the domain [x0, x1] × [y0, y1]. */
function frame(width: number, height: number, x0: number, x1: number, y0: number, y1: number, xLabel: string, yLabel: string, xTicks: number[]): Frame {
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' }) as SVGSVGElement;
  const left = 56, right = width - 12, top = 12, bottom = height - 38;
  const x = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * (right - left);
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0 || 1)) * (bottom - top);
  const grid = el('g', { class: 'grid' }, svg), axis = el('g', { class: 'axis' }, svg);
  for (const t of ticks(y0, y1)) {
    el('line', { x1: left, x2: right, y1: y(t), y2: y(t) }, grid);
    text(left - 6, y(t) + 4, fmtTick(t), axis, 'end');
  }
  for (const t of xTicks) {
    el('line', { x1: x(t), x2: x(t), y1: bottom, y2: bottom + 4 }, axis);
    text(x(t), bottom + 16, fmtTick(t), axis);
  }
  el('path', { d: `M${left},${top}V${bottom}H${right}`, fill: 'none' }, axis);
  text((left + right) / 2, height - 6, xLabel, axis);
  text(14, (top + bottom) / 2, yLabel, axis, 'middle', { transform: `rotate(-90 14 ${(top + bottom) / 2})` });
  const id = `clip${Math.random().toString(36).slice(2)}`;
  el('rect', { x: left, y: top, width: right - left, height: bottom - top }, el('clipPath', { id }, el('defs', {}, svg)));
  const plot = el('g', { 'clip-path': `url(#${id})` }, svg);
  return { svg, plot, x, y, left, right, top, bottom };
}

/** A polyline through (j, ys[j−1]) for j = 1..d, from (0, 0); −∞ drops to below the frame, NaN breaks the line. */
function line(f: Frame, ys: ArrayLike<number>, floor: number, from0 = true): string {
  let d = from0 ? `M${f.x(0)},${f.y(0)}` : '', pen = from0;
  for (let j = 1; j <= ys.length; j++) {
    const v = ys[j - 1];
    if (Number.isNaN(v)) { pen = false; continue; }
    const yv = v === -Infinity ? floor : v === Infinity ? -floor : v;
    d += `${pen ? 'L' : 'M'}${f.x(j).toFixed(2)},${f.y(yv).toFixed(2)}`;
    pen = true;
  }
  return d;
}

/** The closed area between two curves over j = first..last (both 0 at j = 0). */
function area(f: Frame, lo: ArrayLike<number>, hi: ArrayLike<number>, floor: number, first = 0, last = lo.length): string {
  const clamp = (v: number) => (v === -Infinity || Number.isNaN(v) ? floor : v === Infinity ? -floor : v);
  const pts: string[] = [];
  for (let j = first; j <= last; j++) pts.push(`${f.x(j).toFixed(2)},${f.y(j === 0 ? 0 : clamp(hi[j - 1])).toFixed(2)}`);
  for (let j = last; j >= first; j--) pts.push(`${f.x(j).toFixed(2)},${f.y(j === 0 ? 0 : clamp(lo[j - 1])).toFixed(2)}`);
  return `M${pts.join('L')}Z`;
}

export interface FanOptions {
  readonly depth: number;
  readonly unit: string;
  /** The selected layer: a cursor. */
  readonly layer: number;
  /** Net k's path, drawn up to `stepTo` (step mode) or whole. */
  readonly net: { readonly k: number; readonly path: Float64Array; readonly stepTo: number } | null;
  onPick(layer: number): void;
}

/** The chart and its legend. */
export function fanChart(v: ViewNumbers, o: FanOptions): [SVGSVGElement, HTMLUListElement] {
  const d = o.depth, { theory, stats } = v;
  const finite: number[] = [0];
  const add = (a: ArrayLike<number>) => { for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) finite.push(a[i]); };
  [stats.quantiles[0], stats.quantiles[4], stats.sampleMean, theory.log10Mean, theory.bandLo, theory.bandHi, theory.log10MeanLo, theory.log10MeanHi].forEach(add);
  let y0 = Math.min(...finite), y1 = Math.max(...finite);
  const pad = Math.max(0.05 * (y1 - y0), 0.05);
  y0 -= pad; y1 += pad;
  const floor = y0 - 10 * (y1 - y0);
  const f = frame(900, 420, 0, d, y0, y1, `${o.unit} (${o.unit === 'module ℓ' ? 'M_ℓ' : 'M_j'} over ${v.summary.nets} nets)`, 'log10(M/M_0)', ticks(0, d, 10).filter((t) => Number.isInteger(t)));
  const g = f.plot;
  el('path', { class: 'fan-outer', d: area(f, stats.quantiles[0], stats.quantiles[4], floor) }, g);
  el('path', { class: 'fan-inner', d: area(f, stats.quantiles[1], stats.quantiles[3], floor) }, g);
  if (theory.bandLo.some((x) => Number.isFinite(x))) {
    // Faint where the band's coverage was not found to hold (view.ts BAND_RULE).
    const J = theory.bandTrusted;
    if (J > 0) el('path', { class: 'band', d: area(f, theory.bandLo, theory.bandHi, floor, 0, J) }, g);
    if (J < d) el('path', { class: 'band faint', d: area(f, theory.bandLo, theory.bandHi, floor, J, d) }, g);
  }
  for (const p of v.paths) el('path', { class: 'path', d: line(f, p, floor) }, g);
  el('path', { class: 'median', d: line(f, stats.quantiles[2], floor) }, g);
  el('path', { class: 'mean', d: line(f, stats.sampleMean, floor) }, g);
  if (theory.meanKind !== 'none') el('path', { class: 'theory', d: line(f, theory.log10Mean, floor) }, g);
  if (theory.log10MeanLo.some((x) => Number.isFinite(x))) {
    el('path', { class: 'bound', d: line(f, theory.log10MeanLo, floor) }, g);
    el('path', { class: 'bound', d: line(f, theory.log10MeanHi, floor) }, g);
  }
  if (o.net !== null) {
    const shown = o.net.path.subarray(0, o.net.stepTo);
    el('path', { class: 'net', d: line(f, shown, floor) }, g);
    const last = shown[shown.length - 1];
    if (shown.length > 0 && Number.isFinite(last)) el('circle', { class: 'net', cx: f.x(shown.length), cy: f.y(last), r: 3.5 }, g);
  }
  el('line', { class: 'cursor', x1: f.x(o.layer), x2: f.x(o.layer), y1: f.top, y2: f.bottom }, f.svg);
  const key = legend([
    ['fan-outer', '5–95% of nets'], ['fan-inner', '25–75%'], ['median', 'median'], ['path', `nets 0–${v.paths.length - 1}`],
    ['mean', 'sample mean'], ['band', 'expected band of the sample mean'],
    ['theory', theory.meanKind === 'mean-field' ? 'theory (mean-field)' : 'theory E[M/M_0]'], ['net', `net ${o.net?.k ?? ''}`],
  ].filter(([cls]) => (cls !== 'band' || theory.bandLo.some((x) => Number.isFinite(x))) && (cls !== 'theory' || theory.meanKind !== 'none') && (cls !== 'net' || o.net !== null)));
  f.svg.addEventListener('click', (e) => {
    const ctm = f.svg.getScreenCTM();
    if (ctm === null) return;
    const px = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse()).x;
    const j = Math.round(((px - f.left) / (f.right - f.left)) * d);
    o.onPick(Math.min(d, Math.max(1, j)));
  });
  return [f.svg, key];
}

/** A legend under a chart: a swatch drawn with the chart's own class, and a label. */
function legend(items: string[][]): HTMLUListElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const [cls, label] of items) {
    const li = document.createElement('li');
    const sw = el('svg', { width: 24, height: 12, viewBox: '0 0 24 12' });
    if (cls.startsWith('fan') || cls === 'band' || cls === 'bar') el('rect', { class: cls, x: 1, y: 1, width: 22, height: 10 }, sw);
    else el('line', { class: cls, x1: 1, x2: 23, y1: 6, y2: 6 }, sw);
    li.append(sw, document.createTextNode(label));
    ul.append(li);
  }
  return ul;
}

/** Bars: the nets' active-unit counts; line: Binomial(n_j, ½) times the nets counted. */
export function histogramChart(h: ActiveHistogram, layer: number): [SVGSVGElement, HTMLUListElement] {
  const n = h.width;
  // Show the binomial's bulk (±6 sd) and every observed count.
  let a0 = Math.max(0, Math.floor(n / 2 - 3 * Math.sqrt(n))), a1 = Math.min(n, Math.ceil(n / 2 + 3 * Math.sqrt(n)));
  h.counts.forEach((c, a) => { if (c > 0) { a0 = Math.min(a0, a); a1 = Math.max(a1, a); } });
  let top = 0;
  for (let a = a0; a <= a1; a++) top = Math.max(top, h.counts[a], h.expected[a]);
  const f = frame(520, 220, a0 - 0.5, a1 + 0.5, 0, top * 1.08 || 1, `active units at layer ${layer} (${h.nets} nets alive at layer ${layer - 1})`, 'nets',
    ticks(a0, a1, 8).filter((t) => Number.isInteger(t)));
  const bw = Math.max(1, f.x(1) - f.x(0) - 1);
  for (let a = a0; a <= a1; a++) {
    if (h.counts[a] > 0) el('rect', { class: 'bar', x: f.x(a) - bw / 2, y: f.y(h.counts[a]), width: bw, height: f.y(0) - f.y(h.counts[a]) }, f.plot);
  }
  let path = '';
  for (let a = a0; a <= a1; a++) path += `${a === a0 ? 'M' : 'L'}${f.x(a).toFixed(2)},${f.y(h.expected[a]).toFixed(2)}`;
  el('path', { class: 'expected', d: path }, f.plot);
  return [f.svg, legend([['bar', 'nets'], ['expected', `${h.nets} × Binomial(${n}, ½) (exact for i.i.d. continuous symmetric weights)`]])];
}

/** Circles at (j, ys[j−1]) where finite. */
function dots(f: Frame, ys: ArrayLike<number>, cls: string): void {
  for (let j = 1; j <= ys.length; j++) if (Number.isFinite(ys[j - 1])) el('circle', { class: cls, cx: f.x(j), cy: f.y(ys[j - 1]), r: 3 }, f.plot);
}

export interface BackwardOptions {
  readonly layer: number;
  readonly net: number;
  readonly q: number;
  onPick(layer: number): void;
}

/**
 * Net k's backward pass per layer (view.ts backwardRows): ‖∂ℓ/∂W_j‖² and ‖δ_j‖² against their
 * expectations (10.6), and the signal sent down against its conditional prediction with its band.
 */
export function backwardChart(rows: readonly Record<string, number>[], o: BackwardOptions): [SVGSVGElement, HTMLUListElement] {
  const d = rows.length, col = (k: string) => Float64Array.from(rows, (r) => r[k]);
  const gw = col('log10_grad_w_sq'), tw = col('theory_log10_grad_w_sq'), dl = col('log10_delta_sq'), td = col('theory_log10_delta_sq');
  const down = col('log10_signal_down_sq'), pred = col('predicted_log10_signal_down_sq'), lo = col('predicted_lo'), hi = col('predicted_hi');
  const finite = [gw, tw, dl, td, down, pred, hi].flatMap((a) => Array.from(a).filter(Number.isFinite));
  if (finite.length === 0) finite.push(0);
  let y0 = Math.min(...finite), y1 = Math.max(...finite);
  const pad = Math.max(0.05 * (y1 - y0), 0.05);
  y0 -= pad; y1 += pad;
  const floor = y0 - 10 * (y1 - y0);
  const f = frame(900, 320, 0.5, d + 0.5, y0, y1, `layer j (net ${o.net}, ℓ = output unit q = ${o.q})`, 'log10', ticks(1, d, 10).filter((t) => Number.isInteger(t)));
  el('path', { class: 'band', d: area(f, lo, hi, floor, 1, d) }, f.plot);
  el('path', { class: 'theory', d: line(f, tw, floor, false) }, f.plot);
  el('path', { class: 'theory-b', d: line(f, td, floor, false) }, f.plot);
  el('path', { class: 'predicted', d: line(f, pred, floor, false) }, f.plot);
  el('path', { class: 'grad-w', d: line(f, gw, floor, false) }, f.plot);
  el('path', { class: 'delta', d: line(f, dl, floor, false) }, f.plot);
  dots(f, gw, 'grad-w');
  dots(f, dl, 'delta');
  dots(f, down, 'down');
  el('line', { class: 'cursor', x1: f.x(o.layer), x2: f.x(o.layer), y1: f.top, y2: f.bottom }, f.svg);
  f.svg.addEventListener('click', (e) => {
    const ctm = f.svg.getScreenCTM();
    if (ctm === null) return;
    const px = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse()).x;
    o.onPick(Math.min(d, Math.max(1, Math.round(0.5 + ((px - f.left) / (f.right - f.left)) * d))));
  });
  return [f.svg, legend([
    ['grad-w', '‖∂ℓ/∂W_j‖²'], ['theory', 'its expectation (THEORY.md §10.7)'], ['delta', '‖δ_j‖² = ‖∂ℓ/∂b_j‖²'], ['theory-b', 'its expectation'],
    ['down', '‖r_{j−1}‖², the signal layer j sends down'], ['predicted', 'its conditional mean given the layers above (§10.4)'], ['band', '± 1.96 sd'],
  ])];
}
