//! A retry policy: validated numbers and kinds, with their defaults and bounds.

use alloc::string::String;
use alloc::vec::Vec;

use super::backoff::Backoff;
use super::error::PolicyError;
use super::field::Field;
use super::jitter::Jitter;
use super::numbers::is_integer;
use super::retry_after::LongRetryAfter;

/// The longest delay JavaScript timers honour (2^31 − 1 ms, about 24.8 days); a longer one
/// fires at once, so no delay, cap or timeout may exceed it.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;
/// The largest integer a JavaScript number holds exactly: seeds stay below it so that they
/// survive JSON and environment variables unchanged.
pub const MAX_SEED: f64 = 9_007_199_254_740_991.0;

const DEFAULT_INITIAL_DELAY: f64 = 100.0;
const DEFAULT_MAX_DELAY: f64 = 10_000.0;
const DEFAULT_SLOT_COUNT: u32 = 10;
const MAX_SLOT_COUNT: f64 = 1000.0;
const DEFAULT_MAX_HEDGES: u32 = 1;
// Polly's bound too: past a few, hedges multiply a slow service's load for little gain.
const MAX_HEDGES: f64 = 10.0;

/// The fields of a policy as the user gave them: every one optional, numbers as raw `f64`
/// (as JSON, JavaScript and environment variables provide them). [`PolicyOptions::build`]
/// checks them and fills in the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyOptions {
    pub max_attempts: Option<f64>,
    pub initial_delay: Option<f64>,
    pub max_delay: Option<f64>,
    pub multiplier: Option<f64>,
    pub backoff: Option<Backoff>,
    pub jitter: Option<Jitter>,
    pub jitter_factor: Option<f64>,
    pub max_elapsed: Option<f64>,
    pub attempt_timeout: Option<f64>,
    pub seed: Option<f64>,
    pub max_retry_after: Option<f64>,
    pub slot_count: Option<f64>,
    pub slot_width: Option<f64>,
    pub idempotency_ttl: Option<f64>,
    pub throttling_delay: Option<f64>,
    pub transient_delay: Option<f64>,
    pub hedge_delay: Option<f64>,
    pub max_hedges: Option<f64>,
    pub long_retry_after: Option<LongRetryAfter>,
    /// The base delays before retries 1, 2, …, the last repeated, instead of `backoff`'s
    /// formula (in JSON and JavaScript: `backoff` given as a list).
    pub delays: Option<Vec<f64>>,
    /// The caller chooses each retry's base delay itself (in JavaScript: `backoff` given as a
    /// function), passing it as [`Failure::base`](super::schedule::Failure::base). Not data:
    /// JSON and environment variables cannot hold it.
    pub caller_backoff: bool,
    pub retry_on: Option<Vec<String>>,
    pub abort_on: Option<Vec<String>>,
    pub throttling_on: Option<Vec<String>>,
    pub transient_on: Option<Vec<String>>,
}

