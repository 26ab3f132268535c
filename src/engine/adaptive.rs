//! An adaptive client rate: the AWS SDKs' "adaptive" retry mode. A token bucket paces the
//! client's requests once a service has throttled it; each throttling response cuts the
//! sending rate to `BETA` of what was measured, and each success lets it grow back along a
//! CUBIC curve (the congestion control TCP uses) towards, and then past, the rate at which the
//! throttling came. Until the first throttling error the bucket is off and costs nothing.
//!
//! The constants and the arithmetic are the SDKs' (their shared specification); the native
//! tests replay its published sequences. Times cross in ms (the caller's clock); the
//! arithmetic, like the SDKs', runs in seconds.

/// How far the rate falls after a throttling response (a fraction of the measured rate).
pub const BETA: f64 = 0.7;
/// How fast the rate grows back: the CUBIC curve's scale.
pub const SCALE_CONSTANT: f64 = 0.4;
/// The weight of the newest half second in the measured sending rate.
pub const SMOOTH: f64 = 0.8;
/// The slowest the bucket ever fills, in requests per second.
pub const MIN_FILL_RATE: f64 = 0.5;
/// The fewest requests the bucket holds.
pub const MIN_CAPACITY: f64 = 1.0;
/// The width of the buckets the sending rate is measured over, in seconds.
pub const MEASUREMENT_BUCKET: f64 = 0.5;

/// The rate limiter's state. Every method takes the time now, in ms.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveRate {
    /// Requests per second the bucket fills at.
    fill_rate: f64,
    max_capacity: f64,
    tokens: f64,
    /// When the bucket was last filled, in seconds (`None`: never yet).
    last_fill: Option<f64>,
    /// Whether a throttling response has switched the bucket on.
    enabled: bool,
    measured_rate: f64,
    /// The start of the measurement bucket requests are being counted in, in seconds.
    rate_bucket: f64,
    requests_in_bucket: f64,
    /// The rate the last throttling came at, and when (seconds).
    last_max_rate: f64,
    last_throttle: f64,
    /// How long after a throttling the curve takes back to `last_max_rate`, in seconds.
    time_window: f64,
}

fn seconds(ms: f64) -> f64 {
    ms / 1000.0
}

impl AdaptiveRate {
    /// A limiter made at `now_ms`: off until a throttling response switches it on.
    pub fn new(now_ms: f64) -> Self {
        let now = seconds(now_ms);
        AdaptiveRate {
            fill_rate: MIN_FILL_RATE,
            max_capacity: MIN_CAPACITY,
            tokens: 0.0,
            last_fill: None,
            enabled: false,
            measured_rate: 0.0,
            rate_bucket: floor(now),
            requests_in_bucket: 0.0,
            last_max_rate: 0.0,
            last_throttle: now,
            time_window: 0.0,
        }
    }

    /// Before a request: `0` when it may go now (it takes a token), else the whole ms to wait
    /// before asking again (rounded up: timers count whole ms, and a wait that fell short by a
    /// rounding error would be asked for again and again).
    pub fn acquire(&mut self, now_ms: f64) -> f64 {
        if !self.enabled {
            return 0.0;
        }
        self.refill(seconds(now_ms));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return 0.0;
        }
        -floor(-(1.0 - self.tokens) / self.fill_rate * 1000.0)
    }

    /// After a response: `throttled` when the service asked the client to slow down.
    pub fn record(&mut self, throttled: bool, now_ms: f64) {
        let now = seconds(now_ms);
        self.measure(now);
        let rate = if throttled {
            let rate_to_use = if self.enabled {
                self.measured_rate.min(self.fill_rate)
            } else {
                self.measured_rate
            };
            self.last_max_rate = rate_to_use;
            self.update_time_window();
            self.last_throttle = now;
            self.enabled = true;
            self.cubic_throttle(rate_to_use)
        } else {
            self.update_time_window();
            self.cubic_success(now)
        };
        self.set_fill_rate(rate.min(2.0 * self.measured_rate), now);
    }

    /// Whether a throttling response has switched the bucket on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Requests per second the bucket fills at.
    pub fn fill_rate(&self) -> f64 {
        self.fill_rate
    }

    /// The client's measured sending rate, requests per second.
    pub fn measured_rate(&self) -> f64 {
        self.measured_rate
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_fill {
            let filled = (now - last) * self.fill_rate;
            self.tokens = self.max_capacity.min(self.tokens + filled);
        }
        self.last_fill = Some(now);
    }

    fn measure(&mut self, now: f64) {
        let bucket = floor(now / MEASUREMENT_BUCKET) * MEASUREMENT_BUCKET;
        self.requests_in_bucket += 1.0;
        if bucket > self.rate_bucket {
            let current = self.requests_in_bucket / (bucket - self.rate_bucket);
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.requests_in_bucket = 0.0;
            self.rate_bucket = bucket;
        }
    }

    fn update_time_window(&mut self) {
        self.time_window = cbrt(self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT);
    }

    fn cubic_throttle(&self, rate_to_use: f64) -> f64 {
        rate_to_use * BETA
    }

    fn cubic_success(&self, now: f64) -> f64 {
        let t = now - self.last_throttle - self.time_window;
        SCALE_CONSTANT * t * t * t + self.last_max_rate
    }

    fn set_fill_rate(&mut self, rate: f64, now: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(MIN_CAPACITY);
        self.tokens = self.tokens.min(self.max_capacity);
    }
}

