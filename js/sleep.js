// Timers: an abortable sleep and an attempt guarded by a timeout and the caller's signal.
// Every timer and listener is removed when its promise settles, so none outlives a call.
import { AttemptTimeoutError } from './errors.js';

/**
 * What an attempt receives when nothing can abort it (no caller signal, no attemptTimeout):
 * `signal` is an AbortSignal of the attempt's own that never aborts, made only when read
 * (an AbortController costs microseconds; most attempts never look). Its own, so listeners
 * that user code or fetch add to it go when the attempt does.
 */
export class Attempt {
  #signal;

  constructor(attempt) {
    this.attempt = attempt;
  }

  get signal() {
    return (this.#signal ??= new AbortController().signal);
  }
}

/** `value`, or, if it is a promise, a promise that rejects with `signal.reason` on abort. */
export function untilAborted(value, signal) {
  if (signal === undefined || typeof value?.then !== 'function') return value;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (finish) => (v) => {
      signal.removeEventListener('abort', onAbort);
      finish(v);
    };
    Promise.resolve(value).then(settle(resolve), settle(reject));
  });
}

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

/**
 * Calls `fn` after `ms`; returns the function that cancels it. Node clamps a timer of 0 ms to
 * 1 ms: a wait of 0 takes an immediate instead (after pending I/O, so a loop of them cannot
 * starve the process). `unref`: the timer leaves the process free to exit.
 */
function after(ms, fn, unref) {
  if (NODE && ms === 0) {
    const immediate = setImmediate(fn);
    if (unref) immediate.unref();
    return () => clearImmediate(immediate);
  }
  const timer = setTimeout(fn, ms);
  if (unref) timer.unref?.();
  return () => clearTimeout(timer);
}

/** Sleeps `ms`; rejects with `signal.reason` at once on abort (`signal` may be undefined). */
export function sleep(ms, signal, unref) {
  if (signal === undefined) return new Promise((resolve) => after(ms, resolve, unref));
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      cancel();
      reject(signal.reason);
    };
    const cancel = after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, unref);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs attempt `attempt` of `fn`. Resolves `{ ok: true, value }` or `{ ok: false, error,
 * timedOut, atDeadline }`; never rejects. When `timeout` passes, or `left` (the ms to the
 * call's deadline) if sooner, or the caller aborts, the attempt is abandoned at once: its
 * signal aborts so that `fn` can stop its work.
 */
export function guardedAttempt(fn, attempt, callerSignal, timeout, unref, left) {
  const atDeadline = left !== undefined && !(timeout <= left);
  const limit = atDeadline ? Math.max(left, 0) : timeout;
  return new Promise((resolve) => {
    let timer;
    const controller = limit === undefined ? undefined : new AbortController();
    const context = controller !== undefined ? { attempt, signal: controller.signal }
      : callerSignal !== undefined ? { attempt, signal: callerSignal } : new Attempt(attempt);
    const settle = (outcome) => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => {
      controller?.abort(callerSignal.reason);
      settle({ ok: false, error: callerSignal.reason, timedOut: false });
    };
    if (callerSignal?.aborted) {
      onAbort();
      return;
    }
    callerSignal?.addEventListener('abort', onAbort, { once: true });
    if (controller !== undefined) {
      timer = setTimeout(() => {
        const error = new AttemptTimeoutError(attempt, limit, atDeadline);
        controller.abort(error);
        settle({ ok: false, error, timedOut: true, atDeadline });
      }, limit);
      if (unref) timer.unref?.();
    }
    let result;
    try {
      result = fn(context);
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
