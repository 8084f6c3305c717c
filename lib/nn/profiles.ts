// Width profiles for the FM2 experiments (Figure 2): hidden widths n_1..n_d of a given family whose
// β = Σ_j 1/n_j is as close as possible to a target (THEORY.md §3.7–§4: E[M_d²] ≈ M_0²e^{5β} and
// Var ln(M_d/M_0) ≈ 5β, so nets of equal depth and equal β should behave alike whatever their shape).
//
// A family is a shape f_1..f_d ≥ 1 (relative widths) times a scale s: n_j = max(1, round(s·f_j)). Every
// n_j is non-decreasing in s, so β(s) is a non-increasing step function and bisection on s finds the two
// integer profiles on either side of the target. Single widths are then moved by ±1 while the family's
// neighbour order (increasing, alternating wide/narrow, …) holds and β gets closer; the result is
// returned with its achieved β. Constant profiles are never edited: β = d/n is all they can reach.

/** The shapes of Figure 2 (the paper names constant, increasing, decreasing, alternating, …). */
export const WIDTH_FAMILIES = ['constant', 'increasing', 'decreasing', 'alternating', 'bottleneck'] as const;
export type WidthFamily = (typeof WIDTH_FAMILIES)[number];

export interface WidthProfile {
  /** The family, or 'explicit' for a user-given list. */
  readonly family: WidthFamily | 'explicit';
  /** Hidden widths n_1..n_d (the input width n_0 is not part of β). */
  readonly hidden: readonly number[];
  /** β = Σ_j 1/n_j of `hidden`. */
  readonly beta: number;
  /** The β asked for; null for an explicit list. */
  readonly targetBeta: number | null;
}

export interface ProfileOptions {
  /** Widest/narrowest width of the non-constant shapes, ρ ≥ 1. Default 4. */
  readonly ratio?: number;
  /** Largest width allowed (memory and time). Default 100,000. */
  readonly maxWidth?: number;
  /** Largest accepted relative error |β − target|/target. Default 0.05. */
  readonly tolerance?: number;
}

export function isWidthFamily(name: string): name is WidthFamily {
  return (WIDTH_FAMILIES as readonly string[]).includes(name);
}

/** β of hidden widths n_1..n_d. */
export function betaOfHidden(hidden: readonly number[]): number {
  let b = 0;
  for (const n of hidden) b += 1 / n;
  return b;
}

