// The way into the engine's budgets, breakers and adaptive rates and its cheap check of options (cargo feature
// `overload`). The browser build's module has none of these: js/browser/overload.js stands in.
import { freshSeed, ready } from './engine.js';
import { breakerFields } from './generated/tables.js';
import { EngineAdaptiveRate, EngineBatch, EngineBreaker, EngineBudget, EngineHedging, checkOptions as check } from './generated/glue.js';

const BREAKER_SEED = breakerFields.indexOf('seed');

/** `true` when the option slots make a valid policy (see src/bindings/policy.rs). */
export function checkOptions(present, slots) {
  ready();
  return check(present, slots);
}

/** A validated engine budget (`values` in `budgetFields` order, NaN where not given). */
export function newEngineBudget(values) {
  ready();
  return new EngineBudget(...values);
}

/** A validated engine breaker (`values` in `breakerFields` order, NaN where not given). */
export function newEngineBreaker(values) {
  ready();
  // An unseeded breaker jitters its repeated trips from a fresh seed.
  if (Number.isNaN(values[BREAKER_SEED])) values[BREAKER_SEED] = freshSeed();
  return new EngineBreaker(...values);
}

/** An engine adaptive client rate, made at `now` (ms). */
export function newEngineAdaptiveRate(now) {
  ready();
  return new EngineAdaptiveRate(now);
}

/** The hedging of one call under `engine` (an EnginePolicy), or undefined when its policy does not hedge. */
export function newEngineHedging(engine) {
  ready();
  return EngineHedging.of(engine);
}

/** The items of one batch call: `count`, all pending (`failFast`: stop at the first that fails for good). */
export function newEngineBatch(count, failFast) {
  ready();
  return new EngineBatch(count, failFast);
}
