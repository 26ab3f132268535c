//! Policies for other runtimes: a Step Functions retrier (and what it cannot express),
//! environment variables that `env` reads back into the same policy, and a Lambda deadline.

use super::backoff::Backoff;
use super::classify::ErrorClass;
use super::error::{ErrorKind, PolicyError};
use super::field::{Field, FieldKind};
use super::jitter::Jitter;
use super::numbers::{ceil, push_integer};
use super::policy::Policy;
use super::retry_after::LongRetryAfter;
use alloc::string::String;
use alloc::vec::Vec;

/// ASL's bounds on a retrier's fields (Amazon States Language, "Retrying after an error").
pub const ASL_MAX_ATTEMPTS: u32 = 99_999_999;
pub const ASL_MAX_INTERVAL_SECONDS: u32 = 99_999_999;
pub const ASL_MAX_DELAY_SECONDS: u32 = 31_622_400;

/// A Step Functions `Retrier`. `max_attempts` counts **retries** (ASL's meaning), not attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u32,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: u32,
    /// `"FULL"` or `"NONE"`.
    pub jitter_strategy: &'static str,
}

/// Something the policy does that the retrier cannot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    /// `initialDelay` (ms) became `IntervalSeconds` (whole seconds, at least 1).
    IntervalRounded(f64, u32),
    /// `maxDelay` (ms) became `MaxDelaySeconds`.
    MaxDelayRounded(f64, u32),
    /// More retries than ASL allows.
    AttemptsCapped(u32),
    /// ASL backs off exponentially only.
    BackoffApproximated(Backoff),
    /// ASL cannot list delays: exponential backoff from the first one is used.
    DelayListApproximated,
    /// The caller's own backoff (a function) is not data.
    BackoffFunction,
    /// ASL jitters FULL or NONE only.
    JitterApproximated(Jitter),
    NoDeadline,
    NoAttemptTimeout,
    NoSeed,
    NoRetryAfter,
    NoAbortOn,
    NoBudget,
    NoBreaker,
    NoSlots,
    NoIdempotency,
    NoHedging,
    NoClassDelays,
}

impl Loss {
    /// The warning, with numbers written by `number_text` (as in [`PolicyError::message_with`]).
    pub fn message_with(&self, number_text: impl Fn(f64) -> String) -> String {
        let parts: Vec<String> = match *self {
            Loss::IntervalRounded(ms, s) => parts(&["initialDelay ", &number_text(ms), " ms is rounded up to IntervalSeconds ", &number_text(f64::from(s)), " (ASL counts whole seconds)"]),
            Loss::MaxDelayRounded(ms, s) => parts(&["maxDelay ", &number_text(ms), " ms becomes MaxDelaySeconds ", &number_text(f64::from(s)), " (whole seconds, 1 to 31622400)"]),
            Loss::AttemptsCapped(n) => parts(&["maxAttempts is capped at ", &number_text(f64::from(n) + 1.0), " (ASL allows at most 99999999 retries)"]),
            Loss::BackoffApproximated(b) => parts(&[b.name(), " backoff is not expressible: exponential backoff with BackoffRate = multiplier is used"]),
            Loss::DelayListApproximated => parts(&["a list of delays is not expressible: exponential backoff from the first delay with BackoffRate = multiplier is used"]),
            Loss::BackoffFunction => parts(&["a backoff function is not expressible: exponential backoff from initialDelay with BackoffRate = multiplier is used"]),
            Loss::JitterApproximated(j) => parts(&[j.name(), " jitter is not expressible: FULL jitter is used"]),
            Loss::NoDeadline => parts(&["maxElapsed is not expressible in a retrier: set the state's TimeoutSeconds"]),
            Loss::NoAttemptTimeout => parts(&["attemptTimeout is not expressible in a retrier: set the Task state's TimeoutSeconds"]),
            Loss::NoSeed => parts(&["seed is not expressible: Step Functions draws its own jitter"]),
            Loss::NoRetryAfter => parts(&["maxRetryAfter is not expressible: Step Functions does not read Retry-After"]),
            Loss::NoAbortOn => parts(&["abortOn is not expressible: list only the retryable errors in ErrorEquals"]),
            Loss::NoBudget => parts(&["the retry budget is not expressible: Step Functions retries are not rationed"]),
            Loss::NoBreaker => parts(&["the circuit breaker is not expressible: Step Functions has none"]),
            Loss::NoSlots => parts(&["slotCount and slotWidth are not expressible: Step Functions retries are not coordinated"]),
            Loss::NoIdempotency => parts(&["idempotencyTtl is not expressible: make the task itself idempotent"]),
            Loss::NoHedging => parts(&["hedgeDelay and maxHedges are not expressible: Step Functions runs one attempt at a time"]),
            Loss::NoClassDelays => parts(&["throttlingDelay and transientDelay are not expressible in one retrier: add a retrier of its own for the errors throttlingOn or transientOn names"]),
        };
        parts.concat()
    }
}

