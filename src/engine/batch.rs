//! Batches that retry only what failed. A batch API answers for each item (DynamoDB's
//! `BatchWriteItem` returns the `UnprocessedItems`, SQS's `SendMessageBatch` the `Failed`
//! entries): the items that succeeded are done, an item whose error is not retryable has failed
//! for good, and only the rest are sent again, all of them under one schedule.
//!
//! The machine holds each item's state; the caller sends the pending items, reports each one's
//! outcome, then asks what follows.

use alloc::vec;
use alloc::vec::Vec;

use super::budget::Budget;
use super::classify::ErrorClass;
use super::policy::Policy;
use super::schedule::{Decision, Failure, Schedule, StopReason};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Pending,
    Succeeded,
    /// Failed with an error that is not retried: no attempt will change it.
    FailedForGood,
}

/// What follows an attempt of the batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchStep {
    /// No item is pending: each has succeeded or failed for good.
    Done,
    /// Send the pending items again after this many ms.
    Retry { delay: f64 },
    /// Stop: the pending items keep their last failure.
    Stop(StopReason),
}

/// The items of one batch call.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    items: Vec<Item>,
    fail_fast: bool,
    /// The most demanding class among this attempt's retryable failures, which sets the wait
    /// and the price of the retry; `None` before any.
    class: Option<ErrorClass>,
    /// The longest wait (ms) a failed item's answer asked for at this attempt, if any.
    asked: Option<f64>,
    /// The class the last retry was decided for (its wait and its price).
    retry_class: Option<ErrorClass>,
    failed_for_good: bool,
}

/// How long a class asks the batch to wait: a throttled item means the service wants less
/// traffic, which outweighs a transient fault, which outweighs any other error.
fn weight(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Other => 0,
        ErrorClass::Transient => 1,
        ErrorClass::Throttling => 2,
    }
}

impl Batch {
    /// `count` items, all pending. `fail_fast`: stop at the first item that fails for good.
    pub fn new(count: usize, fail_fast: bool) -> Batch {
        Batch {
            items: vec![Item::Pending; count],
            fail_fast,
            class: None,
            asked: None,
            retry_class: None,
            failed_for_good: false,
        }
    }

    /// Item `index` succeeded. (An index out of range, or an item no longer pending, is
    /// ignored: only a pending item's outcome can change.)
    pub fn succeeded(&mut self, index: usize) {
        if let Some(item @ Item::Pending) = self.items.get_mut(index) {
            *item = Item::Succeeded;
        }
    }

    /// Item `index` failed: with an error of `class` that may be retried, or (`None`) with one
    /// that is not.
    pub fn failed(&mut self, index: usize, class: Option<ErrorClass>) {
        let Some(item @ Item::Pending) = self.items.get_mut(index) else {
            return;
        };
        match class {
            None => {
                *item = Item::FailedForGood;
                self.failed_for_good = true;
            }
            Some(class) => {
                if self.class.is_none_or(|worst| weight(class) > weight(worst)) {
                    self.class = Some(class);
                }
            }
        }
    }

    /// A failed item's answer asked to wait `retry_after` ms (a `Retry-After`) before it is
    /// sent again: the batch waits for the longest an attempt's answers asked for.
    pub fn asked(&mut self, retry_after: f64) {
        if self.asked.is_none_or(|longest| retry_after > longest) {
            self.asked = Some(retry_after);
        }
    }

    /// Whether item `index` is still to be sent.
    pub fn is_pending(&self, index: usize) -> bool {
        self.items.get(index) == Some(&Item::Pending)
    }

    /// The class of failure the last retry was decided for (the most demanding of its
    /// attempt's), or `None` when the last attempt left nothing to retry.
    pub fn retry_class(&self) -> Option<ErrorClass> {
        self.retry_class
    }

