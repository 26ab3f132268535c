//! `EngineBudget`: a newtype over the engine's retry `Budget` (Node builds: cargo feature
//! `overload`).

use super::errors::to_js_error;
use super::objects::options_object;
use super::policy::class_of;
use crate::engine::budget::{Budget, BudgetOptions, BUDGET_FIELDS};
use crate::engine::ErrorClass;
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// A retry budget shared by any number of calls.
#[wasm_bindgen(js_name = EngineBudget)]
pub struct EngineBudget(pub(crate) Budget);

#[wasm_bindgen(js_class = EngineBudget)]
impl EngineBudget {
    /// The options in `BUDGET_FIELDS` order; NaN for an option not given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        capacity: f64,
        retry_cost: f64,
        timeout_cost: f64,
        throttling_cost: f64,
        no_retry_increment: f64,
        tokens: f64,
    ) -> Result<EngineBudget, JsValue> {
        let given = |v: f64| (!v.is_nan()).then_some(v);
        BudgetOptions {
            capacity: given(capacity),
            retry_cost: given(retry_cost),
            timeout_cost: given(timeout_cost),
            throttling_cost: given(throttling_cost),
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

    /// What a retry after an error of class `class` (a code from `EnginePolicy.classify`)
    /// costs: what a shared bucket takes from its store.
    pub fn cost(&self, class: i32) -> u32 {
        self.0.cost(class_of(class).unwrap_or(ErrorClass::Other))
    }

    /// What a call that succeeded puts back: `last_retry_cost`, or the no-retry increment
    /// when it is NaN (no retry was made).
    pub fn refund(&self, last_retry_cost: f64) -> u32 {
        self.0
            .refund((!last_retry_cost.is_nan()).then_some(last_retry_cost as u32))
    }

    pub fn capacity(&self) -> u32 {
        self.0.capacity()
    }

    /// Takes one retry's cost here, as `decideWithin` would; the cost, or -1 when the bucket
    /// cannot pay. (A shared bucket decides here while its store is out of reach.)
    #[wasm_bindgen(js_name = tryAcquire)]
    pub fn try_acquire(&mut self, class: i32) -> f64 {
        self.0
            .try_acquire(class_of(class).unwrap_or(ErrorClass::Other))
            .map_or(-1.0, f64::from)
    }

    /// Puts `tokens` back, never above capacity.
    #[wasm_bindgen(js_name = giveBack)]
    pub fn give_back(&mut self, tokens: u32) {
        self.0.give_back(tokens);
    }

    /// Tokens left in the bucket.
    pub fn tokens(&self) -> f64 {
        f64::from(self.0.tokens())
    }

    /// The budget's settings and tokens as `{ capacity, retryCost, timeoutCost,
    /// noRetryIncrement, tokens }`: what `new RetryBudget` takes back.
    pub fn snapshot(&self) -> Object {
        options_object(&BUDGET_FIELDS, &self.0.snapshot().values())
    }
}