fn parts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| String::from(*s)).collect()
}

/// Whole seconds, rounded up, within `[1, max]`.
fn whole_seconds(ms: f64, max: u32) -> u32 {
    ceil(ms / 1000.0).clamp(1.0, f64::from(max)) as u32
}

/// The retrier closest to `policy`, and every way it falls short. `errors` is ErrorEquals;
/// without it the policy's `retryOn`, or `States.ALL`.
/// `shared` tells whether the caller's policy also carries a budget and a breaker, which are
/// state rather than policy data.
pub fn to_step_functions(
    policy: &Policy,
    errors: Option<Vec<String>>,
    shared: (bool, bool),
) -> (Retrier, Vec<Loss>) {
    let mut losses = Vec::new();
    let retries = policy.max_attempts() - 1;
    if retries > ASL_MAX_ATTEMPTS {
        losses.push(Loss::AttemptsCapped(ASL_MAX_ATTEMPTS));
    }
    let first_delay = policy
        .delays()
        .and_then(|delays| delays.first().copied())
        .unwrap_or(policy.initial_delay());
    let interval_seconds = whole_seconds(first_delay, ASL_MAX_INTERVAL_SECONDS);
    if f64::from(interval_seconds) * 1000.0 != first_delay {
        losses.push(Loss::IntervalRounded(first_delay, interval_seconds));
    }
    let max_delay_seconds = whole_seconds(policy.max_delay(), ASL_MAX_DELAY_SECONDS);
    if f64::from(max_delay_seconds) * 1000.0 != policy.max_delay() {
        losses.push(Loss::MaxDelayRounded(policy.max_delay(), max_delay_seconds));
    }
    let backoff_rate = match policy.backoff() {
        _ if policy.caller_backoff() => {
            losses.push(Loss::BackoffFunction);
            policy.multiplier()
        }
        _ if policy.delays().is_some() => {
            losses.push(Loss::DelayListApproximated);
            policy.multiplier()
        }
        Backoff::Constant => 1.0,
        Backoff::Exponential => policy.multiplier(),
        other => {
            losses.push(Loss::BackoffApproximated(other));
            policy.multiplier()
        }
    };
    let jitter_strategy = match policy.jitter() {
        Jitter::None => "NONE",
        Jitter::Full => "FULL",
        other => {
            losses.push(Loss::JitterApproximated(other));
            "FULL"
        }
    };
    for (set, loss) in [
        (policy.max_elapsed().is_some(), Loss::NoDeadline),
        (policy.attempt_timeout().is_some(), Loss::NoAttemptTimeout),
        (policy.seed().is_some(), Loss::NoSeed),
        (
            policy.max_retry_after().is_some() || policy.long_retry_after() == LongRetryAfter::Cap,
            Loss::NoRetryAfter,
        ),
        (!policy.abort_on().is_empty(), Loss::NoAbortOn),
        (policy.slots().is_some(), Loss::NoSlots),
        (policy.idempotency_ttl().is_some(), Loss::NoIdempotency),
        (policy.hedging().is_some(), Loss::NoHedging),
        (
            policy.number(Field::ThrottlingDelay).is_some()
                || policy.number(Field::TransientDelay).is_some(),
            Loss::NoClassDelays,
        ),
        (shared.0, Loss::NoBudget),
        (shared.1, Loss::NoBreaker),
    ] {
        if set {
            losses.push(loss);
        }
    }
    let error_equals = errors.unwrap_or_else(|| {
        if policy.retry_on().is_empty() {
            alloc::vec![String::from("States.ALL")]
        } else {
            policy.retry_on().to_vec()
        }
    });
    let retrier = Retrier {
        error_equals,
        interval_seconds,
        max_attempts: retries.min(ASL_MAX_ATTEMPTS),
        backoff_rate,
        max_delay_seconds,
        jitter_strategy,
    };
    (retrier, losses)
}

