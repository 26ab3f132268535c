//! The attempt state machine: after attempt n failed at time t, retry after d ms or stop.

use alloc::vec::Vec;

use super::backoff::listed;
use super::budget::Budget;
use super::classify::ErrorClass;
use super::policy::Policy;
use super::retry_after::LongRetryAfter;
use super::rng::Rng;

/// Why a call stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// `maxAttempts` attempts were made.
    Attempts,
    /// The next delay would end past `maxElapsed`.
    Deadline,
    /// The error is not retryable.
    NotRetryable,
    /// The server asked for a wait longer than the policy honours (`maxRetryAfter`).
    RetryAfter,
    /// The retry budget could not pay for another retry.
    Budget,
    /// Every retry slot the retry could land in was full.
    Slots,
}

impl StopReason {
    /// In the order of their codes at the JavaScript boundary.
    pub const ALL: [StopReason; 6] = [
        StopReason::Attempts,
        StopReason::Deadline,
        StopReason::NotRetryable,
        StopReason::RetryAfter,
        StopReason::Budget,
        StopReason::Slots,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StopReason::Attempts => "attempts",
            StopReason::Deadline => "deadline",
            StopReason::NotRetryable => "notRetryable",
            StopReason::RetryAfter => "retryAfter",
            StopReason::Budget => "budget",
            StopReason::Slots => "slots",
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Sleep this many ms, then make the next attempt.
    Retry {
        delay: f64,
    },
    Stop(StopReason),
}

/// A failed attempt, as the caller saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failure {
    /// The attempt that failed, counting from 1.
    pub attempt: u32,
    pub retryable: bool,
    /// Ms since the first attempt started.
    pub elapsed: f64,
    /// The wait the server asked for (`Retry-After`), in ms, if any.
    pub retry_after: Option<f64>,
    /// What kind of failure it was ([`Policy::error_class`]): the retry's first delay and its
    /// price in a budget depend on it.
    pub class: ErrorClass,
    /// The base delay the caller chose for this retry (a backoff function of its own), in
    /// place of the policy's; jitter, caps and every other rule still apply.
    pub base: Option<f64>,
}

/// The retry state of one call: its random stream and the last delay it drew. It never reads
/// a clock or draws entropy: the caller passes the time and, for an unseeded policy, the seed.
#[derive(Debug, Clone)]
pub struct Schedule {
    rng: Rng,
    previous_delay: f64,
    /// What the last retry cost the budget, refunded when the call succeeds.
    last_retry_cost: Option<u32>,
}

impl Schedule {
    /// The policy's own seed wins; `fallback_seed` serves unseeded policies.
    pub fn new(policy: &Policy, fallback_seed: u64) -> Schedule {
        Schedule {
            rng: Rng::new(policy.seed().unwrap_or(fallback_seed)),
            previous_delay: policy.initial_delay(),
            last_retry_cost: None,
        }
    }

    /// Draws the delay before retry `retry` (1 = the retry after the first attempt).
    /// Always finite and in `[0, maxDelay]`.
    pub fn next_delay(&mut self, policy: &Policy, retry: u32) -> f64 {
        self.next_delay_after(policy, retry, ErrorClass::Other, None)
    }

    /// As [`Schedule::next_delay`], after an error of `class`: the backoff grows from the
    /// class's first delay ([`Policy::base_delay`]), or the policy's list of delays gives it.
    /// `chosen`: a base delay the caller chose instead (capped at `maxDelay`).
    pub fn next_delay_after(
        &mut self,
        policy: &Policy,
        retry: u32,
        class: ErrorClass,
        chosen: Option<f64>,
    ) -> f64 {
        let first = policy.base_delay(class);
        let max = policy.max_delay();
        let base = match (chosen, policy.delays()) {
            (Some(base), _) => base.max(0.0).min(max),
            (None, Some(delays)) => listed(delays, retry),
            (None, None) => policy
                .backoff()
                .delay(retry, first, policy.multiplier(), max),
        };
        let delay = policy.jitter().apply(
            base,
            self.previous_delay,
            first,
            policy.max_delay(),
            policy.jitter_factor(),
            &mut self.rng,
        );
        self.previous_delay = delay;
        delay
    }

