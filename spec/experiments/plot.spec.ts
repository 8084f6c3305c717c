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

  it('renders facets with error bands', async () => {
    const rows = measured.map((r) => ({ ...r, panel: r.width }));
    const spec = lineChartSpec({ x: { field: 'depth' }, y: { field: 'var.x', log: true }, measured: rows, lo: 'lo', hi: 'hi', errors: 'band', facet: { field: 'panel' }, connect: true });
    const svg = await renderSvg(spec);
    expect(svg).to.match(/class="mark-area role-mark/);
    expect((svg.match(/role-mark/g) ?? []).length).to.be.at.least(4);
  });
});
