// The browser build in real headless Chromium (Debian's package, driven by playwright-core):
// a page loads pkg/jitterbug.browser.mjs with <script type="module">, no bundler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = `<!doctype html><meta charset="utf-8"><title>jitterbug browser test</title><link rel="icon" href="data:,">
<script type="module">
  import * as jitterbug from '/pkg/jitterbug.browser.mjs';
  const { Policy, retry, RetryExhaustedError, RetryBudget } = jitterbug;
  const results = {};
  results.classNames = Object.entries(jitterbug).filter(([, v]) => typeof v === 'function' && /^class\\b/.test(String(v)))
    .map(([exported, v]) => [exported, v.name]);
  results.delays = new Policy({ seed: 42 }).delays(5);
  try { new Policy({ maxAttempts: 0 }); } catch (e) { results.error = [e.constructor.name, e.message]; }
  try { Policy.fromEnv({}); } catch (e) { results.fromEnv = [e.constructor.name, e.message]; }
  try { new RetryBudget(); } catch (e) { results.budget = [e.constructor.name, e.message]; }
  try { Policy.fromJSON({ hedgeDelay: 50 }); } catch (e) { results.hedging = [e.constructor.name, e.message]; }
  results.maxHedgesAlone = new Policy({ maxHedges: 2 }).toJSON().maxHedges;
  results.presetNames = Object.keys(jitterbug.presets);
  try { jitterbug.presets.awsStandard; } catch (e) { results.awsPreset = [e.constructor.name, e.message]; }
  try { new Policy({ backoff: [100, 20000] }); } catch (e) { results.listError = [e.constructor.name, e.message]; }
  results.listed = new Policy({ backoff: [100, 250], jitter: 'none' }).delays(3);
  let calls = 0;
  results.value = await retry(async ({ attempt }) => { calls++; if (attempt < 3) throw new Error('flaky'); return 'ok'; },
    { initialDelay: 5, maxDelay: 5 });
  results.calls = calls;
  results.exhausted = await retry(async () => { throw new Error('down'); }, { maxAttempts: 2, initialDelay: 1 })
    .catch((e) => [e instanceof RetryExhaustedError, e.attempts, e.cause.message]);
  const controller = new AbortController();
  const pending = retry(async () => { throw new Error('x'); }, { initialDelay: 10000, maxDelay: 10000, jitter: 'none', signal: controller.signal });
  await new Promise((r) => setTimeout(r, 20));
  const abortedAt = performance.now();
  controller.abort(new Error('stop'));
  results.aborted = await pending.catch((e) => e.message);
  results.abortLatency = performance.now() - abortedAt;
  window.results = results;
