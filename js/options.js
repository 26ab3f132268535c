// Reads a user's options object into a plan: the policy fields as numeric slots for the
// engine (which holds every default and bound), plus the JavaScript-only fields. Field names
// and kinds come from the engine's table; this module only checks JavaScript types.
import { newEnginePolicy } from './engine.js';
import { checkOptions } from './engine-overload.js';
import * as tables from './generated/tables.js';
import { describe, isInstance, readSafely, typeError } from './describe.js';
import { RetryBudget } from './budget.js';
import { CircuitBreaker } from './breaker.js';
import { RetrySlots } from './slots.js';
import { Idempotency } from './idempotency.js';
import { AdaptiveRate } from './adaptive.js';

export { stopReasons as STOP_REASONS, presetNames as PRESET_NAMES, envNames as ENV_NAMES,
  envPrefix as ENV_PREFIX } from './generated/tables.js';

/** The backoff and jitter names the engine knows, for editors and validation in user code. */
export const backoffKinds = Object.freeze([...tables.backoffNames]);
export const jitterKinds = Object.freeze([...tables.jitterNames]);

const FIELDS = new Map(tables.fields.map(([name, kind], index) => [name, { index, kind, numeric: kind === 'number' || kind === 'duration' }]));
const NAMES_OF = { backoff: tables.backoffNames, jitter: tables.jitterNames, longRetryAfter: tables.longRetryAfterNames };
const NAME_CODES = Object.fromEntries(Object.entries(NAMES_OF).map(([field, names]) => [field, new Map(names.map((name, code) => [name, code]))]));
// The backoff codes past the names': "a list of delays" (which crosses in the slots after the
// fields'), and "a function of the caller's own" (the engine then takes each base delay from it).
const DELAY_LIST = tables.backoffNames.length;
const BACKOFF_FUNCTION = DELAY_LIST + 1;
// Every field but the name lists crosses to the engine as one numeric slot; the lists cross
// as one string (see Plan.makeEngine), in this order.
const SLOT_COUNT = tables.fields.filter(([, kind]) => kind !== 'names').length;
const LIST_FIELDS = tables.fields.filter(([, kind]) => kind === 'names').map(([name]) => name);
// Copied per read: slice() of a packed array costs a fifth of Array(n).fill(0) (~20 vs ~40 ns).
const NO_SLOTS = new Array(SLOT_COUNT).fill(0);
const MAX_ELAPSED = FIELDS.get('maxElapsed').index;
/** Where an EnginePolicy's `slot(i)` holds `maxAttempts`. */
export const MAX_ATTEMPTS = FIELDS.get('maxAttempts').index;
const ATTEMPT_TIMEOUT = FIELDS.get('attemptTimeout').index;
const BACKOFF = FIELDS.get('backoff').index;
const SLOT_WIDTH = FIELDS.get('slotWidth').index;
const HEDGE_DELAY = FIELDS.get('hedgeDelay').index;

// Behaviour and shared state that cannot travel as data: accepted by calls and, except
// `signal`, by policies.
/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)
// The behaviour fields that are functions (`backoff` may be one too: see readOptions).
const HOOKS = ['retryIf', 'onRetry', 'retryOnResult', 'onGiveUp', 'onEvent'];
// What a policy's or a call's events are labelled with (see events.js): data, like the fields.
const LABELS = ['service', 'operation'];
const BEHAVIOUR_FIELDS = [...HOOKS, 'unref', ...LABELS, ...(NODE ? ['budget', 'breaker', 'rate', 'slots', 'idempotency'] : [])];
// Only a call has these: the same AbortSignal or idempotency key never serves two calls.
const CALL_FIELDS = ['signal', ...(NODE ? ['idempotencyKey'] : [])];

export { typeError };

/**
 * Throws if `value` is a Policy of another copy of this package (its CommonJS and ESM builds
 * both loaded): it fails `instanceof`, and every reader of policies says so the same way.
 */
export function refuseForeignPolicy(value) {
  if (typeof readSafely(value, 'execute') === 'function' && typeof readSafely(value, 'delays') === 'function') {
    throw new TypeError('This Policy comes from another copy of jitterbug (are both its CommonJS and ESM builds loaded?); pass Policy.fromJSON(policy.toJSON()) instead');
  }
}