    pub fn pending_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| **item == Item::Pending)
            .count()
    }

    /// What follows attempt `attempt`, once every pending item's outcome is reported:
    /// `elapsed` ms since the first attempt. A retry of the batch is one retry: it draws one delay, and `budget`
    /// (if any) pays for it once.
    pub fn after_attempt(
        &mut self,
        schedule: &mut Schedule,
        policy: &Policy,
        attempt: u32,
        elapsed: f64,
        budget: Option<&mut Budget>,
    ) -> BatchStep {
        let class = self.class.take();
        let retry_after = self.asked.take();
        self.retry_class = None;
        if self.pending_count() == 0 {
            return BatchStep::Done;
        }
        if self.fail_fast && self.failed_for_good {
            return BatchStep::Stop(StopReason::NotRetryable);
        }
        let class = class.unwrap_or(ErrorClass::Other);
        self.retry_class = Some(class);
        let failure = Failure {
            attempt,
            retryable: true,
            elapsed,
            retry_after,
            class,
            base: None,
        };
        let decision = match budget {
            Some(budget) => schedule.after_failure_within(policy, failure, budget),
            None => schedule.after_failure(policy, failure),
        };
        match decision {
            Decision::Retry { delay } => BatchStep::Retry { delay },
            Decision::Stop(reason) => BatchStep::Stop(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::budget::BudgetOptions;
    use super::super::policy::PolicyOptions;
    use super::super::Jitter;
    use super::*;

    fn policy(max_attempts: f64) -> Policy {
        PolicyOptions {
            max_attempts: Some(max_attempts),
            initial_delay: Some(100.0),
            throttling_delay: Some(1000.0),
            transient_delay: Some(300.0),
            jitter: Some(Jitter::None),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    fn pending(batch: &Batch, count: usize) -> Vec<usize> {
        (0..count).filter(|&i| batch.is_pending(i)).collect()
    }

    #[test]
    fn only_what_failed_is_sent_again_until_every_item_is_done() {
        let p = policy(5.0);
        let mut schedule = Schedule::new(&p, 1);
        let mut batch = Batch::new(5, false);
        let mut sequence = Vec::new();
        // Attempt 1: items 1 and 3 unprocessed (throttled), 4 refused for good.
        for i in [0, 2] {
            batch.succeeded(i);
        }
        batch.failed(1, Some(ErrorClass::Throttling));
        batch.failed(3, Some(ErrorClass::Other));
        batch.failed(4, None);
        sequence.push((
            pending(&batch, 5),
            batch.after_attempt(&mut schedule, &p, 1, 0.0, None),
        ));
        // Attempt 2: item 3 done, item 1 fails again (an ordinary error this time).
        batch.succeeded(3);
        batch.failed(1, Some(ErrorClass::Other));
        sequence.push((
            pending(&batch, 5),
            batch.after_attempt(&mut schedule, &p, 2, 1000.0, None),
        ));
        // Attempt 3: item 1 done.
        batch.succeeded(1);
        sequence.push((
            pending(&batch, 5),
            batch.after_attempt(&mut schedule, &p, 3, 1200.0, None),
        ));
        assert_eq!(
            sequence,
            [
                // The throttled item sets the wait: throttlingDelay, not initialDelay.
                (vec![1, 3], BatchStep::Retry { delay: 1000.0 }),
                // Retry 2 of an ordinary error: initialDelay × 2.
                (vec![1], BatchStep::Retry { delay: 200.0 }),
                (vec![], BatchStep::Done),
            ]
        );
        assert_eq!(batch.pending_count(), 0);
    }

    #[test]
    fn the_most_demanding_class_sets_the_wait_whatever_the_order() {
        let p = policy(5.0);
        for classes in [
            [
                ErrorClass::Other,
                ErrorClass::Transient,
                ErrorClass::Throttling,
            ],
            [
                ErrorClass::Throttling,
                ErrorClass::Transient,
                ErrorClass::Other,
            ],
            [
                ErrorClass::Transient,
                ErrorClass::Throttling,
                ErrorClass::Other,
            ],
        ] {
            let mut batch = Batch::new(3, false);
            for (i, class) in classes.into_iter().enumerate() {
                batch.failed(i, Some(class));
            }
            let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
            assert_eq!(step, BatchStep::Retry { delay: 1000.0 }, "{classes:?}");
        }
        let mut batch = Batch::new(2, false);
        batch.failed(0, Some(ErrorClass::Other));
        batch.failed(1, Some(ErrorClass::Transient));
        let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
        assert_eq!(step, BatchStep::Retry { delay: 300.0 });
        assert_eq!(batch.retry_class(), Some(ErrorClass::Transient));
        batch.succeeded(0);
        batch.succeeded(1);
        let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 2, 0.0, None);
        assert_eq!((step, batch.retry_class()), (BatchStep::Done, None));
    }

    #[test]
    fn the_class_is_the_attempts_own() {
        let p = policy(5.0);
        let mut schedule = Schedule::new(&p, 1);
        let mut batch = Batch::new(2, false);
        batch.failed(0, Some(ErrorClass::Throttling));
        batch.failed(1, Some(ErrorClass::Other));
        assert_eq!(
            batch.after_attempt(&mut schedule, &p, 1, 0.0, None),
            BatchStep::Retry { delay: 1000.0 }
        );
        // Attempt 2 has no throttled item: the backoff grows from initialDelay.
        batch.succeeded(0);
        batch.failed(1, Some(ErrorClass::Other));
        assert_eq!(
            batch.after_attempt(&mut schedule, &p, 2, 0.0, None),
            BatchStep::Retry { delay: 200.0 }
        );
    }

    #[test]
    fn fail_fast_stops_at_the_first_item_that_fails_for_good() {
        let p = policy(5.0);
        for fail_fast in [false, true] {
            let mut batch = Batch::new(3, fail_fast);
            batch.succeeded(0);
            batch.failed(1, None);
            batch.failed(2, Some(ErrorClass::Other));
            let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
            let expected = if fail_fast {
                BatchStep::Stop(StopReason::NotRetryable)
            } else {
                BatchStep::Retry { delay: 100.0 }
            };
            assert_eq!(step, expected);
            assert_eq!(pending(&batch, 3), [2]);
        }
        // Without a pending item, fail-fast has nothing to stop: the batch is done.
        let mut batch = Batch::new(2, true);
        batch.succeeded(0);
        batch.failed(1, None);
        let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
        assert_eq!(step, BatchStep::Done);
    }

    #[test]
    fn the_schedule_stops_the_batch_when_attempts_run_out_or_a_wait_is_too_long() {
        let p = policy(2.0);
        let mut schedule = Schedule::new(&p, 1);
        let mut batch = Batch::new(1, false);
        batch.failed(0, Some(ErrorClass::Other));
        // The longest wait an answer asked for, whatever the order they came in.
        for retry_after in [120.0, 250.0, 30.0] {
            batch.asked(retry_after);
        }
        assert_eq!(
            batch.after_attempt(&mut schedule, &p, 1, 0.0, None),
            BatchStep::Retry { delay: 250.0 }
        );
        // An attempt's asks are its own: the next one's answer asked for nothing.
        batch.failed(0, Some(ErrorClass::Other));
        assert_eq!(
            batch.after_attempt(&mut schedule, &p, 2, 0.0, None),
            BatchStep::Stop(StopReason::Attempts)
        );
        let mut batch = Batch::new(1, false);
        batch.failed(0, Some(ErrorClass::Other));
        batch.asked(60_000.0);
        let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
        assert_eq!(step, BatchStep::Stop(StopReason::RetryAfter));
        // A stop clears the asks too: asked nothing the next time, the schedule's own delay
        // (100 ms, no jitter).
        let mut again = Batch::new(1, false);
        again.failed(0, Some(ErrorClass::Other));
        again.asked(60_000.0);
        assert_eq!(
            again.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None),
            BatchStep::Stop(StopReason::RetryAfter)
        );
        again.failed(0, Some(ErrorClass::Other));
        assert_eq!(
            again.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None),
            BatchStep::Retry { delay: 100.0 }
        );
    }

    #[test]
    fn a_retry_of_the_batch_is_paid_for_once() {
        let p = policy(5.0);
        let mut budget = BudgetOptions {
            capacity: Some(10.0),
            retry_cost: Some(5.0),
            throttling_cost: Some(5.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let mut schedule = Schedule::new(&p, 1);
        let mut batch = Batch::new(4, false);
        let mut steps = Vec::new();
        for attempt in 1..=3 {
            for i in 0..4 {
                batch.failed(i, Some(ErrorClass::Other));
            }
            let step = batch.after_attempt(&mut schedule, &p, attempt, 0.0, Some(&mut budget));
            steps.push((step, budget.tokens()));
        }
        assert_eq!(
            steps,
            [
                (BatchStep::Retry { delay: 100.0 }, 5),
                (BatchStep::Retry { delay: 200.0 }, 0),
                (BatchStep::Stop(StopReason::Budget), 0),
            ]
        );
    }

    #[test]
    fn only_a_pending_item_changes() {
        let p = policy(5.0);
        let mut batch = Batch::new(2, true);
        batch.succeeded(0);
        batch.failed(0, None); // already done: ignored
        batch.failed(7, None); // out of range: ignored
        batch.succeeded(9);
        assert_eq!(pending(&batch, 2), [1]);
        batch.failed(1, Some(ErrorClass::Other));
        let step = batch.after_attempt(&mut Schedule::new(&p, 1), &p, 1, 0.0, None);
        assert_eq!(step, BatchStep::Retry { delay: 100.0 });
    }
}
