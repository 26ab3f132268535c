// Builds the npm package into pkg/: Rust → wasm32 → wasm-bindgen glue → wasm-opt → one
// self-contained JavaScript file per module system, with the WebAssembly inlined so that
// bundlers (esbuild for CDK's NodejsFunction) need no loader configuration.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
// Our own crates build without a warning, or the build fails (dependencies' lints are capped).
const denyWarnings = { ...process.env, RUSTFLAGS: `${process.env.RUSTFLAGS ?? ''} -D warnings`.trim() };
const generated = `${root}js/generated`;
const pkg = `${root}pkg`;

/**
 * wasm-bindgen's glue makes a TextDecoder when it loads (~0.2 ms in Node, a fortieth of a
 * cold import); this makes it on first use instead, and guards every export against traps. The CLI version is pinned, so the text is
 * known: if it ever changes, the build stops here rather than ship an unpatched glue.
 */
function patchGlue(file) {
  const patches = [
    ["let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });\ncachedTextDecoder.decode();\n",
      '// Made on first use by scripts/build.mjs (patchGlue).\nlet cachedTextDecoder;\n'],
    ['    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {', '    if (cachedTextDecoder === undefined || numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {'],
    // Every export guarded: a trap stops the engine with one clear error (js/traps.js).
    ['    wasm = instance.exports;\n', '    wasm = guardTraps(instance.exports);\n'],
    // The browser build loads the module itself (js/init-async.js): with these two, the glue's
    // own loader and its deprecation branches are left out of the bundle.
    ['export { initSync, __wbg_init as default };', 'export { initSync, __wbg_init as default, __wbg_get_imports, __wbg_finalize_init };'],
    // Every host the package supports (Node 18+, browsers with ES2022) has encodeInto and
    // FinalizationRegistry (and the glue no longer uses encodeInto: see passString below).
    // The fallbacks are dead weight in the browser bundle.
    ["if (!('encodeInto' in cachedTextEncoder)) {", 'if (false) {'],
  ];
  let glue = readFileSync(file, 'utf8');
  for (const [from, to] of patches) {
    if (!glue.includes(from)) throw new Error(`build: wasm-bindgen's glue no longer contains ${JSON.stringify(from.slice(0, 60))}; update patchGlue`);
    glue = glue.replace(from, to);
  }
  // Engine errors cross as their parts; js/engine-error.js writes the message (the module then
  // carries no message building or number formatting). The browser module throws none (a
  // policy's error goes by policyProblem: see src/bindings/errors.rs).
  const thrown = /throw takeFromExternrefTable0\((ret\[[01]\])\);/g;
  glue = glue.replace(thrown, 'throw engineError(takeFromExternrefTable0($1));');
  if (/throw takeFromExternrefTable0|throw takeObject/.test(glue)) throw new Error("build: wasm-bindgen's glue throws in a form patchGlue does not know; update it");
  // Strings cross by TextEncoder.encode alone (the glue's own path when it has no realloc):
  // its ASCII loop and encodeInto path speed up long strings, and ours are short (an error's
  // identifiers, a policy's lists, a response's delay headers), crossing only after a failure.
  const passString = /function passStringToWasm0\(arg, malloc, realloc\) \{\n    if \(realloc === undefined\) \{\n([\s\S]*?)\n    \}\n[\s\S]*?\n\}\n/;
  if (!passString.test(glue)) throw new Error("build: wasm-bindgen's glue no longer has passStringToWasm0 as patchGlue knows it; update it");
  glue = glue.replace(passString, 'function passStringToWasm0(arg, malloc, realloc) {\n$1\n}\n');
  const noRegistry = "(typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(";
  if (!glue.includes(noRegistry)) throw new Error("build: wasm-bindgen's glue no longer has its FinalizationRegistry fallback; update patchGlue");
  glue = glue.replaceAll(noRegistry, 'new FinalizationRegistry(');
  const traps = new URL('../js/traps.js', import.meta.url).pathname;
  const engineError = new URL('../js/engine-error.js', import.meta.url).pathname;
  writeFileSync(file, `import { guardTraps } from ${JSON.stringify(traps)};\nimport { engineError } from ${JSON.stringify(engineError)};\n${glue}`);
}

// Two modules: the Node builds' has everything; the browser's leaves out the environment
// variable reader (cargo feature `env`), since browsers have no environment.
const features = ['bulk-memory', 'bulk-memory-opt', 'nontrapping-float-to-int', 'sign-ext',
  'mutable-globals', 'reference-types', 'multivalue'].map((f) => `--enable-${f}`);
