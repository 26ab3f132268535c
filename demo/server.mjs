// `npm start`: serves the page (www/), the built package (pkg/) and a deliberately flaky API
// on 127.0.0.1, and prints the URL. `npm run demo` runs the terminal demonstration instead.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.ts': 'text/plain' };

/**
 * The flaky API's scenarios: what the n-th request of a session gets (the last step repeats).
 * A session is one run of the page's live panel (`?session=`).
 */
export const SCENARIOS = {
  // The page's first scenario: one failure, then success under the default policy.
  recovers: ['503 retry-after=1', '200'],
  mixed: ['503 retry-after=1', '500', '429 retry-after=1', '200'],
  throttled: ['429 retry-after=2', '429 retry-after=2', '200'],
  slow: ['slow', '200'],
  down: ['503'],
  'retry-after-too-long': ['503 retry-after=120', '200'],
};

function flaky(url, req, res, sessions) {
  const scenario = SCENARIOS[url.searchParams.get('scenario')] ?? SCENARIOS.mixed;
  const session = url.searchParams.get('session') ?? 'default';
  const n = sessions.get(session) ?? 0;
  sessions.set(session, n + 1);
  const step = scenario[Math.min(n, scenario.length - 1)];
  const [code, header] = step.split(' ');
  if (code === 'reset') { req.socket.destroy(); return; }
  if (code === 'slow') {
    const timer = setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"late":true}'); }, 5000);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (header) headers['retry-after'] = header.split('=')[1];
  res.writeHead(Number(code), headers);
  res.end(JSON.stringify({ status: Number(code), request: n + 1, session }));
}

export function startServer({ port = 0, host = '127.0.0.1' } = {}) {
  const sessions = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/api/flaky') { flaky(url, req, res, sessions); return; }
    const path = url.pathname === '/' ? '/www/index.html'
      : url.pathname.startsWith('/pkg/') ? url.pathname : `/www${url.pathname}`;
    const file = normalize(join(root, path));
    if (!file.startsWith(join(root, 'www')) && !file.startsWith(join(root, 'pkg'))) { res.writeHead(403); res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${url.pathname}${url.pathname.startsWith('/pkg/') ? ' (run `npm run build` first)' : ''}`);
    }
  });
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve({
    url: `http://${host}:${server.address().port}/`,
    requests: (session) => sessions.get(session) ?? 0,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
  })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startServer({ port }).catch(() => startServer({ port: 0 }));
  console.log(`jitterbug playground: ${url}  (flaky API at ${url}api/flaky?scenario=mixed; Ctrl-C to stop)`);
  console.log('The terminal demonstration: npm run demo');
}
