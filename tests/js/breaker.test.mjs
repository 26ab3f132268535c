// CircuitBreaker with retry, Policy and retryFetch, against the built package (real timers,
// short delays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { CircuitBreaker, CircuitOpenError, Policy, RetryBudget, retry, retryFetch } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 2 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('opens after failureThreshold consecutive failed attempts, then fails fast without calling fn', async () => {
  const events = [];
  const breaker = new CircuitBreaker({ failureThreshold: 3, openDelay: 200, onStateChange: (e) => events.push(e) });
  let calls = 0;
  const down = async () => { calls += 1; throw new Error('down'); };
  await retry(down, { ...fast, maxAttempts: 3, breaker }).catch(() => {});
  assert.equal(calls, 3);
  assert.equal(breaker.state, 'open');
  assert.deepEqual(events, [{ from: 'closed', to: 'open', reason: 'consecutiveFailures' }]);
  const error = await retry(down, { breaker }).catch((e) => e);
  assert.ok(error instanceof CircuitOpenError);
  assert.equal(error.name, 'CircuitOpenError');
  assert.ok(error.retryAfter > 0 && error.retryAfter <= 200, `retryAfter ${error.retryAfter}`);
  assert.equal(calls, 3, 'fn was not called while open');
});

test('after openDelay one probe goes through: success closes, failure re-opens', async () => {
  const events = [];
  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 50, onStateChange: (e) => events.push(`${e.from}>${e.to}:${e.reason}`) });
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  await sleep(60);
  assert.equal(breaker.state, 'half-open');
  await retry(async () => { throw new Error('still down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'open');
  await sleep(60);
  assert.equal(await retry(async () => 'back', { maxAttempts: 1, breaker }), 'back');
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(events, [
    'closed>open:consecutiveFailures', 'open>half-open:openDelayElapsed', 'half-open>open:probeFailed',
    'open>half-open:openDelayElapsed', 'half-open>closed:probeSucceeded',
  ]);
});

test('opens on the failure ratio over the window once minimumCalls is reached', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 100, failureRatio: 0.5, minimumCalls: 4, windowMs: 60_000 });
  const outcomes = [true, false, true, false];
  for (const ok of outcomes) await retry(async () => { if (!ok) throw new Error('x'); return 1; }, { maxAttempts: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'open');
});

test('a retry loop stops at the open circuit instead of retrying into it', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 10_000 });
  let calls = 0;
  const error = await retry(async () => { calls += 1; throw new Error('down'); }, { ...fast, maxAttempts: 10, breaker }).catch((e) => e);
  assert.ok(error instanceof CircuitOpenError);
  assert.equal(calls, 2);
});

test('a shared breaker protects every call site of a Policy, and retryFetch', async () => {
  let requests = 0;
  const server = createServer((req, res) => { requests += 1; res.writeHead(503); res.end(); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 10_000 });
    const policy = new Policy({ ...fast, maxAttempts: 2, breaker, budget: new RetryBudget() });
    const url = `http://127.0.0.1:${server.address().port}/`;
    // The two 503s open the circuit; retryFetch keeps fetch's contract and returns the last response.
    assert.equal((await retryFetch(url, undefined, policy)).status, 503);
    assert.equal(requests, 2);
    await assert.rejects(retryFetch(url, undefined, policy), CircuitOpenError);
    await assert.rejects(policy.execute(async () => 'never'), CircuitOpenError);
    assert.equal(requests, 2);
  } finally {
    server.close();
  }
});

