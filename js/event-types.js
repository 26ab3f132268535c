/** Every event type, in the order a call can meet them; Node's channel for each is `jitterbug:<type>`. */
/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)
// `hedge` is the Node builds' alone (the browser build does not hedge).
export const EVENT_TYPES = ['attempt', 'retry', ...(NODE ? ['hedge'] : []), 'budgetRefused', 'success', 'giveUp', 'breaker', 'coordination'];
