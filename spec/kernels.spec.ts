// Runs the one kernel conformance suite (spec/conformance.ts) against every backend that can be
// created on this machine. KERNEL_BACKENDS=a,b,... overrides the list, e.g. on a GPU machine:
//   KERNEL_BACKENDS=gpujs:headlessgl xvfb-run -a npx mocha spec/kernels.spec.js
import { availableBackends } from '../lib/kernels/index';
import { kernelConformance } from './conformance';

function targets(): string[] {
  const fromEnv = process.env.KERNEL_BACKENDS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.split(',').map((s) => s.trim());
  const names = availableBackends();
  // gpu.js's cpu mode is a different code path (transpiled JavaScript) from the mode it picks by
  // default (webasm here, GL on a GPU machine), and cheap enough to check as well.
  return names.includes('gpujs') ? [...names, 'gpujs:cpu'] : names;
}

for (const spec of targets()) kernelConformance(spec);
