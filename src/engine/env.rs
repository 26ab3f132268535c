//! Policies from environment variables, with the seeds' names and units: `RETRY_MAX_ATTEMPTS`,
//! `RETRY_INITIAL_DELAY` and `RETRY_MAX_DELAY`, durations in seconds.

use alloc::string::String;
use alloc::vec::Vec;

use super::backoff::Backoff;
use super::error::{ErrorKind, PolicyError, Value};
use super::field::{Field, FieldKind};
use super::jitter::Jitter;
use super::numbers::push_integer;
use super::policy::PolicyOptions;
use super::retry_after::LongRetryAfter;

/// The prefix used when the caller names none.
pub const DEFAULT_PREFIX: &str = "RETRY_";

/// Reads every field from `lookup(prefix + name)`. Unset and empty variables leave the field
/// to its default; durations are seconds; lists are comma-separated.
///
/// Numbers must be plain decimals (`3`, `-0.5`, `2.5e-2`); `parse` turns such text into the
/// nearest `f64`. Natively that is `str::parse`; the WebAssembly binding passes JavaScript's
/// `Number`, which keeps Rust's float parser and its tables out of the module. Both round
/// correctly, so they agree on every text the grammar admits.
pub fn options_from_env(
    prefix: &str,
    lookup: impl Fn(&str) -> Option<String>,
    parse: impl Fn(&str) -> Option<f64>,
) -> Result<PolicyOptions, PolicyError> {
    let values: Vec<String> = Field::ALL
        .iter()
        .map(|field| lookup(&[prefix, field.env_name()].concat()).unwrap_or_default())
        .collect();
    options_from_env_values(prefix, &values, &parse)
}

/// Like [`options_from_env`], with the variables' values already read: `values[i]` belongs to
/// `Field::ALL[i]` (empty when unset). `prefix` only names variables in errors.
pub fn options_from_env_values(
    prefix: &str,
    values: &[String],
    parse: &dyn Fn(&str) -> Option<f64>,
) -> Result<PolicyOptions, PolicyError> {
    let mut options = PolicyOptions::default();
    for (field, raw) in Field::ALL.into_iter().zip(values) {
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        let name = || [prefix, field.env_name()].concat();
        match field {
            // A name, or a comma-separated list of delays, each in seconds like any duration.
            Field::Backoff => match Backoff::from_name(text) {
                Some(kind) => options.backoff = Some(kind),
                None => {
                    let delays: Option<Vec<f64>> = split_list(text)
                        .iter()
                        .map(|item| duration_to_ms(item, &parse))
                        .collect();
                    match delays {
                        Some(delays) if !delays.is_empty() => options.delays = Some(delays),
                        _ => return Err(rename(PolicyError::unknown_name(field, text), name())),
                    }
                }
            },
            Field::LongRetryAfter => {
                let choice = LongRetryAfter::from_name(text);
                options.long_retry_after = Some(
                    choice.ok_or_else(|| rename(PolicyError::unknown_name(field, text), name()))?,
                )
            }
            Field::Jitter => {
                let kind = Jitter::from_name(text);
                options.jitter = Some(
                    kind.ok_or_else(|| rename(PolicyError::unknown_name(field, text), name()))?,
                )
            }
            _ if field.kind() == FieldKind::Names => {
                if let Some(slot) = options.names_mut(field) {
                    *slot = Some(split_list(text));
                }
            }
            _ => {
                let (number, expected) = match field.kind() {
                    FieldKind::Duration => (
                        duration_to_ms(text, &parse),
                        "a number of seconds (or of ms, written 100ms)",
                    ),
                    _ => (is_decimal(text).then(|| parse(text)).flatten(), "a number"),
                };
                let value = number.ok_or_else(|| PolicyError {
                    kind: ErrorKind::Type,
                    renamed: Some(name()),
                    field: Some(field),
                    expected,
                    value: Value::Text(raw.clone()),
                })?;
                if let Some(slot) = options.number_mut(field) {
                    *slot = Some(value);
                }
            }
        }
    }
    // Range errors name the variable the user set, not the JSON field.
    options.build().map_err(|err| match err.field {
        Some(field) => {
            let name = [prefix, field.env_name()].concat();
            rename(err, name)
        }
        None => err,
    })?;
    Ok(options)
}

