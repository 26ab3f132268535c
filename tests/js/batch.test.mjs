// retryBatch: only the items that failed are sent again, under one schedule. The functions here
// answer from a script, so each sequence of pending items is pinned exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveRate, AttemptTimeoutError, CircuitBreaker, HttpStatusError, Idempotency, MemoryStore, Policy, RetryBudget, RetrySlots, retry, retryBatch } from 'jitterbug';

const fulfilled = (value) => ({ status: 'fulfilled', value });
const rejected = (reason) => ({ status: 'rejected', reason });
const named = (name, message = name) => Object.assign(new Error(message), { name });
const fast = { initialDelay: 1, maxDelay: 1, jitter: 'none' };

test('only the items that failed are sent again, until each has succeeded', async () => {
  const sent = [];
  const retries = [];
  // Each attempt fails the first item it is sent, until one item is left.
  const outcomes = await retryBatch(['a', 'b', 'c', 'd'], async (pending, { attempt }) => {
    sent.push([attempt, pending.join('')]);
    return pending.map((item, k) => (k === 0 && pending.length > 1 ? rejected(named('Unprocessed')) : fulfilled(item.toUpperCase())));
  }, { ...fast, maxAttempts: 5, onRetry: ({ attempt, pending, delay, error }) => retries.push([attempt, pending, delay, error.name]) });
  assert.deepEqual(sent, [[1, 'abcd'], [2, 'a']]);
  assert.deepEqual(retries, [[1, 1, 1, 'Unprocessed']]);
  assert.deepEqual(outcomes, [
    { status: 'fulfilled', value: 'A', attempts: 2 },
    { status: 'fulfilled', value: 'B', attempts: 1 },
    { status: 'fulfilled', value: 'C', attempts: 1 },
    { status: 'fulfilled', value: 'D', attempts: 1 },
  ]);
});

test('an item whose error is not retried fails for good and is not sent again; the others go on', async () => {
  const sent = [];
  const outcomes = await retryBatch([1, 2, 3], async (pending) => {
    sent.push([...pending]);
    return pending.map((n) => (n === 2 ? rejected(named('ValidationException')) : n === 3 && sent.length === 1 ? rejected(named('Busy')) : fulfilled(n * 10)));
  }, { ...fast, abortOn: ['ValidationException'] });
  assert.deepEqual(sent, [[1, 2, 3], [3]]);
  assert.deepEqual(outcomes.map((o) => [o.status, o.value ?? o.reason.name, o.attempts]),
    [['fulfilled', 10, 1], ['rejected', 'ValidationException', 1], ['fulfilled', 30, 2]]);
});

test('failFast stops at the first item that fails for good: the pending items keep their last failure', async () => {
  const events = [];
  let calls = 0;
  const outcomes = await retryBatch(['x', 'y', 'z'], async (pending) => {
    calls += 1;
    return pending.map((item) => (item === 'x' ? fulfilled(item) : item === 'y' ? rejected(named('ValidationException')) : rejected(named('Busy'))));
  }, { ...fast, abortOn: ['ValidationException'], failFast: true, onEvent: (e) => events.push(`${e.type} ${e.reason ?? ''}`.trim()) });
  assert.equal(calls, 1);
  assert.deepEqual(outcomes.map((o) => [o.status, o.value ?? o.reason.name]), [['fulfilled', 'x'], ['rejected', 'ValidationException'], ['rejected', 'Busy']]);
  assert.deepEqual(events, ['attempt', 'giveUp notRetryable']);
});

test('when attempts run out the pending items keep their last failure (giveUp: attempts)', async () => {
  const events = [];
  let attempts = 0;
  const outcomes = await retryBatch(['p', 'q'], async (pending, { attempt }) => {
    attempts = attempt;
    return pending.map((item) => (item === 'p' ? fulfilled(item) : rejected(named('Busy', `busy ${attempt}`))));
  }, { ...fast, maxAttempts: 3, onEvent: (e) => events.push(e.type === 'giveUp' ? `giveUp ${e.reason} ${e.attempts}` : e.type) });
  assert.equal(attempts, 3);
  assert.deepEqual(outcomes[1], { status: 'rejected', reason: outcomes[1].reason, attempts: 3 });
  assert.equal(outcomes[1].reason.message, 'busy 3');
  assert.deepEqual(events, ['attempt', 'retry', 'attempt', 'retry', 'attempt', 'giveUp attempts 3']);
});

