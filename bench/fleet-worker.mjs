// One "Lambda container" of `npm run fleet`: makes one call at a time against the service, on
// the tick its parent sets, until told to stop; or (mode `idempotency`) races its siblings once.
// argv: JSON { mode, redisUrl, serviceUrl, key, tick, startAt, stopAt, slotLimit }
import { createClient } from 'redis';
import { Idempotency, Policy, RetryBudget, RetrySlots } from 'jitterbug';
import { RedisStore } from 'jitterbug/redis';

const config = JSON.parse(process.argv[2]);
const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
redis.on('error', () => {});
await redis.connect();
const store = new RedisStore(redis, { timeout: 100 });
// The slot the next attempt of the running call was placed in (sent as a header, so the
// service can check where it arrived).
let pendingSlot;
const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function send(path, attempt, headers = {}) {
  const response = await fetch(`${config.serviceUrl}${path}`, { method: 'POST', headers: { 'x-attempt': String(attempt), ...headers } });
  const text = await response.text();
  if (!response.ok) throw Object.assign(new Error(`service answered ${response.status}`), { code: String(response.status) });
  return text;
}

if (config.mode === 'idempotency') {
  const once = new Idempotency({ store, wait: 20_000, pollInterval: 10 });
  await sleepUntil(config.startAt);
  const result = await once.run(config.key, () => send('/charge', 1));
  process.send({ result });
} else {
  // The retry standard's shape, at a tenth of its time scale: up to 3 attempts.
  const shared = config.mode !== 'local';
  const budget = shared ? new RetryBudget({ store, key: config.key }) : new RetryBudget();
  const slots = config.mode === 'slots' ? new RetrySlots({ store, key: config.key, limit: config.slotLimit }) : undefined;
  const policy = new Policy({ maxAttempts: 3, initialDelay: 20, maxDelay: 200, jitter: 'full', slotWidth: 50, slotCount: 10, budget, slots });
  const landed = []; // slot numbers of this worker's retries
  const stops = {};
  let calls = 0;
  let lost = 0;
  let longest = 0;
  await sleepUntil(config.startAt);
  for (let at = config.startAt; at < config.stopAt; at += config.tick) {
    if (Date.now() > at + config.tick) continue; // a tick missed while a call ran: no catching up
    await sleepUntil(at);
    calls += 1;
    const started = Date.now();
    try {
      await policy.execute(({ attempt }) => send('/work', attempt, { 'x-slot': String(pendingSlot ?? '') }), {
        onRetry: ({ slot }) => {
          pendingSlot = slot;
          if (slot !== undefined) landed.push(slot);
        },
      });
    } catch (error) {
      const reason = error.reason ?? error.code ?? error.name;
      stops[reason] = (stops[reason] ?? 0) + 1;
      if (error.reason === undefined && error.code === undefined) lost += 1;
    } finally {
      pendingSlot = undefined;
    }
    longest = Math.max(longest, Date.now() - started);
  }
  await budget.close();
  process.send({ calls, stops, landed, lost, longest });
}
await redis.quit();
