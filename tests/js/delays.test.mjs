// Explicit delay lists (`backoff: [..]`, data), backoff functions (the escape hatch, not data)
// and `longRetryAfter` (stop, or wait the cap, for a Retry-After past maxRetryAfter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Policy, RetryExhaustedError, retry, retryFetch, toAwsRetryStrategy, toEnv, toStepFunctionsRetry } from 'jitterbug';

/** Fails `failures` times with `makeError(attempt)`, then returns 'done'. */
function flaky(failures, makeError = (n) => new Error(`failure ${n}`)) {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= failures) throw makeError(calls);
    return 'done';
  };
}

/** The delays a run waited, as onRetry saw them. */
async function waits(options, failures = options.maxAttempts - 1, makeError = undefined) {
  const delays = [];
  await retry(flaky(failures, makeError), { ...options, onRetry: ({ delay }) => delays.push(delay) });
  return delays;
}

test('a list of delays is waited in order, its last repeated, jitter none', async () => {
  const policy = new Policy({ backoff: [100, 250, 1000], jitter: 'none', maxAttempts: 6 });
  assert.deepEqual(policy.delays(6), [100, 250, 1000, 1000, 1000, 1000]);
  assert.deepEqual(await waits({ backoff: [3, 1, 7], jitter: 'none', maxAttempts: 5 }), [3, 1, 7, 7]);
  // maxAttempts still counts attempts: three delays need four attempts to be used.
  assert.deepEqual(await waits({ backoff: [1, 2, 3], jitter: 'none', maxAttempts: 3 }), [1, 2]);
  // A zero delay is a delay like any other.
  assert.deepEqual(await waits({ backoff: [0, 2], jitter: 'none', maxAttempts: 3 }), [0, 2]);
});

test('a listed delay is the base that jitter spreads, as with any backoff', () => {
  const policy = new Policy({ backoff: [100, 250, 1000], seed: 7 });
  const drawn = policy.delays(4);
  [100, 250, 1000, 1000].forEach((base, i) => assert.ok(drawn[i] >= 0 && drawn[i] < base, `${drawn}`));
  assert.deepEqual(new Policy({ backoff: [100, 250, 1000], seed: 7 }).delays(4), drawn);
  // Not the formula's: exponential from 100 would allow up to 400 for the third.
  assert.notDeepEqual(new Policy({ seed: 7 }).delays(4), drawn);
});

test('a list travels as data: toJSON, JSON text, fromJSON, toEnv and fromEnv', () => {
  const policy = new Policy({ backoff: [100, 250.5, 1000], jitter: 'none', maxAttempts: 4 });
  const json = policy.toJSON();
  assert.deepEqual(json.backoff, [100, 250.5, 1000]);
  const again = Policy.fromJSON(JSON.parse(JSON.stringify(policy)));
  assert.deepEqual(again.toJSON(), json);
  assert.deepEqual(again.delays(4), [100, 250.5, 1000, 1000]);
  const env = toEnv(policy);
  assert.equal(env.RETRY_BACKOFF, '0.1,0.2505,1');
  assert.deepEqual(Policy.fromEnv(env).toJSON(), json);
  assert.deepEqual(Policy.fromEnv({ RETRY_BACKOFF: '0.1, 250ms,1' }).toJSON().backoff, [100, 250, 1000]);
  assert.throws(() => Policy.fromEnv({ RETRY_BACKOFF: '0.1,soon' }), {
    name: 'RangeError',
    message: "`RETRY_BACKOFF` must be one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays, got '0.1,soon'",
  });
  // Step Functions cannot list delays: the nearest retrier, and the loss said.
  const { retrier, losses } = toStepFunctionsRetry(new Policy({ backoff: [2000, 4000], maxDelay: 10000 }));
  assert.equal(retrier.IntervalSeconds, 2);
  assert.ok(losses.some((loss) => loss.startsWith('a list of delays is not expressible')), losses.join('\n'));
});

