//! The names of a policy's fields: one table for the JSON/JavaScript name, the environment
//! variable and the unit, so that every reader and writer of policies agrees on them.

/// Every field a policy has, in the order the binding passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    MaxAttempts,
    InitialDelay,
    MaxDelay,
    Multiplier,
    Backoff,
    Jitter,
    JitterFactor,
    MaxElapsed,
    AttemptTimeout,
    Seed,
    MaxRetryAfter,
    SlotCount,
    SlotWidth,
    IdempotencyTtl,
    ThrottlingDelay,
    TransientDelay,
    HedgeDelay,
    MaxHedges,
    LongRetryAfter,
    RetryOn,
    AbortOn,
    ThrottlingOn,
    TransientOn,
}

/// What kind of value a field holds, as plain data (JSON) sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A number; durations are milliseconds.
    Number,
    /// A duration: milliseconds in JSON and JavaScript, seconds in environment variables.
    Duration,
    /// One name out of a fixed set (backoff, jitter, longRetryAfter); `backoff` may instead be
    /// a list of delays.
    Name,
    /// A list of error names or codes.
    Names,
}

impl Field {
    pub const ALL: [Field; 23] = [
        Field::MaxAttempts,
        Field::InitialDelay,
        Field::MaxDelay,
        Field::Multiplier,
        Field::Backoff,
        Field::Jitter,
        Field::JitterFactor,
        Field::MaxElapsed,
        Field::AttemptTimeout,
        Field::Seed,
        Field::MaxRetryAfter,
        Field::SlotCount,
        Field::SlotWidth,
        Field::IdempotencyTtl,
        Field::ThrottlingDelay,
        Field::TransientDelay,
        Field::HedgeDelay,
        Field::MaxHedges,
        Field::LongRetryAfter,
        Field::RetryOn,
        Field::AbortOn,
        Field::ThrottlingOn,
        Field::TransientOn,
    ];

    /// The field's name in JSON and JavaScript.
    pub fn name(self) -> &'static str {
        match self {
            Field::MaxAttempts => "maxAttempts",
            Field::InitialDelay => "initialDelay",
            Field::MaxDelay => "maxDelay",
            Field::Multiplier => "multiplier",
            Field::Backoff => "backoff",
            Field::Jitter => "jitter",
            Field::JitterFactor => "jitterFactor",
            Field::MaxElapsed => "maxElapsed",
            Field::AttemptTimeout => "attemptTimeout",
            Field::Seed => "seed",
            Field::MaxRetryAfter => "maxRetryAfter",
            Field::SlotCount => "slotCount",
            Field::SlotWidth => "slotWidth",
            Field::IdempotencyTtl => "idempotencyTtl",
            Field::ThrottlingDelay => "throttlingDelay",
            Field::TransientDelay => "transientDelay",
            Field::HedgeDelay => "hedgeDelay",
            Field::MaxHedges => "maxHedges",
            Field::LongRetryAfter => "longRetryAfter",
            Field::RetryOn => "retryOn",
            Field::AbortOn => "abortOn",
            Field::ThrottlingOn => "throttlingOn",
            Field::TransientOn => "transientOn",
        }
    }

    /// The environment variable's name after the prefix (`RETRY_` by default), as in the
    /// seeds: `RETRY_MAX_ATTEMPTS`, `RETRY_INITIAL_DELAY`, `RETRY_MAX_DELAY`.
    pub fn env_name(self) -> &'static str {
        match self {
            Field::MaxAttempts => "MAX_ATTEMPTS",
            Field::InitialDelay => "INITIAL_DELAY",
            Field::MaxDelay => "MAX_DELAY",
            Field::Multiplier => "MULTIPLIER",
            Field::Backoff => "BACKOFF",
            Field::Jitter => "JITTER",
            Field::JitterFactor => "JITTER_FACTOR",
            Field::MaxElapsed => "MAX_ELAPSED",
            Field::AttemptTimeout => "ATTEMPT_TIMEOUT",
            Field::Seed => "SEED",
            Field::MaxRetryAfter => "MAX_RETRY_AFTER",
            Field::SlotCount => "SLOT_COUNT",
            Field::SlotWidth => "SLOT_WIDTH",
            Field::IdempotencyTtl => "IDEMPOTENCY_TTL",
            Field::ThrottlingDelay => "THROTTLING_DELAY",
            Field::TransientDelay => "TRANSIENT_DELAY",
            Field::HedgeDelay => "HEDGE_DELAY",
            Field::MaxHedges => "MAX_HEDGES",
            Field::LongRetryAfter => "LONG_RETRY_AFTER",
            Field::RetryOn => "RETRY_ON",
            Field::AbortOn => "ABORT_ON",
            Field::ThrottlingOn => "THROTTLING_ON",
            Field::TransientOn => "TRANSIENT_ON",
        }
    }

    pub fn kind(self) -> FieldKind {
        match self {
            Field::MaxAttempts
            | Field::Multiplier
            | Field::JitterFactor
            | Field::Seed
            | Field::SlotCount
            | Field::MaxHedges => FieldKind::Number,
            Field::InitialDelay
            | Field::MaxDelay
            | Field::MaxElapsed
            | Field::AttemptTimeout
            | Field::MaxRetryAfter
            | Field::SlotWidth
            | Field::IdempotencyTtl
            | Field::ThrottlingDelay
            | Field::TransientDelay
            | Field::HedgeDelay => FieldKind::Duration,
            Field::Backoff | Field::Jitter | Field::LongRetryAfter => FieldKind::Name,
            Field::RetryOn | Field::AbortOn | Field::ThrottlingOn | Field::TransientOn => {
                FieldKind::Names
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The field's position in [`Field::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_matches_position_in_all() {
        for (i, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), i);
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
    }
}
