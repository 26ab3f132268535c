// retryBatch (Node builds): a batch call that retries only the items that failed. Which items
// are still pending, which class of failure sets the wait, and when to stop are the engine's
// rules (src/engine/batch.rs); this module sends, reports and sleeps.
import { freshSeed } from './engine.js';
import { newEngineBatch } from './engine-overload.js';
import { readCallOptions, readOptions, MAX_ATTEMPTS, STOP_REASONS } from './options.js';
import { planIfPolicy } from './policy.js';
import { attemptThrough, classify, notify, stop } from './retry.js';
import { budgetEngine, sharedBudget } from './budget.js';
import { observe } from './events.js';
import { sleep } from './sleep.js';
import { describe, readSafely, typeError } from './describe.js';
import { errorClasses } from './generated/tables.js';
import { reportListenerError } from './report.js';

const now = () => performance.now();
const SETTLED = "one settled result per pending item, in their order ({ status: 'fulfilled', value } or { status: 'rejected', reason })";

/** `options` (a Policy or plain options) and `call` read as retry() reads them, with `failFast` taken out. */
function readBatchOptions(options, call) {
  const policyPlan = planIfPolicy(options);
  let failFast;
  const take = (object) => {
    if (object === undefined || object === null || typeof object !== 'object' || !('failFast' in object)) return object;
    const { failFast: value, ...rest } = object;
    if (value !== undefined && typeof value !== 'boolean') throw typeError('failFast', 'a boolean', value);
    failFast = value ?? failFast;
    return rest;
  };
  if (policyPlan !== undefined) {
    const callOptions = take(call);
    return { plan: policyPlan, call: callOptions === undefined ? undefined : readCallOptions(callOptions), failFast: failFast ?? false };
  }
  if (call !== undefined) throw new TypeError('A fourth argument to retryBatch() is only read with a Policy; put its options in the third');
  return { plan: readOptions(take(options) ?? {}, true), call: undefined, failFast: failFast ?? false };
}

// What retry() reads that a batch cannot honour: each is refused, never silently ignored.
const NOT_FOR_BATCHES = [
  ['retryIf', 'classify item errors with retryOn, abortOn, throttlingOn and transientOn'],
  ['retryOnResult', 'report a result to retry as a rejected item'],
  ['backoff', 'a backoff function is not applied to batches: use a backoff name or a list of delays'],
  ['rate', 'an AdaptiveRate is not applied to batches'],
  ['retrySlots', 'retry slots are not applied to batches'],
  ['idempotency', 'make each item idempotent instead'],
  ['idempotencyKey', 'make each item idempotent instead'],
];

/** Throws for an option of `plan` that retryBatch does not apply. */
function refuseUnapplied(plan) {
  if (plan === undefined) return;
  for (const [name, instead] of NOT_FOR_BATCHES) {
    const value = name === 'retryIf' || name === 'retryOnResult' || name === 'backoff' ? plan[name] : plan.fleet?.[name];
    if (value !== undefined) throw new TypeError(`\`${name === 'retrySlots' ? 'slots' : name}\` does not apply to retryBatch: ${instead}`);
  }
  if (plan.hedged) throw new TypeError('`hedgeDelay` does not apply to retryBatch: a batch is not hedged');
}

/**
 * Sends `items` through `fn(pending, { attempt, signal })`, which resolves to one settled result
 * per pending item; sends again, under one schedule, only the items that failed with a
 * retryable error. Resolves with each item's outcome, in the order of `items`.
 */
