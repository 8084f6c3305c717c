// The figure cell a coverage replicate reruns, built from its configuration in one place: the replicate
// task (replicates.ts) runs it and the plan (cost.ts) prices it. Type-only imports: cost.ts must not load
// the task modules (cost → replicates → task → cost would be a cycle).

import { uniformStack } from '../../nn/conv/layer';
import type { ConvCellParams } from './conv-lengths';
import type { ReplicateConfig } from './replicates';

/** Conv (a, b)'s cell for a conv configuration: channels = depth layers of one k×k stride-1 layer, unit input. */
export function convReplicateCell(c: Extract<ReplicateConfig, { kind: 'conv' }>, seed: number): ConvCellParams {
  const layer = { outChannels: c.channels, kh: c.kernel, kw: c.kernel, stride: 1, padding: c.padding };
  return { init: c.init, input: { kind: 'unit', shape: [c.inChannels, c.size, c.size] }, layers: uniformStack(c.depth, layer), nets: c.nets, seed };
}
