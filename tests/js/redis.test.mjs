// Fleet coordination on a real redis-server (started on a free loopback port), through both
// clients users have: node-redis (`redis`) and `ioredis`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { Idempotency, IdempotencyError, MemoryStore, Policy, RetryBudget, RetryExhaustedError, RetrySlots, retry } from 'jitterbug';
import { RedisStore } from 'jitterbug/redis';
import { startRedis } from './fixtures/redis-server.mjs';

let server;
const clients = [];

before(async () => {
  server = await startRedis();
});

after(async () => {
  for (const client of clients) {
    try {
      if (typeof client.disconnect === 'function' && !client.isOpen) client.disconnect();
      else await client.quit?.();
    } catch {
      client.disconnect?.();
    }
  }
  await server.close();
});

async function nodeRedis() {
  const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {}); // reconnects on its own; the store reports outages
  await client.connect();
  clients.push(client);
  return client;
}

async function ioredis() {
  const client = new Redis(server.port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

const kinds = { 'node-redis': nodeRedis, ioredis };
let keys = 0;
const freshKey = (name) => `${name}-${(keys += 1)}`;

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const [kind, connect] of Object.entries(kinds)) {
  test(`${kind}: a shared budget follows the local budget's rule step by step (the same calls, the same tokens, the same outcomes)`, async () => {
    const store = new RedisStore(await connect());
    const settings = { capacity: 40, retryCost: 5, timeoutCost: 10, noRetryIncrement: 1 };
    const local = new RetryBudget(settings);
    const shared = new RetryBudget({ ...settings, store, key: freshKey('rule') });
    const policy = new Policy({ maxAttempts: 4, initialDelay: 0, maxDelay: 0, attemptTimeout: 20 });
    const next = random(7);
    let refused = 0;
    let timeouts = 0;
    for (let step = 0; step < 60; step++) {
      // Each call: fails `failures` times (some by timing out), then succeeds or not.
      const failures = Math.floor(next() * 5);
      const timesOut = next() < 0.3;
      const script = async ({ attempt, signal }) => {
        if (attempt > failures) return 'ok';
        if (timesOut && attempt === 1) {
          timeouts += 1;
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        }
        throw new Error(`failure ${attempt}`);
      };
      const outcome = (budget) => policy.execute(script, { budget }).then(() => 'ok', (e) => e.reason ?? e.message);
      const localOutcome = await outcome(local);
      const sharedOutcome = await outcome(shared);
      assert.equal(sharedOutcome, localOutcome, `step ${step}: outcome`);
      assert.equal(await shared.flush(), local.tokens, `step ${step}: tokens`);
      if (localOutcome === 'budget') refused += 1;
    }
    // The sequence went through every rule: refusals, timeouts, refunds up to capacity.
    assert.ok(refused >= 3, `budget refusals: ${refused}`);
    assert.ok(timeouts >= 5, `timeouts: ${timeouts}`);
    await shared.close();
  });

  test(`${kind}: a call that succeeds at once sends Redis nothing; refunds go in one flush`, async () => {
    const client = await connect();
    const store = new RedisStore(client);
    const key = freshKey('quiet');
    const budget = new RetryBudget({ store, key, flushInterval: 60_000 });
    // Spend 5 tokens, so that refunds show.
    await retry(async ({ attempt }) => { if (attempt === 1) throw new Error('once'); }, { initialDelay: 0, maxDelay: 0, budget });
    await budget.flush();
    const before = await commandCount(client, kind);
    for (let i = 0; i < 200; i++) await retry(async () => i, { budget });
    assert.equal(await commandCount(client, kind) - before, 1, 'only the INFO call itself');
    assert.equal(await budget.flush(), 500, 'the 5 refunded, then 200 increments capped at capacity');
    await budget.close();
  });

  test(`${kind}: retry slots admit at most their limit fleet-wide and move the rest to later slots`, async () => {
    const client = await connect();
    // A store clock that stands still, so that all 20 calls draw the same first slot (on the
    // real clock they can straddle a slot's edge and then share 5 slots, not 4).
    const store = new (class extends RedisStore { clock() { return 1_000_000_000_000; } })(client);
    const key = freshKey('slots');
    const slots = new RetrySlots({ store, key, limit: 3 });
    const policy = new Policy({ maxAttempts: 2, initialDelay: 40, maxDelay: 40, jitter: 'none', slotWidth: 100, slotCount: 4 });
    const waits = [];
    const landed = [];
    const calls = Array.from({ length: 20 }, () => policy.execute(async () => { throw new Error('down'); },
      { slots, onRetry: ({ delay, slot }) => { waits.push(delay); landed.push(slot); } }).catch((e) => e.reason));
    const reasons = await Promise.all(calls);
    // 4 slots × 3 retries: 12 retried (then ran out of attempts), 8 found every slot full.
    assert.equal(reasons.filter((r) => r === 'attempts').length, 12);
    assert.equal(reasons.filter((r) => r === 'slots').length, 8);
    const counts = await slotCounts(client, kind, key);
    assert.deepEqual(Object.values(counts).sort(), ['3', '3', '3', '3']);
    // Four consecutive slots, each retry the same place in a slot one width (100 ms) further
    // on, less the time the store took to answer (the first answers, sending the scripts
    // after NOSCRIPT, can take tens of ms; never near a slot's width).
    const used = [...new Set(landed)].sort((a, b) => a - b);
    assert.equal(used.length, 4);
    assert.deepEqual(used.map((slot) => slot - used[0]), [0, 1, 2, 3]);
    for (const [i, wait] of waits.entries()) {
      const later = (landed[i] - used[0]) * 100;
      assert.ok(wait <= 40 + later && wait > later, `wait ${wait} for a slot ${later} ms later`);
    }
  });

  test(`${kind}: 50 racing callers on one key run the operation once and all get its result`, async () => {
    const store = new RedisStore(await connect());
    const once = new Idempotency({ store, ttl: 60_000 });
    const key = freshKey('order');
    let runs = 0;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => once.run(key, async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { charged: 4200, by: i };
    }, { fingerprint: { amount: 4200 } })));
    assert.equal(runs, 1);
    assert.equal(new Set(results.map((r) => JSON.stringify(r))).size, 1);
    // Served from the store afterwards, without running again; another request is refused.
    assert.deepEqual(await once.run(key, async () => { runs += 1; }, { fingerprint: { amount: 4200 } }), results[0]);
    assert.equal(runs, 1);
    await assert.rejects(once.run(key, async () => 1, { fingerprint: { amount: 1 } }), (e) => e instanceof IdempotencyError && e.code === 'conflict');
  });
}

