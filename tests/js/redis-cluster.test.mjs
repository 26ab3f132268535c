// The Redis store on a real Redis Cluster (three masters started on free loopback ports), with
// both clients' cluster modes: every script declares its keys, and one name's keys share a
// hash tag, so no script is refused as CROSSSLOT; a node that has never seen a script answers
// NOSCRIPT and gets its text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCluster } from 'redis';
import { Redis } from 'ioredis';
import { Idempotency, Policy, RetryBudget, RetrySlots } from 'jitterbug';
import { RedisStore } from 'jitterbug/redis';
import { startRedisCluster } from './fixtures/redis-server.mjs';

let cluster;
before(async () => {
  cluster = await startRedisCluster();
});
after(() => cluster?.close());

const clients = {
  'node-redis': async () => {
    const client = createCluster({ rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
    client.on('error', () => {});
    await client.connect();
    return { client, close: () => client.quit() };
  },
  ioredis: async () => {
    const client = new Redis.Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    client.on('error', () => {});
    await new Promise((resolve, reject) => { client.once('ready', resolve); client.once('error', reject); });
    return { client, close: () => client.quit() };
  },
};

for (const [kind, connect] of Object.entries(clients)) {
  test(`${kind} cluster: budgets, slots and idempotency keys of many names, spread over the nodes`, async () => {
    const { client, close } = await connect();
    try {
      const store = new RedisStore(client, { timeout: 1000 });
      const policy = new Policy({ maxAttempts: 3, initialDelay: 0, maxDelay: 0, slotWidth: 100, slotCount: 3 });
      // Twelve names hash to slots on every node; each call touches a budget and 3 slot keys.
      for (let i = 0; i < 12; i++) {
        const key = `${kind}-svc-${i}`;
        const budget = new RetryBudget({ store, key, capacity: 20, flushInterval: 60_000 });
        const slots = new RetrySlots({ store, key, limit: 5 });
        const once = new Idempotency({ store });
        const result = await once.run(`${key}-order`, () => policy.execute(async ({ attempt }) => {
          if (attempt < 3) throw new Error('flaky');
          return { attempt };
        }, { budget, slots }));
        assert.deepEqual(result, { attempt: 3 });
        assert.equal(await store.tokens(key, 20), 10, `${key}: two retries taken`);
        assert.equal(await budget.flush(), 15, `${key}: the last retry refunded`);
        assert.deepEqual(await once.run(`${key}-order`, async () => 'ran again'), { attempt: 3 });
      }
    } finally {
      await close();
    }
  });
}
