//! The WebAssembly module's allocator: power-of-two size classes, each with a free list, over
//! memory taken from a source in 64 KiB pages. Allocating and freeing are O(1): a page that
//! creates and drops policies, budgets and breakers by the ten thousand (the garbage collector
//! frees them in bursts) never waits on the allocator. A general free-list allocator frees in
//! time linear in its list, which stalled Node's event loop for seconds in that case.
//!
//! The price is memory: a block is rounded up to a power of two and only ever reused for its
//! own class. The engine's allocations are few and small, so that is a few KiB.

use core::alloc::Layout;
use core::ptr::null_mut;

/// Bytes in a WebAssembly page.
pub const PAGE: usize = 65_536;
/// The smallest block: room for the free list's link, and the alignment of every block.
const MIN_CLASS: u32 = 4;
/// Blocks up to 2^31 bytes (all of a 32-bit address space but half).
const CLASSES: usize = 32;

/// Where pages come from: `grow(n)` adds `n` pages and returns the address of the first, or
/// `None` when no memory is left.
pub trait Pages {
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

pub struct Heap<P: Pages> {
    /// The first free block of each class; each free block holds the address of the next.
    free: [*mut u8; CLASSES],
    /// The unused rest of the pages taken so far.
    next: usize,
    end: usize,
    pages: P,
}

/// The class of blocks that fits `layout`: its size and alignment rounded up to a power of two.
fn class_of(layout: Layout) -> Option<usize> {
    // Blocks are aligned to their size up to a page: no larger alignment can be promised.
    if layout.align() > PAGE {
        return None;
    }
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    let class = size.checked_next_power_of_two()?.trailing_zeros() as usize;
    (class < CLASSES).then_some(class)
}

impl<P: Pages> Heap<P> {
    pub const fn new(pages: P) -> Self {
        Heap {
            free: [null_mut(); CLASSES],
            next: 0,
            end: 0,
            pages,
        }
    }

    /// A block for `layout`, or null when memory is exhausted.
    ///
    /// # Safety
    /// Blocks must come back through [`Heap::free`] with the layout they were allocated for.
    pub unsafe fn allocate(&mut self, layout: Layout) -> *mut u8 {
        // `get_mut`, not indexing: no bounds-check panic (and its formatting code) in the module.
        let Some((class, head)) = class_of(layout).and_then(|c| Some((c, self.free.get_mut(c)?)))
        else {
            return null_mut();
        };
        if !head.is_null() {
            let block = *head;
            // SAFETY: a free block holds the address of the next free block of its class.
            *head = unsafe { *block.cast::<*mut u8>() };
            return block;
        }
        self.carve(class)
    }

    /// A new block of `class` from the unused pages. Blocks are aligned to their own size (at
    /// most a page), so a block serves any layout of its class, whatever its alignment.
    fn carve(&mut self, class: usize) -> *mut u8 {
        let size = 1usize << class;
        let align = size.min(PAGE);
        let mut start = (self.next + align - 1) & !(align - 1);
        if start + size > self.end {
            let wanted = (size + align).div_ceil(PAGE);
            let Some(base) = self.pages.grow(wanted) else {
                return null_mut();
            };
            if base != self.end {
                // Not contiguous with what we had: the rest of the old pages is left unused.
                self.next = base;
            }
            self.end = base + wanted * PAGE;
            start = (self.next + align - 1) & !(align - 1);
        }
        self.next = start + size;
        start as *mut u8
    }

    /// Returns a block to its class's free list.
    ///
    /// # Safety
    /// `block` came from [`Heap::allocate`] with the same `layout` and is not used again.
    pub unsafe fn free(&mut self, block: *mut u8, layout: Layout) {
        if let Some(head) = class_of(layout).and_then(|c| self.free.get_mut(c)) {
            // SAFETY: the block is at least 16 bytes and aligned to them, and no longer in use.
            unsafe { *block.cast::<*mut u8>() = *head };
            *head = block;
        }
    }

    /// Whether a block for `old` already fits `new` (same class): then realloc keeps it.
    pub fn same_block(old: Layout, new: Layout) -> bool {
        class_of(old).is_some() && class_of(old) == class_of(new)
    }
}

#[cfg(all(target_arch = "wasm32", not(test)))]
mod global {
    use super::{Heap, Pages, PAGE};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    // The unsafe code below assumes one thread: WebAssembly threads would share the heap.
    #[cfg(target_feature = "atomics")]
    compile_error!("jitterbug's allocator and engine state assume a single thread: build without the `atomics` target feature");

    pub struct WasmPages;

    impl Pages for WasmPages {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let previous = core::arch::wasm32::memory_grow(0, pages);
            (previous != usize::MAX).then_some(previous * PAGE)
        }
    }

    pub struct SingleThreaded(UnsafeCell<Heap<WasmPages>>);

    // SAFETY: wasm32 without the atomics feature (refused above) runs one thread, and the
    // allocator is never re-entered, so the heap is never borrowed twice.
    unsafe impl Sync for SingleThreaded {}

    /// `block`, trapping when memory is exhausted (null). The alloc crate's own handling of
    /// null formats a message, which would bring integer formatting into the module.
    #[inline(always)]
    fn or_trap(block: *mut u8) -> *mut u8 {
        if block.is_null() {
            core::arch::wasm32::unreachable()
        }
        block
    }

