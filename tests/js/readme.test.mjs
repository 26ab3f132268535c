// Every ```js example in the README runs, and each `console.log(...)` with a trailing
// `// expected` comment (continued on following `//` lines) must print exactly that.
import { test, before, after } from 'node:test';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { startRedis } from './fixtures/redis-server.mjs';
import { startThrottledDynamo } from './fixtures/dynalite.mjs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { transformSync } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, 'utf8');
// ```js examples run as they are; ```ts ones (decorators: Node cannot parse them) are compiled
// by esbuild first, as a TypeScript project's build would.
const examples = [...readme.matchAll(/```(js|ts)\n([\s\S]*?)```/g)].map((m) => ({ typescript: m[1] === 'ts', source: m[2] }));
const workdir = `${root}target/readme-examples`;
mkdirSync(workdir, { recursive: true });

/** Rewrites `console.log(` into `__log(N, ` and collects each call's expected output. */
function instrument(source) {
  const lines = source.split('\n');
  const expected = new Map();
  let n = 0;
  const out = lines.map((line, i) => line.replace(/console\.log\(/g, () => {
    const id = n++;
    // The expected output trails the call, or (for long output) fills the comment lines after it.
    const comment = /\);\s*\/\/ (.*)$/.exec(line) ?? (/\);\s*$/.test(line) && /^\s*\/\/ /.test(lines[i + 1] ?? '') ? [null, ''] : null);
    if (comment) {
      let text = comment[1];
      for (let j = i + 1; j < lines.length && /^\s*\/\/ /.test(lines[j]); j++) text += ' ' + lines[j].replace(/^\s*\/\/ /, '');
      expected.set(id, text);
    }
    return `__log(${id}, `;
  }));
  return { code: out.join('\n'), expected };
}

const normalise = (text) => text.replace(/\s+/g, ' ').trim();

// The orders API the Lambda example calls: 503 on the first request for an order, then 200.
let ordersApi;
let ordersUrl;
before(async () => {
  const seen = new Map();
  ordersApi = createServer((req, res) => {
    const n = (seen.get(req.url) ?? 0) + 1;
    seen.set(req.url, n);
    if (req.url === '/busy') { res.writeHead(503); res.end('busy'); return; }
    // Too large the first time, with a wait (the retryAfterOn example).
    if (req.url === '/upload') { res.writeHead(n === 1 ? 413 : 200, n === 1 ? { 'retry-after': '1' } : {}); res.end(); return; }
    const id = /^\/orders\/(\w+)$/.exec(req.url)?.[1];
    if (!id) { res.writeHead(404); res.end(); return; }
    if (n === 1) { res.writeHead(503); res.end('busy'); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, status: 'shipped' }));
  });
  await new Promise((resolve) => ordersApi.listen(0, '127.0.0.1', resolve));
  ordersUrl = `http://127.0.0.1:${ordersApi.address().port}`;
});
after(() => ordersApi.close());

// The DynamoDB-like endpoint of the AWS SDK example: throttles each client's first request.
let dynamo;
let dynamoUrl;
before(async () => {
  let requests = 0;
  dynamo = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (requests % 2 === 1) {
        res.writeHead(400);
        res.end('{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}');
        return;
      }
      res.writeHead(200);
      res.end('{"TableNames":["orders"]}');
    });
  });
  await new Promise((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  dynamoUrl = `http://127.0.0.1:${dynamo.address().port}`;
});
after(() => dynamo.close());

