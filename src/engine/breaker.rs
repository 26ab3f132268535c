//! A circuit breaker: after repeated failures, calls fail fast for a while instead of piling
//! onto a service that is down; then a few probes find out whether it is back. Driven by the
//! caller's clock (`now`, in ms), so every transition is testable to the millisecond.

use super::error::{option_or as check, PolicyError};
use super::numbers::{floor, is_integer};
use super::rng::Rng;

/// The options' names, in the order the binding passes them.
pub const BREAKER_FIELDS: [&str; 11] = [
    "failureThreshold",
    "failureRatio",
    "windowMs",
    "minimumCalls",
    "openDelay",
    "maxOpenDelay",
    "halfOpenMaxCalls",
    "probeLease",
    "halfOpenSuccesses",
    "halfOpenSample",
    "seed",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

impl State {
    pub const ALL: [State; 3] = [State::Closed, State::Open, State::HalfOpen];

    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half-open",
        }
    }
}

/// Why the state changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    ConsecutiveFailures,
    FailureRatio,
    OpenDelayElapsed,
    ProbeSucceeded,
    ProbeFailed,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::ConsecutiveFailures,
        Reason::FailureRatio,
        Reason::OpenDelayElapsed,
        Reason::ProbeSucceeded,
        Reason::ProbeFailed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Reason::ConsecutiveFailures => "consecutiveFailures",
            Reason::FailureRatio => "failureRatio",
            Reason::OpenDelayElapsed => "openDelayElapsed",
            Reason::ProbeSucceeded => "probeSucceeded",
            Reason::ProbeFailed => "probeFailed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub reason: Reason,
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    Allowed,
    /// Fail fast; `retry_after` is the ms until the breaker lets a probe through (when the
    /// probes are out: until the oldest probe's lease ends, or 0 when it has just ended).
    Rejected {
        retry_after: f64,
    },
}

/// The rolling window is this many buckets of `window_ms / BUCKETS` each.
pub const BUCKETS: usize = 10;

/// One slice of the rolling window: which slice of time it counts, and what it counted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bucket {
    pub index: f64,
    pub calls: u32,
    pub failures: u32,
}

/// The options as the user gave them (raw numbers, each optional).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BreakerOptions {
    pub failure_threshold: Option<f64>,
    pub failure_ratio: Option<f64>,
    pub window_ms: Option<f64>,
    pub minimum_calls: Option<f64>,
    pub open_delay: Option<f64>,
    pub max_open_delay: Option<f64>,
    pub half_open_max_calls: Option<f64>,
    pub probe_lease: Option<f64>,
    pub half_open_successes: Option<f64>,
    pub half_open_sample: Option<f64>,
    pub seed: Option<f64>,
}

/// A circuit breaker's settings and state.
///
/// # Default
/// - `failure_threshold`: 5 consecutive failures open it
/// - `failure_ratio`: none (set it to also open on a failure ratio over the window)
/// - `window_ms`: 10,000 ms; `minimum_calls`: 10 calls in the window before the ratio counts
/// - `open_delay`: 5,000 ms open before the first probe (exactly, on a first trip)
/// - `max_open_delay`: `open_delay` (repeated trips draw from `[d/2, d)`; a larger cap lets the
///   delay double on each trip, up to it; the default keeps recovery within one `open_delay`)
/// - `half_open_max_calls`: 1 probe at a time
/// - `probe_lease`: 10,000 ms; a probe that has neither answered nor been released by then
///   gives up its place, so a probe that never settles cannot keep the breaker half-open
/// - `half_open_successes`: 1 — probes that must succeed, of `half_open_sample`, to close it
/// - `half_open_sample`: `half_open_successes` — the probes judged: once too many of them
///   failed for the rest to reach `half_open_successes`, it opens again
#[derive(Debug, Clone, PartialEq)]
pub struct Breaker {
    failure_threshold: u32,
    failure_ratio: Option<f64>,
    window_ms: f64,
    minimum_calls: u32,
    open_delay: f64,
    max_open_delay: f64,
    half_open_max_calls: u32,
    probe_lease: f64,
    half_open_successes: u32,
    half_open_sample: u32,
    state: State,
    consecutive_failures: u32,
    buckets: [Bucket; BUCKETS],
    open_until: f64,
    trips: u32,
    probes: u32,
    /// Probes whose lease ran out before they answered: their release must not free the place
    /// of a probe sent since.
    expired: u32,
    /// When the newest probe went out: the places of all probes out are held until a lease
    /// after it.
    last_probe_at: f64,
    /// The verdicts of the probes sent since the breaker last turned half-open.
    probe_successes: u32,
    probe_failures: u32,
    rng: Rng,
}

const MAX_MS: f64 = 2_147_483_647.0;

fn count(v: f64) -> bool {
    is_integer(v) && (1.0..=1e9).contains(&v)
}

impl BreakerOptions {
    /// Each option in [`BREAKER_FIELDS`] order.
    pub fn values(&self) -> [Option<f64>; 11] {
        [
            self.failure_threshold,
            self.failure_ratio,
            self.window_ms,
            self.minimum_calls,
            self.open_delay,
            self.max_open_delay,
            self.half_open_max_calls,
            self.probe_lease,
            self.half_open_successes,
            self.half_open_sample,
            self.seed,
        ]
    }

