// Runs the one kernel conformance suite (spec/conformance.ts) against every backend that can be
// created on this machine, gpu.js in cpu mode as well (spec/backends.ts; KERNEL_BACKENDS overrides).
import { kernelTargets } from './backends';
import { kernelConformance } from './conformance';

for (const spec of kernelTargets()) kernelConformance(spec);
