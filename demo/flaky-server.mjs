// A deliberately flaky HTTP API on 127.0.0.1, for the demonstration and the tests.
// GET /jobs/:id answers each job's script in turn (one step per request), then 200.
import { createServer } from 'node:http';

/** The failure modes, each a step of a job's script. */
const STEPS = {
  unavailable: (req, res) => { res.writeHead(503, { 'Retry-After': '1' }); res.end('busy'); },
  error: (req, res) => { res.writeHead(500); res.end('internal error'); },
  throttled: (req, res) => { res.writeHead(429, { 'Retry-After': '1' }); res.end('slow down'); },
  reset: (req, res) => { req.socket.destroy(); },
  slow: (req, res) => { const t = setTimeout(() => { res.writeHead(200); res.end('{"late":true}'); }, 2000); res.on('close', () => clearTimeout(t)); },
  notFound: (req, res) => { res.writeHead(404); res.end('no such job'); },
};

/** Each job's failures before it succeeds (a job whose script ends in notFound never does). */
export const JOB_SCRIPTS = {
  1: [],
  2: ['unavailable'],
  3: ['reset', 'error'],
  4: ['slow', 'throttled'],
  5: ['error', 'unavailable', 'reset', 'error'],
  6: ['notFound'],
};

export function startFlakyServer({ port = 0 } = {}) {
  const seen = new Map(); // job id → requests so far
  const server = createServer((req, res) => {
    const match = /^\/jobs\/(\d+)$/.exec(req.url ?? '');
    const script = match && JOB_SCRIPTS[match[1]];
    if (!script) { STEPS.notFound(req, res); return; }
    const n = seen.get(match[1]) ?? 0;
    seen.set(match[1], n + 1);
    const step = script[Math.min(n, script.length - 1)];
    if (n < script.length || step === 'notFound') { STEPS[step](req, res); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ job: Number(match[1]), status: 'done', requests: n + 1 }));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      requests: (job) => seen.get(String(job)) ?? 0,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
    }));
  });
}