/** Every option a retry reads (policy fields and behaviour), but `signal`, which fetch has too. */
export const RETRY_OPTION_NAMES = new Set([...FIELDS.keys(), ...BEHAVIOUR_FIELDS, ...CALL_FIELDS.slice(1)]); // CALL_FIELDS[0] is 'signal'

function isAbortSignal(value) {
  try {
    return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean' &&
      typeof value.addEventListener === 'function';
  } catch {
    return false; // a getter that throws, a revoked Proxy
  }
}

function stringList(name, value) {
  // NUL separates names on their way to the engine, U+0001 lists; no error name or code
  // contains either, and an empty name could only be a mistake.
  let items;
  try {
    items = Array.isArray(value) ? Array.from(value) : undefined;
  } catch {
    // a revoked Proxy, or an array whose elements cannot be read
  }
  if (items === undefined || !items.every((item) => typeof item === 'string' && item !== '' && !/[\0\x01]/.test(item))) {
    throw typeError(name, 'an array of error names or codes (non-empty strings)', value);
  }
  return items;
}

function delayList(value) {
  let items;
  try {
    items = Array.from(value);
  } catch {
    // a revoked Proxy, or an array whose elements cannot be read
  }
  if (items === undefined || items.length === 0 || !items.every((item) => typeof item === 'number')) {
    throw typeError('backoff', 'a name, a non-empty array of delays (ms) or a function', value);
  }
  return items;
}

/**
 * A validated set of options. `engine` (an EnginePolicy) is made when first needed: at once
 * for a Policy, at the first failure for inline options, so a call that succeeds never
 * allocates one.
 */
export class Plan {
  constructor(present, slots, lists, hooks, signal, budget, breaker, guards, unref, labels) {
    this.present = present;
    this.slots = slots;
    // The list fields given (and a list of delays, as `backoff`), by name, or undefined for none.
    this.lists = lists;
    // A backoff function (retry, error) => base delay in ms, or undefined.
    this.backoff = hooks?.backoff;
    this.retryIf = hooks?.retryIf;
    this.onRetry = hooks?.onRetry;
    this.retryOnResult = hooks?.retryOnResult;
    this.onGiveUp = hooks?.onGiveUp;
    this.onEvent = hooks?.onEvent;
    this.service = labels?.service;
    this.operation = labels?.operation;
    this.signal = signal;
    this.budget = budget;
    this.breaker = breaker;
    // Fleet coordination, `{ retrySlots, idempotency, idempotencyKey, rate }` (`rate`: an
    // AdaptiveRate every attempt waits on), or undefined (one field, so that plans without it
    // stay small: inline options make one per call).
    this.fleet = guards;
    // Whether the timers of a call leave the process free to exit (Node: timer.unref()).
    this.unref = unref;
    this.maxElapsed = present & (1 << MAX_ELAPSED) ? slots[MAX_ELAPSED] : undefined;
    this.attemptTimeout = present & (1 << ATTEMPT_TIMEOUT) ? slots[ATTEMPT_TIMEOUT] : undefined;
    // Whether a call under this plan needs more than the bare path (see retry.js).
    this.guarded = this.attemptTimeout !== undefined || this.maxElapsed !== undefined || breaker !== undefined;
    if (NODE && guards?.rate !== undefined) this.guarded = true;
    if (NODE) {
      // Whether its calls hedge (the browser build refuses `hedgeDelay`).
      this.hedged = (present & (1 << HEDGE_DELAY)) !== 0;
      if (this.hedged) this.guarded = true;
    }
    this.engine = undefined;
  }

  /** The policy's `slotWidth`, or undefined (no slots). */
  get slotWidth() {
    return this.present & (1 << SLOT_WIDTH) ? this.slots[SLOT_WIDTH] : undefined;
  }

  /**
   * The base delay the policy's backoff function chooses before retry `retry` (1 = after the
   * first attempt), after `error`; NaN when the policy has none (its own backoff decides).
   */
  chosenBase(retry, error) {
    if (this.backoff === undefined) return NaN;
    const base = this.backoff(retry, error);
    if (typeof base === 'number' && base >= 0) return base;
    const message = `\`backoff\` must return a number >= 0, got ${describe(base)}`;
    throw typeof base === 'number' ? new RangeError(message) : new TypeError(message);
  }

  makeEngine() {
    const lists = this.lists === undefined ? '' : LIST_FIELDS.map((name) => (this.lists[name] ?? []).join('\0')).join('\x01');
    return newEnginePolicy(this.present, this.slots, lists);
  }
}