/// The environment variables (name, value) that [`super::env::options_from_env`] reads back
/// into exactly `policy`: every field that is set, durations in seconds. `number_text` writes
/// a number in its shortest round-trip form (JavaScript's `String`, Rust's `Display`); seconds
/// are that text with the decimal point moved, so no rounding creeps in.
pub fn options_to_env(
    policy: &Policy,
    prefix: &str,
    number_text: impl Fn(f64) -> String,
) -> Result<Vec<(String, String)>, PolicyError> {
    let options = policy.to_options();
    if options.caller_backoff {
        return Err(PolicyError {
            kind: ErrorKind::Type,
            ..PolicyError::option_text(
                Field::Backoff.name(),
                "a name or a list of delays to be written to environment variables",
                "a function",
            )
        });
    }
    let mut vars = Vec::new();
    for field in Field::ALL {
        let value = match field {
            Field::Backoff => match policy.delays() {
                Some(delays) => {
                    let seconds: Vec<String> = delays
                        .iter()
                        .map(|&ms| ms_text_to_seconds(&number_text(ms)))
                        .collect();
                    Some(seconds.join(","))
                }
                None => options.backoff.map(|b| String::from(b.name())),
            },
            Field::LongRetryAfter => options.long_retry_after.map(|c| String::from(c.name())),
            Field::Jitter => options.jitter.map(|j| String::from(j.name())),
            _ if field.kind() == FieldKind::Names => {
                let list = policy.names(field);
                // The reader splits at commas and trims each name: refuse what it would change.
                let changed = |name: &String| name.contains(',') || name.trim() != name;
                if let Some(name) = list.iter().find(|name| changed(name)) {
                    return Err(PolicyError::option_text(
                        field.name(),
                        "names without commas or leading or trailing spaces to be written to an environment variable",
                        name,
                    ));
                }
                Some(list.join(","))
            }
            _ => policy.number(field).map(|v| match field.kind() {
                FieldKind::Duration => ms_text_to_seconds(&number_text(v)),
                _ => number_text(v),
            }),
        };
        if let Some(value) = value {
            vars.push(([prefix, field.env_name()].concat(), value));
        }
    }
    Ok(vars)
}

/// A decimal number of ms, as text, divided by 1000 by moving its decimal point: "100" →
/// "0.1", "1500" → "1.5", "2.5e-7" → "2.5e-10".
pub fn ms_text_to_seconds(text: &str) -> String {
    if let Some((mantissa, exponent)) = text.split_once(['e', 'E']) {
        let exponent: i32 = exponent.trim_start_matches('+').parse().unwrap_or(0);
        let mut out = String::from(mantissa);
        out.push('e');
        push_integer(&mut out, exponent - 3);
        return out;
    }
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let padded = [&"000"[..3usize.saturating_sub(whole.len())], whole].concat();
    let (new_whole, moved) = padded.split_at(padded.len() - 3);
    let new_fraction = [moved, fraction].concat();
    let new_fraction = new_fraction.trim_end_matches('0');
    let new_whole = new_whole.trim_start_matches('0');
    let new_whole = if new_whole.is_empty() { "0" } else { new_whole };
    if new_fraction.is_empty() {
        [sign, new_whole].concat()
    } else {
        [sign, new_whole, ".", new_fraction].concat()
    }
}

/// How `policy` sees a request the AWS SDK v3 classified as `error_type` (`THROTTLING`,
/// `TRANSIENT`, `SERVER_ERROR`, `CLIENT_ERROR`), with `identifiers` of its error: `None` when
/// it may not be retried, else its class. The SDK's client errors (validation,
/// authentication, not found) never succeed on a second try; otherwise the SDK's type is one
/// more identifier the policy's lists may name, and its throttling and transient verdicts
/// stand whatever the lists say: a timeout the SDK reports as `TRANSIENT` costs a budget its
/// `timeoutCost`, as in the SDK's own quota.
pub fn aws_error_class<'a>(
    policy: &Policy,
    error_type: &'a str,
    identifiers: impl Iterator<Item = &'a str> + Clone,
) -> Option<ErrorClass> {
    let ids = core::iter::once(error_type).chain(identifiers);
    if error_type == "CLIENT_ERROR" || !policy.is_retryable(ids.clone(), false) {
        return None;
    }
    Some(match error_type {
        "THROTTLING" => ErrorClass::Throttling,
        "TRANSIENT" => ErrorClass::Transient,
        _ => policy.error_class(ids, false),
    })
}

