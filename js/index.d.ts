// Type declarations for jitterbug. Durations are milliseconds.

/** How the base delay grows from one retry to the next. */
export type Backoff = 'constant' | 'linear' | 'exponential' | 'fibonacci';

/** How a delay is randomised (see the README's jitter table for each formula and range). */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated' | 'proportional' | 'additive';

/**
 * Why a call stopped retrying with a retryable error: `maxAttempts` made, `maxElapsed` would be
 * passed, the server asked (`Retry-After`) for a wait longer than `maxRetryAfter`, the retry
 * budget could not pay, or every retry slot the retry could land in was full.
 */
export type ExhaustedReason = 'attempts' | 'deadline' | 'retryAfter' | 'budget' | 'slots';

/** The backoff kinds, in the engine's order (for editors and validation). */
export declare const backoffKinds: readonly Backoff[];
/** The jitter kinds, in the engine's order. */
export declare const jitterKinds: readonly Jitter[];

/** What each attempt receives. */
export interface AttemptContext {
  /** The attempt's number, counting from 1. */
  readonly attempt: number;
  /**
   * Aborts when the caller aborts or the attempt's `attemptTimeout` runs out: pass it on to
   * `fetch` or the SDK call so that abandoned work stops. With neither, a signal of the
   * attempt's own that never aborts, made when first read.
   */
  readonly signal: AbortSignal;
}

/** The retry policy as plain data: what `toJSON` returns and `fromJSON` reads. */
export interface PolicyJSON {
  /** The service the policy's calls reach, as their events, logs and metrics name it. Default: none. */
  service?: string;
  /** The operation the policy's calls perform, as their events, logs and metrics name it. Default: none. */
  operation?: string;
  /**
   * Total attempts, **the first included**: 3 means one call and up to two retries.
   * An integer from 1 to 4294967295. Default: 3.
   */
  maxAttempts?: number;
  /** Base delay before the first retry, in ms (0 to 2147483647). Default: 100. */
  initialDelay?: number;
  /** Cap on every delay, in ms, applied after jitter (`initialDelay` to 2147483647). Default: 10000. */
  maxDelay?: number;
  /** Growth factor of exponential backoff (a finite number >= 1). Default: 2. */
  multiplier?: number;
  /**
   * Growth of the base delay: a formula's name, or the base delays themselves, in ms, before
   * retries 1, 2, … (the last repeated once the list runs out), each from 0 to `maxDelay`.
   * Jitter spreads a listed delay like any other: say `jitter: 'none'` to wait exactly these.
   * With a list, `initialDelay` and `multiplier` have no effect and `throttlingDelay` and
   * `transientDelay` must be unset. Default: `'exponential'`.
   */
  backoff?: Backoff | readonly number[];
  /** Randomisation of each delay. Default: `'full'`. */
  jitter?: Jitter;
  /** The `f` of proportional and additive jitter (0 to 1). Default: 0.25. */
  jitterFactor?: number;
  /**
   * Total time budget in ms, from the call's start: a call never outlives it. A sleep that
   * would end past it is not started, and an attempt still running when it comes is aborted
   * (its signal's reason is a `TimeoutError`); either way the call rejects with
   * `RetryExhaustedError` (`reason: 'deadline'`). Default: none.
   */
  maxElapsed?: number;
  /**
   * Per-attempt timeout in ms (> 0, at most 2147483647): the attempt's `signal` aborts and the
   * attempt fails with a retryable `TimeoutError`. Default: none.
   */
  attemptTimeout?: number;
  /**
   * Seed of the jitter's random stream (an integer from 0 to 2^53 − 1): the same policy and
   * seed draw the same delays in Rust, Node and browsers, on every call. Give each host its
   * own seed. Default: none (each call draws a fresh stream).
   */
  seed?: number;
  /**
   * The longest wait a server may ask for with `Retry-After`, in ms (0 to 2147483647); a longer
   * one stops retrying instead of sleeping for it. Default: `maxDelay`.
   */
  maxRetryAfter?: number;
  /**
   * What a call does when a server asks for a wait longer than `maxRetryAfter`: `'stop'` gives
   * up (`RetryExhaustedError`, `reason: 'retryAfter'`); `'cap'` waits `maxRetryAfter` (or a
   * longer drawn delay) and retries, as ky does. Default: `'stop'`.
   */
  longRetryAfter?: 'stop' | 'cap';
  /**
   * How many retry slots a retry may try: the one its drawn delay ends in, then the next ones
   * (an integer from 1 to 1000). Used only with `slotWidth` and a `slots` guard. Default: 10.
   */
  slotCount?: number;
  /**
   * The width of a fleet-wide retry slot, in ms (1 to 2147483647): with a `slots` guard, each
   * slot admits at most its `limit` retries, and a retry whose slot is full waits for the next
   * one with room. Default: none (no slots).
   */
  slotWidth?: number;
  /**
   * How long a completed idempotent result is kept, in whole ms (from 1): read it with
   * `new Idempotency({ ttl: policy.toJSON().idempotencyTtl })`. Default: none.
   */
  idempotencyTtl?: number;
  /**
   * The first delay after a throttling error (one `throttlingOn` names), in ms (0 to
   * 2147483647); the backoff grows from it, capped at `maxDelay`. Default: `initialDelay`.
   */
  throttlingDelay?: number;
  /**
   * The first delay after a transient error (one `transientOn` names, or an attempt that timed
   * out), in ms (0 to 2147483647); the backoff grows from it, capped at `maxDelay`. Default:
   * `initialDelay`.
   */
  transientDelay?: number;
  /**
   * Hedging (Node): while an attempt has run this many ms (0 to 2147483647) without settling,
   * another starts beside it; the first success wins and the others' `signal`s abort (reason: a
   * `HedgeLostError`). A hedge counts as an attempt (`maxAttempts`), pays a retry budget's
   * `retryCost`, is refused by an open circuit, and is sent by `retryFetch` only for a request
   * it may send twice (an idempotent method, or an `Idempotency-Key`). A failure while another
   * attempt runs starts nothing at once; once none runs, the last failure is retried on the
   * schedule. Only for work that may run twice. The browser build refuses it. Default: none.
   */
  hedgeDelay?: number;
  /** The most hedges one call starts (an integer from 1 to 10). Used only with `hedgeDelay`. Default: 1. */
  maxHedges?: number;
  /**
   * Retry only errors whose `name`, `code` or constructor name is listed, or one of their
   * `cause` chain's (fetch puts the socket's `ECONNRESET` there). Responses in `retryFetch` are
   * retried by status whatever this lists. Default: `[]` (every error is retryable unless
   * `abortOn` names it, but a `TypeError` or `ReferenceError` from the caller's code, a bug,
   * which is retried only when listed here; fetch's own network failures are retried).
   */
  retryOn?: string[];
  /** Never retry errors whose `name`, `code` or constructor name (or a cause's) is listed; wins over everything. Default: `[]`. */
  abortOn?: string[];
  /**
   * Throttling errors: the service asks for less traffic. Names, codes or HTTP statuses as
   * text (`'429'`; with `toAwsRetryStrategy`, also the SDK's error type `'THROTTLING'`). A retry
   * after one waits from `throttlingDelay` and costs a budget its `throttlingCost`. Checked
   * before `transientOn`. It does not decide whether an error is retried (`retryOn` does).
   * Default: `[]`.
   */
  throttlingOn?: string[];
  /**
   * Transient errors: timeouts, reset connections, `'503'` (with `toAwsRetryStrategy`, also the
   * SDK's `'TRANSIENT'`). A retry after one, or after an attempt that timed out, waits from
   * `transientDelay` and costs a budget its `timeoutCost`. Default: `[]`.
   */
  transientOn?: string[];
}

