// The retry loop. The first attempt runs on a path with no clock read, no timer and no
// WebAssembly call; the engine is consulted only once an attempt has failed.
import { freshSeed } from './engine.js';
import { ANSWERED, AttemptTimeoutError, RetryExhaustedError } from './errors.js';
import { reportListenerError } from './report.js';
import { MAX_ATTEMPTS, STOP_REASONS } from './options.js';
import { describe, isInstance, readSafely } from './describe.js';
import { Attempt, guardedAttempt, sleep, untilAborted } from './sleep.js';
import { budgetEngine, sharedBudget } from './budget.js';
import { placeRetry } from './slots.js';
import { admitAttempt, recordAttempt, releaseAttempt } from './breaker.js';
import { pace, recordResponse } from './adaptive.js';
import { hedgedAttempts, hedgingOf } from './hedge.js';
import { observe, observeFirst } from './events.js';
import { errorClasses } from './generated/tables.js';

/**
 * One attempt, through the breaker when there is one: refused at once with a CircuitOpenError
 * while it is open (`circuitOpen`: never retried), and its outcome reported to it after.
 * `signal`: the caller's, or undefined.
 */
export function attemptThrough(breaker, fn, attempt, signal, timeout, unref, left, observer) {
  if (!NODE || breaker === undefined) return guardedAttempt(fn, attempt, signal, timeout, unref, left);
  const refusal = admitAttempt(breaker, observer);
  if (refusal !== undefined) return Promise.resolve({ ok: false, error: refusal, timedOut: false, circuitOpen: true });
  return guardedAttempt(fn, attempt, signal, timeout, unref, left).then((outcome) => {
    // An attempt the caller aborted, or cut off at its deadline, says nothing about the
    // service, but frees its place.
    if (signal?.aborted || outcome.atDeadline) releaseAttempt(breaker, observer);
    else recordAttempt(breaker, outcome, observer);
    return outcome;
  });
}

/**
 * One attempt, through the breaker (attemptThrough), and its `attempt` event when someone
 * listens (`observer`). With a `rate` (an AdaptiveRate, Node builds) it first waits for a token.
 */
function observedAttempt(observer, breaker, fn, attempt, signal, timeout, unref, left, rate, hedge) {
  if (NODE && rate !== undefined) return pacedAttempt(rate, observer, breaker, fn, attempt, signal, timeout, unref, left, hedge);
  return heardAttempt(observer, breaker, fn, attempt, signal, timeout, unref, left, hedge);
}

/**
 * attemptThrough, and its `attempt` event (its duration the attempt's own) when someone listens;
 * `hedge`: whether the attempt is a hedge (Node builds).
 */
function heardAttempt(observer, breaker, fn, attempt, signal, timeout, unref, left, hedge) {
  if (observer === undefined) return attemptThrough(breaker, fn, attempt, signal, timeout, unref, left);
  const begun = now();
  return attemptThrough(breaker, fn, attempt, signal, timeout, unref, left, observer).then((outcome) => {
    // A refused attempt was not made; the call's `giveUp` event says why.
    if (!outcome.circuitOpen) {
      const result = outcome.ok ? 'success' : outcome.timedOut ? 'timeout' : signal?.aborted ? 'aborted' : 'failure';
      observer.emit('attempt', { attempt, duration: now() - begun, outcome: result, error: outcome.error, ...observer.about(outcome),
        ...(NODE && hedge && { hedge }) });
    }
    return outcome;
  });
}

/**
 * heardAttempt once `rate` lets the attempt go: the wait counts against the deadline, an abort
 * ends it (either way the outcome says `notMade`). A success is a response the rate hears (as
 * no error class); a failure is heard where the retry loop classifies it.
 */
async function pacedAttempt(rate, observer, breaker, fn, attempt, signal, timeout, unref, left, hedge) {
  const waited = Date.now();
  try {
    // A wait past the deadline is not begun: the call ends there, as an attempt cut off would.
    if (!await pace(rate, signal, unref, left)) {
      return { ok: false, error: new AttemptTimeoutError(attempt, Math.max(left, 0), true), timedOut: true, atDeadline: true, notMade: true };
    }
  } catch (reason) {
    return { ok: false, error: reason, timedOut: false, notMade: true };
  }
  const remaining = left === undefined ? undefined : left - (Date.now() - waited);
  const outcome = await heardAttempt(observer, breaker, fn, attempt, signal, timeout, unref, remaining, hedge);
  if (outcome.ok) recordResponse(rate, -1);
  return outcome;
}

const now = () => performance.now();
/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

