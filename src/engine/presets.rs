//! Named policies. `default`, `aggressive` and `conservative` are seed 004's retry standard
//! (seconds converted to ms; its `jitter: true` with `jitter_factor` is proportional jitter);
//! `awsStandard` is the AWS SDKs' standard retry mode and `aws2026` the same mode with the
//! constants the SDKs adopted in 2026. The retry standard's presets also carry its fleet
//! settings: retry slots (`slot_count`, `slot_width`) and `idempotency_ttl`.

use alloc::string::String;
use alloc::vec::Vec;

use super::backoff::Backoff;
use super::budget::BudgetOptions;
use super::jitter::Jitter;
use super::policy::PolicyOptions;

pub const PRESET_NAMES: [&str; 5] = [
    "default",
    "aggressive",
    "conservative",
    "awsStandard",
    "aws2026",
];

/// The presets that follow the AWS SDKs' retry modes (the others are the retry standard's).
pub const AWS_PRESET_NAMES: [&str; 2] = ["awsStandard", "aws2026"];

/// The errors the AWS SDKs treat as throttling: their error type `THROTTLING`, HTTP 429 and
/// the services' throttling error codes.
pub const AWS_THROTTLING: [&str; 16] = [
    "THROTTLING",
    "429",
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "LimitExceededException",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "TransactionInProgressException",
];

/// The errors the AWS SDKs treat as transient: their error type `TRANSIENT`, timeouts,
/// connection and DNS failures, and HTTP 500, 502, 503 and 504 (not 501: a server error that
/// is not transient is not retried).
pub const AWS_TRANSIENT: [&str; 16] = [
    "TRANSIENT",
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
    "500",
    "502",
    "503",
    "504",
];

/// The budget settings of the AWS presets (the policy presets' retry quota): `awsStandard`
/// charges 5 a retry, 10 after a transient error, 5 after throttling; `aws2026` charges 14 a
/// retry (transient ones too) and 5 after throttling. Both hold 500 tokens and refund 1 for a
/// success without a retry.
pub fn budget_preset(name: &str) -> Option<BudgetOptions> {
    let (retry, transient, throttling) = match name {
        "awsStandard" => (5.0, 10.0, 5.0),
        "aws2026" => (14.0, 14.0, 5.0),
        _ => return None,
    };
    Some(BudgetOptions {
        capacity: Some(500.0),
        retry_cost: Some(retry),
        timeout_cost: Some(transient),
        throttling_cost: Some(throttling),
        no_retry_increment: Some(1.0),
        tokens: None,
    })
}

pub const BUDGET_PRESET_NAMES: [&str; 2] = ["awsStandard", "aws2026"];

fn names(lists: &[&[&str]]) -> Option<Vec<String>> {
    Some(lists.concat().into_iter().map(String::from).collect())
}

/// The options of the preset called `name`, if there is one.
pub fn preset(name: &str) -> Option<PolicyOptions> {
    // (slot count, slot width ms, idempotency TTL ms)
    let fleet = |count, width, ttl| Some((count, width, ttl));
    let (attempts, initial, max, multiplier, jitter, factor, fleet) = match name {
        "default" => (
            3.0,
            100.0,
            10_000.0,
            2.0,
            Jitter::Proportional,
            0.1,
            fleet(10.0, 100.0, 3_600_000.0),
        ),
        "aggressive" => (
            5.0,
            50.0,
            5_000.0,
            1.5,
            Jitter::Proportional,
            0.1,
            fleet(20.0, 50.0, 1_800_000.0),
        ),
        "conservative" => (
            2.0,
            500.0,
            15_000.0,
            2.0,
            Jitter::Proportional,
            0.05,
            fleet(5.0, 200.0, 7_200_000.0),
        ),
        "awsStandard" => return Some(aws(100.0, 500.0)),
        "aws2026" => return Some(aws(50.0, 1000.0)),
        _ => return None,
    };
    Some(PolicyOptions {
        max_attempts: Some(attempts),
        initial_delay: Some(initial),
        max_delay: Some(max),
        multiplier: Some(multiplier),
        backoff: Some(Backoff::Exponential),
        jitter: Some(jitter),
        jitter_factor: Some(factor),
        slot_count: fleet.map(|f| f.0),
        slot_width: fleet.map(|f| f.1),
        idempotency_ttl: fleet.map(|f| f.2),
        ..Default::default()
    })
}

