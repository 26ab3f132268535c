// The events of a call's life, for logs, metrics and traces: given to the call's `onEvent` in
// any runtime and, in Node, published on diagnostics channels (channels.js). Nobody listening
// costs the success path two property reads.
import { reportListenerError } from './report.js';
import { readSafely } from './describe.js';
import { EVENT_TYPES } from './event-types.js';
import { firstHeard, heard } from './channels.js';

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

export { EVENT_TYPES };
export { publish, subscribe } from './channels.js';

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

  /**
   * What an attempt event says of an HTTP attempt beyond the rest: method, URL and status (Node
   * builds: the browser build leaves them out to stay under 20 KiB).
   */
  about(outcome) {
    if (!NODE || this.request === undefined) return undefined;
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
    heard(type)?.publish(event);
  }
}

/**
 * The observer of a call under `plan` with per-call options `call`, or undefined when nobody
 * listens to any of its events.
 */
export function observe(plan, call) {
  const onEvent = call?.onEvent ?? plan.onEvent;
  if (onEvent === undefined && !EVENT_TYPES.some(heard)) return undefined;
  return new Observer(onEvent, call?.service ?? plan.service, call?.operation ?? plan.operation, call?.request);
}

/**
 * `observe` for the success path, which can emit only `attempt` and `success`: a subscriber to
 * other events alone costs it nothing.
 */
export function observeFirst(plan, call) {
  if ((call?.onEvent ?? plan.onEvent) === undefined && !firstHeard()) return undefined;
  return observe(plan, call);
}
