// The browser build's stand-ins for budget.js and breaker.js: its module leaves overload
// protection out (cargo feature `overload`), which keeps the bundle under 20 KiB. Budgets and
// breakers guard a service against a fleet of clients; a page retries alone.
const missing = (name) => new TypeError(`${name} is not in the browser build: budgets and breakers guard services against fleets of clients (Node, Lambda); a page retries alone`);

export class RetryBudget {
  constructor() {
    throw missing('RetryBudget');
  }

  static restore() {
    throw missing('RetryBudget');
  }
}

export class CircuitBreaker {
  constructor() {
    throw missing('CircuitBreaker');
  }

  static restore() {
    throw missing('CircuitBreaker');
  }
}

/** Exported for the same shape as breaker.js; nothing in a browser can raise it. */
export class CircuitOpenError extends Error {}

// No budget or breaker can exist here, so the retry loop never calls these.
export const budgetEngine = () => undefined;
export const sharedBudget = () => undefined;
export const admitAttempt = () => undefined;
export const recordAttempt = () => undefined;
export const releaseAttempt = () => undefined;
