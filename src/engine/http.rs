//! Which HTTP outcomes may be retried: statuses worth another attempt, and methods that may be
//! sent twice.

/// Statuses retried by default: timeout, throttling and the transient server errors.
pub const DEFAULT_RETRY_ON_STATUS: [u16; 6] = [408, 429, 500, 502, 503, 504];
/// Methods retried by default: the idempotent ones (RFC 9110 §9.2.2) except TRACE, and QUERY
/// (the safe, idempotent method of the HTTP QUERY draft).
pub const DEFAULT_RETRY_METHODS: [&str; 6] = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"];
/// Statuses whose `Retry-After` is honoured.
pub const RETRY_AFTER_STATUSES: [u16; 2] = [429, 503];

/// The lowest and highest HTTP status (RFC 9110 §15: three digits, 1xx to 5xx); `retryOnStatus`
/// takes integers within them (checked in the package's JavaScript, from the generated table).
pub const STATUS_BOUNDS: [u16; 2] = [100, 599];

/// Whether a response with `status` may be retried; `custom` replaces the default list.
pub fn retries_status(status: u16, custom: Option<&[u16]>) -> bool {
    custom.unwrap_or(&DEFAULT_RETRY_ON_STATUS).contains(&status)
}

/// What a response means for the call and for a circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseOutcome {
    /// The service answered: the response is the call's result.
    Success,
    /// A failure the call may retry (its status is in the retried list).
    Retryable,
    /// A server error the call does not retry: the result, but a failure to a breaker.
    Failed,
}

impl ResponseOutcome {
    /// In the order of their codes at the JavaScript boundary.
    pub const ALL: [ResponseOutcome; 3] = [
        ResponseOutcome::Success,
        ResponseOutcome::Retryable,
        ResponseOutcome::Failed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResponseOutcome::Success => "success",
            ResponseOutcome::Retryable => "retryable",
            ResponseOutcome::Failed => "failed",
        }
    }
}

/// What a response with `status` means; `retried`: whether the call's list of retried statuses
/// ([`retries_status`]) holds it. A listed status is retried whatever its class; any other 5xx
/// is a failure that is not retried.
pub fn response_outcome(status: u16, retried: bool) -> ResponseOutcome {
    if retried {
        ResponseOutcome::Retryable
    } else if status >= 500 {
        ResponseOutcome::Failed
    } else {
        ResponseOutcome::Success
    }
}

/// Whether a request may be sent again: its method is in the list (`custom` replaces the
/// default; compared without regard to case), or it carries an `Idempotency-Key`.
pub fn retries_method<'a>(
    method: &str,
    has_idempotency_key: bool,
    custom: Option<impl IntoIterator<Item = &'a str>>,
) -> bool {
    if has_idempotency_key {
        return true;
    }
    match custom {
        Some(list) => list.into_iter().any(|m| m.eq_ignore_ascii_case(method)),
        None => DEFAULT_RETRY_METHODS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(method)),
    }
}

/// Whether `Retry-After` on a response with `status` is honoured.
pub fn honours_retry_after(status: u16) -> bool {
    RETRY_AFTER_STATUSES.contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Option<[&str; 0]> = None;

    #[test]
    fn default_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retries_status(s, None), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 409, 501, 505] {
            assert!(!retries_status(s, None), "{s}");
        }
        assert!(retries_status(418, Some(&[418])));
        assert!(!retries_status(503, Some(&[])));
    }

    #[test]
    fn statuses_are_three_digits_from_1xx_to_5xx() {
        assert_eq!(STATUS_BOUNDS, [100, 599]);
    }

    #[test]
    fn idempotent_methods_or_an_idempotency_key() {
        for m in [
            "GET", "get", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY", "query",
        ] {
            assert!(retries_method(m, false, NONE), "{m}");
        }
        for m in ["POST", "PATCH", "TRACE", "CONNECT"] {
            assert!(!retries_method(m, false, NONE), "{m}");
        }
        assert!(retries_method("POST", true, NONE));
        assert!(retries_method("POST", false, Some(["POST"])));
        assert!(!retries_method("GET", false, Some(["POST"])));
    }
}

#[cfg(test)]
mod outcomes {
    use super::*;

    #[test]
    fn a_response_is_a_success_a_retryable_failure_or_a_final_failure() {
        for s in [200, 204, 301, 304, 400, 401, 403, 404, 409, 422, 499] {
            assert_eq!(
                response_outcome(s, retries_status(s, None)),
                ResponseOutcome::Success,
                "{s}"
            );
        }
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(
                response_outcome(s, retries_status(s, None)),
                ResponseOutcome::Retryable,
                "{s}"
            );
        }
        // A server error is a failure for the breaker even when it is not retried.
        for s in [501, 505, 599] {
            assert_eq!(
                response_outcome(s, retries_status(s, None)),
                ResponseOutcome::Failed,
                "{s}"
            );
        }
        assert_eq!(
            response_outcome(503, retries_status(503, Some(&[429]))),
            ResponseOutcome::Failed
        );
        assert_eq!(
            response_outcome(429, retries_status(429, Some(&[429]))),
            ResponseOutcome::Retryable
        );
        assert_eq!(
            response_outcome(408, retries_status(408, Some(&[429]))),
            ResponseOutcome::Success
        );
        // A status the caller lists is retried, whatever its class.
        assert_eq!(
            response_outcome(404, retries_status(404, Some(&[404]))),
            ResponseOutcome::Retryable
        );
        assert_eq!(
            response_outcome(499, retries_status(499, Some(&[]))),
            ResponseOutcome::Success
        );
        assert_eq!(
            response_outcome(500, retries_status(500, Some(&[]))),
            ResponseOutcome::Failed
        );
    }
}

#[cfg(test)]
mod retry_after_statuses {
    use super::*;

    #[test]
    fn only_429_and_503_carry_a_retry_after_that_is_honoured() {
        assert!(honours_retry_after(429));
        assert!(honours_retry_after(503));
        for s in [200, 301, 408, 413, 500, 502, 504] {
            assert!(!honours_retry_after(s), "{s}");
        }
        assert_eq!(
            ResponseOutcome::ALL.map(ResponseOutcome::name),
            ["success", "retryable", "failed"]
        );
    }
}
