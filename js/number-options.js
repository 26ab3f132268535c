// Reads an options object whose fields are all numbers (a budget's, a breaker's) into the
// order the engine takes them, NaN for the ones not given. Bounds are the engine's to check.
import { describe } from './describe.js';

/** `what` names the options in errors ("budget"); `names` is the engine's field list. */
export function readNumberOptions(what, options, names) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`Expected ${what} options to be an object, got ${describe(options)}`);
  }
  for (const key in options) {
    if (!names.includes(key)) throw new TypeError(`Unknown ${what} option \`${key}\` (known: ${names.join(', ')})`);
  }
  return names.map((name) => {
    const value = options[name];
    if (value === undefined) return NaN;
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`\`${name}\` must be a number, got ${describe(value)}`);
    return value;
  });
}
