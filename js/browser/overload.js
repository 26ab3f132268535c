// The browser build's stand-ins for budget.js, breaker.js, store.js, slots.js, adaptive.js and
// idempotency.js: its module leaves overload protection and fleet coordination out (cargo
// feature `overload`), which keeps the bundle under 20 KiB. They guard a service against a
// fleet of clients; a page retries alone.
/** What a Node-only export of the browser build throws. */
export const nodeOnly = (name) => new TypeError(`${name} is not in the browser build: it is for Node (services, Lambda handlers, infrastructure code)`);

const standIn = (name) => {
  const StandIn = class {
    constructor() {
      throw nodeOnly(name);
    }

    static restore() {
      return new StandIn();
    }
  };
  return Object.defineProperty(StandIn, 'name', { value: name });
};

export const RetryBudget = standIn('RetryBudget');
export const CircuitBreaker = standIn('CircuitBreaker');
export const MemoryStore = standIn('MemoryStore');
export const RetrySlots = standIn('RetrySlots');
export const Idempotency = standIn('Idempotency');
export const AdaptiveRate = standIn('AdaptiveRate');

/** Exported for the same shape as the Node build; nothing in a browser can raise these. */
export const CircuitOpenError = Object.defineProperty(class extends Error {}, 'name', { value: 'CircuitOpenError' });
export const IdempotencyError = Object.defineProperty(class extends Error {}, 'name', { value: 'IdempotencyError' });
export const CoordinationError = Object.defineProperty(class extends Error {}, 'name', { value: 'CoordinationError' });

// No budget, breaker or slots can exist here, so the retry loop never calls these.
export const budgetEngine = () => undefined;
export const sharedBudget = () => undefined;
export const admitAttempt = () => undefined;
export const recordAttempt = () => undefined;
export const releaseAttempt = () => undefined;
export const placeRetry = () => undefined;
export const pace = () => undefined;
export const recordResponse = () => undefined;
export const checkOptions = () => undefined;
export const hedgedAttempts = () => undefined;
export const hedgingOf = () => undefined;