test('bad lists are TypeErrors or RangeErrors naming backoff and the value', () => {
  const typeErrors = [[], [100, '250'], [null], 'exponentiel'.length, {}];
  for (const backoff of typeErrors) {
    assert.throws(() => new Policy({ backoff }), { name: 'TypeError', message: /^`backoff` must be a name, a non-empty array of delays \(ms\) or a function, got / }, String(backoff));
  }
  for (const [backoff, value] of [[[100, 20000], '20000'], [[-1], '-1'], [[NaN], 'NaN'], [[Infinity], 'Infinity']]) {
    assert.throws(() => new Policy({ backoff }), { name: 'RangeError', message: `\`backoff\` must be a non-empty list of delays, each from 0 to \`maxDelay\`, got ${value}` });
  }
  // maxDelay is the bound, both sides of it.
  assert.doesNotThrow(() => new Policy({ backoff: [60000], maxDelay: 60000 }));
  assert.throws(() => new Policy({ backoff: [60000.5], maxDelay: 60000 }), { name: 'RangeError' });
  // A class's first delay belongs to a backoff formula.
  assert.throws(() => new Policy({ backoff: [10], throttlingDelay: 500 }), {
    name: 'RangeError', message: '`throttlingDelay` must be unset with a list of delays or a backoff function, got 500',
  });
});

test('inline options: each list is checked, even right after a valid one with the same fields', async () => {
  assert.equal(await retry(flaky(1), { backoff: [1], jitter: 'none' }), 'done');
  // Refused at the call, as every bad inline option is.
  assert.throws(() => retry(flaky(1), { backoff: [20000], jitter: 'none' }), { name: 'RangeError' });
  assert.throws(() => retry(flaky(1), { backoff: [1, 20000], jitter: 'none' }), { name: 'RangeError' });
  assert.equal(await retry(flaky(1), { backoff: [1], jitter: 'none' }), 'done');
});

test('a backoff function chooses each base delay from the retry number and the error', async () => {
  const seen = [];
  const backoff = (retryNumber, error) => {
    seen.push([retryNumber, error.message]);
    return retryNumber * 5;
  };
  assert.deepEqual(await waits({ backoff, jitter: 'none', maxAttempts: 4 }), [5, 10, 15]);
  assert.deepEqual(seen, [[1, 'failure 1'], [2, 'failure 2'], [3, 'failure 3']]);
  // Asked only when a retry may follow: not after the last attempt fails.
  seen.length = 0;
  await assert.rejects(retry(flaky(9), { backoff, jitter: 'none', maxAttempts: 3 }), RetryExhaustedError);
  assert.deepEqual(seen, [[1, 'failure 1'], [2, 'failure 2']]);
  // Capped at maxDelay, and jittered like any base.
  assert.deepEqual(await waits({ backoff: () => 1e9, jitter: 'none', initialDelay: 1, maxDelay: 7, maxAttempts: 2 }), [7]);
  const jittered = await waits({ backoff: () => 8, seed: 3, maxAttempts: 3 });
  assert.ok(jittered.every((d) => d >= 0 && d < 8), `${jittered}`);
  // Not asked for an error that is not retried.
  let asked = 0;
  const final = Object.assign(new Error('no'), { name: 'ValidationError' });
  await assert.rejects(retry(flaky(1, () => final), { backoff: () => { asked += 1; return 1; }, abortOn: ['ValidationError'] }), final);
  assert.equal(asked, 0);
  // Previews ask it too.
  assert.deepEqual(new Policy({ backoff: (n) => n * 100, jitter: 'none' }).delays(3), [100, 200, 300]);
});

test('a backoff function that returns a bad delay, or throws, ends the call with that error', async () => {
  await assert.rejects(retry(flaky(1), { backoff: () => -1 }), { name: 'RangeError', message: '`backoff` must return a number >= 0, got -1' });
  await assert.rejects(retry(flaky(1), { backoff: () => NaN }), { name: 'RangeError', message: '`backoff` must return a number >= 0, got NaN' });
  await assert.rejects(retry(flaky(1), { backoff: () => '5' }), { name: 'TypeError', message: "`backoff` must return a number >= 0, got '5'" });
  const broken = new Error('broken backoff');
  await assert.rejects(retry(flaky(1), { backoff: () => { throw broken; } }), broken);
});

