// jitterbug: retries with backoff and jitter, decided by a WebAssembly engine.
/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)
import { Policy, planIfPolicy } from './policy.js';
import { readCallOptions, readOptions } from './options.js';
import { execute } from './retry.js';
import { isInstance } from './describe.js';
import { AttemptTimeoutError, RetryExhaustedError } from './errors.js';
import { HttpStatusError } from './fetch.js';
import { RetryBudget } from './budget.js';
import { CircuitBreaker, CircuitOpenError } from './breaker.js';
import { CoordinationError, MemoryStore } from './store.js';
import { RetrySlots } from './slots.js';
import { Idempotency, IdempotencyError } from './idempotency.js';
import { AdaptiveRate } from './adaptive.js';

export { Policy, presets } from './policy.js';
export { AttemptTimeoutError, CircuitBreaker, CircuitOpenError, HttpStatusError, RetryBudget, RetryExhaustedError };
export { AdaptiveRate, CoordinationError, Idempotency, IdempotencyError, MemoryStore, RetrySlots };
export { retryFetch, createFetch, retryOutcome } from './fetch.js';
export { backoffKinds, jitterKinds } from './options.js';
export { EVENT_TYPES as eventTypes, subscribe } from './events.js';

// The build minifies class names; every exported class gets its own back, so that logs print
// `RetryExhaustedError` and `abortOn: ['AttemptTimeoutError']` matches by class name. (Cheaper
// than esbuild's keepNames, which names every function in the bundle.)
// (The browser build's stand-ins for the Node-only classes are named where they are made.)
const exported = { AttemptTimeoutError, HttpStatusError, Policy, RetryExhaustedError,
  ...(NODE ? { AdaptiveRate, CircuitBreaker, CircuitOpenError, CoordinationError, Idempotency, IdempotencyError, MemoryStore, RetryBudget, RetrySlots } : {}) };
for (const name in exported) Object.defineProperty(exported[name], 'name', { value: name });
export { deadlineFrom, toAwsRetryStrategy, toEnv, toStepFunctionsRetry } from './infra.js';

let defaultPlan;

/**
 * Calls `fn({ attempt, signal })` until it succeeds or the policy stops. `options` is a Policy
 * (then `call` may carry `signal`, `retryIf`, `onRetry`) or a plain options object.
 */
export function retry(fn, options, call) {
  const policyPlan = planIfPolicy(options);
  if (policyPlan !== undefined) return execute(policyPlan, fn, call === undefined ? undefined : readCallOptions(call));
  if (call !== undefined) {
    throw new TypeError('A third argument to retry() is only read with a Policy; put `signal`, `retryIf` and `onRetry` in the options object');
  }
  const plan = options === undefined ? (defaultPlan ??= readOptions({}, true)) : readOptions(options, true);
  return execute(plan, fn, undefined);
}

/** A decorator: `withRetry(options)(fn)` is `fn` with the same arguments, retried. */
export function withRetry(options) {
  const policy = isInstance(options, Policy) ? options : new Policy(options);
  return (fn) => policy.wrap(fn);
}
