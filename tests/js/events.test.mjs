// The events of a call's life: `onEvent` on a policy or a call, Node's diagnostics channels
// (`jitterbug:<type>`), and the names (`service`, `operation`) that label them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { CircuitBreaker, MemoryStore, Policy, RetryBudget, eventTypes, retry, retryFetch, subscribe, toEnv } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 2, jitter: 'none' };
const failing = (failures, value = 'ok') => {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= failures) throw Object.assign(new Error(`failure ${calls}`), { name: 'ServiceUnavailableError' });
    return value;
  };
};
/** An event without its timings, which vary from run to run (each checked to be a number first). */
function steady(event) {
  const { duration, elapsed, error, ...rest } = event;
  for (const [name, value] of [['duration', duration], ['elapsed', elapsed]]) {
    if (value !== undefined) assert.ok(typeof value === 'number' && value >= 0, `${event.type}.${name} = ${value}`);
  }
  return error === undefined ? rest : { ...rest, error: error.message ?? String(error) };
}

test('onEvent hears every attempt, each retry and the success, in order, labelled with the policy\'s names', async () => {
  const events = [];
  const policy = new Policy({ ...fast, maxAttempts: 4, service: 'lake', operation: 'data_fetch', onEvent: (e) => events.push(steady(e)) });
  assert.equal(await policy.execute(failing(2)), 'ok');
  const labels = { service: 'lake', operation: 'data_fetch' };
  assert.deepEqual(events, [
    { type: 'attempt', ...labels, attempt: 1, outcome: 'failure', error: 'failure 1' },
    { type: 'retry', ...labels, attempt: 1, delay: 1, errorClass: 'other', retriesLeft: 3, error: 'failure 1' },
    { type: 'attempt', ...labels, attempt: 2, outcome: 'failure', error: 'failure 2' },
    { type: 'retry', ...labels, attempt: 2, delay: 2, errorClass: 'other', retriesLeft: 2, error: 'failure 2' },
    { type: 'attempt', ...labels, attempt: 3, outcome: 'success' },
    { type: 'success', ...labels, attempts: 3 },
  ]);
});

test('a call that succeeds at once is heard too (one attempt, one success); a call\'s names win over the policy\'s', async () => {
  const events = [];
  const policy = new Policy({ service: 'lake', operation: 'one', onEvent: (e) => events.push(steady(e)) });
  await policy.execute(async () => 1, { operation: 'two' });
  await retry(async () => 2, { onEvent: (e) => events.push(steady(e)) });
  assert.deepEqual(events, [
    { type: 'attempt', service: 'lake', operation: 'two', attempt: 1, outcome: 'success' },
    { type: 'success', service: 'lake', operation: 'two', attempts: 1 },
    { type: 'attempt', service: undefined, operation: undefined, attempt: 1, outcome: 'success' },
    { type: 'success', service: undefined, operation: undefined, attempts: 1 },
  ]);
});

test('an attempt\'s duration is measured from its start to its end', async () => {
  const durations = [];
  await retry(async () => new Promise((resolve) => setTimeout(resolve, 40)), {
    onEvent: (e) => { if (e.type === 'attempt') durations.push(e.duration); },
  });
  assert.equal(durations.length, 1);
  assert.ok(durations[0] >= 35 && durations[0] < 1000, `duration ${durations[0]}`);
});

test('giving up is heard with its reason: attempts run out, an error not retried, a timeout, a deadline', async () => {
  const heard = (options, fn) => {
    const events = [];
    return retry(fn, { ...fast, ...options, onEvent: (e) => events.push(steady(e)) }).then(() => events, () => events);
  };
  assert.deepEqual((await heard({ maxAttempts: 2 }, failing(5))).slice(-2), [
    { type: 'attempt', service: undefined, operation: undefined, attempt: 2, outcome: 'failure', error: 'failure 2' },
    { type: 'giveUp', service: undefined, operation: undefined, reason: 'attempts', attempts: 2, error: 'failure 2' },
  ]);
  const refused = await heard({ abortOn: ['ValidationError'] }, async () => { throw Object.assign(new Error('bad'), { name: 'ValidationError' }); });
  assert.deepEqual(refused.map((e) => [e.type, e.reason ?? e.outcome]), [['attempt', 'failure'], ['giveUp', 'notRetryable']]);
  const slow = () => new Promise(() => {});
  const timedOut = await heard({ maxAttempts: 2, attemptTimeout: 10 }, slow);
  assert.deepEqual(timedOut.map((e) => [e.type, e.reason ?? e.outcome ?? e.errorClass]),
    [['attempt', 'timeout'], ['retry', 'transient'], ['attempt', 'timeout'], ['giveUp', 'attempts']]);
  const late = await heard({ maxAttempts: 5, maxElapsed: 30 }, slow);
  assert.deepEqual(late.map((e) => [e.type, e.reason ?? e.outcome]), [['attempt', 'timeout'], ['giveUp', 'deadline']]);
});

