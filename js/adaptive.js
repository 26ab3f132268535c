// AdaptiveRate: the AWS SDKs' adaptive client rate for any call (the rules are the engine's,
// src/engine/adaptive.rs). Off until a service throttles; then every attempt of every call
// sharing it waits for a token, and the rate follows the service's answers.
import { newEngineAdaptiveRate } from './engine-overload.js';
import { describe } from './describe.js';
import { sleep } from './sleep.js';
import { errorClasses } from './generated/tables.js';

// The engine's code for the throttling error class (see EnginePolicy.classify).
const THROTTLING = errorClasses.indexOf('throttling');

/** For the retry loop: waits until `rate` lets an attempt go (rejects if `signal` aborts; see below). */
export let pace;
/** For the retry loop: a response came, with an error of class `errorClass` (-1: none, or not retried). */
export let recordResponse;

export class AdaptiveRate {
  #engine;

  static {
    // Resolves `true` once the attempt may go, or `false` (at once) when the wait would pass
    // `left` ms (the call's deadline; undefined: none).
    pace = async (rate, signal, unref, left) => {
      const started = Date.now();
      for (let wait; (wait = rate.#engine.acquire(Date.now())) > 0;) {
        if (left !== undefined && Date.now() - started + wait > left) return false;
        await sleep(wait, signal, unref);
      }
      return true;
    };
    recordResponse = (rate, errorClass) => rate.#engine.record(errorClass === THROTTLING, Date.now());
  }

  constructor(options = {}) {
    if (options === null || typeof options !== 'object' || Object.keys(options).length > 0) {
      throw new TypeError(`AdaptiveRate takes no options (its constants are the AWS SDKs'), got ${describe(options)}`);
    }
    this.#engine = newEngineAdaptiveRate(Date.now());
  }

  /** Whether a throttling response has switched the rate limit on. */
  get enabled() {
    return this.#engine.enabled();
  }

  /** The requests per second calls may send now (limited only once `enabled`). */
  get fillRate() {
    return this.#engine.fillRate();
  }

  /** The calls' measured sending rate, in requests per second. */
  get measuredRate() {
    return this.#engine.measuredRate();
  }
}
