//! `EnginePolicy` and `EngineRun`: newtypes over the engine's `Policy` and `Schedule`.
//!
//! Options cross the boundary as numbers: the package's JavaScript reads an options object
//! with the generated field table and passes one array of slots, one per field (`Field::ALL`
//! order, backoff and jitter as indexes into their name lists), with a bitmask of the slots
//! the user set. That keeps per-call validation free of string copies.

use alloc::string::String;
use alloc::vec::Vec;

use super::entropy::fresh_seed;
use super::errors::{number_text, to_js_error};
#[cfg(feature = "overload")]
use crate::engine::breaker::{
    Admission, Breaker, BreakerOptions, BreakerState, Reason, State, Transition, BUCKETS,
};
#[cfg(feature = "overload")]
use crate::engine::budget::{Budget, BudgetOptions};
#[cfg(feature = "env")]
use crate::engine::env::options_from_env_values;
use crate::engine::http::ResponseOutcome;
use crate::engine::{http, retry_after};
use crate::engine::{
    Backoff, Decision, Failure, Field, Jitter, Policy, PolicyError, PolicyOptions, Schedule,
};
use wasm_bindgen::prelude::*;

/// The options in `slots`: one number per field in `Field::ALL` order (the name lists
/// excepted; backoff and jitter as indexes into their name lists), read where `present` has the
/// field's bit.
fn options_from_slots(present: u32, slots: &[f64]) -> Result<PolicyOptions, PolicyError> {
    let slot = |field: Field| {
        (present & (1 << field.index()) != 0)
            .then(|| slots.get(field.index()).copied())
            .flatten()
    };
    // `get`, not indexing: no bounds-check panic (and its formatting code) in the module.
    fn named<T: Copy>(
        code: Option<f64>,
        all: &[T],
        field: Field,
    ) -> Result<Option<T>, PolicyError> {
        match code {
            None => Ok(None),
            Some(code) => (code >= 0.0)
                .then(|| all.get(code as usize).copied())
                .flatten()
                .map(Some)
                .ok_or_else(|| PolicyError::unknown_name(field, &number_text(code))),
        }
    }
    let mut options = PolicyOptions {
        backoff: named(slot(Field::Backoff), &Backoff::ALL, Field::Backoff)?,
        jitter: named(slot(Field::Jitter), &Jitter::ALL, Field::Jitter)?,
        ..PolicyOptions::default()
    };
    for field in Field::ALL {
        if let Some(number) = options.number_mut(field) {
            *number = slot(field);
        }
    }
    Ok(options)
}

/// `true` when the slots make a valid policy: the cheap check `retry(fn, options)` runs when
/// a call site's options change. When it fails, `new EnginePolicy` with the same slots throws
/// the error.
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(present: u32, slots: &[f64]) -> bool {
    options_from_slots(present, slots).is_ok_and(|options| options.first_problem().is_none())
}

/// A list of names passed as one NUL-separated string (JavaScript rejects names with NUL);
/// the empty string is the empty list.
fn split_names(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        return Vec::new();
    }
    joined.split('\0').map(String::from).collect()
}

#[wasm_bindgen(js_name = EnginePolicy)]
pub struct EnginePolicy(Policy);

impl EnginePolicy {
    /// The engine's policy, for the binding's other modules.
    #[cfg(feature = "infra")]
    pub(crate) fn policy(&self) -> &Policy {
        &self.0
    }
}

#[wasm_bindgen(js_class = EnginePolicy)]
impl EnginePolicy {
    #[wasm_bindgen(constructor)]
    pub fn new(
        present: u32,
        slots: &[f64],
        retry_on: &str,
        abort_on: &str,
    ) -> Result<EnginePolicy, JsValue> {
        let mut options = options_from_slots(present, slots).map_err(|err| to_js_error(&err))?;
        options.retry_on = Some(split_names(retry_on));
        options.abort_on = Some(split_names(abort_on));
        options
            .build()
            .map(EnginePolicy)
            .map_err(|err| to_js_error(&err))
    }