    pub fn build(&self) -> Result<Breaker, PolicyError> {
        let [threshold, ratio, window, minimum, open, max_open, half_open, lease, successes, sample, seed] =
            BREAKER_FIELDS;
        let whole = "an integer from 1 to 1000000000";
        let failure_ratio = match self.failure_ratio {
            None => None,
            Some(v) => Some(check(
                ratio,
                Some(v),
                0.0,
                |v| v > 0.0 && v <= 1.0,
                "a number > 0 and <= 1",
            )?),
        };
        let open_delay = check(
            open,
            self.open_delay,
            5_000.0,
            |v| (0.0..=MAX_MS).contains(&v),
            "a number of ms from 0 to 2147483647",
        )?;
        let max_open_delay = check(
            max_open,
            self.max_open_delay,
            open_delay,
            |v| (open_delay..=MAX_MS).contains(&v),
            "a number of ms from `openDelay` to 2147483647",
        )?;
        let half_open_successes = check(successes, self.half_open_successes, 1.0, count, whole)?;
        let half_open_sample = check(
            sample,
            self.half_open_sample,
            half_open_successes,
            |v| is_integer(v) && (half_open_successes..=1e9).contains(&v),
            "an integer from `halfOpenSuccesses` to 1000000000",
        )?;
        let seed = check(
            seed,
            self.seed,
            0.0,
            |v| is_integer(v) && (0.0..=9_007_199_254_740_991.0).contains(&v),
            "an integer from 0 to 9007199254740991",
        )?;
        Ok(Breaker {
            failure_threshold: check(threshold, self.failure_threshold, 5.0, count, whole)? as u32,
            failure_ratio,
            window_ms: check(
                window,
                self.window_ms,
                10_000.0,
                |v| v.is_finite() && v >= 10.0,
                "a finite number of ms >= 10",
            )?,
            minimum_calls: check(minimum, self.minimum_calls, 10.0, count, whole)? as u32,
            open_delay,
            max_open_delay,
            half_open_max_calls: check(half_open, self.half_open_max_calls, 1.0, count, whole)?
                as u32,
            probe_lease: check(
                lease,
                self.probe_lease,
                10_000.0,
                |v| (1.0..=MAX_MS).contains(&v),
                "a number of ms from 1 to 2147483647",
            )?,
            half_open_successes: half_open_successes as u32,
            half_open_sample: half_open_sample as u32,
            state: State::Closed,
            consecutive_failures: 0,
            buckets: [Bucket::default(); BUCKETS],
            open_until: 0.0,
            trips: 0,
            probes: 0,
            expired: 0,
            last_probe_at: 0.0,
            probe_successes: 0,
            probe_failures: 0,
            rng: Rng::new(seed as u64),
        })
    }
}

impl Breaker {
    /// The state as of `now`: an open breaker whose delay has passed reports half-open (it
    /// turns so at the next admission).
    pub fn state_at(&self, now: f64) -> State {
        match self.state {
            State::Open if now >= self.open_until => State::HalfOpen,
            state => state,
        }
    }

    /// Asks before an attempt whether it may go ahead.
    pub fn admit(&mut self, now: f64) -> (Admission, Option<Transition>) {
        match self.state {
            State::Closed => (Admission::Allowed, None),
            State::Open if now < self.open_until => (
                Admission::Rejected {
                    retry_after: self.open_until - now,
                },
                None,
            ),
            State::Open => {
                self.state = State::HalfOpen;
                self.probes = 1;
                self.last_probe_at = now;
                let t = Transition {
                    from: State::Open,
                    to: State::HalfOpen,
                    reason: Reason::OpenDelayElapsed,
                };
                (Admission::Allowed, Some(t))
            }
            State::HalfOpen => {
                let lease_ends = self.last_probe_at + self.probe_lease;
                if now >= lease_ends && self.probes > 0 {
                    // The probes out have not answered in time: their places are free again.
                    self.expired = self.expired.saturating_add(self.probes);
                    self.probes = 0;
                }
                if self.probes < self.half_open_max_calls {
                    self.probes += 1;
                    self.last_probe_at = now;
                    (Admission::Allowed, None)
                } else {
                    let retry_after = lease_ends - now;
                    (Admission::Rejected { retry_after }, None)
                }
            }
        }
    }

    /// An admitted attempt ended without a verdict on the service (its caller aborted it):
    /// a probe's place is freed, and nothing is counted.
    pub fn release(&mut self, _now: f64) -> Option<Transition> {
        if self.state == State::HalfOpen {
            // Conservative when it cannot tell which probe ended: an expired one is assumed,
            // so no more than `half_open_max_calls` probes are ever out.
            if self.expired > 0 {
                self.expired -= 1;
            } else {
                self.probes = self.probes.saturating_sub(1);
            }
        }
        None
    }