    unsafe impl GlobalAlloc for SingleThreaded {
        #[inline(always)]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            or_trap(unsafe { (*self.0.get()).allocate(layout) })
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { (*self.0.get()).free(ptr, layout) }
        }

        #[inline(always)]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            if Heap::<WasmPages>::same_block(layout, new) {
                return ptr;
            }
            let heap = unsafe { &mut *self.0.get() };
            let moved = or_trap(unsafe { heap.allocate(new) });
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                heap.free(ptr, layout);
            }
            moved
        }
    }

    #[global_allocator]
    static ALLOCATOR: SingleThreaded = SingleThreaded(UnsafeCell::new(Heap::new(WasmPages)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Pages from an arena of `capacity` pages, as WebAssembly's memory.grow hands them out.
    struct Arena {
        memory: Vec<u8>,
        used: usize,
        grows: usize,
    }

    impl Arena {
        fn new(capacity: usize) -> Arena {
            Arena {
                memory: alloc::vec![0; (capacity + 1) * PAGE],
                used: 0,
                grows: 0,
            }
        }
    }

    impl Pages for Arena {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let base = (self.memory.as_ptr() as usize).div_ceil(PAGE) * PAGE;
            let limit = self.memory.as_ptr() as usize + self.memory.len();
            let start = base + self.used * PAGE;
            if start + pages * PAGE > limit {
                return None;
            }
            self.used += pages;
            self.grows += 1;
            Some(start)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_reused_last_in_first_out() {
        let mut heap = Heap::new(Arena::new(4));
        let sizes = [1, 8, 16, 17, 24, 100, 4096, 5000];
        let blocks: Vec<_> = sizes
            .iter()
            .map(|&s| (unsafe { heap.allocate(layout(s, 8)) }, s))
            .collect();
        let mut spans: Vec<(usize, usize)> = blocks
            .iter()
            .map(|&(p, s)| {
                assert!(!p.is_null());
                assert_eq!(p as usize % 16, 0, "every block is 16-aligned");
                (p as usize, p as usize + s.max(16).next_power_of_two())
            })
            .collect();
        spans.sort();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:?}");
        // Freed blocks come back first, for their own class only.
        let (a, _) = blocks[3]; // 17 bytes: class 32
        let (b, _) = blocks[4]; // 24 bytes: class 32
        unsafe {
            heap.free(a, layout(17, 8));
            heap.free(b, layout(24, 8));
            assert_eq!(heap.allocate(layout(20, 8)), b);
            assert_eq!(heap.allocate(layout(32, 8)), a);
            assert_ne!(
                heap.allocate(layout(32, 8)),
                a,
                "a block is handed out once"
            );
        }
    }

    #[test]
    fn alignment_above_sixteen_is_honoured_from_the_free_list_too() {
        let mut heap = Heap::new(Arena::new(4));
        unsafe {
            let _skew = heap.allocate(layout(16, 16));
            let p = heap.allocate(layout(40, 8)); // class 64, aligned to 64
            assert_eq!(p as usize % 64, 0);
            heap.free(p, layout(40, 8));
            let q = heap.allocate(layout(64, 64));
            assert_eq!(q, p);
            assert_eq!(q as usize % 64, 0);
            assert_eq!(heap.allocate(layout(8, 4096)) as usize % 4096, 0);
            assert_eq!(heap.allocate(layout(8, PAGE)) as usize % PAGE, 0);
            assert!(
                heap.allocate(layout(8, 2 * PAGE)).is_null(),
                "no alignment past a page"
            );
        }
    }

    #[test]
    fn freeing_and_allocating_take_constant_time_whatever_the_free_lists_hold() {
        // 60,000 policies created, then all dropped at once, then created again: every
        // operation is one list push or pop, and no new page is taken the second time.
        let mut heap = Heap::new(Arena::new(200));
        let l = layout(120, 8);
        let blocks: Vec<_> = (0..60_000).map(|_| unsafe { heap.allocate(l) }).collect();
        assert!(blocks.iter().all(|p| !p.is_null()));
        let grows = heap.pages.grows;
        for &p in &blocks {
            unsafe { heap.free(p, l) };
        }
        for _ in 0..60_000 {
            assert!(!unsafe { heap.allocate(l) }.is_null());
        }
        assert_eq!(heap.pages.grows, grows, "freed blocks were reused");
    }

    #[test]
    fn exhausted_memory_is_a_null_pointer_not_a_trap() {
        let mut heap = Heap::new(Arena::new(1));
        unsafe {
            assert!(!heap.allocate(layout(PAGE / 4, 8)).is_null());
            assert!(heap.allocate(layout(2 * PAGE, 8)).is_null());
            assert!(heap.allocate(layout(isize::MAX as usize / 2, 8)).is_null());
        }
    }

    #[test]
    fn a_block_grows_in_place_within_its_class() {
        assert!(Heap::<Arena>::same_block(layout(17, 8), layout(32, 8)));
        assert!(Heap::<Arena>::same_block(layout(1, 1), layout(16, 8)));
        assert!(!Heap::<Arena>::same_block(layout(32, 8), layout(33, 8)));
        assert!(!Heap::<Arena>::same_block(layout(64, 8), layout(32, 8)));
    }
}