/** Relative widths f_j ≥ 1 (min 1, max ρ) of a family at depth d. */
export function familyShape(family: WidthFamily, depth: number, ratio: number): number[] {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be a positive integer, got ${depth}`);
  if (!(ratio >= 1) || !Number.isFinite(ratio)) throw new RangeError(`width ratio ρ must be a finite number ≥ 1, got ${ratio}`);
  const out: number[] = [];
  for (let j = 1; j <= depth; j++) {
    // t runs 0 → 1 over the layers (0 for a single layer).
    const t = depth === 1 ? 0 : (j - 1) / (depth - 1);
    switch (family) {
      case 'constant': out.push(1); break;
      case 'increasing': out.push(1 + (ratio - 1) * t); break;
      case 'decreasing': out.push(ratio - (ratio - 1) * t); break;
      // Wide first, so that the first hidden layer of every shape but 'increasing' is wide.
      case 'alternating': out.push(j % 2 === 1 ? ratio : 1); break;
      // Wide at both ends, narrowest in the middle.
      case 'bottleneck': out.push(1 + (ratio - 1) * Math.abs(2 * t - 1)); break;
    }
  }
  return out;
}

function scaled(shape: readonly number[], s: number): number[] {
  return shape.map((f) => Math.max(1, Math.round(s * f)));
}

/**
 * Integer hidden widths (all ≥ 1) of `family` at `depth` whose β is closest to `target` among the
 * family's profiles n_j = max(1, round(s·f_j)). Throws a RangeError (one line, naming the closest
 * reachable β) when no profile comes within `tolerance` (relative) or one would need a width above
 * `maxWidth`.
 */
export function profileForBeta(family: WidthFamily, depth: number, target: number, opts: ProfileOptions = {}): WidthProfile {
  const ratio = opts.ratio ?? 4, maxWidth = opts.maxWidth ?? 100000, tolerance = opts.tolerance ?? 0.05;
  if (!isWidthFamily(family)) throw new RangeError(`unknown width family '${String(family)}' (known: ${WIDTH_FAMILIES.join(', ')})`);
  if (!(target > 0) || !Number.isFinite(target)) throw new RangeError(`target β must be a positive finite number, got ${target}`);
  const shape = familyShape(family, depth, ratio);
  // All widths 1 gives the largest β, d; widths ≥ 1 can never exceed it.
  if (target > depth * (1 + tolerance)) {
    throw new RangeError(`no integer ${family} profile of depth ${depth} reaches β = ${target}: widths ≥ 1 give β ≤ ${depth}`);
  }
  // Bisection on the scale: lo keeps β(lo) ≥ target, hi keeps β(hi) < target (or hi = the cap).
  const fMax = Math.max(...shape), fMin = Math.min(...shape);
  let lo = 0, hi = (maxWidth + 0.49) / fMax;
  const betaAt = (s: number) => betaOfHidden(scaled(shape, s));
  if (betaAt(hi) >= target) {
    throw new RangeError(`β = ${target} needs ${family} widths above ${maxWidth} at depth ${depth} (smallest reachable: ${betaAt(hi).toPrecision(4)})`);
  }
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (betaAt(mid) >= target) lo = mid;
    else hi = mid;
  }
  const a = scaled(shape, lo), b = scaled(shape, hi);
  const ba = betaOfHidden(a), bb = betaOfHidden(b);
  const [hidden, scaledBeta] = Math.abs(ba - target) <= Math.abs(bb - target) ? [a, ba] : [b, bb];
  const achieved = refine(family, hidden, scaledBeta, target, maxWidth);
  if (Math.abs(achieved - target) > tolerance * target) {
    throw new RangeError(`no integer ${family} profile of depth ${depth} comes within ${tolerance * 100}% of β = ${target} `
      + `(closest: ${achieved.toPrecision(4)} with widths ${compactWidths(hidden)}; smallest shape entry ${fMin})`);
  }
  return { family, hidden, beta: achieved, targetBeta: target };
}

/**
 * The order the family imposes on neighbours n_j, n_{j+1} (0-based j): −1 means n_j < n_{j+1}, +1 means
 * n_j > n_{j+1}, 'le'/'ge' the weak versions. Constant allows no change at all (null).
 */
function neighbourOrder(family: WidthFamily, depth: number, j: number): 'le' | 'ge' | -1 | 1 | null {
  switch (family) {
    case 'constant': return null;
    case 'increasing': return 'le';
    case 'decreasing': return 'ge';
    case 'alternating': return j % 2 === 0 ? 1 : -1;
    case 'bottleneck': return j < Math.floor((depth - 1) / 2) ? 'ge' : j >= Math.ceil((depth - 1) / 2) ? 'le' : 'ge';
  }
}

function orderHolds(rel: 'le' | 'ge' | -1 | 1, x: number, y: number): boolean {
  return rel === 'le' ? x <= y : rel === 'ge' ? x >= y : rel === 1 ? x > y : x < y;
}

/**
 * Greedy ±1 moves on single widths that bring β closer to the target while keeping the family's
 * neighbour order (non-decreasing, wide/narrow alternation, …), so that families whose scaled shape is
 * coarse (few distinct widths) still reach the target closely. Edits `hidden`; returns its β.
 */
function refine(family: WidthFamily, hidden: number[], beta: number, target: number, maxWidth: number): number {
  const d = hidden.length;
  const rel = (j: number) => neighbourOrder(family, d, j);
  if (family === 'constant') return beta;
  for (let j = 0; j + 1 < d; j++) if (!orderHolds(rel(j)!, hidden[j], hidden[j + 1])) return beta; // e.g. ρ ≈ 1
  for (let it = 0; it < 100 * d; it++) {
    let bestErr = Math.abs(beta - target), bestJ = -1, bestN = 0;
    for (let j = 0; j < d; j++) {
      for (const n of [hidden[j] - 1, hidden[j] + 1]) {
        if (n < 1 || n > maxWidth) continue;
        if (j > 0 && !orderHolds(rel(j - 1)!, hidden[j - 1], n)) continue;
        if (j + 1 < d && !orderHolds(rel(j)!, n, hidden[j + 1])) continue;
        const err = Math.abs(beta - 1 / hidden[j] + 1 / n - target);
        if (err < bestErr - 1e-15) { bestErr = err; bestJ = j; bestN = n; }
      }
    }
    if (bestJ < 0) break;
    beta += 1 / bestN - 1 / hidden[bestJ];
    hidden[bestJ] = bestN;
  }
  // Recomputed, not accumulated, so the reported β is exactly that of the widths.
  return betaOfHidden(hidden);
}

/** An explicit list of hidden widths, checked: integers ≥ 1, at least one layer. */
export function explicitProfile(hidden: readonly number[]): WidthProfile {
  if (hidden.length === 0) throw new RangeError('an explicit width profile needs at least one hidden width');
  for (const n of hidden) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`widths must be integers ≥ 1, got ${n} in [${hidden.join(', ')}]`);
  }
  return { family: 'explicit', hidden: hidden.slice(), beta: betaOfHidden(hidden), targetBeta: null };
}

/**
 * Parses explicit architectures: hidden widths separated by ',', architectures by ';'
 * ("20,20,20;40,10,40"). Throws a one-line RangeError naming the bad part.
 */
export function parseArchitectures(text: string): WidthProfile[] {
  const parts = text.split(';').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new RangeError('needs at least one architecture (hidden widths n_1,...,n_d; several separated by ;)');
  return parts.map((part) => {
    const items = part.split(',').map((s) => s.trim());
    for (const it of items) {
      if (!/^\d+$/.test(it) || !Number.isSafeInteger(Number(it)) || Number(it) < 1) {
        throw new RangeError(`widths must be integers ≥ 1, got '${it}' in '${part}'`);
      }
    }
    return explicitProfile(items.map(Number));
  });
}

/** Hidden widths n_1..n_d of `depth` layers of `width` units (Figure 1's nets: width = depth, so β = 1). */
export function constantHidden(width: number, depth: number): number[] {
  return new Array<number>(depth).fill(width);
}

/** Widths n_0..n_d: an input of `inputWidth`, then `depth` layers of `width` units. */
export function constantWidths(inputWidth: number, width: number, depth: number): number[] {
  return [inputWidth, ...constantHidden(width, depth)];
}

/** Run-length text of widths: [20, 20, 20, 5] → "20x3-5". Stable, so it can name a cell. */
export function compactWidths(hidden: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < hidden.length;) {
    let k = i;
    while (k < hidden.length && hidden[k] === hidden[i]) k++;
    out.push(k - i > 1 ? `${hidden[i]}x${k - i}` : String(hidden[i]));
    i = k;
  }
  return out.join('-');
}

/** The name of an architecture in tables and CSVs: family and widths, e.g. "alternating:80-20-80-20". */
export function archName(p: WidthProfile): string {
  return `${p.family}:${compactWidths(p.hidden)}`;
}
