//! Retry slots: the fleet shares time slots of `slot_width` ms, and each admits a bounded
//! number of retries, so that a fleet's retries after an outage arrive spread out instead of
//! at once. The engine turns a drawn delay into the slots the retry may land in and a chosen
//! slot back into a delay; a store only counts the retries in each slot.

use super::numbers::floor;
use super::policy::{Policy, MAX_TIMER_MS};

/// The slots a retry may land in: `count` consecutive slot numbers from `first`, in the
/// order to try them. Slot `n` covers store time `[n * width, (n + 1) * width)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidates {
    pub first: f64,
    pub count: u32,
}

/// The slots for a retry drawn to wait `delay` ms, at store time `now` (ms since the epoch),
/// with `room` ms left before the policy's deadline (`None`: no deadline). Its own slot comes
/// first, then the next ones, at most `slot_count` in all; a later slot is a candidate only if
/// the wait it means ends within `room` and fits a timer. `None` when the policy has no slots.
pub fn candidates(policy: &Policy, now: f64, delay: f64, room: Option<f64>) -> Option<Candidates> {
    let (slot_count, width) = policy.slots()?;
    let first = floor((now + delay) / width);
    let latest = room.map_or(MAX_TIMER_MS, |room| room.min(MAX_TIMER_MS));
    // How many slots past the first still end in time; the first is always offered (the
    // schedule has already checked its delay against the deadline).
    let later = floor((latest - delay) / width);
    let fits = (later + 1.0).max(1.0);
    Some(Candidates {
        first,
        count: fits.min(f64::from(slot_count)) as u32,
    })
}

/// The wait for a retry drawn to wait `delay` ms that landed `index` slots past its own: the
/// same place within a later slot, so the fleet's jitter still spreads it.
pub fn delay_in(delay: f64, width: f64, index: u32) -> f64 {
    delay + f64::from(index) * width
}

#[cfg(test)]
mod tests {
    use super::super::policy::PolicyOptions;
    use super::*;

    fn policy(count: f64, width: f64) -> Policy {
        PolicyOptions {
            slot_count: Some(count),
            slot_width: Some(width),
            ..Default::default()
        }
        .build()
        .unwrap()
    }

    #[test]
    fn a_delay_lands_in_the_slot_its_end_falls_in() {
        let p = policy(10.0, 100.0);
        // now 1000.0 + delay 250 → store time 1250, slot 12.
        assert_eq!(
            candidates(&p, 1000.0, 250.0, None),
            Some(Candidates {
                first: 12.0,
                count: 10
            })
        );
        // On both sides of a slot's edge.
        assert_eq!(candidates(&p, 1000.0, 199.999, None).unwrap().first, 11.0);
        assert_eq!(candidates(&p, 1000.0, 200.0, None).unwrap().first, 12.0);
    }

    #[test]
    fn no_width_means_no_slots() {
        assert_eq!(candidates(&Policy::default(), 0.0, 5.0, None), None);
    }

    #[test]
    fn later_slots_must_end_before_the_deadline() {
        let p = policy(10.0, 100.0);
        let count = |room| candidates(&p, 0.0, 250.0, Some(room)).unwrap().count;
        // 250 + 100·i <= room
        assert_eq!(count(250.0), 1);
        assert_eq!(count(349.999), 1);
        assert_eq!(count(350.0), 2);
        assert_eq!(count(1150.0), 10);
        assert_eq!(count(1e12), 10, "never more than slot_count");
        // The schedule already refused a delay past the deadline; the first slot stays.
        assert_eq!(count(100.0), 1);
    }

    #[test]
    fn later_slots_must_fit_a_timer() {
        // setTimeout fires at once past 2^31 - 1 ms: no slot may ask for a longer wait.
        let p = policy(1000.0, 2_000_000_000.0);
        assert_eq!(candidates(&p, 0.0, 200_000_000.0, None).unwrap().count, 1);
        assert_eq!(candidates(&p, 0.0, 147_483_647.0, None).unwrap().count, 2);
        assert_eq!(candidates(&p, 0.0, 147_483_647.5, None).unwrap().count, 1);
    }

    #[test]
    fn a_later_slot_keeps_the_place_within_its_slot() {
        assert_eq!(delay_in(250.0, 100.0, 0), 250.0);
        assert_eq!(delay_in(250.0, 100.0, 3), 550.0);
    }
}