/** How many commands Redis has run (INFO commandstats), counting the INFO call that asks. */
async function commandCount(client, kind) {
  const info = kind === 'ioredis' ? await client.info('commandstats') : await client.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function slotCounts(client, kind, key) {
  const pattern = `jitterbug:{${key}}:slot:*`;
  const names = kind === 'ioredis' ? await client.keys(pattern) : await client.keys(pattern);
  const counts = {};
  for (const name of names) counts[name] = await client.get(name);
  return counts;
}

test('a failed run frees its key; a crashed owner\'s claim expires after lockTtl', async () => {
  const store = new RedisStore(await nodeRedis());
  const key = freshKey('free');
  const once = new Idempotency({ store, lockTtl: 200, wait: 1000, pollInterval: 10 });
  await assert.rejects(once.run(key, async () => { throw new Error('card declined'); }), /card declined/);
  assert.equal(await once.run(key, async () => 'second try ran'), 'second try ran');
  // A claim whose owner never finishes (a crashed process) blocks others only until it expires.
  const crashed = freshKey('crashed');
  const claimed = Date.now();
  assert.equal((await store.claim(crashed, 'dead-owner', '', 200)).status, 'claimed');
  assert.equal(await once.run(crashed, async () => 'recovered'), 'recovered');
  // Redis expires the claim 200 ms after it was set: not before (less a clock tick).
  assert.ok(Date.now() - claimed >= 195, 'waited for the lock to expire');
  // Waiting is bounded: a claim that outlasts `wait` is a clear error.
  const stuck = freshKey('stuck');
  await store.claim(stuck, 'slow-owner', '', 60_000);
  const impatient = new Idempotency({ store, wait: 100, pollInterval: 10 });
  await assert.rejects(impatient.run(stuck, async () => 1), (e) => e.code === 'inProgress' && /still being run/.test(e.message));
});

test('every key jitterbug writes carries its hash tag and expires', async () => {
  const client = await nodeRedis();
  const store = new RedisStore(client, { prefix: 'app:' });
  const key = freshKey('tagged');
  const budget = new RetryBudget({ store, key });
  const slots = new RetrySlots({ store, key, limit: 5 });
  await retry(async ({ attempt }) => { if (attempt === 1) throw new Error('once'); }, { initialDelay: 0, maxDelay: 0, slotWidth: 50, budget, slots });
  await new Idempotency({ store, ttl: 5000 }).run(key, async () => 'done');
  await budget.close();
  const written = await client.keys('app:*');
  assert.equal(written.length, 3, written.join(', '));
  for (const name of written) {
    assert.ok(name.startsWith(`app:{${key}}:`), name);
    const ttl = await client.pTTL(name);
    assert.ok(ttl > 0, `${name} expires (PTTL ${ttl})`);
  }
});

test('scripts survive SCRIPT FLUSH (a restart or failover: NOSCRIPT), and foreign or corrupted values read as absent', async () => {
  const client = await nodeRedis();
  const store = new RedisStore(client);
  const key = freshKey('odd');
  assert.equal(await store.take(key, 5, 100, 10_000), 95);
  await client.scriptFlush();
  assert.equal(await store.take(key, 5, 100, 10_000), 90, 'after NOSCRIPT the script is sent again');
  // Someone else's values under jitterbug's keys: a bucket reads as full, a slot as empty, a record as unclaimed.
  await client.set(`jitterbug:{${key}}:budget`, 'not a number');
  assert.equal(await store.take(key, 5, 100, 10_000), 95);
  await client.del(`jitterbug:{${key}}:budget`);
  await client.lPush(`jitterbug:{${key}}:budget`, 'a list');
  assert.equal(await store.tokens(key, 100), 100);
  assert.equal(await store.give(key, 5, 100, 10_000), 100);
  await client.hSet(`jitterbug:{${key}}:slot:7`, 'x', '1');
  assert.equal(await store.reserveSlot(key, 7, 2, 1, 10_000), 0);
  await client.set(`jitterbug:{${key}}:once`, '{"s":"done","o":1}');
  assert.equal((await store.claim(key, 'me', '', 1000)).status, 'claimed');
  await client.set(`jitterbug:{${key}}:once`, '{not json');
  assert.equal(await new Idempotency({ store }).run(key, async () => 'ran'), 'ran');
});

test('only NOSCRIPT sends a script\'s text again; any other error is the store\'s failure', async () => {
  const sent = [];
  const reply = [1700000000, 0, 7];
  const client = (firstError) => ({
    async evalSha(sha, options) { sent.push(['evalSha', options.keys]); if (firstError) throw new Error(firstError); return reply; },
    async eval(script, options) { sent.push(['eval', options.keys]); return reply; },
  });
  assert.equal(await new RedisStore(client('NOSCRIPT No matching script')).take('k', 1, 10, 100), 7);
  assert.deepEqual(sent.map(([how]) => how), ['evalSha', 'eval']);
  sent.length = 0;
  await assert.rejects(new RedisStore(client('LOADING Redis is loading the dataset in memory')).take('k', 1, 10, 100), /LOADING/);
  assert.deepEqual(sent.map(([how]) => how), ['evalSha'], 'no second command for an error that is not NOSCRIPT');
});

test('RedisStore refuses what is not a client, and bad options, by name', () => {
  assert.throws(() => new RedisStore({}), { name: 'TypeError', message: /`client` must be a node-redis or ioredis client/ });
  assert.throws(() => new RedisStore(null), { name: 'TypeError', message: /`client` must be a node-redis or ioredis client, got null$/ });
  const fake = { evalSha() {}, eval() {} };
  assert.throws(() => new RedisStore(fake, { timeout: 0 }), { name: 'RangeError', message: /`timeout` must be a number of ms from 1 to 2147483647, got 0/ });
  assert.throws(() => new RedisStore(fake, { prefix: 'a{b' }), { name: 'TypeError', message: /`prefix` must be a string without braces/ });
  assert.throws(() => new RedisStore(fake, { failOpen: 'no' }), { name: 'TypeError', message: /`failOpen` must be true or false, got no/ });
  assert.throws(() => new RedisStore(fake, { ttl: 5 }), { name: 'TypeError', message: /Unknown RedisStore option `ttl`/ });
});

test('Redis down: calls wait no longer than the timeout, decide locally, warn once, and coordinate again when it is back', async (t) => {
  const warnings = [];
  const onWarning = (w) => { if (w.name === 'CoordinationError') warnings.push(w); };
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const events = [];
  const client = await nodeRedis();
  const store = new RedisStore(client, { timeout: 50, onStatusChange: (e) => events.push(e.available) });
  const key = freshKey('outage');
  const budget = new RetryBudget({ store, key, capacity: 200, flushInterval: 60_000 });
  const policy = new Policy({ maxAttempts: 3, initialDelay: 0, maxDelay: 0, slotWidth: 20, slotCount: 2 });
  const slots = new RetrySlots({ store, key, limit: 100 });
  let attempts = 0;
  const flaky = async ({ attempt }) => { attempts += 1; if (attempt < 3) throw new Error('flaky'); return 'ok'; };
  assert.equal(await policy.execute(flaky, { budget, slots }), 'ok');

  await server.stop();
  t.after(() => server.start()); // even if an assertion fails midway
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 10 }, () => policy.execute(flaky, { budget, slots })));
  const took = performance.now() - started;
  assert.deepEqual(results, Array(10).fill('ok'), 'no call lost: fail-open decides locally');
  // One timeout (50 ms) for the first failures to notice, then local decisions at once; the
  // bound only catches a hang (a call waiting on Redis until it returns).
  assert.ok(took < 1000, `10 calls took ${took.toFixed(0)} ms with Redis down`);
  assert.deepEqual(events, [false]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(warnings.length, 1, 'one warning per outage');
  assert.match(warnings[0].message, /cannot be reached .*calls decide locally/);

  await server.start();
  // The store is looked at again after its rest (1 s); the client reconnects meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(await policy.execute(flaky, { budget, slots }), 'ok');
  assert.deepEqual(events, [false, true]);
  // The restarted (empty) server holds this call's spend again: 2 retries × 5.
  assert.equal(await store.tokens(key, 200), 190);
  assert.equal(warnings.length, 1);
  await budget.close();
});