/**
 * Calls `fn` under `plan` (see options.js). `call` holds per-call `signal`, `retryIf` and
 * `onRetry`, or is undefined.
 */
export function execute(plan, fn, call) {
  if (typeof fn !== 'function') throw new TypeError(`Expected \`fn\` to be a function, got ${describe(fn)}`);
  const retryOnResult = call?.retryOnResult ?? plan.retryOnResult;
  if (retryOnResult !== undefined) fn = untilAccepted(fn, retryOnResult);
  if (NODE && (plan.fleet !== undefined || call?.fleet !== undefined)) return coordinated(plan, fn, call);
  return executeOnce(plan, fn, call);
}

/** What an attempt fails with when `retryOnResult` asks for another attempt: `value` is its result. */
class RetryableResultError extends Error {
  constructor(value) {
    super('retryOnResult asked for another attempt');
    this.name = 'RetryableResultError';
    this.value = value;
    // Retried because the caller asked: `retryOn` (error names) does not apply, `abortOn` does.
    this[DECIDED] = true;
    if (NODE) this[ANSWERED] = true; // (breakers are Node-only)
  }
}

/**
 * What an attempt fails with when `retryOnResult` throws (never seen outside this module): the
 * call ends with `cause`, unretried, and a breaker counts the service's answer as a success.
 */
class ResultCheckError {
  constructor(cause) {
    this.cause = cause;
    if (NODE) this[ANSWERED] = true;
  }
}

/** `fn`, whose results that `retryOnResult` wants retried fail the attempt. */
function untilAccepted(fn, retryOnResult) {
  return (context) => Promise.resolve(fn(context)).then(async (value) => {
    let again;
    try {
      again = await retryOnResult(value, { attempt: context.attempt });
    } catch (error) {
      throw new ResultCheckError(error);
    }
    if (again) throw new RetryableResultError(value);
    return value;
  });
}

/** A fleet option, the call's over the plan's. */
const fleetOf = (plan, call, name) => call?.fleet?.[name] ?? plan.fleet?.[name];

/** A call with retry slots or an idempotency key (Node builds). */
function coordinated(plan, fn, call) {
  if (fleetOf(plan, call, 'retrySlots') !== undefined && plan.slotWidth === undefined) {
    throw new TypeError('`slots` needs a policy with `slotWidth` (the width of a retry slot, in ms), and optionally `slotCount`');
  }
  const key = fleetOf(plan, call, 'idempotencyKey');
  if (key === undefined) return executeOnce(plan, fn, call);
  // The whole retried call, run at most once for `key` across the fleet.
  const idempotency = fleetOf(plan, call, 'idempotency');
  if (idempotency === undefined) {
    throw new TypeError('`idempotencyKey` needs `idempotency` (an Idempotency, with the store that remembers the keys)');
  }
  return idempotency.run(key, () => executeOnce(plan, fn, call));
}

function executeOnce(plan, fn, call) {
  const signal = call?.signal ?? plan.signal;
  // The clock is read up front only when a deadline needs it; otherwise elapsed time counts
  // from the first failure (a clock read would cost as much as the rest of a successful call).
  const started = plan.maxElapsed === undefined ? undefined : now();
  // A shared budget presumes every call succeeds at its first attempt (see budget.js): the
  // success path then costs one counter, and a first failure takes it back in recover().
  const budget = NODE ? call?.budget ?? plan.budget : undefined;
  const shared = !NODE || budget === undefined ? undefined : sharedBudget(budget);
  if (NODE && shared !== undefined) shared.presume();
  const observer = observeFirst(plan, call);
  // The bare path: no signal, timer, breaker or listener to attend to (`guarded` is set once,
  // when the plan is read). Slots matter only after a failure.
  if (signal === undefined && !plan.guarded && !call?.guarded && observer === undefined) {
    let result;
    try {
      result = fn(new Attempt(1));
    } catch (error) {
      return recover(plan, fn, call, undefined, started, error, false);
    }
    const fail = (error) => recover(plan, fn, call, undefined, started, error, false);
    if (!NODE || budget === undefined || shared !== undefined) return Promise.resolve(result).then(undefined, fail);
    return Promise.resolve(result).then((value) => {
      // A local budget: a success at the first attempt refills it by its no-retry increment.
      budgetEngine(budget).recordSuccess();
      return value;
    }, fail);
  }
  return guardedStart(plan, fn, call, signal, started ?? (observer && now()), budget, shared, observer);
}

/** The engine's code for stopping with `reason` (a decision below 0). */
export const stop = (reason) => -STOP_REASONS.indexOf(reason) - 1;

