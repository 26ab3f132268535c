// How a value is shown in an error message: as a JavaScript user would write it. Never throws,
// whatever the value (a revoked Proxy, getters that throw, no prototype).
export function describe(value) {
  try {
    if (typeof value === 'string') return `'${value}'`;
    if (typeof value === 'function') return 'a function';
    if (typeof value === 'symbol') return value.toString();
    if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
    if (value !== null && typeof value === 'object') return Object.prototype.toString.call(value);
    return String(value);
  } catch {
    return 'an object that cannot be read (a revoked Proxy, or a getter that throws)';
  }
}

/** The TypeError for option `name`, naming what it must be and the value it got. */
export function typeError(name, expected, value) {
  return new TypeError(`\`${name}\` must be ${expected}, got ${describe(value)}`);
}

/** `value[key]`, or undefined when reading it throws (a getter that throws, a revoked Proxy). */
export function readSafely(value, key) {
  try {
    return value[key];
  } catch {
    return undefined;
  }
}

/** `value instanceof Class`, or false when asking throws (a Proxy's getPrototypeOf trap). */
export function isInstance(value, Class) {
  try {
    return value instanceof Class;
  } catch {
    return false;
  }
}

/** An error's message, or the value as text, for the message of an error that wraps it. */
export function messageOf(value) {
  if (isInstance(value, Error)) {
    const message = readSafely(value, 'message');
    if (typeof message === 'string') return message;
  }
  try {
    return String(value);
  } catch {
    return describe(value);
  }
}
