// The plan's price of a coverage.js chunk: `count` replicates of the figure cell it reruns, priced as
// that cell. (It once priced a conv cell as a dense net of width C·H·W, 1000-fold too dear at 3×16×16.)

import { expect } from 'chai';
import { convCost, replicatesCost, residualCost } from '../../lib/experiments/cells/cost';
import { uniformStack } from '../../lib/nn/conv/layer';

describe('cost model: coverage replicates', () => {
  it('prices a chunk of conv replicates as count × the conv cell', () => {
    const config = { kind: 'conv' as const, init: 'he_normal', depth: 10, channels: 10, size: 16, inChannels: 3, kernel: 3, padding: 'same' as const, nets: 1000 };
    const chunk = replicatesCost({ config, first: 0, count: 50, seed: 3, band: null, backend: 'wasm' });
    const cell = convCost({ init: 'he_normal', input: { kind: 'unit', shape: [3, 16, 16] }, nets: 1000, seed: 3, backend: 'wasm',
      layers: uniformStack(10, { outChannels: 10, kh: 3, kw: 3, stride: 1, padding: 'same' }) });
    expect(chunk.seconds).to.be.closeTo(50 * cell.seconds, 1e-9 * cell.seconds);
    expect(chunk.bytes).to.equal(cell.bytes);
  });

  it('prices a chunk of residual replicates as count × the residual cell', () => {
    const config = { kind: 'residual' as const, convention: 'relu' as const, schedule: 'inv', width: 100, hidden: [100], modules: [1, 5, 20, 50], init: 'he_normal', nets: 1000 };
    const chunk = replicatesCost({ config, first: 0, count: 20, seed: 0, band: null, backend: 'wasm' });
    const cell = residualCost({ ...config, seed: 0, backend: 'wasm' });
    expect(chunk.seconds).to.be.closeTo(20 * cell.seconds, 1e-9 * cell.seconds);
  });
});
