//! The one conversion from engine errors to JavaScript errors.

use alloc::string::String;
use core::cell::Cell;

use crate::engine::{ErrorKind, PolicyError, Value};
#[cfg(any(feature = "overload", feature = "infra"))]
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// An engine error as its parts, `[isRangeError, name, expected, value]` (the value a number
/// or text): the package's JavaScript (js/engine-error.js) turns them into the `TypeError` or
/// `RangeError` that names the field and the value, the number as JavaScript writes it. The
/// module then carries no message building and no number formatting. (Budgets, breakers and
/// the infrastructure exports: Node builds only. A policy's error goes by `policyProblem`.)
#[cfg(any(feature = "overload", feature = "infra"))]
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

/// The error of the last policy that failed to build (see `EnginePolicy.build`). A policy's
/// error does not cross as a JavaScript value: creating one needs the module's table of
/// JavaScript references and its management code, which the browser's module otherwise does
/// without. So JavaScript asks for its parts, as text and a number.
struct LastProblem(Cell<Option<PolicyError>>, Cell<f64>);

// Safety: wasm32 without the atomics feature runs one thread, so the cells are never shared.
unsafe impl Sync for LastProblem {}

static LAST_PROBLEM: LastProblem = LastProblem(Cell::new(None), Cell::new(f64::NAN));

/// Keeps `err` for `policyProblem`, and gives `None` for the caller to return.
pub(crate) fn keep_problem<T>(err: PolicyError) -> Option<T> {
    let number = match err.value {
        Value::Number(n) => n,
        Value::Text(_) => f64::NAN,
    };
    LAST_PROBLEM.1.set(number);
    LAST_PROBLEM.0.set(Some(err));
    None
}

/// The last policy error's parts, NUL-separated: the name, what it must be, `R` (a range
/// error) or `T` (a type error) and, when the value is text, the value; a numeric value is
/// `policyProblemNumber()`. Empty when no policy failed since the last call.
#[wasm_bindgen(js_name = policyProblem)]
pub fn policy_problem() -> String {
    let Some(err) = LAST_PROBLEM.0.take() else {
        return String::new();
    };
    let kind = if err.kind == ErrorKind::Range {
        "R"
    } else {
        "T"
    };
    let mut parts = err.name;
    for part in ["\0", err.expected, "\0", kind] {
        parts.push_str(part);
    }
    if let Value::Text(text) = &err.value {
        parts.push('\0');
        parts.push_str(text);
    }
    parts
}

/// The last policy error's value, when it is a number (NaN otherwise).
#[wasm_bindgen(js_name = policyProblemNumber)]
pub fn policy_problem_number() -> f64 {
    LAST_PROBLEM.1.get()
}
