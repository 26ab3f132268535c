// The observability adapters against the real libraries: prom-client's own text exposition,
// Powertools' own stdout (log lines and EMF), spans from OpenTelemetry's in-memory exporter,
// and the dependency-free JSON logger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Policy, retry, retryFetch, subscribe } from 'jitterbug';
import { jsonLogger } from 'jitterbug/log';
import { prometheusMetrics } from 'jitterbug/prometheus';
import { powertools } from 'jitterbug/powertools';
import { openTelemetry } from 'jitterbug/otel';
import { Registry } from 'prom-client';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const fast = { initialDelay: 1, maxDelay: 2, jitter: 'none' };
const failing = (failures, name = 'ServiceUnavailableError') => {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= failures) throw Object.assign(new Error(`failure ${calls}`), { name });
    return 'ok';
  };
};

/**
 * The JSON lines written to stdout and stderr while `run` runs, in order (Powertools writes its
 * EMF and information to stdout, its warnings and errors to stderr, as console does).
 */
async function stdoutOf(run) {
  const lines = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = (chunk, ...rest) => {
      const text = String(chunk);
      if (!text.startsWith('{')) return writes[i].call(stream, chunk, ...rest);
      lines.push(...text.split('\n').filter(Boolean));
      return true;
    };
  });
  try {
    await run();
  } finally {
    streams.forEach((stream, i) => { stream.write = writes[i]; });
  }
  return lines.map((line) => JSON.parse(line));
}