/**
 * The call stops for `reason` after `attempts` attempts, the last failing with `error`:
 * `onGiveUp` hears it (an error it throws is reported, never the call's), and the call rejects
 * with what this returns: the error itself when it may not be retried or the circuit is open,
 * else a RetryExhaustedError.
 */
function giveUp(plan, call, reason, attempts, error, elapsed, log, observer) {
  const outcome = { reason, attempts, error, elapsed };
  observer?.emit('giveUp', outcome);
  const onGiveUp = call?.onGiveUp ?? plan.onGiveUp;
  if (onGiveUp !== undefined) {
    try {
      onGiveUp(outcome);
    } catch (listenerError) {
      reportListenerError(listenerError);
    }
  }
  if (reason === 'notRetryable' || reason === 'circuitOpen') return error;
  log.push({ attempt: attempts, error, delay: undefined, elapsed });
  return new RetryExhaustedError(reason, attempts, elapsed, error, log);
}

function guardedStart(plan, fn, call, signal, started, budget, shared, observer) {
  const breaker = NODE ? call?.breaker ?? plan.breaker : undefined;
  const rate = NODE ? fleetOf(plan, call, 'rate') : undefined;
  let hedge;
  if (NODE && plan.hedged) {
    hedge = hedgingFor(plan, budget);
    // Every hedge emits a `hedge` event, and says how long the call has run.
    observer ??= observe(plan, call);
    started ??= now();
  }
  const first = NODE && hedge !== undefined ? hedgedAttempt(plan, fn, call, signal, observer, hedge, started, 1)
    : observedAttempt(observer, breaker, fn, 1, signal, plan.attemptTimeout, call?.unref ?? plan.unref, plan.maxElapsed, rate);
  const ended = first.then((outcome) => {
    // With hedges, `last` is the number of the last attempt started.
    const attempts = NODE && hedge !== undefined ? outcome.last : 1;
    if (outcome.circuitOpen || outcome.atDeadline) {
      shared?.unpresume();
      throw outcome.circuitOpen ? giveUp(plan, call, 'circuitOpen', 0, outcome.error, 0, [], observer)
        : giveUp(plan, call, 'deadline', attempts, outcome.error, now() - started, [], observer);
    }
    if (!outcome.ok) return recover(plan, fn, call, signal, started, outcome.error, outcome.timedOut, observer, hedge, attempts);
    if (NODE && budget !== undefined && shared === undefined) budgetEngine(budget).recordSuccess();
    observer?.emit('success', { attempts, elapsed: now() - started });
    return outcome.value;
  });
  // The hedging state lives as long as the call (its retries included), and no longer.
  return NODE && hedge !== undefined ? ended.finally(() => hedge.hedging.free()) : ended;
}

/** The hedging state of a call under `plan`, whose policy hedges (Node builds; see hedge.js). */
function hedgingFor(plan, budget) {
  const inline = plan.engine === undefined;
  const engine = inline ? plan.makeEngine() : plan.engine;
  const hedge = hedgingOf(engine, budget);
  hedge.maxAttempts = engine.slot(MAX_ATTEMPTS);
  if (inline) engine.free();
  return hedge;
}

/**
 * Attempt `first` of a hedged call and the hedges it starts (see hedge.js). Every hedge emits a
 * `hedge` event and tells `onRetry`, with `hedge: true`.
 */
function hedgedAttempt(plan, fn, call, signal, observer, hedge, origin, first) {
  const breaker = call?.breaker ?? plan.breaker;
  const rate = fleetOf(plan, call, 'rate');
  const unref = call?.unref ?? plan.unref;
  const onRetry = call?.onRetry ?? plan.onRetry;
  const start = (attempt, attemptSignal, isHedge) => observedAttempt(observer, breaker, fn, attempt, attemptSignal,
    plan.attemptTimeout, unref, plan.maxElapsed === undefined ? undefined : plan.maxElapsed - (now() - origin), rate, isHedge);
  const onHedge = (attempt) => {
    const elapsed = now() - origin;
    observer?.emit('hedge', { attempt, elapsed, retriesLeft: hedge.maxAttempts - attempt });
    // As for a retry, `attempt` in onRetry's event is the attempts made so far: the next starts now.
    if (onRetry !== undefined) notify(onRetry, { attempt: attempt - 1, hedge: true, delay: 0, elapsed, retriesLeft: hedge.maxAttempts - attempt + 1 }, {});
  };
  return hedgedAttempts(hedge, first, hedge.maxAttempts, signal, unref, start, onHedge, call);
}

const text = (value) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

