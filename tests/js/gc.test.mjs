// Garbage collection of many engine objects must never stall the event loop: the WebAssembly
// allocator frees in constant time. Each case runs in a child process with --expose-gc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const fixture = new URL('./fixtures/gc-stall.mjs', import.meta.url).pathname;

function longestBlock(kind, count) {
  const out = execFileSync(process.execPath, ['--expose-gc', fixture, String(count), kind], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).longestBlockMs;
}

// The allocator this replaced blocked for 2–5 s on 60,000 policies. A plain JavaScript
// decorator's collection blocks for ~20 ms; 250 ms leaves room for a slow, shared machine
// while still failing on any allocator whose free is linear in its free list.
for (const kind of ['policy', 'budget', 'breaker']) {
  test(`dropping 60,000 ${kind} objects blocks the event loop for less than 250 ms`, () => {
    const ms = longestBlock(kind, 60_000);
    assert.ok(ms < 250, `the event loop was blocked for ${ms} ms`);
  });
}