/** What `toJSON()` returns: every field with a default is there; the others when set. */
export type CompletePolicyJSON = Required<Pick<PolicyJSON, 'maxAttempts' | 'initialDelay' | 'maxDelay' | 'multiplier' | 'backoff'
  | 'jitter' | 'jitterFactor' | 'longRetryAfter' | 'retryOn' | 'abortOn' | 'throttlingOn' | 'transientOn'>> & PolicyJSON;

/** What `onRetry` receives before each sleep, and before each hedge starts. */
export interface RetryEvent {
  /** The attempt that failed, counting from 1 (for a hedge: the attempts started so far). */
  attempt: number;
  /** The failure (undefined for a hedge). */
  error: unknown;
  /** `true` for a hedge: attempt `attempt + 1` starts now, beside those still running (see `hedgeDelay`). */
  hedge?: true;
  /** The sleep about to start, in ms. */
  delay: number;
  /**
   * Ms since the call started when the policy has `maxElapsed`; otherwise since the first
   * failure (the success path reads no clock unless a deadline needs it).
   */
  elapsed: number;
  /** Attempts the policy still allows after the one that failed (`maxAttempts − attempt`). */
  retriesLeft: number;
  /**
   * With retry slots: the number of the slot the retry landed in (it covers store time
   * `[slot × slotWidth, (slot + 1) × slotWidth)` ms since the epoch).
   */
  slot?: number;
}

/** What every event carries: its type and the names of the call it belongs to (undefined when unnamed). */
export interface EventLabels {
  service?: string;
  operation?: string;
}

/**
 * The events of a call's life, in the order a call meets them, given to `onEvent` and, in
 * Node, published on the diagnostics channel `jitterbug:<type>` (see {@link subscribe}).
 * Times are in ms; `elapsed` counts from the call's first attempt.
 */
export type JitterbugEvent = EventLabels & (
  /** An attempt ended. In Node, retryFetch's also carry `method`, `url` and the response's `status`. */
  | { type: 'attempt'; attempt: number; duration: number; outcome: 'success' | 'failure' | 'timeout' | 'aborted'; error?: unknown;
      method?: string; url?: string; status?: number; hedge?: true }
  /** A retry is scheduled after attempt `attempt`; `errorClass` is `'other'`, `'throttling'` or `'transient'`. */
  | { type: 'retry'; attempt: number; delay: number; elapsed: number; error: unknown; errorClass: ErrorClass; retriesLeft: number }
  /** Node: attempt `attempt` starts now as a hedge, beside the attempts still running (see `hedgeDelay`). */
  | { type: 'hedge'; attempt: number; elapsed: number; retriesLeft: number }
  /** The retry budget refused the retry after attempt `attempt` (a `giveUp` with reason `'budget'` follows). */
  | { type: 'budgetRefused'; attempt: number; error: unknown; errorClass: ErrorClass }
  | { type: 'success'; attempts: number; elapsed: number }
  /** The call stopped: `reason` as `onGiveUp`'s. (An aborted call ends without one; its last attempt says `'aborted'`.) */
  | { type: 'giveUp'; reason: string; attempts: number; error: unknown; elapsed: number }
  /** A circuit breaker changed state, during this call (or, on the channel alone, during a call nobody listens to). */
  | { type: 'breaker'; from: string; to: string; reason: string }
  /** A coordination store became unreachable or reachable again (channel only: it belongs to no one call). */
  | { type: 'coordination'; available: boolean; error?: unknown; failOpen: boolean }
);

