//! `EngineAdaptiveRate`: a newtype over the engine's adaptive client rate (Node builds: cargo
//! feature `overload`).

use crate::engine::adaptive::AdaptiveRate;
use wasm_bindgen::prelude::*;

/// An adaptive client rate shared by any number of calls; times are the caller's clock, in ms.
#[wasm_bindgen(js_name = EngineAdaptiveRate)]
pub struct EngineAdaptiveRate(AdaptiveRate);

#[wasm_bindgen(js_class = EngineAdaptiveRate)]
impl EngineAdaptiveRate {
    #[wasm_bindgen(constructor)]
    pub fn new(now: f64) -> EngineAdaptiveRate {
        EngineAdaptiveRate(AdaptiveRate::new(now))
    }

    /// `0` when a request may go now (it takes a token), else the whole ms to wait first.
    pub fn acquire(&mut self, now: f64) -> f64 {
        self.0.acquire(now)
    }

    /// A response came: `throttled` when the service asked the client to slow down.
    pub fn record(&mut self, throttled: bool, now: f64) {
        self.0.record(throttled, now);
    }

    /// Whether a throttling response has switched the bucket on.
    pub fn enabled(&self) -> bool {
        self.0.enabled()
    }

    /// Requests per second the bucket fills at.
    #[wasm_bindgen(js_name = fillRate)]
    pub fn fill_rate(&self) -> f64 {
        self.0.fill_rate()
    }

    /// The client's measured sending rate, requests per second.
    #[wasm_bindgen(js_name = measuredRate)]
    pub fn measured_rate(&self) -> f64 {
        self.0.measured_rate()
    }
}
