// The one way into the WebAssembly engine: each entry makes sure the module is compiled first
// (./init.js is init-sync.js or init-async.js, chosen per build).
export { ready } from './init.js';
import { ready } from './init.js';
import { fields, statusBounds } from './generated/tables.js';
import {
  EnginePolicy, retriesMethod as methodRule, policyProblem, policyProblemField, policyProblemValue,
  responseOutcome as outcomeRule, delayHintMs as delayHintRule,
} from './generated/glue.js';
import { policyError } from './engine-error.js';

/**
 * A seed for one call's schedule (or an unseeded breaker): a whole number below 2^53. Seeds
 * only keep clients that failed together from retrying together, so Math.random (seeded per
 * process by the JavaScript engine) serves, and the module needs no entropy source.
 */
export function freshSeed() {
  return Math.floor(Math.random() * 2 ** 53);
}

/** A validated engine policy; throws the engine's TypeError or RangeError. */
export function newEnginePolicy(present, slots, lists) {
  ready();
  const engine = EnginePolicy.build(present, slots, lists);
  if (engine === undefined) throw policyError(fields[policyProblemField()][0], policyProblem(), policyProblemValue());
  return engine;
}

/**
 * The ms a response asks to wait (its `delayHeaders`' `values`, NUL-separated; `statuses`:
 * those that carry a wait, NUL-separated, or undefined for 429 and 503); NaN for none.
 */
export function delayHintMs(status, values, now, statuses) {
  ready();
  return delayHintRule(status, values, now, statuses);
}

const [lowestStatus, highestStatus] = statusBounds;

/** Whether `value` can be an HTTP status: an integer within the engine's bounds (100 to 599). */
export function isStatus(value) {
  return Number.isInteger(value) && value >= lowestStatus && value <= highestStatus;
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
