//! `EnginePolicy`: a newtype over the engine's `Policy`.
//!
//! Options cross the boundary as numbers: the package's JavaScript reads an options object
//! with the generated field table and passes one array of slots, one per field (`Field::ALL`
//! order, name fields as indexes into their name lists, a list of delays after the fields),
//! with a bitmask of the slots the user set. That keeps per-call validation free of string
//! copies. Only the name lists (`retryOn`, …) cross as text.

use super::lists::{nul_separated, separated};
use alloc::string::String;
use alloc::vec::Vec;

use super::errors::keep_problem;
#[cfg(feature = "env")]
use super::errors::to_js_error;
use super::run::EngineRun;
#[cfg(feature = "env")]
use crate::engine::env::options_from_env_values;
use crate::engine::{
    Backoff, ErrorClass, Field, FieldKind, Jitter, LongRetryAfter, Policy, PolicyError,
    PolicyOptions, Schedule,
};
use wasm_bindgen::prelude::*;

/// How many slots the fields take: one each, the list fields excepted (they come last).
const SLOT_COUNT: usize = Field::RetryOn.index();
/// The backoff codes past the names': a list of delays, and a backoff function of the
/// caller's own (see `PolicyOptions::caller_backoff`).
const LIST_CODE: f64 = Backoff::ALL.len() as f64;
const FUNCTION_CODE: f64 = LIST_CODE + 1.0;

/// The options in `slots`: one number per field in `Field::ALL` order (the name lists
/// excepted; backoff, jitter and longRetryAfter as indexes into their name lists), read where
/// `present` has the field's bit; a list of delays follows them.
fn options_from_slots(present: u32, slots: &[f64]) -> Result<PolicyOptions, PolicyError> {
    let slot = |field: Field| {
        (present & (1 << field.index()) != 0)
            .then(|| slots.get(field.index()).copied())
            .flatten()
    };
    // A list of delays comes in the slots after the fields'.
    let listed = slot(Field::Backoff) == Some(LIST_CODE);
    // Every name field's code in range (backoff's two past its names too), checked in one place.
    let names = [
        (Field::Backoff, Backoff::ALL.len() + 2),
        (Field::Jitter, Jitter::ALL.len()),
        (Field::LongRetryAfter, LongRetryAfter::ALL.len()),
    ];
    for (field, count) in names {
        // Unreachable from the package (JavaScript turns names into codes, and refuses a name it
        // does not know in the engine's words); the module so carries no list of names.
        if let Some(code) = slot(field).filter(|code| !(*code >= 0.0 && *code < count as f64)) {
            return Err(PolicyError::range(field, "the code of a name", code));
        }
    }
    // `get`, not indexing: no bounds-check panic (and its formatting code) in the module.
    fn named<T: Copy>(code: Option<f64>, all: &[T]) -> Option<T> {
        all.get(code? as usize).copied()
    }
    let mut options = PolicyOptions::default();
    for field in Field::ALL {
        if let Some(number) = options.number_mut(field) {
            *number = slot(field);
        }
    }
    options.backoff = named(slot(Field::Backoff), &Backoff::ALL);
    options.jitter = named(slot(Field::Jitter), &Jitter::ALL);
    options.long_retry_after = named(slot(Field::LongRetryAfter), &LongRetryAfter::ALL);
    if listed {
        options.delays = Some(slots.get(SLOT_COUNT..).unwrap_or_default().to_vec());
    }
    options.caller_backoff = slot(Field::Backoff) == Some(FUNCTION_CODE);
    Ok(options)
}

/// `true` when the slots make a valid policy: the cheap check `retry(fn, options)` runs when
/// a call site's options change. When it fails, `EnginePolicy.build` with the same slots gives
/// the error (see `policyProblem`).
/// (Node builds: the browser build, kept small, builds a policy instead.)
#[cfg(feature = "overload")]
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(present: u32, slots: &[f64]) -> bool {
    options_from_slots(present, slots).is_ok_and(|options| options.first_problem().is_none())
}

/// A list of names passed as one NUL-separated string (JavaScript rejects names with NUL);
/// the empty string is the empty list.
#[inline(never)] // one copy for every list field
fn split_names(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        return Vec::new();
    }
    nul_separated(joined).map(String::from).collect()
}

/// Where a class code from [`EnginePolicy::classify`] says "not retryable".
const NOT_RETRYABLE: i32 = -1;

/// The class a code from [`EnginePolicy::classify`] stands for (`None`: not retryable).
pub(crate) fn class_of(code: i32) -> Option<ErrorClass> {
    usize::try_from(code)
        .ok()
        .map(|i| ErrorClass::ALL.get(i).copied().unwrap_or(ErrorClass::Other))
}

