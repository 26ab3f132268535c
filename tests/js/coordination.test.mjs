// Shared budgets, retry slots and idempotency in the retry loop, on the in-process store and on
// stores that fail on purpose (the Redis store itself is tested in redis.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, CircuitOpenError, Idempotency, IdempotencyError, MemoryStore, Policy, RetryBudget, RetrySlots,
  RetryExhaustedError, presets, retry, toEnv } from 'jitterbug';

const fast = { initialDelay: 0, maxDelay: 0 };
const down = async () => { throw new Error('down'); };
const failsThen = (n, value = 'ok') => async ({ attempt }) => { if (attempt <= n) throw new Error(`failure ${attempt}`); return value; };

test('the retry standard\'s presets carry its slots and idempotency TTL, and they travel through the environment', () => {
  const json = presets.aggressive.toJSON();
  assert.deepEqual([json.slotCount, json.slotWidth, json.idempotencyTtl], [20, 50, 1_800_000]);
  assert.deepEqual([presets.conservative.toJSON().slotWidth, presets.awsStandard.toJSON().slotWidth], [200, undefined]);
  const env = toEnv(presets.default);
  assert.deepEqual([env.RETRY_SLOT_COUNT, env.RETRY_SLOT_WIDTH, env.RETRY_IDEMPOTENCY_TTL], ['10', '0.1', '3600']);
  assert.deepEqual(Policy.fromEnv(env).toJSON(), presets.default.toJSON());
  assert.throws(() => new Policy({ slotWidth: 0.5 }), { name: 'RangeError', message: '`slotWidth` must be a number of ms from 1 to 2147483647, got 0.5' });
  assert.throws(() => new Policy({ slotCount: 1001 }), { name: 'RangeError', message: '`slotCount` must be an integer from 1 to 1000, got 1001' });
  assert.throws(() => new Policy({ idempotencyTtl: 1.5 }), { name: 'RangeError', message: /`idempotencyTtl` must be a whole number of ms from 1/ });
  assert.throws(() => Policy.fromEnv({ RETRY_SLOT_WIDTH: 'soon' }), { name: 'TypeError', message: /RETRY_SLOT_WIDTH.*a number of seconds/ });
});

test('guards refuse bad options by name', () => {
  const store = new MemoryStore();
  assert.throws(() => new RetryBudget({ key: 'k' }), { name: 'TypeError', message: /`store` must be a coordination store when `key`/ });
  assert.throws(() => new RetryBudget({ store, key: '' }), { name: 'TypeError', message: "`key` must be a non-empty string, got ''" });
  assert.throws(() => new RetryBudget({ store: {}, key: 'k' }), { name: 'TypeError', message: /`store` must be a coordination store/ });
  assert.throws(() => new RetryBudget({ store, key: 'k', tokens: 3 }), { name: 'TypeError', message: /`tokens` sets a local budget/ });
  const own = { ...Object.fromEntries(['clock', 'take', 'give', 'tokens', 'reserveSlot', 'claim', 'complete', 'release'].map((op) => [op, () => {}])) };
  assert.ok(new RetrySlots({ store: own, key: 'k', limit: 1 }), 'a store of the user\'s own');
  assert.throws(() => new RetrySlots({ store: { ...own, timeout: '50' }, key: 'k', limit: 1 }), { name: 'TypeError', message: "`store.timeout` must be a number of ms from 1 to 2147483647, got '50'" });
  assert.throws(() => new RetrySlots({ store: { ...own, failOpen: 0 }, key: 'k', limit: 1 }), { name: 'TypeError', message: '`store.failOpen` must be true or false, got 0' });
  assert.throws(() => new Idempotency({ store: { ...own, take: 1 } }), { name: 'TypeError', message: /`store` must be a coordination store/ });
  assert.throws(() => new RetryBudget({ store, key: 'k', flushInterval: 0.5 }), { name: 'TypeError', message: /`flushInterval` must be a number of ms from 1/ });
  assert.ok(new RetryBudget({ store, key: 'k', flushInterval: 1 }), 'flushInterval 1 is the least');
  assert.ok(new RetryBudget({ store, key: 'k', flushInterval: 2_147_483_647 }), 'and 2^31 − 1 the most');
  assert.throws(() => new RetryBudget({ store, key: 'k', flushInterval: 2_147_483_648 }), { name: 'TypeError', message: /`flushInterval`/ });
  assert.throws(() => new RetryBudget({ store, key: 'k' }).snapshot(), { name: 'TypeError', message: /A shared budget lives in its store/ });
  assert.throws(() => new RetrySlots({ key: 'k', limit: 0 }), { name: 'TypeError', message: /`limit` must be an integer from 1/ });
  assert.throws(() => new RetrySlots({ key: 'k', limit: 2, width: 5 }), { name: 'TypeError', message: /Unknown retry slots option `width`/ });
  assert.throws(() => new RetrySlots(), { name: 'TypeError', message: /`options` must be an object/ });
  assert.throws(() => new Idempotency({ ttl: 0 }), { name: 'TypeError', message: '`ttl` must be a whole number of ms from 1 to 2147483647, got 0' });
  assert.throws(() => new Idempotency({ lockTTL: 5 }), { name: 'TypeError', message: /Unknown idempotency option `lockTTL`/ });
  const slots = new RetrySlots({ key: 'k', limit: 2 });
  assert.throws(() => retry(down, { slots }), { name: 'TypeError', message: /`slots` needs a policy with `slotWidth`/ });
  assert.throws(() => new Policy().execute(down, { slots }), { name: 'TypeError', message: /`slots` needs a policy with `slotWidth`/ });
  assert.throws(() => new Policy({ slots: {} }), { name: 'TypeError', message: /`slots` must be a RetrySlots/ });
  assert.throws(() => new Policy({ idempotencyKey: 'k' }), { name: 'TypeError', message: /`idempotencyKey` belongs to a call/ });
  assert.throws(() => retry(down, { idempotencyKey: 'k' }), { name: 'TypeError', message: /`idempotencyKey` needs `idempotency`/ });
  assert.throws(() => retry(down, { idempotencyKey: 5 }), { name: 'TypeError', message: '`idempotencyKey` must be a non-empty string, got 5' });
});

