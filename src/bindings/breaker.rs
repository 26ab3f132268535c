//! `EngineBreaker`: the engine's circuit `Breaker` and the transition its last call made
//! (Node builds: cargo feature `overload`).

use alloc::string::String;
use alloc::vec::Vec;

use super::errors::to_js_error;
use super::objects::{options_object, set};
use crate::engine::breaker::{
    Admission, Breaker, BreakerOptions, BreakerState, Transition, BREAKER_FIELDS,
};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// A circuit breaker shared by any number of calls. Times are Unix ms (`Date.now()`), so a
/// snapshot means the same in another process.
#[wasm_bindgen(js_name = EngineBreaker)]
pub struct EngineBreaker {
    breaker: Breaker,
    transition: Option<Transition>,
}

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
        half_open_successes: f64,
        half_open_sample: f64,
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
            half_open_successes: given(half_open_successes),
            half_open_sample: given(half_open_sample),
            // JavaScript draws a seed for an unseeded breaker (see js/engine-overload.js).
            seed: given(seed),
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

    /// The transition the last `admit`, `record` or `release` made, as `{ from, to, reason }`
    /// (names), or undefined.
    #[wasm_bindgen(js_name = takeTransition)]
    pub fn take_transition(&mut self) -> Option<Object> {
        self.transition.take().map(|t| {
            let change = Object::new();
            set(&change, "from", &t.from.name().into());
            set(&change, "to", &t.to.name().into());
            set(&change, "reason", &t.reason.name().into());
            change
        })
    }

    /// The state as of `now`: `'closed'`, `'open'` or `'half-open'`.
    #[wasm_bindgen(js_name = stateAt)]
    pub fn state_at(&self, now: f64) -> String {
        self.breaker.state_at(now).name().into()
    }

    /// Settings and state as plain data: `{ options, state, consecutiveFailures, openUntil,
    /// trips, window }`, `window` holding each bucket's `[index, calls, failures]`. The seed
    /// is never kept: a restored breaker draws from a fresh one.
    pub fn snapshot(&self) -> Object {
        let s = self.breaker.saved_state();
        let mut options = self.breaker.options().values();
        options[BREAKER_FIELDS.len() - 1] = None;
        let window: Array = s
            .buckets
            .iter()
            .map(|b| -> JsValue {
                [b.index, f64::from(b.calls), f64::from(b.failures)]
                    .into_iter()
                    .map(JsValue::from_f64)
                    .collect::<Array>()
                    .into()
            })
            .collect();
        let snapshot = Object::new();
        set(
            &snapshot,
            "options",
            &options_object(&BREAKER_FIELDS, &options),
        );
        set(&snapshot, "state", &s.state.name().into());
        set(
            &snapshot,
            "consecutiveFailures",
            &f64::from(s.consecutive_failures).into(),
        );
        set(&snapshot, "openUntil", &s.open_until.into());
        set(&snapshot, "trips", &f64::from(s.trips).into());
        set(&snapshot, "window", &window);
        snapshot
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
