//! How the base delay grows with each retry, before jitter.

/// The growth of the delay from one retry to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backoff {
    /// `initialDelay` every time.
    Constant,
    /// `initialDelay × n` for retry n.
    Linear,
    /// `initialDelay × multiplier^(n−1)` for retry n (the seeds' `exponential_base`).
    Exponential,
    /// `initialDelay × F(n)` with F = 1, 1, 2, 3, 5, 8, …
    Fibonacci,
}

impl Backoff {
    pub const ALL: [Backoff; 4] = [
        Backoff::Constant,
        Backoff::Linear,
        Backoff::Exponential,
        Backoff::Fibonacci,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Backoff::Constant => "constant",
            Backoff::Linear => "linear",
            Backoff::Exponential => "exponential",
            Backoff::Fibonacci => "fibonacci",
        }
    }

    /// The position in [`Backoff::ALL`] (the binding passes kinds as this number).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(name: &str) -> Option<Backoff> {
        Backoff::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The base delay in ms before retry `retry` (1 = the retry after the first attempt),
    /// capped at `max`. Range: `[0, max]`, finite for any `retry`, given finite
    /// `0 <= initial <= max` and `multiplier >= 1`.
    pub fn delay(self, retry: u32, initial: f64, multiplier: f64, max: f64) -> f64 {
        // A zero base stays zero; handling it first keeps `0 × ∞` (NaN) out of the formulas.
        if initial == 0.0 {
            return 0.0;
        }
        let n = retry.max(1);
        let uncapped = match self {
            Backoff::Constant => initial,
            Backoff::Linear => initial * f64::from(n),
            Backoff::Exponential => initial * power_until(multiplier, n - 1, max / initial),
            Backoff::Fibonacci => initial * fibonacci_until(n, max / initial),
        };
        uncapped.min(max)
    }
}

/// The base delay before retry `retry` from a list of delays: item `retry` (counting from 1),
/// or the last once the list runs out, as cockatiel's iterable backoff does. `delays` is not
/// empty (the policy checks).
pub fn listed(delays: &[f64], retry: u32) -> f64 {
    let i = (retry.max(1) as usize).min(delays.len()) - 1;
    delays.get(i).copied().unwrap_or(0.0)
}

/// `base^exponent` for `base >= 1`, by repeated squaring (a few dozen multiplications for any
/// exponent), or the first partial product at or above `limit`, which the caller caps anyway.
/// Plain IEEE multiplication, so every platform gets the same bits; an overflow to +∞ only
/// ends the loop.
fn power_until(base: f64, mut exponent: u32, limit: f64) -> f64 {
    let (mut result, mut square) = (1.0_f64, base);
    while exponent > 0 {
        if exponent & 1 == 1 {
            result *= square;
            if result >= limit {
                break;
            }
        }
        exponent >>= 1;
        square *= square;
    }
    result
}

/// F(n) for F = 1, 1, 2, 3, 5, …, or the first term above `limit` if that comes earlier
/// (so the loop ends after a few dozen steps, whatever `n` is).
fn fibonacci_until(n: u32, limit: f64) -> f64 {
    let (mut current, mut next) = (1.0_f64, 1.0_f64);
    for _ in 1..n {
        // An infinite limit (a tiny base) still ends the loop once `current` overflows.
        if current > limit || current.is_infinite() {
            break;
        }
        (current, next) = (next, current + next);
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(kind: Backoff, initial: f64, multiplier: f64, max: f64) -> Vec<f64> {
        (1..=8)
            .map(|n| kind.delay(n, initial, multiplier, max))
            .collect()
    }

    #[test]
    fn exact_sequences() {
        assert_eq!(sequence(Backoff::Constant, 100.0, 2.0, 1000.0), [100.0; 8]);
        assert_eq!(
            sequence(Backoff::Linear, 100.0, 2.0, 500.0),
            [100.0, 200.0, 300.0, 400.0, 500.0, 500.0, 500.0, 500.0]
        );
        assert_eq!(
            sequence(Backoff::Exponential, 100.0, 2.0, 10_000.0),
            [100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0, 10_000.0]
        );
        assert_eq!(
            sequence(Backoff::Exponential, 50.0, 1.5, 5_000.0),
            [50.0, 75.0, 112.5, 168.75, 253.125, 379.6875, 569.53125, 854.296875]
        );
        assert_eq!(
            sequence(Backoff::Fibonacci, 10.0, 2.0, 100.0),
            [10.0, 10.0, 20.0, 30.0, 50.0, 80.0, 100.0, 100.0]
        );
    }

    #[test]
    fn a_list_gives_its_delays_in_order_then_repeats_the_last() {
        let delays = [100.0, 250.0, 1000.0];
        let got: Vec<f64> = (0..=5).map(|n| listed(&delays, n)).collect();
        assert_eq!(got, [100.0, 100.0, 250.0, 1000.0, 1000.0, 1000.0]);
        assert_eq!(listed(&[7.0], u32::MAX), 7.0);
    }

    #[test]
    fn power_matches_exact_powers() {
        assert_eq!(power_until(2.0, 10, f64::INFINITY), 1024.0);
        assert_eq!(power_until(1.5, 7, f64::INFINITY), 17.0859375);
        assert_eq!(power_until(3.0, 0, f64::INFINITY), 1.0);
        assert_eq!(power_until(1.0, u32::MAX, 5.0), 1.0);
        assert!(power_until(2.0, u32::MAX, 1e6) >= 1e6);
        assert!(power_until(1e300, u32::MAX, f64::INFINITY).is_infinite());
    }

    #[test]
    fn index_is_the_position_in_all() {
        for (i, kind) in Backoff::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
        }
    }

    #[test]
    fn names_round_trip() {
        for kind in Backoff::ALL {
            assert_eq!(Backoff::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Backoff::from_name("Exponential"), None);
    }

    #[test]
    fn finite_and_capped_for_every_attempt_number() {
        for kind in Backoff::ALL {
            for (initial, multiplier, max) in [
                (0.0, 2.0, 10.0),
                (1.0, 1.0, 1.0),
                (100.0, 2.0, 10_000.0),
                (1e-300, 10.0, 2_147_483_647.0),
                (2_147_483_647.0, 1e300, 2_147_483_647.0),
            ] {
                for n in (1..=10_000).chain([u32::MAX - 1, u32::MAX]) {
                    let d = kind.delay(n, initial, multiplier, max);
                    assert!(
                        d.is_finite() && (0.0..=max).contains(&d),
                        "{kind:?} n={n} d={d}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod early_exit {
    use super::*;

    // With an initial delay under 1 ms, `max / initial` is larger than `max`: a loop that
    // stopped at `max × initial` instead would stop at a partial product under the cap.
    #[test]
    fn exponents_and_terms_far_past_the_cap_still_give_the_cap() {
        // 2^135 by squaring passes 128 (which × 0.5 is 64, under the cap) on its way.
        assert_eq!(Backoff::Exponential.delay(136, 0.5, 2.0, 100.0), 100.0);
        assert_eq!(Backoff::Exponential.delay(8, 0.5, 2.0, 100.0), 64.0);
        // F(30) passes 55 (27.5 ms) on its way.
        assert_eq!(Backoff::Fibonacci.delay(30, 0.5, 2.0, 100.0), 100.0);
        assert_eq!(Backoff::Fibonacci.delay(10, 0.5, 2.0, 100.0), 27.5);
    }
}
