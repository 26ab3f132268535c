// @retryable() from jitterbug/decorators, as TypeScript users write it: compiled by tsc with
// TypeScript 5's standard decorators and with `experimentalDecorators`, and by esbuild, then
// run; and type-checked, misuses included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Policy } from 'jitterbug';
import { retryable } from 'jitterbug/decorators';

const root = new URL('../../', import.meta.url).pathname;
const work = `${root}target/decorator-tests`;
const bin = (name) => `${root}node_modules/.bin/${name}`;
const tsc = ['--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--strict', '--types', 'node', '--typeRoots', `${root}node_modules/@types`];
const expected = ['order 42 after 3 attempts', 'attempts after 2', 'bare: defaults', '6'].join('\n');

function fresh(name) {
  const dir = `${work}/${name}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type: 'module' }));
  copyFileSync(`${root}tests/js/fixtures/decorated.ts`, `${dir}/decorated.mts`);
  return dir;
}
const run = (file) => execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();

test('tsc with standard decorators: each call retried, `this` and arguments kept', () => {
  const dir = fresh('standard');
  execFileSync(bin('tsc'), [...tsc, '--rootDir', dir, '--outDir', dir, `${dir}/decorated.mts`], { cwd: dir, encoding: 'utf8' });
  assert.equal(run(`${dir}/decorated.mjs`), expected);
});

test('tsc with experimentalDecorators (legacy, as NestJS projects compile)', () => {
  const dir = fresh('legacy');
  execFileSync(bin('tsc'), [...tsc, '--experimentalDecorators', '--rootDir', dir, '--outDir', dir, `${dir}/decorated.mts`], { cwd: dir, encoding: 'utf8' });
  assert.equal(run(`${dir}/decorated.mjs`), expected);
});

test('esbuild, which lowers standard decorators itself', () => {
  const dir = fresh('esbuild');
  execFileSync(bin('esbuild'), [`${dir}/decorated.mts`, '--format=esm', '--target=es2022', `--outfile=${dir}/decorated.mjs`, '--log-level=error'], { cwd: dir });
  assert.equal(run(`${dir}/decorated.mjs`), expected);
});

test('the types refuse a decorator on a field, on a method that is not async, and bad options', () => {
  const dir = fresh('misuse');
  const cases = {
    'field.mts': 'class A { @retryable() n = 1; }',
    'sync.mts': 'class A { @retryable() m(): number { return 1; } }',
    'options.mts': "class A { @retryable({ maxAttempts: '3' }) async m() { return 1; } }",
  };
  for (const [file, body] of Object.entries(cases)) {
    writeFileSync(`${dir}/${file}`, `import { retryable } from 'jitterbug/decorators';\n${body}\nvoid A;\n`);
    assert.throws(() => execFileSync(bin('tsc'), [...tsc, '--rootDir', dir, '--noEmit', `${dir}/${file}`], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }),
      (error) => new RegExp(`${file.replace('.', '\\.')}.*error TS`).test(error.stdout) || assert.fail(`${file}: ${error.stdout}`), file);
  }
});

test('bad use is a clear error when the class is defined, not at the first call', () => {
  assert.throws(() => retryable({ maxAttempts: 0 }), { name: 'RangeError', message: /`maxAttempts` must be an integer from 1/ });
  assert.throws(() => retryable('fast'), { name: 'TypeError', message: "@retryable() takes a Policy or policy options, got 'fast'" });
  assert.throws(() => retryable({}, 'extra'), { name: 'TypeError', message: /takes a Policy or policy options/ });
  assert.throws(() => retryable(null), { name: 'TypeError', message: '@retryable() takes a Policy or policy options, got null' });
  // A function alone is neither options nor a decorator's arguments (those come with a context).
  assert.throws(() => retryable(async () => 1), { name: 'TypeError', message: '@retryable() takes a Policy or policy options, got a function' });
  const decorate = retryable(new Policy());
  assert.throws(() => decorate(undefined, { kind: 'field', name: 'n' }), { name: 'TypeError', message: '@retryable() decorates class methods, not a field (`n`)' });
  assert.throws(() => decorate(function size() {}, { kind: 'getter', name: 'size' }), { name: 'TypeError', message: '@retryable() decorates class methods, not a getter (`size`)' });
  assert.throws(() => decorate({}, 'size', { get() { return 1; } }), { name: 'TypeError', message: '@retryable() decorates class methods, not `size` (an accessor or a field)' });
});
