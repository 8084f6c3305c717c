import { type BrowserContext } from 'playwright-core';
export declare const CHROMIUM: string;
/** Screenshots of the browser specs (gitignored). */
export declare const SHOTS: string;
export interface Browser {
    readonly context: BrowserContext;
    close(): Promise<void>;
}
/** Launches chromium; without it, fails saying how to install it. */
export declare function launch(): Promise<Browser>;
