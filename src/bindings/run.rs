//! `EngineRun`: a newtype over the engine's `Schedule`, the retry state of one call.

#[cfg(feature = "overload")]
use super::budget::EngineBudget;
use super::policy::{class_of, EnginePolicy};
use crate::engine::{Decision, ErrorClass, Failure, Schedule, StopReason};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = EngineRun)]
pub struct EngineRun(pub(crate) Schedule);

#[wasm_bindgen(js_class = EngineRun)]
impl EngineRun {
    /// After `attempt` failed: the delay in ms before the next attempt, or a negative number
    /// `-(i + 1)` meaning "stop", `i` indexing the `stopReasons` table. `class`: the error's
    /// code from `EnginePolicy.classify` (-1: not retryable). `retry_after`: the wait the
    /// server asked for in ms, NaN when it asked none. `base`: the base delay a backoff
    /// function chose, NaN for the policy's own.
    pub fn decide(
        &mut self,
        policy: &EnginePolicy,
        attempt: u32,
        class: i32,
        elapsed: f64,
        retry_after: f64,
        base: f64,
    ) -> f64 {
        let failure = failure(attempt, class, elapsed, retry_after, base);
        encode(self.0.after_failure(&policy.0, failure))
    }

    /// As `decide`, and a retry must be paid for from `budget`.
    #[cfg(feature = "overload")]
    #[wasm_bindgen(js_name = decideWithin)]
    // A hot path: each value crosses as a number of its own rather than in a structure.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_within(
        &mut self,
        policy: &EnginePolicy,
        budget: &mut EngineBudget,
        attempt: u32,
        class: i32,
        elapsed: f64,
        retry_after: f64,
        base: f64,
    ) -> f64 {
        let failure = failure(attempt, class, elapsed, retry_after, base);
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

    /// Draws the delay before retry `retry` (1 = after the first attempt), for previews;
    /// `base` as in `decide`.
    #[wasm_bindgen(js_name = nextDelay)]
    pub fn next_delay(&mut self, policy: &EnginePolicy, retry: u32, base: f64) -> f64 {
        let chosen = (!base.is_nan()).then_some(base);
        self.0
            .next_delay_after(&policy.0, retry, ErrorClass::Other, chosen)
    }
}

fn failure(attempt: u32, class: i32, elapsed: f64, retry_after: f64, base: f64) -> Failure {
    let retry_after = (!retry_after.is_nan()).then_some(retry_after);
    let base = (!base.is_nan()).then_some(base);
    let class = class_of(class);
    Failure {
        attempt,
        retryable: class.is_some(),
        elapsed,
        retry_after,
        class: class.unwrap_or(ErrorClass::Other),
        base,
    }
}

/// A decision as one number (the hot path of a failed attempt): the delay, or `-(i + 1)` for
/// `StopReason::ALL[i]` (the generated `stopReasons` table).
fn encode(decision: Decision) -> f64 {
    match decision {
        Decision::Retry { delay } => delay,
        Decision::Stop(reason) => encode_stop(reason),
    }
}

/// `-(i + 1)` for `StopReason::ALL[i]`.
pub(crate) fn encode_stop(reason: StopReason) -> f64 {
    let i = StopReason::ALL
        .iter()
        .position(|r| *r == reason)
        .unwrap_or(0);
    -(i as f64) - 1.0
}