    /// Reports the outcome of an attempt that was admitted.
    pub fn record(&mut self, now: f64, success: bool) -> Option<Transition> {
        match self.state {
            // A late outcome of an attempt admitted before the breaker opened.
            State::Open => None,
            State::HalfOpen => {
                self.probes = self.probes.saturating_sub(1);
                if success {
                    self.probe_successes = self.probe_successes.saturating_add(1);
                } else {
                    self.probe_failures = self.probe_failures.saturating_add(1);
                }
                // Closed once enough probes succeeded; open again once so many failed that
                // the rest of the sample cannot make up the successes.
                if self.probe_successes >= self.half_open_successes {
                    self.close();
                    Some(Transition {
                        from: State::HalfOpen,
                        to: State::Closed,
                        reason: Reason::ProbeSucceeded,
                    })
                } else if self.probe_failures > self.half_open_sample - self.half_open_successes {
                    self.open(now);
                    Some(Transition {
                        from: State::HalfOpen,
                        to: State::Open,
                        reason: Reason::ProbeFailed,
                    })
                } else {
                    None
                }
            }
            State::Closed => {
                self.count(now, success);
                if success {
                    self.consecutive_failures = 0;
                    return None;
                }
                self.consecutive_failures += 1;
                let reason = if self.consecutive_failures >= self.failure_threshold {
                    Reason::ConsecutiveFailures
                } else if self.ratio_exceeded(now) {
                    Reason::FailureRatio
                } else {
                    return None;
                };
                self.open(now);
                Some(Transition {
                    from: State::Closed,
                    to: State::Open,
                    reason,
                })
            }
        }
    }

    /// The first trip opens for exactly `open_delay`; each further trip without a close in
    /// between doubles it, up to `max_open_delay`, with equal jitter (`[d/2, d)`) so that a
    /// fleet of breakers does not probe in lockstep.
    fn open(&mut self, now: f64) {
        self.trips = self.trips.saturating_add(1);
        let delay = if self.trips == 1 {
            self.open_delay
        } else {
            let doubled = self.open_delay * f64::from(1u32 << (self.trips.min(31) - 1));
            let d = doubled.min(self.max_open_delay);
            d / 2.0 + self.rng.uniform(0.0, d / 2.0)
        };
        self.state = State::Open;
        self.open_until = now + delay;
        self.probes = 0;
        self.expired = 0;
        self.probe_successes = 0;
        self.probe_failures = 0;
        self.consecutive_failures = 0;
        self.buckets = [Bucket::default(); BUCKETS];
    }

    fn close(&mut self) {
        self.state = State::Closed;
        self.trips = 0;
        self.probes = 0;
        self.expired = 0;
        self.probe_successes = 0;
        self.probe_failures = 0;
        self.consecutive_failures = 0;
        self.buckets = [Bucket::default(); BUCKETS];
    }

    fn bucket_index(&self, now: f64) -> f64 {
        floor(now / (self.window_ms / BUCKETS as f64))
    }

    fn count(&mut self, now: f64, success: bool) {
        let index = self.bucket_index(now);
        let slot = &mut self.buckets
            [(index - floor(index / BUCKETS as f64) * BUCKETS as f64) as usize % BUCKETS];
        if slot.index != index {
            *slot = Bucket {
                index,
                calls: 0,
                failures: 0,
            };
        }
        // Saturating: a restored bucket may already hold the most a u32 can count.
        slot.calls = slot.calls.saturating_add(1);
        slot.failures = slot.failures.saturating_add(u32::from(!success));
    }

    fn ratio_exceeded(&self, now: f64) -> bool {
        let Some(ratio) = self.failure_ratio else {
            return false;
        };
        let newest = self.bucket_index(now);
        let (calls, failures) = self
            .buckets
            .iter()
            .filter(|b| b.calls > 0 && b.index > newest - BUCKETS as f64 && b.index <= newest)
            .fold((0u64, 0u64), |(c, f), b| {
                (c + u64::from(b.calls), f + u64::from(b.failures))
            });
        calls >= u64::from(self.minimum_calls) && failures as f64 >= ratio * calls as f64
    }
}

/// The state a snapshot carries besides the options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerState {
    pub state: State,
    pub consecutive_failures: u32,
    pub open_until: f64,
    pub trips: u32,
    pub buckets: [Bucket; BUCKETS],
}

/// The largest count a restored snapshot may hold (the bound every count option has).
const MAX_COUNT: f64 = 1e9;

impl BreakerState {
    /// A saved state from a snapshot's parts, each checked, the errors naming the part
    /// (`snapshot.trips`): `state` by name, `window` as each bucket's index, calls and failures.
    pub fn from_parts(
        state: &str,
        consecutive_failures: f64,
        open_until: f64,
        trips: f64,
        window: &[f64],
    ) -> Result<BreakerState, PolicyError> {
        let count = |name: &str, v: f64| {
            check(
                name,
                Some(v),
                0.0,
                |v| is_integer(v) && (0.0..=MAX_COUNT).contains(&v),
                "an integer from 0 to 1000000000",
            )
            .map(|v| v as u32)
        };
        let Some(&state) = State::ALL.iter().find(|s| s.name() == state) else {
            return Err(PolicyError::option_text(
                "snapshot.state",
                "one of 'closed', 'open', 'half-open'",
                state,
            ));
        };
        if window.len() != 3 * BUCKETS {
            return Err(PolicyError::option_range(
                "snapshot.window",
                "10 buckets of [index, calls, failures] (30 numbers)",
                window.len() as f64,
            ));
        }
        let mut buckets = [Bucket::default(); BUCKETS];
        for (bucket, numbers) in buckets.iter_mut().zip(window.chunks_exact(3)) {
            let calls = count("snapshot.window", numbers[1])?;
            let failures = count("snapshot.window", numbers[2])?;
            if !is_integer(numbers[0]) {
                return Err(PolicyError::option_range(
                    "snapshot.window",
                    "bucket indexes that are integers",
                    numbers[0],
                ));
            }
            if failures > calls {
                return Err(PolicyError::option_range(
                    "snapshot.window",
                    "buckets with no more failures than calls",
                    numbers[2],
                ));
            }
            *bucket = Bucket {
                index: numbers[0],
                calls,
                failures,
            };
        }
        Ok(BreakerState {
            state,
            consecutive_failures: count("snapshot.consecutiveFailures", consecutive_failures)?,
            open_until: check(
                "snapshot.openUntil",
                Some(open_until),
                0.0,
                f64::is_finite,
                "a finite number of Unix ms",
            )?,
            trips: count("snapshot.trips", trips)?,
            buckets,
        })
    }
}

