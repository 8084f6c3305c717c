// Step through one backward pass: VS Code's "Step through a backward pass" configuration runs this
// file and pauses inside traceBackward's loop over layers (d down to 1) at every layer; one frame up
// the call stack (backwardLoop) holds δ_j (rho, D), r_{j−1} (y), the forward masks (act.h) and the
// record being built. Without a debugger attached the `debugger` statement does nothing and the
// per-layer table is printed.
//
//   node examples/backward-trace.js

import { DenseReluNet } from '../lib/nn/dense';
import { traceBackward } from '../lib/nn/dense/backward';
import { heNormal } from '../lib/nn/init';
import { randomUnitInput } from '../lib/nn/trace';
import { Rng } from '../lib/tensor/rng';

const rng = new Rng(1);
const net = new DenseReluNet([10, 10, 10, 10, 10, 10], heNormal);
net.initialize(rng);
const t = traceBackward(net, randomUnitInput(rng, 10), { kind: 'coordinate', q: 0 }, {
  onLayer: (record) => {
    debugger; // the point of this example: pauses here, inside the loop, when a debugger is attached
    void record;
  },
});
console.table(t.layers.map((l) => ({
  layer: l.layer, active: l.activeUnits, log10_delta_sq: l.log10DeltaSq.toFixed(3), log10_grad_W: l.log10GradW.toFixed(3),
  log10_signal_down_sq: l.log10SignalDownSq.toFixed(3), predicted: l.predictedLog10SignalDownSq.toFixed(3), z: l.zScore.toFixed(2),
})));
