// retry() and Policy.execute() semantics, against the built package.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Policy, RetryExhaustedError, AttemptTimeoutError, retry, withRetry } from 'jitterbug';

/** A function that fails `failures` times with `makeError(attempt)`, then returns 'done'. */
function flaky(failures, makeError = (n) => new Error(`failure ${n}`)) {
  const calls = [];
  const fn = async (context) => {
    calls.push(context);
    if (calls.length <= failures) throw makeError(calls.length);
    return 'done';
  };
  return { fn, calls };
}

const fast = { initialDelay: 1, maxDelay: 5 };

test('a call that succeeds first time is made once, with attempt 1 and a signal', async () => {
  const { fn, calls } = flaky(0);
  assert.equal(await retry(fn), 'done');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].attempt, 1);
  assert.equal(calls[0].signal.aborted, false);
});

test('a synchronous function and a plain return value work too', async () => {
  assert.equal(await retry(() => 42), 42);
  let n = 0;
  assert.equal(await retry(() => { if (++n < 2) throw new Error('sync'); return n; }, fast), 2);
});

test('retries until success; attempts count from 1', async () => {
  const { fn, calls } = flaky(2);
  assert.equal(await retry(fn, { ...fast, maxAttempts: 3 }), 'done');
  assert.deepEqual(calls.map((c) => c.attempt), [1, 2, 3]);
});

test('maxAttempts counts every attempt, the first included', async () => {
  const { fn, calls } = flaky(10);
  await assert.rejects(retry(fn, { ...fast, maxAttempts: 3 }), RetryExhaustedError);
  assert.equal(calls.length, 3);
  const single = flaky(10);
  await assert.rejects(retry(single.fn, { maxAttempts: 1 }), RetryExhaustedError);
  assert.equal(single.calls.length, 1);
});

test('exhaustion carries the last error, the attempt count, the reason and a full log', async () => {
  const { fn } = flaky(10);
  const error = await retry(fn, { ...fast, maxAttempts: 3, seed: 5 }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.name, 'RetryExhaustedError');
  assert.equal(error.attempts, 3);
  assert.equal(error.reason, 'attempts');
  assert.equal(error.cause.message, 'failure 3');
  assert.match(error.message, /3 attempts/);
  assert.match(error.message, /failure 3/);
  assert.deepEqual(error.log.map((r) => [r.attempt, r.error.message]), [[1, 'failure 1'], [2, 'failure 2'], [3, 'failure 3']]);
  // The delays in the log are the ones the seeded policy draws, and the last has none.
  assert.deepEqual(error.log.map((r) => r.delay), [...new Policy({ ...fast, seed: 5 }).delays(2), undefined]);
  assert.ok(error.elapsed >= 0);
});

test('an error the policy does not retry propagates unchanged (the same object)', async () => {
  class ValidationError extends Error {}
  const original = new ValidationError('bad input');
  const cases = [
    { abortOn: ['ValidationError'] },
    { retryOn: ['ECONNRESET'] },
    { retryIf: (error) => !(error instanceof ValidationError) },
    { retryIf: async () => false },
  ];
  for (const options of cases) {
    const { fn, calls } = flaky(5, () => original);
    const thrown = await retry(fn, { ...fast, ...options }).catch((e) => e);
    assert.equal(thrown, original, JSON.stringify(Object.keys(options)));
    assert.equal(calls.length, 1);
  }
});

test('retryOn and abortOn match error.name, error.code and the class name', async () => {
  const withCode = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  const reset = flaky(1, () => withCode);
  assert.equal(await retry(reset.fn, { ...fast, retryOn: ['ECONNRESET'] }), 'done');
  class ThrottlingError extends Error {}
  const throttled = flaky(1, () => new ThrottlingError('slow down'));
  assert.equal(await retry(throttled.fn, { ...fast, retryOn: ['ThrottlingError'] }), 'done');
  const named = flaky(1, () => Object.assign(new Error('x'), { name: 'ServiceUnavailable' }));
  assert.equal(await retry(named.fn, { ...fast, retryOn: ['ServiceUnavailable'] }), 'done');
  // abortOn wins over retryOn.
  const both = flaky(1, () => withCode);
  await assert.rejects(retry(both.fn, { ...fast, retryOn: ['ECONNRESET'], abortOn: ['Error'] }), (e) => e === withCode);
});