test('snapshot and restore keep a breaker\'s state across Lambda invocations', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 60_000 });
  await retry(async () => { throw new Error('down'); }, { ...fast, maxAttempts: 2, breaker }).catch(() => {});
  const snapshot = JSON.parse(JSON.stringify(breaker.snapshot()));
  assert.equal(snapshot.state, 'open');
  assert.equal(snapshot.options.failureThreshold, 2);
  assert.ok(snapshot.openUntil > Date.now());
  const restored = CircuitBreaker.restore(snapshot);
  assert.equal(restored.state, 'open');
  await assert.rejects(retry(async () => 1, { breaker: restored }), CircuitOpenError);
  for (const [bad, field, shown] of [[{ window: [] }, 'window', '[]'], [{ openUntil: Infinity }, 'openUntil', 'Infinity'],
    [{ trips: -1 }, 'trips', '-1'], [{ state: 'ajar' }, 'state', "'ajar'"]]) {
    assert.throws(() => CircuitBreaker.restore({ ...snapshot, ...bad }), { name: 'RangeError', message: new RegExp(`^\`snapshot.${field}\` must be .*, got ${shown.replace(/[[\]]/g, '\\$&')}$`) });
  }
});

test('bad breaker options are TypeErrors and RangeErrors naming the option and the value', () => {
  assert.throws(() => new CircuitBreaker({ failureRatio: 1.5 }), { name: 'RangeError', message: '`failureRatio` must be a number > 0 and <= 1, got 1.5' });
  assert.throws(() => new CircuitBreaker({ openDelay: -1 }), { name: 'RangeError', message: '`openDelay` must be a number of ms from 0 to 2147483647, got -1' });
  assert.throws(() => new CircuitBreaker({ failureThreshold: '5' }), { name: 'TypeError', message: "`failureThreshold` must be a number, got '5'" });
  assert.throws(() => new CircuitBreaker({ threshold: 5 }), { name: 'TypeError', message: /^Unknown breaker option `threshold`/ });
  assert.throws(() => new CircuitBreaker({ onStateChange: 'log' }), { name: 'TypeError', message: "`onStateChange` must be a function, got 'log'" });
  assert.throws(() => retry(async () => 1, { breaker: {} }), { name: 'TypeError', message: '`breaker` must be a CircuitBreaker, got [object Object]' });
});

test('half-open sampling: halfOpenSuccesses of halfOpenSample probes must succeed to close it', async () => {
  const events = [];
  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 30, halfOpenSuccesses: 2, halfOpenSample: 3,
    onStateChange: (e) => events.push(`${e.to}:${e.reason}`) });
  const once = (fn) => retry(fn, { maxAttempts: 1, breaker }).catch((e) => e);
  await once(async () => { throw new Error('down'); });
  await sleep(40);
  assert.equal(await once(async () => 'up'), 'up');
  assert.equal(breaker.state, 'half-open', 'one success of the two it needs');
  await once(async () => { throw new Error('blip'); });
  assert.equal(breaker.state, 'half-open', 'one failure of 3 still leaves room for 2 successes');
  assert.equal(await once(async () => 'up'), 'up');
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(events, ['open:consecutiveFailures', 'half-open:openDelayElapsed', 'closed:probeSucceeded']);
  assert.throws(() => new CircuitBreaker({ halfOpenSuccesses: 3, halfOpenSample: 2 }),
    { name: 'RangeError', message: '`halfOpenSample` must be an integer from `halfOpenSuccesses` to 1000000000, got 2' });
  assert.deepEqual([breaker.snapshot().options.halfOpenSuccesses, breaker.snapshot().options.halfOpenSample], [2, 3]);
});