impl Breaker {
    pub fn options(&self) -> BreakerOptions {
        BreakerOptions {
            failure_threshold: Some(f64::from(self.failure_threshold)),
            failure_ratio: self.failure_ratio,
            window_ms: Some(self.window_ms),
            minimum_calls: Some(f64::from(self.minimum_calls)),
            open_delay: Some(self.open_delay),
            max_open_delay: Some(self.max_open_delay),
            half_open_max_calls: Some(f64::from(self.half_open_max_calls)),
            probe_lease: Some(self.probe_lease),
            half_open_successes: Some(f64::from(self.half_open_successes)),
            half_open_sample: Some(f64::from(self.half_open_sample)),
            seed: None,
        }
    }

    pub fn saved_state(&self) -> BreakerState {
        BreakerState {
            state: self.state,
            consecutive_failures: self.consecutive_failures,
            open_until: self.open_until,
            trips: self.trips,
            buckets: self.buckets,
        }
    }

    /// Puts back a saved state. Probes in flight do not survive a restore: a half-open breaker
    /// comes back with none out.
    pub fn restore(&mut self, saved: BreakerState) {
        self.state = saved.state;
        self.consecutive_failures = saved.consecutive_failures;
        self.open_until = saved.open_until;
        self.trips = saved.trips;
        self.buckets = saved.buckets;
        self.probes = 0;
        self.expired = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(options: BreakerOptions) -> Breaker {
        options.build().unwrap()
    }

    fn fail(b: &mut Breaker, now: f64, times: u32) -> Option<Transition> {
        (0..times).filter_map(|_| b.record(now, false)).last()
    }

    #[test]
    fn opens_after_consecutive_failures_and_fails_fast() {
        let mut b = breaker(BreakerOptions::default());
        assert_eq!(fail(&mut b, 0.0, 4), None);
        assert_eq!(b.record(10.0, true), None, "a success resets the count");
        assert_eq!(fail(&mut b, 20.0, 4), None);
        let t = b.record(30.0, false).unwrap();
        assert_eq!(
            (t.from, t.to, t.reason),
            (State::Closed, State::Open, Reason::ConsecutiveFailures)
        );
        assert_eq!(
            b.admit(1030.0).0,
            Admission::Rejected {
                retry_after: 4000.0
            }
        );
    }

    #[test]
    fn half_open_exactly_after_open_delay_on_the_first_trip() {
        let mut b = breaker(BreakerOptions::default());
        fail(&mut b, 100.0, 5);
        assert_eq!(b.admit(5099.0).0, Admission::Rejected { retry_after: 1.0 });
        assert_eq!(b.state_at(5100.0), State::HalfOpen);
        let (admission, t) = b.admit(5100.0);
        assert_eq!(admission, Admission::Allowed);
        assert_eq!(t.unwrap().reason, Reason::OpenDelayElapsed);
        // One probe at a time: the next waits for its verdict, or for its lease to end.
        assert_eq!(
            b.admit(5101.0).0,
            Admission::Rejected {
                retry_after: 9999.0
            }
        );
        let t = b.record(5200.0, true).unwrap();
        assert_eq!(
            (t.from, t.to, t.reason),
            (State::HalfOpen, State::Closed, Reason::ProbeSucceeded)
        );
        assert_eq!(b.admit(5201.0).0, Admission::Allowed);
    }

    #[test]
    fn a_failed_probe_reopens_with_a_longer_jittered_delay() {
        let mut b = breaker(BreakerOptions {
            seed: Some(3.0),
            max_open_delay: Some(40_000.0),
            ..Default::default()
        });
        fail(&mut b, 0.0, 5);
        b.admit(5000.0);
        let t = b.record(5000.0, false).unwrap();
        assert_eq!(
            (t.from, t.to, t.reason),
            (State::HalfOpen, State::Open, Reason::ProbeFailed)
        );
        // Second trip: d = 10,000 ms, drawn in [5,000, 10,000).
        let Admission::Rejected { retry_after } = b.admit(5000.0).0 else {
            panic!("not open")
        };
        assert!((5000.0..10_000.0).contains(&retry_after), "{retry_after}");
        // Each further trip doubles d up to maxOpenDelay (8 × 5,000 ms) and draws from [d/2, d).
        let mut now = 5000.0 + retry_after;
        for trip in 3..=12 {
            b.admit(now);
            b.record(now, false);
            let Admission::Rejected { retry_after } = b.admit(now).0 else {
                panic!("not open")
            };
            let d = (5000.0 * 2f64.powi(trip - 1)).min(40_000.0);
            assert!(
                retry_after >= d / 2.0 && retry_after < d,
                "trip {trip}: {retry_after} not in [{}, {d})",
                d / 2.0
            );
            now += retry_after;
        }
    }

    #[test]
    fn opens_on_the_failure_ratio_over_the_window() {
        let mut b = breaker(BreakerOptions {
            failure_ratio: Some(0.5),
            failure_threshold: Some(100.0),
            ..Default::default()
        });
        // Alternate: 50% failures, but fewer than minimumCalls (10) until the tenth call.
        for i in 0..9 {
            assert_eq!(b.record(f64::from(i) * 100.0, i % 2 == 0), None, "call {i}");
        }
        let t = b.record(950.0, false).unwrap();
        assert_eq!(t.reason, Reason::FailureRatio);
    }

    #[test]
    fn old_calls_leave_the_window() {
        let mut b = breaker(BreakerOptions {
            failure_ratio: Some(0.5),
            failure_threshold: Some(100.0),
            ..Default::default()
        });
        for i in 0..8 {
            b.record(f64::from(i), false);
        }
        b.record(0.0, true);
        // 11 s later the window has moved past them: 1 failure in 2 calls is too few calls.
        assert_eq!(b.record(11_000.0, true), None);
        assert_eq!(b.record(11_001.0, false), None);
        assert_eq!(b.state_at(11_002.0), State::Closed);
    }

    #[test]
    fn snapshot_state_restores() {
        let mut b = breaker(BreakerOptions::default());
        fail(&mut b, 0.0, 5);
        let mut copy = b.options().build().unwrap();
        copy.restore(b.saved_state());
        assert_eq!(
            copy.admit(100.0).0,
            Admission::Rejected {
                retry_after: 4900.0
            }
        );
        assert_eq!(copy.state_at(5000.0), State::HalfOpen);
    }

    #[test]
    fn bad_options_name_the_option_and_the_value() {
        let err = BreakerOptions {
            failure_ratio: Some(1.5),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`failureRatio` must be a number > 0 and <= 1, got 1.5"
        );
        let err = BreakerOptions {
            open_delay: Some(1000.0),
            max_open_delay: Some(10.0),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`maxOpenDelay` must be a number of ms from `openDelay` to 2147483647, got 10"
        );
        let err = BreakerOptions {
            failure_threshold: Some(0.0),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`failureThreshold` must be an integer from 1 to 1000000000, got 0"
        );
    }
}

#[cfg(test)]
mod default_backoff {
    use super::*;