export async function retryBatch(items, fn, options, call) {
  let list;
  try {
    // A string is iterable too, but never a batch of items.
    if (typeof items !== 'string' && typeof items?.[Symbol.iterator] === 'function') list = Array.from(items);
  } catch {
    // an iterator that throws, a revoked Proxy
  }
  if (list === undefined) throw typeError('items', 'an array (or iterable) of items', items);
  if (typeof fn !== 'function') throw typeError('fn', 'a function', fn);
  const { plan, call: callPlan, failFast } = readBatchOptions(options, call);
  refuseUnapplied(plan);
  refuseUnapplied(callPlan);
  const signal = callPlan?.signal ?? plan.signal;
  const budget = callPlan?.budget ?? plan.budget;
  const breaker = callPlan?.breaker ?? plan.breaker;
  const onRetry = callPlan?.onRetry ?? plan.onRetry;
  const onGiveUp = callPlan?.onGiveUp ?? plan.onGiveUp;
  const unref = callPlan?.unref ?? plan.unref;
  const observer = observe(plan, callPlan);
  const shared = budget === undefined ? undefined : sharedBudget(budget);
  const bucket = budget === undefined || shared !== undefined ? undefined : budgetEngine(budget);
  const inline = plan.engine === undefined;
  const engine = inline ? plan.makeEngine() : plan.engine;
  const batch = newEngineBatch(list.length, failFast);
  const run = engine.start(freshSeed());
  const maxAttempts = engine.slot(MAX_ATTEMPTS);
  const outcomes = list.map(() => undefined);
  const origin = now();
  // What the last retry cost a shared bucket (NaN: none yet).
  let paid = NaN;
  // The retry last paid for was never sent: its price goes back.
  const notMade = () => {
    if (bucket !== undefined) run.retryNotMade(bucket);
    else if (shared !== undefined && !Number.isNaN(paid)) shared.giveBack(paid);
    paid = NaN;
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const indices = [];
      for (let i = 0; i < list.length; i++) if (batch.isPending(i)) indices.push(i);
      if (indices.length === 0) break; // an empty batch
      const pending = indices.map((i) => list[i]);
      const left = plan.maxElapsed === undefined ? undefined : plan.maxElapsed - (now() - origin);
      const begun = now();
      const outcome = await attemptThrough(breaker, (context) => fn(pending, context), attempt, signal, plan.attemptTimeout, unref, left, observer);
      if (signal?.aborted) throw signal.reason;
      if (outcome.circuitOpen) {
        // Refused, not sent: the retry paid for goes back, and each item keeps its last outcome
        // (the open circuit's error, for an item never sent).
        notMade();
        for (const index of indices) outcomes[index] ??= { status: 'rejected', reason: outcome.error, attempts: 0 };
        finish(observer, onGiveUp, 'circuitOpen', attempt - 1, outcome.error, now() - origin);
        break;
      }
      // A batch that failed as a whole (it threw, or timed out) failed for each item.
      const results = outcome.ok ? outcome.value : indices.map(() => ({ status: 'rejected', reason: outcome.error }));
      if (!Array.isArray(results) || results.length !== indices.length) {
        const got = Array.isArray(results) ? `${results.length} results` : describe(results);
        throw new TypeError(`retryBatch's function must resolve to an array with ${SETTLED}; got ${got} for ${indices.length} pending items`);
      }
      let failed = 0;
      let firstError;
      results.forEach((result, k) => {
        const index = indices[k];
        const status = readSafely(result, 'status');
        if (status === 'fulfilled') {
          outcomes[index] = { status, value: result.value, attempts: attempt };
          batch.succeeded(index);
          return;
        }
        if (status !== 'rejected') throw new TypeError(`retryBatch's function must resolve to ${SETTLED}; item ${k} is ${describe(result)}`);
        const { reason } = result;
        outcomes[index] = { status, reason, attempts: attempt };
        failed += 1;
        firstError ??= reason;
        // The wait its answer asked for (an HttpStatusError's, or any error's), NaN for none.
        const hint = readSafely(reason, 'retryAfter');
        batch.failed(index, classify(engine, reason, !outcome.ok && outcome.timedOut), typeof hint === 'number' ? hint : NaN);
      });
      const elapsed = now() - origin;
      observer?.emit('attempt', { attempt, duration: now() - begun, outcome: failed === 0 ? 'success' : 'failure', error: firstError, failed });
      // Cut off at the deadline: the attempt was made (the items keep its failure), and the call ends.
      if (outcome.atDeadline) {
        finish(observer, onGiveUp, 'deadline', attempt, firstError, elapsed);
        break;
      }
      let delay = bucket === undefined ? batch.decide(run, engine, attempt, elapsed) : batch.decideWithin(run, engine, bucket, attempt, elapsed);
      const errorClass = batch.retryClass();
      if (delay >= 0 && delay !== Infinity && shared !== undefined) {
        paid = await shared.acquire(errorClass);
        if (paid < 0) {
          paid = NaN;
          delay = stop('budget');
        }
      }
      if (delay === Infinity) {
        // Every item has succeeded or failed for good.
        if (outcomes.every((o) => o.status === 'fulfilled')) {
          if (bucket !== undefined) run.succeededWithin(bucket);
          else shared?.succeeded(paid);
          observer?.emit('success', { attempts: attempt, elapsed });
        } else {
          finish(observer, onGiveUp, 'notRetryable', attempt, firstError, elapsed);
        }
        break;
      }
      if (delay < 0) {
        finish(observer, onGiveUp, STOP_REASONS[-delay - 1], attempt, firstError, elapsed);
        break;
      }
      const event = { attempt, error: firstError, delay, elapsed, retriesLeft: maxAttempts - attempt, pending: batch.pendingCount() };
      observer?.emit('retry', { ...event, errorClass: errorClasses[errorClass] });
      // A broken listener (one that throws or rejects) must not break the batch.
      if (onRetry !== undefined) notify(onRetry, event, {});
      try {
        await sleep(delay, signal, unref);
      } catch (reason) {
        // Aborted while waiting: the retry paid for is not made.
        notMade();
        throw reason;
      }
    }
    return outcomes;
  } finally {
    run.free();
    batch.free();
    if (inline) engine.free();
  }
}

/** The batch stopped with items that failed: its `giveUp` event, and `onGiveUp` (whose error is reported, never the batch's). */
function finish(observer, onGiveUp, reason, attempts, error, elapsed) {
  const outcome = { reason, attempts, error, elapsed };
  observer?.emit('giveUp', outcome);
  if (onGiveUp === undefined) return;
  try {
    onGiveUp(outcome);
  } catch (listenerError) {
    reportListenerError(listenerError);
  }
}
