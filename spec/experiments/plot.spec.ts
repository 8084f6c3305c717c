import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lineChartSpec, renderSvg, writePlot, type Row } from '../../lib/experiments/out/plot';

describe('experiments/plot', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-plot-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const measured: Row[] = [], theory: Row[] = [];
  for (const n of [10, 40]) {
    for (let d = 1; d <= 41; d += 10) {
      const v = Math.exp((5 * d) / n);
      measured.push({ depth: d, 'var.x': v * 1.05, lo: v * 0.9, hi: v * 1.2, width: `n=${n}` });
      theory.push({ depth: d, 'var.x': v, width: `n=${n}` });
    }
  }

  it('builds a layered spec: dashed theory, points, error bars, log y, colour by series', () => {
    const spec = lineChartSpec({ x: { field: 'depth' }, y: { field: 'var.x', log: true }, measured, theory, color: 'width', lo: 'lo', hi: 'hi' }) as unknown as {
      layer: { mark: { type: string; strokeDash?: number[] }; encoding: { y: { field: string; scale: object } } }[];
    };
    expect(spec.layer.map((l) => l.mark.type)).to.deep.equal(['errorbar', 'line', 'point']);
    expect(spec.layer[1].mark.strokeDash).to.deep.equal([6, 4]);
    expect(spec.layer[2].encoding.y.scale).to.deep.equal({ type: 'log' });
    // A dotted column name is escaped, not read as a nested field.
    expect(spec.layer[2].encoding.y.field).to.equal('var\\.x');
  });

  it('renders SVG with the expected marks, and writes SVG and PNG without temporary files', async () => {
    const spec = lineChartSpec({ title: 'Var over depth', x: { field: 'depth' }, y: { field: 'var.x', log: true }, measured, theory, color: 'width', lo: 'lo', hi: 'hi' });
    const svg = await renderSvg(spec);
    expect(svg).to.match(/^<svg /);
    expect(svg).to.include('Var over depth');
    expect(svg).to.match(/class="mark-symbol role-mark/); // measured points
    expect(svg).to.match(/class="mark-line role-mark/); // theory lines
    expect(svg).to.match(/class="mark-rule role-mark/); // error bars
    expect(svg).to.include('stroke-dasharray="6,4"');
    expect(svg).to.include('n=10').and.to.include('n=40'); // legend
    const out = await writePlot(path.join(dir, 'fig'), spec);
    // Not byte-equal to `svg`: vega numbers clip paths with a counter.
    expect(fs.readFileSync(out.svg, 'utf8')).to.include('Var over depth').and.to.match(/mark-symbol role-mark/);
    const png = fs.readFileSync(out.png!);
    expect(png.subarray(1, 4).toString()).to.equal('PNG');
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['fig.png', 'fig.svg']);
  });

  it('dodges tied series sideways by whole pixels, on linear and log axes, leaving x values and theory alone', async () => {
    const rows: Row[] = ['a', 'b', 'c'].flatMap((init) => [{ d: 10, y: 1, init }, { d: 60, y: 1, init }]);
    const values = (log: boolean) => {
      const spec = lineChartSpec({ x: { field: 'd', log, ticks: [10, 60] }, y: { field: 'y' }, measured: rows, theory: [{ d: 10, y: 1, init: 'a' }], color: 'init', dodge: 5, width: 100 }) as unknown as {
        data: { values: Record<string, unknown>[] }; layer: { encoding: { x: { field: string; axis?: { values: number[] } } } }[];
      };
      expect(spec.layer.map((l) => l.encoding.x.axis?.values)).to.deep.equal(spec.layer.map(() => [10, 60]));
      return spec.data.values;
    };
    // Linear: 50 units over the 100 px less the padding (2·12) and the dodge's extent (2·5) is 50/66 a
    // pixel, so the three series sit 5·50/66 apart about each x.
    const lin = values(false), u = (5 * 50) / 66;
    expect(lin.filter((v) => v.__layer === 'measured').map((v) => [v.d, v.__x])).to.deep.equal([[10, 10 - u], [60, 60 - u], [10, 10], [60, 60], [10, 10 + u], [60, 60 + u]]);
    expect(lin.filter((v) => v.__layer === 'theory')).to.deep.equal([{ d: 10, y: 1, init: 'a', __layer: 'theory' }]);
    // Log: a factor 10^(5·log10(6)/66) apart.
    const f = 10 ** (5 * Math.log10(6) / 66);
    const log = values(true).filter((v) => v.__layer === 'measured').map((v) => v.__x as number);
    expect(log[0]).to.be.closeTo(10 / f, 1e-12);
    expect(log[5]).to.be.closeTo(60 * f, 1e-12);
    // Drawn: the points of the three series at d = 10 land 5 px apart.
    const svg = await renderSvg(lineChartSpec({ x: { field: 'd' }, y: { field: 'y' }, measured: rows, color: 'init', dodge: 5, width: 100 }));
    const xs = [...svg.matchAll(/aria-label="d: [\d.]+; y: 1; init: \w" role="graphics-symbol" aria-roledescription="point" transform="translate\(([\d.]+),/g)]
      .map((m) => Number(m[1])).filter((_, i) => i % 2 === 0); // the points at d = 10 of series a, b, c
    expect(xs).to.have.length(3);
    expect(xs[1] - xs[0]).to.be.closeTo(xs[2] - xs[1], 1e-6);
    expect(xs[1] - xs[0]).to.be.within(3.5, 5); // 5 px, less what vega's nice domain adds
  });

  it('stacks the labels of tied and near-tied points one line apart, in series order, and leaves lone labels where they were', async () => {
    const rows: Row[] = [{ d: 10, y: 1, init: 'a', n: 'A' }, { d: 10, y: 1, init: 'b', n: 'B' }, { d: 10, y: 1, init: 'c', n: 'C' }, { d: 60, y: 1, init: 'a', n: 'D' }, { d: 60, y: 2, init: 'b', n: 'E' },
      { d: 30, y: 1.05, init: 'a', n: 'F' }, { d: 30, y: 1, init: 'b', n: 'G' }, { d: 30, y: 1.5, init: 'c', n: 'H' }];
    const svg = await renderSvg(lineChartSpec({ x: { field: 'd' }, y: { field: 'y', domain: [0, 3] }, measured: rows, color: 'init', label: 'n', dodge: 5, width: 200 }));
    // Each mark's translate; the aria-label shows the dodged d, so match on y, init and label.
    const pos = (init: string, y: number, kind: string, n?: string) => {
      const m = new RegExp(`y: ${y}; init: ${init}${n === undefined ? '' : `; n: ${n}`}" role="graphics-symbol" aria-roledescription="${kind}"[^>]*transform="translate\\(([\\d.]+),([\\d.]+)\\)"`).exec(svg);
      expect(m, `${kind} ${init} ${n ?? ''}`).to.not.equal(null);
      return [Number(m![1]), Number(m![2])];
    };
    const points = (init: string, y: number) => [...svg.matchAll(new RegExp(`y: ${y}; init: ${init}" role="graphics-symbol" aria-roledescription="point"[^>]*transform="translate\\(([\\d.]+),([\\d.]+)\\)"`, 'g'))]
      .map((m) => [Number(m[1]), Number(m[2])]);
    // Height of each label above its point (x: 6 px to the right).
    const rise = (init: string, y: number, n: string, which: number) => {
      const p = points(init, y)[which], l = pos(init, y, 'text mark', n);
      expect(l[0] - p[0]).to.be.closeTo(6, 1e-6);
      return p[1] - l[1];
    };
    const base = rise('a', 1, 'A', 0);
    expect(base).to.be.greaterThan(0);
    // The tie at d = 10 stacks one line (10 px) apart; at d = 60 (no tie, other y) labels stay at the base.
    expect([rise('b', 1, 'B', 0) - base, rise('c', 1, 'C', 0) - base]).to.deep.equal([10, 20]);
    expect([rise('a', 1, 'D', 1) - base, rise('b', 2, 'E', 0) - base]).to.deep.equal([0, 0]);
    // At d = 30 (240 px for 3 units: 80 px per unit), F's point sits 4 px above G's, so F's label rises
    // 6 px more to clear G's by a line, whatever the series order; H, 36 px above F, needs no lift.
    expect(rise('a', 1.05, 'F', 0) - base).to.be.closeTo(6, 1e-6);
    expect([rise('b', 1, 'G', 1) - base, rise('c', 1.5, 'H', 0) - base]).to.deep.equal([0, 0]);
  });

  it('renders facets with error bands', async () => {
    const rows = measured.map((r) => ({ ...r, panel: r.width }));
    const spec = lineChartSpec({ x: { field: 'depth' }, y: { field: 'var.x', log: true }, measured: rows, lo: 'lo', hi: 'hi', errors: 'band', facet: { field: 'panel' }, connect: true });
    const svg = await renderSvg(spec);
    expect(svg).to.match(/class="mark-area role-mark/);
    expect((svg.match(/role-mark/g) ?? []).length).to.be.at.least(4);
  });
});