    #[test]
    fn by_default_a_repeated_trip_waits_at_most_open_delay() {
        let mut b = BreakerOptions::default().build().unwrap();
        let mut now = 0.0;
        (0..5).for_each(|_| {
            b.record(now, false);
        });
        for _ in 0..20 {
            now = b.open_until;
            b.admit(now);
            b.record(now, false);
            let Admission::Rejected { retry_after } = b.admit(now).0 else {
                panic!("not open")
            };
            assert!((2500.0..5000.0).contains(&retry_after), "{retry_after}");
        }
    }
}

#[cfg(test)]
mod probes_cannot_wedge {
    use super::*;

    fn half_open(options: BreakerOptions) -> Breaker {
        let mut b = BreakerOptions {
            failure_threshold: Some(1.0),
            open_delay: Some(100.0),
            ..options
        }
        .build()
        .unwrap();
        b.record(0.0, false);
        assert_eq!(b.admit(100.0).0, Admission::Allowed);
        b
    }

    #[test]
    fn a_released_probe_frees_its_place_without_a_verdict() {
        let mut b = half_open(BreakerOptions::default());
        assert_eq!(
            b.admit(101.0).0,
            Admission::Rejected {
                retry_after: 9999.0
            }
        );
        assert_eq!(b.release(102.0), None);
        assert_eq!(
            b.state_at(102.0),
            State::HalfOpen,
            "a release is no verdict"
        );
        assert_eq!(b.admit(103.0).0, Admission::Allowed, "the next probe goes");
        // A release in any other state changes nothing.
        let mut closed = BreakerOptions::default().build().unwrap();
        assert_eq!(closed.release(0.0), None);
        assert_eq!(
            closed.saved_state(),
            BreakerOptions::default().build().unwrap().saved_state()
        );
    }

    #[test]
    fn a_release_never_frees_more_places_than_were_taken() {
        let mut b = half_open(BreakerOptions {
            half_open_max_calls: Some(2.0),
            ..Default::default()
        });
        b.release(101.0);
        b.release(101.0);
        assert_eq!(b.admit(102.0).0, Admission::Allowed);
        assert_eq!(b.admit(102.0).0, Admission::Allowed);
        assert_eq!(
            b.admit(102.0).0,
            Admission::Rejected {
                retry_after: 10_000.0
            }
        );
    }

    #[test]
    fn probes_that_never_answer_expire_after_the_lease() {
        let mut b = half_open(BreakerOptions {
            probe_lease: Some(1000.0),
            ..Default::default()
        });
        // The probe went out at 100: its place is held until 1100, exactly.
        assert_eq!(b.admit(1099.0).0, Admission::Rejected { retry_after: 1.0 });
        assert_eq!(b.admit(1100.0).0, Admission::Allowed);
        // The new probe holds the place for a lease of its own.
        assert_eq!(b.admit(2099.0).0, Admission::Rejected { retry_after: 1.0 });
        // A late verdict from any probe still decides.
        let t = b.record(2099.0, true).unwrap();
        assert_eq!(t.to, State::Closed);
    }

