//! The one conversion from engine errors to JavaScript errors.

use alloc::string::String;

use crate::engine::{ErrorKind, PolicyError};
use wasm_bindgen::JsValue;

/// A `TypeError` or `RangeError` whose message names the field and the value, the value
/// written as JavaScript writes it (`NaN`, `Infinity`, `1e+21`).
pub fn to_js_error(err: &PolicyError) -> JsValue {
    let message = err.message_with(number_text);
    match err.kind {
        ErrorKind::Type => js_sys::TypeError::new(&message).into(),
        ErrorKind::Range => js_sys::RangeError::new(&message).into(),
    }
}

/// A number as JavaScript's `String(n)` writes it.
pub fn number_text(n: f64) -> String {
    String::from(
        js_sys::Number::from(n)
            .to_string_with_radix(10)
            .unwrap_or_default(),
    )
}
