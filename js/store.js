// Coordination stores: the few operations that must be atomic across every process that
// shares a budget, retry slots or an idempotency key. What each operation decides (costs,
// refunds, which slots) comes from the engine; a store only counts, compares and expires.
// MemoryStore is the embedded one (one process); jitterbug/redis has the fleet-wide one.
import { describe, readSafely, typeError } from './describe.js';
import { reportListenerError, reportWarning } from './report.js';
import { publish } from './events.js';

/** Idempotency records, as every store keeps them: the claim's state, its owner, the fingerprint. */
export const CLAIMED = 'claimed';
export const RUNNING = 'running';
export const DONE = 'done';
export const CONFLICT = 'conflict';

/** A store in one process: the same semantics as the Redis store, for one process's calls. */
export class MemoryStore {
  /** key → { value, expires } (expires: Date.now() ms) */
  #entries = new Map();

  /** The store's clock, ms since the epoch: slots are numbered on it. */
  clock() {
    return Date.now();
  }

  #get(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  #set(key, value, ttl) {
    this.#entries.set(key, { value, expires: Date.now() + ttl });
    // Expired slot counters would otherwise stay until read again: sweep now and then.
    if (this.#entries.size % 1024 === 0) {
      const now = Date.now();
      for (const [k, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(k);
    }
  }

  async take(key, cost, capacity, ttl) {
    const tokens = this.#get(`${key}:budget`) ?? capacity;
    if (tokens < cost) return -1;
    this.#set(`${key}:budget`, tokens - cost, ttl);
    return tokens - cost;
  }

  async give(key, tokens, capacity, ttl) {
    const now = Math.min(capacity, (this.#get(`${key}:budget`) ?? capacity) + tokens);
    this.#set(`${key}:budget`, now, ttl);
    return now;
  }

  async tokens(key, capacity) {
    return this.#get(`${key}:budget`) ?? capacity;
  }

  async reserveSlot(key, first, count, limit, ttl) {
    for (let i = 0; i < count; i++) {
      const slot = `${key}:slot:${first + i}`;
      const taken = this.#get(slot) ?? 0;
      if (taken < limit) {
        this.#set(slot, taken + 1, ttl);
        return i;
      }
    }
    return -1;
  }

  async claim(key, owner, fingerprint, lockTtl) {
    const record = this.#get(`${key}:once`);
    if (record === undefined) {
      this.#set(`${key}:once`, { state: RUNNING, owner, fingerprint }, lockTtl);
      return { status: CLAIMED };
    }
    if (record.fingerprint !== fingerprint) return { status: CONFLICT };
    return record.state === DONE ? { status: DONE, result: record.result } : { status: RUNNING };
  }

  async complete(key, owner, result, ttl) {
    const record = this.#get(`${key}:once`);
    if (record?.state !== RUNNING || record.owner !== owner) return false;
    this.#set(`${key}:once`, { state: DONE, owner, fingerprint: record.fingerprint, result }, ttl);
    return true;
  }

  async release(key, owner) {
    const record = this.#get(`${key}:once`);
    if (record?.state !== RUNNING || record.owner !== owner) return false;
    this.#entries.delete(`${key}:once`);
    return true;
  }
}

let defaultStore;

/** The process's embedded store: used by slots and idempotency given no store. */
export function memoryStore() {
  return (defaultStore ??= new MemoryStore());
}

const OPERATIONS = ['clock', 'take', 'give', 'tokens', 'reserveSlot', 'claim', 'complete', 'release'];

/** Checks that `value` is a store (a MemoryStore, a RedisStore or the user's own). */
export function readStore(name, value) {
  if (value === undefined) return memoryStore();
  const missing = value !== null && typeof value === 'object'
    ? OPERATIONS.find((op) => typeof readSafely(value, op) !== 'function') : 'clock';
  if (missing !== undefined) {
    throw typeError(name, `a coordination store (a MemoryStore, a RedisStore from 'jitterbug/redis', or an object with ${OPERATIONS.join(', ')})`, value);
  }
  // A store of the user's own may set these too (see CoordinationStore in index.d.ts).
  const timeout = readSafely(value, 'timeout');
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 1 && timeout <= 2_147_483_647)) {
    throw typeError(`${name}.timeout`, 'a number of ms from 1 to 2147483647', timeout);
  }
  const failOpen = readSafely(value, 'failOpen');
  if (failOpen !== undefined && typeof failOpen !== 'boolean') throw typeError(`${name}.failOpen`, 'true or false', failOpen);
  return value;
}

/** Checks a store key: a non-empty string (it names a budget, slots or a record fleet-wide). */
export function readKey(name, value) {
  if (typeof value !== 'string' || value === '') throw typeError(name, 'a non-empty string', value);
  return value;
}

// ---- Faults: a call never waits on its store past `timeout`, and an outage is said once ----

const DEFAULT_TIMEOUT = 100;
const afterIo = typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0);
// While a store is down, calls decide locally and look at it again at most this often.
const RECHECK = 1000;
const health = new WeakMap();

/** Raised when a store cannot be reached and the store is set to fail closed. */
export class CoordinationError extends Error {
  constructor(message, cause) {
    super(message, { cause });
    this.name = 'CoordinationError';
  }
}

function stateOf(store) {
  let state = health.get(store);
  if (state === undefined) {
    const timeout = readSafely(store, 'timeout') ?? DEFAULT_TIMEOUT;
    state = { down: false, recheckAt: 0, timeout, failOpen: readSafely(store, 'failOpen') !== false };
    health.set(store, state);
  }
  return state;
}

/** Whether a store's outage falls back to local decisions (the default) or refuses. */
export function failsOpen(store) {
  return stateOf(store).failOpen;
}

function changed(store, state, error) {
  const event = state.down ? { available: false, error } : { available: true };
  if (state.down) {
    reportWarning(new CoordinationError(`The coordination store cannot be reached (${error?.message ?? describe(error)}): ` +
      `${state.failOpen ? 'calls decide locally' : 'calls refuse retries and idempotent runs'} until it is back`, error));
  }
  publish('coordination', { ...event, failOpen: state.failOpen });
  const listener = readSafely(store, 'onStatusChange');
  if (typeof listener === 'function') {
    try {
      listener.call(store, event);
    } catch (listenerError) {
      reportListenerError(listenerError);
    }
  }
}

/**
 * `operation(store, signal)`, within the store's timeout: `{ ok: true, value }`, or `{ ok: false }`
 * when the store failed, timed out or is resting after an outage (then the caller decides
 * locally). The first failure of an outage, and the recovery, are reported once each.
 */
export async function coordinated(store, operation) {
  const state = stateOf(store);
  if (state.down && Date.now() < state.recheckAt) return { ok: false };
  let timer;
  // Aborted at the timeout, so that a store whose client queues commands while disconnected
  // can drop this one instead of running it late (a late take would spend tokens for nothing).
  const abort = new AbortController();
  try {
    const value = await Promise.race([
      operation(store, abort.signal),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          // After the event loop's next look at the network: when the process was too busy
          // to read an answer that did arrive in time (a cold start, a starved CPU), the
          // timer and the answer are due together, and the answer should win.
          afterIo(() => {
            const error = new Error(`no answer within ${state.timeout} ms`);
            abort.abort(error);
            reject(error);
          });
        }, state.timeout);
      }),
    ]);
    if (state.down) {
      state.down = false;
      changed(store, state);
    }
    return { ok: true, value };
  } catch (error) {
    state.recheckAt = Date.now() + RECHECK;
    if (!state.down) {
      state.down = true;
      changed(store, state, error);
    }
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}