    #[test]
    fn a_late_release_from_an_expired_probe_keeps_the_new_probe_s_place() {
        let mut b = half_open(BreakerOptions {
            probe_lease: Some(1000.0),
            ..Default::default()
        });
        // Probe A went out at 100 and expired; probe B goes out at 1100.
        assert_eq!(b.admit(1100.0).0, Admission::Allowed);
        b.release(1200.0); // A, at last
        assert_eq!(
            b.admit(1201.0).0,
            Admission::Rejected { retry_after: 899.0 },
            "B still holds the only place"
        );
        b.release(1300.0); // B
        assert_eq!(b.admit(1301.0).0, Admission::Allowed);
    }

    #[test]
    fn the_default_lease_is_ten_seconds() {
        let mut b = half_open(BreakerOptions::default());
        assert_eq!(
            b.admit(10_099.0).0,
            Admission::Rejected { retry_after: 1.0 }
        );
        assert_eq!(b.admit(10_100.0).0, Admission::Allowed);
    }

    #[test]
    fn bad_lease_names_the_option() {
        for v in [0.0, -1.0, f64::NAN, 2_147_483_648.0] {
            let err = BreakerOptions {
                probe_lease: Some(v),
                ..Default::default()
            }
            .build()
            .unwrap_err();
            assert_eq!(err.name(), "probeLease", "{v}");
        }
        assert!(BreakerOptions {
            probe_lease: Some(2_147_483_647.0),
            ..Default::default()
        }
        .build()
        .is_ok());
        assert!(BreakerOptions {
            probe_lease: Some(1.0),
            ..Default::default()
        }
        .build()
        .is_ok());
    }
}

#[cfg(test)]
mod restored_windows {
    use super::*;

