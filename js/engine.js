// The one way into the WebAssembly engine: each entry makes sure the module is compiled first
// (./init.js is init-sync.js or init-async.js, chosen per build).
import { ready } from './init.js';
import { EnginePolicy, checkOptions as check, nameError as unknownName } from './generated/glue.js';

/** `true` when the option slots make a valid policy (see src/bindings/policy.rs). */
export function checkOptions(present, a, b, c, d, e, f, g, h, i, j) {
  ready();
  return check(present, a, b, c, d, e, f, g, h, i, j);
}

/** The RangeError for an unknown backoff or jitter name. */
export function nameError(field, text) {
  ready();
  return unknownName(field, text);
}

/** A validated engine policy; throws the engine's TypeError or RangeError. */
export function newEnginePolicy(present, slots, retryOn, abortOn) {
  ready();
  const s = slots;
  return new EnginePolicy(present, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], retryOn, abortOn);
}

export function engineFromEnv(prefix, values) {
  ready();
  return EnginePolicy.fromEnv(prefix, values);
}
