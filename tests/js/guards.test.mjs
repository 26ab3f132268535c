// Guards under faults: breakers that cannot wedge, budgets and breakers that add up, listeners
// that cannot change an outcome. Against the built package, with real timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { CircuitBreaker, CircuitOpenError, Policy, RetryBudget, RetryExhaustedError, retry, retryFetch } from 'jitterbug';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fast = { initialDelay: 1, maxDelay: 1, jitter: 'none' };

/** A breaker opened by one failure, half-open after `openDelay` ms. */
async function halfOpenBreaker(options = {}) {
  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 20, ...options });
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'open');
  await sleep(30);
  assert.equal(breaker.state, 'half-open');
  return breaker;
}

/** Warnings the process emits while `body` runs (listener errors are reported as warnings). */
async function warningsDuring(body) {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    await body();
    await sleep(0);
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

test('a half-open probe whose caller aborts frees its place: the next call is the probe', async () => {
  const breaker = await halfOpenBreaker();
  const controller = new AbortController();
  const probe = retry(() => new Promise(() => {}), { maxAttempts: 1, breaker, signal: controller.signal });
  controller.abort(new Error('caller gave up'));
  await assert.rejects(probe, { message: 'caller gave up' });
  assert.equal(breaker.state, 'half-open', 'an aborted probe is no verdict');
  assert.equal(await retry(async () => 'back', { maxAttempts: 1, breaker }), 'back');
  assert.equal(breaker.state, 'closed');
});

test('a probe that never settles gives up its place after probeLease', async () => {
  const breaker = await halfOpenBreaker({ probeLease: 40 });
  retry(() => new Promise(() => {}), { maxAttempts: 1, breaker }); // hangs for ever
  const refused = await retry(async () => 1, { maxAttempts: 1, breaker }).catch((e) => e);
  assert.ok(refused instanceof CircuitOpenError);
  assert.ok(refused.retryAfter > 0 && refused.retryAfter <= 40, `retryAfter ${refused.retryAfter}`);
  await sleep(50);
  assert.equal(await retry(async () => 'back', { maxAttempts: 1, breaker }), 'back');
  assert.equal(breaker.state, 'closed');
});

test('an onStateChange that throws on open → half-open changes no outcome and cannot wedge the breaker', async () => {
  const breaker = new CircuitBreaker({
    failureThreshold: 1, openDelay: 20,
    onStateChange: ({ to }) => { if (to === 'half-open') throw new Error('listener broke'); },
  });
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  await sleep(30);
  let result;
  const warnings = await warningsDuring(async () => {
    // retry() never throws synchronously for a listener's error; the probe runs and decides.
    const call = retry(async () => 'back', { maxAttempts: 1, breaker });
    assert.ok(call instanceof Promise);
    result = await call;
  });
  assert.equal(result, 'back');
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(warnings.map((w) => w.message), ['listener broke']);
});

test('an onStateChange that throws on closed → open does not replace the call\'s error', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 1, onStateChange: () => { throw new Error('listener broke'); } });
  const down = new Error('down');
  let error;
  const warnings = await warningsDuring(async () => {
    error = await retry(async () => { throw down; }, { maxAttempts: 1, breaker }).catch((e) => e);
  });
  assert.ok(error instanceof RetryExhaustedError, String(error));
  assert.equal(error.cause, down);
  assert.equal(breaker.state, 'open');
  assert.equal(warnings.length, 1);
});

test('a retry the breaker refuses is not paid for by the budget', async () => {
  const budget = new RetryBudget({ capacity: 100, retryCost: 5 });
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 60_000 });
  const error = await retry(async () => { throw new Error('down'); }, { ...fast, maxAttempts: 5, budget, breaker }).catch((e) => e);
  assert.ok(error instanceof CircuitOpenError, String(error));
  // Two retries were decided; the first ran (and failed), the second was refused at the breaker.
  assert.equal(budget.tokens, 95);
});

/** A server answering every request with `status`; `requests` counts them. */
async function serve(status, body) {
  const server = createServer((req, res) => { server.requests += 1; res.writeHead(status); res.end(); });
  server.requests = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${server.address().port}/`, server);
  } finally {
    server.close();
  }
}

test('retryFetch reports a failing response it will not retry to the breaker as a failure', async () => {
  await serve(503, async (url, server) => {
    const post = new CircuitBreaker({ failureThreshold: 1 });
    assert.equal((await retryFetch(url, { method: 'POST' }, { ...fast, breaker: post })).status, 503);
    assert.equal(server.requests, 1, 'a POST is not retried');
    assert.equal(post.state, 'open', 'a 503 to a POST is a failure');

    const only429 = new CircuitBreaker({ failureThreshold: 1 });
    assert.equal((await retryFetch(url, undefined, { ...fast, retryOnStatus: [429], breaker: only429 })).status, 503);
    assert.equal(server.requests, 2);
    assert.equal(only429.state, 'open', 'a 503 is a failure even when only 429 is retried');
  });
  await serve(404, async (url) => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    assert.equal((await retryFetch(url, undefined, { ...fast, breaker })).status, 404);
    assert.equal(breaker.state, 'closed', 'a 404 says the service is up');
  });
  await serve(429, async (url, server) => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    assert.equal((await retryFetch(url, { method: 'POST' }, { ...fast, breaker })).status, 429);
    assert.equal(server.requests, 1);
    assert.equal(breaker.state, 'open', 'a 429 (in the retried list) is a failure');
  });
});

test('retryFetch with an async onRetry that rejects keeps the error as onRetryError', async () => {
  let attempts = 0;
  const server = createServer((req, res) => { attempts += 1; res.writeHead(attempts < 2 ? 503 : 200); res.end('ok'); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const events = [];
    const response = await retryFetch(url, undefined, {
      ...fast,
      onRetry: async (event) => { events.push(event); throw new Error('hook broke'); },
    });
    assert.equal(response.status, 200);
    await sleep(10);
    assert.deepEqual(unhandled, []);
    assert.equal(events.length, 1);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    server.close();
  }
});
