// The events of a call's life, for logs, metrics and traces: given to the call's `onEvent` in
// any runtime and, in Node, published on diagnostics_channel (`jitterbug:<type>`), as undici
// and node-redis publish theirs. Nobody listening costs the success path two property reads.
import { reportListenerError } from './report.js';
import { readSafely, typeError } from './describe.js';

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

/** Every event type, in the order a call can meet them; Node's channel for each is `jitterbug:<type>`. */
export const EVENT_TYPES = ['attempt', 'retry', 'budgetRefused', 'success', 'giveUp', 'breaker', 'coordination'];

// Node's channels, by type: opened at the first call (process.getBuiltinModule, Node 20.16 and
// later: importing node:diagnostics_channel up front would cost every import ~0.7 ms); null
// where Node cannot give them.
let channels;

function openChannels() {
  const diagnostics = globalThis.process?.getBuiltinModule?.('node:diagnostics_channel');
  channels = diagnostics === undefined ? null : Object.fromEntries(EVENT_TYPES.map((type) => [type, diagnostics.channel(`jitterbug:${type}`)]));
  return channels;
}

/** The channel of `type` if anyone subscribes to it, else undefined. */
function channelHeard(type) {
  if (!NODE) return undefined;
  const channel = (channels === undefined ? openChannels() : channels)?.[type];
  return channel?.hasSubscribers ? channel : undefined;
}

/**
 * Where the events of one call go: its `onEvent` and the subscribed channels, each event
 * labelled with the call's `service` and `operation` (undefined when not named).
 */
export class Observer {
  constructor(onEvent, service, operation, request) {
    this.onEvent = onEvent;
    this.service = service;
    this.operation = operation;
    // retryFetch's `{ method, url }`, which its attempt events carry, or undefined.
    this.request = request;
  }

  /** What an attempt event says of an HTTP attempt beyond the rest: method, URL and status. */
  about(outcome) {
    if (this.request === undefined) return undefined;
    const response = outcome.ok ? outcome.value : readSafely(outcome.error, 'response');
    return { ...this.request, status: readSafely(response, 'status') };
  }

  /** Publishes `event` (its fields past `type`, `service` and `operation`). */
  emit(type, event) {
    event = { type, service: this.service, operation: this.operation, ...event };
    if (this.onEvent !== undefined) {
      try {
        this.onEvent(event);
      } catch (error) {
        // An observer's failure must never change a call's outcome.
        reportListenerError(error);
      }
    }
    // Node's channels report a subscriber's error themselves, on the next tick.
    channelHeard(type)?.publish(event);
  }
}

/**
 * The observer of a call under `plan` with per-call options `call`, or undefined when nobody
 * listens. `types`: the event types the caller is about to emit (the success path asks only
 * for the two it can emit, so a subscriber to retries alone costs it nothing).
 */
export function observe(plan, call, types = EVENT_TYPES) {
  const onEvent = call?.onEvent ?? plan.onEvent;
  if (onEvent === undefined && !(NODE && types.some(channelHeard))) return undefined;
  return new Observer(onEvent, call?.service ?? plan.service, call?.operation ?? plan.operation, call?.request);
}

/** Publishes an event that belongs to no one call (a store's outage) on its channel (Node). */
export function publish(type, event) {
  channelHeard(type)?.publish({ type, ...event });
}

/**
 * Node: calls `listener(event)` with every event of every call in the process (through the
 * diagnostics channels); returns the function that stops it.
 */
export function subscribe(listener) {
  if (typeof listener !== 'function') throw typeError('listener', 'a function', listener);
  const diagnostics = NODE ? globalThis.process?.getBuiltinModule?.('node:diagnostics_channel') : undefined;
  if (!NODE) throw new TypeError('subscribe() is for Node: in a browser, give a Policy `onEvent`');
  if (diagnostics === undefined) {
    throw new TypeError('subscribe() needs diagnostics_channel through process.getBuiltinModule (Node 20.16 and later); use `onEvent` on a Policy instead');
  }
  const names = EVENT_TYPES.map((type) => `jitterbug:${type}`);
  for (const name of names) diagnostics.subscribe(name, listener);
  return () => {
    for (const name of names) diagnostics.unsubscribe(name, listener);
  };
}
