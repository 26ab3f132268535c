//! A fleet of clients calling a service that goes fully down and recovers, simulated on
//! virtual time with the engine's own state machines (schedule, budget, breaker): what each
//! form of overload protection does to the load during the outage and to the recovery after.
//! Deterministic; run by `cargo test` (which asserts the targets) and printed by
//! `npm run bench` (`cargo run --release --bin simulate`).

use crate::engine::breaker::{Admission, Breaker, BreakerOptions};
use crate::engine::budget::{Budget, BudgetOptions};
use crate::engine::{Decision, ErrorClass, Failure, Policy, PolicyOptions, Schedule};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What a scenario protects each client with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    None,
    Budget,
    BudgetAndBreaker,
}

impl Protection {
    pub fn name(self) -> &'static str {
        match self {
            Protection::None => "no budget",
            Protection::Budget => "budget",
            Protection::BudgetAndBreaker => "budget + breaker",
        }
    }
}

/// The fleet and the outage.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub clients: u32,
    /// Each client starts a call this often (ms).
    pub call_interval: f64,
    pub outage_start: f64,
    pub outage_end: f64,
    pub end: f64,
    /// The breaker's open delay (the recovery target is stated in it).
    pub open_delay: f64,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            clients: 100,
            call_interval: 20.0,
            outage_start: 10_000.0,
            outage_end: 40_000.0,
            end: 60_000.0,
            open_delay: 1_000.0,
        }
    }
}

/// What the service saw and how the fleet came back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Calls started during the outage (each one first attempt).
    pub first_attempts: u64,
    /// Attempts that reached the service during the outage.
    pub service_calls: u64,
    /// `service_calls / first_attempts`.
    pub amplification: f64,
    /// Ms from the end of the outage until, from then on, at least 99% of the calls started
    /// in every 100 ms succeed.
    pub recovery_ms: f64,
}

struct Client {
    budget: Option<Budget>,
    breaker: Option<Breaker>,
}

struct Call {
    client: usize,
    started: f64,
    schedule: Schedule,
}

/// Every simulated client's policy: 3 attempts, full jitter from 100 ms, at most 2 s.
fn fleet_policy() -> Policy {
    PolicyOptions {
        max_attempts: Some(3.0),
        initial_delay: Some(100.0),
        max_delay: Some(2_000.0),
        ..Default::default()
    }
    .build()
    .expect("a valid policy")
}