test('an attempt the caller aborts is heard as aborted', async () => {
  const controller = new AbortController();
  const events = [];
  const call = retry(() => new Promise(() => {}), { signal: controller.signal, onEvent: (e) => events.push(steady(e)) });
  setTimeout(() => controller.abort(new Error('stop')), 10);
  await assert.rejects(call, { message: 'stop' });
  assert.deepEqual(events, [{ type: 'attempt', service: undefined, operation: undefined, attempt: 1, outcome: 'aborted', error: 'stop' }]);
});

test('a budget that refuses a retry is heard before the call gives up, with the error\'s class', async () => {
  const events = [];
  const budget = new RetryBudget({ tokens: 5, retryCost: 5 });
  await retry(failing(5), { ...fast, maxAttempts: 5, budget, throttlingOn: ['ServiceUnavailableError'], onEvent: (e) => events.push(steady(e)) }).catch(() => {});
  assert.deepEqual(events.map((e) => [e.type, e.reason ?? e.outcome ?? e.errorClass]), [
    ['attempt', 'failure'], ['retry', 'throttling'], ['attempt', 'failure'], ['budgetRefused', 'throttling'], ['giveUp', 'budget'],
  ]);
});

test('a breaker\'s change of state is heard by the call that moved it, and on the channel by anyone', async () => {
  const events = [];
  const breaker = new CircuitBreaker({ failureThreshold: 2, openDelay: 10_000 });
  await retry(failing(5), { ...fast, maxAttempts: 3, breaker, service: 'lake', onEvent: (e) => events.push(steady(e)) }).catch(() => {});
  assert.deepEqual(events.filter((e) => e.type === 'breaker' || e.type === 'giveUp').map(({ error, ...e }) => e), [
    { type: 'breaker', service: 'lake', operation: undefined, from: 'closed', to: 'open', reason: 'consecutiveFailures' },
    { type: 'giveUp', service: 'lake', operation: undefined, reason: 'circuitOpen', attempts: 2 },
  ]);
  // Outside any listening call, the channel alone hears it.
  const heard = [];
  const listener = (e) => heard.push(e);
  diagnostics.subscribe('jitterbug:breaker', listener);
  try {
    const quiet = new CircuitBreaker({ failureThreshold: 1 });
    await retry(failing(1), { maxAttempts: 1, breaker: quiet }).catch(() => {});
  } finally {
    diagnostics.unsubscribe('jitterbug:breaker', listener);
  }
  assert.deepEqual(heard, [{ type: 'breaker', from: 'closed', to: 'open', reason: 'consecutiveFailures' }]);
});

test('a subscriber to the diagnostics channels sees every event of every call, in order, and stops when it asks', async () => {
  const seen = [];
  const stop = subscribe((event, channel) => seen.push(`${channel}:${event.attempt ?? event.attempts}`));
  try {
    await retry(failing(1), { ...fast, operation: 'x' });
    await retry(failing(9), { ...fast, maxAttempts: 2 }).catch(() => {});
  } finally {
    stop();
  }
  await retry(failing(1), fast);
  assert.deepEqual(seen, [
    'jitterbug:attempt:1', 'jitterbug:retry:1', 'jitterbug:attempt:2', 'jitterbug:success:2',
    'jitterbug:attempt:1', 'jitterbug:retry:1', 'jitterbug:attempt:2', 'jitterbug:giveUp:2',
  ]);
  assert.deepEqual(eventTypes, ['attempt', 'retry', 'hedge', 'budgetRefused', 'success', 'giveUp', 'breaker', 'coordination']);
  assert.throws(() => subscribe('log'), { name: 'TypeError', message: '`listener` must be a function, got \'log\'' });
});

test('a subscriber to retries alone still hears them (the success path asks only after attempts and successes)', async () => {
  const seen = [];
  const listener = (e) => seen.push(e.type);
  diagnostics.subscribe('jitterbug:retry', listener);
  try {
    await retry(failing(2), fast);
  } finally {
    diagnostics.unsubscribe('jitterbug:retry', listener);
  }
  assert.deepEqual(seen, ['retry', 'retry']);
});

