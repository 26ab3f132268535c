// Hedged attempts: while an attempt has not settled after `hedgeDelay`, another starts beside
// it. Attempts here hang until their signal aborts (or settle when the test says), so what is
// pinned is the sequence of starts and aborts, never how long something took.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { jsonLogger } from 'jitterbug/log';
import { CircuitBreaker, HedgeLostError, MemoryStore, Policy, RetryBudget, RetryExhaustedError, createFetch, retry, retryFetch, toEnv } from 'jitterbug';

/** An attempt that settles only when `settle` is called for it or its signal aborts. */
function recorder() {
  const started = [];
  const fn = ({ attempt, signal }) => new Promise((resolve, reject) => {
    const entry = { attempt, signal, resolve, reject };
    started.push(entry);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  return { started, fn };
}

const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `check()` holds (polling every 5 ms, at most 5 s). */
async function until(check) {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error('timed out waiting');
    await tick(5);
  }
}

test('a first attempt still running at the hedge delay gets a hedge; the first success wins and the other is aborted', async () => {
  const { started, fn } = recorder();
  const events = [];
  const retries = [];
  const call = retry(fn, new Policy({ hedgeDelay: 20, maxAttempts: 3 }), {
    onEvent: (event) => events.push(`${event.type} ${event.attempt ?? ''}${event.hedge ? ' hedge' : ''} ${event.outcome ?? ''}`.trim()),
    onRetry: (event) => retries.push(event),
  });
  await until(() => started.length === 2);
  started[1].resolve('from the hedge');
  assert.equal(await call, 'from the hedge');
  assert.equal(started[0].signal.aborted, true);
  assert.ok(started[0].signal.reason instanceof HedgeLostError);
  assert.equal(started[0].signal.reason.name, 'HedgeLostError');
  assert.equal(started[1].signal.aborted, false); // the winner may still be reading its result
  assert.deepEqual(retries.map(({ attempt, hedge, delay, error, retriesLeft }) => ({ attempt, hedge, delay, error, retriesLeft })),
    [{ attempt: 1, hedge: true, delay: 0, error: undefined, retriesLeft: 2 }]);
  await tick(5);
  assert.deepEqual(events, ['hedge 2', 'attempt 2 hedge success', 'attempt 1 aborted', 'success']);
});

test('the log adapter writes a hedge as an information line', async () => {
  const lines = [];
  const logger = { info: (line) => lines.push(line), warn: (line) => lines.push(line), error: (line) => lines.push(line) };
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 5, service: 'lake', operation: 'read', onEvent: jsonLogger({ logger, traceId: () => undefined }) });
  await until(() => started.length === 2);
  started[1].resolve('ok');
  await call;
  assert.deepEqual(lines.map(({ level, message, attempt, service }) => ({ level, message, attempt, service })),
    [{ level: 'INFO', message: 'hedging', attempt: 2, service: 'lake' }, { level: 'INFO', message: 'succeeded after retries', attempt: 2, service: 'lake' }]);
});

test('at most maxHedges hedges, and never past maxAttempts; the caller\'s abort ends them all', async () => {
  for (const [options, expected] of [[{ hedgeDelay: 5, maxHedges: 2, maxAttempts: 10 }, 3], [{ hedgeDelay: 5, maxHedges: 5, maxAttempts: 2 }, 2],
    [{ hedgeDelay: 5, maxAttempts: 10 }, 2]]) {
    const { started, fn } = recorder();
    const controller = new AbortController();
    const call = retry(fn, { ...options, signal: controller.signal });
    await until(() => started.length === expected);
    await tick(60); // twelve hedge delays: nothing more starts
    assert.equal(started.length, expected, JSON.stringify(options));
    controller.abort(new Error('enough'));
    await assert.rejects(call, /enough/);
    assert.ok(started.every(({ signal }) => signal.aborted));
  }
});

test('an attempt that fails before the hedge delay is retried on the schedule, not hedged', async () => {
  const retries = [];
  let attempts = 0;
  const value = await retry(async () => {
    attempts += 1;
    if (attempts === 1) throw new Error('flaky');
    return 'second';
  }, { hedgeDelay: 1000, initialDelay: 1, maxDelay: 1, onRetry: (event) => retries.push([event.attempt, event.hedge, event.error.message]) });
  assert.equal(value, 'second');
  assert.deepEqual(retries, [[1, undefined, 'flaky']]);
});

test('a hedge that fails while the first attempt runs starts nothing at once; the first attempt can still win', async () => {
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 20, maxHedges: 2, maxAttempts: 5 });
  await until(() => started.length === 2);
  started[1].reject(new Error('hedge failed'));
  started[0].resolve('first');
  assert.equal(await call, 'first');
  assert.equal(started.length, 2);
});

