// Type-checked against the published declarations (tests/js/package.test.mjs).
import { toRetryProps } from 'jitterbug/cdk';
import { AttemptTimeoutError, CircuitBreaker, deadlineFrom, toAwsRetryStrategy, toEnv, toStepFunctionsRetry, CircuitOpenError, HttpStatusError, RetryBudget, Policy, RetryExhaustedError, backoffKinds, createFetch, jitterKinds, presets, retry, retryFetch, withRetry } from 'jitterbug';
import type { AttemptContext, CoordinationStore, ExhaustedReason, PolicyJSON, RetryBudgetOptions, RetryEvent } from 'jitterbug';
import { CoordinationError, Idempotency, IdempotencyError, MemoryStore, RetrySlots, retryOutcome } from 'jitterbug';
import { RedisStore } from 'jitterbug/redis';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { AdaptiveRate, HedgeLostError, eventTypes, retryBatch, subscribe } from 'jitterbug';
import type { JitterbugEvent } from 'jitterbug';
import { jsonLogger } from 'jitterbug/log';
import { prometheusMetrics } from 'jitterbug/prometheus';
import { powertools } from 'jitterbug/powertools';
import { openTelemetry } from 'jitterbug/otel';
import { Registry } from 'prom-client';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { trace } from '@opentelemetry/api';

// Observability: events narrow by type; each adapter is a listener for onEvent and subscribe().
const onEvent = (event: JitterbugEvent): void => {
  if (event.type === 'retry') void [event.delay, event.errorClass satisfies 'other' | 'throttling' | 'transient', event.retriesLeft];
  else if (event.type === 'attempt') void [event.duration, event.outcome, event.status];
  else if (event.type === 'giveUp') void [event.reason, event.attempts];
  void [event.service, event.operation];
};
const named = new Policy({ service: 'lake', operation: 'data_fetch', onEvent });
const stopListening: () => void = subscribe((event, channel: string) => void [event.type, channel]);
const listeners = [jsonLogger(), jsonLogger({ logger: console, traceId: () => 'abc' }), prometheusMetrics({ registry: new Registry(), maxErrorTypes: 20 }),
  powertools({ logger: new Logger(), metrics: new Metrics({ namespace: 'shop' }) }), openTelemetry({ tracer: trace.getTracer('shop') })];
for (const listener of listeners) void retry(async () => 1, { onEvent: listener, service: 'lake' });
const types: readonly string[] = eventTypes;
// @ts-expect-error service is a string
void new Policy({ service: 5 });
// The adaptive client rate: a call option and a Policy's, and the AWS SDK strategy's mode.
const adaptive = new AdaptiveRate();
const limited = new Policy({ rate: adaptive, throttlingOn: ['ThrottlingException'] });
void retry(async () => 1, { rate: adaptive });
const adaptiveStrategy = toAwsRetryStrategy(limited, { mode: 'adaptive', rate: adaptive });
const rates: [boolean, number, number] = [adaptive.enabled, adaptive.fillRate, adaptive.measuredRate];
// @ts-expect-error mode is 'standard' or 'adaptive'
void toAwsRetryStrategy(limited, { mode: 'fast' });
void [adaptiveStrategy.mode, rates];
void [named.toJSON().service, stopListening, types];

const policy = new Policy({ maxAttempts: 5, backoff: 'fibonacci', jitter: 'decorrelated', retryOn: ['ECONNRESET'] });
const json: PolicyJSON = policy.toJSON();
const copy: Policy = Policy.fromJSON(json);
const fromEnv: Policy = Policy.fromEnv(process.env, { prefix: 'PAYMENTS_' });
const delays: number[] = copy.delays(3);
const stepped = new Policy({ backoff: [100, 250, 1000], jitter: 'none', longRetryAfter: 'cap' });
const listed: PolicyJSON['backoff'] = stepped.toJSON().backoff;
const custom = new Policy({ backoff: (retry: number, error: unknown) => (error instanceof Error ? 50 : 10) * retry });
// @ts-expect-error a backoff function is not data
const notData: PolicyJSON = { backoff: (n: number) => n };
// @ts-expect-error longRetryAfter is 'stop' or 'cap'
new Policy({ longRetryAfter: 'wait' });
void [stepped, listed, custom, notData];

