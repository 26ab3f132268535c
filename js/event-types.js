/** Every event type, in the order a call can meet them; Node's channel for each is `jitterbug:<type>`. */
export const EVENT_TYPES = ['attempt', 'retry', 'budgetRefused', 'success', 'giveUp', 'breaker', 'coordination'];
