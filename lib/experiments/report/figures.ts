// The figures `reproduce` runs and reports, in the paper's order: which script, which plots and
// tables go into REPORT.md, and which claims are checked against which outputs.

import * as path from 'node:path';
import { convAClaims, fig1aClaims, fig2aClaims, fig2bDeadClaim, fig3aClaims, fig3aSummabilityClaims, fig3bClaims, trendClaim, type Claim } from './claims';
import { gradAClaims, reachClaims } from './claims';

export interface FigureSpec {
  readonly id: string;
  readonly script: string;
  readonly title: string;
  readonly about: string;
  readonly plots: readonly string[];
  readonly tables: readonly { readonly title: string; readonly file: string; readonly columns: readonly string[] }[];
  readonly records: readonly string[];
  readonly claims: (dir: string) => Claim[];
}

export const FIGURES: readonly FigureSpec[] = [
  {
    id: 'fig1', script: 'fig1.js', title: 'Figure 1: the initialization decides FM1',
    about: 'Width = depth fully connected ReLU nets (β = 1, so FM2 is ruled out). (a) The mean of M_d/M_0 against depth for six '
      + 'initializations, theory ∏c_j dashed. (b) Epochs of plain SGD (batch 1024, lr 0.01) until 20% MNIST test accuracy.',
    plots: ['fig1a', 'fig1b'],
    tables: [
      { title: 'Epochs to 20% test accuracy', file: 'fig1b.csv', columns: ['init', 'depth', 'runs', 'reached', 'mean_epochs_to_target', 'diverged', 'stuck', 'mean_final_test_acc'] },
    ],
    records: ['fig1a.json', 'fig1b.json'],
    claims: (dir) => [...fig1aClaims(dir), ...reachClaims(dir, 'Figure 1(b)', 'fig1b')],
  },
  {
    id: 'fig2', script: 'fig2.js', title: 'Figure 2: the architecture decides FM2',
    about: 'He-initialized fully connected nets with width profiles (constant, increasing, decreasing, alternating, bottleneck) '
      + 'chosen to hit target values of β = Σ1/n_j. (a) The second moment and the quantiles of M_d/M_0 against β, theory dashed; '
      + 'rows marked exact_sampler use the exact Gaussian law (THEORY.md §4.2) where real nets would be too slow. Equal β: at depth 10 a β ≥ 1 forces '
      + 'widths below 10, where the families differ through their dead fractions and a second-order term in Σ1/n_j²; deeper nets (sampler only) '
      + 'keep every width ≥ 10 and test the claim as stated (THEORY.md §6.8). (b) Epochs to 20% MNIST test accuracy against β, with each '
      + 'architecture\'s exact dead fraction.',
    plots: ['fig2a', 'fig2a_quantiles', 'fig2a_equal_beta', 'fig2b'],
    tables: [
      {
        title: 'Equal β: dead fractions (measured, exact) and the largest KS distances between families, all nets and live nets, beside the exact Gaussian law',
        file: 'fig2a_equal_beta.csv',
        columns: ['method', 'depth', 'beta_target', 'min_width', 'dead_min', 'dead_max', 'p_dead_min', 'p_dead_max', 'D_all', 'D_all_exact', 'D_live', 'D_live_exact', 'D_live_second_order', 'crit_1e6'],
      },
      { title: 'Epochs to 20% test accuracy', file: 'fig2b.csv', columns: ['arch', 'depth', 'beta', 'p_dead', 'runs', 'reached', 'mean_epochs_to_target', 'diverged', 'stuck', 'mean_final_test_acc'] },
    ],
    records: ['fig2a.json', 'fig2b.json'],
    claims: (dir) => [
      ...fig2aClaims(dir), trendClaim('Figure 2(b)', path.join(dir, 'fig2b.csv'), 'beta_target', 'training starts later, or not at all, as β grows'),
      fig2bDeadClaim(dir),
    ],
  },
  {
    id: 'fig3', script: 'fig3.js', title: 'Figure 3: residual nets and the scale of their branches',
    about: 'Residual nets x_ℓ = x_{ℓ−1} + η_ℓ·𝒩_ℓ(x_{ℓ−1}) with small ReLU modules, for several scale schedules η_ℓ and both module '
      + 'conventions (linear: no ReLU at the module\'s end; relu: ReLU at its end). (a) The mean and spread of M_L/M_0 against the number '
      + 'of modules L, theory dashed. (b) Epochs to 20% MNIST test accuracy against L.',
    plots: ['fig3a', 'fig3a_zoom', 'fig3a_fm2', 'fig3b'],
    tables: [
      { title: 'Epochs to 20% test accuracy', file: 'fig3b.csv', columns: ['convention', 'schedule', 'modules', 'runs', 'reached', 'mean_epochs_to_target', 'diverged', 'stuck'] },
    ],
    records: ['fig3a.json', 'fig3b.json'],
    claims: (dir) => [
      ...fig3aClaims(dir), ...fig3aSummabilityClaims(dir),
      trendClaim('Figure 3(b)', path.join(dir, 'fig3b.csv'), 'modules', 'with the schedules run, deeper residual nets start training later or not at all (pooled over schedules)'),
      ...fig3bClaims(dir),
    ],
  },
  {
    id: 'conv', script: 'conv.js', title: 'Convolutional nets: the same two failure modes',
    about: 'Deep convolutional ReLU nets, fan-in = kernel height × kernel width × input channels. (a) The mean of M_d/M_0 against depth '
      + 'for the initializations of Figure 1, theory dashed. (b) The second moment against the sum of reciprocal channel counts. '
      + '(c) Epochs to 20% MNIST test accuracy.',
    plots: ['conv_a', 'conv_b', 'conv_c'],
    tables: [
      { title: 'Epochs to 20% test accuracy', file: 'conv_c.csv', columns: ['init', 'depth', 'channels', 'runs', 'reached', 'mean_epochs_to_target', 'diverged', 'stuck'] },
    ],
    records: ['conv_a.json', 'conv_b.json', 'conv_c.json'],
    claims: (dir) => [...convAClaims(dir), ...reachClaims(dir, 'Conv (c)', 'conv_c')],
  },
  {
    id: 'grad', script: 'grad.js', title: 'The backward pass: the Jacobian and the gradients against β',
    about: 'The companion result (Hanin 2018, NeurIPS): for He-initialized ReLU nets the mean squared entry of the input–output Jacobian is '
      + 'fixed by the weight variances, while its fourth moment grows exponentially in the same β = Σ1/n_j. (a) Figure 2\'s width families '
      + 'at several β, He normal, He uniform and the truncated He normal of Keras 2018: the mean squared entry over its exact value with the '
      + 'bootstrap-t interval (coverage measured, THEORY.md §10.9), and E[Z⁴]/E[Z²]² beside its exact value (§10.3). (b) Per-layer gradient '
      + 'norms at initialization on MNIST batches and the first SGD step at the paper\'s learning rate 0.01, theory dashed (§10.7).',
    plots: ['grad_a', 'grad_a_mean_sq', 'grad_b', 'grad_b_update'],
    tables: [
      { title: 'C of E[Z⁴]/E[Z²]² ≈ a·e^{Cβ}, measured and exact', file: 'grad_a_fit.csv', columns: ['init', 'x', 'rows', 'C_measured', 'C_measured_se', 'C_exact', 'z', 'C_leading_order'] },
    ],
    records: ['grad_a.json', 'grad_b.json'],
    claims: (dir) => [...gradAClaims(dir)],
  },
];
