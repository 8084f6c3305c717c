import { type Backend } from './engine';
import { type Config } from './settings';
/** One record of lib/nn/trace.ts (LayerTrace) or lib/nn/residual-trace.ts (ModuleTrace), as plain numbers. */
export type TraceRecord = Readonly<Record<string, number>>;
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
/** Pixels scaled by 1/255, exactly as lib/nn/mnist.ts's fillBatch scales a training batch. */
export declare function mnistInput(pixels: Uint8Array): Float64Array;
/** Bytes of wasm memory one run needs: its net's weights plus room for scratch and the arena's padding. */
export declare function memoryBytesFor(c: Config): number;
/**
 * The nets of one setting, computed one at a time (next()), so a caller can report progress, draw
 * partial results and stop early.
 */
export declare class Run {
    readonly config: Config;
    readonly backend: Backend;
    readonly input: Float64Array | null;
    readonly data: RunData;
    private readonly dense;
    private readonly residual;
    /** `input`: the fixed input (an MNIST image through mnistInput) or null for a fresh unit vector per net. */
    constructor(config: Config, backend: Backend, input: Float64Array | null);
    get finished(): boolean;
    /** Computes the next net. */
    next(): void;
    /**
     * Net k's full trace records, layer by layer (the debugger's fields), recomputed from its seed: the
     * very records `trace.js --seed <seed + k>` (or trace-residual.js) prints.
     */
    records(k: number): TraceRecord[];
    /** Initializes the net as net k and returns its input: the same draws, in the same order, as the trace CLIs. */
    private draw;
}