test('fail-closed: with Redis down, retries stop with reason "budget" and idempotent runs refuse', async () => {
  const client = await ioredis();
  const store = new RedisStore(client, { timeout: 30, failOpen: false });
  const key = freshKey('closed');
  const budget = new RetryBudget({ store, key });
  await server.stop();
  try {
    const error = await retry(async () => { throw new Error('down'); }, { initialDelay: 0, budget }).catch((e) => e);
    assert.ok(error instanceof RetryExhaustedError);
    assert.equal(error.reason, 'budget');
    assert.equal(error.attempts, 1);
    await assert.rejects(new Idempotency({ store }).run(key, async () => 1), { name: 'CoordinationError' });
  } finally {
    await server.start();
  }
});

test('a MemoryStore has the same semantics in one process', async () => {
  const store = new MemoryStore();
  assert.equal(await store.take('k', 5, 12, 1000), 7);
  assert.equal(await store.take('k', 10, 12, 1000), -1);
  assert.equal(await store.give('k', 100, 12, 1000), 12);
  assert.equal(await store.reserveSlot('k', 3, 2, 1, 1000), 0);
  assert.equal(await store.reserveSlot('k', 3, 2, 1, 1000), 1);
  assert.equal(await store.reserveSlot('k', 3, 2, 1, 1000), -1);
  // Only the claim's owner completes or releases it.
  assert.deepEqual(await store.claim('once', 'me', 'f', 1000), { status: 'claimed' });
  assert.equal(await store.complete('once', 'someone else', '1', 1000), false);
  assert.equal(await store.release('once', 'someone else'), false);
  assert.equal(await store.complete('once', 'me', '1', 1000), true);
  assert.deepEqual(await store.claim('once', 'other', 'f', 1000), { status: 'done', result: '1' });
  assert.equal(await store.release('once', 'me'), false, 'a completed record is not released');
  assert.deepEqual(await store.claim('held', 'me', 'f', 1000), { status: 'claimed' });
  assert.equal(await store.release('held', 'me'), true);
  // Entries expire.
  assert.equal(await store.take('short', 5, 12, 20), 7);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(await store.tokens('short', 12), 12);
});

