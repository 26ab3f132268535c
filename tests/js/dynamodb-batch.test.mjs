// retryBatch with the real AWS SDK v3 DynamoDB client against dynalite (a DynamoDB on npm),
// throttled as DynamoDB throttles batch writes: a whole request refused, then partial writes
// that return UnprocessedItems. Only the unprocessed items are sent again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { Policy, RetryBudget, retryBatch } from 'jitterbug';
import { startThrottledDynamo } from './fixtures/dynalite.mjs';

let dynamo;
let client;
before(async () => {
  dynamo = await startThrottledDynamo({ perRequest: 3 });
  // maxAttempts 1: the SDK's own retries off, so every retry here is retryBatch's.
  client = new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
});
after(async () => {
  client?.destroy();
  await dynamo?.close();
});

class Unprocessed extends Error {
  name = 'Unprocessed';
}

test('a throttled batch write sends again only the unprocessed items, until all are written', async () => {
  const orders = Array.from({ length: 8 }, (_, i) => ({ id: `order-${i}`, total: 10 * i }));
  const policy = new Policy({ initialDelay: 1, throttlingDelay: 20, jitter: 'none', maxAttempts: 6,
    throttlingOn: ['ProvisionedThroughputExceededException', 'Unprocessed'] });
  const budget = new RetryBudget({ capacity: 100, retryCost: 5, throttlingCost: 5 });
  const sent = [];
  const delays = [];
  const outcomes = await retryBatch(orders, async (pending) => {
    sent.push(pending.map((o) => o.id));
    const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({
      RequestItems: { orders: pending.map((o) => ({ PutRequest: { Item: { id: { S: o.id }, total: { N: String(o.total) } } } })) },
    }));
    const unprocessed = new Set((UnprocessedItems?.orders ?? []).map((r) => r.PutRequest.Item.id.S));
    return pending.map((o) => (unprocessed.has(o.id) ? { status: 'rejected', reason: new Unprocessed(o.id) } : { status: 'fulfilled', value: o.id }));
  }, policy, { budget, onRetry: ({ delay, pending }) => delays.push([delay, pending]) });

  // Refused whole, then 3 written a time: 8, 8, 5, 2 items sent.
  assert.deepEqual(sent.map((ids) => ids.length), [8, 8, 5, 2]);
  assert.deepEqual(sent[2], ['order-3', 'order-4', 'order-5', 'order-6', 'order-7']);
  assert.deepEqual(dynamo.writes, [[8, 0], [8, 3], [5, 3], [2, 2]]);
  // One schedule for the batch, grown from throttlingDelay: 20, 40, 80 ms.
  assert.deepEqual(delays, [[20, 8], [40, 5], [80, 2]]);
  assert.deepEqual(outcomes.map((o) => [o.status, o.value, o.attempts]), [
    ['fulfilled', 'order-0', 2], ['fulfilled', 'order-1', 2], ['fulfilled', 'order-2', 2],
    ['fulfilled', 'order-3', 3], ['fulfilled', 'order-4', 3], ['fulfilled', 'order-5', 3],
    ['fulfilled', 'order-6', 4], ['fulfilled', 'order-7', 4],
  ]);
  // Three retries of the batch cost three retries (15), and the success refunds the last (5).
  assert.equal(budget.tokens, 90);
  const { Items } = await client.send(new ScanCommand({ TableName: 'orders' }));
  assert.deepEqual(Items.map((item) => item.id.S).sort(), orders.map((o) => o.id));
  assert.equal(Items.find((item) => item.id.S === 'order-7').total.N, '70');
});