    /// Decides what follows a failed attempt. A retry's delay is drawn only when the attempt
    /// count and the error allow one.
    #[inline(never)] // one copy for every entry point of the WebAssembly module
    pub fn after_failure(&mut self, policy: &Policy, failure: Failure) -> Decision {
        if !failure.retryable {
            return Decision::Stop(StopReason::NotRetryable);
        }
        if failure.attempt >= policy.max_attempts() {
            return Decision::Stop(StopReason::Attempts);
        }
        let drawn = self.next_delay_after(policy, failure.attempt, failure.class, failure.base);
        // A server's Retry-After is a floor on the wait, never a longer one than the policy
        // honours: past the cap, stop rather than sleep for it, or wait the cap if the policy
        // says so.
        let cap = policy.retry_after_cap();
        let delay = match failure.retry_after {
            Some(asked) if asked > cap && policy.long_retry_after() == LongRetryAfter::Stop => {
                return Decision::Stop(StopReason::RetryAfter)
            }
            Some(asked) => drawn.max(asked.min(cap)),
            None => drawn,
        };
        match policy.max_elapsed() {
            // Never start a sleep that would end past the budget.
            Some(budget) if failure.elapsed + delay > budget => {
                Decision::Stop(StopReason::Deadline)
            }
            _ => Decision::Retry { delay },
        }
    }

    /// As [`Schedule::after_failure`], and then a retry must be paid for from `budget`, after
    /// every other rule allowed it (so a call that stops anyway spends nothing).
    pub fn after_failure_within(
        &mut self,
        policy: &Policy,
        failure: Failure,
        budget: &mut Budget,
    ) -> Decision {
        let decision = self.after_failure(policy, failure);
        if let Decision::Retry { .. } = decision {
            match budget.try_acquire(failure.class) {
                Some(cost) => self.last_retry_cost = Some(cost),
                None => return Decision::Stop(StopReason::Budget),
            }
        }
        decision
    }

    /// The retry last paid for was never made (the call was aborted during the wait, or a
    /// breaker refused it): the budget gets its cost back, once.
    pub fn retry_not_made(&mut self, budget: &mut Budget) {
        if let Some(cost) = self.last_retry_cost.take() {
            budget.give_back(cost);
        }
    }

    /// The call succeeded: the budget gets its refund (the last retry's cost, or its
    /// no-retry increment).
    pub fn succeeded_within(&self, budget: &mut Budget) {
        budget.record_success(self.last_retry_cost);
    }

    /// The first `count` delays the policy draws from this schedule's stream.
    pub fn delays(&mut self, policy: &Policy, count: u32) -> Vec<f64> {
        (1..=count)
            .map(|retry| self.next_delay(policy, retry))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Backoff, Jitter, PolicyOptions};
    use super::*;

    fn policy(options: PolicyOptions) -> Policy {
        options.build().unwrap()
    }

    fn failure(attempt: u32, elapsed: f64) -> Failure {
        Failure {
            base: None,
            attempt,
            retryable: true,
            elapsed,
            retry_after: None,
            class: ErrorClass::Other,
        }
    }

