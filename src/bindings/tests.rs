//! wasm-bindgen tests: the engine as compiled to wasm32 and the binding's conversions, run in
//! Node and Chromium by wasm-bindgen-test-runner.

use super::errors::{policy_problem, policy_problem_field, policy_problem_value};
use super::policy::{check_options, EnginePolicy};
use crate::engine::{Field, PolicyOptions, Schedule};
use alloc::string::String;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn all_slots_unset() -> (u32, [f64; 11]) {
    (0, [0.0; 11])
}

#[wasm_bindgen_test]
fn seeded_delays_match_the_native_engine_bit_for_bit() {
    // The same values src/engine/schedule.rs pins for native builds.
    let policy = PolicyOptions {
        seed: Some(42.0),
        ..Default::default()
    }
    .build()
    .unwrap();
    assert_eq!(
        Schedule::new(&policy, 0).delays(&policy, 5),
        [
            74.15648787718233,
            31.982078575384023,
            111.44045210205546,
            275.35257321891004,
            60.84826966439394
        ]
    );
}

/// An engine error's parts as they cross (src/bindings/errors.rs): whether it is a range error,
/// the name, what was expected and the value; js/engine-error.js writes the message.
fn parts(error: JsValue) -> (bool, String, String, JsValue) {
    let parts: js_sys::Array = error.dyn_into().expect("an array of parts");
    assert_eq!(parts.length(), 4);
    (
        parts.get(0).as_bool().expect("a boolean"),
        parts.get(1).as_string().expect("a name"),
        parts.get(2).as_string().expect("an expectation"),
        parts.get(3),
    )
}

#[wasm_bindgen_test]
fn bad_slots_become_a_range_error_naming_the_field() {
    let (_, mut s) = all_slots_unset();
    let present = 1 << Field::MaxAttempts.index();
    s[0] = 0.0;
    assert!(!check_options(present, &s));
    assert!(
        EnginePolicy::build(present, &s, "").is_none(),
        "maxAttempts 0 was accepted"
    );
    assert_eq!(policy_problem(), "an integer from 1 to 4294967295");
    assert_eq!(policy_problem_field(), Field::MaxAttempts.index());
    assert_eq!(policy_problem_value(), 0.0);
}

#[wasm_bindgen_test]
fn a_bad_name_code_is_a_problem_too_and_a_good_policy_builds() {
    let (_, mut s) = all_slots_unset();
    s[Field::Jitter.index()] = 99.0;
    assert!(EnginePolicy::build(1 << Field::Jitter.index(), &s, "").is_none());
    assert_eq!(policy_problem(), "the code of a name");
    assert_eq!(policy_problem_field(), Field::Jitter.index());
    assert_eq!(policy_problem_value(), 99.0);
    assert!(EnginePolicy::build(0, &s, "").is_some());
}

#[cfg(feature = "env")]
#[wasm_bindgen_test]
fn env_text_errors_become_type_errors() {
    let mut values = vec![""; Field::ALL.len()];
    values[Field::MaxDelay.index()] = "ten";
    let error = match EnginePolicy::from_env("RETRY_", &values.join("\0")) {
        Ok(_) => panic!("'ten' was accepted"),
        Err(error) => error,
    };
    assert_eq!(
        parts(error),
        (
            false,
            "RETRY_MAX_DELAY".into(),
            "a number of seconds (or of ms, written 100ms)".into(),
            JsValue::from_str("ten")
        )
    );
}

#[cfg(feature = "overload")]
#[wasm_bindgen_test]
fn budget_errors_are_range_errors_and_tokens_are_spent() {
    use super::budget::EngineBudget;
    use super::policy::EnginePolicy;
    use super::run::EngineRun;
    let error = match EngineBudget::new(0.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN) {
        Ok(_) => panic!("capacity 0 was accepted"),
        Err(error) => error,
    };
    assert_eq!(
        parts(error),
        (
            true,
            "capacity".into(),
            "an integer from 1 to 1000000000".into(),
            JsValue::from(0.0)
        )
    );
    let mut budget =
        EngineBudget::new(f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, 5.0).unwrap();
    let (present, s) = all_slots_unset();
    let policy = EnginePolicy::build(present, &s, "").unwrap();
    let mut run: EngineRun = policy.start(7.0);
    assert!(run.decide_within(&policy, &mut budget, 1, 0, 0.0, f64::NAN, f64::NAN) >= 0.0);
    // The second retry cannot be paid for: stop reason "budget" (index 4 → -5).
    assert_eq!(
        run.decide_within(&policy, &mut budget, 2, 0, 0.0, f64::NAN, f64::NAN),
        -5.0
    );
}

