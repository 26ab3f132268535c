// retryFetch and createFetch: fetch's contract, retried. Which statuses and methods may be
// retried, and what a Retry-After asks for, the engine decides.
import { delayHintMs, isStatus, responseOutcome, retriesMethod } from './engine.js';
import { delayHeaders, responseOutcomes } from './generated/tables.js';
import { RetryExhaustedError } from './errors.js';
import { RETRY_OPTION_NAMES, readOptions, typeError } from './options.js';
import { Policy, planOf } from './policy.js';
import { DECIDED, execute } from './retry.js';
import { describe, isInstance } from './describe.js';
import { reportListenerError } from './report.js';

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

let statusRetryable;
let isHttpStatusError;
const SUCCESS = responseOutcomes.indexOf('success');
const RETRYABLE = responseOutcomes.indexOf('retryable');

/**
 * A failing response (a retryable status, or a server error), as the retry loop and a breaker
 * see it (`onRetry`, `retryIf`); retryFetch still resolves with the response itself.
 */
export class HttpStatusError extends Error {
  /** Whether the status is one the call retries (a server error not in the list is not). */
  #retryable;

  static {
    statusRetryable = (error) => error.#retryable;
    // A brand check: no trap of a Proxy (revoked or not) runs, so a hostile value cannot throw.
    isHttpStatusError = (value) => typeof value === 'object' && value !== null && #retryable in value;
  }

  constructor(response, retryAfter, retryable = true) {
    super(`${response.status} ${response.statusText}`.trim());
    this.name = 'HttpStatusError';
    // retryOn / abortOn can name a status, e.g. abortOn: ['503'].
    this.code = String(response.status);
    this.status = response.status;
    this.response = response;
    /** The wait the response's Retry-After asked for, in ms (undefined for none). */
    this.retryAfter = Number.isNaN(retryAfter) ? undefined : retryAfter;
    // Whether it is retried is its status's question (see retryIf in send()), not retryOn's.
    this[DECIDED] = true;
    this.#retryable = retryable;
  }
}

/** A failing response no one will read: its body is cancelled, to free the connection. */
function discard(error) {
  if (isHttpStatusError(error)) error.response.body?.cancel().catch(() => {});
}

function readList(name, value, isItem, expected) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isItem)) throw typeError(name, expected, value);
  return value.join('\0');
}

let defaultSetup;
const STATUSES = 'an array of HTTP statuses (integers from 100 to 599)';

/** Splits fetch options into the retry plan and the HTTP rules; validated once per call site. */
function readFetchOptions(options) {
  // (Absent rules are the defaults: `statuses`, `methods` and the rest undefined.)
  if (options === undefined) return (defaultSetup ??= { plan: readOptions({}, true) });
  if (isInstance(options, Policy)) return { plan: planOf(options) };
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`Expected fetch options to be an object or a Policy, got ${describe(options)}`);
  }
  const { retryOnStatus, retryAfterOn, retryMethods, onGiveUp, ...retryOptions } = options;
  if (onGiveUp !== undefined && typeof onGiveUp !== 'function') throw typeError('onGiveUp', 'a function', onGiveUp);
  // Fleet coordination: the browser build leaves `idempotencyKey` to readOptions, which
  // refuses it as unknown.
  const makeKey = NODE ? readKeyMaker(retryOptions.idempotencyKey) : undefined;
  if (NODE) delete retryOptions.idempotencyKey;
  return {
    onGiveUp,
    ...(NODE && { makeKey }),
    statuses: readList('retryOnStatus', retryOnStatus, isStatus, STATUSES),
    waitStatuses: readList('retryAfterOn', retryAfterOn, isStatus, STATUSES),
    methods: readList('retryMethods', retryMethods, (m) => typeof m === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m),
      'an array of HTTP method names'),
    plan: readOptions(retryOptions, true),
  };
}

/** How a call's Idempotency-Key is made, from the `idempotencyKey` option (or undefined). */
function readKeyMaker(idempotencyKey) {
  if (idempotencyKey === undefined || typeof idempotencyKey === 'function') return idempotencyKey;
  if (idempotencyKey === true) return () => globalThis.crypto.randomUUID();
  if (typeof idempotencyKey !== 'string' || idempotencyKey === '') {
    throw typeError('idempotencyKey', 'true (a random key per call), a function that returns the key of a call, or a non-empty string', idempotencyKey);
  }
  return () => idempotencyKey;
}

function isReadableStream(body) {
  return typeof ReadableStream === 'function' && body instanceof ReadableStream;
}

// Options a retry reads and fetch does not (`signal` both do; `idempotencyKey` is in the set).
const RETRY_ONLY = new Set([...RETRY_OPTION_NAMES, 'retryOnStatus', 'retryAfterOn', 'retryMethods', 'onGiveUp']);