test('Redis flushed mid-run: budgets start full again, and a run whose claim vanished warns that it may have run twice', async (t) => {
  const warnings = [];
  const onWarning = (w) => { if (w.name === 'IdempotencyError') warnings.push(w); };
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const client = await nodeRedis();
  const store = new RedisStore(client);
  const key = freshKey('flushed');
  const budget = new RetryBudget({ store, key, capacity: 20, flushInterval: 60_000 });
  await retry(async ({ attempt }) => { if (attempt < 3) throw new Error('flaky'); }, { initialDelay: 0, maxDelay: 0, budget });
  assert.equal(await store.tokens(key, 20), 10);
  const once = new Idempotency({ store });
  const running = once.run(key, async () => {
    await client.flushAll(); // everything jitterbug wrote is gone, this run's claim too
    return 'charged';
  });
  assert.equal(await running, 'charged', 'the caller still gets its result');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].code, 'lockLost');
  assert.equal(await store.tokens(key, 20), 20, 'an absent bucket is a full one');
  assert.equal(await budget.flush(), 20, 'the refund gathered before the flush lands in the new, full bucket: capped');
  assert.equal(await once.run(key, async () => 'ran again'), 'ran again', 'the record went with the flush');
});

test('Redis slow (DEBUG SLEEP): a retry waits no longer than the timeout, then decides locally', async (t) => {
  const events = [];
  const client = await nodeRedis();
  const blocker = await nodeRedis();
  const store = new RedisStore(client, { timeout: 50, onStatusChange: (e) => events.push(e.available) });
  const key = freshKey('slow');
  const budget = new RetryBudget({ store, key, flushInterval: 60_000 });
  const onWarning = () => {};
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const sleeping = blocker.sendCommand(['DEBUG', 'SLEEP', '0.6']);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the server is now asleep
  const started = performance.now();
  let decided;
  assert.equal(await retry(async ({ attempt }) => {
    if (attempt === 1) throw new Error('flaky');
    decided = performance.now();
    return 'ok';
  }, { initialDelay: 0, maxDelay: 0, budget }), 'ok');
  const waited = decided - started;
  assert.ok(waited >= 49 && waited < 400, `the retry was decided after ${waited.toFixed(0)} ms (Redis asleep for 600 ms)`);
  assert.deepEqual(events, [false]);
  await sleeping;
});