/// Runs one scenario under one protection.
pub fn simulate(scenario: Scenario, protection: Protection) -> Report {
    let policy = fleet_policy();
    let mut clients: Vec<Client> = (0..scenario.clients)
        .map(|c| Client {
            budget: (protection != Protection::None)
                .then(|| BudgetOptions::default().build().expect("default budget")),
            breaker: (protection == Protection::BudgetAndBreaker).then(|| {
                BreakerOptions {
                    open_delay: Some(scenario.open_delay),
                    seed: Some(f64::from(c)),
                    ..Default::default()
                }
                .build()
                .expect("a valid breaker")
            }),
        })
        .collect();
    let down = |t: f64| t >= scenario.outage_start && t < scenario.outage_end;

    // Events: (time in µs, sequence, what). The sequence keeps equal times in insertion order.
    enum Event {
        NewCall(usize),
        Attempt(usize, u32),
    }
    let mut queue: BinaryHeap<Reverse<(u64, u64, usize)>> = BinaryHeap::new();
    let mut events: Vec<Event> = Vec::new();
    let push = |queue: &mut BinaryHeap<_>, events: &mut Vec<Event>, t: f64, event: Event| {
        events.push(event);
        queue.push(Reverse((
            (t * 1000.0) as u64,
            events.len() as u64,
            events.len() - 1,
        )));
    };
    for c in 0..clients.len() {
        // Clients start spread over one interval.
        let offset = scenario.call_interval * c as f64 / clients.len() as f64;
        push(&mut queue, &mut events, offset, Event::NewCall(c));
    }
    let mut calls: Vec<Call> = Vec::new();
    let buckets = ((scenario.end - scenario.outage_end) / 100.0).ceil() as usize;
    let (mut started_after, mut succeeded_after) = (vec![0u64; buckets], vec![0u64; buckets]);
    let (mut first_attempts, mut service_calls) = (0u64, 0u64);
    let mut finish = |call: &Call, success: bool| {
        if call.started >= scenario.outage_end {
            let b = ((call.started - scenario.outage_end) / 100.0) as usize;
            if b < buckets {
                started_after[b] += 1;
                succeeded_after[b] += u64::from(success);
            }
        }
    };

    while let Some(Reverse((micros, _, index))) = queue.pop() {
        let t = micros as f64 / 1000.0;
        let (call_index, attempt) = match events[index] {
            Event::NewCall(c) => {
                if t + scenario.call_interval < scenario.end {
                    push(
                        &mut queue,
                        &mut events,
                        t + scenario.call_interval,
                        Event::NewCall(c),
                    );
                }
                if down(t) {
                    first_attempts += 1;
                }
                let seed = (c as u64) << 32 | calls.len() as u64;
                calls.push(Call {
                    client: c,
                    started: t,
                    schedule: Schedule::new(&policy, seed),
                });
                (calls.len() - 1, 1)
            }
            Event::Attempt(call, attempt) => (call, attempt),
        };
        let call = &mut calls[call_index];
        let client = &mut clients[call.client];
        if let Some(breaker) = client.breaker.as_mut() {
            if let (Admission::Rejected { .. }, _) = breaker.admit(t) {
                // Fails fast: the service never sees it, and it is not retried.
                finish(call, false);
                continue;
            }
        }
        if down(t) {
            service_calls += 1;
        }
        let success = !down(t);
        if let Some(breaker) = client.breaker.as_mut() {
            breaker.record(t, success);
        }
        if success {
            if let Some(budget) = client.budget.as_mut() {
                call.schedule.succeeded_within(budget);
            }
            finish(call, true);
            continue;
        }
        let failure = Failure {
            base: None,
            attempt,
            retryable: true,
            elapsed: t - call.started,
            retry_after: None,
            class: ErrorClass::Other,
        };
        let decision = match client.budget.as_mut() {
            Some(budget) => call.schedule.after_failure_within(&policy, failure, budget),
            None => call.schedule.after_failure(&policy, failure),
        };
        match decision {
            Decision::Retry { delay } => push(
                &mut queue,
                &mut events,
                t + delay,
                Event::Attempt(call_index, attempt + 1),
            ),
            Decision::Stop(_) => finish(call, false),
        }
    }

    // The last bucket from which every bucket is at 99% or better.
    let healthy =
        |b: usize| started_after[b] == 0 || succeeded_after[b] * 100 >= started_after[b] * 99;
    let recovered_from = (0..buckets)
        .rev()
        .take_while(|&b| healthy(b))
        .last()
        .unwrap_or(buckets);
    Report {
        first_attempts,
        service_calls,
        amplification: service_calls as f64 / first_attempts as f64,
        recovery_ms: recovered_from as f64 * 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_hold_amplification_and_breakers_keep_recovery_prompt() {
        let scenario = Scenario::default();
        let none = simulate(scenario, Protection::None);
        let budget = simulate(scenario, Protection::Budget);
        let both = simulate(scenario, Protection::BudgetAndBreaker);
        // 100 clients × one call per 20 ms × 30 s of outage.
        assert_eq!(none.first_attempts, 150_000);
        // Without a budget every call makes its three attempts.
        assert!((2.99..=3.0).contains(&none.amplification), "{none:?}");
        // With one, the fleet adds at most 10% (each client's 500 tokens pay for 100 retries).
        assert!(budget.amplification <= 1.1, "{budget:?}");
        assert!(both.amplification <= 1.1, "{both:?}");
        // Recovery: not slower than without the budget by more than one openDelay.
        assert!(
            budget.recovery_ms <= none.recovery_ms + scenario.open_delay,
            "{budget:?} vs {none:?}"
        );
        assert!(
            both.recovery_ms <= none.recovery_ms + scenario.open_delay,
            "{both:?} vs {none:?}"
        );
    }
}

/// A fleet that asks a service for more than it serves: the service refuses what its own
/// token bucket cannot pay for (a throttling error), and the clients retry.
#[derive(Debug, Clone, Copy)]
pub struct Throttling {
    pub clients: u32,
    /// Each client starts a call this often (ms).
    pub call_interval: f64,
    /// Requests per second the service serves (its bucket holds one second of them).
    pub service_rate: f64,
    pub end: f64,
}

impl Default for Throttling {
    fn default() -> Self {
        // 10 clients × 20 calls a second: twice the 100 a second the service serves.
        Throttling {
            clients: 10,
            call_interval: 50.0,
            service_rate: 100.0,
            end: 60_000.0,
        }
    }
}

/// What the service refused and what the calls came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlingReport {
    /// Requests that reached the service.
    pub requests: u64,
    /// Of them, refused with a throttling error.
    pub throttled: u64,
    pub succeeded: u64,
    pub gave_up: u64,
    /// Calls still waiting for a token of the client's rate at the end.
    pub waiting: u64,
}

