// The engine's errors cross the boundary as their parts, `[isRangeError, name, expected,
// value]` (src/bindings/errors.rs); the generated glue throws what this makes of them
// (scripts/build.mjs patches it in): a TypeError or RangeError that names the field and the
// value, written as JavaScript writes it. A policy's error comes as its field, its expectation
// and its value instead (`policyError`).

/** The error the engine's `parts` describe (anything else is thrown as it is). */
export function engineError(parts) {
  if (!Array.isArray(parts)) return parts;
  const [range, name, expected, value] = parts;
  const message = `\`${name}\` must be ${expected}, got ${typeof value === 'number' ? String(value) : `'${value}'`}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/**
 * The RangeError of the policy that just failed to build: the engine says what field `name`
 * must be (`expected`) and the `value` it got.
 */
export function policyError(name, expected, value) {
  return engineError([true, name, expected, value]);
}
