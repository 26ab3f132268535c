//! Named policies. `default`, `aggressive` and `conservative` are seed 004's retry standard
//! (seconds converted to ms; its `jitter: true` with `jitter_factor` is proportional jitter);
//! `awsStandard` is the AWS SDKs' standard retry mode. The retry standard's presets also carry
//! its fleet settings: retry slots (`slot_count`, `slot_width`) and `idempotency_ttl`.

use super::backoff::Backoff;
use super::jitter::Jitter;
use super::policy::PolicyOptions;

pub const PRESET_NAMES: [&str; 4] = ["default", "aggressive", "conservative", "awsStandard"];

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
        "awsStandard" => (3.0, 100.0, 20_000.0, 2.0, Jitter::Full, 0.25, None),
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
}