    #[cfg(feature = "env")]
    /// A policy from environment variables: `values` holds, NUL-separated, the value of
    /// `prefix` + each of the engine's `envNames` in order (empty when unset); JavaScript
    /// reads them. NUL cannot occur in an environment variable.
    #[wasm_bindgen(js_name = fromEnv)]
    pub fn from_env(prefix: &str, values: &str) -> Result<EnginePolicy, JsValue> {
        let values: Vec<String> = values.split('\0').map(String::from).collect();
        let parse = |text: &str| Some(js_sys::Number::from(JsValue::from_str(text)).value_of());
        options_from_env_values(prefix, &values, &parse)
            .and_then(|options| options.build())
            .map(EnginePolicy)
            .map_err(|err| to_js_error(&err))
    }

    /// Field `index` (in `Field::ALL` order) of the validated policy, defaults included, as
    /// a number (backoff and jitter as indexes into their name lists); NaN for an unset
    /// optional field or a list field.
    pub fn slot(&self, index: usize) -> f64 {
        let Some(&field) = Field::ALL.get(index) else {
            return f64::NAN;
        };
        match field {
            Field::Backoff => self.0.backoff().index() as f64,
            Field::Jitter => self.0.jitter().index() as f64,
            _ => self.0.number(field).unwrap_or(f64::NAN),
        }
    }

    /// Item `item` of the list field `index` (`retryOn` or `abortOn`), or undefined past its end.
    #[wasm_bindgen(js_name = listItem)]
    pub fn list_item(&self, index: usize, item: usize) -> Option<String> {
        let list = match Field::ALL.get(index) {
            Some(Field::RetryOn) => self.0.retry_on(),
            Some(Field::AbortOn) => self.0.abort_on(),
            _ => return None,
        };
        list.get(item).cloned()
    }

    /// Whether an error may be retried, from its name, code and constructor name, passed
    /// NUL-separated (one string crosses the boundary instead of three).
    #[wasm_bindgen(js_name = isRetryable)]
    pub fn is_retryable(&self, identifiers: &str, timed_out: bool) -> bool {
        self.0.is_retryable(identifiers.split('\0'), timed_out)
    }

    /// The retry state for one call.
    pub fn start(&self) -> EngineRun {
        EngineRun(Schedule::new(&self.0, fresh_seed()))
    }
}

#[wasm_bindgen(js_name = EngineRun)]
pub struct EngineRun(Schedule);

#[wasm_bindgen(js_class = EngineRun)]
impl EngineRun {
    /// After `attempt` failed: the delay in ms before the next attempt, or a negative number
    /// `-(i + 1)` meaning "stop", `i` indexing the `stopReasons` table. `retry_after`: the
    /// wait the server asked for in ms, NaN when it asked none.
    pub fn decide(
        &mut self,
        policy: &EnginePolicy,
        attempt: u32,
        retryable: bool,
        timed_out: bool,
        elapsed: f64,
        retry_after: f64,
    ) -> f64 {
        let failure = failure(attempt, retryable, timed_out, elapsed, retry_after);
        encode(self.0.after_failure(&policy.0, failure))
    }

    /// As `decide`, and a retry must be paid for from `budget`.
    #[cfg(feature = "overload")]
    #[wasm_bindgen(js_name = decideWithin)]
    #[allow(clippy::too_many_arguments)]
    pub fn decide_within(
        &mut self,
        policy: &EnginePolicy,
        budget: &mut EngineBudget,
        attempt: u32,
        retryable: bool,
        timed_out: bool,
        elapsed: f64,
        retry_after: f64,
    ) -> f64 {
        let failure = failure(attempt, retryable, timed_out, elapsed, retry_after);
        encode(
            self.0
                .after_failure_within(&policy.0, failure, &mut budget.0),
        )
    }

    /// The retry last paid for from `budget` was never made: its cost goes back.
    #[cfg(feature = "overload")]
    #[wasm_bindgen(js_name = retryNotMade)]
    pub fn retry_not_made(&mut self, budget: &mut EngineBudget) {
        self.0.retry_not_made(&mut budget.0);
    }

    /// The call succeeded after retries: `budget` gets the last retry's cost back.
    #[cfg(feature = "overload")]
    #[wasm_bindgen(js_name = succeededWithin)]
    pub fn succeeded_within(&self, budget: &mut EngineBudget) {
        self.0.succeeded_within(&mut budget.0);
    }

    /// Draws the delay before retry `retry` (1 = after the first attempt), for previews.
    #[wasm_bindgen(js_name = nextDelay)]
    pub fn next_delay(&mut self, policy: &EnginePolicy, retry: u32) -> f64 {
        self.0.next_delay(&policy.0, retry)
    }
}