// How far down an error's `cause` chain its codes are looked for (a chain may loop).
const CAUSE_DEPTH = 8;

/**
 * The name, code and class name of the error and of each of its causes (fetch reports a reset
 * connection as `TypeError: fetch failed` with the socket's code on `cause`), NUL-separated,
 * for the engine's classification. A property that cannot be read (a getter that throws, a
 * revoked Proxy) counts as absent.
 */
export function identifiers(error) {
  const ids = [];
  for (let depth = 0; depth < CAUSE_DEPTH; depth++) {
    if (error === null || (typeof error !== 'object' && typeof error !== 'function')) break;
    const constructor = readSafely(error, 'constructor');
    ids.push(text(readSafely(error, 'name')), text(readSafely(error, 'code')),
      typeof constructor === 'function' ? text(readSafely(constructor, 'name')) : '');
    error = readSafely(error, 'cause');
  }
  return ids.join('\0');
}

// What fetch rejects with when the network fails: Node (undici), Chromium, Firefox, Safari,
// and the fetch of React Native and of polyfills. All are TypeErrors, as are fetch's
// refusals of a bad URL or header, which are bugs.
const FETCH_FAILURES = ['fetch failed', 'Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed',
  'Network request failed'];

/**
 * Whether `error` is a bug in the calling code rather than a fault worth another attempt: a
 * TypeError or ReferenceError, unless it is fetch's own network failure (by its message, or a
 * system or socket code on its cause, as undici's `terminated` for a body cut off mid-read;
 * Node's own `ERR_` codes, such as a bad URL's, are bugs).
 */
export function isBug(error) {
  const name = readSafely(error, 'name');
  if (name !== 'TypeError' && name !== 'ReferenceError') return false;
  const code = readSafely(readSafely(error, 'cause'), 'code');
  return !FETCH_FAILURES.includes(readSafely(error, 'message')) && !(typeof code === 'string' && !code.startsWith('ERR_'));
}

/** The engine's class code for `error` under `engine` (-1: not retried); `timedOut`: the attempt timed out. */
export function classify(engine, error, timedOut) {
  return engine.classify(identifiers(error), timedOut, readSafely(error, DECIDED) === true, isBug(error));
}

/**
 * Set on an error whose retry another rule has decided (a response, by its status): the
 * policy's `abortOn` still applies to it, its `retryOn` (error names and codes) does not.
 */
export const DECIDED = Symbol('jitterbug.decided');

/** Tells `onRetry` of `event`; an error it throws or rejects with is kept as `entry.onRetryError`, never the call's. */
export function notify(onRetry, event, entry) {
  try {
    const returned = onRetry(event);
    if (returned && typeof returned.then === 'function') {
      returned.then(undefined, (error) => { entry.onRetryError = error; });
    }
  } catch (error) {
    // A broken listener must not break the retry; its error is kept in the attempt log.
    entry.onRetryError = error;
  }
}