test('retryIf receives the error, the attempt and the elapsed time', async () => {
  const seen = [];
  const { fn } = flaky(2);
  await retry(fn, { ...fast, retryIf: (error, info) => { seen.push([error.message, info.attempt, typeof info.elapsed]); return true; } });
  assert.deepEqual(seen, [['failure 1', 1, 'number'], ['failure 2', 2, 'number']]);
});

test('onRetry sees each retry before its sleep; its own failures never break the loop', async () => {
  const events = [];
  const { fn } = flaky(2);
  const policy = new Policy({ ...fast, seed: 9 });
  const result = await policy.execute(fn, {
    onRetry: (event) => { events.push(event); throw new Error('listener broke'); },
  });
  assert.equal(result, 'done');
  assert.deepEqual(events.map((e) => [e.attempt, e.error.message]), [[1, 'failure 1'], [2, 'failure 2']]);
  assert.deepEqual(events.map((e) => e.delay), policy.delays(2));
  // A rejecting async listener does not break it either, and its error is kept in the log.
  const exhausted = await retry(flaky(9).fn, { ...fast, maxAttempts: 2, onRetry: async () => { throw new Error('async listener'); } })
    .catch((e) => e);
  assert.ok(exhausted instanceof RetryExhaustedError);
  assert.equal(exhausted.log[0].onRetryError.message, 'async listener');
});

test('sleeps exactly the delay the engine drew (fake timers)', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { fn, calls } = flaky(2);
  const promise = retry(fn, { jitter: 'none', initialDelay: 1000, maxDelay: 10_000 });
  await flush();
  assert.equal(calls.length, 1);
  t.mock.timers.tick(999);
  await flush();
  assert.equal(calls.length, 1, 'second attempt started before its 1000 ms delay ended');
  t.mock.timers.tick(1);
  await flush();
  assert.equal(calls.length, 2);
  t.mock.timers.tick(1999);
  await flush();
  assert.equal(calls.length, 2, 'third attempt started before its 2000 ms delay ended');
  t.mock.timers.tick(1);
  assert.equal(await promise, 'done');
  assert.equal(calls.length, 3);
});

async function flush() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

test('maxElapsed stops before a sleep that would end past it', async () => {
  const { fn, calls } = flaky(10);
  const started = performance.now();
  const error = await retry(fn, { jitter: 'none', initialDelay: 40, maxDelay: 1000, maxAttempts: 10, maxElapsed: 100 })
    .catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.reason, 'deadline');
  // Sleeps of 40 then 80 ms: the second would end at ~120 ms > 100, so it is never started.
  assert.equal(calls.length, 2);
  assert.ok(performance.now() - started < 100, 'a sleep past the deadline was started');
});

test('attemptTimeout aborts a slow attempt, whose failure is a retryable TimeoutError', async () => {
  const signals = [];
  let calls = 0;
  const result = await retry(async ({ signal }) => {
    calls += 1;
    signals.push(signal);
    if (calls === 1) return new Promise(() => {}); // never settles
    return 'second try';
  }, { ...fast, attemptTimeout: 30 });
  assert.equal(result, 'second try');
  assert.equal(calls, 2);
  assert.equal(signals[0].aborted, true);
  assert.ok(signals[0].reason instanceof AttemptTimeoutError);
  assert.equal(signals[0].reason.name, 'TimeoutError');
  assert.equal(signals[1].aborted, false);
  // Every attempt timing out exhausts with the timeout as the cause.
  const error = await retry(() => new Promise(() => {}), { ...fast, maxAttempts: 2, attemptTimeout: 10 }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.ok(error.cause instanceof AttemptTimeoutError);
  // abortOn can name TimeoutError to stop at the first timeout.
  const first = await retry(() => new Promise(() => {}), { ...fast, attemptTimeout: 10, abortOn: ['TimeoutError'] }).catch((e) => e);
  assert.ok(first instanceof AttemptTimeoutError);
});

test('aborting mid-sleep rejects at once with signal.reason and starts no further attempt', async () => {
  const controller = new AbortController();
  const { fn, calls } = flaky(10);
  const reason = new Error('user went away');
  const promise = retry(fn, { initialDelay: 5000, maxDelay: 5000, jitter: 'none', signal: controller.signal });
  await new Promise((r) => setTimeout(r, 20));
  const abortedAt = performance.now();
  controller.abort(reason);
  const thrown = await promise.catch((e) => e);
  const latency = performance.now() - abortedAt;
  assert.equal(thrown, reason);
  assert.ok(latency < 50, `rejected ${latency.toFixed(1)} ms after the abort`);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls.length, 1);
});