test('a shared budget: a retry takes its cost in the store, a clean success only gathers its refund', async () => {
  const store = new MemoryStore();
  const budget = new RetryBudget({ store, key: 'svc', capacity: 20, flushInterval: 60_000 });
  assert.equal(await retry(failsThen(2), { ...fast, budget }), 'ok');
  assert.equal(await store.tokens('svc', 20), 10, 'two retries taken in the store');
  assert.equal(await retry(async () => 1, { budget }), 1);
  assert.equal(await store.tokens('svc', 20), 10, 'nothing sent for the clean success');
  assert.equal(await budget.flush(), 16, 'the last retry\'s 5 and the clean success\'s 1, in one flush');
  // Another process's budget with the same key and store spends from the same bucket.
  const other = new RetryBudget({ store, key: 'svc', capacity: 20 });
  const error = await retry(down, { ...fast, maxAttempts: 10, budget: other }).catch((e) => e);
  assert.equal(error.reason, 'budget');
  assert.equal(error.attempts, 4, '16 tokens pay for 3 retries');
  assert.equal(await store.tokens('svc', 20), 1);
});

test('a shared budget gets back a retry that was never made (abort while waiting, open breaker, full slots)', async () => {
  const store = new MemoryStore();
  const budget = new RetryBudget({ store, key: 'back', capacity: 50, flushInterval: 60_000 });
  const controller = new AbortController();
  const call = retry(down, { initialDelay: 5_000, maxDelay: 5_000, jitter: 'none', budget, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(await store.tokens('back', 50), 45);
  controller.abort(new Error('stop'));
  await assert.rejects(call, /stop/);
  assert.equal(await budget.flush(), 50);

  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 60_000 });
  await assert.rejects(retry(down, { ...fast, budget, breaker }), CircuitOpenError);
  assert.equal(await budget.flush(), 50);

  const slots = new RetrySlots({ store, key: 'back', limit: 1 });
  const policy = new Policy({ ...fast, maxAttempts: 2, slotWidth: 1000, slotCount: 1 });
  const first = policy.execute(down, { budget, slots }).catch((e) => e.reason);
  const second = policy.execute(down, { budget, slots }).catch((e) => e.reason);
  assert.deepEqual(await Promise.all([first, second]), ['attempts', 'slots']);
  assert.equal(await budget.flush(), 45, 'only the retry that found a slot is paid for');
});

test('a local budget also gets back the cost of a retry that found no slot', async () => {
  const budget = new RetryBudget({ capacity: 30 });
  const slots = new RetrySlots({ store: new MemoryStore(), key: 'local', limit: 1 });
  const policy = new Policy({ ...fast, maxAttempts: 2, slotWidth: 1000, slotCount: 1 });
  const reasons = await Promise.all([1, 2, 3].map(() => policy.execute(down, { budget, slots }).catch((e) => e)));
  assert.deepEqual(reasons.map((e) => e.reason), ['attempts', 'slots', 'slots']);
  assert.match(reasons[1].message, /every retry slot it could wait for was full/);
  assert.equal(budget.tokens, 25);
});

