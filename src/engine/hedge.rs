//! Hedged attempts (Polly's hedging strategy; Dean and Barroso, "The Tail at Scale"): while
//! an attempt has run `hedge_delay` ms without settling, another starts beside it, at most
//! `max_hedges` in a call. The first success wins and the caller abandons the others. A
//! failure while another attempt still runs starts nothing at once: the call waits for the
//! attempts still running, and the hedge delay still counts from the latest start. Once
//! nothing runs, the last failure is the attempt's outcome and the retry schedule decides.
//!
//! The machine holds counts and times only; the caller starts attempts, pays for each hedge
//! as for a retry, and tells it what happened.

use super::policy::Policy;

/// What the caller does next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HedgeStep {
    /// Start a hedge now (if its price is paid; else call [`Hedging::refused`]).
    Start,
    /// Ask again after this many ms, or as soon as an attempt settles.
    Wait(f64),
    /// No hedge will start: wait for the attempts still running.
    Await,
    /// Nothing runs and nothing may start: the last failure is the outcome.
    Failed,
}

/// The hedging state of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Hedging {
    delay: f64,
    hedges_left: u32,
    running: u32,
    latest_start: f64,
}

impl Hedging {
    /// `None` when the policy does not hedge (no `hedge_delay`).
    pub fn new(policy: &Policy) -> Option<Hedging> {
        let (delay, max_hedges) = policy.hedging()?;
        Some(Hedging {
            delay,
            hedges_left: max_hedges,
            running: 0,
            latest_start: 0.0,
        })
    }

    /// An attempt started at `now` (ms, the caller's clock): the first, a retry, or a hedge
    /// that [`HedgeStep::Start`] asked for.
    pub fn started(&mut self, now: f64, hedge: bool) {
        if hedge {
            self.hedges_left = self.hedges_left.saturating_sub(1);
        }
        self.running += 1;
        self.latest_start = now;
    }

    /// A running attempt failed (or was cut off).
    pub fn failed(&mut self) {
        self.running = self.running.saturating_sub(1);
    }

    /// A hedge [`HedgeStep::Start`] asked for could not start: the budget would not pay for
    /// it or the circuit is open. No other starts in this call: the same answer would come.
    pub fn refused(&mut self) {
        self.hedges_left = 0;
    }

    /// What to do at `now`, with `attempts_left` attempts the policy still allows.
    pub fn step(&self, now: f64, attempts_left: u32) -> HedgeStep {
        if self.running == 0 {
            return HedgeStep::Failed;
        }
        if self.hedges_left == 0 || attempts_left == 0 {
            return HedgeStep::Await;
        }
        let due = self.latest_start + self.delay;
        if now >= due {
            HedgeStep::Start
        } else {
            HedgeStep::Wait(due - now)
        }
    }

    /// How many attempts are running.
    pub fn running(&self) -> u32 {
        self.running
    }
}

#[cfg(test)]
mod tests {
    use super::super::policy::PolicyOptions;
    use super::HedgeStep::*;
    use super::*;

    fn hedging(delay: f64, max_hedges: Option<f64>) -> Hedging {
        Hedging::new(
            &PolicyOptions {
                hedge_delay: Some(delay),
                max_hedges,
                ..Default::default()
            }
            .build()
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_policy_without_a_hedge_delay_does_not_hedge() {
        let policy = PolicyOptions {
            max_hedges: Some(3.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(Hedging::new(&policy), None);
    }

    #[test]
    fn one_hedge_by_default_after_the_delay_then_only_waiting() {
        let mut h = hedging(50.0, None);
        h.started(1000.0, false);
        assert_eq!(h.step(1000.0, 2), Wait(50.0));
        assert_eq!(h.step(1049.5, 2), Wait(0.5));
        assert_eq!(h.step(1050.0, 2), Start);
        h.started(1050.0, true);
        assert_eq!(h.running(), 2);
        // The one hedge is spent: both run until one settles.
        assert_eq!(h.step(1100.0, 1), Await);
        assert_eq!(h.step(5000.0, 1), Await);
    }

    #[test]
    fn the_delay_counts_from_the_latest_start() {
        let mut h = hedging(100.0, Some(3.0));
        let mut sequence = Vec::new();
        h.started(0.0, false);
        for now in [0.0, 99.0, 100.0] {
            sequence.push((now, h.step(now, 5)));
        }
        h.started(130.0, true); // started late (the timer fired late): the next is due at 230
        for now in [130.0, 229.0, 230.0] {
            sequence.push((now, h.step(now, 4)));
        }
        h.started(230.0, true);
        h.started(330.0, true);
        sequence.push((330.0, h.step(330.0, 2)));
        assert_eq!(
            sequence,
            [
                (0.0, Wait(100.0)),
                (99.0, Wait(1.0)),
                (100.0, Start),
                (130.0, Wait(100.0)),
                (229.0, Wait(1.0)),
                (230.0, Start),
                (330.0, Await),
            ]
        );
        assert_eq!(h.running(), 4);
    }

    #[test]
    fn a_failure_while_another_runs_starts_nothing_at_once() {
        let mut h = hedging(50.0, Some(2.0));
        h.started(0.0, false);
        h.started(50.0, true);
        h.failed(); // the hedge failed at 60: the first still runs
        assert_eq!(h.step(60.0, 5), Wait(40.0));
        assert_eq!(h.step(100.0, 5), Start);
        h.failed(); // the first failed too, before the second hedge started
        assert_eq!(h.step(100.0, 5), Failed);
    }

    #[test]
    fn when_nothing_runs_the_attempt_has_failed_and_a_retry_hedges_again() {
        let mut h = hedging(50.0, Some(2.0));
        h.started(0.0, false);
        h.failed();
        assert_eq!(h.step(10.0, 2), Failed);
        // The schedule's retry starts 100 ms later; hedges left carry over.
        h.started(110.0, false);
        assert_eq!(h.step(110.0, 1), Wait(50.0));
        assert_eq!(h.step(160.0, 1), Start);
        h.started(160.0, true);
        assert_eq!(h.step(210.0, 0), Await);
    }

    #[test]
    fn no_hedge_once_the_policy_allows_no_more_attempts() {
        let mut h = hedging(50.0, Some(5.0));
        h.started(0.0, false);
        assert_eq!(h.step(50.0, 1), Start);
        assert_eq!(h.step(50.0, 0), Await);
    }

    #[test]
    fn a_refused_hedge_ends_hedging_for_the_call() {
        let mut h = hedging(50.0, Some(5.0));
        h.started(0.0, false);
        assert_eq!(h.step(50.0, 4), Start);
        h.refused();
        assert_eq!(h.step(50.0, 4), Await);
        assert_eq!(h.step(500.0, 4), Await);
        h.failed();
        assert_eq!(h.step(500.0, 4), Failed);
    }

    #[test]
    fn a_zero_delay_starts_every_hedge_at_once() {
        let mut h = hedging(0.0, Some(2.0));
        h.started(7.0, false);
        assert_eq!(h.step(7.0, 3), Start);
        h.started(7.0, true);
        assert_eq!(h.step(7.0, 2), Start);
        h.started(7.0, true);
        assert_eq!(h.step(7.0, 1), Await);
        assert_eq!(h.running(), 3);
    }

    #[test]
    fn failures_never_count_below_zero() {
        let mut h = hedging(50.0, None);
        h.failed();
        assert_eq!(h.running(), 0);
        h.started(0.0, false);
        assert_eq!(h.running(), 1);
    }
}