/// The AWS SDKs' standard mode: 3 attempts, full jitter from `initial` ms (from `throttling`
/// ms after a throttling error), doubling up to 20 s; only throttling and transient errors
/// are retried.
fn aws(initial: f64, throttling: f64) -> PolicyOptions {
    PolicyOptions {
        max_attempts: Some(3.0),
        initial_delay: Some(initial),
        max_delay: Some(20_000.0),
        multiplier: Some(2.0),
        backoff: Some(Backoff::Exponential),
        jitter: Some(Jitter::Full),
        jitter_factor: Some(0.25),
        throttling_delay: Some(throttling),
        throttling_on: names(&[&AWS_THROTTLING]),
        transient_on: names(&[&AWS_TRANSIENT]),
        retry_on: names(&[&AWS_THROTTLING, &AWS_TRANSIENT]),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_valid_policy() {
        for name in PRESET_NAMES {
            preset(name)
                .unwrap()
                .build()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(preset("nope"), None);
    }

    #[test]
    fn aggressive_matches_seed_004() {
        let p = preset("aggressive").unwrap().build().unwrap();
        assert_eq!(
            (
                p.max_attempts(),
                p.initial_delay(),
                p.max_delay(),
                p.multiplier()
            ),
            (5, 50.0, 5000.0, 1.5)
        );
        assert_eq!((p.jitter(), p.jitter_factor()), (Jitter::Proportional, 0.1));
        assert_eq!(p.slots(), Some((20, 50.0)));
        assert_eq!(p.idempotency_ttl(), Some(1_800_000.0));
    }

    #[test]
    fn the_standard_s_fleet_settings_ride_on_its_presets_only() {
        let fleet = |name| {
            let p = preset(name).unwrap().build().unwrap();
            (p.slots(), p.idempotency_ttl())
        };
        assert_eq!(fleet("default"), (Some((10, 100.0)), Some(3_600_000.0)));
        assert_eq!(fleet("conservative"), (Some((5, 200.0)), Some(7_200_000.0)));
        assert_eq!(fleet("awsStandard"), (None, None));
    }

    fn aws(name: &str) -> super::super::Policy {
        preset(name).unwrap().build().unwrap()
    }

    #[test]
    fn aws_standard_classifies_case_for_case() {
        use super::super::classify::ErrorClass::*;
        let p = aws("awsStandard");
        let class = |ids: &[&str], timed_out| p.error_class(ids.iter().copied(), timed_out);
        // The SDK's own classification, as its error type, and the errors behind it.
        assert_eq!(class(&["THROTTLING"], false), Throttling);
        assert_eq!(class(&["HttpStatusError", "429"], false), Throttling);
        assert_eq!(class(&["ThrottlingException", ""], false), Throttling);
        assert_eq!(class(&["TRANSIENT"], false), Transient);
        assert_eq!(
            class(&["TypeError", "", "Error", "ECONNRESET"], false),
            Transient
        );
        assert_eq!(class(&["HttpStatusError", "503"], false), Transient);
        assert_eq!(
            class(&["Error", ""], true),
            Transient,
            "a timed-out attempt"
        );
        assert_eq!(class(&["HttpStatusError", "501"], false), Other);
        // Retried: throttling and transient errors only.
        let retried = |ids: &[&str]| p.is_retryable(ids.iter().copied(), false);
        assert!(retried(&["SlowDown"]) && retried(&["504"]) && retried(&["EAI_AGAIN"]));
        assert!(
            !retried(&["HttpStatusError", "501"]),
            "a plain server error"
        );
        assert!(!retried(&["SERVER_ERROR"]) && !retried(&["Error"]));
        // Throttling waits from 500 ms, the rest from 100 ms, up to 20 s.
        assert_eq!(
            (p.base_delay(Throttling), p.base_delay(Transient)),
            (500.0, 100.0)
        );
        assert_eq!(
            (p.base_delay(Other), p.max_delay(), p.max_attempts()),
            (100.0, 20_000.0, 3)
        );
    }

    #[test]
    fn the_aws_presets_spell_out_the_sdks_numbers_rather_than_lean_on_our_defaults() {
        // Our defaults may change; the SDKs' numbers must not change with them.
        for name in ["awsStandard", "aws2026"] {
            let o = preset(name).unwrap();
            assert_eq!(
                (o.max_attempts, o.multiplier, o.max_delay, o.jitter_factor),
                (Some(3.0), Some(2.0), Some(20_000.0), Some(0.25)),
                "{name}"
            );
            assert_eq!(
                (o.backoff, o.jitter),
                (Some(Backoff::Exponential), Some(Jitter::Full))
            );
        }
    }

    #[test]
    fn aws_2026_waits_from_50_ms_and_throttling_from_1_s() {
        use super::super::classify::ErrorClass::*;
        let p = aws("aws2026");
        assert_eq!((p.base_delay(Other), p.base_delay(Transient)), (50.0, 50.0));
        assert_eq!(p.base_delay(Throttling), 1000.0);
        assert_eq!(p.retry_on(), aws("awsStandard").retry_on());
    }

    #[test]
    fn aws_budget_presets_charge_as_the_sdks_do() {
        use super::super::classify::ErrorClass::*;
        let costs = |name| {
            let b = budget_preset(name).unwrap().build().unwrap();
            (
                b.cost(Other),
                b.cost(Transient),
                b.cost(Throttling),
                b.capacity(),
            )
        };
        assert_eq!(costs("awsStandard"), (5, 10, 5, 500));
        assert_eq!(costs("aws2026"), (14, 14, 5, 500));
        assert_eq!(budget_preset("default"), None);
        for name in BUDGET_PRESET_NAMES {
            assert!(budget_preset(name).is_some());
        }
    }
}
