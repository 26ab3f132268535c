//! Retry slots for `EnginePolicy` (Node builds: cargo feature `overload`): the engine's slot
//! arithmetic ([`crate::engine::slots`]), numbers in and out.

use super::policy::EnginePolicy;
use crate::engine::slots::{candidates, delay_in};
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = EnginePolicy)]
impl EnginePolicy {
    /// The slots a retry drawn to wait `delay` ms may land in, at store time `now`, with
    /// `room` ms left before the deadline (NaN: none): `[first, count]`, or `[]` when the
    /// policy has no slots.
    #[wasm_bindgen(js_name = slotCandidates)]
    pub fn slot_candidates(&self, now: f64, delay: f64, room: f64) -> Vec<f64> {
        let room = (!room.is_nan()).then_some(room);
        match candidates(self.policy(), now, delay, room) {
            Some(c) => alloc::vec![c.first, f64::from(c.count)],
            None => Vec::new(),
        }
    }

    /// The wait for a retry drawn to wait `delay` ms that landed `index` slots past its own.
    #[wasm_bindgen(js_name = slotDelay)]
    pub fn slot_delay(&self, delay: f64, index: u32) -> f64 {
        let width = self.policy().slots().map_or(0.0, |(_, width)| width);
        delay_in(delay, width, index)
    }
}