export type ErrorClass = 'other' | 'throttling' | 'transient';

/** Every event type; Node's channel for each is `jitterbug:<type>`. */
export declare const eventTypes: readonly JitterbugEvent['type'][];

/**
 * Node (20.16 and later): calls `listener` with every event of every call in the process,
 * through the diagnostics channels; returns the function that stops it. In a browser, use
 * `onEvent` on a Policy.
 */
export declare function subscribe(listener: (event: JitterbugEvent, channel: string) => void): () => void;

/** Behaviour and shared state that cannot travel as data; accepted by a Policy and by each call. */
export interface RetryBehaviour {
  /**
   * A retry budget shared with other calls: each retry must be paid for, and when the bucket
   * cannot pay the call stops with `RetryExhaustedError` (`reason: 'budget'`). Default: none.
   */
  budget?: RetryBudget;
  /**
   * A circuit breaker shared with other calls: every attempt asks it first, and while it is
   * open the call rejects at once with `CircuitOpenError`, without calling `fn` and without
   * retrying. Default: none.
   */
  breaker?: CircuitBreaker;
  /**
   * An adaptive client rate shared with other calls (Node): off until an error of the
   * throttling class (`throttlingOn`), then every attempt waits for a token at a rate that
   * follows the service's answers. Default: none.
   */
  rate?: AdaptiveRate;
  /**
   * Retry slots shared with the fleet (the policy needs `slotWidth`): a retry must find room in
   * a slot, else the call stops with `RetryExhaustedError` (`reason: 'slots'`). Default: none.
   */
  slots?: RetrySlots;
  /** Where idempotency keys are kept, for calls with an `idempotencyKey`. Default: none. */
  idempotency?: Idempotency;
  /**
   * Asked after an error that `retryOn`/`abortOn` allow; return (or resolve) `false` to stop
   * and reject with that error unchanged. The place for work before the next attempt (refresh
   * a token, reconnect): it is awaited, its time counts against `maxElapsed`, and an abort cuts
   * it short. Default: none.
   */
  retryIf?: (error: unknown, info: { attempt: number; elapsed: number; retriesLeft: number }) => boolean | Promise<boolean>;
  /**
   * Retry on a result, not only an error: return (or resolve) `true` for a result that asks for
   * another attempt ("poll until the job says DONE"). When the attempts run out the call
   * rejects with `RetryExhaustedError`, whose `cause` (a `RetryableResultError`) carries the
   * last result as `value`. `retryOn` does not apply to it, `abortOn` does; a breaker counts
   * it as a success. If it throws, the call ends with that error, unretried. Default: none.
   */
  retryOnResult?: (result: any, info: { attempt: number }) => boolean | Promise<boolean>;
  /**
   * Called once when the call gives up: `reason` is a `RetryExhaustedError` reason,
   * `'notRetryable'` or `'circuitOpen'`; `error` is the last attempt's error (for an open
   * circuit, the `CircuitOpenError`). Not called for a success or an abort. An error it throws
   * is reported as a process warning and never changes the outcome. Default: none.
   */
  onGiveUp?: (event: { reason: string; attempts: number; error: unknown; elapsed: number }) => void;
  /** Called before each sleep. Its own errors never break the retry; they are kept in the attempt log. Default: none. */
  onRetry?: (event: RetryEvent) => unknown;
  /**
   * Hears every event of the call's life (see {@link JitterbugEvent}), in any runtime: the
   * place for logs, metrics and traces (`jitterbug/log`, `jitterbug/prometheus`,
   * `jitterbug/powertools` and `jitterbug/otel` each make one). An error it throws is reported
   * as a process warning and never changes the outcome. With no `onEvent` and no subscriber to
   * the diagnostics channels, a call does no work for events. Default: none.
   */
  onEvent?: (event: JitterbugEvent) => void;
  /** The service the call reaches, as events, logs and metrics name it (`'lake'`). A non-empty string. Default: none. */
  service?: string;
  /** The operation the call performs, as events, logs and metrics name it (`'data_fetch'`). A non-empty string. Default: none. */
  operation?: string;
  /**
   * The call's timers (its waits and `attemptTimeout`) do not keep a Node process alive: a
   * CLI exits when its other work is done, even with a retry waiting, and that call never
   * settles. Browsers have no such timers; there it changes nothing. Default: `false`.
   */
  unref?: boolean;
}

/** Per-call options of `policy.execute(fn, call)` and `retry(fn, policy, call)`. */
export interface CallOptions extends RetryBehaviour {
  /**
   * Aborting rejects the call at once with `signal.reason`, also mid-sleep or while an async
   * `retryIf` is pending; no further attempt starts, no timer is left behind, and a retry the
   * budget paid for but never made is given back. Default: none.
   */
  signal?: AbortSignal;
  /**
   * Runs the whole retried call at most once for this key across every process sharing the
   * `idempotency` store: concurrent callers with the key wait for its result. Default: none.
   */
  idempotencyKey?: string;
}

/**
 * Options for `new Policy(options)` and `withRetry(options)`: the policy's data, and its
 * behaviour.
 */