#[cfg(feature = "overload")]
#[wasm_bindgen_test]
fn breaker_opens_fails_fast_and_reports_transitions() {
    use super::breaker::EngineBreaker;
    let nan = f64::NAN;
    let mut breaker =
        EngineBreaker::new(2.0, nan, nan, nan, 1000.0, nan, nan, nan, nan, nan, 1.0).unwrap();
    assert_eq!(breaker.admit(0.0), -1.0);
    breaker.record(0.0, false);
    assert!(breaker.take_transition().is_none());
    breaker.record(1.0, false);
    let change = breaker.take_transition().expect("a transition");
    let field = |name: &str| {
        js_sys::Reflect::get(&change, &name.into())
            .unwrap()
            .as_string()
    };
    assert_eq!(
        (field("from"), field("to"), field("reason")),
        (
            Some("closed".into()),
            Some("open".into()),
            Some("consecutiveFailures".into())
        )
    );
    assert_eq!(breaker.admit(501.0), 500.0);
    // Restore round-trips the snapshot's state.
    let snapshot = breaker.snapshot();
    let get = |name: &str| js_sys::Reflect::get(&snapshot, &name.into()).unwrap();
    assert_eq!(get("state").as_string().as_deref(), Some("open"));
    let window: Vec<f64> = js_sys::Array::from(&get("window"))
        .iter()
        .flat_map(|bucket| {
            js_sys::Array::from(&bucket)
                .iter()
                .map(|n| n.as_f64().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut copy =
        EngineBreaker::new(2.0, nan, nan, nan, 1000.0, nan, nan, nan, nan, nan, 1.0).unwrap();
    let number = |name: &str| get(name).as_f64().unwrap();
    copy.restore(
        "open",
        number("consecutiveFailures"),
        number("openUntil"),
        number("trips"),
        window,
    )
    .unwrap();
    assert_eq!(copy.admit(901.0), 100.0);
}

#[cfg(feature = "overload")]
#[wasm_bindgen_test]
fn hedging_steps_cross_as_one_number() {
    use super::hedge::EngineHedging;
    let mut s = [0.0; 23];
    s[Field::HedgeDelay.index()] = 50.0;
    let policy = EnginePolicy::build(1 << Field::HedgeDelay.index(), &s, "").unwrap();
    let mut hedging = EngineHedging::of(&policy).expect("a policy with hedgeDelay hedges");
    hedging.started(0.0, false);
    assert_eq!(hedging.step(10.0, 2), 40.0); // wait 40 ms
    assert_eq!(hedging.step(50.0, 2), 0.0); // start a hedge
    hedging.started(50.0, true);
    assert_eq!(hedging.step(60.0, 1), f64::INFINITY); // only wait: the one hedge is spent
    hedging.failed();
    hedging.failed();
    assert_eq!(hedging.step(60.0, 1), -1.0); // nothing runs: failed
    let plain = EnginePolicy::build(0, &s, "").unwrap();
    assert!(EngineHedging::of(&plain).is_none());
}

#[cfg(feature = "overload")]
#[wasm_bindgen_test]
fn batch_steps_cross_as_one_number() {
    use super::batch::EngineBatch;
    let s = [0.0; 23];
    let policy = EnginePolicy::build(0, &s, "").unwrap(); // 3 attempts, full jitter up to 100 ms
    let mut run = policy.start(7.0);
    let mut batch = EngineBatch::new(2, false);
    batch.succeeded(0);
    batch.failed(1, 1, f64::NAN); // throttling
    assert_eq!(
        (
            batch.pending_count(),
            batch.is_pending(0),
            batch.is_pending(1)
        ),
        (1, false, true)
    );
    let delay = batch.decide(&mut run, &policy, 1, 0.0);
    assert!((0.0..=100.0).contains(&delay), "{delay}");
    assert_eq!(batch.retry_class(), 1);
    batch.failed(1, 0, 40.0); // asked for 40 ms: the wait is at least that
    assert!(batch.decide(&mut run, &policy, 2, 0.0) >= 40.0);
    assert_eq!(batch.retry_class(), 0);
    batch.failed(1, 0, f64::NAN);
    // Attempts run out: stop reason "attempts" (index 0 → -1).
    assert_eq!(batch.decide(&mut run, &policy, 3, 0.0), -1.0);
    let mut done = EngineBatch::new(1, true);
    done.failed(0, -1, f64::NAN); // not retryable: failed for good
    assert_eq!(done.decide(&mut run, &policy, 1, 0.0), f64::INFINITY);
    assert_eq!(done.retry_class(), -1);
}
