// RetryBudget: a token bucket many call sites share, so retries cannot multiply an outage.
// The accounting is the engine's (src/engine/budget.rs); this class converts types. Given a
// store and a key, the bucket lives in the store and every process with the same key shares
// it: the engine still says what a retry costs and what a success refunds, the store only
// takes and gives back, atomically.
import { newEngineBudget } from './engine-overload.js';
import { budgetFields, budgetPresets } from './generated/tables.js';
import { readNumberOptions } from './number-options.js';
import { coordinated, failsOpen, readKey, readStore } from './store.js';
import { typeError } from './describe.js';

/** A budget's engine, for the retry loop. */
export let budgetEngine;
/** A shared budget's link to its store (undefined for a local one), for the retry loop. */
export let sharedBudget;

// An idle bucket expires from its store: absent means full, so nothing is lost.
const IDLE_TTL = 3_600_000;
const DEFAULT_FLUSH_INTERVAL = 1000;

/**
 * A bucket in a store. Retries take their cost there (one round trip, made only when a call
 * has already failed); refunds are gathered here and given back in the background, so a call
 * that succeeds costs the store nothing.
 *
 * The success path does not even wait for the success: every call is presumed to succeed at
 * its first attempt when it starts (one counter), and a call whose first attempt fails takes
 * the presumption back. A flush gives back the presumed successes' increments with the other
 * refunds; a call still running then is counted a little early, and taken back at the next
 * flush if it fails.
 */
class SharedBucket {
  /** Tokens gathered for the store, not yet given back (negative: given back too early). */
  pending = 0;
  /** Calls presumed to succeed at their first attempt since the last flush. */
  presumed = 0;
  /** The store's count at its last answer (the capacity before any). */
  seen;
  #timer;
  #flushing;

  constructor(engine, store, key, flushInterval) {
    this.engine = engine;
    this.store = store;
    this.key = key;
    this.flushInterval = flushInterval;
    this.capacity = engine.capacity();
    this.seen = this.capacity;
    // Read once: a clean success adds it without a call into the engine.
    this.increment = engine.refund(NaN);
  }

  /** Takes the cost of a retry after an error of class `errorClass`: the cost, or -1 when the bucket cannot pay. */
  async acquire(errorClass) {
    const cost = this.engine.cost(errorClass);
    const answer = await coordinated(this.store, (s, signal) => s.take(this.key, cost, this.capacity, IDLE_TTL, signal));
    if (answer.ok) {
      if (answer.value >= 0) this.seen = answer.value;
      return answer.value >= 0 ? cost : -1;
    }
    // The store is out of reach: this process's own bucket decides, or nobody retries.
    return failsOpen(this.store) ? this.engine.tryAcquire(errorClass) : -1;
  }

  /** A call succeeded after retries: its last retry's cost (`paid`) is gathered. */
  succeeded(paid) {
    this.giveBack(this.engine.refund(paid));
  }

  /** A call starts: presumed to succeed at its first attempt (see the class). */
  presume() {
    this.presumed += 1;
    if (this.#timer === undefined) this.#schedule();
  }

  /** The call's first attempt failed after all: its presumed refund is taken back. */
  unpresume() {
    this.presumed -= 1;
  }

  /** Gathers `tokens` for the store; the next flush gives them back. */
  giveBack(tokens) {
    this.pending += tokens;
    if (this.#timer === undefined) this.#schedule();
  }

  #schedule() {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.flushInterval);
    this.#timer.unref?.();
  }

  /** Gives the gathered refunds back to the store now; the store's count after. */
  flush() {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush() {
    const owed = this.pending + this.presumed * this.increment;
    let tokens = 0;
    if (owed > 0) {
      this.pending = 0;
      this.presumed = 0;
      // As in a local bucket, refunds past a full bucket are lost: the store's count at its
      // last answer says how much room there was (so successes while the bucket was full do
      // not refill it later, when an outage has drained it).
      tokens = Math.min(owed, this.capacity - this.seen);
    }
    // Nothing to give (or only a debt, carried until refunds outweigh it): look at the count.
    const answer = tokens > 0
      ? await coordinated(this.store, (s, signal) => s.give(this.key, tokens, this.capacity, IDLE_TTL, signal))
      : await coordinated(this.store, (s, signal) => s.tokens(this.key, this.capacity, signal));
    if (answer.ok) {
      this.seen = answer.value;
    } else if (tokens > 0) {
      // Kept for the next flush, and this process's own bucket, which decides meanwhile.
      this.engine.giveBack(tokens);
      this.giveBack(tokens);
    }
    return this.seen;
  }

  close() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.flush();
  }
}

export class RetryBudget {
  #engine;
  #shared;

  /** The AWS SDKs' retry quotas as options: `awsStandard` and `aws2026` (see the policy presets of those names). */
  static presets = Object.freeze(Object.fromEntries(Object.entries(budgetPresets).map(([name, options]) => [name, Object.freeze(options)])));

  static {
    budgetEngine = (budget) => budget.#engine;
    sharedBudget = (budget) => budget.#shared;
  }

  /**
   * @param {object} [options] capacity, retryCost, timeoutCost, throttlingCost, noRetryIncrement, tokens;
   *   and, for a budget the fleet shares, `store`, `key` and `flushInterval` (see index.d.ts).
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') readNumberOptions('budget', options, budgetFields); // throws
    const { store, key, flushInterval, ...numbers } = options;
    this.#engine = newEngineBudget(readNumberOptions('budget', numbers, budgetFields));
    if (store === undefined && key === undefined && flushInterval === undefined) return;
    if (store === undefined) throw typeError('store', 'a coordination store when `key` or `flushInterval` is given', store);
    if (numbers.tokens !== undefined) throw new TypeError('`tokens` sets a local budget\'s bucket; a shared budget\'s bucket is in its store');
    const interval = flushInterval ?? DEFAULT_FLUSH_INTERVAL;
    if (typeof interval !== 'number' || !(interval >= 1 && interval <= 2_147_483_647)) {
      throw typeError('flushInterval', 'a number of ms from 1 to 2147483647', interval);
    }
    this.#shared = new SharedBucket(this.#engine, readStore('store', store), readKey('key', key), interval);
  }

  /**
   * Tokens left in the bucket. For a shared budget: the store's count at its last answer
   * (refunds gathered since are not in it until the next `flush()`).
   */
  get tokens() {
    return this.#shared === undefined ? this.#engine.tokens() : this.#shared.seen;
  }

  /** A shared budget gives its gathered refunds back to the store now; resolves to the store's count. */
  flush() {
    return this.#shared === undefined ? Promise.resolve(this.#engine.tokens()) : this.#shared.flush();
  }

  /** Flushes, and stops the background flush (a shared budget); at the end of a process. */
  close() {
    return this.#shared === undefined ? Promise.resolve(this.#engine.tokens()) : this.#shared.close();
  }

  /** The budget's settings and tokens, as plain data (to keep a Lambda container's budget warm). */
  snapshot() {
    if (this.#shared !== undefined) throw new TypeError('A shared budget lives in its store: snapshot() and restore() are for a local budget');
    return this.#engine.snapshot();
  }

  static restore(snapshot) {
    return new RetryBudget(snapshot);
  }
}