/**
 * An EnginePolicy's fields as plain JSON data, defaults included, unset optional ones left out.
 * `lists`: the list fields the engine was given, by name (the engine keeps them as given), or
 * undefined to read them from the engine (a policy read from the environment, Node builds).
 */
export function engineToJSON(engine, lists) {
  const json = {};
  tables.fields.forEach(([name, kind], index) => {
    if (kind === 'names') {
      // Only a policy read from the environment (Node builds) has no lists of its own.
      json[name] = NODE && lists === undefined ? listOf(engine, index) : [...(lists[name] ?? [])];
      return;
    }
    const value = engine.slot(index);
    if (Number.isNaN(value)) return;
    if (index === BACKOFF && value === DELAY_LIST) {
      json[name] = NODE && lists?.backoff === undefined ? delaysOf(engine) : [...lists.backoff];
      return;
    }
    json[name] = kind === 'name' ? NAMES_OF[name][value] : value;
  });
  return json;
}

/** A list field of a policy read from the environment, from the engine. */
function listOf(engine, index) {
  const items = [];
  for (let item; (item = engine.listItem(index, items.length)) !== undefined;) items.push(item);
  return items;
}

/** A policy's list of delays, read from the engine (a policy read from the environment). */
function delaysOf(engine) {
  const delays = [];
  for (let delay; !Number.isNaN(delay = engine.delayItem(delays.length));) delays.push(delay);
  return delays;
}

// The engine's check is a pure function of the slots, so the last slots it accepted are kept:
// a call site that passes the same values again (an options literal) is answered by comparing
// the slots instead of a call into WebAssembly. Rejected slots are never kept.
let lastValidPresent = -1;
let lastValidSlots = NO_SLOTS.slice();

function isLastValid(present, slots) {
  if (present !== lastValidPresent || slots.length !== lastValidSlots.length) return false;
  for (let i = 0; i < slots.length; i++) if (slots[i] !== lastValidSlots[i]) return false;
  return true;
}

function rememberValid(present, slots) {
  lastValidPresent = present;
  lastValidSlots = slots.slice();
}

/**
 * Checks `options` and returns its plan. `allowSignal`: whether a `signal` may be given (per
 * call, yes; in a Policy, no: a policy is data that outlives any one call).
 */
