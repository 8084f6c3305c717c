/** The build folder `npm run build` writes (explorer/build.ts). */
export declare const DIST: string;
/** The file a URL path names under root, or null when it names anything else. */
export declare function resolveStatic(root: string, urlPath: string): string | null;
export interface ExplorerServer {
    readonly url: string;
    readonly port: number;
    close(): Promise<void>;
}
/** Serves root on 127.0.0.1:port (0: a free port). */
export declare function startServer(port: number, root?: string): Promise<ExplorerServer>;
