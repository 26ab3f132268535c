// Idempotency: an operation runs at most once per key across every process sharing a store.
// The first caller runs it; others with the same key wait (bounded) for its result; the
// result is kept for `ttl`; a failure releases the key; a crashed owner's claim expires after
// `lockTtl`; a different request (fingerprint) under the same key is refused.
import { CLAIMED, CONFLICT, CoordinationError, DONE, MemoryStore, coordinated, failsOpen, readKey, readStore } from './store.js';
import { messageOf, typeError } from './describe.js';
import { reportWarning } from './report.js';

const DEFAULTS = { ttl: 3_600_000, lockTtl: 60_000, wait: 10_000, pollInterval: 25 };
// Stored in place of a result JSON cannot hold ('' stands for undefined).
const UNSTORABLE = '!';

/**
 * Why an idempotent run was refused: `code` 'conflict' (another request under the key),
 * 'inProgress' (still running after `wait`) or 'noResult' (it ran, but its result could not be
 * stored or read back). 'lockLost' is only warned: a run outlasted its `lockTtl`.
 */
export class IdempotencyError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'IdempotencyError';
    this.code = code;
  }
}

function ms(name, value, low) {
  if (!Number.isInteger(value) || value < low || value > 2_147_483_647) {
    throw typeError(name, `a whole number of ms from ${low} to 2147483647`, value);
  }
  return value;
}

const pause = (delay) => new Promise((resolve) => setTimeout(resolve, delay));

export class Idempotency {
  #store;
  #ttl;
  #lockTtl;
  #wait;
  #pollInterval;
  /** Where keys go while the store is out of reach and fails open: one process at least runs a key once. */
  #local = new MemoryStore();

  /** @param {object} [options] store, ttl, lockTtl, wait, pollInterval (ms; see index.d.ts). */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw typeError('options', 'an object', options);
    for (const name in options) {
      if (name !== 'store' && !(name in DEFAULTS)) {
        throw new TypeError(`Unknown idempotency option \`${name}\` (known: store, ${Object.keys(DEFAULTS).join(', ')})`);
      }
    }
    const value = (name) => options[name] ?? DEFAULTS[name];
    this.#store = readStore('store', options.store);
    this.#ttl = ms('ttl', value('ttl'), 1);
    this.#lockTtl = ms('lockTtl', value('lockTtl'), 1);
    this.#wait = ms('wait', value('wait'), 0);
    this.#pollInterval = ms('pollInterval', value('pollInterval'), 1);
  }

  /**
   * Runs `fn()` at most once for `key` across the fleet and resolves to its result (stored as
   * JSON). `fingerprint`: what the request was (any JSON value); another under the same key
   * is refused with an IdempotencyError 'conflict'.
   */
  async run(key, fn, options = {}) {
    readKey('key', key);
    if (typeof fn !== 'function') throw typeError('fn', 'a function', fn);
    if (options === null || typeof options !== 'object') throw typeError('options', 'an object ({ fingerprint })', options);
    const { fingerprint } = options;
    let print;
    try {
      print = fingerprint === undefined ? '' : JSON.stringify(fingerprint);
    } catch (error) {
      throw typeError('fingerprint', `a JSON value (${messageOf(error)})`, fingerprint);
    }
    const owner = globalThis.crypto.randomUUID();
    let store = this.#store;
    const giveUpAt = Date.now() + this.#wait;
    for (;;) {
      let claim = await coordinated(store, (s, signal) => s.claim(key, owner, print, this.#lockTtl, signal));
      if (!claim.ok) {
        if (!failsOpen(store)) throw new CoordinationError(`The idempotency store cannot be reached: \`${key}\` was not run`);
        // Decided locally: this process runs the key at most once (another may run it too).
        store = this.#local;
        claim = await coordinated(store, (s) => s.claim(key, owner, print, this.#lockTtl));
      }
      const { status, result } = claim.value;
      if (status === CLAIMED) return this.#runAsOwner(store, key, owner, fn);
      if (status === DONE) return stored(key, result);
      if (status === CONFLICT) {
        throw new IdempotencyError('conflict', `Idempotency key \`${key}\` was used for a different request (its fingerprint differs)`);
      }
      if (Date.now() + this.#pollInterval > giveUpAt) {
        throw new IdempotencyError('inProgress', `Idempotency key \`${key}\` is still being run by another caller after waiting ${this.#wait} ms`);
      }
      await pause(this.#pollInterval);
    }
  }

  async #runAsOwner(store, key, owner, fn) {
    let value;
    try {
      value = await fn();
    } catch (error) {
      // A failure is not a result: the key is free for the next try.
      await coordinated(store, (s, signal) => s.release(key, owner, signal));
      throw error;
    }
    let text;
    try {
      text = value === undefined ? '' : JSON.stringify(value) ?? UNSTORABLE;
    } catch {
      text = UNSTORABLE;
    }
    const done = await coordinated(store, (s, signal) => s.complete(key, owner, text, this.#ttl, signal));
    if (done.ok && !done.value) {
      reportWarning(new IdempotencyError('lockLost', `Idempotency key \`${key}\`: the run outlasted lockTtl (${this.#lockTtl} ms) and its claim expired, so another caller may have run it too; its result was not stored`));
    }
    return value;
  }
}

function stored(key, text) {
  if (text === '') return undefined;
  try {
    if (text !== UNSTORABLE) return JSON.parse(text);
  } catch {
    // not JSON: stored by something else
  }
  throw new IdempotencyError('noResult', `Idempotency key \`${key}\` has run, but its result could not be stored as JSON or read back`);
}
