// gpu.js specifics that the shared conformance suite does not cover: mode selection, the kernel cache.
import { expect } from 'chai';
import { GPU } from 'gpu.js';
import { GpuJsBackend } from '../lib/kernels/gpujs';
import { errorOf } from './errors';

describe('gpujs backend', function () {
  it('reports the mode gpu.js picked', function () {
    const backend = new GpuJsBackend();
    // Without a GL context gpu.js falls back to webasm; with one it picks headlessgl.
    expect(backend.mode).to.equal(GPU.isHeadlessGLSupported ? 'headlessgl' : 'webasm');
    backend.dispose();
  });

  it('explains why headlessgl is unavailable when it is', function () {
    if (GPU.isHeadlessGLSupported) this.skip();
    const e = errorOf(() => new GpuJsBackend({ mode: 'headlessgl' }));
    expect(e.message).to.match(/^gpujs: mode 'headlessgl' (needs the native 'gl' package|found the 'gl' package but could not open a GL context)/);
    expect(e.message).to.include('docs/gpu.md');
  });

  it('keeps at most cacheSize compiled kernels, reusing them by shape', function () {
    const backend = new GpuJsBackend({ mode: 'cpu', cacheSize: 2 });
    const a = new Float32Array(12).fill(1), c = new Float32Array(16);
    backend.matmul(a, a, c, 2, 2, 3);
    backend.matmul(a, a, c, 2, 2, 3);
    expect(backend.cachedKernels).to.equal(1);
    backend.matmul(a, a, c, 2, 2, 3, { transA: true });
    backend.matmul(a, a, c, 3, 3, 2);
    expect(backend.cachedKernels).to.equal(2);
    // The evicted kernel is rebuilt on demand and still right.
    backend.matmul(a, a, c, 2, 2, 3);
    expect(Array.from(c.subarray(0, 4))).to.deep.equal([3, 3, 3, 3]);
    backend.dispose();
  });

  it('rejects a bad mode or cache size in one line', function () {
    expect(() => new GpuJsBackend({ mode: 'dev' as 'cpu' })).to.throw(RangeError, /^gpujs: unknown mode 'dev'/);
    expect(() => new GpuJsBackend({ cacheSize: 0 })).to.throw(RangeError, /cacheSize/);
  });
});