test('isFailure decides which errors count against the service; the others count as successes', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 10_000, isFailure: (error) => error.name !== 'ValidationError' });
  const invalid = async () => { throw Object.assign(new Error('bad input'), { name: 'ValidationError' }); };
  for (let i = 0; i < 5; i++) await retry(invalid, { maxAttempts: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'closed', 'the service answered each time');
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  await retry(invalid, { maxAttempts: 1, breaker }).catch(() => {});
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'closed', 'an answered call between failures resets the count, as a success does');
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 2, initialDelay: 1, breaker }).catch(() => {});
  assert.equal(breaker.state, 'open');
  // A filter that throws: the attempt counts as a failure, and the error is reported.
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const broken = new CircuitBreaker({ failureThreshold: 1, isFailure: () => { throw new Error('filter bug'); } });
    await retry(invalid, { maxAttempts: 1, breaker: broken }).catch(() => {});
    assert.equal(broken.state, 'open');
    await sleep(0);
  } finally {
    process.off('warning', onWarning);
  }
  assert.ok(warnings.some((w) => /filter bug/.test(`${w.message} ${w.cause?.message}`)), warnings.map(String).join('; '));
  assert.throws(() => new CircuitBreaker({ isFailure: 'no' }), { name: 'TypeError', message: "`isFailure` must be a function, got 'no'" });
});

test('an attempt cut off at the call\'s deadline frees its place and is no verdict; onGiveUp hears an open circuit', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 10_000 });
  const cut = await retry(() => new Promise(() => {}), { maxElapsed: 20, breaker }).catch((e) => e);
  assert.equal(cut.reason, 'deadline');
  assert.equal(breaker.state, 'closed', 'the deadline is the caller\'s, not a failure of the service');
  await retry(async () => { throw new Error('down'); }, { maxAttempts: 1, breaker }).catch(() => {});
  const heard = [];
  const error = await retry(async () => 'never called', { breaker, onGiveUp: (e) => heard.push([e.reason, e.attempts, e.error.name]) }).catch((e) => e);
  assert.ok(error instanceof CircuitOpenError);
  assert.deepEqual(heard, [['circuitOpen', 0, 'CircuitOpenError']]);
  // isFailure survives a snapshot's restore.
  const restored = CircuitBreaker.restore(new CircuitBreaker({ failureThreshold: 1 }).snapshot(), { isFailure: () => false });
  await retry(async () => { throw new Error('answered'); }, { maxAttempts: 1, breaker: restored }).catch(() => {});
  assert.equal(restored.state, 'closed');
});

test('a result retryOnResult sends back (a poll saying "not yet") is an answer, not a failure of the service', async () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 10_000 });
  let polls = 0;
  const status = await retry(async () => (++polls < 4 ? 'PENDING' : 'DONE'), {
    breaker, maxAttempts: 5, initialDelay: 1, retryOnResult: (value) => value === 'PENDING',
  });
  assert.equal(status, 'DONE');
  assert.equal(polls, 4);
  assert.equal(breaker.state, 'closed');
  // A result check that throws is the caller's bug, not the service's failure either.
  const strict = new CircuitBreaker({ failureThreshold: 1, openDelay: 10_000 });
  const broken = new Error('check broke');
  await assert.rejects(retry(async () => 'DONE', { breaker: strict, retryOnResult: () => { throw broken; } }), broken);
  assert.equal(strict.state, 'closed');
});

test('an unseeded breaker draws a seed of its own: with the same history, peers re-open at different times', async () => {
  const realNow = Date.now;
  let t = 0;
  Date.now = () => t; // every breaker sees the same clock
  try {
    const reopenedUntil = async (options) => {
      const breaker = new CircuitBreaker({ failureThreshold: 1, openDelay: 1000, maxOpenDelay: 1_000_000, ...options });
      const fail = async () => { throw new Error('down'); };
      t = 1_000_000;
      await retry(fail, { breaker, maxAttempts: 1 }).catch(() => {});
      t += 1000; // the probe goes through, fails, and the breaker re-opens for a drawn delay
      await retry(fail, { breaker, maxAttempts: 1 }).catch(() => {});
      return breaker.snapshot().openUntil;
    };
    const unseeded = [];
    for (let i = 0; i < 10; i++) unseeded.push(await reopenedUntil({}));
    assert.equal(new Set(unseeded).size, 10, `${unseeded}`);
    assert.equal(await reopenedUntil({ seed: 5 }), await reopenedUntil({ seed: 5 }));
  } finally {
    Date.now = realNow;
  }
});
