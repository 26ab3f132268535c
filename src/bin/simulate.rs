//! Prints the overload simulation's table (see `jitterbug::simulation`); `npm run bench` runs it.

use jitterbug::simulation::{simulate, simulate_throttling, Protection, Scenario, Throttling};

fn main() {
    let scenario = Scenario::default();
    println!(
        "overload simulation: {} clients, one call each per {} ms; service fully down from {} s to {} s; \
         policy: 3 attempts, full jitter from 100 ms; budget: 500 tokens, 5 a retry, per client; \
         breaker: 5 consecutive failures, openDelay {} ms, per client",
        scenario.clients, scenario.call_interval, scenario.outage_start / 1000.0, scenario.outage_end / 1000.0, scenario.open_delay
    );
    println!("| protection | first attempts in the outage | calls the service received | amplification | recovery to 99% |");
    println!("|---|---|---|---|---|");
    for protection in [
        Protection::None,
        Protection::Budget,
        Protection::BudgetAndBreaker,
    ] {
        let r = simulate(scenario, protection);
        println!(
            "| {} | {} | {} | {:.3}x | {} ms |",
            protection.name(),
            r.first_attempts,
            r.service_calls,
            r.amplification,
            r.recovery_ms
        );
    }

    let throttling = Throttling::default();
    println!();
    println!(
        "throttling simulation: {} clients, one call each per {} ms ({} a second in all), a service that serves {} a second \
         and throttles the rest; policy: 3 attempts, full jitter from 100 ms; {} s",
        throttling.clients,
        throttling.call_interval,
        f64::from(throttling.clients) * 1000.0 / throttling.call_interval,
        throttling.service_rate,
        throttling.end / 1000.0
    );
    println!("| client rate | requests sent | throttled | calls succeeded | calls gave up | calls waiting at the end |");
    println!("|---|---|---|---|---|---|");
    for adaptive in [false, true] {
        let r = simulate_throttling(throttling, adaptive);
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            if adaptive { "AdaptiveRate" } else { "none" },
            r.requests,
            r.throttled,
            r.succeeded,
            r.gave_up,
            r.waiting
        );
    }
}
