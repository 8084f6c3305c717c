// Scale schedules η_1..η_L for the residual branches, x_ℓ = x_{ℓ−1} + η_ℓ·𝒩_ℓ(x_{ℓ−1}) (THEORY.md §7).
// A schedule is named by a short text, so that CLI flags, CSV rows and run records all carry the
// same string:
//
//   const:c      η_ℓ = c                 (c ≥ 0; const:1 is the plain ResNet)
//   inv          η_ℓ = 1/ℓ
//   inv2         η_ℓ = 1/ℓ²
//   geom:b       η_ℓ = b^ℓ               (b ≥ 0)
//   invL         η_ℓ = 1/L               (depends on the number of modules L)
//   invsqrtL     η_ℓ = 1/√L              (depends on L)
//   list:a,b,... η_ℓ = the ℓ-th entry    (L may not exceed the list's length)
//
// FM1 is avoided iff Σ η_ℓ² < ∞ (linear modules, §7.1) or Σ η_ℓ < ∞ (ReLU at the module end, §7.2);
// `summable` records which of the two sums stays bounded as L → ∞, for summaries and tests.

export interface Schedule {
  /** The canonical text, e.g. 'geom:0.9'; parseSchedule(text) gives the same schedule back. */
  readonly text: string;
  /** Whether η_ℓ depends on L (then nets of different L share no prefix). */
  readonly dependsOnL: boolean;
  /** The longest L the schedule defines (Infinity except for list:). */
  readonly maxModules: number;
  /** Whether Σ_ℓ η_ℓ and Σ_ℓ η_ℓ² stay bounded as L → ∞. */
  readonly summable: { readonly eta: boolean; readonly eta2: boolean };
  /** η_ℓ for ℓ = 1..L (ℓ is 1-based, as in the paper). */
  eta(l: number, L: number): number;
}

/** The scales η_1..η_L of a schedule, checked to be finite and ≥ 0. */
export function scales(s: Schedule, L: number): Float64Array {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`the number of modules L must be a positive integer, got ${L}`);
  if (L > s.maxModules) throw new RangeError(`schedule '${s.text}' defines only ${s.maxModules} scales, but L = ${L}`);
  const out = new Float64Array(L);
  for (let l = 1; l <= L; l++) out[l - 1] = s.eta(l, L);
  return out;
}

/**
 * b^ℓ for an integer ℓ ≥ 1 by repeated squaring: a fixed sequence of IEEE multiplications, so every
 * JavaScript engine gives the same bits. Math.pow does not: Node 20's V8 and Chromium 150's differ in
 * the last bit for about 1 argument pair in 10 (0.9^4 among them), and the explorer page must give
 * the η_ℓ that trace-residual.js gives.
 */
function intPow(b: number, l: number): number {
  let result = 1, base = b;
  for (let e = l; e > 0; e >>>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return result;
}

// A decimal literal only: Number() would also take '', '0x1' and 'Infinity'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function nonNegative(text: string, what: string): number {
  const t = text.trim();
  const v = NUMBER.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) throw new RangeError(`${what} expects a number, got '${text}'`);
  if (v < 0) throw new RangeError(`${what}: scales must be ≥ 0, got ${v}`);
  // −0 prints as '0' in the canonical text; keep the value +0 so the text round-trips.
  return v === 0 ? 0 : v;
}

/** The grammar in one line, for error messages and --help. */
export const SCHEDULE_SYNTAX = 'const:c, inv, inv2, geom:b, invL, invsqrtL, list:a,b,...';

/** Parse one schedule text (see the table at the top of this file); throws RangeError with a one-line message. */
export function parseSchedule(text: string): Schedule {
  const t = text.trim();
  const colon = t.indexOf(':');
  const name = colon < 0 ? t : t.slice(0, colon);
  const arg = colon < 0 ? null : t.slice(colon + 1);
  const needArg = (): string => {
    if (arg === null || arg.trim() === '') throw new RangeError(`schedule '${t}' needs a value after '${name}:'`);
    return arg;
  };
  const noArg = (): void => {
    if (arg !== null) throw new RangeError(`schedule '${name}' takes no value, got '${t}'`);
  };
  switch (name) {
    case 'const': {
      const c = nonNegative(needArg(), `schedule '${t}'`);
      return { text: `const:${c}`, dependsOnL: false, maxModules: Infinity, summable: { eta: c === 0, eta2: c === 0 }, eta: () => c };
    }
    case 'inv':
      noArg();
      return { text: 'inv', dependsOnL: false, maxModules: Infinity, summable: { eta: false, eta2: true }, eta: (l) => 1 / l };
    case 'inv2':
      noArg();
      return { text: 'inv2', dependsOnL: false, maxModules: Infinity, summable: { eta: true, eta2: true }, eta: (l) => 1 / (l * l) };
    case 'geom': {
      const b = nonNegative(needArg(), `schedule '${t}'`);
      return { text: `geom:${b}`, dependsOnL: false, maxModules: Infinity, summable: { eta: b < 1, eta2: b < 1 }, eta: (l) => intPow(b, l) };
    }
    case 'invL':
      noArg();
      // Σ η = 1 and Σ η² = 1/L for every L: bounded, although no single sequence η_ℓ is summed.
      return { text: 'invL', dependsOnL: true, maxModules: Infinity, summable: { eta: true, eta2: true }, eta: (_l, L) => 1 / L };
    case 'invsqrtL':
      // Σ η² = 1 for every L, but Σ η = √L grows.
      noArg();
      return { text: 'invsqrtL', dependsOnL: true, maxModules: Infinity, summable: { eta: false, eta2: true }, eta: (_l, L) => 1 / Math.sqrt(L) };
    case 'list': {
      const parts = needArg().split(',').map((p) => p.trim());
      if (parts.some((p) => p === '')) throw new RangeError(`schedule '${t}' has an empty entry`);
      const v = parts.map((p) => nonNegative(p, `schedule '${t}'`));
      return { text: `list:${v.join(',')}`, dependsOnL: false, maxModules: v.length, summable: { eta: true, eta2: true }, eta: (l) => v[l - 1] };
    }
    default:
      throw new RangeError(`unknown schedule '${t}' (known: ${SCHEDULE_SYNTAX})`);
  }
}

/**
 * Split a comma list of schedules. A list: schedule's own entries are commas too, so a bare number
 * after a list: entry belongs to it (no other schedule name is a bare number): 'inv,list:0.5,0.2,inv2'
 * is [inv, list:0.5,0.2, inv2].
 */
export function parseScheduleList(text: string): Schedule[] {
  const tokens = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (tokens.length === 0) throw new RangeError('needs a non-empty list of schedules');
  const texts: string[] = [];
  for (const tok of tokens) {
    const last = texts.length > 0 ? texts[texts.length - 1] : null;
    if (last !== null && last.startsWith('list:') && NUMBER.test(tok)) texts[texts.length - 1] = `${last},${tok}`;
    else if (NUMBER.test(tok)) throw new RangeError(`a bare number '${tok}' is not a schedule (known: ${SCHEDULE_SYNTAX})`);
    else texts.push(tok);
  }
  const out = texts.map(parseSchedule);
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.text)) throw new RangeError(`schedule '${s.text}' is listed twice`);
    seen.add(s.text);
  }
  return out;
}