export function readOptions(options, allowSignal) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`Expected options to be an object or a Policy, got ${describe(options)}`);
  }
  if (allowSignal && lastPlainPlan !== undefined && isLastPlain(options)) return lastPlainPlan;
  const slots = NO_SLOTS.slice();
  let present = 0;
  let lists, hooks, signal, budget, breaker, guards, unref, labels;
  let keys = 0;
  for (const key in options) {
    keys += 1;
    const value = options[key];
    if (value === undefined) continue; // absent, as with `{ ...defaults, seed: undefined }`
    const field = FIELDS.get(key);
    if (field !== undefined) {
      switch (field.kind) {
        case 'number':
        case 'duration':
          if (typeof value !== 'number') throw typeError(key, 'a number', value);
          if (!NODE && field.index === HEDGE_DELAY) throw typeError(key, 'absent in the browser build (hedging is for Node)', value);
          slots[field.index] = value;
          break;
        case 'name': {
          if (key === 'backoff' && typeof value !== 'string') {
            if (typeof value === 'function') {
              (hooks ??= {}).backoff = value;
              slots[field.index] = BACKOFF_FUNCTION;
              break;
            }
            (lists ??= {}).backoff = delayList(value);
            slots[field.index] = DELAY_LIST;
            slots.push(...lists.backoff);
            break;
          }
          const code = NAME_CODES[key].get(value);
          if (code === undefined) {
            // The engine's wording, from the generated table.
            throw typeof value === 'string' ? new RangeError(`\`${key}\` must be ${tables.expectedNames[key]}, got ${describe(value)}`)
              : typeError(key, 'a string', value);
          }
          slots[field.index] = code;
          break;
        }
        default:
          (lists ??= {})[key] = stringList(key, value);
          continue;
      }
      present |= 1 << field.index;
    } else if (HOOKS.includes(key)) {
      if (typeof value !== 'function') throw typeError(key, 'a function', value);
      (hooks ??= {})[key] = value;
    } else if (LABELS.includes(key)) {
      if (typeof value !== 'string' || value === '') throw typeError(key, 'a non-empty string', value);
      (labels ??= {})[key] = value;
    } else if (key === 'unref') {
      if (typeof value !== 'boolean') throw typeError(key, 'a boolean', value);
      unref = value;
    } else if (NODE && key === 'breaker') {
      if (!isInstance(value, CircuitBreaker)) throw typeError(key, 'a CircuitBreaker', value);
      breaker = value;
    } else if (NODE && key === 'rate') {
      if (!isInstance(value, AdaptiveRate)) throw typeError(key, 'an AdaptiveRate', value);
      (guards ??= {}).rate = value;
    } else if (NODE && key === 'budget') {
      if (!isInstance(value, RetryBudget)) throw typeError(key, 'a RetryBudget', value);
      budget = value;
    } else if (NODE && key === 'slots') {
      if (!isInstance(value, RetrySlots)) throw typeError(key, 'a RetrySlots', value);
      (guards ??= {}).retrySlots = value;
    } else if (NODE && key === 'idempotency') {
      if (!isInstance(value, Idempotency)) throw typeError(key, 'an Idempotency', value);
      (guards ??= {}).idempotency = value;
    } else if (NODE && key === 'idempotencyKey' && allowSignal) {
      if (typeof value !== 'string' || value === '') throw typeError(key, 'a non-empty string', value);
      (guards ??= {}).idempotencyKey = value;
    } else if (key === 'signal' && allowSignal) {
      if (!isAbortSignal(value)) throw typeError(key, 'an AbortSignal', value);
      signal = value;
    } else if (CALL_FIELDS.includes(key)) {
      throw new TypeError(`\`${key}\` belongs to a call, not a Policy: pass it to policy.execute(fn, { ${key} }) or retry(fn, policy, { ${key} })`);
    } else {
      throw new TypeError(`Unknown option \`${key}\` (known: ${[...FIELDS.keys(), ...BEHAVIOUR_FIELDS, ...CALL_FIELDS].join(', ')})`);
    }
  }
  // Read as options, it would silently be the defaults (it has no enumerable fields).
  if (keys === 0) refuseForeignPolicy(options);
  const plan = new Plan(present, slots, lists, hooks, signal, budget, breaker, guards, unref, labels);
  if (present !== 0 && !isLastValid(present, slots)) {
    // Node asks the engine's cheap check; the browser build, without it, builds a policy.
    if (!NODE) plan.makeEngine().free(); // throws the engine's TypeError or RangeError
    else if (!checkOptions(present, slots)) plan.makeEngine(); // throws, for the first bad field
    rememberValid(present, slots);
  }
  if (allowSignal && (lists ?? hooks ?? signal ?? unref ?? budget ?? breaker ?? guards ?? labels) === undefined) lastPlainPlan = plan;
  return plan;
}

// The last plan read from inline options of numbers alone. Such a plan is data (nothing in it
// belongs to one call), so a call site that passes the same numbers again (an options literal)
// gets it back without a slot array, a plan or a check being made.
let lastPlainPlan;

/**
 * Whether `options` holds numbers alone, and exactly the last plain plan's. An object with no
 * fields is never one: it may be another copy's Policy, which the full read refuses.
 */
function isLastPlain(options) {
  let present = 0;
  for (const key in options) {
    const value = options[key];
    const field = FIELDS.get(key);
    if (typeof value !== 'number' || !field?.numeric || lastPlainPlan.slots[field.index] !== value) return false;
    present |= 1 << field.index;
  }
  return present !== 0 && present === lastPlainPlan.present;
}

/** The per-call options of `policy.execute(fn, call)`: `signal`, `retryIf`, `onRetry`. */
export function readCallOptions(call) {
  if (call === null || typeof call !== 'object') {
    throw new TypeError(`Expected call options to be an object, got ${describe(call)}`);
  }
  for (const key in call) {
    if (call[key] !== undefined && !CALL_FIELDS.includes(key) && !BEHAVIOUR_FIELDS.includes(key)) {
      throw new TypeError(`Unknown call option \`${key}\` (known: ${[...CALL_FIELDS, ...BEHAVIOUR_FIELDS].join(', ')}; policy fields belong to the Policy)`);
    }
  }
  const plan = readOptions(call, true);
  return plan;
}