/// The ms a handler keeps for itself after its last attempt when the caller names none.
pub const DEFAULT_DEADLINE_RESERVE_MS: f64 = 500.0;

/// A `maxElapsed` from a Lambda's remaining time, keeping `reserve` ms (default
/// [`DEFAULT_DEADLINE_RESERVE_MS`]) for the handler's own work after the last attempt; when
/// the reserve takes all the time left, [`NO_TIME_LEFT`] (one attempt, no retry).
pub fn deadline_from(remaining_ms: f64, reserve_ms: Option<f64>) -> Result<f64, PolicyError> {
    let reserve_ms = reserve_ms.unwrap_or(DEFAULT_DEADLINE_RESERVE_MS);
    if !(reserve_ms.is_finite() && reserve_ms >= 0.0) {
        return Err(PolicyError::option_range(
            "reserve",
            "a finite number of ms >= 0",
            reserve_ms,
        ));
    }
    if !(remaining_ms.is_finite() && remaining_ms >= 0.0) {
        return Err(PolicyError::option_range(
            "getRemainingTimeInMillis()",
            "a finite number of ms >= 0",
            remaining_ms,
        ));
    }
    let left = remaining_ms - reserve_ms;
    Ok(if left > 0.0 { left } else { NO_TIME_LEFT })
}

/// The deadline when the reserve takes all the time left: the smallest `maxElapsed` there
/// is, so the attempt under way runs and no retry follows (every sleep would end past it).
pub const NO_TIME_LEFT: f64 = 5e-324;

#[cfg(test)]
mod tests {
    use super::super::env::options_from_env;
    use super::super::PolicyOptions;
    use super::*;
    use alloc::string::ToString;
    use std::collections::HashMap;

    fn policy(options: PolicyOptions) -> Policy {
        options.build().unwrap()
    }

    fn text(n: f64) -> String {
        n.to_string()
    }

    #[test]
    fn an_exact_policy_maps_without_loss() {
        let p = policy(PolicyOptions {
            max_attempts: Some(4.0),
            initial_delay: Some(2000.0),
            max_delay: Some(60_000.0),
            multiplier: Some(1.5),
            jitter: Some(Jitter::Full),
            ..Default::default()
        });
        let (r, losses) = to_step_functions(&p, None, (false, false));
        assert_eq!(
            r,
            Retrier {
                error_equals: alloc::vec!["States.ALL".into()],
                interval_seconds: 2,
                max_attempts: 3,
                backoff_rate: 1.5,
                max_delay_seconds: 60,
                jitter_strategy: "FULL",
            }
        );
        assert!(losses.is_empty(), "{losses:?}");
    }

    #[test]
    fn a_class_delay_alone_is_a_loss() {
        let loss = |options: PolicyOptions| {
            to_step_functions(&policy(options), None, (false, false))
                .1
                .contains(&Loss::NoClassDelays)
        };
        assert!(loss(PolicyOptions {
            throttling_delay: Some(1000.0),
            ..Default::default()
        }));
        assert!(loss(PolicyOptions {
            transient_delay: Some(1000.0),
            ..Default::default()
        }));
        assert!(!loss(PolicyOptions {
            throttling_on: Some(alloc::vec!["429".into()]),
            ..Default::default()
        }));
    }

    #[test]
    fn hedging_is_a_loss_and_only_with_a_hedge_delay() {
        let losses =
            |options: PolicyOptions| to_step_functions(&policy(options), None, (false, false)).1;
        assert_eq!(
            losses(PolicyOptions {
                initial_delay: Some(1000.0),
                hedge_delay: Some(0.0),
                ..Default::default()
            }),
            [Loss::NoHedging]
        );
        assert!(losses(PolicyOptions {
            initial_delay: Some(1000.0),
            max_hedges: Some(3.0),
            ..Default::default()
        })
        .is_empty());
    }