/// The ms a `Retry-After` value asks to wait (`now` in Unix ms), NaN when it is malformed or
/// the status does not carry one (only 429 and 503 do).
#[wasm_bindgen(js_name = retryAfterMs)]
pub fn retry_after_ms(status: u16, value: &str, now: f64) -> f64 {
    if !http::honours_retry_after(status) {
        return f64::NAN;
    }
    retry_after::retry_after_ms(value, now).unwrap_or(f64::NAN)
}

/// What a response with `status` means, as an index into `ResponseOutcome::ALL` (the
/// generated `responseOutcomes` table). `statuses`: the caller's list, NUL-separated decimal
/// numbers, or `None` for the default list.
#[wasm_bindgen(js_name = responseOutcome)]
pub fn response_outcome(status: u16, statuses: Option<String>) -> u8 {
    let retried = match statuses {
        None => http::retries_status(status, None),
        Some(list) => list.split('\0').any(|s| s.parse::<u16>() == Ok(status)),
    };
    let outcome = http::response_outcome(status, retried);
    ResponseOutcome::ALL
        .iter()
        .position(|o| *o == outcome)
        .unwrap_or(0) as u8
}

/// Whether a request may be sent again. `methods`: the caller's list, NUL-separated, or
/// `None` for the default (idempotent) methods.
#[wasm_bindgen(js_name = retriesMethod)]
pub fn retries_method(method: &str, has_idempotency_key: bool, methods: Option<String>) -> bool {
    http::retries_method(
        method,
        has_idempotency_key,
        methods.as_deref().map(|list| list.split('\0')),
    )
}

fn failure(
    attempt: u32,
    retryable: bool,
    timed_out: bool,
    elapsed: f64,
    retry_after: f64,
) -> Failure {
    let retry_after = (!retry_after.is_nan()).then_some(retry_after);
    Failure {
        attempt,
        retryable,
        elapsed,
        retry_after,
        timed_out,
    }
}

/// A decision as one number: the delay, or `-(i + 1)` for stop reason `i`.
fn encode(decision: Decision) -> f64 {
    match decision {
        Decision::Retry { delay } => delay,
        Decision::Stop(reason) => -(reason as u8 as f64) - 1.0,
    }
}

/// A retry budget shared by any number of calls.
#[cfg(feature = "overload")]
#[wasm_bindgen(js_name = EngineBudget)]
pub struct EngineBudget(Budget);

#[cfg(feature = "overload")]
#[wasm_bindgen(js_class = EngineBudget)]
impl EngineBudget {
    /// The options in `BUDGET_FIELDS` order; NaN for an option not given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        capacity: f64,
        retry_cost: f64,
        timeout_cost: f64,
        no_retry_increment: f64,
        tokens: f64,
    ) -> Result<EngineBudget, JsValue> {
        let given = |v: f64| (!v.is_nan()).then_some(v);
        BudgetOptions {
            capacity: given(capacity),
            retry_cost: given(retry_cost),
            timeout_cost: given(timeout_cost),
            no_retry_increment: given(no_retry_increment),
            tokens: given(tokens),
        }
        .build()
        .map(EngineBudget)
        .map_err(|err| to_js_error(&err))
    }

    /// A call succeeded at its first attempt: the no-retry increment.
    #[wasm_bindgen(js_name = recordSuccess)]
    pub fn record_success(&mut self) {
        self.0.record_success(None);
    }

    /// Option `index` of a snapshot (`BUDGET_FIELDS` order).
    #[wasm_bindgen(js_name = snapshotField)]
    pub fn snapshot_field(&self, index: usize) -> f64 {
        let s = self.0.snapshot();
        let fields = [
            s.capacity,
            s.retry_cost,
            s.timeout_cost,
            s.no_retry_increment,
            s.tokens,
        ];
        fields.get(index).copied().flatten().unwrap_or(f64::NAN)
    }
}

/// A circuit breaker shared by any number of calls. Times are Unix ms (`Date.now()`), so a
/// snapshot means the same in another process.
#[cfg(feature = "overload")]
#[wasm_bindgen(js_name = EngineBreaker)]
pub struct EngineBreaker {
    breaker: Breaker,
    transition: Option<Transition>,
}