test('a backoff function is not data: toJSON and toEnv refuse, Step Functions says so', () => {
  const policy = new Policy({ backoff: (n) => n });
  assert.throws(() => policy.toJSON(), { name: 'TypeError', message: 'A Policy whose `backoff` is a function is not data: give `backoff` a list of delays to serialise it' });
  assert.throws(() => JSON.stringify(policy), { name: 'TypeError' });
  assert.throws(() => toEnv(policy), { name: 'TypeError', message: "`backoff` must be a name or a list of delays to be written to environment variables, got 'a function'" });
  assert.ok(toStepFunctionsRetry(policy).losses.some((loss) => loss.startsWith('a backoff function is not expressible')));
  // The class delays would be silently ignored: refused, by the engine's rule for lists too.
  assert.throws(() => new Policy({ backoff: () => 1, transientDelay: 5 }), {
    name: 'RangeError', message: '`transientDelay` must be unset with a list of delays or a backoff function, got 5',
  });
  assert.throws(() => retry(() => 1, { backoff: () => 1, throttlingDelay: 0 }), { name: 'RangeError' });
  // A policy field, not a call's.
  assert.throws(() => new Policy().execute(() => 1, { backoff: () => 1 }), { name: 'TypeError', message: /^Unknown call option `backoff`/ });
});

test('the AWS SDK retry strategy asks a backoff function too, with the SDK\'s error', async () => {
  const seen = [];
  const policy = new Policy({ backoff: (n, error) => { seen.push(error?.name); return 40 * n; }, jitter: 'none' });
  const strategy = toAwsRetryStrategy(policy);
  const token = await strategy.acquireInitialRetryToken('dynamodb');
  const error = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
  const next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING', error });
  assert.equal(next.getRetryDelay(), 40);
  assert.deepEqual(seen, ['ThrottlingException']);
  // Not asked once the attempts are spent (the SDK is told no), as in retry().
  const last = await strategy.refreshRetryTokenForRetry(next, { errorType: 'THROTTLING', error }).catch((e) => e);
  assert.deepEqual(seen, ['ThrottlingException', 'ThrottlingException']);
  await assert.rejects(strategy.refreshRetryTokenForRetry(last, { errorType: 'THROTTLING', error }), /no retry \(attempts\)/);
  assert.equal(seen.length, 2);
  // One that throws ends the call with its error.
  const broken = new Error('broken backoff');
  const failing = toAwsRetryStrategy(new Policy({ backoff: () => { throw broken; } }));
  await assert.rejects(failing.refreshRetryTokenForRetry(await failing.acquireInitialRetryToken('s3'), { errorType: 'TRANSIENT', error }), broken);
});

test('longRetryAfter: a wait past maxRetryAfter stops by default, waits the cap with "cap"', async () => {
  const asked = () => Object.assign(new Error('later'), { retryAfter: 60_000 });
  const options = { initialDelay: 1, jitter: 'none', maxRetryAfter: 30, maxAttempts: 2 };
  await assert.rejects(retry(flaky(1, asked), options), (error) => error instanceof RetryExhaustedError && error.reason === 'retryAfter');
  assert.deepEqual(await waits({ ...options, longRetryAfter: 'cap' }, 1, asked), [30]);
  assert.equal(new Policy({ longRetryAfter: 'cap' }).toJSON().longRetryAfter, 'cap');
  assert.throws(() => new Policy({ longRetryAfter: 'wait' }), { name: 'RangeError', message: "`longRetryAfter` must be one of 'stop', 'cap', got 'wait'" });
  assert.throws(() => new Policy({ longRetryAfter: true }), { name: 'TypeError', message: '`longRetryAfter` must be a string, got true' });
  assert.equal(toEnv(new Policy({ longRetryAfter: 'cap' })).RETRY_LONG_RETRY_AFTER, 'cap');
});

test('longRetryAfter "cap" with retryFetch: a 503 asking two minutes is retried after maxRetryAfter', async () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    if (requests === 1) {
      res.writeHead(503, { 'retry-after': '120' }).end();
    } else {
      res.end('ok');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    const delays = [];
    const response = await retryFetch(url, {}, { maxRetryAfter: 40, longRetryAfter: 'cap', onRetry: ({ delay }) => delays.push(delay) });
    assert.equal(await response.text(), 'ok');
    assert.equal(requests, 2);
    assert.equal(delays.length, 1);
    assert.ok(delays[0] >= 40 && delays[0] <= 100, `${delays}`); // the cap, or a longer drawn delay
    requests = 0;
    const refused = await retryFetch(url, {}, { maxRetryAfter: 40 });
    assert.equal(refused.status, 503);
    assert.equal(requests, 1);
  } finally {
    server.close();
  }
});