    #[test]
    fn what_asl_cannot_say_is_listed() {
        let p = policy(PolicyOptions {
            initial_delay: Some(100.0),
            max_delay: Some(2500.0),
            backoff: Some(Backoff::Fibonacci),
            jitter: Some(Jitter::Decorrelated),
            max_elapsed: Some(9000.0),
            attempt_timeout: Some(1000.0),
            seed: Some(1.0),
            max_retry_after: Some(5000.0),
            retry_on: Some(alloc::vec!["ThrottlingException".into()]),
            abort_on: Some(alloc::vec!["ValidationException".into()]),
            ..Default::default()
        });
        let (r, losses) = to_step_functions(&p, None, (false, false));
        assert_eq!(
            (r.interval_seconds, r.max_delay_seconds, r.jitter_strategy),
            (1, 3, "FULL")
        );
        assert_eq!(r.error_equals, ["ThrottlingException"]);
        assert_eq!(losses.len(), 9, "{losses:?}");
        assert_eq!(
            losses[0].message_with(text),
            "initialDelay 100 ms is rounded up to IntervalSeconds 1 (ASL counts whole seconds)"
        );
        assert_eq!(
            losses[3].message_with(text),
            "decorrelated jitter is not expressible: FULL jitter is used"
        );
        // Explicit errors win over retryOn.
        assert_eq!(
            to_step_functions(
                &p,
                Some(alloc::vec!["Lambda.ServiceException".into()]),
                (true, false)
            )
            .0
            .error_equals,
            ["Lambda.ServiceException"]
        );
    }

    #[test]
    fn seconds_text_moves_the_point() {
        for (ms, s) in [
            ("100", "0.1"),
            ("1500", "1.5"),
            ("10000", "10"),
            ("5", "0.005"),
            ("0", "0"),
            ("0.5", "0.0005"),
            ("2.5e-7", "2.5e-10"),
            ("2147483647", "2147483.647"),
        ] {
            assert_eq!(ms_text_to_seconds(ms), s, "{ms}");
        }
    }

