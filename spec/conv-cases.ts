// Shared by the conv specs: random conv-layer cases (fast-check) with every padding, stride, odd and
// even sizes, 1×1 and non-square kernels, with or without bias; 'valid' only where the kernel fits.
import fc from 'fast-check';
import type { Padding } from '../lib/kernels/conv';

export interface ConvCaseLimits {
  readonly batch: number;
  readonly channels: number;
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
}

export function convCaseArb(max: ConvCaseLimits) {
  return fc.record({
    batch: fc.integer({ min: 1, max: max.batch }),
    cin: fc.integer({ min: 1, max: max.channels }),
    cout: fc.integer({ min: 1, max: max.channels }),
    h: fc.integer({ min: 1, max: max.size }),
    w: fc.integer({ min: 1, max: max.size }),
    kh: fc.integer({ min: 1, max: max.kernel }),
    kw: fc.integer({ min: 1, max: max.kernel }),
    stride: fc.integer({ min: 1, max: max.stride }),
    padding: fc.constantFrom<Padding>('valid', 'same', 'circular'),
    bias: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
  }).filter((c) => c.padding !== 'valid' || (c.kh <= c.h && c.kw <= c.w));
}

export type ConvCase = ReturnType<typeof convCaseArb> extends fc.Arbitrary<infer T> ? T : never;