#[cfg(feature = "overload")]
#[wasm_bindgen(js_class = EngineBreaker)]
impl EngineBreaker {
    /// The options in `BREAKER_FIELDS` order; NaN for an option not given.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        failure_threshold: f64,
        failure_ratio: f64,
        window_ms: f64,
        minimum_calls: f64,
        open_delay: f64,
        max_open_delay: f64,
        half_open_max_calls: f64,
        probe_lease: f64,
        seed: f64,
    ) -> Result<EngineBreaker, JsValue> {
        let given = |v: f64| (!v.is_nan()).then_some(v);
        let options = BreakerOptions {
            failure_threshold: given(failure_threshold),
            failure_ratio: given(failure_ratio),
            window_ms: given(window_ms),
            minimum_calls: given(minimum_calls),
            open_delay: given(open_delay),
            max_open_delay: given(max_open_delay),
            half_open_max_calls: given(half_open_max_calls),
            probe_lease: given(probe_lease),
            // Unseeded breakers jitter their repeated trips from the process's entropy.
            seed: Some(given(seed).unwrap_or((fresh_seed() >> 11) as f64)),
        };
        options
            .build()
            .map(|breaker| EngineBreaker {
                breaker,
                transition: None,
            })
            .map_err(|err| to_js_error(&err))
    }

    /// Before an attempt: -1 when it may go ahead, else the ms until a probe is let through.
    pub fn admit(&mut self, now: f64) -> f64 {
        let (admission, transition) = self.breaker.admit(now);
        self.transition = transition;
        match admission {
            Admission::Allowed => -1.0,
            Admission::Rejected { retry_after } => retry_after,
        }
    }

    /// After an admitted attempt.
    pub fn record(&mut self, now: f64, success: bool) {
        self.transition = self.breaker.record(now, success);
    }

    /// After an admitted attempt that ended without a verdict (its caller aborted it).
    pub fn release(&mut self, now: f64) {
        self.transition = self.breaker.release(now);
    }

    /// The transition the last `admit` or `record` made, as `from + 3 × to + 9 × reason`
    /// (indexes into the state and reason lists), or -1.
    #[wasm_bindgen(js_name = takeTransition)]
    pub fn take_transition(&mut self) -> i32 {
        self.transition.take().map_or(-1, |t| {
            let state = |s: State| State::ALL.iter().position(|x| *x == s).unwrap_or(0) as i32;
            let reason = Reason::ALL.iter().position(|x| *x == t.reason).unwrap_or(0) as i32;
            state(t.from) + 3 * state(t.to) + 9 * reason
        })
    }

    /// The state as of `now`, as an index into the state list.
    #[wasm_bindgen(js_name = stateAt)]
    pub fn state_at(&self, now: f64) -> u32 {
        let state = self.breaker.state_at(now);
        State::ALL.iter().position(|s| *s == state).unwrap_or(0) as u32
    }

    /// Option `index` (`BREAKER_FIELDS` order), NaN when unset (or the seed, never kept).
    pub fn option(&self, index: usize) -> f64 {
        let o = self.breaker.options();
        let all = [
            o.failure_threshold,
            o.failure_ratio,
            o.window_ms,
            o.minimum_calls,
            o.open_delay,
            o.max_open_delay,
            o.half_open_max_calls,
            o.probe_lease,
            o.seed,
        ];
        all.get(index).copied().flatten().unwrap_or(f64::NAN)
    }

    /// The saved state as numbers: state index, consecutive failures, open-until, trips, then
    /// each window bucket's index, calls and failures.
    pub fn saved(&self) -> Vec<f64> {
        let s = self.breaker.saved_state();
        let state = State::ALL.iter().position(|x| *x == s.state).unwrap_or(0) as f64;
        let mut out = Vec::with_capacity(4 + 3 * BUCKETS);
        out.extend([
            state,
            f64::from(s.consecutive_failures),
            s.open_until,
            f64::from(s.trips),
        ]);
        for b in s.buckets {
            out.extend([b.index, f64::from(b.calls), f64::from(b.failures)]);
        }
        out
    }

    /// Puts back a snapshot's state: `state` by name, then its numbers, `window` as each
    /// bucket's index, calls and failures. The engine checks each part and names it.
    pub fn restore(
        &mut self,
        state: &str,
        consecutive_failures: f64,
        open_until: f64,
        trips: f64,
        window: Vec<f64>,
    ) -> Result<(), JsValue> {
        let saved =
            BreakerState::from_parts(state, consecutive_failures, open_until, trips, &window)
                .map_err(|err| to_js_error(&err))?;
        self.breaker.restore(saved);
        Ok(())
    }
}