test('a batch call that throws fails every pending item, and they are all sent again', async () => {
  const sent = [];
  const outcomes = await retryBatch(['a', 'b'], async (pending) => {
    sent.push(pending.length);
    if (sent.length === 1) throw named('ECONNRESET');
    return pending.map(fulfilled);
  }, fast);
  assert.deepEqual(sent, [2, 2]);
  assert.deepEqual(outcomes.map((o) => o.attempts), [2, 2]);
});

test('the most demanding failure of an attempt sets the wait: a throttled item waits throttlingDelay', async () => {
  const delays = [];
  let round = 0;
  await retryBatch(['a', 'b', 'c'], async (pending) => {
    round += 1;
    if (round === 1) return [rejected(named('Busy')), rejected(named('ThrottlingException')), fulfilled('c')];
    if (round === 2) return [rejected(named('Busy')), fulfilled('b')];
    return pending.map(fulfilled);
  }, { initialDelay: 5, throttlingDelay: 40, jitter: 'none', throttlingOn: ['ThrottlingException'], onRetry: ({ delay }) => delays.push(delay) });
  // Retry 1 after a throttled item: 40 ms; retry 2 after an ordinary error: 5 × 2.
  assert.deepEqual(delays, [40, 10]);
});

test('a retry of the batch pays a retry budget once, whatever the number of items; a full success refunds it', async () => {
  const budget = new RetryBudget({ capacity: 20, retryCost: 5 });
  let round = 0;
  const duringRetry = [];
  await retryBatch(Array.from({ length: 25 }, (_, i) => i), async (pending) => {
    round += 1;
    return pending.map((n) => (round === 1 ? rejected(named('Busy')) : fulfilled(n)));
  }, { ...fast, budget, onRetry: () => duringRetry.push(budget.tokens) });
  assert.equal(round, 2);
  // (Read in onRetry, asserted here: an assertion thrown inside onRetry would be swallowed.)
  assert.deepEqual(duringRetry, [15]);
  assert.equal(budget.tokens, 20);
  // A budget that cannot pay stops the batch: giveUp with reason 'budget'.
  const poor = new RetryBudget({ capacity: 20, retryCost: 5, tokens: 4 });
  const reasons = [];
  const outcomes = await retryBatch(['a'], async () => [rejected(named('Busy'))], { ...fast, budget: poor, onEvent: (e) => e.type === 'giveUp' && reasons.push(e.reason) });
  assert.deepEqual(reasons, ['budget']);
  assert.equal(outcomes[0].attempts, 1);
});

test('with a Policy, the per-call options (failFast among them) come fourth', async () => {
  const policy = new Policy({ ...fast, abortOn: ['Bad'] });
  let calls = 0;
  const outcomes = await retryBatch(['a', 'b'], async (pending) => {
    calls += 1;
    return pending.map((item) => (item === 'a' ? rejected(named('Bad')) : rejected(named('Busy'))));
  }, policy, { failFast: true });
  assert.equal(calls, 1);
  assert.deepEqual(outcomes.map((o) => o.reason.name), ['Bad', 'Busy']);
});

test('an abort while waiting rejects with the reason, and gives the budget its retry back', async () => {
  const budget = new RetryBudget({ capacity: 20, retryCost: 5 });
  const controller = new AbortController();
  const call = retryBatch(['a'], async () => [rejected(named('Busy'))], { initialDelay: 5000, maxDelay: 5000, jitter: 'none', budget, signal: controller.signal,
    onRetry: () => setImmediate(() => controller.abort(new Error('stop'))) });
  await assert.rejects(call, /stop/);
  assert.equal(budget.tokens, 20);
});

test('an empty batch resolves at once without calling the function', async () => {
  let called = false;
  assert.deepEqual(await retryBatch([], async () => { called = true; return []; }), []);
  assert.equal(called, false);
});