test('when every attempt running fails, the schedule retries, and the retry may be hedged again', async () => {
  const { started, fn } = recorder();
  const retries = [];
  const call = retry(fn, { hedgeDelay: 20, maxHedges: 2, maxAttempts: 5, initialDelay: 1, maxDelay: 1,
    onRetry: (event) => retries.push([event.attempt, event.hedge ?? false, event.error?.message]) });
  await until(() => started.length === 2);
  started[1].reject(new Error('hedge failed'));
  started[0].reject(new Error('first failed'));
  await until(() => started.length === 4); // the retry (3), then its hedge (4)
  started[3].resolve('fourth');
  assert.equal(await call, 'fourth');
  assert.deepEqual(retries, [[1, true, undefined], [2, false, 'first failed'], [3, true, undefined]]);
  assert.deepEqual(started.map((s) => s.attempt), [1, 2, 3, 4]);
});

test('the last failure is the one the schedule sees; attempts count the hedges', async () => {
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 10, maxAttempts: 2 });
  await until(() => started.length === 2);
  started[0].reject(new Error('first'));
  started[1].reject(new Error('second'));
  const error = await call.catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.reason, 'attempts');
  assert.equal(error.attempts, 2);
  assert.equal(error.cause.message, 'second');
});

test('each hedge pays the retry budget like a retry; a budget that cannot pay starts none', async () => {
  const budget = new RetryBudget({ capacity: 20, retryCost: 5, noRetryIncrement: 1 });
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 5, maxHedges: 3, maxAttempts: 10, budget });
  await until(() => started.length === 4);
  assert.equal(budget.tokens, 5);
  started[3].resolve('won');
  assert.equal(await call, 'won');
  assert.equal(budget.tokens, 6); // a success puts the no-retry increment back

  const poor = new RetryBudget({ capacity: 20, retryCost: 5, tokens: 4 });
  const second = recorder();
  const refused = retry(second.fn, { hedgeDelay: 5, maxHedges: 3, maxAttempts: 10, budget: poor });
  await tick(60);
  assert.equal(second.started.length, 1);
  assert.equal(poor.tokens, 4);
  second.started[0].resolve('alone');
  assert.equal(await refused, 'alone');
});

test('an open circuit refuses a hedge: the budget gets its price back and the first attempt runs on', async () => {
  const budget = new RetryBudget({ capacity: 20, retryCost: 5 });
  // The first attempt is admitted while the circuit is closed; another call opens it meanwhile.
  const fresh = new CircuitBreaker({ failureThreshold: 1, minimumCalls: 1, openDelay: 60_000 });
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 100, maxAttempts: 5, breaker: fresh, budget });
  await until(() => started.length === 1);
  await retry(() => Promise.reject(new Error('down')), { maxAttempts: 1, breaker: fresh }).catch(() => {});
  assert.equal(fresh.state, 'open');
  await tick(160);
  assert.equal(started.length, 1);
  assert.equal(budget.tokens, 20);
  started[0].resolve('first');
  assert.equal(await call, 'first');
});

test('bad hedging options are refused, naming the field and the value; they travel as JSON and environment variables', () => {
  assert.throws(() => new Policy({ hedgeDelay: -1 }), { name: 'RangeError', message: /`hedgeDelay` must be a number of ms from 0 to 2147483647, got -1/ });
  assert.throws(() => new Policy({ hedgeDelay: '50' }), { name: 'TypeError', message: "`hedgeDelay` must be a number, got '50'" });
  assert.throws(() => new Policy({ maxHedges: 11 }), { name: 'RangeError', message: /`maxHedges` must be an integer from 1 to 10, got 11/ });
  assert.throws(() => new Policy({ maxHedges: 1.5 }), { name: 'RangeError', message: /`maxHedges`.*1\.5/ });
  const policy = new Policy({ hedgeDelay: 40, maxHedges: 2 });
  assert.deepEqual({ hedgeDelay: policy.toJSON().hedgeDelay, maxHedges: policy.toJSON().maxHedges }, { hedgeDelay: 40, maxHedges: 2 });
  const env = toEnv(policy);
  assert.equal(env.RETRY_HEDGE_DELAY, '0.04');
  assert.equal(env.RETRY_MAX_HEDGES, '2');
  assert.deepEqual(Policy.fromEnv(env).toJSON(), policy.toJSON());
});

test('a hedge whose price a shared budget is still settling is not started once an attempt has succeeded meanwhile', async () => {
  // A store whose `take` answers only when the test says: the first attempt succeeds meanwhile.
  const memory = new MemoryStore();
  let answer;
  const store = Object.fromEntries(['clock', 'take', 'give', 'tokens', 'reserveSlot', 'claim', 'complete', 'release']
    .map((op) => [op, op === 'take' ? async (...args) => { await new Promise((resolve) => { answer = resolve; }); return memory.take(...args); }
      : (...args) => memory[op](...args)]));
  const budget = new RetryBudget({ store, key: 'hedges', capacity: 20, retryCost: 5 });
  const { started, fn } = recorder();
  const call = retry(fn, { hedgeDelay: 5, maxAttempts: 5, budget });
  await until(() => answer !== undefined); // the hedge is due, its price asked of the store
  started[0].resolve('first');
  await tick(5);
  answer();
  assert.equal(await call, 'first');
  await tick(20);
  assert.equal(started.length, 1);
  await budget.flush();
  assert.equal(await memory.tokens('hedges', 20), 20); // taken, then given back
});

