//! `EngineHedging`: a newtype over the engine's hedging state of one call (Node builds: cargo
//! feature `overload`).

use super::policy::EnginePolicy;
use crate::engine::hedge::{HedgeStep, Hedging};
use wasm_bindgen::prelude::*;

/// The hedged attempts of one call; times are the caller's clock, in ms.
#[wasm_bindgen(js_name = EngineHedging)]
pub struct EngineHedging(Hedging);

#[wasm_bindgen(js_class = EngineHedging)]
impl EngineHedging {
    /// `undefined` when the policy does not hedge.
    pub fn of(policy: &EnginePolicy) -> Option<EngineHedging> {
        Hedging::new(&policy.0).map(EngineHedging)
    }

    /// An attempt started at `now`: a hedge, or the first attempt or a retry.
    pub fn started(&mut self, now: f64, hedge: bool) {
        self.0.started(now, hedge);
    }

    /// A running attempt failed.
    pub fn failed(&mut self) {
        self.0.failed();
    }

    /// The hedge `step` asked for could not start (budget or breaker): none will in this call.
    pub fn refused(&mut self) {
        self.0.refused();
    }

    /// What to do at `now` (a hot path: one number): `0` start a hedge, a positive number of
    /// ms to wait before asking again, `Infinity` wait for the running attempts only, `-1`
    /// nothing runs and nothing may start.
    pub fn step(&self, now: f64, attempts_left: u32) -> f64 {
        match self.0.step(now, attempts_left) {
            HedgeStep::Start => 0.0,
            HedgeStep::Wait(ms) => ms,
            HedgeStep::Await => f64::INFINITY,
            HedgeStep::Failed => -1.0,
        }
    }
}
