// The engine's errors cross the boundary as their parts, `[isRangeError, name, expected,
// value]` (src/bindings/errors.rs); the generated glue throws what this makes of them
// (scripts/build.mjs patches it in): a TypeError or RangeError that names the field and the
// value, written as JavaScript writes it. A policy's error comes as text and a number instead
// (`policyError`).

/** The error the engine's `parts` describe (anything else is thrown as it is). */
export function engineError(parts) {
  if (!Array.isArray(parts)) return parts;
  const [range, name, expected, value] = parts;
  const message = `\`${name}\` must be ${expected}, got ${typeof value === 'number' ? String(value) : `'${value}'`}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/**
 * The error of the policy that just failed to build, from the engine's `policyProblem` text
 * (name, expected, kind and a text value, NUL-separated) and `number` (its numeric value).
 */
export function policyError(text, number) {
  const [name, expected, kind, value = number] = text.split('\0');
  return engineError([kind === 'R', name, expected, value]);
}
