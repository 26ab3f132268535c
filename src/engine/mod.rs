//! The retry engine: pure Rust, no JavaScript types. It never sleeps, reads a clock or draws
//! entropy; the caller hands it the time and the seed, so every schedule is reproducible.
//!
//! A crate of its own with no dependencies, so that "the engine knows no JavaScript" is a rule
//! the compiler enforces; `jitterbug` re-exports it as `jitterbug::engine`. `no_std` (with
//! `alloc`) outside its tests: the WebAssembly module carries no std machinery.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod adaptive;
pub mod backoff;
pub mod batch;
pub mod breaker;
pub mod budget;
pub mod classify;
pub mod env;
pub mod error;
pub mod export;
pub mod field;
pub mod hedge;
pub mod http;
pub mod jitter;
pub mod numbers;
pub mod policy;
pub mod presets;
pub mod retry_after;
pub mod rng;
pub mod schedule;
pub mod slots;

pub use backoff::Backoff;
pub use classify::ErrorClass;
pub use error::{ErrorKind, PolicyError, Value};
pub use field::{Field, FieldKind};
pub use jitter::Jitter;
pub use policy::{Policy, PolicyOptions, MAX_SEED, MAX_TIMER_MS};
pub use retry_after::LongRetryAfter;
pub use rng::Rng;
pub use schedule::{Decision, Failure, Schedule, StopReason};
