// Timers: an abortable sleep and an attempt guarded by a timeout and the caller's signal.
// Every timer and listener is removed when its promise settles, so none outlives a call.
import { AttemptTimeoutError } from './errors.js';

let never;

/**
 * A signal that never aborts, handed to attempts when the caller gave none; made on first use
 * (an AbortController costs ~0.2 ms to make the first time, too much for import time).
 */
export function neverAborted() {
  return (never ??= new AbortController().signal);
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal !== never) signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs attempt `attempt` of `fn`. Resolves `{ ok: true, value }` or `{ ok: false, error,
 * timedOut }`; never rejects. When `timeout` passes, or the caller aborts, the attempt is
 * abandoned at once: its signal aborts so that `fn` can stop its work.
 */
export function guardedAttempt(fn, attempt, callerSignal, timeout) {
  return new Promise((resolve) => {
    let timer;
    const controller = timeout === undefined ? undefined : new AbortController();
    const signal = controller === undefined ? callerSignal : controller.signal;
    const settle = (outcome) => {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => {
      controller?.abort(callerSignal.reason);
      settle({ ok: false, error: callerSignal.reason, timedOut: false });
    };
    if (callerSignal.aborted) {
      onAbort();
      return;
    }
    if (callerSignal !== never) callerSignal.addEventListener('abort', onAbort, { once: true });
    if (controller !== undefined) {
      timer = setTimeout(() => {
        const error = new AttemptTimeoutError(attempt, timeout);
        controller.abort(error);
        settle({ ok: false, error, timedOut: true });
      }, timeout);
    }
    let result;
    try {
      result = fn({ attempt, signal });
    } catch (error) {
      settle({ ok: false, error, timedOut: false });
      return;
    }
    Promise.resolve(result).then(
      (value) => settle({ ok: true, value }),
      (error) => settle({ ok: false, error, timedOut: false }),
    );
  });
}