test('slots: a full slot moves the retry one slot width later, never past the deadline', async () => {
  // A store clock that stands still, so that every call's drawn delay lands in the same slot.
  const store = new (class extends MemoryStore { clock() { return 3000; } })();
  const slots = new RetrySlots({ store, key: 'later', limit: 1 });
  const waits = [];
  const policy = new Policy({ maxAttempts: 2, initialDelay: 10, maxDelay: 10, jitter: 'none', slotWidth: 30, slotCount: 3, maxElapsed: 65 });
  const calls = [1, 2, 3].map(() => policy.execute(down, { slots, onRetry: ({ delay }) => waits.push(delay) }).catch((e) => e.reason));
  // 10, then 40; 70 would be next but ends past 65 ms after the start: 2 retries, 1 refused.
  assert.deepEqual((await Promise.all(calls)).sort(), ['attempts', 'attempts', 'slots']);
  assert.deepEqual(waits, [10, 40]);
});

/** A store that fails (or never answers) on purpose, with MemoryStore's semantics otherwise. */
function brokenStore({ failOpen = true, never = false, timeout = 30 } = {}) {
  const inner = new MemoryStore();
  const events = [];
  const store = {
    timeout, failOpen, broken: true, calls: 0, events,
    onStatusChange: (event) => events.push(event.available),
    clock: () => Date.now(),
  };
  for (const op of ['take', 'give', 'tokens', 'reserveSlot', 'claim', 'complete', 'release']) {
    store[op] = (...args) => {
      store.calls += 1;
      if (!store.broken) return inner[op](...args);
      return never ? new Promise(() => {}) : Promise.reject(new Error('connection refused'));
    };
  }
  return store;
}

test('a store that never answers holds a call no longer than its timeout, once per outage', async () => {
  const store = brokenStore({ never: true, timeout: 40 });
  const budget = new RetryBudget({ store, key: 'hang', flushInterval: 60_000 });
  const slots = new RetrySlots({ store, key: 'hang', limit: 5 });
  const policy = new Policy({ ...fast, slotWidth: 10 });
  const started = performance.now();
  assert.equal(await policy.execute(failsThen(2), { budget, slots }), 'ok');
  const took = performance.now() - started;
  // The first take waits out the timeout; then the store rests and the rest decide at once
  // (one operation tried in all: that is the proof; the time bound only catches a hang).
  assert.equal(store.calls, 1);
  assert.ok(took >= 39 && took < 1000, `took ${took.toFixed(1)} ms`);
  assert.deepEqual(store.events, [false]);
});

test('fail-open falls back to local decisions; fail-closed stops with the guard\'s reason', async () => {
  const open = brokenStore();
  const slots = new RetrySlots({ store: open, key: 's', limit: 1 });
  assert.equal(await retry(failsThen(2), { ...fast, slotWidth: 10, slots }), 'ok');
  const budget = new RetryBudget({ store: open, key: 'b', capacity: 10 });
  const error = await retry(down, { ...fast, maxAttempts: 10, budget }).catch((e) => e);
  assert.equal(error.reason, 'budget', 'the local bucket decides: 10 tokens, 2 retries');
  assert.equal(error.attempts, 3);

  const closed = brokenStore({ failOpen: false });
  const refused = await retry(down, { ...fast, slotWidth: 10, slots: new RetrySlots({ store: closed, key: 's', limit: 9 }) }).catch((e) => e);
  assert.ok(refused instanceof RetryExhaustedError);
  assert.equal(refused.reason, 'slots');
  assert.equal(refused.attempts, 1);
});

test('coordination resumes when the store is back, and says so once', async () => {
  const store = brokenStore();
  const slots = new RetrySlots({ store, key: 'back', limit: 9 });
  await retry(failsThen(1), { ...fast, slotWidth: 10, slots });
  store.broken = false;
  await retry(failsThen(1), { ...fast, slotWidth: 10, slots });
  assert.deepEqual(store.events, [false], 'the store rests for a second after a failure');
  await new Promise((resolve) => setTimeout(resolve, 1050));
  await retry(failsThen(1), { ...fast, slotWidth: 10, slots });
  assert.deepEqual(store.events, [false, true]);
});

