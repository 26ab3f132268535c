// The errors a retried call can end with, besides the caller's own.
import { messageOf } from './describe.js';

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

/**
 * Set on an attempt's failure that came after the service answered (retryOnResult judged the
 * answer): a circuit breaker counts the attempt as a success.
 */
export const ANSWERED = Symbol('jitterbug.answered');

/** Thrown when a call stops retrying with the error still retryable. */
export class RetryExhaustedError extends Error {
  constructor(reason, attempts, elapsed, lastError, log) {
    const why = reason === 'deadline' ? 'maxElapsed would be exceeded'
      : reason === 'retryAfter' ? 'the server asked to wait longer than maxRetryAfter'
        : NODE && reason === 'budget' ? 'the retry budget is spent'
          : NODE && reason === 'slots' ? 'every retry slot it could wait for was full' : 'maxAttempts reached';
    const last = messageOf(lastError);
    super(`Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${why}): ${last}`, { cause: lastError });
    this.name = 'RetryExhaustedError';
    this.reason = reason;
    this.attempts = attempts;
    this.elapsed = elapsed;
    this.log = log;
  }
}

/**
 * The error an attempt fails with when `attemptTimeout` runs out (retryable), or when the
 * call's deadline (`maxElapsed`) comes while it runs (`atDeadline`: the call then stops).
 */
export class AttemptTimeoutError extends Error {
  constructor(attempt, timeout, atDeadline) {
    super(atDeadline ? `Attempt ${attempt} was cut off after ${timeout} ms, at the call's deadline (maxElapsed)`
      : `Attempt ${attempt} timed out after ${timeout} ms`);
    this.name = 'TimeoutError';
    this.attempt = attempt;
    this.timeout = timeout;
  }
}