/// Runs the throttling scenario, each client with an `AdaptiveRate` or without.
pub fn simulate_throttling(scenario: Throttling, adaptive: bool) -> ThrottlingReport {
    use crate::engine::adaptive::AdaptiveRate;
    let policy = fleet_policy();
    let mut rates: Vec<Option<AdaptiveRate>> = (0..scenario.clients)
        .map(|_| adaptive.then(|| AdaptiveRate::new(0.0)))
        .collect();
    // The service's bucket: full at the start, refilled at its rate.
    let (mut tokens, mut filled_at) = (scenario.service_rate, 0.0);
    let mut queue: BinaryHeap<Reverse<(u64, u64, usize, u32)>> = BinaryHeap::new();
    let mut sequence = 0u64;
    let mut push = |queue: &mut BinaryHeap<_>, t: f64, call: usize, attempt: u32| {
        sequence += 1;
        queue.push(Reverse(((t * 1000.0) as u64, sequence, call, attempt)));
    };
    // A call is (client, started, schedule); attempt 0 marks a new call to start.
    let mut calls: Vec<(usize, f64, Schedule)> = Vec::new();
    let mut report = ThrottlingReport {
        requests: 0,
        throttled: 0,
        succeeded: 0,
        gave_up: 0,
        waiting: 0,
    };
    for c in 0..scenario.clients as usize {
        let offset = scenario.call_interval * c as f64 / f64::from(scenario.clients);
        calls.push((c, offset, Schedule::new(&policy, c as u64)));
        push(&mut queue, offset, calls.len() - 1, 0);
    }
    while let Some(Reverse((micros, _, call, attempt))) = queue.pop() {
        let t = micros as f64 / 1000.0;
        if t >= scenario.end {
            // The attempts left in the queue wait past the end (the rest are calls not yet due).
            let left = queue.iter().filter(|Reverse((_, _, _, a))| *a > 0).count();
            report.waiting = (left + usize::from(attempt > 0)) as u64;
            break;
        }
        let attempt = if attempt == 0 {
            // A new call: the client's next one is due one interval later.
            let (client, started, _) = calls[call];
            let next = (
                client,
                started + scenario.call_interval,
                Schedule::new(&policy, (client as u64) << 32 | calls.len() as u64),
            );
            calls.push(next);
            push(
                &mut queue,
                started + scenario.call_interval,
                calls.len() - 1,
                0,
            );
            1
        } else {
            attempt
        };
        let client = calls[call].0;
        if let Some(rate) = rates[client].as_mut() {
            let wait = rate.acquire(t);
            if wait > 0.0 {
                push(&mut queue, t + wait, call, attempt);
                continue;
            }
        }
        report.requests += 1;
        tokens =
            (tokens + (t - filled_at) / 1000.0 * scenario.service_rate).min(scenario.service_rate);
        filled_at = t;
        let served = tokens >= 1.0;
        if served {
            tokens -= 1.0;
        } else {
            report.throttled += 1;
        }
        if let Some(rate) = rates[client].as_mut() {
            rate.record(!served, t);
        }
        if served {
            report.succeeded += 1;
            continue;
        }
        let failure = Failure {
            base: None,
            attempt,
            retryable: true,
            elapsed: t - calls[call].1,
            retry_after: None,
            class: ErrorClass::Throttling,
        };
        match calls[call].2.after_failure(&policy, failure) {
            Decision::Retry { delay } => push(&mut queue, t + delay, call, attempt + 1),
            Decision::Stop(_) => report.gave_up += 1,
        }
    }
    report
}

#[cfg(test)]
mod throttling_tests {
    use super::*;

    #[test]
    fn an_adaptive_rate_cuts_the_throttled_requests_of_a_fleet_asking_twice_what_is_served() {
        let scenario = Throttling::default();
        let plain = simulate_throttling(scenario, false);
        let adaptive = simulate_throttling(scenario, true);
        println!("{plain:?}\n{adaptive:?}");
        assert!(
            adaptive.throttled * 4 <= plain.throttled,
            "{adaptive:?} vs {plain:?}"
        );
        // The service serves as much either way (it is the bottleneck): within 5%.
        assert!(
            adaptive.succeeded * 100 >= plain.succeeded * 95,
            "{adaptive:?} vs {plain:?}"
        );
    }
}
