// The one plotting module: vega-lite specs for the paper's charts, rendered headless to SVG by
// vega, and to PNG by resvg (no browser, no canvas, works offline). Both files are written
// atomically. vega 6 and vega-lite 6 are ESM-only with top-level await, so they are loaded with a
// real dynamic import(), which tsc keeps as import() under module nodenext.

import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { writeFileAtomic } from './files';

export type { TopLevelSpec };
export type Row = Readonly<Record<string, string | number | boolean | null>>;

export interface Axis {
  readonly field: string;
  readonly title?: string;
  /** Log scale; the paper plots variances and moments over depth on log axes. Default false. */
  readonly log?: boolean;
  /** Zero in the linear domain; default false (vega-lite's true squashes data far from 0). */
  readonly zero?: boolean;
  /** A fixed domain [min, max] instead of the data's. */
  readonly domain?: readonly [number, number];
  /** Tick values instead of vega's (the depths a panel ran, say). */
  readonly ticks?: readonly number[];
}

export interface LineChart {
  /** A title, or a title with a subtitle line (a legend for the marks, say). */
  readonly title?: string | { readonly text: string; readonly subtitle?: string | readonly string[] };
  readonly x: Axis;
  readonly y: Axis;
  /** Measured values, drawn as points; rows hold x, y and, if given, color/lo/hi/facet fields. */
  readonly measured?: readonly Row[];
  /** Theory curves, drawn as dashed lines; rows hold x, y and the color/facet fields. */
  readonly theory?: readonly Row[];
  /** Fields of theory rows with the ends of a theory band, shaded around the dashed lines. */
  readonly theoryLo?: string;
  readonly theoryHi?: string;
  /** A second measured statistic, drawn as hollow markers (rows hold x, y and the color/facet fields). */
  readonly hollow?: readonly Row[];
  /** Field of measured rows whose value picks the point's shape, with the shapes in order of `values`. */
  readonly shape?: { readonly field: string; readonly title?: string; readonly values: readonly string[]; readonly shapes: readonly string[] };
  /** Field of measured rows written as a small label beside each point (a count, say); tied points stack theirs. */
  readonly label?: string;
  /** Field whose values pick the colour (one per series); measured and theory share the legend. */
  readonly color?: string;
  readonly colorTitle?: string;
  /** Fields of measured rows with the lower and upper ends of an interval (a CI, a quantile band). */
  readonly lo?: string;
  readonly hi?: string;
  /** How the interval is drawn. Default 'bars'. */
  readonly errors?: 'bars' | 'band';
  /** Join measured points with a thin solid line. Default false. */
  readonly connect?: boolean;
  /**
   * Pixels between the measured points of neighbouring colour series at one x, so that series with
   * equal values (epochs to a target, say) stay visible instead of hiding each other. The points move
   * sideways; their x values, the axis and the theory curves do not.
   */
  readonly dodge?: number;
  /** Small multiples, one panel per value of the field. */
  readonly facet?: { readonly field: string; readonly title?: string; readonly columns?: number };
  /** Size of one panel in px. Default 360×240. */
  readonly width?: number;
  readonly height?: number;
}

/** A chart value: the number where it is finite, else null (no mark; vega-lite cannot draw NaN or ±Infinity). */
export function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** log10 of a positive finite value for a log chart; null (no mark) otherwise, as for a dead net's gradient of 0. */
export function log10OrNull(v: unknown): number | null {
  return typeof v === 'number' && v > 0 && Number.isFinite(v) ? Math.log10(v) : null;
}

// Vega-lite reads "a.b" as a nested field; CSV-style column names are flat, so escape.
function ref(field: string): string {
  return field.replace(/([.[\]\\])/g, '\\$1');
}

const LAYER = '__layer';
const DODGED = '__x';

/** Pixels the x scale adds at each end, so that the points at the ends stay inside the plot. */
const X_PADDING = 12;

/**
 * Each measured row's x, moved by `px` pixels per colour series about the series' middle, in data units
 * of an axis `width` pixels wide (multiplicative on a log axis). Returns the rows with the moved x in DODGED.
 * The units per pixel count the scale's padding and the dodge's own extent; vega's rounding of the
 * domain to nice values can make the steps a little smaller than `px`.
 */
