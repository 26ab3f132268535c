//! The one conversion from engine errors to JavaScript errors.

use alloc::string::String;
use core::cell::Cell;

#[cfg(any(feature = "overload", feature = "infra", feature = "env"))]
use crate::engine::ErrorKind;
use crate::engine::{Field, PolicyError, Value};
#[cfg(any(feature = "overload", feature = "infra", feature = "env"))]
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// An engine error as its parts, `[isRangeError, name, expected, value]` (the value a number
/// or text): the package's JavaScript (js/engine-error.js) turns them into the `TypeError` or
/// `RangeError` that names the field and the value, the number as JavaScript writes it. The
/// module then carries no message building and no number formatting. (Budgets, breakers and
/// the infrastructure exports and the environment reader: Node builds only. A policy built
/// from slots reports its error by `policyProblem`.)
#[cfg(any(feature = "overload", feature = "infra", feature = "env"))]
pub fn to_js_error(err: &PolicyError) -> JsValue {
    let parts = Array::new();
    parts.push(&JsValue::from_bool(err.kind == ErrorKind::Range));
    parts.push(&JsValue::from_str(err.name()));
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

/// The error of the last policy that failed to build (see `EnginePolicy.build`). A policy's
/// error does not cross as a JavaScript value: creating one needs the module's table of
/// JavaScript references and its management code, which the browser's module otherwise does
/// without. Slots can only fail a range check (JavaScript checks their types), so JavaScript
/// asks for the field, what it must be and the value, and throws the RangeError.
struct LastProblem {
    field: Cell<usize>,
    expected: Cell<&'static str>,
    value: Cell<f64>,
}

// Safety: wasm32 without the atomics feature runs one thread, so the cells are never shared.
unsafe impl Sync for LastProblem {}

static LAST_PROBLEM: LastProblem = LastProblem {
    field: Cell::new(0),
    expected: Cell::new(""),
    value: Cell::new(f64::NAN),
};

/// Keeps `err` (a range error about a policy field) for `policyProblem`, and gives `None`
/// for the caller to return.
pub(crate) fn keep_problem<T>(err: PolicyError) -> Option<T> {
    LAST_PROBLEM
        .field
        .set(err.field.map_or(usize::MAX, Field::index));
    LAST_PROBLEM.expected.set(err.expected);
    LAST_PROBLEM.value.set(match err.value {
        Value::Number(n) => n,
        Value::Text(_) => f64::NAN,
    });
    None
}

/// What the field of the last policy error must be (`policyProblemField`, `policyProblemValue`
/// say which field and what it got); empty when no policy failed.
#[wasm_bindgen(js_name = policyProblem)]
pub fn policy_problem() -> String {
    String::from(LAST_PROBLEM.expected.get())
}

/// The last policy error's field, as its index in the engine's `Field::ALL`.
#[wasm_bindgen(js_name = policyProblemField)]
pub fn policy_problem_field() -> usize {
    LAST_PROBLEM.field.get()
}

/// The last policy error's value.
#[wasm_bindgen(js_name = policyProblemValue)]
pub fn policy_problem_value() -> f64 {
    LAST_PROBLEM.value.get()
}
