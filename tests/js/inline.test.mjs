// jitterbug/inline, where the default browser build does not go: an esbuild bundle in its
// default IIFE format (no top-level await), Vite 5, pages with a strict Content Security
// Policy, and CommonJS under the `browser` condition, as Jest's jsdom environment resolves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const APP = `import { Policy, retry, RetryExhaustedError } from 'jitterbug/inline';
const results = { delays: new Policy({ seed: 42 }).delays(3) };
retry(async ({ attempt }) => { if (attempt < 3) throw new Error('flaky'); return 'ok'; }, { initialDelay: 5, maxDelay: 5 })
  .then((value) => { results.value = value; })
  .catch((error) => { results.error = [error.name, error.message]; })
  .finally(() => { window.results = results; });
try { new Policy({ maxAttempts: 0 }); } catch (error) { results.refused = error instanceof RangeError; }
void RetryExhaustedError;`;

let server;
let browser;
let bundle;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jitterbug-inline-'));
  writeFileSync(join(dir, 'app.js'), APP);
  // esbuild's defaults for the browser: IIFE, which cannot hold a top-level await.
  const out = await build({ entryPoints: [join(dir, 'app.js')], bundle: true, platform: 'browser', write: false, logLevel: 'silent', nodePaths: [join(root, 'node_modules')] });
  bundle = out.outputFiles[0].text;
  server = createServer((req, res) => {
    const csp = new URL(req.url, 'http://x').searchParams.get('csp');
    if (req.url.startsWith('/app.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html', ...(csp ? { 'content-security-policy': csp } : {}) });
    res.end('<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/app.js"></script>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function run(csp) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const query = csp === undefined ? '' : `?csp=${encodeURIComponent(csp)}`;
  await page.goto(`http://127.0.0.1:${server.address().port}/${query}`);
  await page.waitForFunction(() => window.results !== undefined || document.readyState === 'complete', null, { timeout: 10_000 });
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 5_000 }).catch(() => {});
  const results = await page.evaluate(() => window.results);
  await page.close();
  return { results, errors };
}

test('an esbuild bundle in the default IIFE format runs (no top-level await, no asset to serve)', async () => {
  assert.doesNotMatch(bundle, /\bawait\s+\w+\s*\(\s*\{?\s*module_or_path/, 'no top-level instantiation');
  const { results, errors } = await run();
  assert.deepEqual(errors, []);
  assert.equal(results.value, 'ok');
  assert.equal(results.refused, true);
  assert.deepEqual(results.delays, [74.15648787718233, 31.982078575384023, 111.44045210205546]);
});

test('a strict Content Security Policy needs only \'wasm-unsafe-eval\' beside the script source', async () => {
  const allowed = await run("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'");
  assert.deepEqual(allowed.errors, []);
  assert.equal(allowed.results.value, 'ok');
  // Without it the browser refuses to compile any WebAssembly: the call fails, and says why.
  const refused = await run("default-src 'none'; script-src 'self'");
  assert.match(JSON.stringify(refused.results?.error ?? refused.errors), /wasm-unsafe-eval|unsafe-eval|Content Security Policy/);
});

test('CommonJS under the browser condition gets the inline build (a test runner emulating a browser)', () => {
  const output = execFileSync(process.execPath, ['--conditions=browser', '-e',
    "const j = require('jitterbug'); console.log(require.resolve('jitterbug').endsWith('jitterbug.inline.cjs'), new j.Policy({ seed: 42 }).delays(1)[0])"],
  { cwd: root, encoding: 'utf8' });
  assert.equal(output.trim(), 'true 74.15648787718233');
});

test('Vite 5 builds it with its default browser target, and the page runs', async () => {
  const { build: viteBuild } = await import('vite');
  // Inside the workspace, so that Vite resolves `jitterbug` as an installed package.
  mkdirSync(join(root, 'target'), { recursive: true });
  const dir = mkdtempSync(join(root, 'target', 'vite-app-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/main.js"></script>');
  writeFileSync(join(dir, 'main.js'), APP);
  await viteBuild({ root: dir, logLevel: 'silent', configFile: false, resolve: { preserveSymlinks: false },
    build: { outDir: join(dir, 'dist'), emptyOutDir: true } });
  const html = readFileSync(join(dir, 'dist/index.html'), 'utf8');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)[1];
  const js = readFileSync(join(dir, 'dist', script), 'utf8');
  const site = createServer((req, res) => {
    if (req.url === script) { res.writeHead(200, { 'content-type': 'text/javascript' }); res.end(js); return; }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${site.address().port}/`);
    await page.waitForFunction(() => window.results?.value !== undefined || window.results?.error !== undefined, null, { timeout: 10_000 });
    const results = await page.evaluate(() => window.results);
    assert.deepEqual(errors, []);
    assert.equal(results.value, 'ok');
    await page.close();
  } finally {
    site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Jest with jsdom requires the package (CommonJS under the browser condition, no TextEncoder there)', () => {
  mkdirSync(join(root, 'target'), { recursive: true });
  const dir = mkdtempSync(join(root, 'target', 'jest-app-'));
  writeFileSync(join(dir, 'retry.test.js'), `/** @jest-environment jsdom */
const { Policy, retry } = require('jitterbug');
test('retries under jsdom', async () => {
  expect(typeof window).toBe('object');
  expect(typeof TextEncoder === 'function' && typeof TextDecoder === 'function').toBe(true);
  expect(new Policy({ seed: 42 }).delays(1)[0]).toBe(74.15648787718233);
  expect(new Policy({ retryOn: ['Erreur-é', 'ÉchecΩ𝄞'] }).toJSON().retryOn).toEqual(['Erreur-é', 'ÉchecΩ𝄞']);
  expect(() => new Policy({ backoff: 'lineär' })).toThrow("\`backoff\` must be one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays, got 'lineär'");
  let n = 0;
  await expect(retry(async () => { if (++n < 2) throw new Error('x'); return 'ok'; }, { initialDelay: 1 })).resolves.toBe('ok');
});
`);
  try {
    const output = execFileSync(join(root, 'node_modules/.bin/jest'), ['--rootDir', dir, '--ci'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    void output;
  } catch (error) {
    assert.fail(`jest failed:\n${error.stdout}\n${error.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
