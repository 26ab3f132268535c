//! `EngineBatch`: a newtype over the engine's `Batch`, the items of one batch call (Node
//! builds: cargo feature `overload`).

use super::budget::EngineBudget;
use super::policy::{class_of, code_of, EnginePolicy};
use super::run::{encode_stop, EngineRun};
use crate::engine::batch::{Batch, BatchStep};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = EngineBatch)]
pub struct EngineBatch(Batch);

#[wasm_bindgen(js_class = EngineBatch)]
impl EngineBatch {
    /// `count` items, all pending; `fail_fast`: stop at the first item that fails for good.
    #[wasm_bindgen(constructor)]
    pub fn new(count: usize, fail_fast: bool) -> EngineBatch {
        EngineBatch(Batch::new(count, fail_fast))
    }

    /// Item `index` succeeded.
    pub fn succeeded(&mut self, index: usize) {
        self.0.succeeded(index);
    }

    /// Item `index` failed with an error of class `class` (a code from `EnginePolicy.classify`;
    /// -1: not retryable), whose answer asked to wait `retry_after` ms (NaN: asked nothing).
    pub fn failed(&mut self, index: usize, class: i32, retry_after: f64) {
        self.0.failed(index, class_of(class));
        if !retry_after.is_nan() {
            self.0.asked(retry_after);
        }
    }

    /// The class code the last retry was decided for (-1: none), for events and a shared budget.
    #[wasm_bindgen(js_name = retryClass)]
    pub fn retry_class(&self) -> i32 {
        code_of(self.0.retry_class())
    }

    #[wasm_bindgen(js_name = pendingCount)]
    pub fn pending_count(&self) -> usize {
        self.0.pending_count()
    }

    #[wasm_bindgen(js_name = isPending)]
    pub fn is_pending(&self, index: usize) -> bool {
        self.0.is_pending(index)
    }

    /// After attempt `attempt`: `Infinity` when no item is pending, else the delay in ms before
    /// the pending items are sent again, or `-(i + 1)` to stop (`i` indexing `stopReasons`).
    pub fn decide(
        &mut self,
        run: &mut EngineRun,
        policy: &EnginePolicy,
        attempt: u32,
        elapsed: f64,
    ) -> f64 {
        encode(
            self.0
                .after_attempt(&mut run.0, &policy.0, attempt, elapsed, None),
        )
    }

    /// As `decide`, and a retry of the batch must be paid for from `budget`.
    #[wasm_bindgen(js_name = decideWithin)]
    pub fn decide_within(
        &mut self,
        run: &mut EngineRun,
        policy: &EnginePolicy,
        budget: &mut EngineBudget,
        attempt: u32,
        elapsed: f64,
    ) -> f64 {
        encode(
            self.0
                .after_attempt(&mut run.0, &policy.0, attempt, elapsed, Some(&mut budget.0)),
        )
    }
}

fn encode(step: BatchStep) -> f64 {
    match step {
        BatchStep::Done => f64::INFINITY,
        BatchStep::Retry { delay } => delay,
        BatchStep::Stop(reason) => encode_stop(reason),
    }
}
