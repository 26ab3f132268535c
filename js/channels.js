// Node's diagnostics channels for jitterbug's events, `jitterbug:<type>` (see events.js), as
// undici and node-redis publish theirs. The browser build has none (js/browser/channels.js).
import { typeError } from './describe.js';
import { EVENT_TYPES } from './event-types.js';

// The channels, by type: opened at the first call (process.getBuiltinModule, Node 20.16 and
// later: importing node:diagnostics_channel up front would cost every import ~0.7 ms); null
// where Node cannot give them.
let channels;
// The channels of the two events a first attempt that succeeds can emit, once opened.
let attemptChannel, successChannel;

function diagnostics() {
  return globalThis.process?.getBuiltinModule?.('node:diagnostics_channel');
}

function open() {
  const module = diagnostics();
  channels = module === undefined ? null : Object.fromEntries(EVENT_TYPES.map((type) => [type, module.channel(`jitterbug:${type}`)]));
  attemptChannel = channels?.attempt ?? null;
  successChannel = channels?.success ?? null;
  return channels;
}

/** The channel of `type` if anyone subscribes to it, else undefined. */
export function heard(type) {
  const channel = (channels === undefined ? open() : channels)?.[type];
  return channel?.hasSubscribers ? channel : undefined;
}

/** Whether anyone subscribes to `attempt` or `success`: the success path's question, two property reads. */
export function firstHeard() {
  if (attemptChannel === undefined) open();
  return attemptChannel !== null && (attemptChannel.hasSubscribers || successChannel.hasSubscribers);
}

/** Publishes an event that belongs to no one call (a store's outage, a breaker moved by a call nobody hears). */
export function publish(type, event) {
  heard(type)?.publish({ type, ...event });
}

/**
 * Calls `listener(event, channel)` with every event of every call in the process; returns the
 * function that stops it.
 */
export function subscribe(listener) {
  if (typeof listener !== 'function') throw typeError('listener', 'a function', listener);
  const module = diagnostics();
  if (module === undefined) {
    throw new TypeError('subscribe() needs diagnostics_channel through process.getBuiltinModule (Node 20.16 and later); use `onEvent` on a Policy instead');
  }
  const names = EVENT_TYPES.map((type) => `jitterbug:${type}`);
  for (const name of names) module.subscribe(name, listener);
  return () => {
    for (const name of names) module.unsubscribe(name, listener);
  };
}
