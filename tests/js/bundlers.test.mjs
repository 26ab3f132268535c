// Every bundler a browser user has, each building a page the way its users would, loaded in
// headless Chromium: Vite and webpack 5 with the default entry (they emit jitterbug.wasm as an
// asset by themselves), Rollup and esbuild with `jitterbug/inline` (they leave
// `new URL('jitterbug.wasm', import.meta.url)` alone, so the default entry's module would 404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const app = (entry) => `import { Policy, retry } from '${entry}';
const results = { delays: new Policy({ seed: 42 }).delays(2) };
retry(async ({ attempt }) => { if (attempt < 3) throw new Error('flaky'); return 'ok'; }, { initialDelay: 5, maxDelay: 5 })
  .then((value) => { results.value = value; }, (error) => { results.error = String(error); })
  .finally(() => { window.results = results; });`;
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});
after(() => browser?.close());

/** A fresh app directory inside the workspace (so `jitterbug` resolves as an installed package). */
function appDir(name, entry) {
  mkdirSync(join(root, 'target'), { recursive: true });
  const dir = mkdtempSync(join(root, 'target', `${name}-app-`));
  writeFileSync(join(dir, 'main.js'), app(entry));
  return dir;
}

/** Serves `dist` as a static site, loads `page` in Chromium; the page's results, errors and 404s. */
async function load(dist, page = '/index.html') {
  const missing = [];
  const site = createServer((req, res) => {
    const path = join(dist, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      missing.push(req.url);
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  try {
    await tab.goto(`http://127.0.0.1:${site.address().port}${page}`);
    await tab.waitForFunction(() => window.results !== undefined, null, { timeout: 10_000 }).catch(() => {});
    return { results: await tab.evaluate(() => window.results), errors, missing: missing.filter((url) => url !== '/favicon.ico') };
  } finally {
    await tab.close();
    site.close();
  }
}

const html = (script, type = 'module') => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="${type}" src="${script}"></script>`;
const files = (dir) => readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile()).map((f) => relative(dir, join(dir, f)));

function expectWorks({ results, errors, missing }, what) {
  assert.deepEqual(errors, [], what);
  assert.deepEqual(missing, [], what);
  assert.equal(results?.value, 'ok', `${what}: ${JSON.stringify(results)}`);
  assert.deepEqual(results.delays, [74.15648787718233, 31.982078575384023], what);
}

test('Vite 5 with the default entry: it emits jitterbug.wasm and the page runs', async () => {
  const { build } = await import('vite');
  const dir = appDir('vite', 'jitterbug');
  writeFileSync(join(dir, 'index.html'), html('/main.js'));
  try {
    // Top-level await (how the default entry loads its module) needs a target that has it.
    await build({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: join(dir, 'dist'), target: 'es2022' } });
    assert.ok(files(join(dir, 'dist')).some((f) => f.endsWith('.wasm')), 'the module is an asset of the build');
    expectWorks(await load(join(dir, 'dist')), 'vite');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('webpack 5 with the default entry: it emits jitterbug.wasm and the page runs', async () => {
  const { default: webpack } = await import('webpack');
  const dir = appDir('webpack', 'jitterbug');
  try {
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: dir, entry: './main.js', target: 'web',
      output: { path: join(dir, 'dist'), filename: 'main.js', publicPath: '' },
    }, (error, result) => (error ? reject(error) : resolve(result))));
    assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
    writeFileSync(join(dir, 'dist/index.html'), html('main.js', 'text/javascript'));
    assert.ok(files(join(dir, 'dist')).some((f) => f.endsWith('.wasm')), 'the module is an asset of the build');
    expectWorks(await load(join(dir, 'dist')), 'webpack');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Rollup with jitterbug/inline: one file, no asset, and the page runs', async () => {
  const { rollup } = await import('rollup');
  const { default: resolve } = await import('@rollup/plugin-node-resolve');
  const dir = appDir('rollup', 'jitterbug/inline');
  try {
    const bundle = await rollup({ input: join(dir, 'main.js'), plugins: [resolve({ browser: true })], logLevel: 'silent' });
    await bundle.write({ dir: join(dir, 'dist'), format: 'es' });
    writeFileSync(join(dir, 'dist/index.html'), html('main.js'));
    assert.deepEqual(files(join(dir, 'dist')).sort(), ['index.html', 'main.js']);
    expectWorks(await load(join(dir, 'dist')), 'rollup');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('esbuild (--bundle --platform=browser --format=esm): jitterbug/inline runs; the default entry\'s module is left behind', async () => {
  const { build } = await import('esbuild');
  for (const [entry, works] of [['jitterbug/inline', true], ['jitterbug', false]]) {
    const dir = appDir('esbuild', entry);
    try {
      await build({ entryPoints: [join(dir, 'main.js')], bundle: true, platform: 'browser', format: 'esm', outdir: join(dir, 'dist'), logLevel: 'silent' });
      writeFileSync(join(dir, 'dist/index.html'), html('main.js'));
      const outcome = await load(join(dir, 'dist'));
      if (works) {
        expectWorks(outcome, `esbuild, ${entry}`);
      } else {
        // What the README warns of, and why it points esbuild users at jitterbug/inline.
        assert.deepEqual(outcome.missing, ['/jitterbug.wasm']);
        assert.match(outcome.errors.join('\n'), /could not load its engine: 404/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
