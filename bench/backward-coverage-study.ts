// The coverage of the interval published for mean_sq_jacobian (THEORY.md §10.9), measured by
// replicate experiments: each replicate draws `nets` fresh nets, forms the 95% t interval over nets
// from their per-net means of Z_pq², and checks whether it holds the exact E[Z²] = ∏c_j/n_0. The
// log-normal (Cox) interval the length experiments use is measured beside it for comparison.
// spec/backward-coverage.spec.ts runs a reduced case; bench/backward-coverage.ts prints the table.

import { beta, initializerById, jacobianLaw, logBootstrapTInterval, logNormalMeanInterval, logTInterval, profileForBeta, Rng, sampleJacobianNets, type Backend, type WidthFamily } from '../lib';

export interface CoverageCase {
  readonly name: string;
  readonly widths: readonly number[];
  readonly init: string;
  readonly nets: number;
  readonly replicates: number;
}

export interface CoverageRow {
  readonly name: string;
  readonly init: string;
  readonly beta: number;
  readonly nets: number;
  readonly replicates: number;
  /** Share of replicates whose t interval held E[Z²], and the shares missing below and above it. */
  readonly coverageT: number;
  readonly truthBelowT: number;
  readonly truthAboveT: number;
  /** The same for the bootstrap-t interval (999 resamples). */
  readonly coverageBootT: number;
  readonly truthBelowBootT: number;
  readonly truthAboveBootT: number;
  /** Coverage of Cox's log-normal interval (zeros through the live fraction). */
  readonly coverageCox: number;
  /** Mean of (hi − lo)/2 over the truth, and the theory's 1.96·sd(T)/E[T]/√nets it should be near. */
  readonly relHalfWidth: number;
  readonly relHalfWidthTheory: number;
  /** E[T²]/E[T]² from theory (§10.5): how heavy the per-net values are. */
  readonly r: number;
  /** Share of all nets drawn that were dead (Jacobian 0). */
  readonly deadFraction: number;
}

/** A stable numeric key for a case name (FNV-1a), so each case draws its own streams. */
function nameKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function measureCoverage(c: CoverageCase, seed: number, backend?: Backend): CoverageRow {
  const init = initializerById(c.init), law = jacobianLaw(c.widths, init);
  const lnTruth = law.log10MeanSq / Math.LOG10E;
  let inT = 0, below = 0, above = 0, inB = 0, belowB = 0, aboveB = 0, inCox = 0, half = 0, dead = 0;
  for (let r = 0; r < c.replicates; r++) {
    const s = sampleJacobianNets(c.widths, init, c.nets, seed, { backend, keys: [nameKey(c.name), nameKey(c.init), r] });
    const t = logTInterval(s.logMeanSq);
    if (lnTruth < t.logLo) below++;
    else if (lnTruth > t.logHi) above++;
    else inT++;
    half += (Math.exp(t.logHi) - Math.exp(t.logLo)) / 2 / Math.exp(lnTruth);
    const b = logBootstrapTInterval(s.logMeanSq, new Rng(seed, [nameKey(c.name), nameKey(c.init), r, 1]));
    if (lnTruth < b.logLo) belowB++;
    else if (lnTruth > b.logHi) aboveB++;
    else inB++;
    const [lo, hi] = logNormalMeanInterval(s.logMeanSq);
    if (lnTruth >= lo && lnTruth <= hi) inCox++;
    for (const l of s.logMeanSq) if (l === -Infinity) dead++;
  }
  const R = c.replicates;
  return {
    name: c.name, init: c.init, beta: beta(c.widths), nets: c.nets, replicates: R,
    coverageT: inT / R, truthBelowT: below / R, truthAboveT: above / R,
    coverageBootT: inB / R, truthBelowBootT: belowB / R, truthAboveBootT: aboveB / R, coverageCox: inCox / R,
    relHalfWidth: half / R, relHalfWidthTheory: (1.959963984540054 * law.relSdMeanSq) / Math.sqrt(c.nets),
    r: law.relSdMeanSq ** 2 + 1, deadFraction: dead / (R * c.nets),
  };
}

/** Figure 2's family at depth 10 and target β, from the 784 inputs of vectorized MNIST. */
function fig2(family: WidthFamily, b: number, init: string, nets: number, replicates: number): CoverageCase {
  const p = profileForBeta(family, 10, b);
  return { name: `${family} β=${b} [784, ${p.hidden.join(', ')}]`, widths: [784, ...p.hidden], init, nets, replicates };
}

/** The study of THEORY.md §10.9: users' sizes, smallest widths included. */
export function studyCases(): CoverageCase[] {
  const out: CoverageCase[] = [];
  const small = (n: number, d: number, nets: number, R: number): CoverageCase =>
    ({ name: `width ${n} depth ${d} (n_0 = ${n})`, widths: new Array(d + 1).fill(n), init: 'he_normal', nets, replicates: R });
  for (const nets of [20, 100, 1000]) out.push(small(10, 10, nets, 400));
  out.push(small(5, 10, 100, 400), small(5, 10, 1000, 400));
  for (const b of [0.1, 0.25, 0.5, 1, 2]) out.push(fig2('constant', b, 'he_normal', 100, b === 0.1 ? 200 : 400));
  for (const b of [0.5, 1, 2]) out.push(fig2('constant', b, 'he_normal', 1000, 200));
  for (const f of ['increasing', 'decreasing', 'alternating', 'bottleneck'] as const) {
    out.push(fig2(f, 2, 'he_normal', 100, 400), fig2(f, 2, 'he_normal', 1000, 200));
  }
  for (const init of ['he_uniform', 'he_normal_truncated']) {
    for (const b of [0.5, 2]) out.push(fig2('constant', b, init, 100, 400), fig2('constant', b, init, 1000, 200));
  }
  return out;
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The coverage table as Markdown (THEORY.md §10.9 prints it). */
export function coverageTable(rows: readonly CoverageRow[]): string {
  const lines = [
    '| case | init | β | r = E[T²]/E[T]² | nets | replicates | bootstrap-t coverage % (±2se) | below / above % | t coverage % | below / above % | Cox % |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const se = 2 * Math.sqrt((r.coverageBootT * (1 - r.coverageBootT) || 0.95 * 0.05) / r.replicates);
    lines.push(`| ${r.name} | ${r.init} | ${r.beta.toFixed(3)} | ${r.r.toPrecision(3)} | ${r.nets} | ${r.replicates} | ${pct(r.coverageBootT)} ± ${pct(se)} | ` +
      `${pct(r.truthBelowBootT)} / ${pct(r.truthAboveBootT)} | ${pct(r.coverageT)} | ${pct(r.truthBelowT)} / ${pct(r.truthAboveT)} | ${pct(r.coverageCox)} |`);
  }
  return lines.join('\n');
}
