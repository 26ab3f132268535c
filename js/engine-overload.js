// The way into the engine's budgets and breakers (cargo feature `overload`). Only budget.js and
// breaker.js import it, and the browser build replaces those, so its module needs none of this.
import { ready } from './engine.js';
import { EngineBreaker, EngineBudget } from './generated/glue.js';

/** A validated engine budget (`values` in `budgetFields` order, NaN where not given). */
export function newEngineBudget(values) {
  ready();
  return new EngineBudget(...values);
}

/** A validated engine breaker (`values` in `breakerFields` order, NaN where not given). */
export function newEngineBreaker(values) {
  ready();
  return new EngineBreaker(...values);
}
