// The cluster recipes: the README quotes the committed files verbatim, and the Slurm array job and the
// Kubernetes Indexed Job run the same shard and merge commands with the same variables and sizes.
// (.ci/cluster-check.sh runs them for real; this spec keeps them from drifting apart.)
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const FILES = ['scripts/slurm/fig1.sbatch', 'scripts/slurm/fig1-merge.sbatch', 'scripts/k8s/fig1.yaml', 'scripts/k8s/fig1-merge.yaml'];

/** The one line of `text` that runs `script`, trimmed; fails unless there is exactly one. */
function commandLine(text: string, script: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`node ${script}`));
  expect(lines, `lines running ${script}`).to.have.length(1);
  return lines[0];
}
const vars = (line: string) => [...new Set([...line.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]))].sort();
/** Variables a shell script assigns (`NAME=` at a word start, or `${NAME=default}`). */
const assigned = (text: string) => new Set([...text.matchAll(/(?:^|[\s;])([A-Z_][A-Z0-9_]*)=|\$\{([A-Z_][A-Z0-9_]*):?=/gm)].map((m) => m[1] ?? m[2]));
/** A Kubernetes manifest's `- { name: X, value: "v" }` env entries. */
const env = (yaml: string) => new Map([...yaml.matchAll(/\{ name: ([A-Z_0-9]+), value: "?([^"}]*?)"? \}/g)].map((m) => [m[1], m[2]]));
/** The Slurm script's defaults, from `: "${NAME=default}"`. */
const defaults = (sh: string) => new Map([...sh.matchAll(/\$\{([A-Z_0-9]+)=([^}]*)\}/g)].map((m) => [m[1], m[2]]));
const field = (text: string, re: RegExp) => { const m = text.match(re); expect(m, String(re)).to.not.equal(null); return m![1]; };

describe('cluster recipes (scripts/slurm, scripts/k8s)', () => {
  const readme = read('README.md');
  const [sbatch, sbatchMerge, job, jobMerge] = FILES.map(read);

  it('the README quotes every recipe file verbatim, in a fenced block', () => {
    for (const f of FILES) expect(readme.includes('```' + (f.endsWith('.yaml') ? 'yaml' : 'sh') + '\n' + read(f) + '```'), f).to.equal(true);
  });

  it('Slurm and Kubernetes run the same shard command and the same merge command', () => {
    expect(commandLine(job, 'lib/experiments/fig1.js')).to.equal(commandLine(sbatch, 'lib/experiments/fig1.js'));
    expect(commandLine(jobMerge, 'lib/experiments/merge.js')).to.equal(commandLine(sbatchMerge, 'lib/experiments/merge.js'));
  });

  it('every variable the commands use is set: by the Slurm script, by the Job env or the pod script', () => {
    const shard = commandLine(sbatch, 'lib/experiments/fig1.js'), merge = commandLine(sbatchMerge, 'lib/experiments/merge.js');
    expect(vars(shard)).to.deep.equal(['FIG1_FLAGS', 'FIG1_OUT', 'SHARD', 'SHARDS', 'WORKERS']);
    expect(vars(merge)).to.deep.equal(['FIG1_OUT']);
    for (const [sh, yaml, line] of [[sbatch, job, shard], [sbatchMerge, jobMerge, merge]]) {
      const slurmSet = assigned(sh), k8sSet = new Set([...env(yaml).keys(), ...assigned(yaml)]);
      for (const v of vars(line)) {
        expect(slurmSet.has(v), `${v} in the Slurm script`).to.equal(true);
        expect(k8sSet.has(v), `${v} in the Kubernetes Job`).to.equal(true);
      }
    }
  });

  it('both describe the same default run: flags, output folder name, shards and workers', () => {
    const d = defaults(sbatch), e = env(job);
    expect(e.get('FIG1_FLAGS')).to.equal(d.get('FIG1_FLAGS'));
    expect(path.basename(e.get('FIG1_OUT') ?? '')).to.equal(path.basename(d.get('FIG1_OUT') ?? '?'));
    expect(env(jobMerge).get('FIG1_OUT')).to.equal(e.get('FIG1_OUT'));
    expect(defaults(sbatchMerge).get('FIG1_OUT')).to.equal(d.get('FIG1_OUT'));
    const shards = field(sbatch, /^#SBATCH .*--array=1-(\d+)\b/m);
    expect(field(job, /^\s*completions: (\d+)$/m)).to.equal(shards);
    expect(e.get('SHARDS')).to.equal(shards);
    const workers = field(sbatch, /^#SBATCH .*--cpus-per-task=(\d+)\b/m);
    expect(e.get('WORKERS')).to.equal(workers);
    expect(field(job, /requests: \{ cpu: "(\d+)" \}/)).to.equal(workers);
  });
});
