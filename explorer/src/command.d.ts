import { type Config, type Settings } from './settings';
/** A shell word: left bare when safe, else single-quoted. */
export declare function shellWord(s: string): string;
/** `node explorer/cli.js ...`: every relevant setting as a flag of the same name. */
export declare function explorerCommand(s: Settings, out?: string): string;
/** The trace CLI that prints net k's records, or null when it cannot (an MNIST input). */
export declare function traceCommand(c: Config, k: number): string | null;
