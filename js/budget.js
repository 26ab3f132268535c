// RetryBudget: a token bucket many call sites share, so retries cannot multiply an outage.
// The accounting is the engine's (src/engine/budget.rs); this class converts types.
import { newEngineBudget } from './engine-overload.js';
import { budgetFields } from './generated/tables.js';
import { readNumberOptions } from './number-options.js';

/** A budget's engine, for the retry loop. */
export let budgetEngine;

export class RetryBudget {
  #engine;

  static {
    budgetEngine = (budget) => budget.#engine;
  }

  /** @param {object} [options] capacity, retryCost, timeoutCost, noRetryIncrement, tokens (see index.d.ts). */
  constructor(options = {}) {
    this.#engine = newEngineBudget(readNumberOptions('budget', options, budgetFields));
  }

  /** Tokens left in the bucket. */
  get tokens() {
    return this.#engine.tokens();
  }

  /** The budget's settings and tokens, as plain data (to keep a Lambda container's budget warm). */
  snapshot() {
    return this.#engine.snapshot();
  }

  static restore(snapshot) {
    return new RetryBudget(snapshot);
  }
}