    #[test]
    fn full_restored_buckets_still_open_on_the_ratio() {
        let mut b = BreakerOptions {
            failure_threshold: Some(1e9),
            failure_ratio: Some(0.5),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut saved = b.saved_state();
        // Ten buckets of 1e9 calls each: 1e10 calls overflow a u32 sum.
        for (i, bucket) in saved.buckets.iter_mut().enumerate() {
            *bucket = Bucket {
                index: i as f64,
                calls: 1_000_000_000,
                failures: 1_000_000_000,
            };
        }
        b.restore(saved);
        let t = b.record(9_999.0, false).expect("opens");
        assert_eq!(t.reason, Reason::FailureRatio);
    }

    #[test]
    fn a_bucket_keeps_counting_past_the_restore_bound() {
        let mut b = BreakerOptions {
            failure_threshold: Some(1e9),
            failure_ratio: Some(0.9),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut saved = b.saved_state();
        saved.buckets[0] = Bucket {
            index: 0.0,
            calls: u32::MAX,
            failures: 0,
        };
        b.restore(saved);
        // Counting on must not wrap a full bucket back to few calls.
        assert_eq!(b.record(0.0, true), None);
        assert_eq!(b.saved_state().buckets[0].calls, u32::MAX);
        assert_eq!(b.record(0.0, false), None, "1 failure in 4e9 calls");
    }
}

#[cfg(test)]
mod snapshot_parts {
    use super::*;

    fn window() -> [f64; 30] {
        let mut w = [0.0; 30];
        w[0] = 7.0;
        w[1] = 4.0;
        w[2] = 3.0;
        w
    }

    #[test]
    fn a_snapshot_round_trips_through_its_parts() {
        let s = BreakerState::from_parts("open", 2.0, 1e12, 3.0, &window()).unwrap();
        assert_eq!(s.state, State::Open);
        assert_eq!(
            (s.consecutive_failures, s.open_until, s.trips),
            (2, 1e12, 3)
        );
        assert_eq!(
            s.buckets[0],
            Bucket {
                index: 7.0,
                calls: 4,
                failures: 3
            }
        );
        for state in State::ALL {
            assert_eq!(
                BreakerState::from_parts(state.name(), 0.0, 0.0, 0.0, &window())
                    .unwrap()
                    .state,
                state
            );
        }
        // The largest counts are accepted, one past them is not.
        assert!(BreakerState::from_parts("closed", 1e9, 0.0, 1e9, &window()).is_ok());
        assert!(BreakerState::from_parts("closed", 1e9 + 1.0, 0.0, 0.0, &window()).is_err());
    }

    #[test]
    fn each_bad_part_is_named_with_its_value() {
        let message = |r: Result<BreakerState, PolicyError>| r.unwrap_err().to_string();
        assert_eq!(
            message(BreakerState::from_parts("ajar", 0.0, 0.0, 0.0, &window())),
            "`snapshot.state` must be one of 'closed', 'open', 'half-open', got 'ajar'"
        );
        assert_eq!(
            message(BreakerState::from_parts("open", -1.0, 0.0, 0.0, &window())),
            "`snapshot.consecutiveFailures` must be an integer from 0 to 1000000000, got -1"
        );
        assert_eq!(
            message(BreakerState::from_parts(
                "open",
                0.0,
                f64::INFINITY,
                0.0,
                &window()
            )),
            "`snapshot.openUntil` must be a finite number of Unix ms, got inf"
        );
        assert_eq!(
            message(BreakerState::from_parts("open", 0.0, 0.0, 1.5, &window())),
            "`snapshot.trips` must be an integer from 0 to 1000000000, got 1.5"
        );
        assert_eq!(
            message(BreakerState::from_parts(
                "open",
                0.0,
                0.0,
                0.0,
                &window()[..27]
            )),
            "`snapshot.window` must be 10 buckets of [index, calls, failures] (30 numbers), got 27"
        );
        let mut w = window();
        w[5] = 2.0e9;
        assert!(message(BreakerState::from_parts("open", 0.0, 0.0, 0.0, &w))
            .starts_with("`snapshot.window` must be an integer from 0 to 1000000000"));
        let mut w = window();
        w[2] = 5.0;
        assert_eq!(
            message(BreakerState::from_parts("open", 0.0, 0.0, 0.0, &w)),
            "`snapshot.window` must be buckets with no more failures than calls, got 5"
        );
        let mut w = window();
        w[3] = f64::NAN;
        assert!(BreakerState::from_parts("open", 0.0, 0.0, 0.0, &w).is_err());
    }
}

#[cfg(test)]
mod rules_pinned {
    use super::*;

    fn ratio_breaker() -> Breaker {
        BreakerOptions {
            failure_threshold: Some(100.0),
            failure_ratio: Some(0.5),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    #[test]
    fn names_are_the_ones_javascript_sees() {
        assert_eq!(State::ALL.map(State::name), ["closed", "open", "half-open"]);
        assert_eq!(
            Reason::ALL.map(Reason::name),
            [
                "consecutiveFailures",
                "failureRatio",
                "openDelayElapsed",
                "probeSucceeded",
                "probeFailed"
            ]
        );
    }

    #[test]
    fn calls_in_every_bucket_of_the_window_count() {
        // One call a second for ten seconds from 5 s: ten buckets (indexes 5 to 14, so the
        // ring wraps), one call each, half of them failed.
        let mut b = ratio_breaker();
        for i in 5..14 {
            assert_eq!(
                b.record(f64::from(i) * 1000.0, i % 2 == 1),
                None,
                "call {i}"
            );
        }
        let t = b.record(14_000.0, false).expect("the tenth call opens it");
        assert_eq!(t.reason, Reason::FailureRatio);
    }

    #[test]
    fn successes_are_not_counted_as_failures() {
        let mut b = ratio_breaker();
        for i in 0..9 {
            b.record(f64::from(i) * 1000.0, true);
        }
        assert_eq!(b.record(9000.0, false), None, "1 failure in 10 calls");
    }

    #[test]
    fn a_call_exactly_window_ms_old_has_left_the_window() {
        // Buckets are a tenth of the window: a call leaves with its bucket.
        let setup = || {
            let mut b = BreakerOptions {
                failure_threshold: Some(100.0),
                failure_ratio: Some(0.5),
                minimum_calls: Some(2.0),
                ..Default::default()
            }
            .build()
            .unwrap();
            b.record(1000.0, false);
            b
        };
        let mut inside = setup();
        let t = inside
            .record(10_999.0, false)
            .expect("9,999 ms old: inside");
        assert_eq!(t.reason, Reason::FailureRatio);
        let mut outside = setup();
        assert_eq!(
            outside.record(11_000.0, false),
            None,
            "10,000 ms old: outside"
        );
    }

    #[test]
    fn open_reports_open_until_the_last_millisecond() {
        let mut b = BreakerOptions::default().build().unwrap();
        fail(&mut b);
        assert_eq!(b.state_at(4_999.0), State::Open);
        assert_eq!(b.state_at(5_000.0), State::HalfOpen);
    }

    fn fail(b: &mut Breaker) {
        for _ in 0..5 {
            b.record(0.0, false);
        }
    }

    #[test]
    fn a_successful_probe_closes_and_forgets_the_trips() {
        let mut b = BreakerOptions {
            max_open_delay: Some(40_000.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        fail(&mut b);
        b.admit(5_000.0);
        b.record(5_000.0, false); // second trip
                                  // Past the second trip's delay (at most 10,000 ms): a probe goes, and succeeds.
        let now = 20_000.0;
        assert_eq!(b.admit(now).0, Admission::Allowed);
        b.record(now, true);
        assert_eq!(b.state_at(now), State::Closed);
        assert_eq!(b.saved_state().trips, 0);
        // The next trip is a first trip again: exactly openDelay.
        for _ in 0..5 {
            b.record(now, false);
        }
        assert_eq!(
            b.admit(now).0,
            Admission::Rejected {
                retry_after: 5_000.0
            }
        );
    }

    #[test]
    fn repeated_trips_draw_an_exact_seeded_sequence() {
        let mut b = BreakerOptions {
            seed: Some(3.0),
            max_open_delay: Some(40_000.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        fail(&mut b);
        let mut now = 5_000.0;
        let mut drawn = alloc::vec::Vec::new();
        for _ in 0..4 {
            b.admit(now);
            b.record(now, false);
            now = b.saved_state().open_until;
            drawn.push(now);
        }
        // d = 10,000, 20,000, 40,000, 40,000: each open for d/2 + uniform(0, d/2) from the
        // seed's stream, starting when the probe failed.
        let mut rng = Rng::new(3);
        let mut at = 5_000.0;
        let want: alloc::vec::Vec<f64> = [10_000.0, 20_000.0, 40_000.0, 40_000.0]
            .iter()
            .map(|d| {
                at += d / 2.0 + rng.uniform(0.0, d / 2.0);
                at
            })
            .collect();
        assert_eq!(drawn, want);
    }

    #[test]
    fn options_report_what_was_set() {
        let options = BreakerOptions {
            failure_threshold: Some(3.0),
            failure_ratio: Some(0.25),
            window_ms: Some(60_000.0),
            minimum_calls: Some(20.0),
            open_delay: Some(1_000.0),
            max_open_delay: Some(8_000.0),
            half_open_max_calls: Some(2.0),
            probe_lease: Some(500.0),
            half_open_successes: Some(2.0),
            half_open_sample: Some(3.0),
            seed: Some(9.0),
        };
        assert_eq!(
            options.build().unwrap().options(),
            BreakerOptions {
                seed: None,
                ..options
            }
        );
    }

    #[test]
    fn option_bounds_on_both_sides() {
        let build = |o: BreakerOptions| o.build().map(|_| ()).map_err(|e| e.name().to_string());
        let ratio = |v| BreakerOptions {
            failure_ratio: Some(v),
            ..Default::default()
        };
        assert_eq!(build(ratio(0.0)), Err("failureRatio".into()));
        assert_eq!(build(ratio(1e-9)), Ok(()));
        assert_eq!(build(ratio(1.0)), Ok(()));
        let seed = |v| BreakerOptions {
            seed: Some(v),
            ..Default::default()
        };
        assert_eq!(build(seed(1.5)), Err("seed".into()));
        assert_eq!(build(seed(-1.0)), Err("seed".into()));
        assert_eq!(build(seed(9_007_199_254_740_991.0)), Ok(()));
        let window = |v| BreakerOptions {
            window_ms: Some(v),
            ..Default::default()
        };
        assert_eq!(build(window(9.99)), Err("windowMs".into()));
        assert_eq!(build(window(10.0)), Ok(()));
        assert_eq!(build(window(f64::INFINITY)), Err("windowMs".into()));
        let sample = |k, n| BreakerOptions {
            half_open_successes: Some(k),
            half_open_sample: n,
            ..Default::default()
        };
        assert_eq!(build(sample(0.0, None)), Err("halfOpenSuccesses".into()));
        assert_eq!(
            build(sample(3.0, None)),
            Ok(()),
            "the sample defaults to the successes"
        );
        assert_eq!(build(sample(3.0, Some(2.0))), Err("halfOpenSample".into()));
        assert_eq!(build(sample(3.0, Some(3.0))), Ok(()));
        assert_eq!(build(sample(3.0, Some(3.5))), Err("halfOpenSample".into()));
    }

    /// A breaker that opened at 0 and is half-open from 5000 (the default open delay).
    fn half_open(successes: f64, sample: f64) -> Breaker {
        let mut b = BreakerOptions {
            half_open_successes: Some(successes),
            half_open_sample: Some(sample),
            ..Default::default()
        }
        .build()
        .unwrap();
        for _ in 0..5 {
            b.record(0.0, false);
        }
        b
    }

    /// Sends one probe at `now` and reports `success`: the transition it made, if any.
    fn probe(b: &mut Breaker, now: f64, success: bool) -> Option<(State, Reason)> {
        assert_eq!(b.admit(now).0, Admission::Allowed, "probe at {now}");
        b.record(now, success).map(|t| (t.to, t.reason))
    }

    #[test]
    fn half_open_closes_only_after_k_of_n_probes_succeed() {
        // 2 of 3: success, failure, success closes it.
        let mut b = half_open(2.0, 3.0);
        assert_eq!(probe(&mut b, 5000.0, true), None);
        assert_eq!(b.state_at(5001.0), State::HalfOpen);
        assert_eq!(
            probe(&mut b, 5001.0, false),
            None,
            "one failure of 3 leaves 2 to win"
        );
        assert_eq!(
            probe(&mut b, 5002.0, true),
            Some((State::Closed, Reason::ProbeSucceeded))
        );
        // 2 of 3: two failures mean 2 successes cannot come; it opens again.
        let mut b = half_open(2.0, 3.0);
        assert_eq!(probe(&mut b, 5000.0, false), None);
        assert_eq!(
            probe(&mut b, 5001.0, false),
            Some((State::Open, Reason::ProbeFailed))
        );
        // 3 of 3: every probe must succeed.
        let mut b = half_open(3.0, 3.0);
        assert_eq!(probe(&mut b, 5000.0, true), None);
        assert_eq!(probe(&mut b, 5001.0, true), None);
        assert_eq!(
            probe(&mut b, 5002.0, false),
            Some((State::Open, Reason::ProbeFailed))
        );
        // After reopening, the next half-open judges a fresh sample.
        let Admission::Rejected { retry_after } = b.admit(5002.0).0 else {
            panic!("not open")
        };
        let at = 5002.0 + retry_after;
        assert_eq!(
            probe(&mut b, at, true),
            None,
            "successes before the trip do not count"
        );
        assert_eq!(probe(&mut b, at, true), None);
        assert_eq!(
            probe(&mut b, at, true),
            Some((State::Closed, Reason::ProbeSucceeded))
        );
    }
}

#[cfg(test)]
mod option_values {
    use super::*;

    #[test]
    fn values_follow_the_field_names() {
        let options = BreakerOptions {
            failure_threshold: Some(1.0),
            failure_ratio: Some(2.0),
            window_ms: Some(3.0),
            minimum_calls: Some(4.0),
            open_delay: Some(5.0),
            max_open_delay: Some(6.0),
            half_open_max_calls: Some(7.0),
            probe_lease: Some(8.0),
            half_open_successes: Some(9.0),
            half_open_sample: Some(10.0),
            seed: None,
        };
        assert_eq!(BREAKER_FIELDS.len(), 11);
        assert_eq!(
            options.values(),
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
                .map(Some)
                .into_iter()
                .chain([None])
                .collect::<alloc::vec::Vec<_>>()[..]
        );
    }
}
