// RetryBudget: a token bucket many call sites share, so retries cannot multiply an outage.
// The accounting is the engine's (src/engine/budget.rs); this class converts types. Given a
// store and a key, the bucket lives in the store and every process with the same key shares
// it: the engine still says what a retry costs and what a success refunds, the store only
// takes and gives back, atomically.
import { newEngineBudget } from './engine-overload.js';
import { budgetFields } from './generated/tables.js';
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
 */
class SharedBucket {
  /** Tokens gathered for the store, not yet given back. */
  pending = 0;
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

  /** Takes a retry's cost: the cost, or -1 when the bucket cannot pay. */
  async acquire(timedOut) {
    const cost = this.engine.cost(timedOut);
    const answer = await coordinated(this.store, (s, signal) => s.take(this.key, cost, this.capacity, IDLE_TTL, signal));
    if (answer.ok) {
      if (answer.value >= 0) this.seen = answer.value;
      return answer.value >= 0 ? cost : -1;
    }
    // The store is out of reach: this process's own bucket decides, or nobody retries.
    return failsOpen(this.store) ? this.engine.tryAcquire(timedOut) : -1;
  }

  /** A call succeeded: its refund (`paid`: its last retry's cost, NaN for none) is gathered. */
  succeeded(paid) {
    this.giveBack(Number.isNaN(paid) ? this.increment : this.engine.refund(paid));
  }

  /** Gathers `tokens` for the store; the next flush gives them back. */
  giveBack(tokens) {
    // More than a full bucket's worth can never be given back.
    this.pending = Math.min(this.capacity, this.pending + tokens);
    if (this.#timer === undefined && this.pending > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.flushInterval);
      this.#timer.unref?.();
    }
  }

  /** Gives the gathered refunds back to the store now; the store's count after. */
  flush() {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush() {
    const tokens = this.pending;
    if (tokens === 0) return (await coordinated(this.store, (s, signal) => s.tokens(this.key, this.capacity, signal))).value ?? this.seen;
    this.pending = 0;
    const answer = await coordinated(this.store, (s, signal) => s.give(this.key, tokens, this.capacity, IDLE_TTL, signal));
    if (answer.ok) {
      this.seen = answer.value;
    } else {
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

  static {
    budgetEngine = (budget) => budget.#engine;
    sharedBudget = (budget) => budget.#shared;
  }

  /**
   * @param {object} [options] capacity, retryCost, timeoutCost, noRetryIncrement, tokens;
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
   * Tokens left in the bucket. For a shared budget: the store's count at its last answer,
   * less nothing gathered since (see `flush()`).
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
