// The width-profile flags of the scripts that build Figure 2's families (fig2, grad): which families,
// which target β at which depths, the families' width ratio, explicit architectures, and the checks
// that turn an unreachable β or a too-wide profile into a one-line usage error before any work.

import { isWidthFamily, parseArchitectures, profileForBeta, WIDTH_FAMILIES, type WidthFamily, type WidthProfile } from '../../nn/profiles';
import { floatFlag, intFlag, noRepeats, parseFloatList, UsageError, type Flag } from './cli';

export const familiesFlag: Flag<WidthFamily[]> = {
  help: `width families, comma separated (${WIDTH_FAMILIES.join(', ')}), or 'none' with --widths`,
  metavar: 'LIST',
  default: [...WIDTH_FAMILIES],
  parse: (t, n) => {
    if (t.trim() === 'none') return [];
    const names = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names.length === 0) throw new UsageError(`${n} needs a non-empty list (or 'none' with --widths)`);
    for (const f of names) if (!isWidthFamily(f)) throw new UsageError(`${n}: unknown family '${f}' (known: ${WIDTH_FAMILIES.join(', ')})`);
    if (new Set(names).size !== names.length) throw new UsageError(`${n} lists a family twice`);
    return names as WidthFamily[];
  },
};

/** Positive β values; 'none' for an empty list where that makes sense. */
export function betaListFlag(help: string, opts: { default?: number[]; allowNone: boolean }): Flag<number[]> {
  return {
    help: help + (opts.allowNone ? " ('none' for no values)" : ''),
    metavar: 'LIST',
    default: opts.default,
    parse: (t, n) => {
      if (opts.allowNone && t.trim() === 'none') return [];
      const vs = noRepeats(parseFloatList(t, n), n);
      for (const v of vs) if (!(v > 0)) throw new UsageError(`${n} expects β values > 0, got ${v}`);
      return vs;
    },
  };
}

export const widthsFlag: Flag<WidthProfile[]> = {
  help: "explicit hidden widths n_1,...,n_d; several architectures separated by ';' (e.g. '20,20,20;40,10,40'); 'none' for none",
  metavar: 'ARCHS',
  default: [],
  parse: (t, n) => {
    if (t.trim() === 'none') return [];
    try {
      return parseArchitectures(t);
    } catch (err) {
      throw new UsageError(`${n}: ${(err as Error).message}`);
    }
  },
};

/** The flags that shape the families: --families, --ratio, --widths, --max-width, --beta-tol. */
export function profileFlags() {
  return {
    families: familiesFlag,
    ratio: floatFlag('widest/narrowest width ρ of the non-constant families', { default: 4, min: 1, max: 1000 }),
    widths: widthsFlag,
    'max-width': intFlag('largest hidden width a target β may need', { default: 100000, min: 1 }),
    'beta-tol': floatFlag('largest accepted relative error of the achieved β', { default: 0.05, min: 0, max: 1 }),
  };
}

export interface ProfileArgs {
  readonly families: readonly WidthFamily[];
  readonly ratio: number;
  readonly widths: readonly WidthProfile[];
  readonly 'max-width': number;
  readonly 'beta-tol': number;
}

/** Every family at every depth and target β, in that order; an unreachable β is a UsageError naming `flags`. */
export function familyProfiles(args: ProfileArgs, depths: readonly number[], betas: readonly number[], flags: string): WidthProfile[] {
  const out: WidthProfile[] = [];
  for (const depth of depths) {
    for (const family of args.families) {
      for (const b of betas) {
        try {
          out.push(profileForBeta(family, depth, b, { ratio: args.ratio, maxWidth: args['max-width'], tolerance: args['beta-tol'] }));
        } catch (err) {
          throw new UsageError(`${(err as Error).message} (see ${flags}, --ratio, --beta-tol)`);
        }
      }
    }
  }
  return out;
}

/** The --widths architectures, each checked against --max-width. */
export function checkedExplicit(args: ProfileArgs): readonly WidthProfile[] {
  for (const p of args.widths) {
    if (p.hidden.some((n) => n > args['max-width'])) throw new UsageError(`--widths: a width exceeds --max-width ${args['max-width']}`);
  }
  return args.widths;
}
