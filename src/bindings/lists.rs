//! Lists that cross from JavaScript as one NUL-separated string (JavaScript refuses names
//! with NUL, so NUL cannot occur inside an item).

/// `joined`'s items, split at NUL bytes. By hand rather than `str::split`: NUL is ASCII, so
/// every cut is a char boundary, and the module carries no char-pattern searcher.
pub(crate) fn nul_separated(joined: &str) -> impl Iterator<Item = &str> + Clone {
    separated(joined, 0)
}

/// `joined`'s items, split at `separator`, an ASCII byte (so every cut is a char boundary).
pub(crate) fn separated(joined: &str, separator: u8) -> impl Iterator<Item = &str> + Clone {
    let mut rest = Some(joined);
    core::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| b == separator) {
            Some(at) => {
                rest = text.get(at + 1..);
                text.get(..at)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::nul_separated;
    use alloc::vec::Vec;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn splits_like_str_split() {
        for joined in [
            "",
            "a",
            "a\0b",
            "\0",
            "a\0\0b\0",
            "é\0ü",
            "ECONNRESET\0\0Error",
        ] {
            let ours: Vec<&str> = nul_separated(joined).collect();
            let std: Vec<&str> = joined.split('\0').collect();
            assert_eq!(ours, std, "{joined:?}");
        }
    }
}
