// The growth of the normalized fourth moment E[Z⁴]/E[Z²]² of the Jacobian's entries with β
// (THEORY.md §10.11): for each initializer, the Figure 2 width families at depth 10 (784 inputs) and
// β = 0.1 … 2, the measured ratio mean Z⁴/(mean Z²)² over nets and all entries beside the exact one,
// and C fitted by least squares to ln ratio = a + Cβ on both.
//
//   node bench/jacobian-growth.js [--inits he_normal,he_uniform,he_normal_truncated] [--backend wasm|reference] [--seed 1]

import { parseArgs } from 'node:util';
import { beta, createBackend, initializerById, jacobianLaw, logMeanExp, profileForBeta, sampleJacobianNets, slope, WIDTH_FAMILIES } from '../lib';

const BETAS = [0.1, 0.25, 0.5, 1, 2];
/** Nets per architecture: the cost per net falls with β (narrower layers). */
const NETS: Record<number, number> = { 0.1: 1000, 0.25: 2000, 0.5: 2000, 1: 5000, 2: 5000 };

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** Least-squares intercept and slope of y on x. */
function fit(xs: number[], ys: number[]): { a: number; C: number } {
  const C = slope(xs, ys), mx = xs.reduce((s, x) => s + x, 0) / xs.length, my = ys.reduce((s, y) => s + y, 0) / ys.length;
  return { a: my - C * mx, C };
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: { inits: { type: 'string', default: 'he_normal,he_uniform,he_normal_truncated' }, backend: { type: 'string', default: 'wasm' }, seed: { type: 'string', default: '1' } },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got '${values.seed}'`);
  if (values.backend !== 'wasm' && values.backend !== 'reference') fail(`--backend must be wasm or reference, got '${values.backend}'`);
  const inits = values.inits.split(',').map((id) => { try { return initializerById(id); } catch (err) { return fail((err as Error).message); } });
  const backend = createBackend(values.backend);
  const lines = ['| init | family | β | nets | dead | mean Z⁴/(mean Z²)² | exact | measured/exact |', '|---|---|---|---|---|---|---|---|'];
  const fits: string[] = [
    '| init | β range | C fitted to measurements | C fitted to exact values | Gaussian leading order |', '|---|---|---|---|---|'];
  for (const init of inits) {
    // β and β′ = Σ_{j<d} 1/n_j (the last layer is the output coordinate; (10.4) has ∏_{j<d}).
    const xs: number[] = [], xps: number[] = [], ysMeasured: number[] = [], ysExact: number[] = [];
    for (const b of BETAS) {
      for (const family of WIDTH_FAMILIES) {
        const p = profileForBeta(family, 10, b), widths = [784, ...p.hidden], nets = NETS[b];
        const s = sampleJacobianNets(widths, init, nets, seed, { backend, keys: [WIDTH_FAMILIES.indexOf(family), Math.round(b * 100)] });
        const measured = logMeanExp(s.logMeanFourth) - 2 * logMeanExp(s.logMeanSq);
        const exact = jacobianLaw(widths, init).log10NormalizedFourth / Math.LOG10E;
        const dead = s.logMeanSq.filter((l) => l === -Infinity).length;
        xs.push(beta(widths)); xps.push(beta(widths.slice(0, -1))); ysMeasured.push(measured); ysExact.push(exact);
        lines.push(`| ${init.id} | ${family} | ${beta(widths).toFixed(3)} | ${nets} | ${dead} | ${Math.exp(measured).toPrecision(4)} | ${Math.exp(exact).toPrecision(4)} | ${Math.exp(measured - exact).toFixed(3)} |`);
        process.stderr.write(lines[lines.length - 1] + '\n');
      }
    }
    // Beyond β ≈ 0.5 the sampled means miss the tail that carries E[Z⁴] (§10.11), so both ranges are fitted.
    for (const [label, top] of [['β ≤ 0.5', 0.5], ['all β', Infinity]] as const) {
      const keep = xs.map((x) => x <= top + 0.01);
      const pick = (ys: number[]) => ys.filter((_, i) => keep[i]);
      for (const [name, x] of [['β', xs], ['β′', xps]] as const) {
        const m = fit(pick(x), pick(ysMeasured)), e = fit(pick(x), pick(ysExact));
        fits.push(`| ${init.id} | ${label}, against ${name} | ${m.C.toFixed(2)} (ln a = ${m.a.toFixed(2)}) | ${e.C.toFixed(2)} (ln a = ${e.a.toFixed(2)}) | 5 (ln 6 = 1.79) |`);
      }
    }
  }
  process.stdout.write(lines.join('\n') + '\n\n' + fits.join('\n') + '\n');
}

if (require.main === module) main();