function send(setup, fetchImpl, input, init = {}) {
  if (init === null || typeof init !== 'object') throw typeError('init', 'an object (fetch options)', init);
  // fetch ignores what it does not know: a retry option here would silently do nothing.
  for (const key in init) {
    if (RETRY_ONLY.has(key)) {
      throw new TypeError(`\`${key}\` is a retry option, not fetch's: pass it third, retryFetch(input, init, { ${key} })`);
    }
  }
  // A stream can be read once: such a request is sent once and never retried.
  if (isReadableStream(init.body)) return fetchImpl(input, init);
  const request = typeof Request === 'function' && input instanceof Request ? input : undefined;
  const method = String(init.method ?? request?.method ?? 'GET');
  const headers = new Headers(init.headers ?? request?.headers);
  // One key for the whole call: every attempt carries the same Idempotency-Key, so the server
  // can tell a retry from a new request (and a POST may be retried).
  if (NODE && setup.makeKey !== undefined && !headers.has('idempotency-key')) {
    const key = setup.makeKey(input, init);
    if (typeof key !== 'string' || key === '') throw typeError('idempotencyKey()', 'a function that returns a non-empty string', key);
    headers.set('idempotency-key', key);
    init = { ...init, headers };
  }
  let methodMayRetry; // asked of the engine at the first failure, not before
  const mayRetry = () => (methodMayRetry ??= retriesMethod(method, headers.has('idempotency-key'), setup.methods));
  const { plan, statuses, waitStatuses } = setup;
  const userRetryIf = plan.retryIf;
  const userOnRetry = plan.onRetry;

  let attempts = 0;
  const attempt = async ({ signal }) => {
    attempts += 1;
    // A Request's body is a stream: each attempt sends a clone and keeps the original whole.
    const target = request?.body ? request.clone() : input;
    const response = await fetchImpl(target, { ...init, signal });
    if (response.ok) return response;
    const outcome = responseOutcome(response.status, statuses);
    if (outcome === SUCCESS) return response;
    // A failing response is thrown so that the breaker counts it; whether it is retried is
    // decided in retryIf below, and the call still resolves with the response.
    const asked = delayHeaders.map((name) => response.headers.get(name) ?? '').join('\0');
    throw new HttpStatusError(response, delayHintMs(response.status, asked, Date.now(), waitStatuses), outcome === RETRYABLE);
  };
  const call = {
    signal: init.signal ?? plan.signal,
    // A request that may not be sent twice is never retried, whatever failed; a response only
    // when its status is in the retried list.
    retryIf: (error, info) => mayRetry() && (!isHttpStatusError(error) || statusRetryable(error))
      && (userRetryIf === undefined || userRetryIf(error, info)),
    onRetry: (event) => {
      // The response being retried past is discarded: cancel its body to free the connection.
      discard(event.error);
      // Returned, so that the retry loop keeps a rejection as the attempt's onRetryError.
      return userOnRetry?.(event);
    },
  };
  if (NODE) {
    // What the attempt events of this call say of it (see events.js).
    call.request = { method, url: String(request?.url ?? input) };
    call.budget = plan.budget;
    call.breaker = plan.breaker;
    // Hedging sends a request twice too: only one that may be retried. A failing response
    // that another attempt's outcome replaced is discarded as a retried one is.
    if (plan.hedged) {
      call.mayHedge = mayRetry;
      call.discard = discard;
    }
  }
  return execute(plan, attempt, call).catch((error) => {
    // fetch's contract: a response is a result, whatever its status; the last one is returned
    // when the retries for it run out or the policy will not retry it, and retryOutcome() and
    // onGiveUp say why.
    if (isHttpStatusError(error)) return gaveUp(setup, error.response, { attempts, reason: 'notRetryable' });
    if (isInstance(error, RetryExhaustedError) && isHttpStatusError(error.cause)) {
      return gaveUp(setup, error.cause.response, { attempts: error.attempts, reason: error.reason, elapsed: error.elapsed });
    }
    throw error;
  });
}

const outcomes = new WeakMap();

function gaveUp(setup, response, outcome) {
  outcomes.set(response, outcome);
  if (setup.onGiveUp !== undefined) {
    try {
      setup.onGiveUp({ ...outcome, response });
    } catch (listenerError) {
      reportListenerError(listenerError);
    }
  }
  return response;
}

/**
 * Why retryFetch resolved with this (failing) response: `{ attempts, reason }` (and `elapsed`
 * when retries ran out), `reason` as a RetryExhaustedError's or 'notRetryable'; undefined for
 * a response it did not give up on.
 */
export function retryOutcome(response) {
  return outcomes.get(response);
}

/**
 * `fetch(input, init)`, retried: network failures and the statuses in `retryOnStatus`, for
 * idempotent methods or requests with an `Idempotency-Key`, honouring a capped `Retry-After`.
 */
export function retryFetch(input, init, options) {
  return send(readFetchOptions(options), globalThis.fetch, input, init);
}

/** A function with fetch's signature that retries under `options` (validated once, here). */
export function createFetch(options, fetchImpl = globalThis.fetch) {
  if (typeof fetchImpl !== 'function') throw typeError('fetchImpl', 'a function like fetch', fetchImpl);
  const setup = readFetchOptions(options);
  return function fetchWithRetry(input, init) {
    return send(setup, fetchImpl, input, init);
  };
}
