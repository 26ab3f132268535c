// AdaptiveRate with retry(): off until a service throttles, then every attempt paced by the
// engine's token bucket. The waits are pinned on a fake clock (in a process of its own:
// tests/js/fixtures/adaptive-clock.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { AdaptiveRate, retry } from 'jitterbug';

const root = new URL('../../', import.meta.url).pathname;
const report = JSON.parse(execFileSync(process.execPath, ['tests/js/fixtures/adaptive-clock.mjs'], { cwd: root, encoding: 'utf8' }));

test('off until a throttling error: 50 calls and a retried error that is not throttling take no time', () => {
  assert.deepEqual(report.off, { waited: 0, busyWait: 1, enabled: false, fillRate: 0.5 });
});

test('a throttling error switches it on: the retry waits 2000 ms (a token at 0.5/s), the next call 625 ms (1.6/s)', () => {
  // Throttled at 0 ms with nothing measured yet: the rate falls to its minimum, 0.5/s, so the
  // retry waits a whole token. Its success at 2000 ms measures 2 requests over 2 s (0.8/s after
  // smoothing); the CUBIC curve allows 0.4 * 2^3 = 3.2/s, capped at twice the measured rate: 1.6/s.
  // (The engine's numbers from here on: each next wait follows from the rate the last success left.)
  assert.deepEqual(report.on, { retryWait: 2000, result: 'ok', calls: 2, enabled: true, fillRate: 1.6, measuredRate: 0.8, nextWait: 625,
    heardWait: 285, events: ['attempt success', 'success 1'] });
});

test('within a deadline long enough the wait is made; an attempt running on after its wait is still cut at the deadline', () => {
  assert.deepEqual(report.within, { wait: 893, result: 'in time', stuck: { took: 3000, reason: 'deadline', elapsed: 3000 } });
});

test('a wait for a token that would pass the deadline is not begun (the call stops with "deadline"); an abort ends a wait', () => {
  // 1 ms: the clock's first tick, which runs the retry's 0 ms wait (an immediate); no token wait.
  assert.deepEqual(report.deadline, { lateWait: 1, calls: 1, exhausted: true, reason: 'deadline', elapsed: 1,
    cause: 'Attempt 2 was cut off after 800 ms, at the call\'s deadline (maxElapsed)' });
  assert.deepEqual(report.abort, { message: 'stop', ran: false });
});

test('a retry the budget paid for but that never went (its wait aborted, or refused at the deadline) is given back', () => {
  assert.deepEqual(report.budget, { midWait: 495, message: 'stop', afterAbort: 500, refusedReason: 'deadline', afterRefusal: 500 });
});

test('a hedge waits for its token as any attempt does', () => {
  // Throttled once, the rate lets an attempt go every ~626 ms: the first waits for a token, and
  // the hedge (due 10 ms after the first began) for the next one.
  const { unsent, ...hedge } = report.hedge;
  assert.deepEqual(hedge, { took: 1252, result: 'hedge', starts: [[1, 626], [2, 1252]], fillRate: 2.048 });
  // A hedge still waiting for its token when the first attempt won was never sent: its price
  // (5) goes back to the budget; the success adds its 1.
  assert.deepEqual(unsent, { result: 'first', sent: [1], midway: [395], after: 401 });
});

test('bad use is a clear error', () => {
  assert.throws(() => retry(async () => 1, { rate: {} }), { name: 'TypeError', message: '`rate` must be an AdaptiveRate, got [object Object]' });
  assert.throws(() => new AdaptiveRate({ beta: 0.5 }), { name: 'TypeError', message: /AdaptiveRate takes no options/ });
  assert.throws(() => new AdaptiveRate(null), { name: 'TypeError', message: /AdaptiveRate takes no options/ });
});
