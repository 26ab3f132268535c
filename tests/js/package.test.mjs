// The package as users get it: packed, installed, required, imported and bundled.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const esbuild = join(root, 'node_modules/.bin/esbuild');
let consumer; // a project with the packed tarball installed

const node = (args, cwd) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' }).trim();

// The same small program in each module system: build a policy, retry a flaky call.
const program = (importLine) => `${importLine}
let n = 0;
const policy = new Policy({ maxAttempts: 3, initialDelay: 1, maxDelay: 2, seed: 1 });
retry(async () => { if (++n < 3) throw new Error('flaky'); return 'ok after ' + n; }, policy)
  .then((v) => console.log(v, typeof RetryExhaustedError));`;

before(() => {
  consumer = mkdtempSync(join(tmpdir(), 'jitterbug-consumer-'));
  const tarball = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', consumer, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(consumer, tarball)], { cwd: consumer });
  // The optional peers of jitterbug/cdk, jitterbug/redis and the observability adapters, as a project using them has them
  // (linked from this workspace).
  for (const peer of ['aws-cdk-lib', 'constructs', 'redis', '@redis', 'ioredis', 'prom-client', '@opentelemetry', '@aws-lambda-powertools']) symlinkSync(join(root, 'node_modules', peer), join(consumer, 'node_modules', peer));
});

test('the tarball holds the three builds, the module, the types and no sources', () => {
  const listing = execFileSync('npm', ['pack', join(root, 'pkg'), '--dry-run', '--json'], { encoding: 'utf8' });
  const files = JSON.parse(listing)[0].files.map((f) => f.path).sort();
  assert.deepEqual(files, ['README.md', 'cdk.cjs', 'cdk.d.cts', 'cdk.d.ts', 'cdk.mjs', 'index.d.cts', 'index.d.ts', 'jitterbug.browser.mjs', 'jitterbug.cjs', 'jitterbug.inline.cjs', 'jitterbug.inline.mjs', 'jitterbug.mjs', 'jitterbug.wasm', 'package.json',
    'redis.cjs', 'redis.d.cts', 'redis.d.ts', 'redis.mjs',
    ...['log', 'prometheus', 'powertools', 'otel', 'decorators'].flatMap((adapter) => ['cjs', 'd.cts', 'd.ts', 'mjs'].map((ext) => `${adapter}.${ext}`))].flatMap((f) => /\.(c|m)?js$/.test(f) && !f.endsWith('.d.ts') ? [f, `${f}.map`] : [f]).sort());
});

test('require() from CommonJS', () => {
  writeFileSync(join(consumer, 'main.cjs'), program("const { retry, Policy, RetryExhaustedError } = require('jitterbug');"));
  assert.equal(node(['main.cjs'], consumer), 'ok after 3 function');
});

test('import from ESM', () => {
  writeFileSync(join(consumer, 'main.mjs'), program("import { retry, Policy, RetryExhaustedError } from 'jitterbug';"));
  assert.equal(node(['main.mjs'], consumer), 'ok after 3 function');
});

test('an esbuild bundle for Node (as CDK NodejsFunction makes it) needs no loader configuration', () => {
  for (const [entry, format] of [['main.mjs', 'cjs'], ['main.cjs', 'cjs'], ['main.mjs', 'esm']]) {
    const out = `bundle-${entry}-${format}.${format === 'esm' ? 'mjs' : 'cjs'}`;
    execFileSync(esbuild, [entry, '--bundle', '--platform=node', `--format=${format}`, `--outfile=${out}`, '--log-level=error'], { cwd: consumer });
    // Run the bundle from a directory without node_modules: everything must be inside it.
    const alone = mkdtempSync(join(tmpdir(), 'jitterbug-bundle-'));
    writeFileSync(join(alone, out), readFileSync(join(consumer, out)));
    assert.equal(node([out], alone), 'ok after 3 function', `${entry} → ${format}`);
    rmSync(alone, { recursive: true });
  }
});