export interface PolicyOptions extends Omit<PolicyJSON, 'backoff'>, RetryBehaviour {
  /**
   * As in {@link PolicyJSON.backoff}, or, for the rare schedule no list or formula says, a
   * function: `(retry, error) => ms` returns the base delay before retry `retry` (1 = the
   * retry after the first attempt) after `error`; jitter and `maxDelay` still apply, and it
   * is asked only when a retry may follow (and by `delays(n)` previews, with no error). A
   * function is not data: `toJSON` and `toEnv` refuse such a policy, and
   * `throttlingDelay`/`transientDelay` may not be set beside it.
   * @throws {RangeError} (from the call) when it returns a negative number or NaN.
   */
  backoff?: Backoff | readonly number[] | ((retry: number, error: unknown) => number);
}

/** Inline options for `retry(fn, options)`: policy fields and call options together. */
export interface RetryOptions extends PolicyOptions, CallOptions {}

/** A validated retry policy, built once and shared by any number of calls. */
export declare class Policy {
  /** @throws {TypeError} a field of the wrong type, or an unknown field. @throws {RangeError} a value out of range. */
  constructor(options?: PolicyOptions);
  /** Calls `fn({ attempt, signal })` until it succeeds or the policy stops. */
  execute<T>(fn: (context: AttemptContext) => T | PromiseLike<T>, call?: CallOptions): Promise<T>;
  /** `fn` with the same arguments, retried under this policy. */
  wrap<A extends unknown[], T>(fn: (...args: A) => T | PromiseLike<T>): (...args: A) => Promise<T>;
  /** The first `count` delays (ms) this policy draws, for previews and tests (count: 0 to 100000). */
  delays(count: number): number[];
  /** Every field, defaults included; unset optional fields are left out. */
  toJSON(): CompletePolicyJSON;
  static fromJSON(json: PolicyJSON): Policy;
  /**
   * Reads `RETRY_MAX_ATTEMPTS`, `RETRY_INITIAL_DELAY`, `RETRY_MAX_DELAY`, `RETRY_MULTIPLIER`,
   * `RETRY_BACKOFF`, `RETRY_JITTER`, `RETRY_JITTER_FACTOR`, `RETRY_MAX_ELAPSED`,
   * `RETRY_ATTEMPT_TIMEOUT`, `RETRY_SEED`, `RETRY_MAX_RETRY_AFTER`, `RETRY_SLOT_COUNT`,
   * `RETRY_SLOT_WIDTH`, `RETRY_IDEMPOTENCY_TTL`, `RETRY_THROTTLING_DELAY`,
   * `RETRY_TRANSIENT_DELAY`, `RETRY_LONG_RETRY_AFTER`, `RETRY_RETRY_ON`, `RETRY_ABORT_ON`,
   * `RETRY_THROTTLING_ON`, `RETRY_TRANSIENT_ON` (durations in **seconds**, lists
   * comma-separated; `RETRY_BACKOFF` a name or delays in seconds). Default env:
   * `process.env`; default prefix: `'RETRY_'`.
   */
  static fromEnv(env?: Record<string, string | undefined>, options?: { prefix?: string }): Policy;
}

/**
 * Named policies: the service-wide retry standard's `default`, `aggressive` and
 * `conservative`; the AWS SDKs' standard retry mode as `awsStandard` (full jitter from 100 ms,
 * 500 ms after throttling, up to 20 s, 3 attempts; only throttling and transient errors
 * retried: a 501 is not) and with the constants the SDKs adopted in 2026 as `aws2026` (50 ms,
 * 1 s after throttling). Pair the AWS ones with `RetryBudget.presets` of the same name.
 * The AWS ones are Node-only: in the browser build, reading one throws a `TypeError`.
 */
export declare const presets: {
  readonly default: Policy;
  readonly aggressive: Policy;
  readonly conservative: Policy;
  readonly awsStandard: Policy;
  readonly aws2026: Policy;
};

/** One failed attempt in `RetryExhaustedError.log`. */
export interface AttemptRecord {
  attempt: number;
  error: unknown;
  /** The sleep that followed, in ms; undefined for the last attempt. */
  delay: number | undefined;
  elapsed: number;
  /** What `onRetry` threw for this attempt, if it threw. */
  onRetryError?: unknown;
}

/** The call stopped retrying while its error was still retryable. */
export declare class RetryExhaustedError extends Error {
  readonly name: 'RetryExhaustedError';
  /** See {@link ExhaustedReason}. */
  readonly reason: ExhaustedReason;
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Ms elapsed when it stopped (see `RetryEvent.elapsed`). */
  readonly elapsed: number;
  /** The last attempt's error. */
  readonly cause: unknown;
  readonly log: AttemptRecord[];
}

/** An attempt ran longer than `attemptTimeout`. Retryable unless `abortOn` names `'TimeoutError'`. */
export declare class AttemptTimeoutError extends Error {
  readonly name: 'TimeoutError';
  readonly attempt: number;
  readonly timeout: number;
}

/**
 * Node builds: the reason an attempt's `signal` aborts with when another attempt of its call
 * (a hedge, or the attempt it hedged) succeeded first (see `hedgeDelay`).
 */
export declare class HedgeLostError extends Error {
  readonly name: 'HedgeLostError';
}

/**
 * Calls `fn({ attempt, signal })` until it succeeds or the policy stops.
 * An error the policy does not retry propagates unchanged; exhaustion rejects with
 * `RetryExhaustedError`; an abort rejects with `signal.reason`.
 */
