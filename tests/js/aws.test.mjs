// toAwsRetryStrategy with a real AWS SDK v3 client (DynamoDB) against a local server on
// 127.0.0.1 that throttles, fails and finally answers; toEnv/deadlineFrom/toStepFunctionsRetry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AdaptiveRate, Policy, RetryBudget, deadlineFrom, presets, toAwsRetryStrategy, toEnv, toStepFunctionsRetry } from 'jitterbug';

const TYPES = {
  throttled: [400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'slow down'],
  internal: [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'oops'],
  invalid: [400, 'com.amazon.coral.validate#ValidationException', 'bad request'],
  unimplemented: [501, 'com.amazonaws.dynamodb.v20120810#NotImplemented', 'no such thing'],
};
// Answers this late: past the client's requestTimeout below, so the SDK reports a timeout.
const SLOW_MS = 400;
const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) <= 1e-9 * expected, `${what}: ${actual} != ${expected}`);
let server;
let url;
let script = [];
let requests = [];

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(performance.now());
      const step = script[Math.min(requests.length - 1, script.length - 1)];
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (step === 'ok') { res.writeHead(200); res.end('{"TableNames":["orders"]}'); return; }
      if (step === 'slow') { setTimeout(() => { res.writeHead(200); res.end('{"TableNames":[]}'); }, SLOW_MS); return; }
      const [status, type, message] = TYPES[step];
      res.writeHead(status);
      res.end(JSON.stringify({ __type: type, message }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

function client(retryStrategy, requestTimeout) {
  return new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, retryStrategy,
    ...(requestTimeout === undefined ? {} : { requestHandler: { requestTimeout, throwOnRequestTimeout: true } }) });
}

test('a real DynamoDB client retries throttling and 500s on jitterbug\'s seeded schedule', async () => {
  script = ['throttled', 'internal', 'throttled', 'ok'];
  requests = [];
  const policy = new Policy({ maxAttempts: 5, initialDelay: 40, maxDelay: 400, jitter: 'full', seed: 11 });
  const result = await client(toAwsRetryStrategy(policy)).send(new ListTablesCommand({}));
  assert.deepEqual(result.TableNames, ['orders']);
  assert.equal(result.$metadata.attempts, 4);
  assert.equal(requests.length, 4);
  // The waits between requests are the seeded delays (the SDK sleeps exactly what we draw).
  const expected = policy.delays(3);
  assert.equal(Math.round(result.$metadata.totalRetryDelay), Math.round(expected.reduce((a, b) => a + b)));
  requests.slice(1).forEach((at, i) => {
    const waited = at - requests[i];
    assert.ok(waited >= expected[i] - 1, `wait ${i + 1}: ${waited.toFixed(1)} ms < drawn ${expected[i].toFixed(1)} ms`);
  });
});

test('a ValidationException is not retried', async () => {
  script = ['invalid', 'ok'];
  requests = [];
  await assert.rejects(client(toAwsRetryStrategy(new Policy({ initialDelay: 1 }))).send(new ListTablesCommand({})), { name: 'ValidationException' });
  assert.equal(requests.length, 1);
});

test('maxAttempts counts the first request, and abortOn names SDK errors', async () => {
  script = ['throttled'];
  requests = [];
  await assert.rejects(client(toAwsRetryStrategy(new Policy({ maxAttempts: 3, initialDelay: 1 }))).send(new ListTablesCommand({})), { name: 'ProvisionedThroughputExceededException' });
  assert.equal(requests.length, 3);
  requests = [];
  const strict = new Policy({ initialDelay: 1, abortOn: ['ProvisionedThroughputExceededException'] });
  await assert.rejects(client(toAwsRetryStrategy(strict)).send(new ListTablesCommand({})));
  assert.equal(requests.length, 1);
});

test('the budget rations the SDK\'s retries and is refunded on success', async () => {
  const budget = new RetryBudget({ tokens: 5 });
  script = ['throttled'];
  requests = [];
  const strategy = toAwsRetryStrategy(new Policy({ maxAttempts: 5, initialDelay: 1 }), { budget });
  await assert.rejects(client(strategy).send(new ListTablesCommand({})));
  assert.equal(requests.length, 2, 'one retry paid for, then the budget refused');
  assert.equal(budget.tokens, 0);
  script = ['ok'];
  await client(strategy).send(new ListTablesCommand({}));
  assert.equal(budget.tokens, 1, 'a clean success puts one token back');
});

