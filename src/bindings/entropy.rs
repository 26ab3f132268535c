//! Seeds for unseeded policies: one stream per process, seeded once from the platform's
//! entropy (`crypto.getRandomValues` through getrandom), so a failure costs no system call.

use crate::engine::Rng;
use core::cell::Cell;

struct SeedStream(Cell<Option<Rng>>);

// Safety: wasm32 without the atomics feature runs one thread, so the cell is never shared.
unsafe impl Sync for SeedStream {}

static STREAM: SeedStream = SeedStream(Cell::new(None));

/// A fresh seed for one call's schedule.
pub fn fresh_seed() -> u64 {
    let mut rng = STREAM.0.get().unwrap_or_else(|| {
        // Without crypto (very old runtimes) Math.random still decorrelates processes.
        let seed = getrandom::u64()
            .unwrap_or_else(|_| (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64);
        Rng::new(seed)
    });
    let seed = rng.next_u64();
    STREAM.0.set(Some(rng));
    seed
}