/// A validated retry policy. Durations are milliseconds.
///
/// # Default
/// - `max_attempts`: 3 — counts every attempt, the first included (3 = one call + two retries)
/// - `initial_delay`: 100 ms
/// - `max_delay`: 10,000 ms
/// - `multiplier`: 2
/// - `backoff`: exponential
/// - `jitter`: full
/// - `jitter_factor`: 0.25 (used by proportional and additive jitter)
/// - `max_elapsed`: none (no total time budget)
/// - `attempt_timeout`: none
/// - `seed`: none (each call draws its own)
/// - `max_retry_after`: none (a server's `Retry-After` is honoured up to `max_delay`)
/// - `slot_count`: 10 — how many retry slots a retry may try, its own and the next ones
///   (used only with `slot_width`)
/// - `slot_width`: none (no retry slots) — the width of a fleet-wide retry slot, in ms
/// - `idempotency_ttl`: none — how long a completed result is kept under its idempotency key
/// - `throttling_delay`: none (`initial_delay`) — the first delay after a throttling error
/// - `transient_delay`: none (`initial_delay`) — the first delay after a transient error
/// - `hedge_delay`: none (no hedging) — how long an attempt runs before a hedge starts beside it
/// - `max_hedges`: 1 — the most hedges one call starts (used only with `hedge_delay`)
/// - `long_retry_after`: stop — what a `Retry-After` past `max_retry_after` does
/// - `delays`: none (`backoff`'s formula) — each in `[0, max_delay]`; with them,
///   `throttling_delay` and `transient_delay` must be unset, and `backoff`, `initial_delay`
///   and `multiplier` have no effect
/// - `caller_backoff`: false — when true, the same as for `delays`
/// - `retry_on`: empty (every error is retryable unless `abort_on` names it)
/// - `abort_on`: empty
/// - `throttling_on`: empty — the errors that mean "slow down" (see [`ErrorClass`])
/// - `transient_on`: empty — the errors that are transient faults; an attempt that timed out
///   is one too
///
/// [`ErrorClass`]: super::classify::ErrorClass
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    // Validated, every field with a default filled in and every list present: the accessors
    // below read it, and the numbers stay the numbers the user gave.
    options: PolicyOptions,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            options: PolicyOptions::default().with_defaults(),
        }
    }
}

/// The numeric fields that have a default, and their defaults.
const NUMBER_DEFAULTS: [(Field, f64); 5] = [
    (Field::MaxAttempts, 3.0),
    (Field::InitialDelay, DEFAULT_INITIAL_DELAY),
    (Field::MaxDelay, DEFAULT_MAX_DELAY),
    (Field::Multiplier, 2.0),
    (Field::JitterFactor, 0.25),
];