test('a coordination store going down and coming back is heard on its channel', async () => {
  const heard = [];
  const listener = (e) => heard.push([e.type, e.available, e.failOpen]);
  diagnostics.subscribe('jitterbug:coordination', listener);
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    let down = true;
    class FlakyStore extends MemoryStore {
      async take(...args) {
        if (down) throw new Error('connection refused');
        return super.take(...args);
      }
    }
    const store = new FlakyStore();
    store.timeout = 50;
    const budget = new RetryBudget({ store, key: 'events' });
    await retry(failing(1), { ...fast, budget });
    down = false;
    // The store is asked again once its recheck time has passed.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await retry(failing(1), { ...fast, budget });
  } finally {
    diagnostics.unsubscribe('jitterbug:coordination', listener);
    process.off('warning', onWarning);
  }
  assert.deepEqual(heard, [['coordination', false, true], ['coordination', true, true]]);
});

test('a listener that throws never changes the call\'s outcome; its error is reported as a warning', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    assert.equal(await retry(failing(1), { ...fast, onEvent: () => { throw new Error('listener broke'); } }), 'ok');
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, ['listener broke', 'listener broke', 'listener broke', 'listener broke']);
});

test('retryFetch\'s attempt events carry the method, the URL and the status', async () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    res.writeHead(requests === 1 ? 503 : 200).end('x');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/items`;
  try {
    const events = [];
    const response = await retryFetch(url, { method: 'GET' }, { ...fast, service: 'items', onEvent: (e) => events.push(e) });
    assert.equal(response.status, 200);
    assert.deepEqual(events.filter((e) => e.type === 'attempt').map((e) => [e.attempt, e.method, e.url, e.status, e.outcome]),
      [[1, 'GET', url, 503, 'failure'], [2, 'GET', url, 200, 'success']]);
  } finally {
    server.close();
  }
});

test('service and operation are data: JSON and the environment carry them; a bad one is a TypeError naming it', () => {
  const policy = new Policy({ maxAttempts: 5, service: 'stream', operation: 'data_fetch' });
  const json = JSON.parse(JSON.stringify(policy));
  assert.equal(json.service, 'stream');
  assert.equal(json.operation, 'data_fetch');
  assert.deepEqual(Policy.fromJSON(json).toJSON(), policy.toJSON());
  assert.equal(new Policy().toJSON().service, undefined);
  const env = toEnv(policy);
  assert.equal(env.RETRY_SERVICE, 'stream');
  assert.equal(env.RETRY_OPERATION, 'data_fetch');
  assert.deepEqual(Policy.fromEnv(env).toJSON(), policy.toJSON());
  assert.equal(Policy.fromEnv({ RETRY_SERVICE: 'lake' }).toJSON().service, 'lake');
  // Empty, as every other variable: the default (no name).
  assert.equal(Policy.fromEnv({ RETRY_SERVICE: '', RETRY_OPERATION: '' }).toJSON().service, undefined);
  assert.throws(() => Policy.fromEnv({ RETRY_SERVIC: 'lake' }), { name: 'TypeError', message: /Unknown environment variable `RETRY_SERVIC` \(did you mean `RETRY_SERVICE`\?\)/ });
  // Every variable is looked at, not only those before the first known one.
  assert.throws(() => Policy.fromEnv({ RETRY_SERVICE: 'lake', RETRY_OPERATON: 'sync' }), { name: 'TypeError', message: /`RETRY_OPERATON` \(did you mean `RETRY_OPERATION`\?\)/ });
  assert.throws(() => new Policy({ service: '' }), { name: 'TypeError', message: '`service` must be a non-empty string, got \'\'' });
  assert.throws(() => new Policy({ operation: 7 }), { name: 'TypeError', message: '`operation` must be a non-empty string, got 7' });
  assert.throws(() => new Policy({ onEvent: 'log' }), { name: 'TypeError', message: '`onEvent` must be a function, got \'log\'' });
  assert.throws(() => new Policy().execute(async () => 1, { service: 5 }), { name: 'TypeError', message: '`service` must be a non-empty string, got 5' });
});

test('a subscriber there before the process\'s first call hears that call, which took the success path', () => {
  // A fresh process: the channels are opened by the first call itself.
  const script = `import diagnostics from 'node:diagnostics_channel';
const heard = [];
diagnostics.subscribe('jitterbug:success', (e) => heard.push(e.type + ' ' + e.attempts));
const { retry } = await import('jitterbug');
await retry(async () => 1);
console.log(heard.join(','));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' });
  assert.equal(output.trim(), 'success 1');
});

test('inline options with names are never reused for a call site without them (the options cache keeps plain numbers alone)', async () => {
  const services = [];
  const onEvent = (e) => { if (e.type === 'success') services.push(e.service); };
  const subscribed = subscribe(onEvent);
  try {
    await retry(async () => 1, { maxAttempts: 2, service: 'lake' });
    await retry(async () => 1, { maxAttempts: 2 });
    await retry(async () => 1, { maxAttempts: 2 });
  } finally {
    subscribed();
  }
  assert.deepEqual(services, ['lake', undefined, undefined]);
});
