//! Which errors are worth another attempt, from the policy's `retryOn` / `abortOn` lists.

use alloc::string::String;

use super::field::Field;
use super::policy::Policy;

/// The name an attempt's timeout error carries; `abortOn` may name it to stop on timeouts.
pub const TIMEOUT_ERROR_NAME: &str = "TimeoutError";

/// What kind of failure an error is, for its wait and its price. A throttling error (the
/// service asks for less traffic: `throttlingOn` names it) waits from `throttlingDelay` and
/// costs a budget its `throttlingCost`; a transient one (an attempt that timed out, or an
/// error `transientOn` names) waits from `transientDelay` and costs `timeoutCost`; any other
/// waits from `initialDelay` and costs `retryCost`. (The AWS SDKs' standard mode, case for
/// case: their `TIMEOUT_RETRY_COST` is charged for every transient error.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Other,
    Throttling,
    Transient,
}

impl ErrorClass {
    /// In the order of their codes at the JavaScript boundary.
    pub const ALL: [ErrorClass; 3] = [
        ErrorClass::Other,
        ErrorClass::Throttling,
        ErrorClass::Transient,
    ];

    /// How events and metrics name the class.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Other => "other",
            ErrorClass::Throttling => "throttling",
            ErrorClass::Transient => "transient",
        }
    }
}

impl Policy {
    /// Whether an error identified by `identifiers` (its name, code and class name, in any
    /// order; empty ones, such as a missing code, never match) may be retried. `abortOn` wins
    /// over everything; an attempt that timed out is retryable unless `abortOn` names
    /// `TimeoutError`; otherwise an empty `retryOn` retries every error and a non-empty one
    /// only the errors it names.
    pub fn is_retryable<'a>(
        &self,
        identifiers: impl IntoIterator<Item = &'a str> + Clone,
        timed_out: bool,
    ) -> bool {
        if self.is_aborted(identifiers.clone()) {
            return false;
        }
        if timed_out {
            return !self.abort_on().iter().any(|n| n == TIMEOUT_ERROR_NAME);
        }
        self.retry_on().is_empty() || named_in(identifiers, self.retry_on())
    }

    /// Whether `abortOn` names the error. For an error whose retry the caller has already
    /// decided by another rule (an HTTP response, by its status), this is the whole question:
    /// `retryOn` lists error names and codes, and does not turn status retries off.
    pub fn is_aborted<'a>(&self, identifiers: impl IntoIterator<Item = &'a str>) -> bool {
        named_in(identifiers, self.abort_on())
    }

    /// How the policy sees a failed attempt: `None` when it may not be retried, else its class.
    /// - `decided`: another rule (an HTTP response's status) has allowed the retry, so only
    ///   `abortOn` can refuse it;
    /// - `bug`: the caller recognised the error as a bug in the calling code (a programming
    ///   error, not a fault of the service): retried only when `retryOn` names it.
    pub fn classify<'a>(
        &self,
        identifiers: impl IntoIterator<Item = &'a str> + Clone,
        timed_out: bool,
        decided: bool,
        bug: bool,
    ) -> Option<ErrorClass> {
        let retryable = if decided {
            !self.is_aborted(identifiers.clone())
        } else if bug {
            !self.is_aborted(identifiers.clone()) && named_in(identifiers.clone(), self.retry_on())
        } else {
            self.is_retryable(identifiers.clone(), timed_out)
        };
        retryable.then(|| self.error_class(identifiers, timed_out))
    }

    /// The class of an error identified by `identifiers` (see [`ErrorClass`]): `throttlingOn`
    /// is asked first, so an error both lists name is throttling.
    pub fn error_class<'a>(
        &self,
        identifiers: impl IntoIterator<Item = &'a str> + Clone,
        timed_out: bool,
    ) -> ErrorClass {
        if named_in(identifiers.clone(), self.throttling_on()) {
            ErrorClass::Throttling
        } else if timed_out || named_in(identifiers, self.transient_on()) {
            ErrorClass::Transient
        } else {
            ErrorClass::Other
        }
    }

    /// The first delay after an error of `class`: its class's delay if the policy sets one,
    /// else `initialDelay`. The backoff grows from it.
    pub fn base_delay(&self, class: ErrorClass) -> f64 {
        match class {
            ErrorClass::Throttling => self.number(Field::ThrottlingDelay),
            ErrorClass::Transient => self.number(Field::TransientDelay),
            ErrorClass::Other => None,
        }
        .unwrap_or(self.initial_delay())
    }
}

fn named_in<'a>(identifiers: impl IntoIterator<Item = &'a str>, list: &[String]) -> bool {
    identifiers
        .into_iter()
        .any(|id| !id.is_empty() && list.iter().any(|n| n == id))
}

