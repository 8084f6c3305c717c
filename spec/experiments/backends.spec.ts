// Every backend a CLI lists must serve it: each figure's smallest configuration runs on every
// available backend (gpu.js in its CPU mode included), in this process with one worker. A
// float32-only backend runs the length experiments in float32 and the run record says so; its
// numbers agree with the float64 reference to float32 rounding.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { availableBackends } from '../../lib/kernels/index';
import { readCsv } from '../../lib/experiments/out/csv';
import { CONV } from '../../lib/experiments/conv';
import { FIG1 } from '../../lib/experiments/fig1';
import { FIG2 } from '../../lib/experiments/fig2';
import { FIG3 } from '../../lib/experiments/fig3';
import { silently } from '../fixtures/capture';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/** The smallest run of each figure part (conv (c) trains on 64 images: the only training panel with a data limit). */
const SMALLEST: [string, typeof FIG1 | typeof FIG2 | typeof FIG3 | typeof CONV, string[], string[]][] = [
  ['fig1a', FIG1, ['--part', 'a', '--depths', '2,3', '--nets', '4', '--inits', 'he_normal,glorot_uniform'], ['fig1a.csv', 'fig1a.json']],
  ['fig2a', FIG2, ['--part', 'a', '--families', 'constant', '--betas', '0.5', '--depths', '2', '--nets', '4', '--sampler-nets', '8', '--sampler-betas', 'none', '--inits', 'he_normal'], ['fig2a.csv']],
  ['fig3a', FIG3, ['--part', 'a', '--schedules', 'inv', '--convention', 'both', '--modules', '1,2', '--width', '3', '--nets', '4'], ['fig3a.csv']],
  ['conv_a+b', CONV, ['--part', 'a', '--depths', '1,2', '--channels', '2', '--size', '4', '--nets', '3', '--inits', 'he_normal'], ['conv_a.csv']],
  ['conv_b', CONV, ['--part', 'b', '--b-depths', '2', '--b-channels', '2', '--size', '4', '--b-nets', '3'], ['conv_b.csv']],
  ['conv_c', CONV, ['--part', 'c', '--train-inits', 'he_normal', '--train-depths', '1', '--train-channels', '2', '--runs', '1', '--max-epochs', '1',
    '--limit-train', '64', '--limit-test', '64', '--batch', '32'], ['conv_c.csv']],
];

describe('every available backend serves every figure (smallest configurations)', function () {
  this.timeout(300000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backends-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // gpu.js in its CPU mode always; its default mode too (webasm here, a GL context on a GPU machine).
  const backends = [...availableBackends().filter((b) => b !== 'gpujs'), ...(availableBackends().includes('gpujs') ? ['gpujs:cpu', 'gpujs'] : [])];

  it('lists the backends it runs', () => {
    expect(backends).to.include.members(['reference', 'wasm']);
  });

  for (const backend of backends) {
    it(`${backend}: fig1 (a), fig2 (a), fig3 (a), conv (a, b, c)`, async () => {
      for (const [name, script, argv, files] of SMALLEST) {
        const out = path.join(tmp, `${backend.replace(':', '-')}-${name}`);
        await silently(() => script.main([...argv, '--backend', backend, '--workers', '1', '--out', out], { stderr: quiet }));
        for (const f of files) expect(fs.existsSync(path.join(out, f)), `${backend} ${name}: ${f}`).to.equal(true);
      }
      const record = JSON.parse(fs.readFileSync(path.join(tmp, `${backend.replace(':', '-')}-fig1a`, 'fig1a.json'), 'utf8')) as { dtype: string };
      expect(record.dtype).to.equal(backend.startsWith('gpujs') ? 'float32' : 'float64');
    });
  }

  it('float32 (gpu.js) and float64 (reference) give the same lengths to float32 rounding', function () {
    if (!backends.includes('gpujs:cpu')) this.skip();
    const a = readCsv(path.join(tmp, 'reference-fig1a', 'fig1a.csv')), b = readCsv(path.join(tmp, 'gpujs-cpu-fig1a', 'fig1a.csv'));
    expect(b.length).to.equal(a.length);
    // Same streams (float32 draws are the float64 draws rounded); a depth-3 pass rounds a few times
    // at 6e-8 each, far below 1e-5 in log10.
    // At these tiny sizes a column can be undefined (every net dead at a layer: the per-layer product
    // has no mean there); the backends must then agree on that too.
    const same = (x: unknown, y: unknown, what: string) => {
      if (!Number.isFinite(Number(x)) || !Number.isFinite(Number(y))) expect(String(y), what).to.equal(String(x));
      else expect(Math.abs(Number(x) - Number(y)), what).to.be.below(1e-5);
    };
    a.forEach((r, i) => {
      same(r.log10_mean_ratio, b[i].log10_mean_ratio, `row ${i} log10_mean_ratio`);
      same(r.mean_log10_ratio, b[i].mean_log10_ratio, `row ${i} mean_log10_ratio`);
    });
  });
});
