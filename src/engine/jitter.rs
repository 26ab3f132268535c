//! How a delay is randomised so that clients who failed together do not retry together.

use super::rng::Rng;

/// The randomisation applied to the base delay `d` from the backoff. Every result is then
/// clamped to `[0, maxDelay]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// `d`. Range `[d, d]`.
    None,
    /// `uniform(0, d)`. Range `[0, d)`. AWS Architecture Blog, "Exponential Backoff And
    /// Jitter" (Brooker, 2015).
    Full,
    /// `d/2 + uniform(0, d/2)`. Range `[d/2, d)`. Same source.
    Equal,
    /// `min(maxDelay, uniform(initialDelay, previous × 3))`, where `previous` is the last
    /// delay drawn (`initialDelay` before the first). Ignores the backoff kind. Range
    /// `[initialDelay, maxDelay]`. Same source.
    Decorrelated,
    /// `d × (1 + uniform(−f, f))` with f = `jitterFactor`. Range `[d(1−f), d(1+f))`.
    /// Seed 003 (f = 0.25).
    Proportional,
    /// `d + d × f × uniform(0, 1)` with f = `jitterFactor`. Range `[d, d(1+f))`.
    /// Seeds 000/001 (f = 0.3).
    Additive,
}

impl Jitter {
    pub const ALL: [Jitter; 6] = [
        Jitter::None,
        Jitter::Full,
        Jitter::Equal,
        Jitter::Decorrelated,
        Jitter::Proportional,
        Jitter::Additive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
            Jitter::Proportional => "proportional",
            Jitter::Additive => "additive",
        }
    }

    /// The position in [`Jitter::ALL`] (the binding passes kinds as this number).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(name: &str) -> Option<Jitter> {
        Jitter::ALL.into_iter().find(|j| j.name() == name)
    }

    /// The jittered delay in ms, in `[0, max]`.
    ///
    /// `base` is the backoff's delay (already `<= max`), `previous` the last delay drawn in
    /// this call (`initial` before the first), `factor` the `jitterFactor`.
    pub fn apply(
        self,
        base: f64,
        previous: f64,
        initial: f64,
        max: f64,
        factor: f64,
        rng: &mut Rng,
    ) -> f64 {
        let delay = match self {
            Jitter::None => base,
            Jitter::Full => rng.uniform(0.0, base),
            Jitter::Equal => base / 2.0 + rng.uniform(0.0, base / 2.0),
            Jitter::Decorrelated => {
                let high = (previous * 3.0).max(initial);
                rng.uniform(initial, high)
            }
            // Near the cap, the base is lowered so that the jittered range ends at `max`:
            // clamping instead would put every client that reached the cap on the same delay.
            Jitter::Proportional => {
                let centre = base.min(max / (1.0 + factor));
                centre * (1.0 + rng.uniform(-factor, factor))
            }
            Jitter::Additive => {
                let low = base.min(max / (1.0 + factor));
                low + low * factor * rng.next_unit()
            }
        };
        // Not `clamp`: its panic path would pull float formatting into the WebAssembly module.
        delay.max(0.0).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_position_in_all() {
        for (i, kind) in Jitter::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
        }
    }

    #[test]
    fn names_round_trip() {
        for kind in Jitter::ALL {
            assert_eq!(Jitter::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Jitter::from_name("FULL"), None);
    }

    /// Draw many delays for one base and check each against the documented range.
    fn assert_range(kind: Jitter, base: f64, factor: f64, low: f64, high: f64) {
        let (initial, max) = (10.0, 1000.0);
        for seed in 0..2_000u64 {
            let mut rng = Rng::new(seed);
            let d = kind.apply(base, base, initial, max, factor, &mut rng);
            assert!(
                d >= low && d <= high,
                "{kind:?} base={base} seed={seed}: {d} not in [{low}, {high}]"
            );
        }
    }

    #[test]
    fn each_formula_stays_in_its_documented_range() {
        let d = 400.0;
        assert_range(Jitter::None, d, 0.25, d, d);
        assert_range(Jitter::Full, d, 0.25, 0.0, d);
        assert_range(Jitter::Equal, d, 0.25, d / 2.0, d);
        assert_range(Jitter::Decorrelated, d, 0.25, 10.0, 3.0 * d);
        assert_range(Jitter::Proportional, d, 0.25, d * 0.75, d * 1.25);
        assert_range(Jitter::Additive, d, 0.3, d, d * 1.3);
    }

    #[test]
    fn jitter_never_exceeds_the_cap_and_stays_spread_near_it() {
        let max = 1000.0;
        for kind in [Jitter::Proportional, Jitter::Additive] {
            let draws: Vec<f64> = (0..1000u64)
                .map(|seed| kind.apply(max, max, 10.0, max, 0.25, &mut Rng::new(seed)))
                .collect();
            assert!(draws.iter().all(|&d| d <= max));
            let at_cap = draws.iter().filter(|&&d| d == max).count();
            assert!(
                at_cap < 5,
                "{kind:?}: {at_cap} of 1000 delays sit exactly on the cap"
            );
        }
    }

    #[test]
    fn full_jitter_is_uniform_over_its_range() {
        // Ten equal buckets over [0, d): each should hold about a tenth of 10,000 draws.
        let mut rng = Rng::new(7);
        let mut buckets = [0u32; 10];
        for _ in 0..10_000 {
            let d = Jitter::Full.apply(100.0, 100.0, 1.0, 100.0, 0.0, &mut rng);
            buckets[(d / 10.0) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&b| (850..=1150).contains(&b)),
            "{buckets:?}"
        );
    }
}

