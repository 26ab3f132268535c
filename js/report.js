// Where an error thrown by a user's listener goes when it must not change a call's outcome:
// a process warning in Node (visible, and catchable with process.on('warning')), the
// runtime's error reporting elsewhere.
import { messageOf } from './describe.js';

export function reportListenerError(error) {
  if (typeof globalThis.process?.emitWarning === 'function') {
    globalThis.process.emitWarning(error instanceof Error ? error : new Error(`A jitterbug listener threw ${messageOf(error)}`));
  } else if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
  } else {
    console.error(error);
  }
}

/** A warning that something around the calls went wrong (a store out of reach), said once. */
export function reportWarning(error) {
  reportListenerError(error);
}
