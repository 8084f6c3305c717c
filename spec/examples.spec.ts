// The examples/ scripts run as a user would run them (require('start-training') resolves to
// this package through its "exports"), and print what they promise. .ci/pack-check runs the same
// scripts from an installed tarball.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const run = (name: string, ...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'examples', name), ...args], { encoding: 'utf8', cwd: ROOT });

describe('examples/', () => {
  it('trace-vs-theory.js traces every layer and compares the mean and median with the theory', () => {
    const r = run('trace-vs-theory.js', '30,20,20,20', 'he_normal');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter((l) => /^\s+\d+\s+20\s/.test(l))).to.have.length(3);
    expect(r.stdout).to.match(/log10 E\[M_d\/M_0\]: measured -?\d\.\d{3} \(95% -?\d\.\d{3}\.\.-?\d\.\d{3}\), theory 0\.000/);
    expect(r.stdout).to.match(/median log10\(M_d\/M_0\): measured -?\d\.\d{3}, theory -?\d\.\d{3}/);
  });

  it('audit-init.js gives the FM1 rate and the FM2 spread, with the exact sampler for normal laws', () => {
    const r = run('audit-init.js', 'he_normal_x2', '20', '5');
    expect(r.status, r.stderr).to.equal(0);
    // 2×He doubles the variance: c = 2, log10 c = 0.301 per layer.
    expect(r.stdout).to.include('FM1: c = 2.0000, log10 c = 0.3010 per layer → log10 E[M_d/M_0] = 1.505 at depth 5');
    expect(r.stdout).to.match(/exact sampler, 20000 nets: 5–95% of log10\(M_d\/M_0\)/);
    const u = run('audit-init.js', 'glorot_uniform', '20', '5');
    expect(u.status, u.stderr).to.equal(0);
    expect(u.stdout).to.not.include('exact sampler');
  });

  it('backward-trace.js traces a live output unit: every layer finite, the theory\'s prediction and z-score beside it', () => {
    const r = run('backward-trace.js');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^output unit q = \d+ \(the first that is on\)$/m);
    const rows = r.stdout.split('\n').filter((l) => /^│ \d+\s+│/.test(l));
    expect(rows).to.have.length(5);
    for (const l of rows) expect(l).to.not.match(/Infinity|NaN/);
  });

  it('train-small.js trains a small net and reports its accuracy per epoch', () => {
    const r = run('train-small.js', '784,16,10', 'he_normal', '1');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^epoch 1: loss \d\.\d{4}, test accuracy 0\.\d{3}$/m);
    expect(r.stdout).to.match(/final test accuracy 0\.\d{3} after 32 steps/);
  });
});