// `--js-only` rebundles the JavaScript over the last build's engine (the JS mutation pass).
const jsOnly = process.argv.includes('--js-only');
if (!jsOnly) rmSync(generated, { recursive: true, force: true });
for (const variant of jsOnly ? [] : [{ dir: generated, cargo: [], targetDir: 'target' }, { dir: `${generated}/browser`, cargo: ['--no-default-features'], targetDir: 'target/browser' }]) {
  console.log(`build: compiling Rust to wasm32${variant.cargo.length ? ' (browser: without the env reader)' : ''}`);
  run('cargo', ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', '--target-dir', variant.targetDir, ...variant.cargo], denyWarnings);
  console.log('build: generating the wasm-bindgen glue');
  run('wasm-bindgen', [
    '--target', 'web', '--omit-default-module-path', '--out-dir', variant.dir, '--out-name', 'glue', '--no-typescript',
    `${variant.targetDir}/wasm32-unknown-unknown/release/jitterbug.wasm`,
  ]);
  patchGlue(`${variant.dir}/glue.js`);
  console.log('build: optimising with wasm-opt');
  // rustc's wasm32 target emits these features by default; wasm-opt must be told it may keep them.
  run(`${root}node_modules/.bin/wasm-opt`, ['-Oz', '--converge', '--low-memory-unused', '--zero-filled-memory', ...features,
    '--strip-debug', '--strip-producers', '--strip-target-features', `${variant.dir}/glue_bg.wasm`, '-o', `${variant.dir}/glue_bg.wasm`]);
}
const wasmPath = `${generated}/glue_bg.wasm`;
const browserWasmPath = `${generated}/browser/glue_bg.wasm`;
const wasm = readFileSync(browserWasmPath);
if (!jsOnly) {
  for (const [file, module] of [[`${generated}/wasm.js`, wasmPath], [`${generated}/browser/wasm.js`, browserWasmPath]]) {
    // A function's body is only pre-parsed until its first call: importing the package does
    // not pay for a string of ~100 KB that a process which never fails never needs.
    writeFileSync(file, `// Generated by scripts/build.mjs: the optimised module, base64.\nexport function wasmBase64() {\n  return '${readFileSync(module).toString('base64')}';\n}\n`);
  }
  writeFileSync(`${generated}/tables.js`,
    execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'engine-tables'], { cwd: root }));
}

console.log('build: bundling the package');
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
// The three builds differ only in how the module is instantiated (js/init-*.js).
const initWith = (file, glue = `${generated}/glue.js`, browser = false) => ({
  name: 'init',
  setup(b) {
    b.onResolve({ filter: /^\.\/init\.js$/ }, () => ({ path: `${root}js/${file}` }));
    b.onResolve({ filter: /^\.\/generated\/glue\.js$/ }, () => ({ path: glue }));
    // The browser module has no budgets, breakers or infrastructure exports: stand-ins say so.
    if (browser) b.onResolve({ filter: /^\.\/(budget|breaker|store|slots|idempotency|adaptive|hedge|engine-overload)\.js$/ }, () => ({ path: `${root}js/browser/overload.js` }));
    if (browser) b.onResolve({ filter: /^\.\/infra\.js$/ }, () => ({ path: `${root}js/browser/infra.js` }));
    if (browser) b.onResolve({ filter: /^\.\/channels\.js$/ }, () => ({ path: `${root}js/browser/channels.js` }));
    if (browser) b.onResolve({ filter: /^\.\/generated\/wasm\.js$/ }, () => ({ path: `${generated}/browser/wasm.js` }));
  },
});
// NODE: whether this is a Node build. The browser build has no budgets, breakers, fleet
// coordination or environment reader; a constant each build defines, so the minifier drops the
// code behind `NODE &&`.
// Source maps (without the sources' text, which the package does not ship): stack frames
// name js/retry.js:120 instead of jitterbug.mjs:1:100327 (node --enable-source-maps).
const maps = { sourcemap: true, sourcesContent: false };
const common = { ...maps, entryPoints: [`${root}js/index.js`], bundle: true, minify: true, target: 'es2022',
  legalComments: 'none', logLevel: 'warning', logOverride: { 'empty-import-meta': 'silent' }, define: { NODE: 'true' } };
