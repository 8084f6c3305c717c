// The backend registry: names, availability, variants and errors.
import { expect } from 'chai';
import { GpuJsBackend } from '../lib/kernels/gpujs';
import { availableBackends, BACKEND_NAMES, createBackend, parseBackendSpec } from '../lib/kernels/index';
import { ReferenceBackend } from '../lib/kernels/reference';
import { errorOf } from './errors';

describe('backend registry', function () {
  it('lists reference and gpujs as registered and available here', function () {
    expect(BACKEND_NAMES).to.include.members(['reference', 'gpujs']);
    expect(availableBackends()).to.include.members(['reference', 'gpujs']);
    for (const name of availableBackends()) expect(BACKEND_NAMES).to.include(name);
  });

  it('creates each available backend under its own name', function () {
    for (const name of availableBackends()) {
      const backend = createBackend(name);
      expect(backend.name).to.equal(name);
      backend.dispose?.();
    }
    expect(createBackend('reference')).to.be.instanceOf(ReferenceBackend);
  });

  it('rejects an unknown name with a one-line error listing the known ones', function () {
    const e = errorOf(() => createBackend('cuda'));
    expect(e).to.be.instanceOf(RangeError);
    expect(e.message).to.include("'cuda'");
    for (const name of BACKEND_NAMES) expect(e.message).to.include(name);
    expect(e.message).to.not.include('\n');
    // Names are looked up as own keys, so Object.prototype members are unknown too.
    expect(() => createBackend('toString')).to.throw(RangeError, /unknown backend/);
    expect(() => createBackend('')).to.throw(RangeError, /unknown backend/);
  });

  it('parses name:variant backend strings', function () {
    expect(parseBackendSpec('gpujs:cpu')).to.deep.equal({ name: 'gpujs', variant: 'cpu' });
    expect(parseBackendSpec('reference')).to.deep.equal({ name: 'reference', variant: undefined });
  });

  it('passes the variant to gpujs as its mode and rejects unknown variants', function () {
    const cpu = createBackend('gpujs:cpu');
    expect(cpu).to.be.instanceOf(GpuJsBackend);
    expect((cpu as GpuJsBackend).mode).to.equal('cpu');
    cpu.dispose?.();
    expect(() => createBackend('gpujs:webgpu')).to.throw(RangeError, /unknown gpujs mode 'webgpu' \(known: gpu, cpu, webasm, headlessgl\)/);
    expect(() => createBackend('reference:fast')).to.throw(RangeError, /takes no variant/);
  });
});