async function main(): Promise<void> {
  const text: string = await retry(async ({ attempt, signal }: AttemptContext) => `attempt ${attempt} ${signal.aborted}`);
  const n: number = await retry(() => 1, { initialDelay: 10, signal: AbortSignal.timeout(1000), onRetry: (e: RetryEvent) => void e.delay });
  const viaPolicy: number = await retry(async () => 2, policy, { retryIf: (error) => !(error instanceof TypeError) });
  const executed: boolean = await presets.aggressive.execute(async () => true);
  const add = withRetry({ maxAttempts: 2 })(async (a: number, b: number) => a + b);
  const sum: number = await add(1, 2);
  const wrapped: (id: string) => Promise<string> = presets.awsStandard.wrap(async (id: string) => id);
  try {
    await retry(async () => { throw new Error('x'); });
  } catch (error) {
    if (error instanceof RetryExhaustedError) {
      const reason: ExhaustedReason = error.reason;
      const records: number = error.log.length + error.attempts + error.elapsed;
      void reason; void records;
    }
    if (error instanceof AttemptTimeoutError) void error.timeout;
  }
  const response: Response = await retryFetch('https://example.test/orders', { method: 'PUT', body: '{}' }, { retryOnStatus: [503], maxRetryAfter: 5000,
    onGiveUp: ({ reason, attempts, response: last }) => void [reason, attempts, last.status] });
  const why: string | undefined = retryOutcome(response)?.reason;
  const fetchWithRetry = createFetch(policy, fetch);
  const again: Response = await fetchWithRetry(new URL('https://example.test/'), { headers: { 'Idempotency-Key': 'k' } });
  const onRetry = (e: RetryEvent) => { if (e.error instanceof HttpStatusError) void [e.error.status, e.error.retryAfter]; };
  const kinds: readonly string[] = [...backoffKinds, ...jitterKinds];
  const budget = new RetryBudget({ capacity: 100 });
  const snapshot: Required<RetryBudgetOptions> = budget.snapshot();
  const warm: RetryBudget = RetryBudget.restore(snapshot);
  await retry(async () => 1, { budget: warm, maxAttempts: 2 });
  const breaker = new CircuitBreaker({ failureThreshold: 3, onStateChange: ({ from, to, reason }) => void [from, to, reason] });
  const state: 'closed' | 'open' | 'half-open' = CircuitBreaker.restore(breaker.snapshot()).state;
  await retry(async () => 1, { breaker }).catch((e) => { if (e instanceof CircuitOpenError) void e.retryAfter; });
  const { retrier, losses } = toStepFunctionsRetry(policy, { errors: ['States.TaskFailed'] });
  const env: Record<string, string> = toEnv(policy, { prefix: 'PAY_' });
  const maxElapsed: number = deadlineFrom({ getRemainingTimeInMillis: () => 3000 }, { reserve: 200 });
  const strategy = toAwsRetryStrategy(policy, { budget });
  const token = await strategy.acquireInitialRetryToken('us-east-1');
  const props = toRetryProps(policy, { errors: ['Lambda.ServiceException'], onLoss: (loss: string) => void loss });
  // Fleet coordination: both Redis clients fit the store, structurally.
  const nodeRedis = createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true });
  const store: CoordinationStore = new RedisStore(nodeRedis, { timeout: 50, onStatusChange: ({ available }) => void available });
  const ioStore = new RedisStore(new Redis({ enableOfflineQueue: false }), { failOpen: false, prefix: 'pay:' });
  const shared = new RetryBudget({ store, key: 'payments', capacity: 500, flushInterval: 500 });
  const slots = new RetrySlots({ store: ioStore, key: 'payments', limit: 20 });
  const once = new Idempotency({ store: new MemoryStore(), ttl: presets.default.toJSON().idempotencyTtl });
  const charged: { id: string } = await once.run('order-1', async () => ({ id: 'ch_1' }), { fingerprint: { amount: 5 } });
  const tokens: number = await shared.flush();
  await presets.default.execute(async () => 1, { budget: shared, slots, idempotency: once, idempotencyKey: 'order-2' });
  await retryFetch('https://example.test/charges', { method: 'POST' }, { idempotencyKey: true, slotWidth: 100, slots });
  await shared.close().catch((e) => { if (e instanceof CoordinationError || e instanceof IdempotencyError) void e.message; });
  void [charged, tokens];
  // Hedging: policy fields, and events that say which attempts were hedges.
  const hedgedFetch = createFetch({ hedgeDelay: 50, maxHedges: 2 });
  await retry(async ({ signal }) => {
    signal.addEventListener('abort', () => { if (signal.reason instanceof HedgeLostError) { const lost: 'HedgeLostError' = signal.reason.name; void lost; } });
    return (await hedgedFetch('https://example.test/', { signal })).status;
  }, {
    hedgeDelay: 30,
    onRetry: (e: RetryEvent) => { if (e.hedge) { const started: number = e.attempt + 1; void started; } },
    onEvent: (e: JitterbugEvent) => { if (e.type === 'hedge') { const hedgeNumber: number = e.attempt; void hedgeNumber; } },
  });
  // Batches: each item's outcome, typed by what the function settles it with.
  const outcomes = await retryBatch([{ id: 'a' }], async (pending) => pending.map((o) => ({ status: 'fulfilled' as const, value: o.id.length })),
    { failFast: true, onRetry: ({ pending }) => void pending });
  for (const outcome of outcomes) { if (outcome.status === 'fulfilled') { const n: number = outcome.value + outcome.attempts; void n; } }
  // As the README writes it: plain object literals, no `as const`.
  const written = await retryBatch([{ id: 'a' }], async (pending) => pending.map(({ id }) =>
    (id === 'b' ? { status: 'rejected', reason: new Error(id) } : { status: 'fulfilled', value: id })));
  const firstId: string | undefined = written[0].status === 'fulfilled' ? written[0].value : undefined;
  void firstId;
  // @ts-expect-error a batch classifies item failures itself: retryIf is refused
  void retryBatch([1], async () => [], { retryIf: () => true });
  // @ts-expect-error nor is a batch hedged
  void retryBatch([1], async () => [], { hedgeDelay: 10 });
  // @ts-expect-error failFast is a boolean
  void retryBatch([1], async () => [], { failFast: 'yes' });
  // @ts-expect-error maxHedges is a number
  void new Policy({ hedgeDelay: 10, maxHedges: '2' });
  void why;
  void [text, n, viaPolicy, executed, sum, wrapped, fromEnv, delays, response, again, onRetry, kinds, budget.tokens, state,
    retrier.MaxAttempts, losses.length, env, maxElapsed, token.getRetryDelay(), props.maxAttempts];
}
void main;