test('an idempotency key runs the whole retried call once; waiters get its result', async () => {
  const idempotency = new Idempotency({ pollInterval: 5 });
  let attempts = 0;
  const fn = async ({ attempt }) => { attempts += 1; await new Promise((r) => setTimeout(r, 20)); if (attempt < 2) throw new Error('flaky'); return { order: 7 }; };
  const policy = new Policy({ ...fast, idempotency });
  const results = await Promise.all([1, 2, 3, 4].map(() => policy.execute(fn, { idempotencyKey: 'order-7' })));
  assert.equal(attempts, 2, 'one call, retried once');
  assert.deepEqual(results, Array(4).fill({ order: 7 }));
  // Inline options carry both.
  assert.deepEqual(await retry(fn, { idempotency, idempotencyKey: 'order-7' }), { order: 7 });
  assert.equal(attempts, 2);
});

test('idempotency: undefined results round-trip; a result JSON cannot hold is a clear error for later callers', async () => {
  const once = new Idempotency();
  let runs = 0;
  assert.equal(await once.run('void', async () => { runs += 1; }), undefined);
  assert.equal(await once.run('void', async () => { runs += 1; }), undefined);
  assert.equal(runs, 1);
  const big = await once.run('bigint', async () => 10n);
  assert.equal(big, 10n, 'the caller that ran it gets its value');
  await assert.rejects(once.run('bigint', async () => 1), (e) => e instanceof IdempotencyError && e.code === 'noResult');
  await assert.rejects(once.run('', async () => 1), { name: 'TypeError', message: "`key` must be a non-empty string, got ''" });
  await assert.rejects(once.run('k', async () => 1, null), { name: 'TypeError', message: '`options` must be an object ({ fingerprint }), got null' });
  await assert.rejects(once.run('k', 'not a function'), { name: 'TypeError', message: "`fn` must be a function, got 'not a function'" });
  const cyclic = {};
  cyclic.self = cyclic;
  await assert.rejects(once.run('k', async () => 1, { fingerprint: cyclic }), { name: 'TypeError', message: /`fingerprint` must be a JSON value/ });
});

test('with the whole deadline to spare, all three slots are offered', async () => {
  const store = new (class extends MemoryStore { clock() { return 3000; } })();
  const slots = new RetrySlots({ store, key: 'room', limit: 1 });
  const waits = [];
  const policy = new Policy({ maxAttempts: 2, initialDelay: 10, maxDelay: 10, jitter: 'none', slotWidth: 30, slotCount: 3, maxElapsed: 1000 });
  await Promise.all([1, 2, 3, 4].map(() => policy.execute(down, { slots, onRetry: ({ delay }) => waits.push(delay) }).catch(() => {})));
  assert.deepEqual(waits, [10, 40, 70]);
});

test('onRetry names the slot a retry landed in', async () => {
  const store = new (class extends MemoryStore { clock() { return 3000; } })();
  const slots = new RetrySlots({ store, key: 'named', limit: 1 });
  const events = [];
  const policy = new Policy({ maxAttempts: 2, initialDelay: 10, maxDelay: 10, jitter: 'none', slotWidth: 30, slotCount: 3 });
  await Promise.all([1, 2].map(() => policy.execute(down, { slots, onRetry: (e) => events.push([e.delay, e.slot]) }).catch(() => {})));
  // (3000 + 10) / 30 → slot 100; the next one is 101.
  assert.deepEqual(events, [[10, 100], [40, 101]]);
  const plain = [];
  await retry(down, { ...fast, maxAttempts: 2, onRetry: (e) => plain.push('slot' in e) }).catch(() => {});
  assert.deepEqual(plain, [false]);
});

test('a shared budget presumes a running call succeeds, and takes the refund back if it fails', async () => {
  const store = new MemoryStore();
  const budget = new RetryBudget({ store, key: 'presume', capacity: 20, flushInterval: 60_000 });
  await retry(failsThen(2), { ...fast, budget });
  assert.equal(await budget.flush(), 15, '20 − 2 retries + the last retry\'s refund');
  let fail;
  const running = retry(() => new Promise((_, reject) => { fail = reject; }), { ...fast, budget, retryIf: () => false });
  assert.equal(await budget.flush(), 16, 'the running call is presumed to succeed at once');
  fail(new Error('no'));
  await assert.rejects(running, /no/);
  assert.equal(await budget.flush(), 16, 'a debt of 1 is carried, not sent');
  await retry(async () => 1, { budget });
  assert.equal(await budget.flush(), 16, 'the next clean success pays the debt');
  await retry(async () => 1, { budget });
  assert.equal(await budget.flush(), 17);
  // Refused by an open breaker, aborted during its first attempt: no refund either.
  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 60_000 });
  await assert.rejects(retry(down, { ...fast, maxAttempts: 1, budget, breaker }), /down/);
  await assert.rejects(retry(down, { ...fast, budget, breaker }), CircuitOpenError);
  const controller = new AbortController();
  const aborted = retry(() => new Promise(() => {}), { budget, signal: controller.signal });
  controller.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  assert.equal(await budget.flush(), 17);
});

