// Step through one backward pass: VS Code's "Step through a backward pass" configuration runs this
// file and pauses inside traceBackward's loop over layers (d down to 1) at every layer; one frame up
// the call stack (backwardLoop in lib/nn/dense/backward.ts) holds δ_j, the signal sent down, the
// forward masks and the record being built. Without a debugger attached the `debugger` statement does
// nothing and the per-layer table is printed.
//
//   node examples/backward-trace.js

const st = require('start-training');

const rng = new st.Rng(1);
const net = st.denseNet([10, 10, 10, 10, 10, 10], 'he_normal');
net.initialize(rng);
const t = st.traceBackward(net, st.randomUnitInput(rng, 10), { kind: 'coordinate', q: 0 }, {
  onLayer: (record) => {
    debugger; // the point of this example: pauses here, inside the loop, when a debugger is attached
    void record;
  },
});
console.table(t.layers.map((l) => ({
  layer: l.layer, active: l.activeUnits, log10_delta_sq: l.log10DeltaSq.toFixed(3), log10_grad_W: l.log10GradW.toFixed(3),
  log10_signal_down_sq: l.log10SignalDownSq.toFixed(3), predicted: l.predictedLog10SignalDownSq.toFixed(3), z: l.zScore.toFixed(2),
})));
