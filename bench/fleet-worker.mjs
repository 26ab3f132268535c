// One "Lambda container" of `npm run fleet`: connects, says it is ready, then on the parent's
// word makes one call at a time against the service, on its tick, until the stop time; or
// (mode `idempotency`) races its siblings on one key, once.
// argv: JSON { mode, redisUrl, serviceUrl, key, tick, slotLimit }; then a message { startAt, stopAt }.
import { once as nextEvent } from 'node:events';
import { createClient } from 'redis';
import { Idempotency, Policy, RetryBudget, RetrySlots } from 'jitterbug';
import { RedisStore } from 'jitterbug/redis';

const config = JSON.parse(process.argv[2]);
const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
redis.on('error', () => {});
await redis.connect();
let outages = 0;
// 250 ms, not the default 100: here 2 cores run 24 processes and Redis, whose answers can
// wait that long for a core (a real fleet's processes and Redis each have their own).
const store = new RedisStore(redis, { timeout: config.timeout, onStatusChange: ({ available }) => { if (!available) outages += 1; } });
const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function send(path, attempt, headers = {}) {
  const response = await fetch(`${config.serviceUrl}${path}`, { method: 'POST', headers: { 'x-attempt': String(attempt), ...headers } });
  const text = await response.text();
  if (!response.ok) throw Object.assign(new Error(`service answered ${response.status}`), { code: String(response.status) });
  return text;
}

process.send({ ready: true });
const [{ startAt, stopAt }] = await nextEvent(process, 'message');

if (config.mode === 'idempotency') {
  const once = new Idempotency({ store, wait: 20_000, pollInterval: 10 });
  await sleepUntil(startAt);
  const result = await once.run(config.key, () => send('/charge', 1));
  process.send({ result, outages });
} else {
  // The retry standard's shape, at a tenth of its time scale: up to 3 attempts.
  const shared = config.mode !== 'local';
  const budget = shared ? new RetryBudget({ store, key: config.key }) : new RetryBudget();
  const slots = config.mode === 'slots' ? new RetrySlots({ store, key: config.key, limit: config.slotLimit }) : undefined;
  const policy = new Policy({ maxAttempts: 3, initialDelay: 20, maxDelay: 200, jitter: 'full', slotWidth: 50, slotCount: 10, budget, slots });
  const landed = []; // [slot, ms into its slot the attempt started (store clock)] per slotted retry
  const deciding = []; // ms from a failed attempt's end to its retry's sleep: the engine and every wait on Redis
  const stops = {};
  let calls = 0;
  let lost = 0;
  let longest = 0;
  await sleepUntil(startAt);
  for (let at = startAt; at < stopAt; at += config.tick) {
    if (Date.now() > at + config.tick) continue; // a tick missed while a call ran: no catching up
    await sleepUntil(at);
    calls += 1;
    const started = performance.now();
    let failedAt;
    let slot;
    try {
      await policy.execute(async ({ attempt }) => {
        if (slot !== undefined) landed.push([slot, store.clock() - slot * 50]);
        const sending = slot;
        slot = undefined;
        try {
          return await send('/work', attempt, { 'x-slot': String(sending ?? ''), 'x-call': `${process.pid}-${calls}` });
        } finally {
          failedAt = performance.now();
        }
      }, {
        onRetry: (event) => {
          deciding.push(performance.now() - failedAt);
          slot = event.slot;
        },
      });
    } catch (error) {
      const reason = error.reason ?? error.code ?? error.name;
      stops[reason] = (stops[reason] ?? 0) + 1;
      // Every call ends with its result or an error that says why; anything else is lost.
      if (error.reason === undefined && error.code === undefined) lost += 1;
    }
    longest = Math.max(longest, performance.now() - started);
  }
  await budget.close();
  process.send({ calls, stops, landed, lost, longest: Math.round(longest), deciding, outages });
}
await redis.quit();
