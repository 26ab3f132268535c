//! The HTTP rules `retryFetch` asks about: Retry-After, what a response means, which methods
//! may be sent again.

use super::lists::nul_separated;
use alloc::string::String;

use crate::engine::http::ResponseOutcome;
use crate::engine::{http, retry_after};
use wasm_bindgen::prelude::*;

/// Whether `status` is in `list` (NUL-separated decimal numbers).
fn listed(status: u16, list: &str) -> bool {
    nul_separated(list).any(|s| s.parse::<u16>() == Ok(status))
}

/// The ms a response asks to wait (`now` in Unix ms): `values` holds its `delayHeaders`, in
/// that order, NUL-separated (empty where it has none). NaN when none can be read, or when
/// the status does not carry a wait: `statuses` (NUL-separated), or by default 429 and 503.
#[wasm_bindgen(js_name = delayHintMs)]
pub fn delay_hint_ms(status: u16, values: &str, now: f64, statuses: Option<String>) -> f64 {
    let honoured = match statuses {
        None => http::honours_retry_after(status),
        Some(list) => listed(status, &list),
    };
    if !honoured {
        return f64::NAN;
    }
    retry_after::delay_hint_ms(nul_separated(values), now).unwrap_or(f64::NAN)
}

/// What a response with `status` means, as an index into `ResponseOutcome::ALL` (the
/// generated `responseOutcomes` table). `statuses`: the caller's list, NUL-separated decimal
/// numbers, or `None` for the default list.
#[wasm_bindgen(js_name = responseOutcome)]
pub fn response_outcome(status: u16, statuses: Option<String>) -> u8 {
    let retried = match statuses {
        None => http::retries_status(status, None),
        Some(list) => listed(status, &list),
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
