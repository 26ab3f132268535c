// RetryBudget with retry, Policy and retryFetch, against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Policy, RetryBudget, RetryExhaustedError, retry, retryFetch } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 2 };
const failing = () => { const calls = []; return { calls, fn: async ({ attempt }) => { calls.push(attempt); throw new Error('down'); } }; };

test('defaults are the AWS SDK standard quota: 500 tokens, 5 a retry, 10 after a timeout, 5 after throttling, 1 back per clean success', () => {
  const budget = new RetryBudget();
  assert.deepEqual(budget.snapshot(), { capacity: 500, retryCost: 5, timeoutCost: 10, throttlingCost: 5, noRetryIncrement: 1, tokens: 500 });
  assert.deepEqual(new RetryBudget({ retryCost: 7 }).snapshot().throttlingCost, 7, 'throttling costs retryCost unless set');
  assert.equal(budget.tokens, 500);
});

test('a call stops retrying when the bucket cannot pay, with reason "budget"', async () => {
  const budget = new RetryBudget({ tokens: 10 });
  const { fn, calls } = failing();
  const error = await retry(fn, { ...fast, maxAttempts: 10, budget }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.reason, 'budget');
  assert.match(error.message, /Gave up after 3 attempts \(the retry budget is spent\): down/);
  assert.deepEqual(calls, [1, 2, 3]);
  assert.equal(budget.tokens, 0);
});

test('successes refund: the last retry\'s cost after retries, the no-retry increment otherwise', async () => {
  const budget = new RetryBudget({ tokens: 100 });
  let n = 0;
  await retry(async () => { if (++n < 2) throw new Error('once'); return 'ok'; }, { ...fast, budget });
  assert.equal(budget.tokens, 100, 'paid 5 for the retry, refunded 5 on success');
  await retry(async () => 'first time', { budget });
  assert.equal(budget.tokens, 101);
  const timedOut = new RetryBudget({ tokens: 100 });
  let m = 0;
  await retry(() => (++m === 1 ? new Promise(() => {}) : 'ok'), { ...fast, attemptTimeout: 20, budget: timedOut });
  assert.equal(timedOut.tokens, 100, 'a timeout retry is refunded on success');
  // 9 tokens pay for a retry after a failure (5) but not after a timeout (10).
  const plainFailure = failing();
  await retry(plainFailure.fn, { ...fast, maxAttempts: 2, budget: new RetryBudget({ tokens: 9 }) }).catch(() => {});
  assert.deepEqual(plainFailure.calls, [1, 2]);
  const error = await retry(() => new Promise(() => {}), { ...fast, attemptTimeout: 10, maxAttempts: 2, budget: new RetryBudget({ tokens: 9 }) }).catch((e) => e);
  assert.equal(error.reason, 'budget');
  assert.equal(error.attempts, 1);
});

test('one budget is shared by every call site and by a Policy', async () => {
  const budget = new RetryBudget({ tokens: 15 });
  const policy = new Policy({ ...fast, maxAttempts: 5, budget });
  const a = failing();
  const b = failing();
  await policy.execute(a.fn).catch(() => {});
  await retry(b.fn, { ...fast, maxAttempts: 5, budget }).catch(() => {});
  // 15 tokens pay for three retries in all: the first call took all three.
  assert.deepEqual([a.calls.length, b.calls.length], [4, 1]);
  assert.equal(policy.toJSON().budget, undefined, 'a budget is state, not policy data');
});

test('retryFetch spends the budget too, and returns the last response when it runs out', async () => {
  let requests = 0;
  const server = createServer((req, res) => { requests += 1; res.writeHead(503); res.end(); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const budget = new RetryBudget({ tokens: 5 });
    const response = await retryFetch(`http://127.0.0.1:${server.address().port}/`, undefined, { ...fast, maxAttempts: 5, budget });
    assert.equal(response.status, 503);
    assert.equal(requests, 2);
    assert.equal(budget.tokens, 0);
  } finally {
    server.close();
  }
});

test('snapshot and restore keep a Lambda container\'s budget warm', () => {
  const budget = new RetryBudget({ capacity: 50, retryCost: 2 });
  const restored = RetryBudget.restore(JSON.parse(JSON.stringify(budget.snapshot())));
  assert.deepEqual(restored.snapshot(), budget.snapshot());
});

test('bad budget options are TypeErrors and RangeErrors naming the option and the value', () => {
  assert.throws(() => new RetryBudget({ capacity: 0 }), { name: 'RangeError', message: '`capacity` must be an integer from 1 to 1000000000, got 0' });
  assert.throws(() => new RetryBudget({ retryCost: 600 }), { name: 'RangeError', message: '`retryCost` must be an integer from 0 to `capacity`, got 600' });
  assert.throws(() => new RetryBudget({ tokens: '5' }), { name: 'TypeError', message: "`tokens` must be a number, got '5'" });
  assert.throws(() => new RetryBudget({ size: 5 }), { name: 'TypeError', message: /^Unknown budget option `size`/ });
  assert.throws(() => new Policy({ budget: {} }), { name: 'TypeError', message: '`budget` must be a RetryBudget, got [object Object]' });
});

test('a small budget pays for a retry by default and restores from its own snapshot', async () => {
  const budget = new RetryBudget({ capacity: 3 });
  assert.deepEqual(budget.snapshot(), { capacity: 3, retryCost: 3, timeoutCost: 3, throttlingCost: 3, noRetryIncrement: 1, tokens: 3 });
  let calls = 0;
  await retry(async () => { calls += 1; throw new Error('down'); }, { maxAttempts: 3, initialDelay: 1, budget }).catch(() => {});
  assert.equal(calls, 2, 'one retry paid, then the budget is spent');
  for (let capacity = 1; capacity <= 12; capacity++) {
    const snapshot = new RetryBudget({ capacity }).snapshot();
    assert.deepEqual(RetryBudget.restore(snapshot).snapshot(), snapshot);
  }
});