/// A field out of range: which, what it must be, and the value it got.
type Problem = (Field, &'static str, f64);

/// A field's bounds: its value must lie in `low..=high`, and be whole if the flag says so (NaN
/// never fits). `initialDelay` and `maxDelay` depend on each other and are checked apart.
type Bound = (Field, f64, f64, bool, &'static str);

/// The smallest number above 0: `v >= ABOVE_ZERO` is `v > 0`.
const ABOVE_ZERO: f64 = 5e-324;

const BOUNDS: [Bound; 14] = [
    (
        Field::MaxAttempts,
        1.0,
        u32::MAX as f64,
        true,
        "an integer from 1 to 4294967295",
    ),
    (
        Field::Multiplier,
        1.0,
        f64::MAX,
        false,
        "a finite number >= 1",
    ),
    (Field::JitterFactor, 0.0, 1.0, false, "a number from 0 to 1"),
    (
        Field::MaxElapsed,
        ABOVE_ZERO,
        f64::MAX,
        false,
        "a finite number of ms > 0",
    ),
    (
        Field::AttemptTimeout,
        ABOVE_ZERO,
        MAX_TIMER_MS,
        false,
        "a number of ms > 0 and <= 2147483647",
    ),
    (
        Field::Seed,
        0.0,
        MAX_SEED,
        true,
        "an integer from 0 to 9007199254740991",
    ),
    (
        Field::MaxRetryAfter,
        0.0,
        MAX_TIMER_MS,
        false,
        "a number of ms from 0 to 2147483647",
    ),
    (
        Field::SlotCount,
        1.0,
        MAX_SLOT_COUNT,
        true,
        "an integer from 1 to 1000",
    ),
    (
        Field::SlotWidth,
        1.0,
        MAX_TIMER_MS,
        false,
        "a number of ms from 1 to 2147483647",
    ),
    // Whole ms: stores expire keys in whole milliseconds.
    (
        Field::IdempotencyTtl,
        1.0,
        MAX_SEED,
        true,
        "a whole number of ms from 1 to 9007199254740991",
    ),
    // Like every delay, a class's is capped at `maxDelay` when drawn.
    (
        Field::ThrottlingDelay,
        0.0,
        MAX_TIMER_MS,
        false,
        "a number of ms from 0 to 2147483647",
    ),
    (
        Field::TransientDelay,
        0.0,
        MAX_TIMER_MS,
        false,
        "a number of ms from 0 to 2147483647",
    ),
    (
        Field::HedgeDelay,
        0.0,
        MAX_TIMER_MS,
        false,
        "a number of ms from 0 to 2147483647",
    ),
    (
        Field::MaxHedges,
        1.0,
        MAX_HEDGES,
        true,
        "an integer from 1 to 10",
    ),
];

impl PolicyOptions {
    /// The slot of a numeric field (`None` for the name and list fields): the one mapping
    /// from fields to numbers that every reader and writer of policies uses.
    pub fn number_mut(&mut self, field: Field) -> Option<&mut Option<f64>> {
        Some(match field {
            Field::MaxAttempts => &mut self.max_attempts,
            Field::InitialDelay => &mut self.initial_delay,
            Field::MaxDelay => &mut self.max_delay,
            Field::Multiplier => &mut self.multiplier,
            Field::JitterFactor => &mut self.jitter_factor,
            Field::MaxElapsed => &mut self.max_elapsed,
            Field::AttemptTimeout => &mut self.attempt_timeout,
            Field::Seed => &mut self.seed,
            Field::MaxRetryAfter => &mut self.max_retry_after,
            Field::SlotCount => &mut self.slot_count,
            Field::SlotWidth => &mut self.slot_width,
            Field::IdempotencyTtl => &mut self.idempotency_ttl,
            Field::ThrottlingDelay => &mut self.throttling_delay,
            Field::TransientDelay => &mut self.transient_delay,
            Field::HedgeDelay => &mut self.hedge_delay,
            Field::MaxHedges => &mut self.max_hedges,
            _ => return None,
        })
    }

    /// The slot of a list field (`None` for the others).
    pub fn names_mut(&mut self, field: Field) -> Option<&mut Option<Vec<String>>> {
        Some(match field {
            Field::RetryOn => &mut self.retry_on,
            Field::AbortOn => &mut self.abort_on,
            Field::ThrottlingOn => &mut self.throttling_on,
            Field::TransientOn => &mut self.transient_on,
            _ => return None,
        })
    }

    /// The first field out of range, or `None`. Every bound of a policy is here, and only
    /// here; it allocates nothing, so `retry(fn, options)` can afford it on every call.
    pub fn first_problem(&self) -> Option<Problem> {
        let bad = |field, expected, value| Some((field, expected, value));
        if let Some(problem) = self.out_of_bounds(&BOUNDS[..1]) {
            return Some(problem); // maxAttempts, checked first
        }
        let initial_delay = self.initial_delay.unwrap_or(DEFAULT_INITIAL_DELAY);
        if !(0.0..=MAX_TIMER_MS).contains(&initial_delay) {
            return bad(
                Field::InitialDelay,
                "a number of ms from 0 to 2147483647",
                initial_delay,
            );
        }
        match self.max_delay {
            None if initial_delay > DEFAULT_MAX_DELAY => {
                return bad(
                    Field::InitialDelay,
                    "at most `maxDelay` (10000 by default)",
                    initial_delay,
                );
            }
            Some(v) if !(initial_delay..=MAX_TIMER_MS).contains(&v) => {
                return bad(
                    Field::MaxDelay,
                    "a number of ms from `initialDelay` to 2147483647",
                    v,
                );
            }
            _ => {}
        }
        if let Some(problem) = self.out_of_bounds(&BOUNDS[1..]) {
            return Some(problem);
        }
        let max_delay = self.max_delay.unwrap_or(DEFAULT_MAX_DELAY);
        if let Some(problem) = self
            .delays
            .as_deref()
            .and_then(|d| delay_list_problem(d, max_delay))
        {
            return Some(problem);
        }
        // Only a backoff formula grows from a class's first delay.
        if self.delays.is_none() && !self.caller_backoff {
            return None;
        }
        let (field, value) = match (self.throttling_delay, self.transient_delay) {
            (Some(v), _) => (Field::ThrottlingDelay, v),
            (None, Some(v)) => (Field::TransientDelay, v),
            (None, None) => return None,
        };
        Some((
            field,
            "unset with a list of delays or a backoff function",
            value,
        ))
    }

    /// The first set field, of `bounds`, whose value is out of its bounds.
    #[inline(never)] // one loop for every range check, instead of a copy per field
    fn out_of_bounds(&self, bounds: &[Bound]) -> Option<Problem> {
        bounds
            .iter()
            .find_map(|&(field, low, high, whole, expected)| {
                let v = self.number(field)?;
                let fits = (low..=high).contains(&v) && (!whole || is_integer(v));
                (!fits).then_some((field, expected, v))
            })
    }

    /// Checks every field; the first bad one is reported.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match self.first_problem() {
            None => Ok(()),
            Some((field, expected, value)) => Err(PolicyError::range(field, expected, value)),
        }
    }

    /// Checks every field and fills in the defaults.
    pub fn build(&self) -> Result<Policy, PolicyError> {
        self.clone().into_policy()
    }

    /// As [`PolicyOptions::build`], keeping the options' lists rather than copying them.
    #[inline(never)]
    pub fn into_policy(self) -> Result<Policy, PolicyError> {
        self.validate()?;
        Ok(Policy {
            options: self.with_defaults(),
        })
    }

    /// These options with every unset field that has a default set to it, and every list
    /// present.
    fn with_defaults(mut self) -> PolicyOptions {
        for (field, default) in NUMBER_DEFAULTS {
            if let Some(slot) = self.number_mut(field) {
                slot.get_or_insert(default);
            }
        }
        if self.delays.is_none() && !self.caller_backoff {
            self.backoff.get_or_insert(Backoff::Exponential);
        }
        self.jitter.get_or_insert(Jitter::Full);
        self.long_retry_after.get_or_insert(LongRetryAfter::Stop);
        for field in Field::ALL {
            if let Some(list) = self.names_mut(field) {
                list.get_or_insert_with(Vec::new);
            }
        }
        self
    }

    /// A numeric field's value as given (`None` when unset, and for the name and list fields).
    pub fn number(&self, field: Field) -> Option<f64> {
        match field {
            Field::MaxAttempts => self.max_attempts,
            Field::InitialDelay => self.initial_delay,
            Field::MaxDelay => self.max_delay,
            Field::Multiplier => self.multiplier,
            Field::JitterFactor => self.jitter_factor,
            Field::MaxElapsed => self.max_elapsed,
            Field::AttemptTimeout => self.attempt_timeout,
            Field::Seed => self.seed,
            Field::MaxRetryAfter => self.max_retry_after,
            Field::SlotCount => self.slot_count,
            Field::SlotWidth => self.slot_width,
            Field::IdempotencyTtl => self.idempotency_ttl,
            Field::ThrottlingDelay => self.throttling_delay,
            Field::TransientDelay => self.transient_delay,
            Field::HedgeDelay => self.hedge_delay,
            Field::MaxHedges => self.max_hedges,
            _ => None,
        }
    }
}

