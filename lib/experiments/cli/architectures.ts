// The architectures of the scripts that run Figure 2's width families (fig2, grad), built from the
// width-profile flags (cli/profiles.ts) and checked before any work: every family at each depth and
// target β a flag asks for, then the --widths. An unreachable β, a too-wide profile or an empty set is
// a one-line usage error. Two targets can land on the same widths: each architecture runs once.

import { archName, type WidthProfile } from '../../nn/profiles';
import { parseFloatList, UsageError, type Flag } from './cli';
import { checkedExplicit, familyProfiles, type ProfileArgs } from './profiles';

/** One architecture of a run: its hidden widths and its name in keys, tables and CSVs (archName). */
export interface Architecture {
  readonly profile: WidthProfile;
  readonly name: string;
}

/** Each architecture once, in the order first asked for; none at all is a UsageError saying `none`. */
function distinct(profiles: readonly WidthProfile[], none: string): Architecture[] {
  if (profiles.length === 0) throw new UsageError(none);
  const byName = new Map<string, Architecture>();
  for (const p of profiles) if (!byName.has(archName(p))) byName.set(archName(p), { profile: p, name: archName(p) });
  return [...byName.values()];
}

/** Figure 2(a)'s architecture, with how its cells draw R = M_d/M_0. */
export interface Fig2aArchitecture extends Architecture {
  /** Real nets, one cell per --inits (every --betas target and every --widths list). */
  readonly realNets: boolean;
  /** The exact Gaussian sampler, one cell (all of them, when --sampler-nets > 0). */
  readonly exactSampler: boolean;
}

export type Fig2aProfileArgs = ProfileArgs & {
  readonly betas: readonly number[];
  readonly 'sampler-betas': readonly number[];
  readonly depths: readonly number[];
  readonly 'sampler-depths': readonly number[];
  readonly 'sampler-nets': number;
};

/**
 * Figure 2(a): real nets (and the sampler) at every --betas and --depths and for the --widths; the
 * sampler only at every --sampler-betas, and at every target β at --sampler-depths.
 */
export function fig2aArchitectures(args: Fig2aProfileArgs): Fig2aArchitecture[] {
  if (args.families.length > 0 && args.betas.length + args['sampler-betas'].length === 0) {
    throw new UsageError('--families needs target β values (--betas or --sampler-betas)');
  }
  const sampler = args['sampler-nets'] > 0;
  const real = familyProfiles(args, args.depths, args.betas, '--betas, --depths');
  const samplerOnly = !sampler ? [] : [
    ...familyProfiles(args, args.depths, args['sampler-betas'], '--sampler-betas, --depths'),
    ...familyProfiles(args, args['sampler-depths'], [...args.betas, ...args['sampler-betas']], '--betas, --sampler-betas, --sampler-depths'),
  ];
  const explicit = checkedExplicit(args);
  const withNets = new Set([...real, ...explicit].map(archName));
  return distinct([...real, ...samplerOnly, ...explicit], 'no architectures: give --families with --betas, or --widths')
    .map((a) => ({ ...a, realNets: withNets.has(a.name), exactSampler: sampler }));
}

/** Figure 2(b)'s trained architectures: every family at each --train-depths and --train-betas, and --widths. */
export function fig2bProfiles(args: ProfileArgs & { readonly 'train-betas': readonly number[]; readonly 'train-depths': readonly number[] }): WidthProfile[] {
  if (args.families.length > 0 && args['train-betas'].length === 0) throw new UsageError('--families needs target β values for part (b) (--train-betas)');
  const all = [...familyProfiles(args, args['train-depths'], args['train-betas'], '--train-betas, --train-depths'), ...checkedExplicit(args)];
  return distinct(all, 'no architectures to train: give --families with --train-betas, or --widths').map((a) => a.profile);
}

/** Part (a)'s nets for the architectures nearest β (β null: for every architecture). Shown, recorded and compared as the flag is written. */
export class NetsAtBeta {
  constructor(readonly beta: number | null, readonly nets: number) {}
  toString(): string {
    return netsText(this);
  }
}

/** One entry as --nets spells it; a plain object read back from a run record works as well as a NetsAtBeta. */
function netsText(x: { readonly beta: number | null; readonly nets: number }): string {
  return x.beta === null ? String(x.nets) : `${x.beta}:${x.nets}`;
}

/** One count, or β:count pairs, as grad.js's --nets takes them; `name` words the errors. */
export function parseNets(text: string, name = '--nets'): NetsAtBeta[] {
  const parts = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (parts.length === 0) throw new UsageError(`${name} needs a count or β:count pairs`);
  const count = (v: string) => {
    if (!/^\d+$/.test(v) || !(Number(v) >= 2) || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} expects counts that are integers ≥ 2, got '${v}'`);
    return Number(v);
  };
  if (parts.length === 1 && !parts[0].includes(':')) return [new NetsAtBeta(null, count(parts[0]))];
  return parts.map((p) => {
    const m = /^([^:]+):([^:]+)$/.exec(p);
    if (m === null) throw new UsageError(`${name} expects one count or β:count pairs, got '${p}'`);
    const b = parseFloatList(m[1], name)[0];
    if (!(b > 0)) throw new UsageError(`${name} expects β values > 0, got ${b}`);
    return new NetsAtBeta(b, count(m[2]));
  });
}

export const netsAtBetaFlag: Flag<NetsAtBeta[]> = {
  help: "part (a): nets per architecture × init: one count, or β:count pairs (e.g. '0.1:100,2:2000'); each architecture takes the count of the nearest listed β",
  metavar: 'N|LIST',
  parse: parseNets,
  // Run records hold these as plain JSON objects, without NetsAtBeta's toString.
  format: (v) => v.map(netsText).join(','),
};

/** The count for an architecture of this β: the pair with the nearest β (in log), the first on ties. */
export function netsFor(list: readonly NetsAtBeta[], b: number): number {
  const dist = (x: NetsAtBeta) => (x.beta === null ? 0 : Math.abs(Math.log(b / x.beta)));
  let best = list[0];
  for (const x of list) if (dist(x) < dist(best)) best = x;
  return best.nets;
}

/** grad.js's architecture, with the nets its part (a) draws. */
export interface GradArchitecture extends Architecture {
  /** Part (a) nets for this architecture (from --nets). */
  readonly nets: number;
}

/** grad.js's architectures (both parts): every family at each --betas and --depths, and --widths. */
export function gradArchitectures(args: ProfileArgs & { readonly betas: readonly number[]; readonly depths: readonly number[]; readonly nets: readonly NetsAtBeta[] }): GradArchitecture[] {
  if (args.families.length > 0 && args.betas.length === 0) throw new UsageError('--families needs target β values (--betas)');
  const all = [...familyProfiles(args, args.depths, args.betas, '--betas, --depths'), ...checkedExplicit(args)];
  return distinct(all, 'no architectures: give --families with --betas, or --widths')
    .map((a) => ({ ...a, nets: netsFor(args.nets, a.profile.targetBeta ?? a.profile.beta) }));
}
