// RetrySlots: fleet-wide time slots that each admit at most `limit` retries, so that after an
// outage a fleet's retries arrive spread over time instead of at once. The policy sets the
// slots' width and how many a retry may try (`slotWidth`, `slotCount`); the engine turns a
// drawn delay into slot numbers and a slot back into a delay; the store only counts.
import { coordinated, failsOpen, readKey, readStore } from './store.js';
import { typeError } from './describe.js';

/** A slots object's link to its store, for the retry loop. */
export let slotsOf;

export class RetrySlots {
  #store;
  #key;
  #limit;

  static {
    slotsOf = (slots) => ({ store: slots.#store, key: slots.#key, limit: slots.#limit });
  }

  /** @param {object} options `key`, `limit`, and `store` (default: this process's memory store). */
  constructor(options) {
    if (options === null || typeof options !== 'object') throw typeError('options', 'an object ({ store, key, limit })', options);
    for (const name in options) {
      if (!['store', 'key', 'limit'].includes(name)) throw new TypeError(`Unknown retry slots option \`${name}\` (known: store, key, limit)`);
    }
    const { store, key, limit } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000_000) {
      throw typeError('limit', 'an integer from 1 to 1000000000 (retries admitted per slot, fleet-wide)', limit);
    }
    this.#store = readStore('store', store);
    this.#key = readKey('key', key);
    this.#limit = limit;
  }

  get key() {
    return this.#key;
  }

  get limit() {
    return this.#limit;
  }
}

/**
 * Where a retry drawn to wait `delay` ms lands: `{ delay, slot }` (the wait to its place in
 * slot number `slot`; `slot` undefined when the store was out of reach and the retry goes
 * unslotted), or undefined when every slot it may try is full (or the store is out of reach
 * and fails closed). `room`: ms left before the deadline, NaN for none; `width`: the policy's
 * slot width.
 */
export async function placeRetry(slots, engine, delay, room, width) {
  const { store, key, limit } = slotsOf(slots);
  // One coordinated step, the clock reads included: a store whose clock fails is out of reach.
  const answer = await coordinated(store, async (s, signal) => {
    const asked = s.clock();
    const [first, count] = engine.slotCandidates(asked, delay, room);
    // A slot's counter outlives the last slot a retry may wait for.
    const ttl = Math.ceil(delay + (count + 1) * width);
    const index = await s.reserveSlot(key, first, count, limit, ttl, signal);
    // The wait counts from when the slot was chosen, not from the store's answer.
    return index < 0 ? undefined : { delay: Math.max(0, engine.slotDelay(delay, index) - (s.clock() - asked)), slot: first + index };
  });
  if (!answer.ok) return failsOpen(store) ? { delay, slot: undefined } : undefined;
  return answer.value;
}
