//! jitterbug: a retry engine (backoff, jitter, deadlines, error classification) compiled to
//! WebAssembly for JavaScript, usable natively from Rust.
//!
//! [`engine`] holds every rule and knows nothing of JavaScript; `bindings` (wasm32 only)
//! converts types and errors for JavaScript and offers an async `retry` to Rust callers.

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