test('a retry after a timeout or a 500 (the SDK\'s TRANSIENT errors) costs the budget its timeoutCost', async () => {
  const policy = new Policy({ maxAttempts: 5, initialDelay: 1 });
  for (const [step, requestTimeout] of [['slow', 50], ['internal', undefined]]) {
    // 15 tokens: one retry at 10, then the budget cannot pay for another (at 5 it paid for three).
    const budget = new RetryBudget({ tokens: 15 });
    script = [step];
    requests = [];
    await assert.rejects(client(toAwsRetryStrategy(policy, { budget }), requestTimeout).send(new ListTablesCommand({})));
    assert.equal(requests.length, 2, `${step}: one retry paid for at 10 tokens`);
    assert.equal(budget.tokens, 5, step);
  }
  // Throttling keeps the retry cost.
  const budget = new RetryBudget({ tokens: 15 });
  script = ['throttled'];
  requests = [];
  await assert.rejects(client(toAwsRetryStrategy(policy, { budget })).send(new ListTablesCommand({})));
  assert.equal(requests.length, 4, 'three retries at 5 tokens');
  assert.equal(budget.tokens, 0);
});

test('the awsStandard preset follows the SDK: throttling waits from 500 ms, a 501 is not retried', async () => {
  const policy = new Policy({ ...presets.awsStandard.toJSON(), seed: 5 });
  // Full jitter scales one draw: the first throttling wait is 5 times the first ordinary one.
  const [ordinary] = policy.delays(1);
  script = ['throttled', 'ok'];
  requests = [];
  const result = await client(toAwsRetryStrategy(policy)).send(new ListTablesCommand({}));
  assert.equal(result.$metadata.attempts, 2);
  close(result.$metadata.totalRetryDelay, ordinary * 5, 'throttling wait');
  script = ['internal', 'ok'];
  requests = [];
  const second = await client(toAwsRetryStrategy(policy)).send(new ListTablesCommand({}));
  close(second.$metadata.totalRetryDelay, ordinary, 'a 500 waits from 100 ms');
  script = ['unimplemented', 'ok'];
  requests = [];
  await assert.rejects(client(toAwsRetryStrategy(policy)).send(new ListTablesCommand({})), (error) => error.$metadata.httpStatusCode === 501);
  assert.equal(requests.length, 1, 'a plain server error is not retried');
});

test('the aws2026 preset and budget: 50 ms and 1 s first waits, 14 tokens a retry, 5 after throttling', async () => {
  const policy = new Policy({ ...presets.aws2026.toJSON(), seed: 5 });
  const [ordinary] = policy.delays(1);
  assert.deepEqual(RetryBudget.presets.aws2026, { capacity: 500, retryCost: 14, timeoutCost: 14, throttlingCost: 5, noRetryIncrement: 1 });
  assert.deepEqual(RetryBudget.presets.awsStandard, { capacity: 500, retryCost: 5, timeoutCost: 10, throttlingCost: 5, noRetryIncrement: 1 });
  const budget = new RetryBudget(RetryBudget.presets.aws2026);
  script = ['throttled', 'internal', 'ok'];
  requests = [];
  const result = await client(toAwsRetryStrategy(policy, { budget })).send(new ListTablesCommand({}));
  assert.equal(result.$metadata.attempts, 3);
  // Each retry draws from the schedule's stream: 20 times the first draw, then the second.
  const [first, second] = new Policy({ ...policy.toJSON(), jitter: 'full' }).delays(2);
  close(result.$metadata.totalRetryDelay, first * 20 + second, 'waits');
  assert.ok(ordinary === first);
  // Paid 5 then 14; the success refunds the last retry's cost.
  assert.equal(budget.tokens, 500 - 5 - 14 + 14);
});

test('adaptive mode: the client\'s rate is off until DynamoDB throttles, then its next request waits for a token', async () => {
  script = ['ok', 'ok', 'throttled', 'ok', 'ok', 'ok'];
  requests = [];
  const rate = new AdaptiveRate();
  const dynamo = client(toAwsRetryStrategy(presets.awsStandard, { mode: 'adaptive', rate }));
  await dynamo.send(new ListTablesCommand({}));
  await dynamo.send(new ListTablesCommand({}));
  assert.equal(rate.enabled, false, 'successes do not switch it on');
  const throttledCall = await dynamo.send(new ListTablesCommand({}));
  assert.equal(throttledCall.$metadata.attempts, 2);
  assert.equal(rate.enabled, true, 'a throttling error (ProvisionedThroughputExceededException) switched it on');
  // The bucket may still hold the token it filled while off; once that is spent, each request
  // waits for the next token at the fill rate: at least 0.5/s, and at most twice a measured rate
  // that six requests in half-second buckets keep under 10/s, so the wait is 40 ms or more.
  await dynamo.send(new ListTablesCommand({}));
  const fill = rate.fillRate;
  const before = performance.now();
  await dynamo.send(new ListTablesCommand({}));
  const waited = performance.now() - before;
  assert.ok(fill >= 0.5 && fill <= 20, `fill rate ${fill}`);
  assert.ok(waited >= 0.8 * 1000 / fill, `waited ${waited.toFixed(0)} ms at ${fill.toFixed(2)}/s`);
  assert.equal(requests.length, 6);
  assert.throws(() => toAwsRetryStrategy(new Policy(), { mode: 'fast' }), { name: 'RangeError', message: "`mode` must be 'standard' or 'adaptive', got 'fast'" });
  assert.throws(() => toAwsRetryStrategy(new Policy(), { rate }), { name: 'TypeError', message: /`rate` must be an AdaptiveRate, with mode: 'adaptive'/ });
  assert.equal(toAwsRetryStrategy(new Policy(), { mode: 'adaptive' }).mode, 'adaptive');
});