// The options overload comes last: when no overload fits, TypeScript reports the last one's
// error, and a misspelt option should be named against the options.
export declare function retry<T>(fn: (context: AttemptContext) => T | PromiseLike<T>, policy: Policy, call?: CallOptions): Promise<T>;
export declare function retry<T>(fn: (context: AttemptContext) => T | PromiseLike<T>, options?: RetryOptions): Promise<T>;

/** What a batch's function resolves to for each pending item (the shape `Promise.allSettled` gives). */
export type BatchItemResult<V> = { status: 'fulfilled'; value: V } | { status: 'rejected'; reason: unknown };
/** An item's outcome once the batch is over: `attempts` is the attempt that settled it. */
export type BatchItemOutcome<V> = BatchItemResult<V> & { attempts: number };
/** What `onRetry` receives before a batch is sent again: a retry's event, and how many items are still pending. */
export interface BatchRetryEvent extends RetryEvent {
  pending: number;
}
/** What retryBatch refuses (with a TypeError naming it): report item failures instead. */
type NotForBatches = 'onRetry' | 'retryIf' | 'retryOnResult' | 'rate' | 'slots' | 'idempotency' | 'idempotencyKey';
export interface BatchCallOptions extends Omit<CallOptions, NotForBatches> {
  /** Stop at the first item that fails for good (its error is not retried). Default: false. */
  failFast?: boolean;
  onRetry?: (event: BatchRetryEvent) => void;
}
export interface BatchOptions extends Omit<PolicyOptions, NotForBatches | 'backoff' | 'hedgeDelay' | 'maxHedges'>, BatchCallOptions {
  /** A name or a list of delays: a backoff function is not applied to batches. */
  backoff?: Backoff | readonly number[];
}
/**
 * Node builds: sends `items` through `fn(pending, context)`, which resolves to one settled
 * result per pending item, in their order; only the items that failed with a retryable error
 * are sent again, under one schedule. Resolves with each item's outcome, in the order of `items`.
 */
export declare function retryBatch<I, V>(items: Iterable<I>, fn: (pending: I[], context: AttemptContext) => PromiseLike<BatchItemResult<V>[]> | BatchItemResult<V>[],
  policy: Policy, call?: BatchCallOptions): Promise<BatchItemOutcome<V>[]>;
export declare function retryBatch<I, V>(items: Iterable<I>, fn: (pending: I[], context: AttemptContext) => PromiseLike<BatchItemResult<V>[]> | BatchItemResult<V>[],
  options?: BatchOptions): Promise<BatchItemOutcome<V>[]>;

/** A decorator: `withRetry(options)(fn)` is `fn` with the same arguments, retried. */
export declare function withRetry(options?: PolicyOptions | Policy): <A extends unknown[], T>(
  fn: (...args: A) => T | PromiseLike<T>,
) => (...args: A) => Promise<T>;

/** Options of `retryFetch` and `createFetch`: the retry options, plus which outcomes HTTP retries. */
export interface FetchRetryOptions extends Omit<RetryOptions, 'idempotencyKey' | 'onGiveUp'> {
  /** Statuses worth another attempt (integers from 100 to 599). Default: `[408, 429, 500, 502, 503, 504]`. */
  retryOnStatus?: number[];
  /**
   * Statuses whose asked-for wait is honoured (`Retry-After`, `x-amz-retry-after`,
   * `RateLimit-Reset`, `X-RateLimit-Retry-After`, `X-RateLimit-Reset`). Default: `[429, 503]`.
   */
  retryAfterOn?: number[];
  /**
   * Methods that may be sent again. Default: `['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'QUERY']`;
   * a request with an `Idempotency-Key` header may always be.
   */
  retryMethods?: string[];
  /**
   * Sends one `Idempotency-Key` header on every attempt of a call (unless the request has
   * one): `true` for a random UUID per call, a function returning the call's key, or the key
   * itself (with `retryFetch`). A request with the header may be retried whatever its
   * method, and the server can tell a retry from a new request. Default: none.
   */
  idempotencyKey?: true | string | ((input: string | URL | Request, init: RequestInit) => string);
  /**
   * Called when retryFetch resolves with a failing response it gave up on (retries ran out, a
   * `Retry-After` past the cap, a request it may not send again), with the reason. Its errors
   * never change the result. Default: none.
   */
  onGiveUp?: (event: FetchOutcome & { response: Response }) => void;
}

/** Why retryFetch resolved with a failing response (see `retryOutcome`). */
export interface FetchOutcome {
  /** Attempts made. */
  attempts: number;
  /** A `RetryExhaustedError`'s reason, or `'notRetryable'` (the request may not be sent again). */
  reason: ExhaustedReason | 'notRetryable';
  /** Ms elapsed, when retries ran out (see `RetryEvent.elapsed`). */
  elapsed?: number;
}

/** For a failing response retryFetch gave up on: why, and after how many attempts; else undefined. */
export declare function retryOutcome(response: Response): FetchOutcome | undefined;

/**
 * `fetch(input, init)`, retried. Resolves with a `Response` like fetch: the last one when the
 * retries for a retryable status run out (or a `Retry-After` asks too long a wait); rejects
 * with `RetryExhaustedError` when network failures exhaust them, with the same error when the
 * request may not be retried (a non-idempotent method), and with `signal.reason` when
 * `init.signal` aborts. A `ReadableStream` body is sent once and never retried.
 */
export declare function retryFetch(input: string | URL | Request, init?: RequestInit, options?: FetchRetryOptions | Policy): Promise<Response>;

