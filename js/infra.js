// Policies for other runtimes: Step Functions retriers, Lambda environment variables and
// deadlines, and the AWS SDK v3 retry strategy. The mapping rules are the engine's
// (src/engine/export.rs); this module converts types. Node builds only.
import { freshSeed, ready } from './engine.js';
import { deadlineFrom as deadlineRule } from './generated/glue.js';
import { RetryBudget, budgetEngine } from './budget.js';
import { AdaptiveRate, pace, recordResponse } from './adaptive.js';
import { describe } from './describe.js';
import { ENV_PREFIX, MAX_ATTEMPTS, STOP_REASONS, refuseForeignPolicy, typeError } from './options.js';
import { LABEL_VARIABLES, Policy, planOf } from './policy.js';
import { identifiers } from './retry.js';

function engineOf(policy) {
  if (!(policy instanceof Policy)) {
    refuseForeignPolicy(policy);
    throw typeError('policy', 'a Policy', policy);
  }
  return planOf(policy);
}

/**
 * `{ retrier, losses }`: the ASL Retrier closest to `policy` (its `MaxAttempts` counts retries)
 * and, as sentences, everything the retrier cannot express.
 */
export function toStepFunctionsRetry(policy, { errors } = {}) {
  const plan = engineOf(policy);
  if (errors !== undefined && (!Array.isArray(errors) || !errors.every((e) => typeof e === 'string' && e !== '' && !e.includes('\0')))) {
    throw typeError('errors', 'an array of error names (non-empty strings)', errors);
  }
  return plan.engine.toStepFunctions(errors?.join('\0'), plan.budget !== undefined, plan.breaker !== undefined);
}

/** The environment variables `Policy.fromEnv` reads back into an identical policy. */
export function toEnv(policy, { prefix = ENV_PREFIX } = {}) {
  const plan = engineOf(policy);
  if (typeof prefix !== 'string') throw typeError('prefix', 'a string', prefix);
  const env = plan.engine.toEnv(prefix);
  for (const [name, variable] of LABEL_VARIABLES) if (plan[name] !== undefined) env[prefix + variable] = plan[name];
  return env;
}

/**
 * A `maxElapsed` for this invocation: `context.getRemainingTimeInMillis()` less `reserve` ms
 * (default 500) kept for the handler's own work after the last attempt.
 */
export function deadlineFrom(context, { reserve } = {}) {
  if (typeof context?.getRemainingTimeInMillis !== 'function') {
    throw typeError('context', 'a Lambda context (with getRemainingTimeInMillis)', context);
  }
  if (reserve !== undefined && typeof reserve !== 'number') throw typeError('reserve', 'a number', reserve);
  ready();
  return deadlineRule(context.getRemainingTimeInMillis(), reserve);
}

class RetryToken {
  constructor(run, retries, delay, started) {
    this.run = run;
    this.retries = retries;
    this.delay = delay;
    this.started = started;
  }

  getRetryCount() {
    return this.retries;
  }

  getRetryDelay() {
    return this.delay;
  }
}

/**
 * The AWS SDK v3 `RetryStrategyV2` for `policy`: `new DynamoDBClient({ retryStrategy })`
 * retries with jitterbug's schedule, classification (`retryOn`/`abortOn`, which may name the
 * SDK's error types; its client errors are never retried; its throttling and transient errors
 * keep their class), Retry-After hints and, if given, `budget`.
 */
export function toAwsRetryStrategy(policy, { budget, mode = 'standard', rate } = {}) {
  const plan = engineOf(policy);
  const shared = budget ?? plan.budget;
  if (shared !== undefined && !(shared instanceof RetryBudget)) throw typeError('budget', 'a RetryBudget', shared);
  if (mode !== 'standard' && mode !== 'adaptive') {
    const message = `\`mode\` must be 'standard' or 'adaptive', got ${describe(mode)}`;
    throw typeof mode === 'string' ? new RangeError(message) : new TypeError(message);
  }
  if (rate !== undefined && (mode !== 'adaptive' || !(rate instanceof AdaptiveRate))) {
    throw typeError('rate', "an AdaptiveRate, with mode: 'adaptive'", rate);
  }
  // The SDKs' adaptive mode: one client rate per strategy (per client), unless one is shared.
  const limiter = mode === 'adaptive' ? rate ?? new AdaptiveRate() : undefined;
  const bucket = shared === undefined ? undefined : budgetEngine(shared);
  const engine = plan.engine;
  return {
    mode: mode === 'adaptive' ? 'adaptive' : 'jitterbug',
    async acquireInitialRetryToken() {
      if (limiter !== undefined) await pace(limiter);
      return new RetryToken(engine.start(freshSeed()), 0, 0, Date.now());
    },
    async refreshRetryTokenForRetry(token, errorInfo) {
      const attempt = token.retries + 1;
      // The SDK's classification (a client error is final; throttling and transient errors
      // keep their class), then the policy's (see the engine's aws_error_class).
      const errorClass = engine.awsClassify(String(errorInfo?.errorType ?? ''), identifiers(errorInfo?.error));
      // As the SDKs' adaptive mode: every response is heard, a throttling one slows the client.
      if (limiter !== undefined) recordResponse(limiter, errorClass);
      const hint = errorInfo?.retryAfterHint;
      const retryAfter = hint instanceof Date ? Math.max(0, hint.getTime() - Date.now()) : NaN;
      const elapsed = Date.now() - token.started;
      let base;
      try {
        // A backoff function is asked only when a retry may follow (as in retry.js).
        base = errorClass >= 0 && attempt < engine.slot(MAX_ATTEMPTS) ? plan.chosenBase(attempt, errorInfo?.error) : NaN;
      } catch (error) {
        token.run.free(); // the call ends here: the SDK throws this error
        throw error;
      }
      const delay = bucket === undefined
        ? token.run.decide(engine, attempt, errorClass, elapsed, retryAfter, base)
        : token.run.decideWithin(engine, bucket, attempt, errorClass, elapsed, retryAfter, base);
      if (delay < 0) {
        token.run.free();
        // The SDK answers a refusal by throwing the request's own error.
        throw new Error(`jitterbug: no retry (${STOP_REASONS[-delay - 1]})`);
      }
      return new RetryToken(token.run, attempt, delay, token.started);
    },
    recordSuccess(token) {
      if (limiter !== undefined) recordResponse(limiter, -1);
      if (bucket !== undefined) token.run.succeededWithin(bucket);
      token.run.free();
    },
  };
}
