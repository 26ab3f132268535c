// Hostile values, thrown by the wrapped function or given as options: never the package's own
// crash, never a getter's error in place of the call's outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Policy, RetryExhaustedError, retry, retryFetch } from 'jitterbug';

const fast = { initialDelay: 1, maxDelay: 1, jitter: 'none', maxAttempts: 2 };

function revoked() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const throwing = () => { throw new Error('getter broke'); };
const hostile = {
  'Object.create(null)': () => Object.create(null),
  'getters that throw': () => Object.defineProperties({}, {
    name: { get: throwing }, code: { get: throwing }, constructor: { get: throwing }, message: { get: throwing },
  }),
  'a Proxy whose traps all throw': () => new Proxy({}, { get: throwing, getPrototypeOf: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing }),
  'a revoked Proxy': revoked,
  'a Symbol': () => Symbol('thrown'),
};

for (const [kind, make] of Object.entries(hostile)) {
  test(`a thrown ${kind} is retried and ends in RetryExhaustedError with it as cause`, async () => {
    const value = make();
    let calls = 0;
    const error = await retry(() => { calls += 1; throw value; }, fast).catch((e) => e);
    assert.equal(calls, 2);
    assert.ok(error instanceof RetryExhaustedError, `got ${typeof error === 'object' ? error?.constructor?.name : typeof error}`);
    assert.equal(error.cause, value);
    assert.equal(error.reason, 'attempts');
    assert.match(error.message, /^Gave up after 2 attempts \(maxAttempts reached\): /);
    // The same through a Policy with a breaker-free async function and through retryFetch's loop.
    const viaPolicy = await new Policy(fast).execute(async () => { throw value; }).catch((e) => e);
    assert.equal(viaPolicy.cause, value);
  });
}

test('a hostile value thrown by fetch ends retryFetch in RetryExhaustedError too', async () => {
  const value = revoked();
  const error = await retryFetch('http://127.0.0.1:1/', undefined, fast).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  const server = createServer((req, res) => res.end());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { createFetch } = await import('jitterbug');
    const fetchThatThrows = createFetch(fast, async () => { throw value; });
    const viaFetch = await fetchThatThrows(`http://127.0.0.1:${server.address().port}/`).catch((e) => e);
    assert.ok(viaFetch instanceof RetryExhaustedError);
    assert.equal(viaFetch.cause, value);
  } finally {
    server.close();
  }
});

test('hostile option values get an error that names the field', () => {
  for (const [kind, make] of Object.entries(hostile)) {
    for (const field of ['maxAttempts', 'backoff', 'retryOn', 'retryIf', 'signal', 'budget', 'breaker']) {
      assert.throws(() => retry(async () => 1, { [field]: make() }), (error) => {
        assert.equal(error.name, 'TypeError', `${field} = ${kind}: ${error}`);
        assert.ok(error.message.startsWith(`\`${field}\` must be `), `${field} = ${kind}: ${error.message}`);
        return true;
      });
    }
  }
});