    #[test]
    fn env_round_trips_exactly() {
        let p = policy(PolicyOptions {
            max_attempts: Some(6.0),
            initial_delay: Some(0.1),
            max_delay: Some(1234.567),
            multiplier: Some(1.7),
            backoff: Some(Backoff::Linear),
            jitter: Some(Jitter::Additive),
            jitter_factor: Some(0.3),
            max_elapsed: Some(29_000.0),
            attempt_timeout: Some(2500.0),
            seed: Some(9_007_199_254_740_991.0),
            max_retry_after: Some(5000.0),
            slot_count: Some(20.0),
            slot_width: Some(50.0),
            idempotency_ttl: Some(1_800_000.0),
            throttling_delay: Some(500.0),
            transient_delay: Some(25.0),
            hedge_delay: Some(40.0),
            max_hedges: Some(2.0),
            long_retry_after: Some(LongRetryAfter::Cap),
            delays: None,
            caller_backoff: false,
            retry_on: Some(alloc::vec![
                "ECONNRESET".into(),
                "ThrottlingException".into()
            ]),
            abort_on: Some(alloc::vec![]),
            throttling_on: Some(alloc::vec!["429".into(), "ThrottlingException".into()]),
            transient_on: Some(alloc::vec!["ECONNRESET".into()]),
        });
        let vars: HashMap<String, String> = options_to_env(&p, "RETRY_", text)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(vars["RETRY_INITIAL_DELAY"], "0.0001");
        assert_eq!(vars["RETRY_MAX_DELAY"], "1.234567");
        // The retry standard's names and units: a count, then seconds.
        assert_eq!(vars["RETRY_SLOT_COUNT"], "20");
        assert_eq!(vars["RETRY_SLOT_WIDTH"], "0.05");
        assert_eq!(vars["RETRY_IDEMPOTENCY_TTL"], "1800");
        assert_eq!(vars["RETRY_THROTTLING_DELAY"], "0.5");
        assert_eq!(vars["RETRY_TRANSIENT_DELAY"], "0.025");
        assert_eq!(vars["RETRY_HEDGE_DELAY"], "0.04");
        assert_eq!(vars["RETRY_MAX_HEDGES"], "2");
        assert_eq!(vars["RETRY_THROTTLING_ON"], "429,ThrottlingException");
        assert_eq!(vars["RETRY_TRANSIENT_ON"], "ECONNRESET");
        assert_eq!(vars["RETRY_LONG_RETRY_AFTER"], "cap");
        let back = options_from_env("RETRY_", |name| vars.get(name).cloned(), |t| t.parse().ok())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_list_of_delays_round_trips_through_env_in_seconds() {
        let p = policy(PolicyOptions {
            delays: Some(alloc::vec![0.0, 100.0, 250.5, 1000.0]),
            ..Default::default()
        });
        let vars: HashMap<String, String> = options_to_env(&p, "RETRY_", text)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(vars["RETRY_BACKOFF"], "0,0.1,0.2505,1");
        let back = options_from_env("RETRY_", |name| vars.get(name).cloned(), |t| t.parse().ok())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(back, p);
        assert_eq!(back.delays(), Some(&[0.0, 100.0, 250.5, 1000.0][..]));
    }

    #[test]
    fn step_functions_approximates_a_list_of_delays_and_says_so() {
        let p = policy(PolicyOptions {
            delays: Some(alloc::vec![2000.0, 3000.0, 9000.0]),
            ..Default::default()
        });
        let (retrier, losses) = to_step_functions(&p, None, (false, false));
        assert_eq!(retrier.interval_seconds, 2);
        assert_eq!(retrier.backoff_rate, 2.0);
        assert_eq!(losses, [Loss::DelayListApproximated]);
        assert_eq!(
            Loss::DelayListApproximated.message_with(|n| n.to_string()),
            "a list of delays is not expressible: exponential backoff from the first delay with BackoffRate = multiplier is used"
        );
        let cap = policy(PolicyOptions {
            initial_delay: Some(1000.0),
            long_retry_after: Some(LongRetryAfter::Cap),
            ..Default::default()
        });
        assert_eq!(
            to_step_functions(&cap, None, (false, false)).1,
            [Loss::NoRetryAfter]
        );
    }

    #[test]
    fn the_caller_s_backoff_is_not_data() {
        let p = policy(PolicyOptions {
            caller_backoff: true,
            initial_delay: Some(1000.0),
            ..Default::default()
        });
        let err = options_to_env(&p, "RETRY_", text).unwrap_err();
        assert_eq!(err.kind, super::super::error::ErrorKind::Type);
        assert_eq!(
            err.to_string(),
            "`backoff` must be a name or a list of delays to be written to environment variables, got 'a function'"
        );
        let (_, losses) = to_step_functions(&p, None, (false, false));
        assert_eq!(losses, [Loss::BackoffFunction]);
        assert_eq!(
            Loss::BackoffFunction.message_with(|n| n.to_string()),
            "a backoff function is not expressible: exponential backoff from initialDelay with BackoffRate = multiplier is used"
        );
    }

    #[test]
    fn env_refuses_names_with_commas() {
        let p = policy(PolicyOptions {
            retry_on: Some(alloc::vec!["a,b".into()]),
            ..Default::default()
        });
        assert!(options_to_env(&p, "RETRY_", text).is_err());
    }

    #[test]
    fn aws_client_errors_are_final() {
        let p = policy(PolicyOptions::default());
        let class = |t| aws_error_class(&p, t, ["Error", ""].into_iter());
        assert_eq!(class("CLIENT_ERROR"), None);
        assert_eq!(class("THROTTLING"), Some(ErrorClass::Throttling));
        assert_eq!(class("TRANSIENT"), Some(ErrorClass::Transient));
        assert_eq!(class("SERVER_ERROR"), Some(ErrorClass::Other));
        // The SDK's type is an identifier: retryOn and abortOn may name it.
        let only_throttling = policy(PolicyOptions {
            retry_on: Some(alloc::vec!["THROTTLING".into()]),
            ..Default::default()
        });
        let class = |t| aws_error_class(&only_throttling, t, ["Error", ""].into_iter());
        assert_eq!(class("THROTTLING"), Some(ErrorClass::Throttling));
        assert_eq!(class("TRANSIENT"), None);
    }

    #[test]
    fn deadline_keeps_the_reserve() {
        assert_eq!(deadline_from(30_000.0, Some(2000.0)), Ok(28_000.0));
        assert_eq!(
            deadline_from(30_000.0, None),
            Ok(29_500.0),
            "500 ms by default"
        );
        assert_eq!(deadline_from(30_000.0, Some(0.0)), Ok(30_000.0));
        // Both sides of "less than the time left". With no time past the reserve, the
        // deadline leaves room for the attempt under way and no retry: the handler gets a
        // clean `RetryExhaustedError` (reason 'deadline'), never a thrown option error.
        assert_eq!(deadline_from(501.0, None), Ok(1.0));
        assert_eq!(deadline_from(500.0, None), Ok(NO_TIME_LEFT));
        assert_eq!(deadline_from(400.0, Some(500.0)), Ok(NO_TIME_LEFT));
        assert_eq!(deadline_from(0.0, Some(0.0)), Ok(NO_TIME_LEFT));
        const { assert!(NO_TIME_LEFT > 0.0, "a valid maxElapsed") };
        assert!(deadline_from(f64::NAN, Some(0.0)).is_err());
        assert!(deadline_from(-1.0, Some(0.0)).is_err());
        assert_eq!(deadline_from(0.5, Some(0.0)), Ok(0.5));
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            let err = deadline_from(30_000.0, Some(bad)).unwrap_err();
            assert_eq!(err.name(), "reserve");
            assert!(
                matches!(err.value, super::super::Value::Number(v) if v.to_bits() == bad.to_bits())
            );
        }
    }
}