#[cfg(test)]
mod exact_sequences {
    use super::super::{PolicyOptions, Schedule};
    use super::*;

    /// The first six delays of seed 7 (initial 100 ms, ×2, cap 1,000 ms, factor 0.3).
    fn delays(jitter: Jitter) -> [f64; 6] {
        let p = PolicyOptions {
            jitter: Some(jitter),
            jitter_factor: Some(0.3),
            max_delay: Some(1000.0),
            seed: Some(7.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let d = Schedule::new(&p, 0).delays(&p, 6);
        [d[0], d[1], d[2], d[3], d[4], d[5]]
    }

    /// Pinned; each checked by hand against the formula in the table of `Jitter` with the
    /// stream's draws u = 0.3898, 0.01679, 0.9008, 0.5829, 0.4524, 0.2494 (the `full` row / d).
    #[test]
    fn every_kind_draws_its_exact_sequence() {
        let expected: [(Jitter, [f64; 6]); 6] = [
            (Jitter::None, [100.0, 200.0, 400.0, 800.0, 1000.0, 1000.0]),
            (
                Jitter::Full,
                [
                    38.98297483912715,
                    3.3576589056312223,
                    360.30427224275337,
                    466.3442344224625,
                    452.4418950114684,
                    249.43152228274334,
                ],
            ),
            (
                Jitter::Equal,
                [
                    69.49148741956358,
                    101.6788294528156,
                    380.15213612137666,
                    633.1721172112312,
                    726.2209475057342,
                    624.7157611413717,
                ],
            ),
            (
                Jitter::Decorrelated,
                [
                    177.9659496782543,
                    107.28440488472901,
                    299.8366526267305,
                    566.0585740259664,
                    823.0816522582465,
                    690.9643762290358,
                ],
            ),
            (
                Jitter::Proportional,
                [
                    93.3897849034763,
                    142.01459534337872,
                    496.18256334565206,
                    807.5062890898821,
                    747.2808746206777,
                    653.5837795151123,
                ],
            ),
            (
                Jitter::Additive,
                [
                    111.69489245173814,
                    201.00729767168937,
                    508.091281672826,
                    903.753144544941,
                    873.6404373103388,
                    826.7918897575561,
                ],
            ),
        ];
        for (jitter, want) in expected {
            assert_eq!(delays(jitter), want, "{}", jitter.name());
        }
    }
}
