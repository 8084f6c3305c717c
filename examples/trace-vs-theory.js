// Trace my architecture and compare it with the theory: one forward pass of a random ReLU net,
// layer by layer, beside the one-step prediction E[M_j | a_{j−1}] = c_j·M_{j−1} (THEORY.md §3.1),
// then the law of log10(M_d/M_0) over many nets against its exact mean and log-normal quantiles.
//
//   node examples/trace-vs-theory.js [widths, e.g. 100,50,50,50] [init id]

const st = require('start-training');

const widths = (process.argv[2] ?? '100,50,50,50,50').split(',').map(Number);
const init = process.argv[3] ?? 'he_normal';

const net = st.denseNet(widths, init);
const rng = new st.Rng(1);
net.initialize(rng);
const t = st.traceForward(net, st.randomUnitInput(rng, widths[0]));
console.log('layer  width  log10 M_j  predicted  z-score  active');
for (const l of t.layers) {
  console.log(`${String(l.layer).padStart(5)} ${String(l.width).padStart(6)} ${l.log10M.toFixed(4).padStart(10)} ${l.predictedLog10M.toFixed(4).padStart(10)} ${l.zScore.toFixed(2).padStart(8)} ${l.activeFraction.toFixed(2).padStart(7)}`);
}

// Many nets: FM1 (the mean, ∏c_j) and FM2 (the spread, set by β = Σ 1/n_j).
const nets = 500, logs = [];
for (let k = 0; k < nets; k++) {
  const r = new st.Rng(2, [k]);
  net.initialize(r);
  logs.push(st.traceForward(net, st.randomUnitInput(r, widths[0]), false).logRatio);
}
const s = st.logLengthSummary(logs);
const law = st.logRatioLaw(widths, st.initializerById(init));
console.log(`\n${nets} nets, β = ${st.beta(widths).toFixed(3)}:`);
console.log(`log10 E[M_d/M_0]: measured ${s.log10_mean_ratio.toFixed(3)} (95% ${s.log10_mean_ratio_lo.toFixed(3)}..${s.log10_mean_ratio_hi.toFixed(3)}), theory ${st.log10MeanRatio(widths, st.initializerById(init)).toFixed(3)}`);
const sorted = Float64Array.from(logs).sort();
console.log(`median log10(M_d/M_0): measured ${(st.quantile(sorted, 0.5) * Math.LOG10E).toFixed(3)}, theory ${st.log10RatioQuantile(law, 0.5).toFixed(3)}`);