/** Everything after the first failure: ask the engine, sleep, try again. */
async function recover(plan, fn, call, signal, started, firstError, firstTimedOut, observer = observe(plan, call), hedge,
  attempts = 1) {
  const budget = NODE ? call?.budget ?? plan.budget : undefined;
  const shared = !NODE || budget === undefined ? undefined : sharedBudget(budget);
  // This call did not succeed at its first attempt after all (see executeOnce).
  if (NODE) shared?.unpresume();
  if (signal?.aborted) throw signal.reason;
  const inline = plan.engine === undefined;
  const engine = inline ? plan.makeEngine() : plan.engine;
  const run = engine.start(freshSeed());
  // The local bucket the engine pays from; a shared bucket is paid in its store, below.
  const bucket = !NODE || budget === undefined || shared !== undefined ? undefined : budgetEngine(budget);
  const retrySlots = NODE ? fleetOf(plan, call, 'retrySlots') : undefined;
  // What the last retry cost a shared bucket (NaN: none yet).
  let paid = NaN;
  const notMade = () => {
    if (NODE && bucket !== undefined) run.retryNotMade(bucket);
    else if (NODE && shared !== undefined && !Number.isNaN(paid)) shared.giveBack(paid);
    paid = NaN;
  };
  const rate = NODE ? fleetOf(plan, call, 'rate') : undefined;
  const retryIf = call?.retryIf ?? plan.retryIf;
  const onRetry = call?.onRetry ?? plan.onRetry;
  const maxAttempts = engine.slot(MAX_ATTEMPTS);
  const unref = call?.unref ?? plan.unref;
  const origin = started ?? now();
  const log = [];
  let attempt = attempts;
  let error = firstError;
  let timedOut = firstTimedOut;
  try {
    for (;;) {
      // A broken retryOnResult ends the call with its error, as a broken retryIf does.
      if (isInstance(error, ResultCheckError)) throw error.cause;
      let elapsed = now() - origin;
      // -1: not retryable; else the error's class (its first delay and its price).
      let errorClass = classify(engine, error, timedOut);
      // A failed attempt is a response too: the rate slows down for a throttling one.
      if (NODE && rate !== undefined) recordResponse(rate, errorClass);
      if (errorClass >= 0 && retryIf !== undefined) {
        // Abort ends the call at once, even while an async retryIf is pending.
        if (!await untilAborted(retryIf(error, { attempt, elapsed, retriesLeft: maxAttempts - attempt }), signal)) errorClass = -1;
        elapsed = now() - origin;
      }
      // The wait a server asked for, in ms: an HttpStatusError's, or any error's (an SDK's).
      const hint = readSafely(error, 'retryAfter');
      const retryAfter = typeof hint === 'number' ? hint : NaN;
      // A backoff function is asked only when a retry may follow.
      const base = errorClass >= 0 && attempt < maxAttempts ? plan.chosenBase(attempt, error) : NaN;
      let delay = !NODE || bucket === undefined
        ? run.decide(engine, attempt, errorClass, elapsed, retryAfter, base)
        : run.decideWithin(engine, bucket, attempt, errorClass, elapsed, retryAfter, base);
      if (NODE && delay >= 0 && shared !== undefined) {
        paid = await shared.acquire(errorClass);
        if (paid < 0) {
          paid = NaN;
          delay = stop('budget');
        }
      }
      let slot;
      if (NODE && delay >= 0 && retrySlots !== undefined) {
        const room = plan.maxElapsed === undefined ? NaN : plan.maxElapsed - elapsed;
        const placed = await placeRetry(retrySlots, engine, delay, room, plan.slotWidth);
        if (placed === undefined) notMade();
        delay = placed === undefined ? stop('slots') : placed.delay;
        slot = placed?.slot;
      }
      if (delay < 0) {
        const reason = STOP_REASONS[-delay - 1];
        if (NODE && reason === 'budget') observer?.emit('budgetRefused', { attempt, error, errorClass: errorClasses[errorClass] });
        // An error the policy does not retry propagates unchanged.
        throw giveUp(plan, call, reason, attempt, error, elapsed, log, observer);
      }
      const entry = { attempt, error, delay, elapsed };
      log.push(entry);
      const event = { attempt, error, delay, elapsed, retriesLeft: maxAttempts - attempt };
      if (NODE && slot !== undefined) event.slot = slot;
      observer?.emit('retry', { ...event, errorClass: errorClasses[errorClass] });
      if (onRetry !== undefined) notify(onRetry, event, entry);
      try {
        await sleep(delay, signal, unref);
      } catch (reason) {
        // Aborted while waiting: the retry paid for is not made.
        notMade();
        throw reason;
      }
      attempt += 1;
      const left = plan.maxElapsed === undefined ? undefined : plan.maxElapsed - (now() - origin);
      const outcome = NODE && hedge !== undefined ? await hedgedAttempt(plan, fn, call, signal, observer, hedge, origin, attempt)
        : await observedAttempt(observer, NODE ? call?.breaker ?? plan.breaker : undefined, fn, attempt, signal, plan.attemptTimeout, unref, left,
          NODE ? rate : undefined);
      if (NODE && hedge !== undefined) attempt = outcome.last;
      // A wait for a token that was aborted or refused at the deadline: the retry paid for never went.
      if (NODE && outcome.notMade) notMade();
      if (outcome.atDeadline) throw giveUp(plan, call, 'deadline', attempt, outcome.error, now() - origin, log, observer);
      // An open circuit fails fast: the call ends with the CircuitOpenError, no retry, and the
      // budget gets back what the refused retry cost.
      if (outcome.circuitOpen) {
        notMade();
        throw giveUp(plan, call, 'circuitOpen', attempt - 1, outcome.error, now() - origin, log, observer);
      }
      if (outcome.ok) {
        if (NODE && bucket !== undefined) run.succeededWithin(bucket);
        else if (NODE) shared?.succeeded(paid);
        observer?.emit('success', { attempts: attempt, elapsed: now() - origin });
        return outcome.value;
      }
      if (signal?.aborted) throw signal.reason;
      error = outcome.error;
      timedOut = outcome.timedOut;
    }
  } finally {
    run.free();
    if (inline) engine.free();
  }
}