</script>`;

let server;
let browser;
// A loopback port nothing listens on (taken, then closed).
const closedPort = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const requests = [];
// The README's browser example, and the orders API it calls (503 with Retry-After: 1, then 200).
const readmeExample = /```html\n([\s\S]*?)```/.exec(await readFile(join(root, 'README.md'), 'utf8'))[1];
let orderRequests = 0;

before(async () => {
  server = createServer(async (req, res) => {
    requests.push(req.url);
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(PAGE);
      return;
    }
    if (req.url === '/readme-example.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${readmeExample}`);
      return;
    }
    if (req.url === '/api/orders/7') {
      orderRequests += 1;
      if (orderRequests === 1) { res.writeHead(503, { 'retry-after': '1' }); res.end('busy'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"7","status":"shipped"}');
      return;
    }
    // A server that does not know the .wasm type (the module must still load), and one that
    // has no jitterbug.wasm (the page must say which file is missing).
    if (req.url === '/wrong-type/' || req.url === '/missing/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
        import('${req.url}pkg/jitterbug.browser.mjs').then((m) => { window.outcome = m.retry(async () => 'loaded'); })
          .catch((e) => { window.outcome = e.constructor.name + ': ' + e.message; });</script>`);
      return;
    }
    if (req.url === '/network/') {
      // A fetch that fails in the network (nothing listens on the port) is retried; a TypeError
      // from the page's own code is not.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
        import { retry } from '/pkg/jitterbug.browser.mjs';
        let network = 0, bug = 0;
        const a = await retry(async () => { network += 1; return fetch('http://127.0.0.1:${closedPort}/'); }, { maxAttempts: 3, initialDelay: 1 }).catch((e) => e);
        const b = await retry(async () => { bug += 1; return null.status; }, { maxAttempts: 3, initialDelay: 1 }).catch((e) => e);
        window.outcome = { network, networkError: [a.name, a.cause?.name, a.cause?.message], bug, bugError: b.name };</script>`);
      return;
    }
    if (req.url.startsWith('/missing/') && req.url.endsWith('.wasm')) {
      res.writeHead(404);
      res.end();
      return;
    }
    // The page's import map points at node_modules/jitterbug/, as an installed package would be.
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/node_modules\/jitterbug\//, '/pkg/')
      .replace(/^\/(wrong-type|missing)\//, '/');
    if (req.url.startsWith('/wrong-type/') && req.url.endsWith('.wasm')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(await readFile(join(root, path)));
      return;
    }
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': TYPES[extname(req.url)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // Playwright gives every launch a fresh profile directory; the rest keeps Chromium off the
    // network, which this machine closes.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the package works in Chromium from a <script type="module">, without a bundler', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text()); });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 20_000 });
  const results = await page.evaluate(() => window.results);
  assert.deepEqual(errors, []);
  assert.equal(results.classNames.length, 13, JSON.stringify(results.classNames));
  for (const [exported, name] of results.classNames) assert.equal(name, exported, 'every exported class keeps its name');
  // The same delays as the Rust engine natively and Node (src/engine/schedule.rs).
  assert.deepEqual(results.delays, [74.15648787718233, 31.982078575384023, 111.44045210205546, 275.35257321891004, 60.84826966439394]);
  assert.deepEqual(results.error, ['RangeError', '`maxAttempts` must be an integer from 1 to 4294967295, got 0']);
  assert.equal(results.fromEnv[0], 'TypeError');
  assert.match(results.fromEnv[1], /not in the browser build: browsers have no environment variables/);
  // The AWS presets serve AWS SDK clients (Node): named, not listed, and refused clearly.
  assert.deepEqual(results.presetNames, ['default', 'aggressive', 'conservative']);
  assert.deepEqual(results.awsPreset, ['TypeError', 'presets.awsStandard (for AWS SDK clients) is not in the browser build: in a page, use Policy.fromJSON with its JSON from Node']);
  assert.deepEqual(results.listError, ['RangeError', '`backoff` must be a non-empty list of delays, each from 0 to `maxDelay`, got 20000']);
  assert.deepEqual(results.listed, [100, 250, 250]);
  assert.equal(results.budget[0], 'TypeError');
  assert.match(results.budget[1], /not in the browser build/);
  // Hedging is Node's: a policy that hedges is refused, not run without its hedges.
  assert.deepEqual(results.hedging, ['TypeError', '`hedgeDelay` must be absent in the browser build (hedging is for Node), got 50']);
  assert.equal(results.maxHedgesAlone, 2);
  assert.equal(results.value, 'ok');
  assert.equal(results.calls, 3);
  assert.deepEqual(results.exhausted, [true, 2, 'down']);
  assert.equal(results.aborted, 'stop');
  assert.ok(results.abortLatency < 50, `abort took ${results.abortLatency} ms`);
  assert.ok(requests.includes('/pkg/jitterbug.wasm'), `the module was not fetched: ${requests}`);
  await page.close();
});

test('the README\'s browser example runs as written', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const started = Date.now();
  await page.goto(`http://127.0.0.1:${server.address().port}/readme-example.html`);
  await page.waitForFunction(() => document.querySelector('#order').textContent !== 'loading…', null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
  assert.equal(await page.textContent('#order'), 'order 7: shipped');
  assert.equal(orderRequests, 2);
  // The 503's Retry-After: 1 was honoured.
  assert.ok(Date.now() - started >= 1000);
  await page.close();
});

test('the module loads from a server that does not send application/wasm, and a missing one is named', async () => {
  const outcome = async (path) => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}${path}`);
    await page.waitForFunction(() => window.outcome !== undefined, null, { timeout: 20_000 });
    const value = await page.evaluate(() => window.outcome);
    await page.close();
    return value;
  };
  assert.equal(await outcome('/wrong-type/'), 'loaded');
  const missing = await outcome('/missing/');
  assert.match(missing, /^Error: .*404.*\/missing\/pkg\/jitterbug\.wasm/);
});

test('in Chromium, fetch\'s network failure (\'Failed to fetch\') is retried and a TypeError from the page\'s code is not', async () => {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/network/`);
  await page.waitForFunction(() => window.outcome !== undefined, null, { timeout: 20_000 });
  const outcome = await page.evaluate(() => window.outcome);
  await page.close();
  assert.deepEqual(outcome, { network: 3, networkError: ['RetryExhaustedError', 'TypeError', 'Failed to fetch'], bug: 1, bugError: 'TypeError' });
});
