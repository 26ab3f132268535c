//! Named policies. `default`, `aggressive` and `conservative` are seed 004's retry standard
//! (seconds converted to ms; its `jitter: true` with `jitter_factor` is proportional jitter);
//! `awsStandard` is the AWS SDKs' standard retry mode.

use super::backoff::Backoff;
use super::jitter::Jitter;
use super::policy::PolicyOptions;

pub const PRESET_NAMES: [&str; 4] = ["default", "aggressive", "conservative", "awsStandard"];

/// The options of the preset called `name`, if there is one.
pub fn preset(name: &str) -> Option<PolicyOptions> {
    let (attempts, initial, max, multiplier, jitter, factor) = match name {
        "default" => (3.0, 100.0, 10_000.0, 2.0, Jitter::Proportional, 0.1),
        "aggressive" => (5.0, 50.0, 5_000.0, 1.5, Jitter::Proportional, 0.1),
        "conservative" => (2.0, 500.0, 15_000.0, 2.0, Jitter::Proportional, 0.05),
        "awsStandard" => (3.0, 100.0, 20_000.0, 2.0, Jitter::Full, 0.25),
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
        ..Default::default()
    })
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
    }
}
