// The one way into the WebAssembly engine: each entry makes sure the module is compiled first
// (./init.js is init-sync.js or init-async.js, chosen per build).
export { ready } from './init.js';
import { ready } from './init.js';
import {
  EnginePolicy, checkOptions as check, nameError as unknownName, retriesMethod as methodRule,
  isStatus as statusBound, responseOutcome as outcomeRule, retryAfterMs as retryAfterRule,
} from './generated/glue.js';

/** `true` when the option slots make a valid policy (see src/bindings/policy.rs). */
export function checkOptions(present, s) {
  ready();
  return check(present, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10]);
}

/** The RangeError for an unknown backoff or jitter name. */
export function nameError(field, text) {
  ready();
  return unknownName(field, text);
}

/** A validated engine policy; throws the engine's TypeError or RangeError. */
export function newEnginePolicy(present, slots, retryOn, abortOn) {
  ready();
  const s = slots;
  return new EnginePolicy(present, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], retryOn, abortOn);
}

/** The ms a 429/503 response's `Retry-After` asks to wait; NaN for none. */
export function retryAfterMs(status, value, now) {
  ready();
  return retryAfterRule(status, value, now);
}

/** Whether `value` can be an HTTP status (the engine's bound: an integer from 100 to 599). */
export function isStatus(value) {
  ready();
  return typeof value === 'number' && statusBound(value);
}

/**
 * What a response with `status` means: RESPONSE_SUCCESS, RESPONSE_RETRYABLE or RESPONSE_FAILED
 * (a failure not retried). `statuses`: NUL-separated, or undefined for the default list.
 */
export function responseOutcome(status, statuses) {
  ready();
  return outcomeRule(status, statuses);
}

/** Whether a request may be sent again (`methods`: NUL-separated, or undefined for the default). */
export function retriesMethod(method, hasIdempotencyKey, methods) {
  ready();
  return methodRule(method, hasIdempotencyKey, methods);
}

export function engineFromEnv(prefix, values) {
  ready();
  if (typeof EnginePolicy.fromEnv !== 'function') {
    throw new TypeError('Policy.fromEnv is not in the browser build: browsers have no environment variables. Send the policy as JSON and use Policy.fromJSON');
  }
  return EnginePolicy.fromEnv(prefix, values);
}
