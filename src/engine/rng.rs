//! A small seeded random number generator: SplitMix64 (Steele, Lea & Flood, "Fast Splittable
//! Pseudorandom Number Generators", OOPSLA 2014).
//!
//! SplitMix64's output function is a strong 64-bit mixer, so seeds that differ by one give
//! unrelated streams: hosts numbered 1..N that use their number as seed do not retry in
//! lockstep. Jitter needs no more than that; it is not a cryptographic generator.

/// A deterministic stream of random numbers: the same seed gives the same stream everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits (every value is an exact `f64`).
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[low, high)` for `low < high`; exactly `low` when `low == high`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // Reference outputs of SplitMix64 for seed 0 (as published with the algorithm).
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn unit_values_stay_in_half_open_range() {
        let mut rng = Rng::new(42);
        for _ in 0..100_000 {
            let u = rng.next_unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }

    #[test]
    fn neighbouring_seeds_are_unrelated() {
        // The first draw of seeds 1..=1000 should look like 1000 independent uniform draws:
        // mean near 1/2 and no long runs in one direction (lockstep would show as a trend).
        let firsts: Vec<f64> = (1..=1000u64).map(|s| Rng::new(s).next_unit()).collect();
        let mean = firsts.iter().sum::<f64>() / firsts.len() as f64;
        assert!((mean - 0.5).abs() < 0.05, "mean {mean}");
        let rises = firsts.windows(2).filter(|w| w[1] > w[0]).count();
        // For independent draws, about half of consecutive pairs rise.
        assert!((400..=600).contains(&rises), "rises {rises}");
    }
}