test('bad use is a clear error naming what is wrong', async () => {
  await assert.rejects(retryBatch(42, async () => []), { name: 'TypeError', message: '`items` must be an array (or iterable) of items, got 42' });
  await assert.rejects(retryBatch('ab', async () => []), { name: 'TypeError', message: "`items` must be an array (or iterable) of items, got 'ab'" });
  await assert.rejects(retryBatch([1], 'fn'), { name: 'TypeError', message: "`fn` must be a function, got 'fn'" });
  await assert.rejects(retryBatch([1], async () => [], { failFast: 'yes' }), { name: 'TypeError', message: "`failFast` must be a boolean, got 'yes'" });
  await assert.rejects(retryBatch([1], async () => [], {}, {}), { name: 'TypeError', message: /only read with a Policy/ });
  await assert.rejects(retryBatch([1, 2], async () => [fulfilled(1)]), { name: 'TypeError', message: /one settled result per pending item.*got 1 results for 2 pending items$/ });
  await assert.rejects(retryBatch([1], async () => 'done'), { name: 'TypeError', message: /got 'done' for 1 pending items$/ });
  await assert.rejects(retryBatch([1], async () => [1]), { name: 'TypeError', message: /item 0 is 1$/ });
  await assert.rejects(retryBatch([1], async () => [], { maxAttempts: 0 }), { name: 'RangeError', message: /`maxAttempts` must be/ });
});

test('what a batch cannot honour is refused by name, never ignored: retryIf, retryOnResult, a backoff function, a rate, slots, hedging', async () => {
  const batch = (options, call) => retryBatch([1], async (pending) => pending.map(fulfilled), options, call);
  await assert.rejects(batch({ retryIf: () => true }), { name: 'TypeError', message: /^`retryIf` does not apply to retryBatch: classify item errors with retryOn/ });
  await assert.rejects(batch({ retryOnResult: () => false }), { name: 'TypeError', message: /^`retryOnResult` does not apply to retryBatch/ });
  await assert.rejects(batch({ backoff: () => 5 }), { name: 'TypeError', message: /^`backoff` does not apply to retryBatch: a backoff function/ });
  await assert.rejects(batch({ rate: new AdaptiveRate() }), { name: 'TypeError', message: /^`rate` does not apply to retryBatch/ });
  await assert.rejects(batch({ hedgeDelay: 10 }), { name: 'TypeError', message: /^`hedgeDelay` does not apply to retryBatch/ });
  const once = new Idempotency({ store: new MemoryStore() });
  await assert.rejects(batch(new Policy(), { idempotency: once }), { name: 'TypeError', message: /^`idempotency` does not apply to retryBatch/ });
  await assert.rejects(batch(new Policy(), { idempotency: once, idempotencyKey: 'k' }), { name: 'TypeError', message: /^`idempotency` does not apply/ });
  await assert.rejects(batch(new Policy(), { idempotencyKey: 'k' }), { name: 'TypeError', message: /^`idempotencyKey` does not apply to retryBatch/ });
  await assert.rejects(batch(new Policy({ slotWidth: 50 }), { slots: new RetrySlots({ store: new MemoryStore(), key: 'batch', limit: 5 }) }), { name: 'TypeError', message: /^`slots` does not apply to retryBatch/ });
  await assert.rejects(batch(new Policy(), { retryIf: () => true }), { name: 'TypeError', message: /^`retryIf` does not apply/ });
  // A backoff named or listed is the schedule's, and applies.
  assert.deepEqual(await batch({ backoff: [1, 2] }), [{ status: 'fulfilled', value: 1, attempts: 1 }]);
});

test('onGiveUp hears why a batch stopped with items that failed; its own error is reported, never the batch\'s', async () => {
  const heard = [];
  const outcomes = await retryBatch(['a'], async () => [rejected(named('Bad'))], { ...fast, abortOn: ['Bad'],
    onGiveUp: ({ reason, attempts, error }) => { heard.push([reason, attempts, error.name]); throw new Error('listener broke'); } });
  assert.deepEqual(heard, [['notRetryable', 1, 'Bad']]);
  assert.equal(outcomes[0].reason.name, 'Bad');
});