#[cfg(test)]
mod env_names {
    use super::super::env::options_from_env;
    use super::super::PolicyOptions;
    use super::*;
    use alloc::string::ToString;
    use std::collections::HashMap;

    fn with_retry_on(names: &[&str]) -> Policy {
        PolicyOptions {
            retry_on: Some(names.iter().map(|n| n.to_string()).collect()),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    #[test]
    fn names_with_inner_spaces_round_trip_exactly() {
        let p = with_retry_on(&["Service Unavailable", "Too  Many\tRequests"]);
        let vars: HashMap<String, String> = options_to_env(&p, "RETRY_", |n| n.to_string())
            .unwrap()
            .into_iter()
            .collect();
        let back = options_from_env("RETRY_", |name| vars.get(name).cloned(), |t| t.parse().ok())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(back.retry_on(), p.retry_on());
    }

    #[test]
    fn names_the_reader_would_trim_are_refused() {
        for name in [" Leading", "Trailing ", "\tTab", " ", "Line\n"] {
            let err = options_to_env(&with_retry_on(&[name]), "RETRY_", |n| n.to_string())
                .expect_err(name);
            assert_eq!(err.name(), "retryOn", "{name:?}");
            assert_eq!(
                err.expected,
                "names without commas or leading or trailing spaces to be written to an environment variable"
            );
        }
    }
}

#[cfg(test)]
mod asl_bounds {
    use super::super::PolicyOptions;
    use super::*;
    use alloc::string::ToString;

    fn with_attempts(n: f64) -> Policy {
        PolicyOptions {
            max_attempts: Some(n),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    #[test]
    fn retries_are_capped_only_past_the_asl_limit() {
        let (retrier, losses) =
            to_step_functions(&with_attempts(100_000_000.0), None, (false, false));
        assert_eq!(retrier.max_attempts, 99_999_999);
        assert!(!losses.contains(&Loss::AttemptsCapped(ASL_MAX_ATTEMPTS)));
        let (retrier, losses) =
            to_step_functions(&with_attempts(100_000_001.0), None, (false, false));
        assert_eq!(retrier.max_attempts, 99_999_999);
        assert!(losses.contains(&Loss::AttemptsCapped(ASL_MAX_ATTEMPTS)));
        assert_eq!(
            Loss::AttemptsCapped(ASL_MAX_ATTEMPTS).message_with(|n| n.to_string()),
            "maxAttempts is capped at 100000000 (ASL allows at most 99999999 retries)"
        );
    }

    #[test]
    fn an_infinite_remaining_time_is_refused() {
        assert_eq!(
            deadline_from(f64::INFINITY, Some(0.0)).unwrap_err().name(),
            "getRemainingTimeInMillis()"
        );
    }
}