/** The samples of one metric in a Prometheus text exposition, as `labels value` lines. */
function samples(text, name) {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

test('Prometheus: the standard\'s four metrics, exactly, after a run with retries and a give-up', async () => {
  const registry = new Registry();
  const policy = new Policy({ ...fast, maxAttempts: 3, service: 'lake', operation: 'data_fetch', onEvent: prometheusMetrics({ registry }) });
  await policy.execute(failing(1));
  await policy.execute(failing(5)).catch(() => {});
  await policy.execute(async () => 'first time');
  const text = await registry.metrics();
  const labels = 'service="lake",operation="data_fetch"';
  assert.deepEqual(samples(text, 'retry_attempts_total'), [
    `retry_attempts_total{${labels},attempt="1"} 3`,
    `retry_attempts_total{${labels},attempt="2"} 2`,
    `retry_attempts_total{${labels},attempt="3"} 1`,
  ]);
  assert.deepEqual(samples(text, 'retry_success_total'), [
    `retry_success_total{${labels},attempts_needed="2"} 1`,
    `retry_success_total{${labels},attempts_needed="1"} 1`,
  ]);
  // The type of the error the call gave up on (not the RetryExhaustedError it rejects with).
  assert.deepEqual(samples(text, 'retry_failure_total'), [`retry_failure_total{${labels},error_type="ServiceUnavailableError"} 1`]);
  const buckets = samples(text, 'retry_duration_seconds_bucket').map((line) => line.match(/le="([^"]+)"/)[1]);
  assert.deepEqual(buckets, ['0.1', '0.5', '1', '2', '5', '10', '+Inf']);
  assert.match(text, new RegExp(`retry_duration_seconds_count\\{${labels}\\} 3`));
  assert.match(text, /# TYPE retry_duration_seconds histogram/);
  assert.match(text, /# TYPE retry_attempts_total counter/);
});

test('Prometheus: error_type is bounded, so a stream of new error names cannot grow the registry', async () => {
  const registry = new Registry();
  const onEvent = prometheusMetrics({ registry, maxErrorTypes: 3 });
  for (let i = 0; i < 20; i++) await retry(failing(1, `Error${i}`), { maxAttempts: 1, onEvent }).catch(() => {});
  const types = samples(await registry.metrics(), 'retry_failure_total').map((line) => line.match(/error_type="([^"]+)"/)[1]);
  assert.deepEqual(types, ['Error0', 'Error1', 'Error2', 'other']);
  // An error without a name of its own is counted by its class (a thrown string's is String).
  const named = new Registry();
  const count = prometheusMetrics({ registry: named });
  class QuotaError extends Error {}
  await retry(async () => { throw Object.assign(new QuotaError('x'), { name: '' }); }, { maxAttempts: 1, onEvent: count }).catch(() => {});
  await retry(async () => { throw 'text'; }, { maxAttempts: 1, onEvent: count }).catch(() => {}); // eslint-disable-line no-throw-literal
  assert.deepEqual(samples(await named.metrics(), 'retry_failure_total').map((line) => line.match(/error_type="([^"]+)"/)[1]), ['QuotaError', 'String']);
  assert.match(samples(await registry.metrics(), 'retry_failure_total').at(-1), / 17$/);
  // A second listener on the same registry counts into the same metrics, under the same bound.
  const again = prometheusMetrics({ registry });
  await retry(failing(1, 'Error99'), { maxAttempts: 1, onEvent: again }).catch(() => {});
  assert.match(samples(await registry.metrics(), 'retry_failure_total').at(-1), /error_type="other"} 18$/);
  assert.throws(() => prometheusMetrics({ registry: {} }), { name: 'TypeError', message: /`registry` must be a prom-client Registry/ });
  assert.throws(() => prometheusMetrics({ registry: new Registry(), maxErrorTypes: 0 }), { name: 'RangeError', message: '`maxErrorTypes` must be an integer >= 1, got 0' });
});

test('Prometheus through subscribe(): every call in the process is counted, until unsubscribed', async () => {
  const registry = new Registry();
  const stop = subscribe(prometheusMetrics({ registry }));
  try {
    await retry(failing(1), { ...fast, service: 'stream' });
  } finally {
    stop();
  }
  await retry(failing(1), { ...fast, service: 'stream' });
  assert.deepEqual(samples(await registry.metrics(), 'retry_success_total'), ['retry_success_total{service="stream",operation="",attempts_needed="2"} 1']);
});

test('Powertools: the standard\'s log line with the X-Ray trace id, and its metrics as CloudWatch EMF', async () => {
  const traceId = '1-5759e988-bd862e3fe1be46a994272793';
  process.env._X_AMZN_TRACE_ID = `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`;
  try {
    const lines = await stdoutOf(async () => {
      const logger = new Logger({ serviceName: 'orders' });
      const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders' });
      await retry(failing(1), { ...fast, service: 'lake', operation: 'data_fetch', onEvent: powertools({ logger, metrics }) });
    });
    const logs = lines.filter((line) => line._aws === undefined);
    const emf = lines.filter((line) => line._aws !== undefined);
    assert.equal(logs.length, 2);
    const [retried, recovered] = logs;
    assert.equal(retried.level, 'WARN');
    assert.equal(retried.message, 'retrying');
    assert.equal(retried.service, 'lake');
    assert.equal(retried.operation, 'data_fetch');
    assert.equal(retried.attempt, 1);
    assert.equal(retried.delay, 0.001);
    assert.equal(retried.error, 'ServiceUnavailableError: failure 1');
    assert.equal(retried.trace_id, traceId);
    assert.equal(retried.xray_trace_id, traceId);
    assert.ok(!Number.isNaN(Date.parse(retried.timestamp)));
    assert.deepEqual([recovered.level, recovered.message, recovered.attempt], ['INFO', 'succeeded after retries', 2]);
    const metricsOf = (doc) => doc._aws.CloudWatchMetrics[0];
    assert.deepEqual(emf.map((doc) => [metricsOf(doc).Metrics[0].Name, metricsOf(doc).Metrics[0].Unit, metricsOf(doc).Namespace]), [
      ['retry_attempts_total', 'Count', 'shop'], ['retry_attempts_total', 'Count', 'shop'],
      ['retry_success_total', 'Count', 'shop'], ['retry_duration_seconds', 'Seconds', 'shop'],
    ]);
    assert.deepEqual(metricsOf(emf[1]).Dimensions, [['service', 'operation', 'attempt']]);
    assert.deepEqual([emf[1].service, emf[1].operation, emf[1].attempt, emf[1].retry_attempts_total], ['lake', 'data_fetch', '2', 1]);
    assert.deepEqual([emf[2].attempts_needed, emf[2].retry_success_total], ['2', 1]);
    assert.ok(emf[3].retry_duration_seconds >= 0 && emf[3].retry_duration_seconds < 1);
  } finally {
    delete process.env._X_AMZN_TRACE_ID;
  }
});

test('Powertools: an unnamed call keeps the Logger\'s service and the instance\'s default dimensions; bad instances are refused', async () => {
  const lines = await stdoutOf(async () => {
    const logger = new Logger({ serviceName: 'orders' });
    const metrics = new Metrics({ namespace: 'shop', serviceName: 'orders', defaultDimensions: { stage: 'prod' } });
    await retry(failing(5), { ...fast, maxAttempts: 2, onEvent: powertools({ logger, metrics }) }).catch(() => {});
  });
  const logs = lines.filter((line) => line._aws === undefined);
  assert.deepEqual(logs.map((line) => [line.level, line.service, line.message]),
    [['WARN', 'orders', 'retrying'], ['ERROR', 'orders', 'gave up (attempts)']]);
  const failure = lines.find((line) => line.retry_failure_total !== undefined);
  assert.deepEqual([failure.service, failure.stage, failure.error_type], ['orders', 'prod', 'ServiceUnavailableError']);
  // The duration has no dimension of its own: the instance's defaults alone.
  const duration = lines.find((line) => line.retry_duration_seconds !== undefined);
  assert.deepEqual(duration._aws.CloudWatchMetrics[0].Dimensions, [['service', 'stage']]);
  assert.throws(() => powertools({}), { name: 'TypeError', message: 'powertools() needs a `logger`, `metrics` or both' });
  assert.throws(() => powertools({ logger: console }), { name: 'TypeError', message: /`logger` must be a Powertools Logger/ });
});

test('OpenTelemetry: a span event per retry on the active span; retryFetch\'s attempts as client spans with http.request.resend_count', async () => {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    res.writeHead(requests < 3 ? 503 : 200).end('x');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/items`;
  try {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('handler', async (span) => {
      await retryFetch(url, {}, { ...fast, service: 'items', operation: 'list', onEvent: openTelemetry() });
      span.end();
    });
    const spans = exporter.getFinishedSpans();
    const handler = spans.find((s) => s.name === 'handler');
    assert.deepEqual(handler.events.map((e) => [e.name, e.attributes['jitterbug.attempt'], e.attributes['error.type'], e.attributes['jitterbug.service'], e.attributes['jitterbug.operation']]),
      [['jitterbug.retry', 1, 'HttpStatusError', 'items', 'list'], ['jitterbug.retry', 2, 'HttpStatusError', 'items', 'list']]);
    const attempts = spans.filter((s) => s.name === 'GET');
    assert.deepEqual(attempts.map((s) => [s.attributes['http.request.resend_count'], s.attributes['http.response.status_code'], s.attributes['url.full'], s.status.code, s.attributes['error.type']]),
      [[undefined, 503, url, 2, '503'], [1, 503, url, 2, '503'], [2, 200, url, 0, undefined]]);
    for (const s of attempts) {
      assert.equal(s.parentSpanContext?.spanId ?? s.parentSpanId, handler.spanContext().spanId, 'a child of the span that made the call');
      assert.equal(s.kind, 2 /* CLIENT */);
    }
  } finally {
    server.close();
    trace.disable();
    context.disable();
  }
  for (const tracer of [{}, null, 'tracer']) {
    assert.throws(() => openTelemetry({ tracer }), { name: 'TypeError', message: '`tracer` must be an OpenTelemetry Tracer (trace.getTracer(name))' });
  }
});

test('JSON logger: the standard\'s line on stdout, with the Lambda trace id when there is one; or to a logger of one\'s own', async () => {
  process.env._X_AMZN_TRACE_ID = 'Root=1-abc-def;Sampled=1';
  let lines;
  try {
    lines = await stdoutOf(() => retry(failing(5), { ...fast, maxAttempts: 2, service: 'lake', operation: 'sync', onEvent: jsonLogger() }).catch(() => {}));
  } finally {
    delete process.env._X_AMZN_TRACE_ID;
  }
  assert.deepEqual(lines.map(({ timestamp, ...rest }) => rest), [
    { level: 'WARNING', service: 'lake', operation: 'sync', attempt: 1, delay: 0.001, error: 'ServiceUnavailableError: failure 1', error_class: 'other', trace_id: '1-abc-def', message: 'retrying' },
    { level: 'ERROR', service: 'lake', operation: 'sync', attempt: 2, error: 'ServiceUnavailableError: failure 2', trace_id: '1-abc-def', message: 'gave up (attempts)' },
  ]);
  assert.ok(lines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(line.timestamp)));
  assert.deepEqual(Object.keys(lines[0]), ['timestamp', 'level', 'service', 'operation', 'attempt', 'delay', 'error', 'error_class', 'trace_id', 'message']);
  const calls = [];
  const logger = { info: (l) => calls.push(['info', l.message]), warn: (l) => calls.push(['warn', l.message]), error: (l) => calls.push(['error', l.message]) };
  await retry(failing(1), { ...fast, onEvent: jsonLogger({ logger, traceId: () => undefined }) });
  // A success at the first attempt is not news: nothing is logged.
  await retry(failing(0), { ...fast, onEvent: jsonLogger({ logger }) });
  assert.deepEqual(calls, [['warn', 'retrying'], ['info', 'succeeded after retries']]);
  assert.throws(() => jsonLogger({ logger: {} }), { name: 'TypeError', message: '`logger` must be an object with info, warn and error methods, got [object Object]' });
});