/// What is wrong with a list of delays, if anything: an empty list (value 0, its length) or a
/// delay outside `[0, max_delay]`. (`backoff` beside a list is ignored: JSON and environment
/// variables hold one or the other.)
fn delay_list_problem(delays: &[f64], max_delay: f64) -> Option<Problem> {
    let expected = "a non-empty list of delays, each from 0 to `maxDelay`";
    if delays.is_empty() {
        return Some((Field::Backoff, expected, 0.0));
    }
    let bad = delays.iter().find(|d| !(0.0..=max_delay).contains(*d))?;
    Some((Field::Backoff, expected, *bad))
}

impl Policy {
    /// A numeric field that always has a value (it has a default).
    fn given(&self, field: Field) -> f64 {
        self.options.number(field).unwrap_or(0.0)
    }
    /// Every attempt counts, the first included: 3 means one call and up to two retries.
    pub fn max_attempts(&self) -> u32 {
        self.given(Field::MaxAttempts) as u32
    }
    pub fn initial_delay(&self) -> f64 {
        self.given(Field::InitialDelay)
    }
    pub fn max_delay(&self) -> f64 {
        self.given(Field::MaxDelay)
    }
    pub fn multiplier(&self) -> f64 {
        self.given(Field::Multiplier)
    }
    pub fn backoff(&self) -> Backoff {
        self.options.backoff.unwrap_or(Backoff::Exponential)
    }
    pub fn jitter(&self) -> Jitter {
        self.options.jitter.unwrap_or(Jitter::Full)
    }
    pub fn jitter_factor(&self) -> f64 {
        self.given(Field::JitterFactor)
    }
    pub fn max_elapsed(&self) -> Option<f64> {
        self.options.max_elapsed
    }
    pub fn attempt_timeout(&self) -> Option<f64> {
        self.options.attempt_timeout
    }
    pub fn seed(&self) -> Option<u64> {
        self.options.seed.map(|s| s as u64)
    }
    /// The longest `Retry-After` honoured, if set; see [`Policy::retry_after_cap`].
    pub fn max_retry_after(&self) -> Option<f64> {
        self.options.max_retry_after
    }
    /// What a `Retry-After` longer than [`Policy::retry_after_cap`] does.
    pub fn long_retry_after(&self) -> LongRetryAfter {
        self.options
            .long_retry_after
            .unwrap_or(LongRetryAfter::Stop)
    }
    /// The base delays before retries 1, 2, … (the last repeated), when the policy lists them
    /// instead of a backoff formula.
    pub fn delays(&self) -> Option<&[f64]> {
        self.options.delays.as_deref()
    }
    /// Whether the caller chooses each base delay itself (see [`PolicyOptions::caller_backoff`]).
    pub fn caller_backoff(&self) -> bool {
        self.options.caller_backoff
    }
    /// The longest server-requested wait honoured: `max_retry_after`, else `max_delay`.
    pub fn retry_after_cap(&self) -> f64 {
        self.max_retry_after().unwrap_or(self.max_delay())
    }
    /// The retry slots, when `slot_width` is set: how many a retry may try (`slot_count`, 10
    /// by default) and their width in ms.
    pub fn slots(&self) -> Option<(u32, f64)> {
        self.options.slot_width.map(|width| {
            (
                self.options
                    .slot_count
                    .map_or(DEFAULT_SLOT_COUNT, |c| c as u32),
                width,
            )
        })
    }
    /// Hedging, when `hedge_delay` is set: the delay in ms and the most hedges a call starts
    /// (`max_hedges`, 1 by default).
    pub fn hedging(&self) -> Option<(f64, u32)> {
        self.options.hedge_delay.map(|delay| {
            (
                delay,
                self.options
                    .max_hedges
                    .map_or(DEFAULT_MAX_HEDGES, |n| n as u32),
            )
        })
    }
    pub fn idempotency_ttl(&self) -> Option<f64> {
        self.options.idempotency_ttl
    }
    pub fn retry_on(&self) -> &[String] {
        self.names(Field::RetryOn)
    }
    pub fn abort_on(&self) -> &[String] {
        self.names(Field::AbortOn)
    }
    pub fn throttling_on(&self) -> &[String] {
        self.names(Field::ThrottlingOn)
    }
    pub fn transient_on(&self) -> &[String] {
        self.names(Field::TransientOn)
    }
    /// A list field's items (empty for the other fields).
    pub fn names(&self, field: Field) -> &[String] {
        let list = match field {
            Field::RetryOn => &self.options.retry_on,
            Field::AbortOn => &self.options.abort_on,
            Field::ThrottlingOn => &self.options.throttling_on,
            Field::TransientOn => &self.options.transient_on,
            _ => &None,
        };
        list.as_deref().unwrap_or(&[])
    }

