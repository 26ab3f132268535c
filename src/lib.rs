//! jitterbug: a retry engine (backoff, jitter, deadlines, error classification) compiled to
//! WebAssembly for JavaScript, usable natively from Rust.
//!
//! [`engine`] holds every rule and knows nothing of JavaScript; `bindings` (wasm32 only)
//! converts types and errors for JavaScript.
//!
//! On wasm32 the crate is `no_std` (with `alloc`): std's panic and formatting machinery would
//! double the size of the module that every browser page downloads.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

// The engine is a crate of its own with no dependencies (src/engine): natively it is that
// crate, so `cargo test --workspace` proves it compiles knowing nothing of JavaScript. The
// WebAssembly build compiles the same source in as a module instead, so that the generics both
// use are instantiated once: as a separate crate it cost 242 bytes gzipped of the browser
// bundle's 20 KiB.
#[cfg(not(target_arch = "wasm32"))]
pub use jitterbug_engine as engine;
#[cfg(target_arch = "wasm32")]
#[allow(unused_attributes)] // the engine crate's own `#![no_std]`, already the crate's here
#[path = "engine/mod.rs"]
pub mod engine;

#[cfg(not(target_arch = "wasm32"))]
pub mod simulation;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

// The WebAssembly module's allocator (tested natively over an arena).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod heap;

#[cfg(all(target_arch = "wasm32", not(test)))]
mod wasm_runtime {
    // No engine path panics on valid input (the invariant tests check it); if one ever did,
    // trapping is all a WebAssembly module can do, and a message would cost kilobytes.
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}
