//! Which HTTP outcomes may be retried: statuses worth another attempt, and methods that may be
//! sent twice.

/// Statuses retried by default: timeout, throttling and the transient server errors.
pub const DEFAULT_RETRY_ON_STATUS: [u16; 6] = [408, 429, 500, 502, 503, 504];
/// Methods retried by default: the idempotent ones (RFC 9110 §9.2.2) except TRACE.
pub const DEFAULT_RETRY_METHODS: [&str; 5] = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"];
/// Statuses whose `Retry-After` is honoured.
pub const RETRY_AFTER_STATUSES: [u16; 2] = [429, 503];

/// Whether `value` can be an HTTP status (an integer from 100 to 599), for `retryOnStatus`.
pub fn is_status(value: f64) -> bool {
    super::numbers::is_integer(value) && (100.0..=599.0).contains(&value)
}

/// Whether a response with `status` may be retried; `custom` replaces the default list.
pub fn retries_status(status: u16, custom: Option<&[u16]>) -> bool {
    custom.unwrap_or(&DEFAULT_RETRY_ON_STATUS).contains(&status)
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
    fn statuses_are_integers_from_100_to_599() {
        for v in [100.0, 503.0, 599.0] {
            assert!(is_status(v), "{v}");
        }
        for v in [99.0, 600.0, 503.5, f64::NAN] {
            assert!(!is_status(v), "{v}");
        }
    }

    #[test]
    fn idempotent_methods_or_an_idempotency_key() {
        for m in ["GET", "get", "HEAD", "OPTIONS", "PUT", "DELETE"] {
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
