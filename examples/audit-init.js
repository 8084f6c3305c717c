// Audit an initializer: its FM1 rate (the gain c = fan_in·Var/2 per layer: the mean length grows
// like c^d) and its FM2 spread (E[(M_d/M_0)²] and the quantiles of log10(M_d/M_0), set by β),
// measured with the exact length sampler (THEORY.md §4.2) at a cost of O(Σ n_j) per net.
//
//   node examples/audit-init.js [init id] [width] [depth]

const st = require('start-training');

const id = process.argv[2] ?? 'he_normal';
const width = Number(process.argv[3] ?? 50), depth = Number(process.argv[4] ?? 20);
const init = st.initializerById(id);
const c = st.gain(init, width, width);
console.log(`${id}: ${init.description}`);
console.log(`variance ${init.variance(width, width).toExponential(4)} (nominal ${init.nominalVariance(width, width).toExponential(4)}), μ̃₄ = ${init.mu4(width, width).toFixed(4)}`);
console.log(`FM1: c = ${c.toFixed(4)}, log10 c = ${Math.log10(c).toFixed(4)} per layer → log10 E[M_d/M_0] = ${(depth * Math.log10(c)).toFixed(3)} at depth ${depth}`);

const widths = new Array(depth + 1).fill(width);
const law = st.logRatioLaw(widths, init);
const spread = st.secondMomentSpread(widths, init);
console.log(`FM2: β = ${st.beta(widths).toFixed(3)}; log10 E[(M_d/M_0)²] = ${st.log10SecondMoments(widths, init)[depth - 1].toFixed(3)}; `
  + `5–95% of log10(M_d/M_0): ${st.log10RatioQuantile(law, 0.05).toFixed(3)}..${st.log10RatioQuantile(law, 0.95).toFixed(3)}; nets needed for the second moment: ${st.netsForSecondMoment(st.beta(widths), { spread }).needed}`);

if (init.law === 'normal') {
  // The exact Gaussian law of the per-layer lengths: cheap enough for many nets.
  const variances = widths.slice(1).map((n, j) => init.variance(widths[j], n));
  const rng = new st.Rng(7);
  const last = [];
  for (let k = 0; k < 20000; k++) last.push(st.sampleGaussianLogLengths(rng, widths, variances)[depth - 1] * Math.LOG10E);
  last.sort((a, b) => a - b);
  console.log(`exact sampler, 20000 nets: 5–95% of log10(M_d/M_0): ${st.quantile(last, 0.05).toFixed(3)}..${st.quantile(last, 0.95).toFixed(3)}`);
}