#[cfg(test)]
mod tests {
    use super::super::policy::PolicyOptions;
    use super::ErrorClass;

    fn policy(retry_on: &[&str], abort_on: &[&str]) -> super::super::Policy {
        PolicyOptions {
            retry_on: Some(retry_on.iter().map(|s| s.to_string()).collect()),
            abort_on: Some(abort_on.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    #[test]
    fn classes_are_named_for_events_in_their_boundary_order() {
        let names = ErrorClass::ALL.map(ErrorClass::name);
        assert_eq!(names, ["other", "throttling", "transient"]);
    }

    #[test]
    fn a_bug_is_retried_only_when_retry_on_names_it() {
        let bug = |p: &super::super::Policy, ids: &[&str]| {
            p.classify(ids.iter().copied(), false, false, true)
        };
        let ids = ["TypeError", "", "TypeError"];
        assert_eq!(
            bug(&policy(&[], &[]), &ids),
            None,
            "an empty retryOn retries every fault, not bugs"
        );
        assert_eq!(
            bug(&policy(&["TypeError"], &[]), &ids),
            Some(ErrorClass::Other)
        );
        assert_eq!(
            bug(&policy(&["TypeError"], &["TypeError"]), &ids),
            None,
            "abortOn wins"
        );
        assert_eq!(bug(&policy(&["ECONNRESET"], &[]), &ids), None);
        // Not a bug: the usual rules.
        let p = policy(&[], &[]);
        assert_eq!(
            p.classify(ids, false, false, false),
            Some(ErrorClass::Other)
        );
        assert_eq!(
            p.classify(ids, true, false, false),
            Some(ErrorClass::Transient)
        );
        // Decided by another rule (a response's status): only abortOn refuses.
        let strict = policy(&["ECONNRESET"], &["503"]);
        assert_eq!(
            strict.classify(["HttpStatusError", "502"], false, true, false),
            Some(ErrorClass::Other)
        );
        assert_eq!(
            strict.classify(["HttpStatusError", "503"], false, true, false),
            None
        );
    }

    #[test]
    fn is_aborted_asks_abort_on_only() {
        let p = policy(&["ECONNRESET"], &["503"]);
        assert!(p.is_aborted(["HttpStatusError", "503", "HttpStatusError"]));
        assert!(!p.is_aborted(["HttpStatusError", "502", "HttpStatusError"]));
        assert!(!p.is_aborted(["", "", ""]), "empty identifiers never match");
        assert!(!policy(&[], &[]).is_aborted(["x"]));
    }

    #[test]
    fn empty_lists_retry_everything() {
        assert!(policy(&[], &[]).is_retryable(["Error", "", "Error"], false));
    }

    #[test]
    fn retry_on_limits_retries_to_the_errors_it_names() {
        let p = policy(&["ECONNRESET", "ThrottlingError"], &[]);
        assert!(p.is_retryable(["Error", "ECONNRESET", "Error"], false));
        assert!(p.is_retryable(["ThrottlingError", "", "ThrottlingError"], false));
        assert!(!p.is_retryable(["ValidationError", "", "Error"], false));
        // A timeout is retryable even when retryOn does not name it.
        assert!(p.is_retryable(["TimeoutError", "", "Error"], true));
    }

    #[test]
    fn an_empty_name_in_a_list_matches_nothing() {
        // A missing code arrives as an empty identifier; `retryOn: ['']` must not match it.
        let p = policy(&[""], &[""]);
        assert!(!p.is_retryable(["Error", "", "Error"], false));
        assert!(policy(&[], &[""]).is_retryable(["Error", "", "Error"], false));
    }

    #[test]
    fn abort_on_wins() {
        let p = policy(&["Error"], &["AuthError", "TimeoutError"]);
        assert!(!p.is_retryable(["AuthError", "", "Error"], false));
        assert!(!p.is_retryable(["TimeoutError", "", "Error"], true));
    }
}

#[cfg(test)]
mod timeouts {
    use super::super::policy::PolicyOptions;
    use alloc::string::ToString;

    #[test]
    fn a_timed_out_attempt_stops_only_when_abort_on_names_timeouts() {
        let with_abort_on = |names: &[&str]| {
            PolicyOptions {
                abort_on: Some(names.iter().map(|s| s.to_string()).collect()),
                ..Default::default()
            }
            .build()
            .unwrap()
        };
        let none: [&str; 0] = [];
        assert!(with_abort_on(&["ECONNRESET"]).is_retryable(none, true));
        assert!(!with_abort_on(&["TimeoutError"]).is_retryable(none, true));
        assert!(with_abort_on(&[]).is_retryable(none, true));
    }
}