test('an already-aborted signal rejects without calling fn', async () => {
  const controller = new AbortController();
  controller.abort(new Error('too late'));
  const { fn, calls } = flaky(0);
  await assert.rejects(retry(fn, { signal: controller.signal }), /too late/);
  assert.equal(calls.length, 0);
});

test('aborting mid-attempt abandons it at once and aborts the attempt signal', async () => {
  const controller = new AbortController();
  let attemptSignal;
  const promise = new Policy().execute(({ signal }) => { attemptSignal = signal; return new Promise(() => {}); }, { signal: controller.signal });
  await new Promise((r) => setTimeout(r, 5));
  controller.abort(new Error('stop'));
  await assert.rejects(promise, /stop/);
  assert.equal(attemptSignal.aborted, true);
});

/** Runs `code` (an ES module importing jitterbug) in a fresh Node process; returns ms taken. */
function runChild(code) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.status, 0, child.stderr);
  return { ms: performance.now() - started, stdout: child.stdout };
}

test('no timer outlives a settled call: the process exits as soon as the work is done', () => {
  // Each scenario would keep the process alive for a minute if a timer were left behind.
  const scenarios = {
    'abort mid-sleep': `const c = new AbortController();
      const p = retry(async () => { throw new Error('x'); }, { initialDelay: 60000, maxDelay: 60000, signal: c.signal });
      setTimeout(() => c.abort(new Error('bye')), 10); await p.catch(() => {});`,
    'attempt timeout then success': `let n = 0; await retry(() => ++n === 1 ? new Promise(() => {}) : 'ok', { attemptTimeout: 20, initialDelay: 1, maxDelay: 1 });`,
    'success with a long attemptTimeout': `await retry(async () => 'ok', { attemptTimeout: 60000 });`,
    'exhaustion': `await retry(async () => { throw new Error('x'); }, { maxAttempts: 2, initialDelay: 1, maxDelay: 1, attemptTimeout: 60000 }).catch(() => {});`,
  };
  for (const [name, body] of Object.entries(scenarios)) {
    const { ms, stdout } = runChild(`import { retry } from 'jitterbug'; ${body} console.log('finished');`);
    assert.equal(stdout.trim(), 'finished', name);
    assert.ok(ms < 10_000, `${name}: the process lived ${ms.toFixed(0)} ms`);
  }
});

test('withRetry and policy.wrap keep the arguments and this', async () => {
  let n = 0;
  const add = withRetry({ ...fast })(async (a, b) => { if (++n < 2) throw new Error('once'); return a + b; });
  assert.equal(await add(2, 3), 5);
  const counter = { base: 10, get: new Policy(fast).wrap(async function (x) { return this.base + x; }) };
  assert.equal(await counter.get(5), 15);
});

test('bad fn and bad call options are TypeErrors', () => {
  assert.throws(() => retry('not a function'), { name: 'TypeError', message: /`fn`.*'not a function'/ });
  assert.throws(() => new Policy().execute(async () => 1, { signal: 'nope' }), { name: 'TypeError', message: /`signal` must be an AbortSignal, got 'nope'/ });
  assert.throws(() => new Policy().execute(async () => 1, { maxAttempts: 3 }), { name: 'TypeError', message: /Unknown call option `maxAttempts`/ });
  assert.throws(() => retry(async () => 1, {}, {}), { name: 'TypeError', message: /only read with a Policy/ });
});

