// jitterbug: retries with backoff and jitter, decided by a WebAssembly engine.
import { Policy } from './policy.js';
import { readOptions } from './options.js';
import { execute } from './retry.js';
import { isInstance } from './describe.js';

export { Policy, presets } from './policy.js';
export { RetryExhaustedError, AttemptTimeoutError } from './errors.js';
export { retryFetch, createFetch, HttpStatusError } from './fetch.js';
export { backoffKinds, jitterKinds } from './options.js';
export { RetryBudget } from './budget.js';
export { CircuitBreaker, CircuitOpenError } from './breaker.js';
export { deadlineFrom, toAwsRetryStrategy, toEnv, toStepFunctionsRetry } from './infra.js';

let defaultPlan;

/**
 * Calls `fn({ attempt, signal })` until it succeeds or the policy stops. `options` is a Policy
 * (then `call` may carry `signal`, `retryIf`, `onRetry`) or a plain options object.
 */
export function retry(fn, options, call) {
  if (isInstance(options, Policy)) return options.execute(fn, call);
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
