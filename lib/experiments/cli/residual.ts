// fig3.js's flags for residual nets and what they expand to: the scale schedules η_ℓ (checked as text,
// parsed again where used, so a value prints and logs as written), the module convention, and the
// hidden widths of each module.

import { MODULE_CONVENTIONS, type ModuleConvention } from '../../nn/residual/net';
import { parseSchedule, parseScheduleList, SCHEDULE_SYNTAX } from '../../nn/residual/schedule';
import { enumFlag, parseIntList, UsageError, type Flag } from './cli';
import { flagValue } from './flags';

const DEFAULT_SCHEDULES = 'const:1,inv,inv2,geom:0.9,invL,invsqrtL';

/** Canonical schedule texts (checked here, parsed again where used, so the flag's value prints and logs as text). */
export const schedulesFlag: Flag<string[]> = {
  help: `scale schedules η_ℓ, comma separated: ${SCHEDULE_SYNTAX}`,
  metavar: 'LIST',
  default: parseScheduleList(DEFAULT_SCHEDULES).map((s) => s.text),
  parse: (t, n) => flagValue(n, () => parseScheduleList(t).map((s) => s.text)),
};

/** Hidden widths of a module: a comma list, or 'none' (no hidden layer: a single n → n layer). */
export function parseModuleHidden(t: string, name: string): number[] {
  return t === 'none' ? [] : parseIntList(t, name);
}

/** Module hidden widths: 'n' (one hidden layer as wide as the stream), 'none' (a single n → n layer), or a list. */
export const moduleWidthsFlag: Flag<number[] | 'n'> = {
  help: "hidden widths m_1..m_{k−1} of each module: a list, 'n' (one hidden layer of the stream's width) or 'none' (one n → n layer)",
  metavar: 'LIST|n|none',
  default: 'n',
  parse: (t, n) => (t === 'n' ? 'n' : parseModuleHidden(t, n)),
};

export type ConventionChoice = ModuleConvention | 'both';

export const conventionFlag: Flag<ConventionChoice> = enumFlag(['linear', 'relu', 'both'] as const,
  'module convention: linear output, ReLU at the module end, or both', { default: 'both' });

/** The conventions a --convention value runs. */
export function conventionsOf(choice: ConventionChoice): ModuleConvention[] {
  return choice === 'both' ? [...MODULE_CONVENTIONS] : [choice];
}

/** The hidden widths of each module for a --module-widths value and the stream width n. */
export function moduleHidden(choice: number[] | 'n', width: number): number[] {
  return choice === 'n' ? [width] : choice;
}

/** Every schedule defines a scale for each module count of `flag` (a list:a,b,... schedule defines only so many). */
export function checkScheduleLengths(schedules: readonly string[], flag: string, modules: readonly number[]): void {
  const Lmax = Math.max(...modules);
  for (const s of schedules.map(parseSchedule)) {
    if (Lmax > s.maxModules) throw new UsageError(`--schedules: '${s.text}' defines ${s.maxModules} scales, but ${flag} asks for L = ${Lmax}`);
  }
}
