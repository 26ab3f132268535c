// The browser build's stand-in for store.js, slots.js and idempotency.js: coordinating a
// fleet of processes (shared budgets, retry slots, idempotency keys) is for Node and Lambda,
// like budgets; a page retries alone.
const missing = (name) => new TypeError(`${name} is not in the browser build: fleet coordination (shared budgets, retry slots, idempotency keys) is for Node and Lambda; a page retries alone`);

export class MemoryStore {
  constructor() {
    throw missing('MemoryStore');
  }
}

export class RetrySlots {
  constructor() {
    throw missing('RetrySlots');
  }
}

export class Idempotency {
  constructor() {
    throw missing('Idempotency');
  }
}

/** Exported for the same shape as the Node build; nothing in a browser can raise these. */
export class IdempotencyError extends Error {}
export class CoordinationError extends Error {}

// No slots can exist here, so the retry loop never calls this.
export const placeRetry = () => undefined;
