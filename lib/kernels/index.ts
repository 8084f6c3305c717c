// Backend selection by name. 'auto' takes the fastest backend that loads on this machine.

import type { Backend } from './backend';
import { ReferenceBackend } from './reference';
import { WasmBackend } from './wasm';

export type BackendName = 'reference' | 'wasm' | 'gpujs' | 'auto';

export function createBackend(name: BackendName): Backend {
  switch (name) {
    case 'reference':
      return new ReferenceBackend();
    case 'wasm':
      return new WasmBackend();
    case 'gpujs':
      // Wired on the main branch, where the gpu.js backend lives.
      throw new Error("backend 'gpujs' is not available in this build");
    case 'auto':
      try {
        return new WasmBackend();
      } catch {
        // No compiled module (the build has not run) or no wasm SIMD: the reference still works.
        return new ReferenceBackend();
      }
    default:
      throw new TypeError(`unknown backend '${String(name)}' (expected reference, wasm, gpujs or auto)`);
  }
}

export { ReferenceBackend, WasmBackend };
