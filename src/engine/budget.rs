//! A retry budget: a token bucket shared by many calls, so that retries cannot multiply an
//! outage. Semantics of the AWS SDKs' standard retry quota: the first attempt is free, a retry
//! costs tokens, a success refunds them, and when the bucket cannot pay the call stops.

use super::classify::ErrorClass;
use super::error::{option_or, PolicyError};
use super::numbers::is_integer;

/// A budget's settings and its tokens (a snapshot is just this).
///
/// # Default
/// - `capacity`: 500 tokens (the bucket starts full)
/// - `retry_cost`: 5 tokens per retry (or `capacity`, if smaller)
/// - `timeout_cost`: 10 tokens per retry after a transient failure, a timed-out attempt
///   included (or `capacity`, if smaller)
/// - `throttling_cost`: `retry_cost` tokens per retry after a throttling error
/// - `no_retry_increment`: 1 token refunded by a call that succeeded without a retry
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    throttling_cost: u32,
    no_retry_increment: u32,
    tokens: u32,
}

/// The options of a budget as the user gave them (raw numbers, each optional).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BudgetOptions {
    pub capacity: Option<f64>,
    pub retry_cost: Option<f64>,
    pub timeout_cost: Option<f64>,
    pub throttling_cost: Option<f64>,
    pub no_retry_increment: Option<f64>,
    /// Tokens in the bucket (a restored snapshot); default: full.
    pub tokens: Option<f64>,
}

/// The options' names, in the order the binding passes them and a snapshot lists them.
pub const BUDGET_FIELDS: [&str; 6] = [
    "capacity",
    "retryCost",
    "timeoutCost",
    "throttlingCost",
    "noRetryIncrement",
    "tokens",
];

/// The largest capacity: far above any real budget, small enough to stay exact everywhere.
const MAX_TOKENS: f64 = 1_000_000_000.0;

#[inline(never)] // one copy for all five options
fn whole(
    name: &str,
    value: Option<f64>,
    default: u32,
    low: f64,
    high: f64,
    expected: &'static str,
) -> Result<u32, PolicyError> {
    option_or(
        name,
        value,
        f64::from(default),
        |v| is_integer(v) && (low..=high).contains(&v),
        expected,
    )
    .map(|v| v as u32)
}

impl BudgetOptions {
    /// Each option in [`BUDGET_FIELDS`] order.
    pub fn values(&self) -> [Option<f64>; 6] {
        [
            self.capacity,
            self.retry_cost,
            self.timeout_cost,
            self.throttling_cost,
            self.no_retry_increment,
            self.tokens,
        ]
    }

    pub fn build(&self) -> Result<Budget, PolicyError> {
        let [capacity_name, retry_name, timeout_name, throttling_name, increment_name, tokens_name] =
            BUDGET_FIELDS;
        let capacity = whole(
            capacity_name,
            self.capacity,
            500,
            1.0,
            MAX_TOKENS,
            "an integer from 1 to 1000000000",
        )?;
        let cap = f64::from(capacity);
        let cost = "an integer from 0 to `capacity`";
        // The AWS defaults, lowered to the capacity when it is smaller, so that a full bucket
        // pays for a retry and a snapshot restores.
        let retry_cost = whole(retry_name, self.retry_cost, 5.min(capacity), 0.0, cap, cost)?;
        Ok(Budget {
            capacity,
            retry_cost,
            timeout_cost: whole(
                timeout_name,
                self.timeout_cost,
                10.min(capacity),
                0.0,
                cap,
                cost,
            )?,
            throttling_cost: whole(
                throttling_name,
                self.throttling_cost,
                retry_cost,
                0.0,
                cap,
                cost,
            )?,
            no_retry_increment: whole(increment_name, self.no_retry_increment, 1, 0.0, cap, cost)?,
            tokens: whole(tokens_name, self.tokens, capacity, 0.0, cap, cost)?,
        })
    }
}

impl Budget {
    /// Takes the cost of one retry after an error of `class`. `None` when the bucket cannot
    /// pay: the call must stop retrying.
    pub fn try_acquire(&mut self, class: ErrorClass) -> Option<u32> {
        let cost = self.cost(class);
        self.tokens = self.tokens.checked_sub(cost)?;
        Some(cost)
    }

    /// What a retry after an error of `class` costs: the timeout cost after a transient
    /// failure (a timed-out attempt is one), the throttling cost after a throttling error,
    /// else the retry cost. (A shared bucket takes this much in its store, or refuses when it
    /// holds less.)
    pub fn cost(&self, class: ErrorClass) -> u32 {
        match class {
            ErrorClass::Transient => self.timeout_cost,
            ErrorClass::Throttling => self.throttling_cost,
            ErrorClass::Other => self.retry_cost,
        }
    }

    /// What a call that succeeded puts back: its last retry's cost, or `no_retry_increment`
    /// if it needed none.
    pub fn refund(&self, last_retry_cost: Option<u32>) -> u32 {
        last_retry_cost.unwrap_or(self.no_retry_increment)
    }