test('refunds gathered while the bucket looked full are lost, as in a local bucket, not poured into a drained one later', async () => {
  const store = new MemoryStore();
  const a = new RetryBudget({ store, key: 'full', capacity: 20, flushInterval: 60_000 });
  const b = new RetryBudget({ store, key: 'full', capacity: 20, flushInterval: 60_000 });
  for (let i = 0; i < 10; i++) await retry(async () => i, { budget: a }); // the bucket is full: nothing to refund
  const error = await retry(down, { ...fast, maxAttempts: 10, budget: b }).catch((e) => e);
  assert.equal(error.reason, 'budget');
  assert.equal(await store.tokens('full', 20), 0, 'another process drained it');
  assert.equal(await a.flush(), 0, 'the 10 successes came while the bucket was full: lost');
  await retry(async () => 1, { budget: a });
  await retry(async () => 1, { budget: a });
  assert.equal(await a.flush(), 2, 'successes after it saw the drained bucket refill it');
});

test('retryFetch draws on a shared budget and lands its retries in slots', async (t) => {
  const { createServer } = await import('node:http');
  const { retryFetch } = await import('jitterbug');
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    res.writeHead(requests % 2 === 1 ? 503 : 200);
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}/`;
  const store = new (class extends MemoryStore { clock() { return 5000; } })();
  const budget = new RetryBudget({ store, key: 'api', capacity: 50, flushInterval: 60_000 });
  const slots = new RetrySlots({ store, key: 'api', limit: 1 });
  const landed = [];
  const options = { initialDelay: 5, maxDelay: 5, jitter: 'none', slotWidth: 20, slotCount: 2, budget, slots, onRetry: (e) => landed.push(e.slot) };
  assert.equal((await retryFetch(url, undefined, options)).status, 200);
  assert.equal((await retryFetch(url, undefined, options)).status, 200);
  // (5000 + 5) / 20 → slot 250, then 251: one retry each.
  assert.deepEqual(landed, [250, 251]);
  assert.equal(await store.tokens('api', 50), 40, 'two retries taken in the store');
  assert.equal(await budget.flush(), 50, 'and refunded when they succeeded');
  // A third call finds both slots full: the 503 is its answer (fetch's contract), after one request.
  assert.equal((await retryFetch(url, undefined, options)).status, 503);
  assert.equal(requests, 5);
});

test('refunds reach the store in the background, even those gathered after the last flush timer fired', async () => {
  const store = new MemoryStore();
  const budget = new RetryBudget({ store, key: 'bg', capacity: 50, flushInterval: 20 });
  const controller = new AbortController();
  const call = retry(down, { initialDelay: 120, maxDelay: 120, jitter: 'none', budget, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 60)); // the timer the call's start set has fired
  assert.equal(await store.tokens('bg', 50), 45);
  controller.abort(new Error('stop'));
  await assert.rejects(call, /stop/);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(await store.tokens('bg', 50), 50, 'the retry not made was given back without a flush() call');
  await budget.close();
});

test('a store whose clock throws is a store out of reach: the retry goes unslotted, or (fail-closed) is not made and its cost goes back', async () => {
  const budgetStore = new MemoryStore();
  const budget = new RetryBudget({ store: budgetStore, key: 'clock', capacity: 50, flushInterval: 60_000 });
  const broken = (failOpen) => Object.assign(new MemoryStore(), { failOpen, clock() { throw new Error('no clock'); } });
  const onWarning = () => {};
  process.on('warning', onWarning);
  try {
    const open = new RetrySlots({ store: broken(true), key: 's', limit: 1 });
    assert.equal(await retry(failsThen(1), { ...fast, slotWidth: 10, slots: open, budget }), 'ok');
    const closed = new RetrySlots({ store: broken(false), key: 's', limit: 1 });
    const error = await retry(down, { ...fast, slotWidth: 10, slots: closed, budget }).catch((e) => e);
    assert.equal(error.reason, 'slots');
    assert.equal(await budget.flush(), 50, 'the refused retry\'s cost came back');
  } finally {
    process.off('warning', onWarning);
  }
});
