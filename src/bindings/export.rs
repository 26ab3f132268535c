//! Policies for other runtimes, as plain JavaScript objects (Node builds: cargo feature `infra`).

use super::errors::{number_text, to_js_error};
use super::lists::nul_separated;
use super::objects::{set, strings};
use super::policy::EnginePolicy;
use crate::engine::export::{aws_error_class, deadline_from, options_to_env, to_step_functions};
use crate::engine::ErrorClass;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::Object;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = EnginePolicy)]
impl EnginePolicy {
    /// `{ retrier, losses }`: an ASL Retrier and what it cannot express. `errors`: ErrorEquals,
    /// NUL-separated, or undefined for the default.
    #[wasm_bindgen(js_name = toStepFunctions)]
    pub fn to_step_functions(
        &self,
        errors: Option<String>,
        has_budget: bool,
        has_breaker: bool,
    ) -> Object {
        let errors =
            errors.map(|joined| nul_separated(&joined).map(String::from).collect::<Vec<_>>());
        let (retrier, losses) = to_step_functions(self.policy(), errors, (has_budget, has_breaker));
        let object = Object::new();
        set(
            &object,
            "ErrorEquals",
            &strings(retrier.error_equals.iter().map(String::as_str)),
        );
        set(
            &object,
            "IntervalSeconds",
            &f64::from(retrier.interval_seconds).into(),
        );
        set(
            &object,
            "MaxAttempts",
            &f64::from(retrier.max_attempts).into(),
        );
        set(&object, "BackoffRate", &retrier.backoff_rate.into());
        set(
            &object,
            "MaxDelaySeconds",
            &f64::from(retrier.max_delay_seconds).into(),
        );
        set(&object, "JitterStrategy", &retrier.jitter_strategy.into());
        let messages: Vec<String> = losses
            .iter()
            .map(|loss| loss.message_with(number_text))
            .collect();
        let result = Object::new();
        set(&result, "retrier", &object);
        set(
            &result,
            "losses",
            &strings(messages.iter().map(String::as_str)),
        );
        result
    }

    /// The environment variables `fromEnv` reads back into this policy, as `{ NAME: value }`.
    #[wasm_bindgen(js_name = toEnv)]
    pub fn to_env(&self, prefix: &str) -> Result<Object, JsValue> {
        let vars =
            options_to_env(self.policy(), prefix, number_text).map_err(|err| to_js_error(&err))?;
        let object = Object::new();
        for (name, value) in vars {
            set(&object, &name, &JsValue::from_str(&value));
        }
        Ok(object)
    }
}

/// `remaining − reserve` ms as a `maxElapsed`; `reserve` undefined for the default.
#[wasm_bindgen(js_name = deadlineFrom)]
pub fn js_deadline_from(remaining: f64, reserve: Option<f64>) -> Result<f64, JsValue> {
    deadline_from(remaining, reserve).map_err(|err| to_js_error(&err))
}

#[wasm_bindgen(js_class = EnginePolicy)]
impl EnginePolicy {
    /// As `classify`, for a request the AWS SDK classified as `error_type`: -1 when it may
    /// not be retried, else the index of its class in the engine's `ErrorClass::ALL`.
    #[wasm_bindgen(js_name = awsClassify)]
    pub fn aws_classify(&self, error_type: &str, identifiers: &str) -> i32 {
        aws_error_class(self.policy(), error_type, nul_separated(identifiers)).map_or(-1, |c| {
            ErrorClass::ALL.iter().position(|x| *x == c).unwrap_or(0) as i32
        })
    }
}
