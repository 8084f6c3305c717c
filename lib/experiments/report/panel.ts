// The "does it start training?" panel shared by Figures 1(b), 2(b), 3(b) and conv (c): for each
// architecture, several runs of plain SGD under the paper's protocol, each until it reaches the
// target test accuracy or the epoch limit. Writes <name>_runs.csv (one row per run), <name>.csv
// (one row per architecture), <name>.json, the plot, and a summary table.

import * as path from 'node:path';
import type { TrainConfig } from '../../nn/train/loop';
import { mean, variance } from '../../nn/stats';
import { Rng } from '../../tensor/rng';
import type { CommonValues } from '../cli/cli';
import type { Session } from '../cli/script';
import { checkDataset, resolveDtype, type DtypeChoice } from '../cli/flags';
import { writeCsv } from '../out/files';
import { stringKey } from '../cells/shared';
import { lineChartSpec, writePlot, type Axis } from '../out/plot';
import { printWritten, writeRunRecord } from '../out/record';
import type { Cell } from '../run/runner';
import { printTable } from '../out/table';
import { trainingTask, type TrainCellParams, type TrainCellResult } from '../cells/training';

export type GroupValue = string | number;

export interface PanelArch {
  /** Unique and stable, e.g. "init=he_normal/depth=20". */
  readonly key: string;
  /** The architecture's leading CSV columns, e.g. {init, depth, width}. */
  readonly group: Readonly<Record<string, GroupValue>>;
  /** Hidden widths n_1..n_d (input 784 and output 10 are added). */
  readonly hidden: readonly number[];
  readonly init: string;
  /** Extra training config for non-dense models (residual, conv). */
  readonly extra?: Partial<TrainConfig>;
}

export interface PanelArgs extends CommonValues {
  readonly runs: number;
  readonly 'max-epochs': number;
  readonly target: number;
  readonly batch: number;
  readonly lr: number;
  readonly 'eval-every': number;
  readonly dtype: DtypeChoice;
  readonly dataset: 'mnist' | 'fashion-mnist';
  readonly backend: string;
}

export interface PanelOptions {
  readonly name: string;
  readonly figure: string;
  readonly args: PanelArgs;
  readonly session: Session;
  readonly archs: readonly PanelArch[];
  readonly groupColumns: readonly string[];
  /** More group fields, written after the run/summary columns (so a figure's fixed leading columns stay first). */
  readonly trailingColumns?: readonly string[];
  readonly x: Axis;
  readonly color: string;
  /** Small multiples, one panel per value of this group column (fig3: the module convention). */
  readonly facet?: { readonly field: string; readonly title?: string; readonly columns?: number };
  /** Says how the preset differs from the paper's protocol, printed with the results. */
  readonly paperNote: string;
}

const RUN_COLUMNS = ['run', 'seed', 'status', 'epochs_to_target', 'final_test_acc', 'seconds', 'epochs_run'] as const;
const SUMMARY_COLUMNS = ['runs', 'reached', 'mean_epochs_to_target', 'sd_epochs_to_target', 'not_reached', 'diverged', 'stuck', 'mean_final_test_acc'] as const;

/** The seed of one run: from the master seed and the run's identity only (not its position in a list). */
export function runSeed(master: number, archKey: string, run: number): number {
  return new Rng(master, [stringKey(archKey), run]).seed();
}

/** Pixels between the points of neighbouring series at one x. */
const PANEL_DODGE = 5;