// `f64::floor` and `cbrt` are std's; the engine is no_std. Times and rates here are finite and
// far below 2^52, where these are exact enough for the SDKs' published sequences (1e-9).
fn floor(x: f64) -> f64 {
    let truncated = x as i64 as f64;
    if truncated > x {
        truncated - 1.0
    } else {
        truncated
    }
}

fn cbrt(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    // Newton's method from above (from `max(x, 1)`, each step shrinks by at most a third until
    // near the root, then doubles the correct digits): 64 steps settle any x up to 1e12.
    let mut y = x.max(1.0);
    for _ in 0..64 {
        y = (2.0 * y + x / (y * y)) / 3.0;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's CUBIC steps (as the SDKs' tests replay them): `calculated` after a
    /// success or a throttle at `t` seconds, from `last_max_rate` 10 and a throttle at 5 s.
    fn replay(steps: &[(bool, f64, f64)]) {
        let mut rate = AdaptiveRate::new(0.0);
        rate.last_max_rate = 10.0;
        rate.last_throttle = 5.0;
        rate.update_time_window();
        let mut last = 0.0;
        for &(throttle, t, expected) in steps {
            if throttle {
                rate.last_max_rate = last;
                rate.update_time_window();
                rate.last_throttle = t;
                last = rate.cubic_throttle(last);
            } else {
                rate.update_time_window();
                last = rate.cubic_success(t);
            }
            assert!(
                (last - expected).abs() < 1e-9,
                "at {t} s: {last}, expected {expected}"
            );
        }
    }

    #[test]
    fn cubic_growth_after_a_throttle_follows_the_published_sequence() {
        replay(&[
            (false, 5.0, 7.0),
            (false, 6.0, 9.64893600966),
            (false, 7.0, 10.000030849917364),
            (false, 8.0, 10.453284520772092),
            (false, 9.0, 13.408697022224185),
            (false, 10.0, 21.26626835427364),
            (false, 11.0, 36.425998516920465),
        ]);
    }

    #[test]
    fn throttles_cut_the_rate_and_growth_resumes_as_published() {
        replay(&[
            (false, 5.0, 7.0),
            (false, 6.0, 9.64893600966),
            (true, 7.0, 6.754255206761999),
            (true, 8.0, 4.727978644733399),
            (false, 9.0, 6.606547753887045),
            (false, 10.0, 6.763279816944947),
            (false, 11.0, 7.598174833907107),
            (false, 12.0, 11.511232804773524),
        ]);
    }

    #[test]
    fn end_to_end_measured_rate_and_fill_rate_follow_the_published_sequence() {
        // (throttled, t seconds, measured rate, fill rate after)
        let steps = [
            (false, 0.2, 0.0, 0.5),
            (false, 0.4, 0.0, 0.5),
            (false, 0.6, 4.8, 0.5),
            (false, 0.8, 4.8, 0.5),
            (false, 1.0, 4.16, 0.5),
            (false, 1.2, 4.16, 0.6912),
            (false, 1.4, 4.16, 1.0976),
            (false, 1.6, 5.632, 1.6384),
            (false, 1.8, 5.632, 2.3328),
            (true, 2.0, 4.3264, 3.02848),
            (false, 2.2, 4.3264, 3.486639),
        ];
        let mut rate = AdaptiveRate::new(0.0);
        for (throttled, t, measured, fill) in steps {
            rate.record(throttled, t * 1000.0);
            assert!(
                (rate.measured_rate() - measured).abs() < 1e-6,
                "at {t} s: measured {}",
                rate.measured_rate()
            );
            assert!(
                (rate.fill_rate() - fill).abs() < 1e-6,
                "at {t} s: fill rate {}",
                rate.fill_rate()
            );
        }
        assert!(rate.enabled());
    }

    #[test]
    fn growth_is_capped_at_twice_the_measured_rate() {
        // Throttled at 0 s with nothing measured: the minimum rate. A success at 2 s measures
        // 2 requests over 2 s (0.8/s after smoothing); the curve would allow 0.4 × 2³ = 3.2/s,
        // the cap twice the measured rate: 1.6/s.
        let mut rate = AdaptiveRate::new(0.0);
        rate.record(true, 0.0);
        assert_eq!(rate.fill_rate(), MIN_FILL_RATE);
        rate.record(false, 2_000.0);
        assert!(
            (rate.measured_rate() - 0.8).abs() < 1e-12,
            "{}",
            rate.measured_rate()
        );
        assert!(
            (rate.fill_rate() - 1.6).abs() < 1e-12,
            "{}",
            rate.fill_rate()
        );
    }

    #[test]
    fn off_until_throttled_then_paced_by_the_bucket() {
        let mut rate = AdaptiveRate::new(0.0);
        for i in 0..100 {
            assert_eq!(rate.acquire(i as f64), 0.0, "off: no wait");
            rate.record(false, i as f64);
        }
        assert!(!rate.enabled());
        rate.record(true, 1_000.0);
        assert!(rate.enabled());
        // The bucket kept filling while off (as the SDKs' does), short of a whole token: the
        // first request waits for the rest of one, in whole ms, at most a token's time.
        let fill = rate.fill_rate();
        let wait = rate.acquire(1_000.0);
        assert!(
            wait > 0.0 && wait <= (1000.0 / fill).ceil() && wait == wait.trunc(),
            "wait {wait} ms at {fill}/s"
        );
        // After that wait the token is there; the next request waits a whole token's time.
        assert_eq!(rate.acquire(1_000.0 + wait), 0.0);
        let next = rate.acquire(1_000.0 + wait);
        assert!(
            next >= 1000.0 / fill - 1.0 && next <= (1000.0 / fill).ceil(),
            "next wait {next} at {fill}/s"
        );
    }

    #[test]
    fn the_bucket_never_holds_more_than_its_capacity_nor_fills_below_the_minimum() {
        let mut rate = AdaptiveRate::new(0.0);
        rate.record(true, 0.0); // measured 0: the rate falls to the minimum
        assert_eq!(rate.fill_rate(), MIN_FILL_RATE);
        rate.acquire(0.0);
        // An hour idle fills the bucket to its capacity (one request), not 1800.
        assert_eq!(rate.acquire(3_600_000.0), 0.0);
        assert!(rate.acquire(3_600_000.0) > 0.0);
    }

    #[test]
    fn floor_and_cube_root_are_exact_where_used() {
        for (x, f) in [
            (0.0, 0.0),
            (0.4, 0.0),
            (1.0, 1.0),
            (2.5, 2.0),
            (-0.5, -1.0),
            (1e12 + 0.5, 1e12),
        ] {
            assert_eq!(floor(x), f, "floor({x})");
        }
        for x in [1e-9, 0.001, 0.75, 1.0, 7.5, 27.0, 1000.0, 1e9, 1e12] {
            let y = cbrt(x);
            assert!(
                (y * y * y - x).abs() <= 1e-12 * x.max(1.0),
                "cbrt({x}) = {y}"
            );
        }
        assert_eq!(cbrt(0.0), 0.0);
        assert_eq!(cbrt(-1.0), 0.0);
    }
}
