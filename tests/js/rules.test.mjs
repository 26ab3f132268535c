// Rules of the retry loop and its inputs that the mutation pass over js/ showed untested: each
// test pins one (how thrown values are read, what listeners return, a 0 ms delay, cached option
// checks, null options, snapshot shapes, the AWS adapter's classification, status bounds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryExhaustedError, retry } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 1, jitter: 'none', maxAttempts: 2 };

test('a numeric code is matched by retryOn as text; an object code is not', async () => {
  let calls = 0;
  const numeric = await retry(() => { calls += 1; throw Object.assign(new Error('busy'), { code: 429 }); }, { ...fast, retryOn: ['429'] }).catch((e) => e);
  assert.ok(numeric instanceof RetryExhaustedError);
  assert.equal(calls, 2, 'code 429 matched retryOn: [\'429\']');
  calls = 0;
  const objectCode = { toString: () => '429' };
  const other = await retry(() => { calls += 1; throw Object.assign(new Error('busy'), { code: objectCode }); }, { ...fast, retryOn: ['429'] }).catch((e) => e);
  assert.equal(calls, 1, 'an object code is not read as text');
  assert.equal(other.message, 'busy');
});

test('an onRetry that returns a value that is not a promise leaves no onRetryError', async () => {
  for (const returned of [true, 1, 'done', { then: 'not a function' }]) {
    const error = await retry(async () => { throw new Error('down'); }, { ...fast, onRetry: () => returned }).catch((e) => e);
    assert.ok(error instanceof RetryExhaustedError);
    assert.equal(error.log[0].onRetryError, undefined, `onRetry returned ${String(returned)}`);
  }
  const rejected = new Error('hook broke');
  const error = await retry(async () => { throw new Error('down'); }, { ...fast, onRetry: async () => { throw rejected; } }).catch((e) => e);
  assert.equal(error.log[0].onRetryError, rejected);
});