test('toEnv gives the variables fromEnv reads back into an identical policy', () => {
  const policy = new Policy({ maxAttempts: 6, initialDelay: 250, maxDelay: 1234.5, backoff: 'fibonacci', jitter: 'equal', maxElapsed: 29000, seed: 99, retryOn: ['ECONNRESET'] });
  const env = toEnv(policy);
  assert.equal(env.RETRY_INITIAL_DELAY, '0.25');
  assert.equal(env.RETRY_MAX_DELAY, '1.2345');
  assert.equal(env.RETRY_RETRY_ON, 'ECONNRESET');
  assert.deepEqual(Policy.fromEnv(env).toJSON(), policy.toJSON());
  assert.deepEqual(Policy.fromEnv(toEnv(policy, { prefix: 'PAY_' }), { prefix: 'PAY_' }).toJSON(), policy.toJSON());
  assert.throws(() => toEnv(new Policy({ retryOn: ['ok', 'a,b'] })), { name: 'RangeError', message: "`retryOn` must be names without commas or leading or trailing spaces to be written to an environment variable, got 'a,b'" });
  assert.throws(() => toEnv(new Policy({ abortOn: [' Padded'] })), { name: 'RangeError', message: /`abortOn` must be names without commas.*, got ' Padded'$/ });
  const spaced = new Policy({ retryOn: ['Service Unavailable'] });
  assert.deepEqual(Policy.fromEnv(toEnv(spaced)).toJSON(), spaced.toJSON());
});

test('with no time past the reserve, deadlineFrom allows one attempt and no retry', async () => {
  const { retry, RetryExhaustedError } = await import('jitterbug');
  const maxElapsed = deadlineFrom({ getRemainingTimeInMillis: () => 200 });
  let attempts = 0;
  const error = await retry(async () => { attempts += 1; throw new Error('timeout soon'); }, { maxElapsed, initialDelay: 0 }).catch((e) => e);
  assert.ok(error instanceof RetryExhaustedError);
  assert.equal(error.reason, 'deadline');
  assert.equal(attempts, 1);
  assert.equal(await retry(async () => 'ok', { maxElapsed }), 'ok', 'a first attempt that succeeds is the answer');
});

test('deadlineFrom turns the remaining time into maxElapsed, keeping a reserve', () => {
  const context = { getRemainingTimeInMillis: () => 10_000 };
  assert.equal(deadlineFrom(context), 9_500);
  assert.equal(deadlineFrom(context, { reserve: 2_000 }), 8_000);
  // Little time left is no reason to crash the handler: the call gets its attempt and no
  // retry, and a failure ends as a RetryExhaustedError with reason 'deadline'.
  const last = deadlineFrom({ getRemainingTimeInMillis: () => 300 });
  assert.ok(last > 0 && last < 1e-300, `${last}`);
  assert.equal(deadlineFrom(context, { reserve: 20_000 }), last);
  assert.throws(() => deadlineFrom({}), { name: 'TypeError', message: /`context` must be a Lambda context/ });
  for (const reserve of [NaN, -1, Infinity]) {
    assert.throws(() => deadlineFrom(context, { reserve }), { name: 'RangeError', message: `\`reserve\` must be a finite number of ms >= 0, got ${reserve}` });
  }
});

test('toStepFunctionsRetry counts retries, rounds up to whole seconds and lists its losses', () => {
  const { retrier, losses } = toStepFunctionsRetry(new Policy({ maxAttempts: 3, initialDelay: 1000, maxDelay: 8000, jitter: 'full' }), { errors: ['States.TaskFailed'] });
  assert.deepEqual(retrier, { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, MaxDelaySeconds: 8, JitterStrategy: 'FULL' });
  assert.deepEqual(losses, []);
  const lossy = toStepFunctionsRetry(new Policy({ initialDelay: 250, jitter: 'proportional', attemptTimeout: 500 }));
  assert.deepEqual(lossy.retrier.ErrorEquals, ['States.ALL']);
  assert.equal(lossy.retrier.IntervalSeconds, 1);
  assert.deepEqual(lossy.losses, [
    'initialDelay 250 ms is rounded up to IntervalSeconds 1 (ASL counts whole seconds)',
    'proportional jitter is not expressible: FULL jitter is used',
    'attemptTimeout is not expressible in a retrier: set the Task state\'s TimeoutSeconds',
  ]);
  assert.throws(() => toStepFunctionsRetry({ maxAttempts: 3 }), { name: 'TypeError', message: '`policy` must be a Policy, got [object Object]' });
});
