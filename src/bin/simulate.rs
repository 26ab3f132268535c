//! Prints the overload simulation's table (see `jitterbug::simulation`); `npm run bench` runs it.

use jitterbug::simulation::{simulate, Protection, Scenario};

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
}
