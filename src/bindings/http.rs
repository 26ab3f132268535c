//! The HTTP rules `retryFetch` asks about: Retry-After, what a response means, which methods
//! may be sent again.

use super::lists::nul_separated;
use alloc::string::String;

use crate::engine::http::ResponseOutcome;
use crate::engine::{http, retry_after};
use wasm_bindgen::prelude::*;

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
        Some(list) => nul_separated(&list).any(|s| s.parse::<u16>() == Ok(status)),
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
        methods.as_deref().map(nul_separated),
    )
}