test('the browser build is chosen by the browser condition and loads jitterbug.wasm beside it', () => {
  const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules/jitterbug/package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].browser.default, './jitterbug.browser.mjs');
  const source = readFileSync(join(consumer, 'node_modules/jitterbug/jitterbug.browser.mjs'), 'utf8');
  assert.match(source, /new URL\("jitterbug\.wasm",import\.meta\.url\)/);
  assert.doesNotMatch(source, /wasmBase64|[A-Za-z0-9+/]{2000}/, 'the browser build should not inline the module');
});

test('TypeScript declarations type-check a consumer (NodeNext, ESM and CommonJS)', () => {
  const tsc = join(root, 'node_modules/.bin/tsc');
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types')];
  // As `cdk init` writes a tsconfig: lib es2022 only (no DOM), Node's types, no skipLibCheck.
  const nodeOnly = [...args, '--lib', 'es2022'];
  for (const file of ['usage.mts', 'usage.cts']) {
    writeFileSync(join(consumer, file), readFileSync(join(root, 'tests/types', file)));
    execFileSync(tsc, [...args, file], { cwd: consumer, stdio: 'pipe' });
    try {
      execFileSync(tsc, [...nodeOnly, file], { cwd: consumer, stdio: 'pipe', encoding: 'utf8' });
    } catch (error) {
      assert.fail(`${file} under a Node-only tsconfig:\n${error.stdout}`);
    }
  }
  // And a misuse is rejected, so the check above is not vacuous.
  writeFileSync(join(consumer, 'misuse.mts'), "import { Policy } from 'jitterbug';\nnew Policy({ maxAttempts: '3' });\n");
  assert.throws(() => execFileSync(tsc, [...args, 'misuse.mts'], { cwd: consumer, stdio: 'pipe', encoding: 'utf8' }),
    (error) => /misuse\.mts.*not assignable to type 'number'/s.test(error.stdout));
  // A misspelt option is reported against the options, not against the Policy overload.
  writeFileSync(join(consumer, 'misspelt.mts'), "import { retry } from 'jitterbug';\nawait retry(async () => 1, { retries: 3 });\n");
  assert.throws(() => execFileSync(tsc, [...args, 'misspelt.mts'], { cwd: consumer, stdio: 'pipe', encoding: 'utf8' }),
    (error) => /'retries' does not exist in type 'RetryOptions'/.test(error.stdout) || assert.fail(error.stdout));
  // toJSON() has every field that is always there as present.
  writeFileSync(join(consumer, 'json.mts'), "import { Policy } from 'jitterbug';\nconst n: number = new Policy().toJSON().maxAttempts;\nconst l: string[] = new Policy().toJSON().retryOn;\nconst s: number | undefined = new Policy().toJSON().seed;\nvoid [n, l, s];\n");
  try {
    execFileSync(tsc, [...args, 'json.mts'], { cwd: consumer, stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    assert.fail(error.stdout);
  }
});

test('a Policy from the other build is refused clearly, not read as default options', () => {
  writeFileSync(join(consumer, 'dual.mjs'), `import { createRequire } from 'node:module';
import { retry } from 'jitterbug';
const { Policy } = createRequire(import.meta.url)('jitterbug');
import { toStepFunctionsRetry, toEnv, toAwsRetryStrategy } from 'jitterbug';
for (const use of [(p) => retry(async () => 1, p), toStepFunctionsRetry, toEnv, toAwsRetryStrategy]) {
  try { use(new Policy({ maxAttempts: 9 })); console.log('accepted'); }
  catch (error) { console.log(error.name, error.message.includes('another copy of jitterbug')); }
}`);
  assert.equal(node(['dual.mjs'], consumer), 'TypeError true\nTypeError true\nTypeError true\nTypeError true');
});

test('jitterbug/cdk loads from ESM and CommonJS and shares the main entry\'s Policy', () => {
  writeFileSync(join(consumer, 'cdk.mjs'), `import { Policy } from 'jitterbug';
import { toRetryProps } from 'jitterbug/cdk';
const props = toRetryProps(new Policy({ maxAttempts: 4, initialDelay: 2000 }), { errors: ['States.ALL'] });
console.log(props.maxAttempts, props.interval.toSeconds(), props.jitterStrategy);`);
  assert.equal(node(['cdk.mjs'], consumer), '3 2 FULL');
  writeFileSync(join(consumer, 'cdk.cjs'), `const { Policy } = require('jitterbug');
const { toRetryProps } = require('jitterbug/cdk');
console.log(toRetryProps(new Policy({ jitter: 'none' })).jitterStrategy);`);
  assert.equal(node(['cdk.cjs'], consumer), 'NONE');
});

test('every exported class keeps its name in the minified CommonJS and ESM builds', async () => {
  const esm = await import('jitterbug');
  const require = (await import('node:module')).createRequire(import.meta.url);
  const cjs = require('jitterbug');
  for (const build of [esm, cjs]) {
    const classes = Object.entries(build).filter(([, v]) => typeof v === 'function' && /^class\b/.test(String(v)));
    assert.deepEqual(classes.map(([name]) => name).sort(), ['AdaptiveRate', 'AttemptTimeoutError', 'CircuitBreaker', 'CircuitOpenError',
      'CoordinationError', 'HedgeLostError', 'HttpStatusError', 'Idempotency', 'IdempotencyError', 'MemoryStore', 'Policy', 'RetryBudget',
      'RetryExhaustedError', 'RetrySlots']);
    for (const [exported, Class] of classes) assert.equal(Class.name, exported);
  }
  // So a class can be named in abortOn, and logs print the class.
  const { retry, AttemptTimeoutError, RetryExhaustedError } = esm;
  const timedOut = await retry(() => new Promise(() => {}), { attemptTimeout: 5, abortOn: ['AttemptTimeoutError'] }).catch((e) => e);
  assert.ok(timedOut instanceof AttemptTimeoutError, String(timedOut));
  const exhausted = await retry(async () => { throw new Error('x'); }, { maxAttempts: 1 }).catch((e) => e);
  assert.ok(exhausted instanceof RetryExhaustedError);
  assert.match((await import('node:util')).inspect(exhausted), /^RetryExhaustedError: Gave up/);
});

test('stack frames point at the package\'s sources (source maps ship with every build)', () => {
  writeFileSync(join(consumer, 'stack.mjs'), `import { retry } from 'jitterbug';
try { retry(async () => 1, { maxAttempts: 'three' }); } catch (error) { console.log(error.stack); }`);
  writeFileSync(join(consumer, 'stack.cjs'), `const { retry } = require('jitterbug');
try { retry(async () => 1, { maxAttempts: 'three' }); } catch (error) { console.log(error.stack); }`);
  for (const file of ['stack.mjs', 'stack.cjs']) {
    const stack = execFileSync(process.execPath, ['--enable-source-maps', file], { cwd: consumer, encoding: 'utf8' });
    assert.match(stack, /js\/options\.js:\d+:\d+/, `${file}: ${stack}`);
  }
});

test('every devDependency runs on this Node (no engine warnings on install)', () => {
  const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const [major, minor] = process.versions.node.split('.').map(Number);
  // The forms packages use: ">=20", ">= 20.0.0", "^18.0.0 || >=20.0.0", ">=16.20.0".
  const fits = (range) => range.split('||').some((alternative) => {
    const m = /^\s*(>=|\^)?\s*(\d+)(?:\.(\d+))?/.exec(alternative);
    if (!m) return true;
    const [, op, wantMajor, wantMinor = '0'] = m;
    if (op === '^') return major === Number(wantMajor) && minor >= Number(wantMinor);
    return major > Number(wantMajor) || (major === Number(wantMajor) && minor >= Number(wantMinor));
  });
  const misfits = Object.keys(devDependencies).filter((name) => {
    const engines = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).engines;
    return typeof engines?.node === 'string' && !fits(engines.node);
  });
  assert.deepEqual(misfits, [], `need a newer Node than ${process.versions.node}`);
});
