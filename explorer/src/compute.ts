// What the explorer computes, for the page's worker and for the CLI alike (so both give the same
// numbers): N nets of one setting, net k drawn from the stream of seed + k exactly as
// lib/experiments/trace.js (or trace-residual.js) draws its one net, so net k of the page is
// `trace.js --seed <seed + k>`. Per net and layer it keeps ln M_j (and the active units of a dense
// layer); the full trace records of one net are recomputed on demand.

import {
  DenseReluNet, randomUnitInput, ResidualNet, Rng, traceBackward, traceForward, traceResidualForward,
  type Backend,
} from './engine';
import { netSeed, type Config, type DenseConfig, type ResidualConfig } from './settings';

/** One record of lib/nn/dense/trace.ts (LayerTrace) or lib/nn/residual/trace.ts (ModuleTrace), as plain numbers. */
export type TraceRecord = Readonly<Record<string, number>>;

/**
 * One net's backward pass (dense nets): row q of its input–output Jacobian, q the first output unit
 * that is on (−1 when every output unit is off: then every record reads −∞), and the trace's record of
 * each layer j = 1..d (lib/nn/dense/backward.ts's BackwardLayerTrace), with M_0 = ‖x‖²/n_0 of its input.
 */
export interface BackwardView {
  readonly net: number;
  readonly q: number;
  readonly m0: number;
  readonly records: TraceRecord[];
}

/** The values kept for every net: net k's layer j (1-based) sits at k·depth + j − 1. */
export interface RunData {
  readonly mode: Config['mode'];
  readonly nets: number;
  readonly depth: number;
  /** Nets finished so far (the first `done` nets). */
  done: number;
  /** ln M_0 of each net: the input (dense) or the stream after the projection (residual; −∞ if x_0 = 0). */
  readonly logM0: Float64Array;
  /** ln M_j (−∞ for a dead layer). */
  readonly logM: Float64Array;
  /** Active units of dense layer j; empty for residual nets. */
  readonly active: Int32Array;
}

/** Pixels scaled by 1/255, exactly as data/mnist.ts's fillBatch scales a training batch. */
export function mnistInput(pixels: Uint8Array): Float64Array {
  const inv = 1 / 255, x = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] * inv;
  return x;
}

/** Bytes of wasm memory one run needs: its net's weights plus room for scratch and the arena's padding. */
export function memoryBytesFor(c: Config): number {
  const widths = c.mode === 'dense' ? c.widths : [c.inputWidth, c.width, ...c.hidden];
  const floats = c.mode === 'dense'
    ? c.widths.reduce((s, n, j) => s + (j > 0 ? n * (c.widths[j - 1] + 1) : 0), 0)
    : c.width * c.inputWidth + 10 * c.width + c.depth * [c.width, ...c.hidden, c.width].reduce((s, m, i, a) => s + (i > 0 ? m * a[i - 1] : 0), 0);
  const tensors = 2 * c.depth * (c.mode === 'dense' ? 1 : c.hidden.length + 1) + 4;
  const bytes = 8 * floats + 64 * tensors + 8 * 8 * Math.max(...widths) + (32 << 20);
  return Math.ceil(bytes / 65536) * 65536;
}

/**
 * The nets of one setting, computed one at a time (next()), so a caller can report progress, draw
 * partial results and stop early.
 */
export class Run {
  readonly data: RunData;
  private readonly dense: DenseReluNet | null;
  private readonly residual: ResidualNet | null;

  /** `input`: the fixed input (an MNIST image through mnistInput) or null for a fresh unit vector per net. */
  constructor(readonly config: Config, readonly backend: Backend, readonly input: Float64Array | null) {
    const inputWidth = config.mode === 'dense' ? config.widths[0] : config.inputWidth;
    if ((config.input.kind === 'mnist') !== (input !== null)) throw new RangeError('an MNIST setting needs its image, a unit-input setting none');
    if (input !== null && input.length !== inputWidth) throw new RangeError(`the input has ${input.length} entries, the net expects ${inputWidth}`);
    const { nets, depth } = config;
    this.data = {
      mode: config.mode, nets, depth, done: 0,
      logM0: new Float64Array(nets), logM: new Float64Array(nets * depth),
      active: new Int32Array(config.mode === 'dense' ? nets * depth : 0),
    };
    this.dense = config.mode === 'dense' ? denseNet(config, backend) : null;
    this.residual = config.mode === 'residual' ? residualNet(config, backend) : null;
  }