function dodged(rows: readonly Row[], x: Axis, color: string | undefined, px: number, width: number): Row[] {
  const series = [...new Set(rows.map((r) => (color === undefined ? '' : String(r[color]))))];
  const xs = rows.map((r) => r[x.field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!x.log || v > 0));
  const t = (v: number) => (x.log ? Math.log10(v) : v);
  const lo = x.domain ? t(x.domain[0]) : Math.min(...xs.map(t)), hi = x.domain ? t(x.domain[1]) : Math.max(...xs.map(t));
  const perPx = (hi > lo ? hi - lo : 1) / Math.max(1, width - 2 * X_PADDING - (series.length - 1) * px);
  return rows.map((r) => {
    const v = r[x.field];
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ...r, [DODGED]: null };
    const k = series.indexOf(color === undefined ? '' : String(r[color])) - (series.length - 1) / 2;
    const shift = k * px * perPx;
    return { ...r, [DODGED]: x.log ? v * 10 ** shift : v + shift };
  });
}

const LABEL_DY = '__dy';
/** Pixels between stacked labels: one line of the 9 px label font. */
const LABEL_LINE = 10;

/**
 * Each measured row with LABEL_DY, the label's vertical offset in px. Labels at one x (one column of
 * dodged points) that would overlap are lifted, lowest point first, until each sits a line above the
 * one below it; exact ties stack in series order. Where the y axis is linear with an explicit domain
 * (vega leaves such a domain as given), the pixel positions are exact and near-ties (1.0 and 1.2
 * epochs on a 0–120 axis) stack as well; elsewhere only exact ties are known to collide.
 */
function stackLabels(rows: readonly Row[], c: LineChart): Row[] {
  const d = c.y.domain, height = c.height ?? 240;
  const px = d !== undefined && !c.y.log && d[1] > d[0] ? (v: number) => height * (v - d[0]) / (d[1] - d[0]) : undefined;
  const columns = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const at = JSON.stringify([c.facet === undefined ? null : r[c.facet.field], r[c.x.field]]);
    const column = columns.get(at);
    if (column === undefined) columns.set(at, [i]); else column.push(i);
  });
  const lift = new Array<number>(rows.length).fill(0);
  const y = (i: number) => rows[i][c.y.field];
  for (const members of columns.values()) {
    // Sort is stable: equal y keep series order. Rows without a finite y draw no label and lift none.
    const placed = members.filter((i) => typeof y(i) === 'number' && Number.isFinite(y(i))).sort((a, b) => (y(a) as number) - (y(b) as number));
    for (let k = 1; k < placed.length; k++) {
      const [below, me] = [placed[k - 1], placed[k]];
      const [yb, ym] = [y(below) as number, y(me) as number];
      lift[me] = px !== undefined ? Math.max(0, px(yb) + lift[below] + LABEL_LINE - px(ym)) : ym === yb ? lift[below] + LABEL_LINE : 0;
    }
  }
  return rows.map((r, i) => ({ ...r, [LABEL_DY]: -7 - lift[i] }));
}

