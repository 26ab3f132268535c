// The CDK example synthesised with aws-cdk-lib's Template assertions (no account, no CLI), and
// the Lambda example bundled by esbuild as NodejsFunction does and invoked with a real context
// shape against a local S3-like server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { toEnv } from 'jitterbug';
import { backupApp } from '../../examples/cdk/stack.mjs';

const root = new URL('../../', import.meta.url).pathname;

test('one Policy becomes the Lambda environment and the state machine\'s Retry block', () => {
  const losses = [];
  const { stack, policy } = backupApp({ onLoss: (loss) => losses.push(loss) });
  const template = Template.fromStack(stack);
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const backup = functions.find((f) => f.Properties.Environment?.Variables?.BACKUP_BUCKET_URL);
  assert.ok(backup, 'the backup function');
  const { BACKUP_BUCKET_URL, ...retryVars } = backup.Properties.Environment.Variables;
  assert.deepEqual(retryVars, toEnv(policy));
  assert.equal(retryVars.RETRY_MAX_ATTEMPTS, '4');
  assert.equal(retryVars.RETRY_INITIAL_DELAY, '1');

  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const definition = machine.Properties.DefinitionString['Fn::Join'][1].filter((part) => typeof part === 'string').join('"TOKEN"');
  const retry = JSON.parse(/"Retry":(\[\{.*?\}\])/.exec(definition)[1]);
  assert.deepEqual(retry, [{
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 10, JitterStrategy: 'FULL',
  }]);
  // The preset's proportional jitter and fleet settings have no ASL equivalent: said, not
  // silently dropped.
  assert.deepEqual(losses, ['proportional jitter is not expressible: FULL jitter is used',
    'slotCount and slotWidth are not expressible: Step Functions retries are not coordinated',
    'idempotencyTtl is not expressible: make the task itself idempotent']);
});

test('the Lambda example, bundled as NodejsFunction does, retries its upload within its deadline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jitterbug-lambda-'));
  const bundle = join(dir, 'index.js');
  execFileSync(join(root, 'node_modules/.bin/esbuild'), [join(root, 'examples/lambda/handler.mjs'), '--bundle', '--platform=node',
    '--target=node20', '--format=cjs', `--outfile=${bundle}`, '--log-level=error'], { cwd: root });
  const puts = [];
  const s3 = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      puts.push([req.method, req.url, body]);
      if (puts.length < 3) { res.writeHead(503, { 'retry-after': '0' }); res.end('SlowDown'); return; }
      res.writeHead(200, { etag: '"abc123"' });
      res.end();
    });
  });
  await new Promise((resolve) => s3.listen(0, '127.0.0.1', resolve));
  try {
    const { policy } = backupApp();
    const env = { ...process.env, ...toEnv(policy), RETRY_INITIAL_DELAY: '0.01', BACKUP_BUCKET_URL: `http://127.0.0.1:${s3.address().port}/etcd` };
    // The bundle stands alone (no node_modules beside it), invoked with a Lambda context's shape.
    writeFileSync(join(dir, 'invoke.cjs'), `const { handler } = require('./index.js');
const started = Date.now();
const context = { functionName: 'Backup', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30000 - (Date.now() - started) };
handler({ key: 'snapshot-2026-11-22.db', snapshot: { revision: 42 } }, context).then((r) => console.log(JSON.stringify(r)));`);
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'invoke.cjs')], { cwd: dir, env, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(stdout), { key: 'snapshot-2026-11-22.db', status: 200, etag: '"abc123"' });
    assert.equal(puts.length, 3);
    assert.ok(puts.every(([method, url, body]) => method === 'PUT' && url === '/etcd/snapshot-2026-11-22.db' && body === '{"revision":42}'));
  } finally {
    s3.close();
  }
});

test('addRetry flags a rule an earlier retrier on the state already catches (LambdaInvoke\'s own, by default)', async () => {
  const { App, Stack } = await import('aws-cdk-lib');
  const lambda = await import('aws-cdk-lib/aws-lambda');
  const { LambdaInvoke } = await import('aws-cdk-lib/aws-stepfunctions-tasks');
  const { addRetry } = await import('jitterbug/cdk');
  const { Policy } = await import('jitterbug');
  const stack = new Stack(new App(), 'Flags');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1') });
  const policy = new Policy({ maxAttempts: 3, initialDelay: 1000, jitter: 'full' });
  const errors = ['Lambda.ServiceException', 'States.Timeout'];
  const byDefault = [];
  addRetry(new LambdaInvoke(stack, 'Default', { lambdaFunction: fn }), policy, { errors, onLoss: (l) => byDefault.push(l) });
  assert.deepEqual(byDefault, ['Lambda.ServiceException is caught first by an earlier retrier on this state, so this rule never fires for it (a LambdaInvoke retries service exceptions itself unless created with retryOnServiceExceptions: false)']);
  const off = [];
  const task = new LambdaInvoke(stack, 'Off', { lambdaFunction: fn, retryOnServiceExceptions: false });
  addRetry(task, policy, { errors, onLoss: (l) => off.push(l) });
  assert.deepEqual(off, []);
  assert.deepEqual(task.toStateJson().Retry.map((r) => [r.ErrorEquals, r.MaxAttempts]), [[errors, 2]]);
});
