//! Why a policy was rejected: which field, what it must be, and the value it got.

use alloc::string::String;

use super::field::Field;
use core::fmt;

/// Whether the value had the wrong type or a value out of range; the binding turns these into
/// JavaScript's `TypeError` and `RangeError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Type,
    Range,
}

/// The value that was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

/// A rejected policy field.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    pub kind: ErrorKind,
    /// The name the user wrote when it is not the field's JSON name (an environment variable,
    /// a budget's or breaker's option); see [`PolicyError::name`].
    pub renamed: Option<String>,
    /// The policy field, when the error is about one (budget and breaker options are not).
    pub field: Option<Field>,
    /// What the field must be, e.g. "an integer from 1 to 4294967295".
    pub expected: &'static str,
    pub value: Value,
}

impl PolicyError {
    pub(crate) fn range(field: Field, expected: &'static str, value: f64) -> Self {
        PolicyError {
            kind: ErrorKind::Range,
            renamed: None,
            field: Some(field),
            expected,
            value: Value::Number(value),
        }
    }

    /// The name the user wrote: the field's JSON name, or the environment variable or option.
    /// (Asked for only where a message is made: the browser's module, which never asks, then
    /// carries no field names.)
    pub fn name(&self) -> &str {
        match (&self.renamed, self.field) {
            (Some(name), _) => name,
            (None, Some(field)) => field.name(),
            (None, None) => "",
        }
    }

    /// A range error about an option that is not a policy field (a budget's, a breaker's).
    pub fn option_range(name: &str, expected: &'static str, value: f64) -> Self {
        PolicyError {
            kind: ErrorKind::Range,
            renamed: Some(name.into()),
            field: None,
            expected,
            value: Value::Number(value),
        }
    }

    /// A range error about an option whose rejected value is text.
    pub fn option_text(name: &str, expected: &'static str, text: &str) -> Self {
        PolicyError {
            value: Value::Text(text.into()),
            ..PolicyError::option_range(name, expected, 0.0)
        }
    }

    /// An unknown backoff, jitter or longRetryAfter name.
    pub fn unknown_name(field: Field, text: &str) -> Self {
        let expected = match field {
            Field::Backoff => {
                "one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays"
            }
            Field::LongRetryAfter => "one of 'stop', 'cap'",
            _ => "one of 'none', 'full', 'equal', 'decorrelated', 'proportional', 'additive'",
        };
        PolicyError {
            kind: ErrorKind::Range,
            renamed: None,
            field: Some(field),
            expected,
            value: Value::Text(text.into()),
        }
    }

    /// The message, with numbers written by `number_text` so that each platform shows the
    /// value the way its users wrote it (the binding passes JavaScript's `String(value)`).
    /// Written without `format!` to keep float formatting out of the WebAssembly module.
    pub fn message_with(&self, number_text: impl Fn(f64) -> String) -> String {
        let value = match &self.value {
            Value::Number(n) => number_text(*n),
            Value::Text(t) => {
                let mut quoted = String::with_capacity(t.len() + 2);
                quoted.push('\'');
                quoted.push_str(t);
                quoted.push('\'');
                quoted
            }
        };
        let mut message = String::with_capacity(64);
        for part in [
            "`",
            self.name(),
            "` must be ",
            self.expected,
            ", got ",
            &value,
        ] {
            message.push_str(part);
        }
        message
    }
}

/// An option's value (`default` when not given), or a range error naming `name` when `ok` says
/// no: the one check behind every budget and breaker option.
pub(crate) fn option_or(
    name: &str,
    value: Option<f64>,
    default: f64,
    ok: impl Fn(f64) -> bool,
    expected: &'static str,
) -> Result<f64, PolicyError> {
    match value {
        None => Ok(default),
        Some(v) if ok(v) => Ok(v),
        Some(v) => Err(PolicyError::option_range(name, expected, v)),
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use alloc::string::ToString;
        f.write_str(&self.message_with(|n| n.to_string()))
    }
}

impl core::error::Error for PolicyError {}

#[cfg(test)]
mod names {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn unknown_names_list_the_names_of_their_own_field() {
        assert_eq!(
            PolicyError::unknown_name(Field::Backoff, "exp").to_string(),
            "`backoff` must be one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays, got 'exp'"
        );
        assert_eq!(
            PolicyError::unknown_name(Field::Jitter, "fulll").to_string(),
            "`jitter` must be one of 'none', 'full', 'equal', 'decorrelated', 'proportional', 'additive', got 'fulll'"
        );
    }
}