test('a retry of the batch refused by an open circuit is not sent: its price goes back and each item keeps its last failure', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 1, minimumCalls: 1, openDelay: 60_000 });
  const budget = new RetryBudget({ capacity: 20, retryCost: 5 });
  const reasons = [];
  let calls = 0;
  const outcomes = await retryBatch(['a', 'b'], async (pending) => {
    calls += 1;
    return pending.map((item) => (item === 'a' ? fulfilled(item) : rejected(named('Busy'))));
  }, { initialDelay: 30, maxDelay: 30, jitter: 'none', breaker, budget,
    // Another call opens the circuit while the batch waits for its retry.
    onRetry: () => { retry(() => Promise.reject(new Error('down')), { maxAttempts: 1, breaker }).catch(() => {}); },
    onGiveUp: ({ reason, attempts }) => reasons.push([reason, attempts]) });
  assert.equal(calls, 1);
  assert.deepEqual(reasons, [['circuitOpen', 1]]);
  assert.deepEqual(outcomes.map((o) => [o.status, o.value ?? o.reason.name, o.attempts]), [['fulfilled', 'a', 1], ['rejected', 'Busy', 1]]);
  assert.equal(budget.tokens, 20);
});

test('an attempt cut off at the deadline was sent: the batch stops, and the retry it cost is not given back', async () => {
  const budget = new RetryBudget({ capacity: 20, retryCost: 5 });
  const reasons = [];
  const outcomes = await retryBatch(['a'], (pending, { attempt, signal }) => (attempt === 1 ? [rejected(named('Busy'))]
    : new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))),
  { ...fast, maxElapsed: 300, budget, onGiveUp: ({ reason, attempts }) => reasons.push([reason, attempts]) });
  assert.deepEqual(reasons, [['deadline', 2]]);
  assert.ok(outcomes[0].reason instanceof AttemptTimeoutError);
  assert.equal(outcomes[0].attempts, 2);
  assert.equal(budget.tokens, 15);
});

test('an abort while waiting gives a shared budget its retry back too', async () => {
  const store = new MemoryStore();
  const budget = new RetryBudget({ store, key: 'batches', capacity: 20, retryCost: 5 });
  const controller = new AbortController();
  const call = retryBatch(['a'], async () => [rejected(named('Busy'))], { initialDelay: 5000, maxDelay: 5000, jitter: 'none', budget, signal: controller.signal,
    onRetry: () => setImmediate(() => controller.abort(new Error('stop'))) });
  await assert.rejects(call, /stop/);
  await budget.flush();
  assert.equal(await store.tokens('batches', 20), 20);
});

test('an item failing with an HTTP status is retried by its status, whatever retryOn lists', async () => {
  let calls = 0;
  const outcomes = await retryBatch(['a'], async () => {
    calls += 1;
    return [calls === 1 ? rejected(new HttpStatusError(new Response(null, { status: 503 }))) : fulfilled('ok')];
  }, { ...fast, retryOn: ['ECONNRESET'] });
  assert.equal(calls, 2);
  assert.equal(outcomes[0].value, 'ok');
});

test('an onRetry that throws or rejects does not break the batch', async () => {
  let round = 0;
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    for (const onRetry of [() => { throw new Error('sync'); }, async () => { throw new Error('async'); }]) {
      round = 0;
      const outcomes = await retryBatch(['a'], async () => [(round += 1) === 1 ? rejected(named('Busy')) : fulfilled('ok')], { ...fast, onRetry });
      assert.equal(outcomes[0].value, 'ok');
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('the longest wait a failed item asked for (its retryAfter) is the batch\'s', async () => {
  const delays = [];
  let round = 0;
  await retryBatch(['a', 'b', 'c'], async (pending) => {
    round += 1;
    if (round > 1) return pending.map(fulfilled);
    return [rejected(Object.assign(named('Busy'), { retryAfter: 30 })), rejected(Object.assign(named('Busy'), { retryAfter: 45 })), rejected(named('Busy'))];
  }, { ...fast, maxRetryAfter: 100, onRetry: ({ delay }) => delays.push(delay) });
  assert.deepEqual(delays, [45]);
});