/** A function with fetch's signature that retries under `options`, validated once. Default `fetchImpl`: the global `fetch`. */
export declare function createFetch(
  options?: FetchRetryOptions | Policy,
  fetchImpl?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A failing response (a retryable status, or any 5xx), as `onRetry`, `retryIf` and a breaker
 * see it; `retryFetch` still resolves with the response. `code` is the status as a string.
 */
export declare class HttpStatusError extends Error {
  readonly name: 'HttpStatusError';
  readonly code: string;
  readonly status: number;
  readonly response: Response;
  /** The wait its `Retry-After` asked for, in ms (only on 429 and 503). */
  readonly retryAfter: number | undefined;
}

/** A retry budget's options and state; `snapshot()` returns every field. */
export interface RetryBudgetOptions {
  /** Tokens the bucket holds (an integer from 1 to 1e9). Default: 500. */
  capacity?: number;
  /** Tokens a retry costs (0 to `capacity`). Default: 5, or `capacity` if smaller. */
  retryCost?: number;
  /**
   * Tokens a retry after a transient error costs: an attempt that timed out, or an error the
   * policy's `transientOn` names (the AWS SDKs charge this for every transient error). 0 to
   * `capacity`. Default: 10, or `capacity` if smaller.
   */
  timeoutCost?: number;
  /** Tokens a retry after a throttling error (the policy's `throttlingOn`) costs (0 to `capacity`). Default: `retryCost`. */
  throttlingCost?: number;
  /** Tokens a call that succeeded at its first attempt puts back (0 to `capacity`). Default: 1. */
  noRetryIncrement?: number;
  /** Tokens in the bucket now (0 to `capacity`). Default: `capacity` (full). Local budgets only. */
  tokens?: number;
}

/** A budget the whole fleet shares: its bucket lives in a store, under a key. */
export interface SharedRetryBudgetOptions extends Omit<RetryBudgetOptions, 'tokens'> {
  /** The store every process shares (a `RedisStore` from `jitterbug/redis`, or a `MemoryStore`). */
  store: CoordinationStore;
  /** The bucket's name in the store: every process using the same key shares one bucket. */
  key: string;
  /** How often refunds gathered in this process are given back to the store, in ms. Default: 1000. */
  flushInterval?: number;
}

/**
 * A token bucket many call sites share, so that retries cannot multiply an outage (the AWS
 * SDKs' standard retry quota): the first attempt is free, a retry costs `retryCost`
 * (`timeoutCost` after a transient error or a timeout, `throttlingCost` after throttling), a
 * success refunds its last retry's cost (or
 * `noRetryIncrement`), never above `capacity`. Node builds only: the browser build throws a
 * TypeError.
 */
export declare class RetryBudget {
  /**
   * A local budget, or with `store` and `key` one the fleet shares: a retry takes its cost in
   * the store (one round trip, only after a failure); refunds are gathered in the process and
   * given back every `flushInterval`, so a call that succeeds costs the store nothing.
   */
  constructor(options?: RetryBudgetOptions | SharedRetryBudgetOptions);
  /** Tokens left (a shared budget: the store's count at its last answer). */
  readonly tokens: number;
  /** Gives gathered refunds back to the store now (a shared budget); resolves to the tokens. */
  flush(): Promise<number>;
  /** Flushes and stops the background flush; call it before a process ends. */
  close(): Promise<number>;
  /** Every option and the tokens left, as plain data (a local budget; a shared one throws a TypeError). */
  snapshot(): Required<RetryBudgetOptions>;
  static restore(snapshot: RetryBudgetOptions): RetryBudget;
  /**
   * The AWS SDKs' retry quotas, as options: `awsStandard` (500 tokens; 5 a retry, 10 after a
   * transient error, 5 after throttling) and `aws2026` (14 a retry, transient ones too; 5 after
   * throttling). `new RetryBudget(RetryBudget.presets.aws2026)`.
   */
  static readonly presets: {
    readonly awsStandard: Readonly<Required<Omit<RetryBudgetOptions, 'tokens'>>>;
    readonly aws2026: Readonly<Required<Omit<RetryBudgetOptions, 'tokens'>>>;
  };
}

/** What a store's `onStatusChange` receives: once when it becomes unreachable, once when it is back. */
export interface CoordinationStatus {
  available: boolean;
  /** Why it became unreachable. */
  error?: unknown;
}

/**
 * The operations that must be atomic across every process sharing a budget, retry slots or
 * idempotency keys. `MemoryStore` (one process) and `RedisStore` (`jitterbug/redis`, a fleet)
 * implement it; what each operation decides comes from jitterbug's engine, a store only counts.
 */
export interface CoordinationStore {
  /** The longest a call waits on the store, in ms, before it decides locally. Default: 100. */
  readonly timeout?: number;
  /** Whether calls decide locally while the store is unreachable (default) or refuse. */
  readonly failOpen?: boolean;
  onStatusChange?: (status: CoordinationStatus) => void;
  /** The store's clock, ms since the epoch: retry slots are numbered on it. */
  clock(): number;
  // Each operation below may receive a last `signal`: aborted when the caller stops waiting
  // (after `timeout`), so that a client can drop a command it has not sent yet.
  /** Takes `cost` tokens if the bucket (absent: full) holds as many: the tokens left, or -1. */
  take(key: string, cost: number, capacity: number, ttl: number, signal?: AbortSignal): Promise<number>;
  /** Puts `tokens` back, never above `capacity`: the tokens now. */
  give(key: string, tokens: number, capacity: number, ttl: number, signal?: AbortSignal): Promise<number>;
  tokens(key: string, capacity: number, signal?: AbortSignal): Promise<number>;
  /** Counts one retry in the first of slots `first` … `first + count − 1` holding fewer than `limit`: its index, or -1. */
  reserveSlot(key: string, first: number, count: number, limit: number, ttl: number, signal?: AbortSignal): Promise<number>;
  /** Claims an idempotency key for `owner` (for `lockTtl` ms), or reports its state. */
  claim(key: string, owner: string, fingerprint: string, lockTtl: number, signal?: AbortSignal): Promise<{ status: 'claimed' | 'running' | 'done' | 'conflict'; result?: string }>;
  /** Stores the owner's result for `ttl` ms: false when the claim was no longer the owner's. */
  complete(key: string, owner: string, result: string, ttl: number, signal?: AbortSignal): Promise<boolean>;
  /** Frees the owner's claim (its run failed): false when it was no longer the owner's. */
  release(key: string, owner: string, signal?: AbortSignal): Promise<boolean>;
}

/** A store in this process's memory: the same semantics as Redis, for one process. Node builds only. */
export interface MemoryStore extends CoordinationStore {}
export declare const MemoryStore: { new (): MemoryStore; readonly prototype: MemoryStore };

/** Raised when a store that fails closed cannot be reached. */
export declare class CoordinationError extends Error {
  readonly name: 'CoordinationError';
}

/**
 * Fleet-wide retry slots: time slots of the policy's `slotWidth` ms, each admitting at most
 * `limit` retries across every process sharing the store and key. Node builds only.
 */
export declare class RetrySlots {
  /** `store`: default, this process's memory store. */
  constructor(options: { store?: CoordinationStore; key: string; limit: number });
  readonly key: string;
  readonly limit: number;
}

export interface IdempotencyOptions {
  /** Where keys are kept. Default: this process's memory store. */
  store?: CoordinationStore;
  /** How long a completed result is kept, in whole ms. Default: 3600000 (an hour). */
  ttl?: number;
  /** How long a run's claim lasts before it counts as crashed, in whole ms. Default: 60000. */
  lockTtl?: number;
  /** How long a caller waits for another's run of the same key, in whole ms. Default: 10000. */
  wait?: number;
  /** How often a waiting caller looks again, in whole ms. Default: 25. */
  pollInterval?: number;
}

/**
 * Runs an operation at most once per key across every process sharing the store. Results are
 * stored as JSON. Node builds only.
 */
export declare class Idempotency {
  constructor(options?: IdempotencyOptions);
  /**
   * The first caller of `key` runs `fn` and its result is kept for `ttl`; callers meanwhile
   * wait (up to `wait`) and get the same result; if `fn` fails, the key is free again. A call
   * with another `fingerprint` (any JSON value describing the request) is refused.
   * @throws {IdempotencyError} `code` 'conflict', 'inProgress' or 'noResult'.
   */
  run<T>(key: string, fn: () => T | PromiseLike<T>, options?: { fingerprint?: unknown }): Promise<T>;
}

export declare class IdempotencyError extends Error {
  readonly name: 'IdempotencyError';
  readonly code: 'conflict' | 'inProgress' | 'noResult' | 'lockLost';
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** A state change of a `CircuitBreaker`. */
export interface CircuitStateChange {
  from: CircuitState;
  to: CircuitState;
  reason: 'consecutiveFailures' | 'failureRatio' | 'openDelayElapsed' | 'probeSucceeded' | 'probeFailed';
}

export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit (integer from 1). Default: 5. */
  failureThreshold?: number;
  /** Also open when this share of the attempts in the window failed (0 < r <= 1). Default: none. */
  failureRatio?: number;
  /** The rolling window for `failureRatio`, in ms (>= 10). Default: 10000. */
  windowMs?: number;
  /** Attempts the window must hold before `failureRatio` counts (integer from 1). Default: 10. */
  minimumCalls?: number;
  /** Ms open before a probe is let through, exactly on a first trip (0 to 2147483647). Default: 5000. */
  openDelay?: number;
  /**
   * Cap on the open delay of repeated trips, which draw from `[d/2, d)` with d doubling per
   * trip up to it (`openDelay` to 2147483647). Default: `openDelay` (no growth).
   */
  maxOpenDelay?: number;
  /** Probes let through at once while half-open (integer from 1). Default: 1. */
  halfOpenMaxCalls?: number;
  /**
   * Ms a probe holds its place while half-open; a probe that has neither settled nor been
   * aborted by then gives it up, so one that hangs cannot keep the breaker half-open
   * (1 to 2147483647). Default: 10000.
   */
  probeLease?: number;
  /** Probes that must succeed, of `halfOpenSample`, for a half-open breaker to close (integer from 1). Default: 1. */
  halfOpenSuccesses?: number;
  /**
   * The probes a half-open breaker judges: it re-opens as soon as so many failed that the rest
   * cannot reach `halfOpenSuccesses` (integer from `halfOpenSuccesses`). Default: `halfOpenSuccesses`.
   */
  halfOpenSample?: number;
  /** Seeds the jitter of repeated trips (integer from 0 to 2^53 − 1). Default: a fresh seed. */
  seed?: number;
}

/** What `CircuitBreaker#snapshot()` returns. */
export interface CircuitBreakerSnapshot {
  options: CircuitBreakerOptions;
  state: CircuitState;
  consecutiveFailures: number;
  /** Unix ms until which it stays open. */
  openUntil: number;
  trips: number;
  /** The rolling window: `[bucket index, calls, failures]` per bucket. */
  window: [number, number, number][];
}

/**
 * Closed → open after `failureThreshold` consecutive failed attempts or past `failureRatio`;
 * open → half-open after the open delay; half-open lets `halfOpenMaxCalls` probes through at a
 * time and closes once `halfOpenSuccesses` of `halfOpenSample` succeeded (default: the first
 * success closes it, a failure re-opens it). Every failed attempt counts (an attempt the
 * caller aborted does not, and frees a probe's place). An `onStateChange` that throws never
 * changes a call's outcome: its error is reported as a process warning. Node builds only: the
 * browser build throws a TypeError.
 */
export declare class CircuitBreaker {
  /**
   * `isFailure(error)`: whether a failed attempt counts against the service; `false` (the
   * service answered: a validation error, a 404) counts it as a success. Default: every error counts.
   */
  constructor(options?: CircuitBreakerOptions & { onStateChange?: (change: CircuitStateChange) => void; isFailure?: (error: unknown) => boolean });
  readonly state: CircuitState;
  snapshot(): CircuitBreakerSnapshot;
  static restore(snapshot: CircuitBreakerSnapshot, options?: { onStateChange?: (change: CircuitStateChange) => void; isFailure?: (error: unknown) => boolean }): CircuitBreaker;
}

/** A call failed fast because the circuit is open. */
export declare class CircuitOpenError extends Error {
  readonly name: 'CircuitOpenError';
  /** Ms until a probe is let through (0 when the probes are out). */
  readonly retryAfter: number;
}

/** An Amazon States Language `Retrier`. `MaxAttempts` counts **retries** (ours: attempts − 1). */
export interface StepFunctionsRetrier {
  ErrorEquals: string[];
  /** Whole seconds, rounded up from `initialDelay` (1 to 99999999). */
  IntervalSeconds: number;
  /** Retries, not attempts (0 to 99999999). */
  MaxAttempts: number;
  BackoffRate: number;
  /** Whole seconds, rounded up from `maxDelay` (1 to 31622400). */
  MaxDelaySeconds: number;
  JitterStrategy: 'FULL' | 'NONE';
}

/**
 * The Step Functions retrier closest to `policy`, and what it cannot express, one sentence per
 * loss. `errors` is ErrorEquals. Default: the policy's `retryOn`, else `['States.ALL']`.
 */
export declare function toStepFunctionsRetry(policy: Policy, options?: { errors?: string[] }): { retrier: StepFunctionsRetrier; losses: string[] };

/**
 * The environment variables `Policy.fromEnv` reads back into an identical policy (durations in
 * seconds, exactly). Default prefix: `'RETRY_'`. Throws a RangeError for a name with a comma.
 */
export declare function toEnv(policy: Policy, options?: { prefix?: string }): Record<string, string>;

/**
 * A `maxElapsed` for one Lambda invocation: `context.getRemainingTimeInMillis()` less `reserve`
 * ms kept for the handler's own work (default 500). Throws a RangeError when no time is left.
 */
export declare function deadlineFrom(context: { getRemainingTimeInMillis(): number }, options?: { reserve?: number }): number;

/** What the AWS SDK v3 passes to a retry strategy about a failed request. */
export interface AwsRetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
  error?: unknown;
}