// The Node builds start from js/node.js: index.js and the Node-only exports (retryBatch).
const node = { ...common, entryPoints: [`${root}js/node.js`] };
await build({ ...node, format: 'cjs', platform: 'node', outfile: `${pkg}/jitterbug.cjs`, plugins: [initWith('init-sync.js')] });
await build({ ...node, format: 'esm', platform: 'neutral', outfile: `${pkg}/jitterbug.mjs`, plugins: [initWith('init-sync.js')] });
await build({ ...common, format: 'esm', platform: 'browser', outfile: `${pkg}/jitterbug.browser.mjs`, plugins: [initWith('init-async.js', `${generated}/browser/glue.js`, true)],
  define: { NODE: 'false' } });
// jitterbug/inline: the browser build with the module inlined and compiled on first use (no
// top-level await, no asset), as ESM and CommonJS (test runners that emulate a browser).
const inline = { ...common, platform: 'browser', plugins: [initWith('init-inline.js', `${generated}/browser/glue.js`, true)], define: { NODE: 'false' } };
await build({ ...inline, format: 'esm', outfile: `${pkg}/jitterbug.inline.mjs` });
await build({ ...inline, format: 'cjs', outfile: `${pkg}/jitterbug.inline.cjs` });

// jitterbug/cdk: imports the package itself by name (one engine, one Policy class) and leaves
// aws-cdk-lib to the user's project.
const cdk = { ...maps, entryPoints: [`${root}js/cdk.js`], bundle: true, minify: true, target: 'es2022', legalComments: 'none',
  logLevel: 'warning', platform: 'node', external: ['jitterbug', 'aws-cdk-lib', 'aws-cdk-lib/*'] };
await build({ ...cdk, format: 'esm', outfile: `${pkg}/cdk.mjs` });
await build({ ...cdk, format: 'cjs', outfile: `${pkg}/cdk.cjs` });
copyFileSync(`${root}js/cdk.d.ts`, `${pkg}/cdk.d.ts`);
copyFileSync(`${root}js/cdk.d.ts`, `${pkg}/cdk.d.cts`);

// jitterbug/redis: the same arrangement; the Redis client is the user's (node-redis or ioredis).
const redis = { ...cdk, entryPoints: [`${root}js/redis.js`] };
await build({ ...redis, format: 'esm', outfile: `${pkg}/redis.mjs` });
await build({ ...redis, format: 'cjs', outfile: `${pkg}/redis.cjs` });
copyFileSync(`${root}js/redis.d.ts`, `${pkg}/redis.d.ts`);
copyFileSync(`${root}js/redis.d.ts`, `${pkg}/redis.d.cts`);
// The observability adapters and the decorators (the same arrangement): each library is the
// user's, an optional peer.
for (const adapter of ['log', 'prometheus', 'powertools', 'otel', 'decorators']) {
  const options = { ...cdk, entryPoints: [`${root}js/${adapter}.js`], platform: 'neutral',
    external: ['jitterbug', 'prom-client', '@aws-lambda-powertools/*', '@opentelemetry/api'] };
  await build({ ...options, format: 'esm', outfile: `${pkg}/${adapter}.mjs` });
  await build({ ...options, format: 'cjs', outfile: `${pkg}/${adapter}.cjs` });
  copyFileSync(`${root}js/${adapter}.d.ts`, `${pkg}/${adapter}.d.ts`);
  copyFileSync(`${root}js/${adapter}.d.ts`, `${pkg}/${adapter}.d.cts`);
}
copyFileSync(browserWasmPath, `${pkg}/jitterbug.wasm`);
copyFileSync(`${root}js/index.d.ts`, `${pkg}/index.d.ts`);
copyFileSync(`${root}js/index.d.ts`, `${pkg}/index.d.cts`);
copyFileSync(`${root}README.md`, `${pkg}/README.md`);
const { version } = JSON.parse(readFileSync(`${root}js/package.template.json`, 'utf8'));
writeFileSync(`${pkg}/package.json`, readFileSync(`${root}js/package.template.json`, 'utf8'));

// Tests, the benchmark and the demonstration import the package by name, as users do.
rmSync(`${root}node_modules/jitterbug`, { recursive: true, force: true });
symlinkSync('../pkg', `${root}node_modules/jitterbug`);

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const browserJs = gz(`${pkg}/jitterbug.browser.mjs`);
const wasmGz = gz(`${pkg}/jitterbug.wasm`);
console.log(`build: pkg/ jitterbug ${version}: browser bundle ${browserJs + wasmGz} bytes gzipped (limit 20,480) ` +
  `(jitterbug.browser.mjs ${kb(statSync(`${pkg}/jitterbug.browser.mjs`).size)} minified, ${kb(browserJs)} gzipped; ` +
  `jitterbug.wasm ${kb(wasm.length)}, ${kb(wasmGz)} gzipped)`);