test('retry(fn, policy, call) passes the call options through', async () => {
  const controller = new AbortController();
  controller.abort(new Error('pre-aborted'));
  await assert.rejects(retry(async () => 1, new Policy(), { signal: controller.signal }), /pre-aborted/);
});

test('a retry after a delay of 0 ms sets no timer (Node clamps one to 1 ms), and an abort still ends it', async () => {
  const timers = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...rest) => { timers.push(ms); return realSetTimeout(fn, ms, ...rest); };
  try {
    const delays = [];
    const { fn, calls } = flaky(4);
    assert.equal(await retry(fn, { initialDelay: 0, maxDelay: 0, maxAttempts: 5, onRetry: ({ delay }) => delays.push(delay) }), 'done');
    assert.equal(calls.length, 5);
    assert.deepEqual(delays, [0, 0, 0, 0]);
    // Full jitter draws 0 too, at times: the same path for a drawn 0.
    assert.deepEqual(timers, [], 'no timer for a 0 ms wait');
    const controller = new AbortController();
    const pending = retry(async () => { controller.abort(new Error('stop')); throw new Error('x'); },
      { initialDelay: 0, maxDelay: 0, signal: controller.signal });
    await assert.rejects(pending, /stop/);
    const aborting = new AbortController();
    let attempts = 0;
    const during = retry(async () => { attempts += 1; throw new Error('x'); }, { initialDelay: 0, maxDelay: 0, maxAttempts: 1000, signal: aborting.signal });
    queueMicrotask(() => aborting.abort(new Error('mid-sleep')));
    await assert.rejects(during, /mid-sleep/);
    assert.ok(attempts < 1000, `${attempts} attempts`);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
});

test('zero delays still let I/O through: a thousand immediate retries do not starve a timer', async () => {
  let fired = false;
  setTimeout(() => { fired = true; }, 1);
  let attempts = 0;
  await retry(async () => { attempts += 1; if (!fired) throw new Error('waiting'); return 'ok'; },
    { initialDelay: 0, maxDelay: 0, maxAttempts: 100_000 });
  assert.ok(fired && attempts > 1);
});

test('unref: a waiting retry does not keep a process alive; without it, it does', () => {
  const body = (unref) => `import { retry } from 'jitterbug';
    retry(async () => { throw new Error('down'); }, { initialDelay: 60000, maxDelay: 60000, attemptTimeout: 60000${unref ? ', unref: true' : ''} });
    setTimeout(() => {}, 50);`;
  const { ms } = runChild(body(true));
  assert.ok(ms < 10_000, `the process lived ${ms.toFixed(0)} ms`);
  const kept = spawnSync(process.execPath, ['--input-type=module', '-e', body(false)], { encoding: 'utf8', timeout: 1500 });
  assert.equal(kept.signal, 'SIGTERM', 'the 60 s wait keeps a process without unref alive');
  // And a call option and a Policy field both; a non-boolean is a TypeError.
  const { ms: policyMs } = runChild(`import { Policy } from 'jitterbug';
    new Policy({ initialDelay: 60000, maxDelay: 60000, unref: true }).execute(async () => { throw new Error('down'); });`);
  assert.ok(policyMs < 10_000);
  // An attempt's own timer (attemptTimeout, or the deadline) lets the process go too.
  for (const limit of ['attemptTimeout: 60000', 'maxElapsed: 60000']) {
    const { ms: hangingMs } = runChild(`import { retry } from 'jitterbug';
      retry(() => new Promise(() => {}), { ${limit}, unref: true });`);
    assert.ok(hangingMs < 10_000, `${limit}: the process lived ${hangingMs.toFixed(0)} ms`);
  }
  // A call's `unref: false` wins over its policy's `true`: the attempt's timer keeps the process.
  const overridden = spawnSync(process.execPath, ['--input-type=module', '-e', `import { Policy } from 'jitterbug';
    new Policy({ attemptTimeout: 60000, unref: true }).execute(() => new Promise(() => {}), { unref: false });`], { encoding: 'utf8', timeout: 1500 });
  assert.equal(overridden.signal, 'SIGTERM', 'the call\'s unref: false keeps the process alive');
  assert.throws(() => retry(async () => 1, { unref: 'yes' }), { name: 'TypeError', message: /`unref` must be a boolean, got 'yes'/ });
});

