//! The engine for Rust callers on wasm32: an `async` retry that sleeps on the host's
//! `setTimeout` (through wasm-bindgen-futures) and reads the time from `Date.now()`.

use super::entropy::fresh_seed;
use crate::engine::{Decision, Failure, Policy, Schedule, StopReason};
use core::future::Future;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
}

/// Why [`retry`] gave up, with the last error.
#[derive(Debug)]
pub struct RetryError<E> {
    pub reason: StopReason,
    /// Attempts made, the first included.
    pub attempts: u32,
    pub last_error: E,
}

/// Sleeps `ms` milliseconds on the host's timer.
pub async fn sleep(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    // A timer promise never rejects.
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Calls `operation(attempt)` (attempt counts from 1) until it succeeds, the policy stops, or
/// `is_retryable` rejects an error.
pub async fn retry<T, E, F, Fut>(
    policy: &Policy,
    mut operation: F,
    is_retryable: impl Fn(&E) -> bool,
) -> Result<T, RetryError<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let started = js_sys::Date::now();
    let mut schedule = Schedule::new(policy, fresh_seed());
    let mut attempt = 1;
    loop {
        let error = match operation(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let failure = Failure {
            attempt,
            retryable: is_retryable(&error),
            elapsed: js_sys::Date::now() - started,
            retry_after: None,
            timed_out: false,
        };
        match schedule.after_failure(policy, failure) {
            Decision::Retry { delay } => sleep(delay).await,
            Decision::Stop(reason) => {
                return Err(RetryError {
                    reason,
                    attempts: attempt,
                    last_error: error,
                })
            }
        }
        attempt += 1;
    }
}