// The DynamoDB of the batch example: dynalite, behind a proxy that throttles batch writes.
let batchDynamo;
before(async () => {
  batchDynamo = await startThrottledDynamo({ perRequest: 2 });
  const client = new DynamoDBClient({ endpoint: batchDynamo.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  client.destroy();
});
after(() => batchDynamo.close());

// The Redis the fleet-coordination examples share, as a Lambda function's would be.
let redis;
before(async () => {
  redis = await startRedis();
});
after(() => redis.close());

examples.forEach(({ typescript, source }, index) => {
  const firstLine = source.split('\n')[0];
  test(`README example ${index + 1}: ${firstLine}`, async () => {
    const commonjs = /\brequire\(/.test(source);
    const instrumented = instrument(source);
    const { expected } = instrumented;
    const code = typescript ? transformSync(instrumented.code, { loader: 'ts', format: 'esm', target: 'es2022' }).code : instrumented.code;
    const logger = `const __util = require('node:util'); const __log = (id, ...args) => process.stdout.write(JSON.stringify([id, __util.format(...args)]) + '\\n');`;
    const file = `${workdir}/example-${index + 1}.${commonjs ? 'cjs' : 'mjs'}`;
    writeFileSync(file, commonjs ? `${logger}\n${code}` : `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n${logger}\n${code}`);
    // Asynchronously: this process serves the orders API the example calls.
    const { stdout: output } = await promisify(execFile)(process.execPath, [file], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ORDERS_API: ordersUrl, DYNAMODB_ENDPOINT: dynamoUrl, DYNAMODB_BATCH_ENDPOINT: batchDynamo.url, REDIS_URL: redis.url } });
    const printed = new Map();
    // Only the example's console.log lines (arrays); a library may write its own (Powertools' EMF).
    for (const line of output.trim().split('\n').filter((text) => text.startsWith('['))) {
      const [id, text] = JSON.parse(line);
      if (!printed.has(id)) printed.set(id, text);
    }
    assert.ok(expected.size > 0 || printed.size === 0, 'an example that prints should say what it prints');
    for (const [id, text] of expected) {
      assert.ok(printed.has(id), `console.log #${id} never ran (expected: ${text})`);
      assert.equal(normalise(printed.get(id)), normalise(text), `console.log #${id}`);
    }
  });
});

test('the README documents every policy field and every export', () => {
  for (const field of ['maxAttempts', 'initialDelay', 'maxDelay', 'multiplier', 'backoff', 'jitter', 'jitterFactor', 'maxElapsed', 'attemptTimeout', 'seed', 'maxRetryAfter', 'retryOn', 'abortOn', 'signal', 'retryIf', 'onRetry', 'retryOnStatus', 'retryMethods', 'slotCount', 'slotWidth', 'idempotencyTtl', 'idempotencyKey']) {
    assert.match(readme, new RegExp(`#### \`${field}`), field);
  }
  for (const name of ['retry', 'Policy', 'withRetry', 'presets', 'RetryExhaustedError', 'AttemptTimeoutError', 'retryFetch', 'createFetch', 'HttpStatusError', 'backoffKinds', 'jitterKinds', 'RetryBudget', 'CircuitBreaker', 'toStepFunctionsRetry', 'toRetryProps', 'toEnv', 'deadlineFrom', 'toAwsRetryStrategy', 'MemoryStore', 'RedisStore', 'RetrySlots', 'Idempotency', 'retryOutcome', 'addRetry']) {
    assert.match(readme, new RegExp(`^#{3,4} .*\`(new |@)?${name}\\b`, 'm'), name);
  }
});

test('every function and class the package and its subpaths export has a README heading', async () => {
  // Errors are documented together under "Errors"; the rest each under a heading of their own.
  const together = new Set(['CircuitOpenError', 'CoordinationError', 'IdempotencyError']);
  for (const entry of ['jitterbug', 'jitterbug/log', 'jitterbug/prometheus', 'jitterbug/powertools', 'jitterbug/otel', 'jitterbug/decorators']) {
    for (const [name, value] of Object.entries(await import(entry))) {
      if (together.has(name)) continue;
      assert.match(readme, new RegExp(`^#{3,4} .*\`(new |@)?${name}\\b`, 'm'), `${entry}: ${name} (${typeof value})`);
    }
  }
});

test('the README\'s outage table is what the simulation prints (it is deterministic)', async () => {
  const { stdout } = await promisify(execFile)('cargo', ['run', '--quiet', '--release', '--bin', 'simulate'], { cwd: root, encoding: 'utf8' });
  const rows = (text) => text.split('\n').filter((line) => /^\| (no budget|budget|budget \+ breaker) \|/.test(line));
  assert.equal(rows(stdout).length, 3);
  assert.deepEqual(rows(readme), rows(stdout));
});

test('the README names every reason a RetryExhaustedError can carry', async () => {
  // The engine's stop reasons, as the build generated them; 'notRetryable' rethrows the error instead.
  const { stopReasons } = await import(new URL('../../js/generated/tables.js', import.meta.url));
  const section = readme.slice(readme.indexOf('#### `RetryExhaustedError`'), readme.indexOf('#### `AttemptTimeoutError`'));
  for (const reason of stopReasons.filter((r) => r !== 'notRetryable')) {
    assert.ok(section.includes(`'${reason}'`), `README does not name reason '${reason}'`);
  }
});
