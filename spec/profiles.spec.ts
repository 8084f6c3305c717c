// Width profiles with a target β (lib/nn/profiles.ts): achieved β, integer widths ≥ 1, each family's
// shape, and one-line errors for targets no integer profile reaches.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  archName, betaOfHidden, compactWidths, explicitProfile, familyShape, parseArchitectures, profileForBeta, WIDTH_FAMILIES,
  type WidthFamily,
} from '../lib/nn/profiles';
import { errorOf } from './errors';

/** The family's defining order on neighbours, as the issue describes each shape. */
function hasShape(family: WidthFamily, n: readonly number[]): boolean {
  const d = n.length;
  const pairs = n.slice(1).map((b, j) => [n[j], b] as const);
  switch (family) {
    case 'constant': return n.every((x) => x === n[0]);
    case 'increasing': return pairs.every(([a, b]) => a <= b);
    case 'decreasing': return pairs.every(([a, b]) => a >= b);
    case 'alternating': return pairs.every(([a, b], j) => (j % 2 === 0 ? a > b : a < b));
    case 'bottleneck': {
      const mid = Math.min(...n);
      const lo = n.indexOf(mid), hi = n.lastIndexOf(mid);
      return n.slice(0, lo + 1).every((x, j) => j === 0 || n[j - 1] >= x) && n.slice(hi).every((x, j) => j === 0 || n[hi + j - 1] <= x) && d >= 1;
    }
  }
}

describe('width profiles with a target β', () => {
  it('every family: integer widths ≥ 1, the family\'s shape, β reported exactly and within tolerance (random targets)', () => {
    fc.assert(fc.property(fc.constantFrom(...WIDTH_FAMILIES), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.02, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 8, noNaN: true }), (family, depth, frac, ratio) => {
        const target = frac * depth * 0.9;
        let p;
        try {
          p = profileForBeta(family, depth, target, { ratio });
        } catch (err) {
          // Only a rigid family (constant: β = d/n) may miss; the message names the closest β.
          expect((err as Error).message).to.match(/no integer .* profile of depth .*closest/);
          expect((err as Error).message).not.to.include('\n');
          return;
        }
        expect(p.hidden).to.have.length(depth);
        for (const n of p.hidden) expect(Number.isInteger(n) && n >= 1, String(n)).to.equal(true);
        expect(p.beta).to.equal(betaOfHidden(p.hidden));
        expect(Math.abs(p.beta - target) / target).to.be.at.most(0.05);
        if (ratio >= 2 && depth >= 2) expect(hasShape(family, p.hidden), `${archName(p)} ρ=${ratio}`).to.equal(true);
      }), { seed: 17, numRuns: 400 });
  });

  it('non-constant families reach targets closely (greedy ±1 refinement), constant ones exactly d/n', () => {
    for (const family of WIDTH_FAMILIES.filter((f) => f !== 'constant')) {
      for (const target of [0.1, 0.25, 0.5, 1, 2]) {
        const p = profileForBeta(family, 10, target);
        expect(Math.abs(p.beta - target) / target, `${family} β=${target}: ${archName(p)}`).to.be.below(0.005);
      }
    }
    expect(profileForBeta('constant', 10, 0.5).hidden).to.deep.equal(new Array(10).fill(20));
    expect(profileForBeta('constant', 10, 0.31).hidden).to.deep.equal(new Array(10).fill(32)); // 0.3125, closest d/n
  });

  it('shapes: increasing runs from 1 to ρ, alternating starts wide, bottleneck is narrowest in the middle', () => {
    expect(familyShape('increasing', 4, 4)).to.deep.equal([1, 2, 3, 4]);
    expect(familyShape('decreasing', 4, 4)).to.deep.equal([4, 3, 2, 1]);
    expect(familyShape('alternating', 3, 5)).to.deep.equal([5, 1, 5]);
    expect(familyShape('bottleneck', 5, 3)).to.deep.equal([3, 2, 1, 2, 3]);
    expect(familyShape('bottleneck', 1, 3)).to.deep.equal([3]);
    expect(() => familyShape('constant', 0, 1)).to.throw(RangeError);
    expect(() => familyShape('constant', 3, 0.5)).to.throw(/ρ/);
  });

  it('refuses unreachable targets with one line naming the limit', () => {
    expect(errorOf(() => profileForBeta('increasing', 10, 20)).message).to.match(/β ≤ 10/);
    expect(errorOf(() => profileForBeta('constant', 10, 4)).message).to.match(/closest: 3\.333/);
    expect(errorOf(() => profileForBeta('constant', 10, 1e-6, { maxWidth: 1000 })).message).to.match(/widths above 1000/);
    for (const bad of [0, -1, NaN, Infinity]) expect(() => profileForBeta('constant', 10, bad)).to.throw(/positive finite/);
    for (const t of [20, 4]) expect(errorOf(() => profileForBeta('constant', 10, t)).message).not.to.include('\n');
  });

  it('explicit architectures: parsed, checked, named', () => {
    const [a, b] = parseArchitectures('20,20,20; 40,10,40');
    expect(a.hidden).to.deep.equal([20, 20, 20]);
    expect(b.beta).to.be.closeTo(0.15, 1e-15);
    expect(a.family).to.equal('explicit');
    expect(a.targetBeta).to.equal(null);
    expect(archName(b)).to.equal('explicit:40-10-40');
    for (const bad of ['10,0,5', '10,x', '1.5', '10,,5', '-3']) expect(() => parseArchitectures(bad), bad).to.throw(/integers ≥ 1/);
    for (const bad of ['', ';', ' ; ']) expect(() => parseArchitectures(bad), bad).to.throw(/at least one architecture/);
    expect(() => explicitProfile([])).to.throw(/at least one/);
    expect(compactWidths([20, 20, 20, 5, 7, 7])).to.equal('20x3-5-7x2');
  });
});