    #[test]
    fn unjittered_exponential_sequence_is_exact() {
        let p = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            ..Default::default()
        });
        let delays = Schedule::new(&p, 0).delays(&p, 9);
        assert_eq!(
            delays,
            [100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0, 10_000.0, 10_000.0]
        );
    }

    #[test]
    fn seeded_full_jitter_sequence_is_exact_and_repeatable() {
        let p = policy(PolicyOptions {
            seed: Some(42.0),
            ..Default::default()
        });
        let first = Schedule::new(&p, 999).delays(&p, 5);
        // The fallback seed is ignored when the policy has its own.
        assert_eq!(first, Schedule::new(&p, 1).delays(&p, 5));
        // Pinned (and checked against an independent SplitMix64 in Python) so that Rust, Node
        // and the browser can be held to the same values.
        let expected = [
            74.156_487_877_182_33,
            31.982_078_575_384_023,
            111.440_452_102_055_46,
            275.352_573_218_910_04,
            60.848_269_664_393_94,
        ];
        for (got, want) in first.iter().zip(expected) {
            assert_eq!(*got, want, "{first:?}");
        }
    }

    #[test]
    fn stops_after_max_attempts_counting_the_first() {
        let p = policy(PolicyOptions {
            max_attempts: Some(3.0),
            ..Default::default()
        });
        let mut s = Schedule::new(&p, 1);
        assert!(matches!(
            s.after_failure(&p, failure(1, 0.0)),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            s.after_failure(&p, failure(2, 0.0)),
            Decision::Retry { .. }
        ));
        assert_eq!(
            s.after_failure(&p, failure(3, 0.0)),
            Decision::Stop(StopReason::Attempts)
        );
    }

    #[test]
    fn each_class_backs_off_from_its_own_first_delay() {
        let p = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            throttling_delay: Some(500.0),
            transient_delay: Some(30.0),
            max_attempts: Some(9.0),
            max_delay: Some(3000.0),
            ..Default::default()
        });
        let delays = |class| {
            let mut s = Schedule::new(&p, 0);
            (1..=4)
                .map(|attempt| {
                    match s.after_failure(
                        &p,
                        Failure {
                            class,
                            ..failure(attempt, 0.0)
                        },
                    ) {
                        Decision::Retry { delay } => delay,
                        stop => panic!("{stop:?}"),
                    }
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            delays(ErrorClass::Throttling),
            [500.0, 1000.0, 2000.0, 3000.0]
        );
        assert_eq!(delays(ErrorClass::Transient), [30.0, 60.0, 120.0, 240.0]);
        assert_eq!(delays(ErrorClass::Other), [100.0, 200.0, 400.0, 800.0]);
        // Unset, a class waits like any other error.
        let plain = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            ..Default::default()
        });
        let first = Schedule::new(&plain, 0).after_failure(
            &plain,
            Failure {
                class: ErrorClass::Throttling,
                ..failure(1, 0.0)
            },
        );
        assert_eq!(first, Decision::Retry { delay: 100.0 });
    }

    #[test]
    fn a_retry_costs_its_class_s_price() {
        let p = policy(PolicyOptions::default());
        let mut budget = super::super::budget::BudgetOptions {
            retry_cost: Some(2.0),
            timeout_cost: Some(7.0),
            throttling_cost: Some(1.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut spent = |class| {
            let before = budget.tokens();
            let mut s = Schedule::new(&p, 0);
            s.after_failure_within(
                &p,
                Failure {
                    class,
                    ..failure(1, 0.0)
                },
                &mut budget,
            );
            before - budget.tokens()
        };
        assert_eq!(spent(ErrorClass::Other), 2);
        assert_eq!(spent(ErrorClass::Transient), 7);
        assert_eq!(spent(ErrorClass::Throttling), 1);
    }

    #[test]
    fn a_list_of_delays_is_the_base_before_jitter_and_its_last_repeats() {
        let exact = policy(PolicyOptions {
            delays: Some(vec![100.0, 250.0, 1000.0]),
            jitter: Some(Jitter::None),
            ..Default::default()
        });
        assert_eq!(
            Schedule::new(&exact, 0).delays(&exact, 5),
            [100.0, 250.0, 1000.0, 1000.0, 1000.0]
        );
        // A class's error waits the listed delay too (class delays need a formula).
        let mut s = Schedule::new(&exact, 0);
        assert_eq!(
            s.next_delay_after(&exact, 2, ErrorClass::Throttling, None),
            250.0
        );
        let jittered = policy(PolicyOptions {
            delays: Some(vec![100.0, 250.0, 1000.0]),
            seed: Some(7.0),
            ..Default::default()
        });
        let drawn = Schedule::new(&jittered, 0).delays(&jittered, 4);
        for (d, base) in drawn.iter().zip([100.0, 250.0, 1000.0, 1000.0]) {
            assert!((0.0..base).contains(d), "{drawn:?}");
        }
        assert_eq!(drawn, Schedule::new(&jittered, 0).delays(&jittered, 4));
    }

    #[test]
    fn a_base_the_caller_chose_replaces_the_policy_s_and_is_capped() {
        let p = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            max_delay: Some(1000.0),
            max_attempts: Some(5.0),
            ..Default::default()
        });
        let chose = |base| {
            Schedule::new(&p, 0).after_failure(
                &p,
                Failure {
                    base: Some(base),
                    ..failure(1, 0.0)
                },
            )
        };
        assert_eq!(chose(700.0), Decision::Retry { delay: 700.0 });
        assert_eq!(chose(0.0), Decision::Retry { delay: 0.0 });
        assert_eq!(chose(5000.0), Decision::Retry { delay: 1000.0 });
        // Other rules still hold: the deadline.
        let deadline = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            max_elapsed: Some(1000.0),
            ..Default::default()
        });
        let late = Failure {
            base: Some(600.0),
            ..failure(1, 500.0)
        };
        assert_eq!(
            Schedule::new(&deadline, 0).after_failure(&deadline, late),
            Decision::Stop(StopReason::Deadline)
        );
    }

    #[test]
    fn a_long_retry_after_waits_the_cap_when_the_policy_says_cap() {
        let p = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            max_retry_after: Some(3000.0),
            long_retry_after: Some(super::super::LongRetryAfter::Cap),
            max_elapsed: Some(10_000.0),
            max_attempts: Some(5.0),
            ..Default::default()
        });
        let asked = |attempt, ms, elapsed| Failure {
            retry_after: Some(ms),
            ..failure(attempt, elapsed)
        };
        let mut s = Schedule::new(&p, 0);
        assert_eq!(
            s.after_failure(&p, asked(1, 60_000.0, 0.0)),
            Decision::Retry { delay: 3000.0 }
        );
        // At the cap and under it, as with `stop`.
        assert_eq!(
            s.after_failure(&p, asked(2, 3000.0, 0.0)),
            Decision::Retry { delay: 3000.0 }
        );
        assert_eq!(
            s.after_failure(&p, asked(3, 1000.0, 0.0)),
            Decision::Retry { delay: 1000.0 }
        );
        // A drawn delay longer than the cap still wins (the ask is a floor).
        let q = policy(PolicyOptions {
            jitter: Some(Jitter::None),
            initial_delay: Some(5000.0),
            max_retry_after: Some(3000.0),
            long_retry_after: Some(super::super::LongRetryAfter::Cap),
            ..Default::default()
        });
        assert_eq!(
            Schedule::new(&q, 0).after_failure(&q, asked(1, 60_000.0, 0.0)),
            Decision::Retry { delay: 5000.0 }
        );
        // The deadline still holds.
        assert_eq!(
            s.after_failure(&p, asked(4, 60_000.0, 7500.0)),
            Decision::Stop(StopReason::Deadline)
        );
    }

    #[test]
    fn a_single_attempt_policy_never_retries() {
        let p = policy(PolicyOptions {
            max_attempts: Some(1.0),
            ..Default::default()
        });
        assert_eq!(
            Schedule::new(&p, 1).after_failure(&p, failure(1, 0.0)),
            Decision::Stop(StopReason::Attempts)
        );
    }

    #[test]
    fn not_retryable_stops_at_once() {
        let p = Policy::default();
        let f = Failure {
            base: None,
            attempt: 1,
            retryable: false,
            elapsed: 0.0,
            retry_after: None,
            class: ErrorClass::Other,
        };
        assert_eq!(
            Schedule::new(&p, 1).after_failure(&p, f),
            Decision::Stop(StopReason::NotRetryable)
        );
    }

    #[test]
    fn never_starts_a_sleep_that_ends_past_max_elapsed() {
        let p = policy(PolicyOptions {
            max_attempts: Some(10.0),
            jitter: Some(Jitter::None),
            max_elapsed: Some(1000.0),
            ..Default::default()
        });
        let mut s = Schedule::new(&p, 1);
        // 100 ms after a failure at 850 ms ends at 950: allowed.
        assert_eq!(
            s.after_failure(&p, failure(1, 850.0)),
            Decision::Retry { delay: 100.0 }
        );
        // 200 ms after a failure at 850 ms would end at 1050: stop.
        assert_eq!(
            s.after_failure(&p, failure(2, 850.0)),
            Decision::Stop(StopReason::Deadline)
        );
    }

    #[test]
    fn retry_after_is_a_floor_capped_by_max_retry_after() {
        let p = policy(PolicyOptions {
            max_attempts: Some(5.0),
            jitter: Some(Jitter::None),
            max_retry_after: Some(3000.0),
            max_elapsed: Some(10_000.0),
            ..Default::default()
        });
        let mut s = Schedule::new(&p, 1);
        let asked = |attempt, ms: f64, elapsed| Failure {
            base: None,
            attempt,
            retryable: true,
            elapsed,
            retry_after: Some(ms),
            class: ErrorClass::Other,
        };
        // Asked 1 s while the backoff draws 100 ms: wait 1 s.
        assert_eq!(
            s.after_failure(&p, asked(1, 1000.0, 0.0)),
            Decision::Retry { delay: 1000.0 }
        );
        // Asked 0 s while the backoff draws 200 ms: the backoff wins.
        assert_eq!(
            s.after_failure(&p, asked(2, 0.0, 0.0)),
            Decision::Retry { delay: 200.0 }
        );
        // Asked more than maxRetryAfter: stop instead of sleeping.
        assert_eq!(
            s.after_failure(&p, asked(3, 3001.0, 0.0)),
            Decision::Stop(StopReason::RetryAfter)
        );
        // Asked a wait that would end past maxElapsed: stop.
        assert_eq!(
            s.after_failure(&p, asked(3, 2000.0, 8500.0)),
            Decision::Stop(StopReason::Deadline)
        );
        // Without maxRetryAfter the cap is maxDelay.
        let q = policy(PolicyOptions {
            max_delay: Some(500.0),
            ..Default::default()
        });
        assert_eq!(
            Schedule::new(&q, 1).after_failure(&q, asked(1, 501.0, 0.0)),
            Decision::Stop(StopReason::RetryAfter)
        );
    }

    #[test]
    fn the_budget_pays_for_retries_and_refunds_on_success() {
        use super::super::budget::BudgetOptions;
        let p = policy(PolicyOptions {
            max_attempts: Some(5.0),
            ..Default::default()
        });
        let mut budget = BudgetOptions {
            tokens: Some(12.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut s = Schedule::new(&p, 1);
        let fail = |attempt, timed_out| Failure {
            base: None,
            attempt,
            retryable: true,
            elapsed: 0.0,
            retry_after: None,
            class: if timed_out {
                ErrorClass::Transient
            } else {
                ErrorClass::Other
            },
        };
        assert!(matches!(
            s.after_failure_within(&p, fail(1, true), &mut budget),
            Decision::Retry { .. }
        ));
        assert_eq!(budget.tokens(), 2);
        assert_eq!(
            s.after_failure_within(&p, fail(2, false), &mut budget),
            Decision::Stop(StopReason::Budget)
        );
        assert_eq!(budget.tokens(), 2);
        // A call that stops for another reason spends nothing.
        assert_eq!(
            s.after_failure_within(
                &p,
                Failure {
                    retryable: false,
                    ..fail(2, false)
                },
                &mut budget
            ),
            Decision::Stop(StopReason::NotRetryable)
        );
        assert_eq!(budget.tokens(), 2);
        // Success refunds the last retry's cost (10, a timeout's).
        s.succeeded_within(&mut budget);
        assert_eq!(budget.tokens(), 12);
        // A call that never retried refunds the no-retry increment.
        Schedule::new(&p, 2).succeeded_within(&mut budget);
        assert_eq!(budget.tokens(), 13);
    }

    #[test]
    fn decorrelated_jitter_follows_the_previous_delay() {
        let p = policy(PolicyOptions {
            jitter: Some(Jitter::Decorrelated),
            initial_delay: Some(10.0),
            max_delay: Some(1000.0),
            seed: Some(3.0),
            ..Default::default()
        });
        let delays = Schedule::new(&p, 0).delays(&p, 200);
        let mut previous = 10.0;
        for d in delays {
            assert!(
                d >= 10.0 && d <= (previous * 3.0_f64).min(1000.0),
                "{d} after {previous}"
            );
            previous = d;
        }
    }

    #[test]
    fn every_delay_is_finite_and_capped_for_every_kind_seed_and_attempt() {
        for backoff in Backoff::ALL {
            for jitter in Jitter::ALL {
                let p = policy(PolicyOptions {
                    backoff: Some(backoff),
                    jitter: Some(jitter),
                    jitter_factor: Some(1.0),
                    multiplier: Some(3.0),
                    initial_delay: Some(7.0),
                    max_delay: Some(60_000.0),
                    ..Default::default()
                });
                for seed in 0..20u64 {
                    let mut s = Schedule::new(&p, seed);
                    for retry in 1..=10_000u32 {
                        let d = s.next_delay(&p, retry);
                        assert!(
                            d.is_finite() && (0.0..=60_000.0).contains(&d),
                            "{backoff:?}/{jitter:?} seed {seed} retry {retry}: {d}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn neighbouring_seeds_do_not_retry_in_lockstep() {
        // Hosts 1..=100 seeded with their number: their first delays should spread over the
        // whole full-jitter range, not cluster.
        let firsts: Vec<f64> = (1..=100u64)
            .map(|seed| {
                let p = policy(PolicyOptions {
                    seed: Some(seed as f64),
                    ..Default::default()
                });
                Schedule::new(&p, 0).next_delay(&p, 1)
            })
            .collect();
        let below_half = firsts.iter().filter(|&&d| d < 50.0).count();
        assert!(
            (30..=70).contains(&below_half),
            "{below_half} of 100 below the median"
        );
        let mut sorted = firsts.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        assert_eq!(sorted.len(), 100, "two hosts drew the same delay");
    }
}

#[cfg(test)]
mod retries_not_made {
    use super::super::budget::BudgetOptions;
    use super::super::PolicyOptions;
    use super::*;

    #[test]
    fn a_paid_retry_that_is_never_made_is_given_back() {
        let p = PolicyOptions::default().build().unwrap();
        let mut budget = BudgetOptions {
            capacity: Some(100.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut s = Schedule::new(&p, 1);
        let failure = Failure {
            base: None,
            attempt: 1,
            retryable: true,
            elapsed: 0.0,
            retry_after: None,
            class: ErrorClass::Transient,
        };
        assert!(matches!(
            s.after_failure_within(&p, failure, &mut budget),
            Decision::Retry { .. }
        ));
        assert_eq!(budget.tokens(), 90);
        s.retry_not_made(&mut budget);
        assert_eq!(budget.tokens(), 100);
        // Given back once: a second call, or a later success, refunds nothing more than the
        // no-retry increment (here capped by capacity).
        s.retry_not_made(&mut budget);
        assert_eq!(budget.tokens(), 100);
        let mut fresh = Schedule::new(&p, 1);
        let mut partial = BudgetOptions {
            capacity: Some(100.0),
            tokens: Some(50.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        fresh.retry_not_made(&mut partial);
        assert_eq!(partial.tokens(), 50, "nothing was paid, nothing comes back");
    }
}

#[cfg(test)]
mod boundaries {
    use super::super::{Jitter, PolicyOptions};
    use super::*;

    fn exact(options: PolicyOptions) -> Policy {
        PolicyOptions {
            jitter: Some(Jitter::None),
            ..options
        }
        .build()
        .unwrap()
    }

    fn after(p: &Policy, elapsed: f64, retry_after: Option<f64>) -> Decision {
        let failure = Failure {
            base: None,
            attempt: 1,
            retryable: true,
            elapsed,
            retry_after,
            class: ErrorClass::Other,
        };
        Schedule::new(p, 1).after_failure(p, failure)
    }

    #[test]
    fn a_sleep_ending_exactly_at_max_elapsed_is_allowed() {
        let p = exact(PolicyOptions {
            max_elapsed: Some(1000.0),
            ..Default::default()
        });
        // The first delay is 100 ms.
        assert_eq!(after(&p, 900.0, None), Decision::Retry { delay: 100.0 });
        assert_eq!(after(&p, 900.5, None), Decision::Stop(StopReason::Deadline));
    }

    #[test]
    fn a_retry_after_exactly_at_the_cap_is_honoured() {
        let p = exact(PolicyOptions {
            max_retry_after: Some(5000.0),
            ..Default::default()
        });
        assert_eq!(
            after(&p, 0.0, Some(5000.0)),
            Decision::Retry { delay: 5000.0 }
        );
        assert_eq!(
            after(&p, 0.0, Some(5000.5)),
            Decision::Stop(StopReason::RetryAfter)
        );
        // A floor, not a replacement: a shorter ask keeps the drawn delay.
        assert_eq!(after(&p, 0.0, Some(40.0)), Decision::Retry { delay: 100.0 });
    }

    #[test]
    fn stop_reason_names_are_the_ones_javascript_sees() {
        let names = [
            StopReason::Attempts,
            StopReason::Deadline,
            StopReason::NotRetryable,
            StopReason::RetryAfter,
            StopReason::Budget,
        ]
        .map(StopReason::name);
        assert_eq!(
            names,
            [
                "attempts",
                "deadline",
                "notRetryable",
                "retryAfter",
                "budget"
            ]
        );
    }
}