  get finished(): boolean {
    return this.data.done === this.data.nets;
  }

  /** Computes the next net. */
  next(): void {
    const k = this.data.done, d = this.data.depth, at = k * d;
    if (k >= this.data.nets) throw new RangeError('every net of this run is done');
    if (this.dense !== null) {
      const t = traceForward(this.dense, this.draw(this.dense, k));
      this.data.logM0[k] = t.logM0;
      t.layers.forEach((l, i) => { this.data.logM[at + i] = l.logM; this.data.active[at + i] = l.activeUnits; });
    } else {
      const net = this.residual!;
      const t = traceResidualForward(net, this.draw(net, k), false);
      this.data.logM0[k] = t.logM0;
      for (let l = 1; l <= d; l++) this.data.logM[at + l - 1] = t.logM[l];
    }
    this.data.done = k + 1;
  }

  /**
   * Net k's full trace records, layer by layer (the debugger's fields), recomputed from its seed: the
   * very records `trace.js --seed <seed + k>` (or trace-residual.js) prints.
   */
  records(k: number): TraceRecord[] {
    if (!(Number.isInteger(k) && k >= 0 && k < this.data.nets)) throw new RangeError(`net ${k} is not in 0..${this.data.nets - 1}`);
    if (this.dense !== null) return traceForward(this.dense, this.draw(this.dense, k)).layers.map((l) => ({ ...l }));
    const net = this.residual!;
    return traceResidualForward(net, this.draw(net, k)).modules.map((m) => ({ ...m }));
  }

  /**
   * Net k's backward pass, recomputed from its seed like `records`: traceBackward for ℓ = a_{d,q} with q
   * the first output unit that is on (the loss form of the seed sees the output a_d and picks it).
   */
  backward(k: number): BackwardView {
    if (!(Number.isInteger(k) && k >= 0 && k < this.data.nets)) throw new RangeError(`net ${k} is not in 0..${this.data.nets - 1}`);
    if (this.dense === null) throw new RangeError('the backward view is for dense nets');
    const net = this.dense, x = this.draw(net, k);
    let q = -1;
    const t = traceBackward(net, x, {
      kind: 'loss',
      gradient: (out) => {
        q = out.findIndex((v) => v > 0);
        const g = new Float64Array(out.length);
        if (q >= 0) g[q] = 1;
        return g;
      },
    });
    let s = 0;
    for (const v of x) s += v * v;
    return { net: k, q, m0: s / x.length, records: t.layers.map((l) => ({ ...l })) };
  }

  /** Initializes the net as net k and returns its input: the same draws, in the same order, as the trace CLIs. */
  private draw(net: DenseReluNet | ResidualNet, k: number): Float64Array {
    const rng = new Rng(netSeed(this.config, k), [], this.backend);
    net.initialize(rng);
    // float64 by default, so the draw is a Float64Array.
    return this.input ?? randomUnitInput(rng, net instanceof DenseReluNet ? net.widths[0] : net.arch.inputWidth) as Float64Array;
  }
}

function denseNet(c: DenseConfig, backend: Backend): DenseReluNet {
  return new DenseReluNet(c.widths, c.init, { backend, bias: c.bias });
}

function residualNet(c: ResidualConfig, backend: Backend): ResidualNet {
  // outputWidth 10 as in trace-residual.js: its weights are drawn (after the modules), so the input's
  // draws come at the same place in the stream.
  return new ResidualNet({ inputWidth: c.inputWidth, width: c.width, hidden: c.hidden, outputWidth: 10, convention: c.convention },
    c.etas, c.init, { backend });
}