    /// A call succeeded: [`Budget::refund`] goes back, never above capacity.
    pub fn record_success(&mut self, last_retry_cost: Option<u32>) {
        self.give_back(self.refund(last_retry_cost));
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Puts `tokens` back, never above capacity.
    pub fn give_back(&mut self, tokens: u32) {
        self.tokens = self.tokens.saturating_add(tokens).min(self.capacity);
    }

    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// Everything needed to rebuild this budget exactly ([`BudgetOptions::build`]).
    pub fn snapshot(&self) -> BudgetOptions {
        BudgetOptions {
            capacity: Some(f64::from(self.capacity)),
            retry_cost: Some(f64::from(self.retry_cost)),
            timeout_cost: Some(f64::from(self.timeout_cost)),
            throttling_cost: Some(f64::from(self.throttling_cost)),
            no_retry_increment: Some(f64::from(self.no_retry_increment)),
            tokens: Some(f64::from(self.tokens)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_budget() -> Budget {
        BudgetOptions::default().build().unwrap()
    }

    #[test]
    fn a_full_bucket_pays_for_one_hundred_retries_then_refuses() {
        let mut b = default_budget();
        for i in 0..100 {
            assert_eq!(b.try_acquire(ErrorClass::Other), Some(5), "retry {i}");
        }
        assert_eq!(b.tokens(), 0);
        assert_eq!(b.try_acquire(ErrorClass::Other), None);
        assert_eq!(b.tokens(), 0, "a refused retry costs nothing");
    }

    #[test]
    fn timeouts_cost_more() {
        let mut b = BudgetOptions {
            tokens: Some(15.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(b.try_acquire(ErrorClass::Transient), Some(10));
        assert_eq!(b.try_acquire(ErrorClass::Transient), None);
        assert_eq!(b.try_acquire(ErrorClass::Other), Some(5));
        assert_eq!(b.tokens(), 0);
    }

    #[test]
    fn successes_refund_up_to_capacity() {
        let mut b = BudgetOptions {
            tokens: Some(490.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        b.record_success(None);
        assert_eq!(b.tokens(), 491);
        b.record_success(Some(10));
        assert_eq!(b.tokens(), 500, "never above capacity");
        let cost = b.try_acquire(ErrorClass::Other);
        b.record_success(cost);
        assert_eq!(b.tokens(), 500);
    }

    #[test]
    fn what_a_shared_bucket_is_told_to_take_and_give_back() {
        let b = BudgetOptions {
            capacity: Some(40.0),
            retry_cost: Some(4.0),
            timeout_cost: Some(9.0),
            no_retry_increment: Some(2.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        assert_eq!(
            (b.cost(ErrorClass::Other), b.cost(ErrorClass::Transient)),
            (4, 9)
        );
        assert_eq!(
            b.cost(ErrorClass::Throttling),
            4,
            "throttling costs retryCost unless set"
        );
        assert_eq!((b.refund(None), b.refund(Some(9))), (2, 9));
        assert_eq!(b.capacity(), 40);
        // The same rule as the local bucket's own accounting.
        let mut local = b;
        assert_eq!(
            local.try_acquire(ErrorClass::Transient),
            Some(b.cost(ErrorClass::Transient))
        );
        local.record_success(None);
        assert_eq!(local.tokens(), 40 - 9 + b.refund(None));
    }

    #[test]
    fn snapshot_rebuilds_the_same_budget() {
        let mut b = default_budget();
        b.try_acquire(ErrorClass::Transient);
        assert_eq!(b.snapshot().build().unwrap(), b);
    }

    #[test]
    fn bad_options_name_the_option_and_the_value() {
        let err = BudgetOptions {
            capacity: Some(0.0),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`capacity` must be an integer from 1 to 1000000000, got 0"
        );
        let err = BudgetOptions {
            capacity: Some(10.0),
            retry_cost: Some(11.0),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`retryCost` must be an integer from 0 to `capacity`, got 11"
        );
        let err = BudgetOptions {
            tokens: Some(2.5),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tokens` must be an integer from 0 to `capacity`, got 2.5"
        );
    }
}

#[cfg(test)]
mod small_capacities {
    use super::*;

    #[test]
    fn default_costs_fit_the_capacity_given() {
        let b = BudgetOptions {
            capacity: Some(3.0),
            ..Default::default()
        }
        .build()
        .unwrap();
        let s = b.snapshot();
        assert_eq!((s.retry_cost, s.timeout_cost), (Some(3.0), Some(3.0)));
        let mut b = b;
        assert_eq!(
            b.try_acquire(ErrorClass::Other),
            Some(3),
            "a full bucket pays for a retry"
        );
        assert_eq!(b.try_acquire(ErrorClass::Other), None);
        // At and above the defaults, they are the AWS values.
        let s = BudgetOptions {
            capacity: Some(10.0),
            ..Default::default()
        }
        .build()
        .unwrap()
        .snapshot();
        assert_eq!((s.retry_cost, s.timeout_cost), (Some(5.0), Some(10.0)));
        let s = BudgetOptions {
            capacity: Some(9.0),
            ..Default::default()
        }
        .build()
        .unwrap()
        .snapshot();
        assert_eq!((s.retry_cost, s.timeout_cost), (Some(5.0), Some(9.0)));
    }

    #[test]
    fn every_capacity_restores_from_its_own_snapshot() {
        for capacity in 1..=12 {
            let b = BudgetOptions {
                capacity: Some(f64::from(capacity)),
                ..Default::default()
            }
            .build()
            .unwrap();
            assert_eq!(b.snapshot().build(), Ok(b), "capacity {capacity}");
        }
    }

    #[test]
    fn a_cost_given_above_the_capacity_is_still_refused() {
        let err = BudgetOptions {
            capacity: Some(3.0),
            retry_cost: Some(5.0),
            ..Default::default()
        }
        .build()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`retryCost` must be an integer from 0 to `capacity`, got 5"
        );
    }
}

#[cfg(test)]
mod option_values {
    use super::*;

    #[test]
    fn values_follow_the_field_names() {
        let options = BudgetOptions {
            capacity: Some(1.0),
            retry_cost: Some(2.0),
            timeout_cost: None,
            throttling_cost: Some(3.5),
            no_retry_increment: Some(4.0),
            tokens: Some(5.0),
        };
        assert_eq!(BUDGET_FIELDS.len(), 6);
        assert_eq!(
            options.values(),
            [Some(1.0), Some(2.0), None, Some(3.5), Some(4.0), Some(5.0)]
        );
    }
}
