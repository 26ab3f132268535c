// What happens if the WebAssembly engine ever traps (a Rust panic or an out-of-bounds access;
// no input is known to cause one). A trap unwinds out of the module mid-call, so its state
// (borrow flags, a half-updated breaker) can no longer be trusted: from then on, every call
// into the engine throws one clear error, naming the trap, instead of wrong answers or
// "recursive use of an object" errors. A process restart (or page reload) recovers.

/** The engine's exports, each call guarded so that a trap stops the engine cleanly. */
export function guardTraps(exports) {
  let failure;
  const guarded = {};
  for (const name of Object.keys(exports)) {
    const value = exports[name];
    guarded[name] = typeof value !== 'function' ? value : function guardedExport(...args) {
      if (failure !== undefined) throw failure;
      try {
        return value.apply(this, args);
      } catch (error) {
        if (!(error instanceof WebAssembly.RuntimeError)) throw error;
        failure = new Error(`jitterbug's engine stopped after an internal error (${error.message}), a bug to report; every later call fails: restart the process or reload the page`, { cause: error });
        throw failure;
      }
    };
  }
  return guarded;
}
