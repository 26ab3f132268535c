//! The one conversion from engine errors to JavaScript errors.

#[cfg(feature = "infra")]
use alloc::string::String;

use crate::engine::{ErrorKind, PolicyError, Value};
use js_sys::Array;
use wasm_bindgen::JsValue;

/// An engine error as its parts, `[isRangeError, name, expected, value]` (the value a number
/// or text): the package's JavaScript (js/engine-error.js) turns them into the `TypeError` or
/// `RangeError` that names the field and the value, the number as JavaScript writes it. The
/// module then carries no message building and no number formatting.
pub fn to_js_error(err: &PolicyError) -> JsValue {
    let parts = Array::new();
    parts.push(&JsValue::from_bool(err.kind == ErrorKind::Range));
    parts.push(&JsValue::from_str(&err.name));
    parts.push(&JsValue::from_str(err.expected));
    parts.push(&match &err.value {
        Value::Number(n) => JsValue::from_f64(*n),
        Value::Text(text) => JsValue::from_str(text),
    });
    parts.into()
}

/// A number as JavaScript's `String(n)` writes it (Step Functions losses, environment
/// variables: the infrastructure exports).
#[cfg(feature = "infra")]
pub fn number_text(n: f64) -> String {
    String::from(
        js_sys::Number::from(n)
            .to_string_with_radix(10)
            .unwrap_or_default(),
    )
}
