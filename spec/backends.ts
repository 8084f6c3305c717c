// The backends the conformance suites run on, and what lets one suite run unchanged on each (the
// tfjs-core pattern). This file holds no tests of its own.
//
// - The kernel suite (spec/kernels.spec.ts) runs on every backend that can be created here, and on
//   gpu.js both in the mode it picks by default (webasm here, GL on a GPU machine) and in cpu mode.
// - The suites above the kernels (autograd, nets, traces, training) run on one entry per backend:
//   the reference, wasm, and gpu.js in cpu mode (its transpiled-JavaScript path; the kernel suite
//   already covers the default mode's kernels).
// KERNEL_BACKENDS=a,b,... overrides both lists, e.g. on a GPU machine:
//   KERNEL_BACKENDS=gpujs:headlessgl xvfb-run -a npx mocha
//
// Dtype, chosen per backend: float64 wherever the backend computes in it (reference, wasm), so every
// float64 assertion of the reference suite holds unchanged there; float32 on gpu.js, which computes
// in nothing else (lib/kernels/gpujs.ts). Tolerances for float32 are derived in BackendCase.tol and
// spec/gradients.ts.

import type { Backend, DType } from '../lib/kernels/backend';
import { availableBackends, createBackend } from '../lib/kernels/index';
import { Tensor } from '../lib/tensor/tensor';

/** Unit roundoff u: half the spacing of floats just above 1. */
export const UNIT_ROUNDOFF: Readonly<Record<DType, number>> = { float32: 2 ** -24, float64: 2 ** -53 };

function fromEnv(): string[] | null {
  const list = process.env.KERNEL_BACKENDS;
  return list !== undefined && list.trim() !== '' ? list.split(',').map((s) => s.trim()) : null;
}

/** The kernel suite's targets: every backend available here, and gpu.js in cpu mode as well. */
export function kernelTargets(): string[] {
  const names = availableBackends();
  return fromEnv() ?? (names.includes('gpujs') ? [...names, 'gpujs:cpu'] : names);
}

/** The targets of the suites above the kernels: one per backend, gpu.js in cpu mode. */
function netTargets(): string[] {
  return fromEnv() ?? availableBackends().map((name) => (name === 'gpujs' ? 'gpujs:cpu' : name));
}

/** One backend under test, as the suites above the kernels see it. */
export interface BackendCase {
  /** The backend string, e.g. 'wasm' or 'gpujs:cpu'. */
  readonly spec: string;
  readonly backend: Backend;
  /** float64 where the backend computes in it, else float32. */
  readonly dtype: DType;
  /** The reference backend runs every test at full size; the others run the expensive ones reduced. */
  readonly full: boolean;
  /** Full-size value on the reference, reduced value elsewhere. */
  size<T>(full: T, reduced: T): T;
  /**
   * A float64 round-off tolerance carried over to this backend's dtype: tol64·u/u_float64.
   *
   * Why this holds: the specs' float64 tolerances bound the round-off of a fixed computation, and
   * to first order a round-off bound is u times a factor that depends on the algorithm and the data,
   * not on the precision (Higham, Accuracy and Stability, §3.1). The factor is the same in float32
   * when the same operations run on the same values, which the specs ensure by computing their
   * float64 comparands from the values the net actually stores (float32 on gpu.js). On float64
   * backends it returns tol64 unchanged.
   */
  tol(tol64: number): number;
}

const created = new Map<string, Backend>();

/** One instance per backend string for the whole run (gpu.js compiles and caches kernels per instance). */
function backendFor(spec: string): Backend {
  let b = created.get(spec);
  if (b === undefined) created.set(spec, (b = createBackend(spec)));
  return b;
}

// A root hook: release every backend once all suites have run.
after(() => {
  for (const b of created.values()) b.dispose?.();
  created.clear();
});

/** The case of one backend string; `dtype` overrides the default choice (float64 where the backend has it). */
function backendCase(spec: string, dtype?: DType): BackendCase {
  const backend = backendFor(spec);
  const d: DType = dtype ?? (backend.dtypes.includes('float64') ? 'float64' : 'float32');
  if (!backend.dtypes.includes(d)) throw new RangeError(`backend '${spec}' does not compute in ${d}`);
  const full = backend.name === 'reference';
  return {
    spec, backend, dtype: d, full,
    size: (f, r) => (full ? f : r),
    tol: (tol64) => tol64 * (UNIT_ROUNDOFF[d] / UNIT_ROUNDOFF.float64),
  };
}

/**
 * describe(title) once per backend of netTargets(), each named with its backend and dtype (opts.dtype,
 * else the backend's default above). An arena backend (wasm) gets back what each test allocated. A
 * backend that cannot be created is one failed test, not an aborted run.
 */
export function describeOnBackends(title: string, body: (b: BackendCase) => void, opts: { dtype?: DType } = {}): void {
  for (const spec of netTargets()) {
    let b: BackendCase;
    try {
      b = backendCase(spec, opts.dtype);
    } catch (e) {
      describe(`${title} [${spec}]`, () => it('can be created on this machine', () => { throw e; }));
      continue;
    }
    describe(`${title} [${spec}, ${b.dtype}]`, function () {
      let mark: number | undefined;
      beforeEach(() => { mark = b.backend.mark?.(); });
      afterEach(() => { if (mark !== undefined) b.backend.reset?.(mark); });
      body(b);
    });
  }
}

/** The reference backend, the comparand of the float32 checks. */
export const REFERENCE: Backend = backendFor('reference');

/** A copy of t in `dtype`, in the backend's memory (the way nets and training hold their tensors). */
export function onBackend(b: Backend, t: Tensor, dtype: DType): Tensor {
  const out = Tensor.zeros(t.shape, dtype, (dt, n) => b.alloc(dt, n));
  out.data.set(t.data);
  return out;
}

/** t rounded to float32 and kept in float64: the values a float32 backend holds, exactly. */
export function roundedToFloat32(t: Tensor): Tensor {
  const out = Tensor.zeros(t.shape, 'float64');
  for (let i = 0; i < t.size; i++) out.data[i] = Math.fround(t.data[i]);
  return out;
}