/** A vega-lite spec: measured points (with error bars or band), theory as dashed lines, optional colour and facets. */
export function lineChartSpec(c: LineChart): TopLevelSpec {
  const theory = c.theory ?? [], hollow = c.hollow ?? [];
  const moved = c.dodge === undefined ? c.measured ?? [] : dodged(c.measured ?? [], c.x, c.color, c.dodge, c.width ?? 360);
  const measured = c.label === undefined ? moved : stackLabels(moved, c);
  if (measured.length + theory.length + hollow.length === 0) throw new Error('lineChartSpec: no data');
  if ((c.theoryLo === undefined) !== (c.theoryHi === undefined)) throw new Error('lineChartSpec: give both theoryLo and theoryHi, or neither');
  if ((c.lo === undefined) !== (c.hi === undefined)) throw new Error('lineChartSpec: give both lo and hi, or neither');
  const scale = (a: Axis) => ({
    ...(a.log ? { type: 'log' as const } : { zero: a.zero ?? false }),
    ...(a.domain !== undefined ? { domain: [...a.domain] } : {}),
  });
  // A little padding keeps the points (and labels) at the ends of the x range inside the plot.
  const x = {
    field: ref(c.x.field), type: 'quantitative' as const, title: c.x.title ?? c.x.field, scale: { ...scale(c.x), padding: X_PADDING },
    ...(c.x.ticks !== undefined ? { axis: { values: [...c.x.ticks] } } : {}),
  };
  // Measured layers read the moved x where points are dodged; one shared scale and axis serve every layer.
  const xm = c.dodge === undefined ? x : { ...x, field: DODGED };
  const y = { field: ref(c.y.field), type: 'quantitative' as const, title: c.y.title ?? c.y.field, scale: scale(c.y) };
  const color = c.color !== undefined ? { color: { field: ref(c.color), type: 'nominal' as const, title: c.colorTitle ?? c.color } } : {};
  const only = (layer: string) => [{ filter: `datum['${LAYER}'] === '${layer}'` }];

  // Layers share one data set (facets need a single one) and pick their rows by the __layer tag.
  const layers: object[] = [];
  if (c.lo !== undefined && c.hi !== undefined && measured.length > 0) {
    const band = c.errors === 'band';
    layers.push({
      transform: only('measured'),
      mark: band ? { type: 'errorband', opacity: 0.25 } : { type: 'errorbar', ticks: true },
      encoding: { x: xm, y: { ...y, field: ref(c.lo) }, y2: { field: ref(c.hi) }, ...color },
    });
  }
  if (c.theoryLo !== undefined && c.theoryHi !== undefined && theory.length > 0) {
    layers.push({
      transform: only('theory'),
      mark: { type: 'errorband', opacity: 0.15 },
      encoding: { x, y: { ...y, field: ref(c.theoryLo) }, y2: { field: ref(c.theoryHi) }, ...color },
    });
  }
  if (theory.length > 0) {
    layers.push({
      transform: only('theory'),
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, clip: true },
      encoding: { x, y, ...color },
    });
  }
  if (measured.length > 0) {
    if (c.connect) layers.push({ transform: only('measured'), mark: { type: 'line', strokeWidth: 1, opacity: 0.6, clip: true }, encoding: { x: xm, y, ...color } });
    const shape = c.shape === undefined ? {} : {
      shape: { field: ref(c.shape.field), type: 'nominal' as const, title: c.shape.title ?? c.shape.field, scale: { domain: [...c.shape.values], range: [...c.shape.shapes] } },
    };
    layers.push({ transform: only('measured'), mark: { type: 'point', filled: true, size: 36, clip: true }, encoding: { x: xm, y, ...color, ...shape } });
    if (c.label !== undefined) {
      layers.push({
        transform: only('measured'), mark: { type: 'text', align: 'left', dx: 6, dy: { expr: `datum['${LABEL_DY}']` }, fontSize: 9, clip: true },
        encoding: { x: xm, y, text: { field: ref(c.label), type: 'nominal' as const }, ...color },
      });
    }
  }
  if (hollow.length > 0) {
    layers.push({ transform: only('hollow'), mark: { type: 'point', filled: false, size: 36, strokeWidth: 1.2, clip: true }, encoding: { x, y, ...color } });
  }

  const values = [...measured.map((r) => ({ ...r, [LAYER]: 'measured' })), ...theory.map((r) => ({ ...r, [LAYER]: 'theory' })),
    ...hollow.map((r) => ({ ...r, [LAYER]: 'hollow' }))];
  const top = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(c.title !== undefined ? { title: c.title } : {}),
    data: { values },
    // Long legend labels (initializer ids, outcomes) are shown whole.
    config: { background: 'white', legend: { labelLimit: 0 } },
  };
  const size = { width: c.width ?? 360, height: c.height ?? 240 };
  if (c.facet) {
    return {
      ...top,
      facet: { field: ref(c.facet.field), type: 'nominal', title: c.facet.title ?? c.facet.field },
      ...(c.facet.columns !== undefined ? { columns: c.facet.columns } : {}),
      spec: { ...size, layer: layers },
    } as TopLevelSpec;
  }
  return { ...top, ...size, layer: layers } as TopLevelSpec;
}

type Vega = typeof import('vega', { with: { 'resolution-mode': 'import' } });
type VegaLite = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });

/** Both libraries, imported once per thread (a cache of a module load, like require's). */
let libs: Promise<[Vega, VegaLite]> | null = null;
function load(): Promise<[Vega, VegaLite]> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]);
  return libs;
}

/** Compiles the vega-lite spec and renders it to SVG text, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await load();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises SVG text to PNG bytes at `scale` × the SVG's size. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  // Loaded on use: a native addon that only plotting needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}

export interface WrittenPlot {
  readonly svg: string;
  readonly png: string | null;
}

/**
 * Renders the spec and writes <base>.svg and (unless png is false) <base>.png, each atomically.
 * `base` may end in .svg or .png; the extension is replaced.
 */
export async function writePlot(base: string, spec: TopLevelSpec, opts: { png?: boolean; scale?: number } = {}): Promise<WrittenPlot> {
  const stem = base.replace(/\.(svg|png)$/i, '');
  const svg = await renderSvg(spec);
  const svgFile = `${stem}.svg`;
  writeFileAtomic(svgFile, svg);
  let pngFile: string | null = null;
  if (opts.png !== false) {
    pngFile = `${stem}.png`;
    writeFileAtomic(pngFile, svgToPng(svg, opts.scale));
  }
  return { svg: path.resolve(svgFile), png: pngFile && path.resolve(pngFile) };
}