test('each attempt has its own attemptTimeout: the first timing out while its hedge runs leaves the hedge to win', async () => {
  const { started, fn } = recorder();
  const outcomes = [];
  const call = retry(fn, { hedgeDelay: 10, attemptTimeout: 60, maxAttempts: 3,
    onEvent: (event) => { if (event.type === 'attempt') outcomes.push(`${event.attempt} ${event.outcome}`); } });
  await until(() => started.length === 1);
  // The moment the first attempt times out, the hedge (started at 10 ms, so before it) answers.
  let hedgeAbortedThen;
  started[0].signal.addEventListener('abort', () => {
    hedgeAbortedThen = started[1].signal.aborted;
    started[1].resolve('hedge');
  });
  assert.equal(await call, 'hedge');
  assert.equal(started[0].signal.reason.name, 'TimeoutError');
  assert.equal(hedgeAbortedThen, false);
  assert.equal(started.length, 2);
  assert.deepEqual(outcomes, ['1 timeout', '2 success']);
});

test('unref: a hedge due in a minute does not keep a process alive; without it, it does', () => {
  const body = (unref) => `import { retry } from 'jitterbug';
    retry(() => new Promise(() => {}), { hedgeDelay: 60000${unref ? ', unref: true' : ''} });`;
  const started = performance.now();
  const freed = spawnSync(process.execPath, ['--input-type=module', '-e', body(true)], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(freed.signal, null, `the process lived ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(freed.status, 0, freed.stderr);
  const kept = spawnSync(process.execPath, ['--input-type=module', '-e', body(false)], { encoding: 'utf8', timeout: 1500 });
  assert.equal(kept.signal, 'SIGTERM', 'the hedge timer keeps a process without unref alive');
});

let server;
let base;
const seen = [];
before(async () => {
  // The first request to a path hangs (until the client gives up on it); later ones answer.
  server = createServer((req, res) => {
    const count = seen.filter((r) => r.url === req.url).length;
    const entry = { url: req.url, method: req.method, key: req.headers['idempotency-key'], closedEarly: false };
    seen.push(entry);
    req.resume();
    res.on('close', () => { entry.closedEarly = !res.writableFinished; });
    if (req.url === '/discard') {
      // The first request answers 200 after 150 ms; the hedge, 503 at once.
      if (count === 0) setTimeout(() => res.end('late but fine'), 150);
      else { res.writeHead(503); res.end('busy'); }
      return;
    }
    if (count > 0) res.end(`answer ${count + 1}`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('retryFetch hedges a GET against a real server: the hanging request is aborted, the hedge answers', async () => {
  const response = await retryFetch(`${base}/get`, undefined, { hedgeDelay: 30 });
  assert.equal(await response.text(), 'answer 2');
  await until(() => seen.find((r) => r.url === '/get').closedEarly);
  const requests = seen.filter((r) => r.url === '/get');
  assert.equal(requests.length, 2);
  assert.equal(requests[0].closedEarly, true);
});

test('retryFetch never hedges a POST without an Idempotency-Key; with one, both requests carry the same key', async () => {
  const controller = new AbortController();
  const post = retryFetch(`${base}/post`, { method: 'POST', body: 'x', signal: controller.signal }, { hedgeDelay: 10 });
  await tick(80);
  assert.equal(seen.filter((r) => r.url === '/post').length, 1);
  controller.abort(new Error('gave up'));
  await assert.rejects(post, /gave up/);

  const keyed = createFetch({ hedgeDelay: 10, idempotencyKey: true });
  const response = await keyed(`${base}/keyed`, { method: 'POST', body: 'x' });
  assert.equal(await response.text(), 'answer 2');
  const requests = seen.filter((r) => r.url === '/keyed');
  assert.equal(requests.length, 2);
  assert.ok(requests[0].key);
  assert.equal(requests[1].key, requests[0].key);
});

test('a failing response replaced by another attempt\'s success is discarded: its body is cancelled', async () => {
  const failures = [];
  const response = await retryFetch(`${base}/discard`, undefined, { hedgeDelay: 20,
    onEvent: (event) => { if (event.type === 'attempt' && event.outcome === 'failure') failures.push(event.error); } });
  assert.equal(await response.text(), 'late but fine');
  assert.equal(failures.length, 1);
  assert.equal(failures[0].status, 503);
  assert.equal(failures[0].response.bodyUsed, true);
});