export async function runTrainingPanel(o: PanelOptions): Promise<void> {
  const a = o.args;
  checkDataset(a.dataset);
  const dtype = resolveDtype(a.dtype, a.backend, 'training');
  const started = Date.now();
  const cells: Cell<TrainCellParams, { arch: PanelArch; run: number }>[] = [];
  const dataWidth = 784, classes = 10;
  for (const arch of o.archs) {
    for (let run = 1; run <= a.runs; run++) {
      const config: TrainConfig = {
        widths: [dataWidth, ...arch.hidden, classes], init: arch.init, seed: runSeed(a.seed, arch.key, run),
        dataset: a.dataset, dtype, batchSize: a.batch, lr: a.lr, maxEpochs: a['max-epochs'], target: a.target,
        evalEverySteps: a['eval-every'] === 0 ? null : a['eval-every'], stopAtTarget: true, ...arch.extra,
      };
      cells.push({ key: `${arch.key}/run=${run}`, params: { config, backend: a.backend }, meta: { arch, run } });
    }
  }
  const exp = { name: o.name, task: trainingTask, cells };
  const outcome = await o.session.run(exp);
  if (!outcome.complete) return;
  const runRows: Record<string, GroupValue | number | null>[] = [];
  const summary: Record<string, GroupValue | number | null>[] = [];
  for (const arch of o.archs) {
    // The results are in cell order: this architecture's runs 1..runs.
    const mine: TrainCellResult[] = [];
    for (const c of outcome.results.filter((r) => r.meta.arch === arch)) {
      mine.push(c.result);
      runRows.push({ ...arch.group, run: c.meta.run, seed: c.params.config.seed, ...pick(c.result) });
    }
    const reached = mine.filter((r) => r.status === 'reached').map((r) => r.epochs_to_target as number);
    const m = reached.length > 0 ? mean(reached) : null;
    const sd = reached.length > 1 ? Math.sqrt(variance(reached)) : null;
    summary.push({
      ...arch.group, runs: mine.length, reached: reached.length, mean_epochs_to_target: m, sd_epochs_to_target: sd,
      not_reached: mine.filter((r) => r.status === 'not_reached').length,
      diverged: mine.filter((r) => r.status === 'diverged').length,
      stuck: mine.filter((r) => r.status === 'stuck').length,
      mean_final_test_acc: mean(mine.map((r) => r.final_test_acc)),
    });
  }
  const trailing = o.trailingColumns ?? [];
  writeCsv(path.join(a.out, `${o.name}_runs.csv`), [...o.groupColumns, ...RUN_COLUMNS, ...trailing], runRows);
  writeCsv(path.join(a.out, `${o.name}.csv`), [...o.groupColumns, ...SUMMARY_COLUMNS, ...trailing], summary);

  // Architectures where no run got there are drawn above the epoch limit, in their own colour, with a
  // mark that says how their runs failed, stacked where several share an x; every point carries reached/runs.
  const never = a['max-epochs'] + 1, step = Math.max(0.25, 0.06 * never);
  const stacked = new Map<string, number>();
  const failedY = (r: Record<string, GroupValue | number | null>) => {
    // Points whose x agree to 2 digits (β of equal-target families differ by < 5%) share a stack.
    const at = `${o.facet ? String(r[o.facet.field]) : ''}|${Number(r[o.x.field]).toPrecision(2)}`;
    const i = stacked.get(at) ?? 0;
    stacked.set(at, i + 1);
    return never + i * step;
  };
  const ys = summary.map((r) => (r.mean_epochs_to_target as number | null) ?? failedY(r));
  const top = Math.max(never, ...ys) + step;
  const spec = lineChartSpec({
    title: {
      text: `${o.figure}: epochs to ${(100 * a.target).toFixed(0)}% test accuracy (mean over the runs that reached it)`,
      subtitle: ['labels: runs that reached / runs', `from ${never} up (above the limit of ${a['max-epochs']} epochs): no run reached, marked by how the runs ended`,
        'diverged: NaN or ±Inf; too slow: the epoch limit came first; stuck: a dead layer, no gradient reaches the input',
        `the ${o.color} series are set ${PANEL_DODGE} px apart sideways, so that ties stay visible`],
    },
    x: o.x,
    y: { field: 'epochs', title: `epochs to ${(100 * a.target).toFixed(0)}% (${a.runs} runs each)`, zero: true, domain: [0, top] },
    measured: summary.map((r, i) => ({
      [o.x.field]: r[o.x.field] as number, [o.color]: String(r[o.color]), epochs: ys[i],
      outcome: outcomeOf(r), count: `${String(r.reached)}/${String(r.runs)}`,
      ...(o.facet ? { [o.facet.field]: String(r[o.facet.field]) } : {}),
    })),
    shape: { field: 'outcome', title: 'outcome', values: [...OUTCOMES], shapes: ['circle', 'cross', 'triangle-up', 'square', 'diamond'] },
    label: 'count',
    // Initializers often tie (He normal and He uniform in 1–3 epochs): dodged, each stays visible.
    color: o.color, connect: true, dodge: PANEL_DODGE, width: o.facet ? 380 : 680, height: o.facet ? 300 : 320, ...(o.facet ? { facet: o.facet } : {}),
  });
  const plot = await writePlot(path.join(a.out, o.name), spec);
  const written = writeRunRecord(a.out, o.name, a, {
    started, cellSeconds: runRows.reduce((s, r) => s + (r.seconds as number), 0), csvs: [`${o.name}_runs.csv`, `${o.name}.csv`],
    plots: [plot], extra: { paper_note: o.paperNote },
  });

  o.session.stdout.write(`\n${o.figure}: epochs to ${(100 * a.target).toFixed(0)}% ${a.dataset} test accuracy — ${a.runs} runs per row, `
    + `at most ${a['max-epochs']} epochs, batch ${a.batch}, lr ${a.lr}, ${dtype}\n`);
  printTable([...o.groupColumns, 'runs', 'reached', 'mean_epochs_to_target', 'not_reached', 'diverged', 'stuck', 'mean_final_test_acc', ...trailing], summary, { digits: 3, stream: o.session.stdout });
  o.session.stdout.write(`(${o.paperNote})\n`);
  printWritten(a.out, written, o.session.stdout);
}

/** Some run reached the target; or none did, because every run diverged, ran out of epochs, was stuck, or a mix. */
const OUTCOMES = ['reached', 'none: diverged', 'none: too slow', 'none: stuck', 'none: mixed'] as const;

/** How an architecture's runs ended, for its mark: reached (some run did), or why none did. */
function outcomeOf(r: Record<string, GroupValue | number | null>): (typeof OUTCOMES)[number] {
  if ((r.reached as number) > 0) return 'reached';
  const runs = r.runs as number;
  if (r.diverged === runs) return 'none: diverged';
  if (r.not_reached === runs) return 'none: too slow';
  if (r.stuck === runs) return 'none: stuck';
  return 'none: mixed';
}

function pick(r: TrainCellResult): Record<string, number | string | null> {
  return { status: r.status, epochs_to_target: r.epochs_to_target, final_test_acc: r.final_test_acc, seconds: r.seconds, epochs_run: r.epochs_run };
}
