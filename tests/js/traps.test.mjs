// If the engine ever traps, it stops with one clear error instead of answering from a state
// the trap left half-updated. No input is known to cause a trap, so a real module that traps
// (hand-assembled: `f` executes `unreachable`, `g` returns 42) stands in for the engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { guardTraps } from '../../js/traps.js';

const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7f, // types: () -> (), () -> i32
  0x03, 0x03, 0x02, 0x00, 0x01, // functions
  0x07, 0x09, 0x02, 0x01, 0x66, 0x00, 0x00, 0x01, 0x67, 0x00, 0x01, // exports f, g
  0x0a, 0x0a, 0x02, 0x03, 0x00, 0x00, 0x0b, 0x04, 0x00, 0x41, 0x2a, 0x0b, // f: unreachable; g: 42
]);

test('a trap stops the engine: that call and every later one throw one clear error', () => {
  const { instance } = { instance: new WebAssembly.Instance(new WebAssembly.Module(bytes)) };
  const engine = guardTraps(instance.exports);
  assert.equal(engine.g(), 42);
  let first;
  assert.throws(() => engine.f(), (error) => {
    first = error;
    assert.equal(error.constructor, Error);
    assert.match(error.message, /^jitterbug's engine stopped after an internal error \(unreachable\), a bug to report; every later call fails/);
    assert.ok(error.cause instanceof WebAssembly.RuntimeError);
    return true;
  });
  assert.throws(() => engine.g(), (error) => error === first, 'later calls fail with the same error');
});

test('errors that are not traps pass through and leave the engine working', () => {
  const typeError = new TypeError('`maxAttempts` must be a number');
  const engine = guardTraps({ check() { throw typeError; }, answer: (a, b) => a + b, memory: 'not a function' });
  assert.throws(() => engine.check(), (error) => error === typeError);
  assert.equal(engine.answer(40, 2), 42);
  assert.equal(engine.memory, 'not a function');
});

test('the built package guards its engine', () => {
  const bundle = readFileSync(new URL('../../pkg/jitterbug.mjs', import.meta.url), 'utf8');
  assert.match(bundle, /jitterbug's engine stopped after an internal error/);
});