test('a delay of 0 ms is a retry, not a stop', async () => {
  let calls = 0;
  const value = await retry(async () => { calls += 1; if (calls < 3) throw new Error('flaky'); return 'ok'; }, { initialDelay: 0, maxDelay: 0, maxAttempts: 3 });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('a function that throws synchronously is a plain failure, not a timeout, for the budget', async () => {
  const { RetryBudget } = await import('jitterbug');
  const budget = new RetryBudget({ capacity: 100 });
  await retry(() => { throw new Error('sync'); }, { ...fast, budget }).catch(() => {});
  assert.equal(budget.tokens, 95, 'a retry costs retryCost (5), not timeoutCost (10)');
});

test('the cached check of inline options compares every slot', () => {
  retry(async () => 1, { maxAttempts: 3, initialDelay: 100 });
  assert.throws(() => retry(async () => 1, { maxAttempts: 3, initialDelay: -1 }), { name: 'RangeError', message: /^`initialDelay` must be/ });
  assert.throws(() => retry(async () => 1, { maxAttempts: 3, initialDelay: 100, maxDelay: 50 }), { name: 'RangeError', message: /^`maxDelay` must be/ });
});

test('retryFetch and createFetch name what is wrong with null options or init', async () => {
  const { createFetch, retryFetch } = await import('jitterbug');
  assert.throws(() => createFetch(null), { name: 'TypeError', message: 'Expected fetch options to be an object or a Policy, got null' });
  assert.throws(() => retryFetch('http://127.0.0.1:1/', null), { name: 'TypeError', message: '`init` must be an object (fetch options), got null' });
});

test('a restored breaker window must hold buckets of exactly three numbers', async () => {
  const { CircuitBreaker } = await import('jitterbug');
  const snapshot = new CircuitBreaker().snapshot();
  const window = snapshot.window.map((b, i) => (i === 3 ? b.slice(0, 2) : b));
  assert.throws(() => CircuitBreaker.restore({ ...snapshot, window }), { name: 'RangeError', message: /^`snapshot.window` must be 10 buckets of \[index, calls, failures\], got / });
});

test('toStepFunctionsRetry refuses empty error names', async () => {
  const { Policy, toStepFunctionsRetry } = await import('jitterbug');
  for (const errors of [[''], ['States.ALL', ''], 'States.ALL']) {
    assert.throws(() => toStepFunctionsRetry(new Policy(), { errors }), { name: 'TypeError', message: /^`errors` must be an array of error names/ });
  }
  assert.deepEqual(toStepFunctionsRetry(new Policy(), { errors: ['States.Timeout'] }).retrier.ErrorEquals, ['States.Timeout']);
});

test('the AWS strategy classifies an ordinary error as no timeout', async () => {
  const { Policy, toAwsRetryStrategy } = await import('jitterbug');
  const strategy = toAwsRetryStrategy(new Policy({ abortOn: ['TimeoutError'], initialDelay: 1 }));
  const token = await strategy.acquireInitialRetryToken('scope');
  const next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT', error: Object.assign(new Error('reset'), { name: 'NetworkingError' }) });
  assert.ok(next.getRetryDelay() >= 0);
});

test('budget options must be an object', async () => {
  const { RetryBudget } = await import('jitterbug');
  assert.throws(() => new RetryBudget(null), { name: 'TypeError', message: 'Expected budget options to be an object, got null' });
});

test('retryOnStatus accepts exactly the statuses from 100 to 599', async () => {
  const { createFetch } = await import('jitterbug');
  for (const ok of [[100], [599], [429, 503]]) assert.equal(typeof createFetch({ retryOnStatus: ok }), 'function');
  for (const bad of [[99], [600], [503.5], ['503']]) {
    assert.throws(() => createFetch({ retryOnStatus: bad }), { name: 'TypeError', message: /^`retryOnStatus` must be an array of HTTP statuses/ });
  }
});

test('retryOn and abortOn match an error\'s causes too (fetch puts the socket\'s code there), to any depth, without looping', async () => {
  const { retry } = await import('jitterbug');
  const reset = () => new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
  let attempts = 0;
  assert.equal(await retry(async () => { if (++attempts < 3) throw reset(); return 'ok'; }, { retryOn: ['ECONNRESET'], initialDelay: 0 }), 'ok');
  assert.equal(attempts, 3);
  // Deeper: cause of a cause, as undici wraps a SocketError.
  const deep = new TypeError('fetch failed', { cause: new Error('socket', { cause: Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }) }) });
  attempts = 0;
  await retry(async () => { if (++attempts < 2) throw deep; }, { retryOn: ['UND_ERR_SOCKET'], initialDelay: 0 });
  assert.equal(attempts, 2);
  // abortOn matches a cause as well.
  attempts = 0;
  await assert.rejects(retry(async () => { attempts += 1; throw reset(); }, { abortOn: ['ECONNRESET'], initialDelay: 0 }), TypeError);
  assert.equal(attempts, 1);
  // Eight errors deep (the error and seven causes) is read; a ninth is not, so a chain that
  // never ends costs a bounded walk.
  const chain = (length) => {
    let error = Object.assign(new Error('bottom'), { code: 'ECONNRESET' });
    for (let i = 1; i < length; i++) error = new Error(`wrapper ${i}`, { cause: error });
    return error;
  };
  for (const [length, expected] of [[8, 2], [9, 1]]) {
    attempts = 0;
    await retry(async () => { if (++attempts < 2) throw chain(length); }, { retryOn: ['ECONNRESET'], initialDelay: 0 }).catch(() => {});
    assert.equal(attempts, expected, `a chain of ${length}`);
  }
  // A cause chain that loops, or a cause getter that throws, is read safely.
  const looped = new Error('a');
  looped.cause = looped;
  const hostile = new Error('b');
  Object.defineProperty(hostile, 'cause', { get() { throw new Error('no'); } });
  for (const error of [looped, hostile]) {
    attempts = 0;
    await assert.rejects(retry(async () => { attempts += 1; throw error; }, { retryOn: ['ECONNRESET'], initialDelay: 0 }));
    assert.equal(attempts, 1);
  }
});
