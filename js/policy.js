// Policy: validated retry options, built once and shared by any number of calls.
import { engineFromEnv, freshSeed } from './engine.js';
import { awsPresets, presets as standardPresets } from './generated/tables.js';
import { ENV_NAMES, ENV_PREFIX, PRESET_NAMES, engineToJSON, readCallOptions, readOptions, typeError } from './options.js';
import { execute } from './retry.js';
import { describe } from './describe.js';

/* global NODE */ // true in the Node builds, false in the browser build (scripts/build.mjs defines it)

const MAX_PREVIEW = 100_000;

/** A Policy's validated plan, for the package's other entry points (retry, retryFetch). */
export let planOf;
/**
 * `value`'s plan if it is a Policy of this copy of the package, else undefined: a brand check,
 * cheaper than `instanceof` (which a Proxy can make throw) on the success path of `retry`.
 */
export let planIfPolicy;

export class Policy {
  #plan;

  static {
    planOf = (policy) => policy.#plan;
    planIfPolicy = (value) => (typeof value === 'object' && value !== null && #plan in value ? value.#plan : undefined);
  }

  /** @param {object} [options] policy fields plus `retryIf` / `onRetry` (see index.d.ts). */
  constructor(options = {}) {
    const plan = readOptions(options, false);
    plan.engine = plan.makeEngine();
    this.#plan = plan;
  }

  /** Calls `fn({ attempt, signal })` until it succeeds or the policy stops. */
  execute(fn, call) {
    return execute(this.#plan, fn, call === undefined ? undefined : readCallOptions(call));
  }

  /** `fn` with the same arguments, retried under this policy. */
  wrap(fn) {
    if (typeof fn !== 'function') throw typeError('fn', 'a function', fn);
    const plan = this.#plan;
    return function retried(...args) {
      return execute(plan, () => fn.apply(this, args), undefined);
    };
  }

  /** The first `count` delays (ms) this policy draws: for previews and tests. */
  delays(count) {
    if (!Number.isInteger(count) || count < 0 || count > MAX_PREVIEW) {
      throw new RangeError(`\`count\` must be an integer from 0 to ${MAX_PREVIEW}, got ${describe(count)}`);
    }
    const engine = this.#plan.engine;
    const run = engine.start(freshSeed());
    try {
      return Array.from({ length: count }, (_, i) => run.nextDelay(engine, i + 1, this.#plan.chosenBase(i + 1, undefined)));
    } finally {
      run.free();
    }
  }

  /**
   * Every field, defaults included, as plain JSON data (behaviour functions are left out). A
   * backoff function is not data: such a policy refuses, rather than travel as another one.
   */
  toJSON() {
    if (this.#plan.backoff !== undefined) {
      throw new TypeError('A Policy whose `backoff` is a function is not data: give `backoff` a list of delays to serialise it');
    }
    const json = engineToJSON(this.#plan.engine, this.#plan.lists ?? {});
    const { service, operation } = this.#plan;
    if (service !== undefined) json.service = service;
    if (operation !== undefined) json.operation = operation;
    return json;
  }

  static fromJSON(json) {
    return new Policy(json);
  }

  /**
   * A policy from environment variables: `RETRY_MAX_ATTEMPTS`, `RETRY_INITIAL_DELAY` and
   * `RETRY_MAX_DELAY` (seconds), and the other fields likewise (see the README).
   */
  static fromEnv(env = globalThis.process?.env, options = {}) {
    // The browser build has no environment reader; its stand-in says so.
    return NODE ? fromEnvironment(env, options) : fromEngine(engineFromEnv());
  }

}

/** `Policy.fromEnv` in the Node builds. */
function fromEnvironment(env, { prefix = ENV_PREFIX } = {}) {
  if (env === null || typeof env !== 'object') throw typeError('env', 'an object of strings', env);
  if (typeof prefix !== 'string') throw typeError('prefix', 'a string', prefix);
  refuseUnknownVariables(env, prefix);
  const labels = {};
  for (const [name, variable] of LABEL_VARIABLES) {
    const value = env[prefix + variable];
    if (value !== undefined && value !== null && value !== '') labels[name] = String(value);
  }
  const values = ENV_NAMES.map((name) => {
    const value = env[prefix + name];
    const text = value === undefined || value === null ? '' : String(value);
    // NUL separates the values on their way to the engine; real environments cannot hold one.
    if (text.includes('\0')) throw typeError(prefix + name, 'text without NUL characters', text);
    return text;
  });
  return fromEngine(engineFromEnv(prefix, values.join('\0')), labels);
}

/** The names a policy's events carry (see events.js), and the variables fromEnv and toEnv spell them with. */
export const LABEL_VARIABLES = [['service', 'SERVICE'], ['operation', 'OPERATION']];

/** A misspelt variable would be ignored, and its field silently left at its default. */
function refuseUnknownVariables(env, prefix) {
  if (prefix === '') return; // every variable would be "under" it
  const known = [...ENV_NAMES, ...LABEL_VARIABLES.map(([, variable]) => variable)];
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(prefix) || known.includes(variable.slice(prefix.length))) continue;
    const closest = known.map((name) => [distance(variable.slice(prefix.length), name), name]).sort((a, b) => a[0] - b[0])[0];
    const meant = closest[0] <= 2 ? ` (did you mean \`${prefix}${closest[1]}\`?)` : '';
    throw new TypeError(`Unknown environment variable \`${variable}\`${meant}: Policy.fromEnv reads ${known.map((n) => prefix + n).join(', ')}; ` +
      `if ${prefix} variables belong to something else, give fromEnv another prefix`);
  }
}

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

function fromEngine(engine, labels) {
  try {
    return new Policy({ ...engineToJSON(engine), ...labels });
  } finally {
    engine.free();
  }
}

/**
 * Named policies: `default`, `aggressive`, `conservative` (the retry standard), and in the
 * Node builds `awsStandard` and `aws2026`. Each is built on first use, so importing the
 * package builds none.
 */
export const presets = {};
// The browser build leaves the AWS presets out: they serve AWS SDK clients, which jitterbug
// joins in Node (toAwsRetryStrategy). Asking for one there says so, rather than give undefined.
const presetOptions = NODE ? { ...standardPresets, ...awsPresets } : standardPresets;
for (const name of PRESET_NAMES) {
  let policy;
  const options = presetOptions[name];
  Object.defineProperty(presets, name, {
    enumerable: options !== undefined,
    get: () => {
      if (options === undefined) {
        throw new TypeError(`presets.${name} (for AWS SDK clients) is not in the browser build: in a page, use Policy.fromJSON with its JSON from Node`);
      }
      return (policy ??= new Policy(options));
    },
  });
}
Object.freeze(presets);