test('a TypeError or ReferenceError from the caller\'s code is a bug: not retried, unless retryOn names it', async () => {
  let calls = 0;
  const typo = async () => { calls += 1; return undefined.status; };
  const thrown = await retry(typo, fast).catch((e) => e);
  assert.ok(thrown instanceof TypeError, `${thrown}`);
  assert.equal(calls, 1);
  calls = 0;
  const missing = await retry(async () => { calls += 1; return notDefinedAnywhere; }, fast).catch((e) => e); // eslint-disable-line no-undef
  assert.equal(missing.name, 'ReferenceError');
  assert.equal(calls, 1);
  // retryOn opts back in, by name.
  calls = 0;
  await assert.rejects(retry(typo, { ...fast, maxAttempts: 3, retryOn: ['TypeError'] }), RetryExhaustedError);
  assert.equal(calls, 3);
  // Other errors are retried as before, and a SyntaxError (a truncated body) too.
  const { fn, calls: syntax } = flaky(1, () => new SyntaxError('Unexpected end of JSON input'));
  assert.equal(await retry(fn, fast), 'done');
  assert.equal(syntax.length, 2);
});

test('fetch\'s own network failures are still retried: Node\'s, and the browsers\' by their messages', async () => {
  // A real one: a port nothing listens on.
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  let calls = 0;
  const refused = await retry(async () => { calls += 1; return fetch(`http://127.0.0.1:${port}/`); }, { ...fast, maxAttempts: 3 }).catch((e) => e);
  assert.ok(refused instanceof RetryExhaustedError, `${refused}`);
  assert.equal(refused.cause.message, 'fetch failed');
  assert.equal(calls, 3);
  for (const message of ['Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed', 'Network request failed']) {
    const { fn, calls: attempts } = flaky(1, () => new TypeError(message));
    assert.equal(await retry(fn, fast), 'done', message);
    assert.equal(attempts.length, 2, message);
  }
  // undici's `terminated` (a body cut off mid-read) carries the socket's code on its cause.
  const { fn, calls: attempts } = flaky(1, () => new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
  assert.equal(await retry(fn, fast), 'done');
  assert.equal(attempts.length, 2);
  // fetch's own TypeError for a bad URL is a bug: one attempt.
  calls = 0;
  const bad = await retry(async () => { calls += 1; return fetch('http://exa mple.com:99999/'); }, fast).catch((e) => e);
  assert.ok(bad instanceof TypeError && !(bad instanceof RetryExhaustedError), `${bad}`);
  assert.equal(calls, 1);
});

/** `promise`, or a failure after `ms`: a call that never settles fails the test instead of hanging it. */
function within(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

test('maxElapsed holds: an attempt in flight at the deadline is aborted and the call rejects with reason deadline', async () => {
  let signal;
  const started = performance.now();
  const error = await within(retry(({ signal: s }) => { signal = s; return new Promise(() => {}); }, { maxElapsed: 80 }).catch((e) => e), 5000, 'the call');
  const took = performance.now() - started;
  assert.ok(error instanceof RetryExhaustedError, `${error}`);
  assert.equal(error.reason, 'deadline');
  assert.equal(error.attempts, 1);
  assert.ok(took >= 79, `rejected after ${took.toFixed(1)} ms, before the deadline`);
  assert.equal(signal.aborted, true, 'the attempt\'s signal aborts at the deadline');
  assert.equal(signal.reason, error.cause);
  assert.equal(error.cause.name, 'TimeoutError');
  assert.match(error.cause.message, /deadline/);
  // A later attempt too, and the log has each one.
  let calls = 0;
  const second = await within(retry(() => (++calls === 1 ? Promise.reject(new Error('quick')) : new Promise(() => {})),
    { maxElapsed: 80, initialDelay: 5, maxDelay: 5, jitter: 'none' }).catch((e) => e), 5000, 'the call');
  assert.equal(second.reason, 'deadline');
  assert.equal(second.attempts, 2);
  assert.deepEqual(second.log.map((entry) => entry.attempt), [1, 2]);
  // attemptTimeout shorter than the time left: a timeout, retried as before.
  let tries = 0;
  const value = await within(retry(() => (++tries === 1 ? new Promise(() => {}) : 'ok'), { maxElapsed: 5000, attemptTimeout: 20, initialDelay: 1 }), 5000, 'the call');
  assert.equal(value, 'ok');
});

test('a call under maxElapsed that succeeds in time is not cut, and leaves no timer behind', async () => {
  assert.equal(await retry(async () => 'ok', { maxElapsed: 60000 }), 'ok');
  const { ms, stdout } = runChild(`import { retry } from 'jitterbug'; console.log(await retry(async () => 'ok', { maxElapsed: 60000 }));`);
  assert.equal(stdout.trim(), 'ok');
  assert.ok(ms < 10_000, `the process lived ${ms.toFixed(0)} ms`);
});

test('retryOnResult retries on a result: poll until the job says DONE', async () => {
  const states = ['PENDING', 'PENDING', 'DONE'];
  let calls = 0;
  const seen = [];
  const job = await retry(async () => ({ status: states[calls++] }), {
    initialDelay: 1, maxAttempts: 5,
    retryOnResult: (result, { attempt }) => { seen.push([attempt, result.status]); return result.status !== 'DONE'; },
  });
  assert.deepEqual(job, { status: 'DONE' });
  assert.equal(calls, 3);
  assert.deepEqual(seen, [[1, 'PENDING'], [2, 'PENDING'], [3, 'DONE']]);
  // Out of attempts: the call rejects, and the last result is on the error.
  const error = await retry(async () => ({ status: 'PENDING' }), { initialDelay: 1, maxAttempts: 3, retryOnResult: async (r) => r.status !== 'DONE' }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError, `${error}`);
  assert.equal(error.reason, 'attempts');
  assert.equal(error.attempts, 3);
  assert.equal(error.cause.name, 'RetryableResultError');
  assert.deepEqual(error.cause.value, { status: 'PENDING' });
  // retryOn names errors; a result the caller asked to retry is retried whatever it lists.
  let n = 0;
  assert.equal(await retry(async () => ++n, { initialDelay: 1, retryOn: ['ECONNRESET'], retryOnResult: (v) => v < 2 }), 2);
  // On a Policy too, and it is behaviour: toJSON leaves it out.
  const policy = new Policy({ initialDelay: 1, retryOnResult: (v) => v === 'not yet' });
  let m = 0;
  assert.equal(await policy.execute(async () => (++m < 2 ? 'not yet' : 'ready')), 'ready');
  assert.equal('retryOnResult' in policy.toJSON(), false);
  assert.throws(() => retry(async () => 1, { retryOnResult: true }), { name: 'TypeError', message: '`retryOnResult` must be a function, got true' });
});

test('retryIf is the place for work between attempts (a token refresh), and every hook sees retriesLeft', async () => {
  let token = 'expired';
  const attempts = [];
  const events = [];
  const value = await retry(async ({ attempt }) => {
    attempts.push([attempt, token]);
    if (token === 'expired') throw Object.assign(new Error('401'), { code: 'AUTH' });
    return 'ok';
  }, {
    initialDelay: 1, maxAttempts: 4,
    retryIf: async (error, info) => {
      events.push(['retryIf', info.attempt, info.retriesLeft]);
      if (error.code === 'AUTH') token = await Promise.resolve('fresh');
      return true;
    },
    onRetry: ({ attempt, retriesLeft }) => events.push(['onRetry', attempt, retriesLeft]),
  });
  assert.equal(value, 'ok');
  assert.deepEqual(attempts, [[1, 'expired'], [2, 'fresh']]);
  assert.deepEqual(events, [['retryIf', 1, 3], ['onRetry', 1, 3]]);
  // retryIf's time counts against maxElapsed: a slow one leaves no time for the retry.
  const late = await retry(async () => { throw new Error('x'); }, {
    maxElapsed: 100, initialDelay: 1, retryIf: () => new Promise((resolve) => setTimeout(resolve, 150, true)),
  }).catch((e) => e);
  assert.equal(late.reason, 'deadline');
});

test('onGiveUp hears once why a call gave up; aborts and successes say nothing; its errors change nothing', async () => {
  const heard = [];
  const onGiveUp = (event) => heard.push([event.reason, event.attempts, event.error?.message ?? String(event.error)]);
  await retry(async () => { throw new Error('down'); }, { initialDelay: 1, maxAttempts: 2, onGiveUp }).catch(() => {});
  await retry(async () => { throw new TypeError('bug'); }, { initialDelay: 1, onGiveUp }).catch(() => {});
  await retry(() => new Promise(() => {}), { maxElapsed: 20, onGiveUp }).catch(() => {});
  await retry(async () => 'fine', { onGiveUp });
  const controller = new AbortController();
  const aborted = retry(async () => { throw new Error('x'); }, { initialDelay: 10_000, maxDelay: 10_000, signal: controller.signal, onGiveUp });
  controller.abort(new Error('stop'));
  await aborted.catch(() => {});
  assert.deepEqual(heard, [
    ['attempts', 2, 'down'],
    ['notRetryable', 1, 'bug'],
    ['deadline', 1, 'Attempt 1 was cut off after 20 ms, at the call\'s deadline (maxElapsed)'],
  ]);
  // The event's error is what the call rejects with's cause, or the error itself.
  let event;
  const error = await new Policy({ initialDelay: 1, maxAttempts: 2, onGiveUp: (e) => { event = e; throw new Error('listener bug'); } })
    .execute(async () => { throw new Error('down'); }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError, 'a listener that throws changes nothing');
  assert.equal(event.error, error.cause);
  assert.equal(typeof event.elapsed, 'number');
  assert.throws(() => retry(async () => 1, { onGiveUp: 1 }), { name: 'TypeError', message: '`onGiveUp` must be a function, got 1' });
});

test('inline options: a literal repeated at a call site keeps its schedule, and every other value is still checked', async () => {
  const options = () => ({ maxAttempts: 2, initialDelay: 1, jitter: 'none' });
  // The same numbers again: the same plan, so the same schedule.
  for (let i = 0; i < 3; i++) assert.equal(await retry(flaky(1).fn, { maxAttempts: 2, initialDelay: 1 }), 'done');
  await assert.rejects(retry(flaky(5).fn, { maxAttempts: 2, initialDelay: 1 }), RetryExhaustedError);
  // A changed value, a number where a name belongs, or one out of range is read and refused.
  assert.equal(await retry(flaky(1).fn, options()), 'done');
  // (0 is the code 'none' crosses as: a number there is still a wrong type.)
  assert.throws(() => retry(flaky(1).fn, { ...options(), jitter: 0 }), { name: 'TypeError', message: '`jitter` must be a string, got 0' });
  assert.throws(() => retry(flaky(1).fn, { maxAttempts: 2, initialDelay: 1, jitter: 'none', maxDelay: 0.5 }), { name: 'RangeError' });
  assert.equal(await retry(flaky(1).fn, { maxAttempts: 2, initialDelay: 1 }), 'done');
  assert.throws(() => retry(flaky(1).fn, { maxAttempts: 0, initialDelay: 1 }), { name: 'RangeError' });
  assert.throws(() => retry(flaky(1).fn, { maxAttempts: '2', initialDelay: 1 }), { name: 'TypeError' });
  // One field fewer is another plan: maxAttempts back to its default of 3.
  let calls = 0;
  await retry(async () => { calls += 1; if (calls < 3) throw new Error('again'); }, { initialDelay: 1 });
  assert.equal(calls, 3);
  // An object with no fields of its own after an empty literal: another copy's Policy is still refused.
  assert.equal(await retry(flaky(0).fn, {}), 'done');
  const foreign = new (class Policy { execute() {} delays() {} })();
  assert.throws(() => retry(flaky(0).fn, foreign), { name: 'TypeError', message: /another copy of jitterbug/ });
});

test('a retryOnResult that throws ends the call with its error, as retryIf does: it is not retried', async () => {
  const broken = new Error('result check broke');
  let calls = 0;
  await assert.rejects(retry(async () => { calls += 1; return 'x'; }, { retryOnResult: () => { throw broken; }, initialDelay: 1 }), broken);
  assert.equal(calls, 1);
});