/** A retry token of the AWS SDK v3's `RetryStrategyV2`. */
export interface AwsRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * The AWS SDK v3 `RetryStrategyV2` for `policy`: pass it as `retryStrategy` to any client. The
 * SDK's client errors are never retried; `retryOn`/`abortOn` (and `throttlingOn`/`transientOn`)
 * match SDK error names and its error types (`'THROTTLING'`, `'TRANSIENT'`, `'SERVER_ERROR'`);
 * the SDK's throttling and transient errors keep their class (wait and budget cost); a
 * Retry-After hint is honoured up to `maxRetryAfter`; `budget` (default: the policy's) rations
 * retries. Node builds only.
 */
export declare function toAwsRetryStrategy(policy: Policy, options?: {
  budget?: RetryBudget;
  /** `'adaptive'`: the SDKs' adaptive mode, a client rate that slows down when throttled. Default: `'standard'`. */
  mode?: 'standard' | 'adaptive';
  /** With `mode: 'adaptive'`, a rate shared with other clients or calls. Default: one of the strategy's own. */
  rate?: AdaptiveRate;
}): {
  mode: string;
  acquireInitialRetryToken(retryTokenScope: string): Promise<AwsRetryToken>;
  refreshRetryTokenForRetry(token: AwsRetryToken, errorInfo: AwsRetryErrorInfo): Promise<AwsRetryToken>;
  recordSuccess(token: AwsRetryToken): void;
};

/**
 * The AWS SDKs' adaptive client rate (their "adaptive" retry mode), for any call: give it as
 * `rate` to a Policy or a call. Off, and free, until an error of the throttling class; then a
 * token bucket paces every attempt of every call sharing it, its rate cut to 0.7 of the measured
 * one per throttle and grown back along a CUBIC curve, never below 0.5 requests a second. A wait
 * that would pass the call's deadline is not begun. Node builds.
 */
export declare class AdaptiveRate {
  /** It takes no options: its constants are the SDKs'. */
  constructor(options?: Record<string, never>);
  /** Whether a throttling error has switched the rate limit on. */
  readonly enabled: boolean;
  /** The requests per second calls may send now (limited only once `enabled`). */
  readonly fillRate: number;
  /** The calls' measured sending rate, in requests per second. */
  readonly measuredRate: number;
}
