// What a service-wide retry standard asks of logs and metrics, from the events of jitterbug's
// calls (see events.js): the metric names, labels and buckets, the log line, and the X-Ray
// trace id. The Prometheus, Powertools and JSON-log adapters each render these; none spells
// a name of its own.
import { describe, readSafely } from './describe.js';

export const METRICS = {
  attempts: { name: 'retry_attempts_total', help: 'Attempts made, by attempt number', labels: ['service', 'operation', 'attempt'] },
  successes: { name: 'retry_success_total', help: 'Calls that succeeded, by the attempts they needed', labels: ['service', 'operation', 'attempts_needed'] },
  failures: { name: 'retry_failure_total', help: 'Calls that gave up, by the last error\'s type', labels: ['service', 'operation', 'error_type'] },
  duration: { name: 'retry_duration_seconds', help: 'Time from a call\'s first attempt to its end, retries included', labels: ['service', 'operation'],
    buckets: [0.1, 0.5, 1, 2, 5, 10] },
};

/** The name a metric label gives an error: its `name` (unless empty), else its class's, else its type. */
export function errorType(error) {
  const name = readSafely(error, 'name') || readSafely(readSafely(error, 'constructor'), 'name');
  return typeof name === 'string' && name !== '' ? name : typeof error;
}

// The label value every error type past the limit shares.
export const OTHER_ERRORS = 'other';

/**
 * A label's values, at most `limit` of them: an unbounded stream of error names (one per
 * message, say) would otherwise grow a metrics registry without end. Past the limit, a new
 * value reads as `other`.
 */
export class BoundedLabel {
  constructor(name, limit) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`\`${name}\` must be an integer >= 1, got ${describe(limit)}`);
    }
    this.limit = limit;
    this.seen = new Set();
  }

  value(raw) {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.limit) return OTHER_ERRORS;
    this.seen.add(raw);
    return raw;
  }
}

/**
 * The samples an event adds: `[metric key, labels, value]` for each, labels by name. The
 * call's duration is in seconds. A label the call left unnamed is the empty string (Prometheus
 * reads it as absent).
 */
export function samplesOf(event, errorTypes) {
  const base = { service: event.service ?? '', operation: event.operation ?? '' };
  switch (event.type) {
    case 'attempt':
      return [['attempts', { ...base, attempt: String(event.attempt) }, 1]];
    case 'success':
      return [['successes', { ...base, attempts_needed: String(event.attempts) }, 1], ['duration', base, event.elapsed / 1000]];
    case 'giveUp':
      return [['failures', { ...base, error_type: errorTypes.value(errorType(event.error)) }, 1], ['duration', base, event.elapsed / 1000]];
    default:
      return [];
  }
}

/** The X-Ray trace id of the Lambda invocation running now (its `Root`), or undefined outside Lambda. */
export function lambdaTraceId(env = globalThis.process?.env) {
  const header = env?._X_AMZN_TRACE_ID;
  if (typeof header !== 'string') return undefined;
  const root = header.split(';').find((part) => part.startsWith('Root='));
  return root?.slice('Root='.length) ?? header;
}

function messageOf(error) {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return typeof error;
  }
}

/**
 * The log line of the retry standard for `event`, or undefined for an event it does not log:
 * `{ level, message, service, operation, attempt, delay, error }` (delay in seconds, as the
 * standard's policies write delays). Retries are warnings, giving up an error, a success after
 * retries and a breaker or store coming back information; a first-try success is not logged.
 */
export function logLineOf(event) {
  const base = { service: event.service, operation: event.operation };
  switch (event.type) {
    case 'retry':
      return { level: 'WARNING', message: 'retrying', ...base, attempt: event.attempt, delay: event.delay / 1000, error: messageOf(event.error), error_class: event.errorClass };
    case 'giveUp':
      return { level: 'ERROR', message: `gave up (${event.reason})`, ...base, attempt: event.attempts, error: messageOf(event.error) };
    case 'success':
      return event.attempts > 1 ? { level: 'INFO', message: 'succeeded after retries', ...base, attempt: event.attempts } : undefined;
    case 'hedge':
      return { level: 'INFO', message: 'hedging', ...base, attempt: event.attempt };
    case 'budgetRefused':
      return { level: 'WARNING', message: 'retry budget refused a retry', ...base, attempt: event.attempt, error: messageOf(event.error) };
    case 'breaker':
      return { level: event.to === 'open' ? 'WARNING' : 'INFO', message: `circuit ${event.from} -> ${event.to} (${event.reason})`, ...base };
    case 'coordination':
      return event.available ? { level: 'INFO', message: 'coordination store reachable again' }
        : { level: 'WARNING', message: `coordination store unreachable: ${event.failOpen ? 'deciding locally' : 'refusing retries'}`, error: messageOf(event.error) };
    default:
      return undefined;
  }
}