fn rename(mut err: PolicyError, name: String) -> PolicyError {
    err.renamed = Some(name);
    err
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Decimal seconds to ms without the rounding error of `× 1000`: the decimal exponent is
/// shifted by three and the text parsed once, so "0.1" gives exactly 100.
/// A duration's text as ms: seconds, unless it ends in `ms` (`100ms`); a trailing `s` says
/// seconds explicitly (`0.1s`). A seconds variable set to `100` meaning 100 ms is the
/// commonest slip, and the suffix lets the value say what it means.
fn duration_to_ms(text: &str, parse: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
    match text.strip_suffix("ms") {
        Some(ms) => is_decimal(ms).then(|| parse(ms)).flatten(),
        None => seconds_to_ms(text.strip_suffix('s').unwrap_or(text), parse),
    }
}

fn seconds_to_ms(text: &str, parse: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    if !is_decimal(text) {
        return None;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let mut shifted = String::with_capacity(mantissa.len() + 12);
    shifted.push_str(mantissa);
    shifted.push('e');
    push_integer(&mut shifted, exponent.checked_add(3)?);
    parse(&shifted)
}

/// `[+-]digits[.digits][(e|E)[+-]digits]`, with digits on at least one side of the point.
fn is_decimal(text: &str) -> bool {
    fn digits(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_digit())
    }
    fn unsigned(s: &str) -> &str {
        s.strip_prefix(['+', '-']).unwrap_or(s)
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (text, None),
    };
    let (whole, fraction) = unsigned(mantissa)
        .split_once('.')
        .unwrap_or((unsigned(mantissa), ""));
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| !unsigned(e).is_empty() && digits(unsigned(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(text: &str) -> Option<f64> {
        text.parse().ok()
    }

    fn from(vars: &[(&str, &str)]) -> Result<PolicyOptions, PolicyError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        options_from_env(DEFAULT_PREFIX, |name| map.get(name).cloned(), parse)
    }

    #[test]
    fn reads_the_seed_variables_in_seconds() {
        let options = from(&[
            ("RETRY_MAX_ATTEMPTS", "3"),
            ("RETRY_INITIAL_DELAY", "0.1"),
            ("RETRY_MAX_DELAY", "10.0"),
        ])
        .unwrap();
        assert_eq!(options.max_attempts, Some(3.0));
        assert_eq!(options.initial_delay, Some(100.0));
        assert_eq!(options.max_delay, Some(10_000.0));
    }

    #[test]
    fn reads_every_other_field_and_skips_empty_ones() {
        let options = from(&[
            ("RETRY_BACKOFF", "linear"),
            ("RETRY_JITTER", " decorrelated "),
            ("RETRY_JITTER_FACTOR", "0.3"),
            ("RETRY_MAX_ELAPSED", "2.5"),
            ("RETRY_ATTEMPT_TIMEOUT", "1e-1"),
            ("RETRY_SEED", "17"),
            ("RETRY_RETRY_ON", "ECONNRESET, ThrottlingException,"),
            ("RETRY_ABORT_ON", "ValidationException"),
            ("RETRY_MULTIPLIER", ""),
        ])
        .unwrap();
        assert_eq!(options.backoff, Some(Backoff::Linear));
        assert_eq!(options.jitter, Some(Jitter::Decorrelated));
        assert_eq!(options.jitter_factor, Some(0.3));
        assert_eq!(options.max_elapsed, Some(2500.0));
        assert_eq!(options.attempt_timeout, Some(100.0));
        assert_eq!(options.seed, Some(17.0));
        assert_eq!(
            options.retry_on.unwrap(),
            ["ECONNRESET", "ThrottlingException"]
        );
        assert_eq!(options.abort_on.unwrap(), ["ValidationException"]);
        assert_eq!(options.multiplier, None);
    }

    #[test]
    fn seconds_convert_exactly() {
        for (text, ms) in [
            ("0.1", 100.0),
            ("0.05", 50.0),
            ("15", 15_000.0),
            ("2.5e-2", 25.0),
            ("1E1", 10_000.0),
            ("0.001", 1.0),
        ] {
            assert_eq!(seconds_to_ms(text, parse), Some(ms), "{text}");
        }
        for text in [
            "abc", "1s", "", "1e", "e3", "0x10", "inf", "NaN", ".", "1.2.3", "--1", "1e+-2",
        ] {
            assert_eq!(seconds_to_ms(text, parse), None, "{text}");
        }
    }

    #[test]
    fn durations_may_name_their_unit() {
        // Seconds by default, as the retry standard writes them; `ms` or `s` says which.
        for (text, ms) in [
            ("0.1", 100.0),
            ("0.1s", 100.0),
            ("100ms", 100.0),
            ("2.5ms", 2.5),
        ] {
            let options = from(&[("RETRY_INITIAL_DELAY", text)]).unwrap();
            assert_eq!(options.initial_delay, Some(ms), "{text}");
        }
        for text in ["100 ms", "1m", "ms", "s", "100MS", "1e3msms"] {
            assert!(from(&[("RETRY_INITIAL_DELAY", text)]).is_err(), "{text}");
        }
    }

    #[test]
    fn errors_name_the_variable_and_the_value() {
        let err = from(&[("RETRY_MAX_DELAY", "ten")]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Type);
        assert_eq!(
            err.to_string(),
            "`RETRY_MAX_DELAY` must be a number of seconds (or of ms, written 100ms), got 'ten'"
        );
        let err = from(&[("RETRY_MAX_ATTEMPTS", "0")]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Range);
        assert_eq!(
            err.to_string(),
            "`RETRY_MAX_ATTEMPTS` must be an integer from 1 to 4294967295, got 0"
        );
        let err = from(&[("RETRY_MAX_ATTEMPTS", "Infinity")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`RETRY_MAX_ATTEMPTS` must be a number, got 'Infinity'"
        );
        let err = from(&[("RETRY_JITTER", "lots")]).unwrap_err();
        assert_eq!(err.name(), "RETRY_JITTER");
    }

    #[test]
    fn backoff_may_list_delays_in_seconds_and_long_retry_after_names_a_choice() {
        let options = from(&[
            ("RETRY_BACKOFF", "0.1, 0.25,1, 1500ms"),
            ("RETRY_LONG_RETRY_AFTER", "cap"),
        ])
        .unwrap();
        assert_eq!(options.delays, Some(vec![100.0, 250.0, 1000.0, 1500.0]));
        assert_eq!(options.backoff, None);
        assert_eq!(options.long_retry_after, Some(LongRetryAfter::Cap));
        let err = from(&[("RETRY_BACKOFF", "0.1,soon")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`RETRY_BACKOFF` must be one of 'constant', 'linear', 'exponential', 'fibonacci', or a list of delays, got '0.1,soon'"
        );
        // An empty list is read as a bad value, the text shown as written.
        assert_eq!(
            from(&[("RETRY_BACKOFF", ",")]).unwrap_err().value,
            Value::Text(",".into())
        );
        // A listed delay past maxDelay names the variable.
        let err = from(&[("RETRY_BACKOFF", "11")]).unwrap_err();
        assert_eq!(err.name(), "RETRY_BACKOFF");
        let err = from(&[("RETRY_LONG_RETRY_AFTER", "wait")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`RETRY_LONG_RETRY_AFTER` must be one of 'stop', 'cap', got 'wait'"
        );
    }

    #[test]
    fn a_custom_prefix_is_honoured() {
        let lookup = |name: &str| (name == "PAYMENTS_RETRY_MAX_ATTEMPTS").then(|| "5".to_string());
        let options = options_from_env("PAYMENTS_RETRY_", lookup, parse).unwrap();
        assert_eq!(options.max_attempts, Some(5.0));
    }
}

#[cfg(test)]
mod lenient_parsers {
    use super::*;

    /// JavaScript's Number() accepts hex, "Infinity" and padded text; only decimals may pass.
    fn js_like(text: &str) -> Option<f64> {
        match text {
            "0x10" => Some(16.0),
            "Infinity" => Some(f64::INFINITY),
            "1a." => Some(1.0),
            ".x" => Some(0.0),
            "1ex" | "1e" | "1e+" => Some(1.0),
            _ => text.parse().ok(),
        }
    }

    #[test]
    fn counts_and_factors_are_held_to_the_same_rule() {
        // Read without the seconds' shift, so only the decimal check stands in the way.
        for text in ["1ex", "1e", "1e+", "0x10"] {
            let read = options_from_env(
                "RETRY_",
                |name| (name == "RETRY_MAX_ATTEMPTS").then(|| text.into()),
                js_like,
            );
            assert_eq!(read.unwrap_err().name(), "RETRY_MAX_ATTEMPTS", "{text:?}");
        }
        let read = options_from_env(
            "RETRY_",
            |name| (name == "RETRY_MAX_ATTEMPTS").then(|| "4e0".into()),
            js_like,
        );
        assert_eq!(read.unwrap().max_attempts, Some(4.0));
    }

    #[test]
    fn only_decimal_text_reaches_the_number_parser() {
        for text in ["0x10", "Infinity", "1a.", ".x", ".", "1ex", "1e", "1e+", ""] {
            let read = options_from_env(
                "RETRY_",
                |name| (name == "RETRY_MAX_DELAY").then(|| text.into()),
                js_like,
            );
            match text {
                "" => assert_eq!(read.unwrap().max_delay, None, "unset"),
                _ => assert_eq!(read.unwrap_err().name(), "RETRY_MAX_DELAY", "{text:?}"),
            }
        }
        for (text, ms) in [
            ("1.5", 1500.0),
            ("2", 2000.0),
            (".5", 500.0),
            ("5.", 5000.0),
            ("1e1", 10_000.0),
        ] {
            let read = options_from_env(
                "RETRY_",
                |name| (name == "RETRY_MAX_DELAY").then(|| text.into()),
                js_like,
            );
            assert_eq!(read.unwrap().max_delay, Some(ms), "{text:?}");
        }
    }
}
