// CircuitBreaker: after repeated failures calls fail fast for a while, then probes find out
// whether the service is back. The state machine is the engine's (src/engine/breaker.rs);
// this class converts types and reports transitions.
import { newEngineBreaker } from './engine-overload.js';
import { breakerBuckets, breakerFields } from './generated/tables.js';
import { describe, readSafely, typeError } from './describe.js';
import { ANSWERED } from './errors.js';
import { readNumberOptions } from './number-options.js';
import { reportListenerError } from './report.js';
import { publish } from './events.js';

/** A call failed fast because the circuit is open; `retryAfter` is the ms until a probe is let through. */
export class CircuitOpenError extends Error {
  constructor(retryAfter) {
    super(`Circuit open: calls fail fast for ${Math.ceil(retryAfter)} ms more`);
    this.name = 'CircuitOpenError';
    this.retryAfter = retryAfter;
  }
}

/** For the retry loop: admits an attempt, or returns the CircuitOpenError it fails with. */
export let admitAttempt;
/** For the retry loop: reports an admitted attempt's outcome. */
export let recordAttempt;
/** For the retry loop: an admitted attempt ended without a verdict (its caller aborted it). */
export let releaseAttempt;

export class CircuitBreaker {
  #engine;
  #onStateChange;
  #isFailure;

  static {
    // `observer`: the events of the call that moves the breaker (see events.js), or undefined.
    admitAttempt = (breaker, observer) => {
      const retryAfter = breaker.#engine.admit(Date.now());
      breaker.#report(observer);
      return retryAfter < 0 ? undefined : new CircuitOpenError(retryAfter);
    };
    recordAttempt = (breaker, outcome, observer) => {
      breaker.#engine.record(Date.now(), outcome.ok || !breaker.#counts(outcome.error));
      breaker.#report(observer);
    };
    releaseAttempt = (breaker, observer) => {
      breaker.#engine.release(Date.now());
      breaker.#report(observer);
    };
  }

  /**
   * @param {object} [options] see index.d.ts; `onStateChange({ from, to, reason })` is called on
   *   every transition; `isFailure(error)` says whether a failed attempt counts against the service.
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`Expected breaker options to be an object, got ${describe(options)}`);
    }
    const { onStateChange, isFailure, ...rest } = options;
    for (const [name, value] of [['onStateChange', onStateChange], ['isFailure', isFailure]]) {
      if (value !== undefined && typeof value !== 'function') throw typeError(name, 'a function', value);
    }
    this.#engine = newEngineBreaker(readNumberOptions('breaker', rest, breakerFields));
    this.#onStateChange = onStateChange;
    this.#isFailure = isFailure;
  }

  /**
   * Whether a failed attempt's `error` counts as a failure of the service (by default, every
   * one does). One that does not (a 404, a validation error: the service answered) counts as a
   * success. A filter that throws is reported, and the attempt counts as a failure.
   */
  #counts(error) {
    if (readSafely(error, ANSWERED) === true) return false;
    if (this.#isFailure === undefined) return true;
    try {
      return Boolean(this.#isFailure(error));
    } catch (listenerError) {
      reportListenerError(listenerError);
      return true;
    }
  }

  /** `'closed' | 'open' | 'half-open'` (an open breaker whose delay has passed reads half-open). */
  get state() {
    return this.#engine.stateAt(Date.now());
  }

  #report(observer) {
    const change = this.#engine.takeTransition();
    if (change === undefined) return;
    // The event names the call that moved the breaker; without a listening call, the channel hears it alone.
    if (observer !== undefined) observer.emit('breaker', change);
    else publish('breaker', change);
    if (this.#onStateChange === undefined) return;
    try {
      this.#onStateChange(change);
    } catch (error) {
      // The transition has happened; a broken listener must not change the call's outcome.
      reportListenerError(error);
    }
  }

  /** Settings and state as plain data (to keep a Lambda container's breaker warm). */
  snapshot() {
    return this.#engine.snapshot();
  }

  /** A breaker in the state `snapshot` recorded; `onStateChange` and `isFailure` are not part of a snapshot. */
  static restore(snapshot, { onStateChange, isFailure } = {}) {
    if (snapshot === null || typeof snapshot !== 'object' || !Array.isArray(snapshot.window)) {
      throw new TypeError(`Expected what breaker.snapshot() returned, got ${describe(snapshot)}`);
    }
    const { state, consecutiveFailures, openUntil, trips, window } = snapshot;
    const isBucket = (b) => Array.isArray(b) && b.length === 3 && b.every((n) => typeof n === 'number');
    if (window.length !== breakerBuckets || !window.every(isBucket)) {
      throw new RangeError(`\`snapshot.window\` must be ${breakerBuckets} buckets of [index, calls, failures], got ${describe(window)}`);
    }
    for (const [name, value] of [['state', state], ['consecutiveFailures', consecutiveFailures], ['openUntil', openUntil], ['trips', trips]]) {
      if (typeof value !== (name === 'state' ? 'string' : 'number')) throw typeError(`snapshot.${name}`, `a ${name === 'state' ? 'string' : 'number'}`, value);
    }
    const breaker = new CircuitBreaker({ ...snapshot.options, onStateChange, isFailure });
    breaker.#engine.restore(state, consecutiveFailures, openUntil, trips, new Float64Array(window.flat()));
    return breaker;
  }
}