/// The code of a class (`None`: not retryable), as [`EnginePolicy::classify`] gives it.
pub(crate) fn code_of(class: Option<ErrorClass>) -> i32 {
    class.map_or(NOT_RETRYABLE, |class| {
        ErrorClass::ALL
            .iter()
            .position(|c| *c == class)
            .unwrap_or(0) as i32
    })
}

#[wasm_bindgen(js_name = EnginePolicy)]
pub struct EnginePolicy(pub(crate) Policy);

impl EnginePolicy {
    /// The engine's policy, for the binding's other modules.
    #[cfg(any(feature = "infra", feature = "overload"))]
    pub(crate) fn policy(&self) -> &Policy {
        &self.0
    }
}

#[wasm_bindgen(js_class = EnginePolicy)]
impl EnginePolicy {
    /// The policy the options make, or undefined when they make none (then `policyProblem`
    /// says why). `lists`: the list fields in `Field::ALL` order, each NUL-separated, the lists
    /// separated by U+0001 (JavaScript refuses names with either).
    pub fn build(present: u32, slots: &[f64], lists: &str) -> Option<EnginePolicy> {
        let mut options = match options_from_slots(present, slots) {
            Ok(options) => options,
            Err(err) => return keep_problem(err),
        };
        let mut joined = separated(lists, 1);
        for field in Field::ALL {
            if field.kind() == FieldKind::Names {
                if let Some(slot) = options.names_mut(field) {
                    *slot = Some(split_names(joined.next().unwrap_or("")));
                }
            }
        }
        options
            .into_policy()
            .map_or_else(keep_problem, |policy| Some(EnginePolicy(policy)))
    }

    #[cfg(feature = "env")]
    /// A policy from environment variables: `values` holds, NUL-separated, the value of
    /// `prefix` + each of the engine's `envNames` in order (empty when unset); JavaScript
    /// reads them. NUL cannot occur in an environment variable.
    #[wasm_bindgen(js_name = fromEnv)]
    pub fn from_env(prefix: &str, values: &str) -> Result<EnginePolicy, JsValue> {
        let values: Vec<String> = nul_separated(values).map(String::from).collect();
        let parse = |text: &str| Some(js_sys::Number::from(JsValue::from_str(text)).value_of());
        options_from_env_values(prefix, &values, &parse)
            .and_then(|options| options.build())
            .map(EnginePolicy)
            .map_err(|err| to_js_error(&err))
    }

    /// Field `index` (in `Field::ALL` order) of the validated policy, defaults included, as
    /// a number (backoff, jitter and longRetryAfter as indexes into their name lists, a list
    /// of delays and a backoff function as the two backoff codes past them); NaN for an unset
    /// optional field or a list field.
    pub fn slot(&self, index: usize) -> f64 {
        let Some(&field) = Field::ALL.get(index) else {
            return f64::NAN;
        };
        match field {
            Field::Backoff if self.0.delays().is_some() => LIST_CODE,
            Field::Backoff if self.0.caller_backoff() => FUNCTION_CODE,
            Field::Backoff => self.0.backoff().index() as f64,
            Field::Jitter => self.0.jitter().index() as f64,
            Field::LongRetryAfter => self.0.long_retry_after().index() as f64,
            _ => self.0.number(field).unwrap_or(f64::NAN),
        }
    }

    /// Item `item` of the list field `index`, or undefined past its end (or for a field
    /// that is not a list). For policies read from the environment: the package knows the
    /// lists of the others, as given.
    #[cfg(feature = "env")]
    #[wasm_bindgen(js_name = listItem)]
    pub fn list_item(&self, index: usize, item: usize) -> Option<String> {
        let field = Field::ALL.get(index)?;
        self.0.names(*field).get(item).cloned()
    }

    /// Delay `item` of the policy's list of delays, or NaN past its end (or without one): for
    /// policies read from the environment.
    #[cfg(feature = "env")]
    #[wasm_bindgen(js_name = delayItem)]
    pub fn delay_item(&self, item: usize) -> f64 {
        let delays = self.0.delays().unwrap_or_default();
        delays.get(item).copied().unwrap_or(f64::NAN)
    }

    /// How the policy sees an error, from its identifiers (names, codes and constructor names,
    /// NUL-separated: one string crosses the boundary instead of several): -1 when it may
    /// not be retried, else the index of its class in the engine's `ErrorClass::ALL` (see the engine's
    /// `Policy::classify` for `decided` and `bug`).
    pub fn classify(&self, identifiers: &str, timed_out: bool, decided: bool, bug: bool) -> i32 {
        let class = self
            .0
            .classify(nul_separated(identifiers), timed_out, decided, bug);
        code_of(class)
    }

    /// The retry state for one call; `seed` (a whole number below 2^53) serves an unseeded
    /// policy. JavaScript draws it: the module then needs no entropy source of its own.
    pub fn start(&self, seed: f64) -> EngineRun {
        EngineRun(Schedule::new(&self.0, seed as u64))
    }
}
