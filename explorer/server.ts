// The explorer's static server: the built page (explorer/dist) on 127.0.0.1 only, and one MNIST test
// image at a time for the page's MNIST input. It serves regular files under the build folder and
// nothing else: no directory listings, no symlinks out, no path above the folder.
//
//   npm run explorer            (node explorer/server.js --port 8080)

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { defineCli, intFlag, main, parseCli, UsageError } from './src/engine-node';
import { testImage } from './src/mnist';
import { MNIST_TEST_COUNT } from './src/settings';

/** The build folder `npm run build` writes (explorer/build.ts). */
export const DIST = path.join(__dirname, 'dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json', '.json': 'application/json',
};

/** The one dynamic route: /mnist/t10k/<index> gives image <index>'s 784 pixel bytes, its label in X-Label. */
const MNIST_ROUTE = /^\/mnist\/t10k\/(\d{1,5})$/;

function send(res: http.ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8', extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The file a URL path names under root, or null when it names anything else. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let p: string;
  try { p = decodeURIComponent(urlPath); } catch { return null; }
  if (p.includes('\0') || p.includes('\\') || !p.startsWith('/')) return null;
  // Every segment must be a plain name: no '..', no '.', no empty segment inside the path.
  const segments = p.slice(1).split('/');
  if (segments.length > 1 && segments.slice(0, -1).some((s) => s === '')) return null;
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.') && s !== '')) return null;
  const rel = p === '/' ? 'index.html' : p.slice(1);
  const file = path.join(root, rel);
  if (!file.startsWith(root + path.sep)) return null;
  return file;
}

function handle(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') { send(res, 405, 'only GET and HEAD\n', undefined, { Allow: 'GET, HEAD' }); return; }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const m = MNIST_ROUTE.exec(url.pathname);
  if (m) {
    const index = Number(m[1]);
    if (index >= MNIST_TEST_COUNT) { send(res, 404, `no MNIST test image ${index}: the index must lie in 0..${MNIST_TEST_COUNT - 1}\n`); return; }
    try {
      const { pixels, label } = testImage(index);
      send(res, 200, pixels, 'application/octet-stream', { 'X-Label': String(label) });
    } catch (err) {
      send(res, 500, `${(err as Error).message}\n`);
    }
    return;
  }
  if (url.pathname.startsWith('/mnist/')) { send(res, 404, `MNIST images are at /mnist/t10k/<index>, index 0..${MNIST_TEST_COUNT - 1}\n`); return; }
  const file = resolveStatic(root, url.pathname);
  if (file === null) { send(res, 404, 'not found\n'); return; }
  let body: Buffer;
  try {
    // lstat, not stat: a symlink is not served, wherever it points.
    if (!fs.lstatSync(file).isFile()) { send(res, 404, 'not found\n'); return; }
    body = fs.readFileSync(file);
  } catch {
    send(res, 404, 'not found\n');
    return;
  }
  send(res, 200, body, TYPES[path.extname(file)] ?? 'application/octet-stream');
}

export interface ExplorerServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves root on 127.0.0.1:port (0: a free port). */
export function startServer(port: number, root = DIST): Promise<ExplorerServer> {
  const server = http.createServer((req, res) => handle(root, req, res));
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolveStart({
        url: `http://127.0.0.1:${p}/`, port: p,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

const SERVER_CLI = defineCli({
  name: 'explorer-server',
  summary: 'Serve the trace explorer (explorer/dist, built by npm run build) on 127.0.0.1.',
  flags: { port: intFlag('TCP port on 127.0.0.1 (0: any free port)', { default: 8080, min: 0, max: 65535 }) },
});

async function serve(argv: readonly string[]): Promise<void> {
  const args = parseCli(SERVER_CLI, argv);
  if (args === null) return;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new UsageError(`no built page in ${DIST}: run npm run build first`);
  let s: ExplorerServer;
  try {
    s = await startServer(args.port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EADDRINUSE' ? `--port: 127.0.0.1:${args.port} is in use (--port 0 picks a free one)` : `cannot listen on 127.0.0.1:${args.port} (${code ?? String(err)})`);
  }
  process.stdout.write(`trace explorer: ${s.url}  (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => process.once('SIGINT', () => { void s.close().then(done); }));
}

if (require.main === module) main(() => serve(process.argv.slice(2)));