    /// A numeric field's value (`None` when unset, and for the name and list fields).
    pub fn number(&self, field: Field) -> Option<f64> {
        self.options.number(field)
    }

    /// The options that rebuild this policy exactly (every field, defaults included).
    pub fn to_options(&self) -> PolicyOptions {
        self.options.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::ErrorKind;
    use super::super::schedule::Schedule;
    use super::*;

    fn rejects(options: PolicyOptions, field: Field) -> PolicyError {
        let err = options.build().expect_err("options should be rejected");
        assert_eq!(err.field, Some(field), "{err}");
        assert_eq!(err.kind, ErrorKind::Range);
        err
    }

    #[test]
    fn empty_options_give_the_documented_defaults() {
        assert_eq!(PolicyOptions::default().build().unwrap(), Policy::default());
        let p = Policy::default();
        assert_eq!(
            (p.max_attempts(), p.initial_delay(), p.max_delay()),
            (3, 100.0, 10_000.0)
        );
        assert_eq!(
            (p.backoff(), p.jitter()),
            (Backoff::Exponential, Jitter::Full)
        );
    }

    #[test]
    fn to_options_rebuilds_the_same_policy() {
        let p = PolicyOptions {
            max_attempts: Some(7.0),
            initial_delay: Some(0.5),
            max_elapsed: Some(900.0),
            seed: Some(12.0),
            retry_on: Some(vec!["ECONNRESET".into()]),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(p.to_options().build().unwrap(), p);
    }

    #[test]
    fn a_list_of_delays_must_fit_under_max_delay_and_stand_alone() {
        let list = |delays: &[f64]| PolicyOptions {
            delays: Some(delays.to_vec()),
            ..Default::default()
        };
        assert!(list(&[0.0, 10_000.0]).build().is_ok());
        let err = rejects(list(&[100.0, 10_000.5]), Field::Backoff);
        assert_eq!(
            err.to_string(),
            "`backoff` must be a non-empty list of delays, each from 0 to `maxDelay`, got 10000.5"
        );
        rejects(list(&[-1.0]), Field::Backoff);
        rejects(list(&[f64::NAN]), Field::Backoff);
        rejects(list(&[]), Field::Backoff);
        assert!(PolicyOptions {
            max_delay: Some(60_000.0),
            ..list(&[60_000.0])
        }
        .build()
        .is_ok());
        // A name beside a list has no effect (JSON and the environment hold one or the other).
        let both = PolicyOptions {
            backoff: Some(Backoff::Linear),
            jitter: Some(Jitter::None),
            ..list(&[1.0])
        };
        let p = both.build().unwrap();
        assert_eq!(Schedule::new(&p, 0).delays(&p, 2), [1.0, 1.0]);
        let err = rejects(
            PolicyOptions {
                throttling_delay: Some(500.0),
                ..list(&[1.0])
            },
            Field::ThrottlingDelay,
        );
        assert_eq!(
            err.to_string(),
            "`throttlingDelay` must be unset with a list of delays or a backoff function, got 500"
        );
        rejects(
            PolicyOptions {
                transient_delay: Some(0.0),
                ..list(&[1.0])
            },
            Field::TransientDelay,
        );
        // Other fields are checked first.
        rejects(
            PolicyOptions {
                max_attempts: Some(0.0),
                ..list(&[])
            },
            Field::MaxAttempts,
        );
        // The caller's own backoff (a function, in JavaScript): no formula grows from a class
        // delay there either.
        let err = rejects(
            PolicyOptions {
                caller_backoff: true,
                transient_delay: Some(5.0),
                ..Default::default()
            },
            Field::TransientDelay,
        );
        assert_eq!(
            err.to_string(),
            "`transientDelay` must be unset with a list of delays or a backoff function, got 5"
        );
        let own = PolicyOptions {
            caller_backoff: true,
            ..Default::default()
        }
        .build()
        .unwrap();
        assert!(own.caller_backoff());
        assert_eq!(own.to_options().backoff, None);
        // Defaults: no backoff name beside a list; a long Retry-After stops.
        let p = list(&[5.0]).build().unwrap();
        assert_eq!(p.to_options().backoff, None);
        assert_eq!(p.long_retry_after(), LongRetryAfter::Stop);
        assert_eq!(p.to_options().build().unwrap(), p);
    }

    #[test]
    fn bad_numbers_name_the_field_and_the_value() {
        let err = rejects(
            PolicyOptions {
                max_attempts: Some(0.0),
                ..Default::default()
            },
            Field::MaxAttempts,
        );
        assert_eq!(
            err.to_string(),
            "`maxAttempts` must be an integer from 1 to 4294967295, got 0"
        );
        rejects(
            PolicyOptions {
                max_attempts: Some(2.5),
                ..Default::default()
            },
            Field::MaxAttempts,
        );
        rejects(
            PolicyOptions {
                max_attempts: Some(f64::INFINITY),
                ..Default::default()
            },
            Field::MaxAttempts,
        );
        rejects(
            PolicyOptions {
                initial_delay: Some(f64::NAN),
                ..Default::default()
            },
            Field::InitialDelay,
        );
        rejects(
            PolicyOptions {
                initial_delay: Some(-1.0),
                ..Default::default()
            },
            Field::InitialDelay,
        );
        let err = rejects(
            PolicyOptions {
                initial_delay: Some(500.0),
                max_delay: Some(50.0),
                ..Default::default()
            },
            Field::MaxDelay,
        );
        assert_eq!(
            err.to_string(),
            "`maxDelay` must be a number of ms from `initialDelay` to 2147483647, got 50"
        );
        rejects(
            PolicyOptions {
                initial_delay: Some(20_000.0),
                ..Default::default()
            },
            Field::InitialDelay,
        );
        rejects(
            PolicyOptions {
                max_delay: Some(3e9),
                ..Default::default()
            },
            Field::MaxDelay,
        );
        rejects(
            PolicyOptions {
                multiplier: Some(0.5),
                ..Default::default()
            },
            Field::Multiplier,
        );
        rejects(
            PolicyOptions {
                jitter_factor: Some(1.5),
                ..Default::default()
            },
            Field::JitterFactor,
        );
        rejects(
            PolicyOptions {
                max_elapsed: Some(0.0),
                ..Default::default()
            },
            Field::MaxElapsed,
        );
        rejects(
            PolicyOptions {
                attempt_timeout: Some(f64::INFINITY),
                ..Default::default()
            },
            Field::AttemptTimeout,
        );
        rejects(
            PolicyOptions {
                seed: Some(-1.0),
                ..Default::default()
            },
            Field::Seed,
        );
        rejects(
            PolicyOptions {
                seed: Some(2f64.powi(53)),
                ..Default::default()
            },
            Field::Seed,
        );
    }

    #[test]
    fn boundary_values_are_accepted() {
        let p = PolicyOptions {
            max_attempts: Some(u32::MAX as f64),
            initial_delay: Some(0.0),
            max_delay: Some(MAX_TIMER_MS),
            multiplier: Some(1.0),
            jitter_factor: Some(1.0),
            attempt_timeout: Some(MAX_TIMER_MS),
            seed: Some(MAX_SEED),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(p.seed(), Some(9_007_199_254_740_991));
    }
}

#[cfg(test)]
mod bounds {
    use super::*;
    use alloc::string::ToString;

    /// `Ok`, or the name of the field the options were refused for.
    fn check(options: PolicyOptions) -> Result<(), String> {
        options
            .build()
            .map(|_| ())
            .map_err(|e| e.name().to_string())
    }

    fn refused(field: &str) -> Result<(), String> {
        Err(field.to_string())
    }

    #[test]
    fn initial_delay_may_equal_the_default_max_delay() {
        let at = |v| {
            check(PolicyOptions {
                initial_delay: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(10_000.0), Ok(()));
        assert_eq!(at(10_000.5), refused("initialDelay"));
    }

    #[test]
    fn max_elapsed_must_be_above_zero() {
        let at = |v| {
            check(PolicyOptions {
                max_elapsed: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.0), refused("maxElapsed"));
        assert_eq!(at(1e-9), Ok(()));
    }

    #[test]
    fn attempt_timeout_bounds_on_both_sides() {
        let at = |v| {
            check(PolicyOptions {
                attempt_timeout: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.0), refused("attemptTimeout"));
        assert_eq!(at(1e-9), Ok(()));
        assert_eq!(at(2_147_483_647.0), Ok(()));
        assert_eq!(at(2_147_483_647.5), refused("attemptTimeout"));
    }

    #[test]
    fn slot_count_bounds_on_both_sides() {
        let at = |v| {
            check(PolicyOptions {
                slot_count: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.0), refused("slotCount"));
        assert_eq!(at(1.0), Ok(()));
        assert_eq!(at(2.5), refused("slotCount"));
        assert_eq!(at(1000.0), Ok(()));
        assert_eq!(at(1001.0), refused("slotCount"));
    }

    #[test]
    fn hedge_delay_bounds_on_both_sides() {
        let at = |v| {
            check(PolicyOptions {
                hedge_delay: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(-0.001), refused("hedgeDelay"));
        assert_eq!(at(0.0), Ok(()));
        assert_eq!(at(2_147_483_647.0), Ok(()));
        assert_eq!(at(2_147_483_647.5), refused("hedgeDelay"));
        assert_eq!(at(f64::NAN), refused("hedgeDelay"));
    }

    #[test]
    fn max_hedges_is_an_integer_from_one_to_ten() {
        let at = |v| {
            check(PolicyOptions {
                max_hedges: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.0), refused("maxHedges"));
        assert_eq!(at(1.0), Ok(()));
        assert_eq!(at(1.5), refused("maxHedges"));
        assert_eq!(at(10.0), Ok(()));
        assert_eq!(at(11.0), refused("maxHedges"));
    }

    #[test]
    fn hedging_is_off_without_a_delay_and_one_hedge_by_default() {
        let hedging = |delay, max| {
            PolicyOptions {
                hedge_delay: delay,
                max_hedges: max,
                ..Default::default()
            }
            .build()
            .unwrap()
            .hedging()
        };
        assert_eq!(hedging(None, Some(4.0)), None);
        assert_eq!(hedging(Some(30.0), None), Some((30.0, 1)));
        assert_eq!(hedging(Some(30.0), Some(4.0)), Some((30.0, 4)));
    }

    #[test]
    fn slot_width_bounds_on_both_sides() {
        let at = |v| {
            check(PolicyOptions {
                slot_width: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.999), refused("slotWidth"));
        assert_eq!(at(1.0), Ok(()));
        assert_eq!(at(2_147_483_647.0), Ok(()));
        assert_eq!(at(2_147_483_647.5), refused("slotWidth"));
        assert_eq!(at(f64::NAN), refused("slotWidth"));
    }

    #[test]
    fn idempotency_ttl_is_whole_ms_from_one() {
        let at = |v| {
            check(PolicyOptions {
                idempotency_ttl: Some(v),
                ..Default::default()
            })
        };
        assert_eq!(at(0.0), refused("idempotencyTtl"));
        assert_eq!(at(1.0), Ok(()));
        assert_eq!(at(1.5), refused("idempotencyTtl"));
        assert_eq!(at(MAX_SEED), Ok(()));
        assert_eq!(at(MAX_SEED + 1.0), refused("idempotencyTtl"));
    }

    #[test]
    fn slots_are_off_without_a_width_and_count_ten_by_default() {
        let slots = |count, width| {
            PolicyOptions {
                slot_count: count,
                slot_width: width,
                ..Default::default()
            }
            .build()
            .unwrap()
            .slots()
        };
        assert_eq!(slots(None, None), None);
        assert_eq!(slots(Some(4.0), None), None);
        assert_eq!(slots(None, Some(50.0)), Some((10, 50.0)));
        assert_eq!(slots(Some(4.0), Some(50.0)), Some((4, 50.0)));
    }

    #[test]
    fn to_options_rebuilds_the_policy_with_its_lists() {
        let p = PolicyOptions {
            retry_on: Some(alloc::vec!["ECONNRESET".to_string()]),
            abort_on: Some(alloc::vec!["ValidationError".to_string()]),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(p.to_options().build().unwrap(), p);
    }
}
