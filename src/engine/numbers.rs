//! Number helpers that `core` lacks (the WebAssembly build has no std), and integers written
//! as text without `fmt` (which would pull float formatting into the module).

use alloc::string::String;

pub fn is_integer(v: f64) -> bool {
    v.is_finite() && v % 1.0 == 0.0
}

pub fn floor(x: f64) -> f64 {
    let truncated = x - x % 1.0;
    if truncated > x {
        truncated - 1.0
    } else {
        truncated
    }
}

pub fn ceil(x: f64) -> f64 {
    -floor(-x)
}

/// Appends the decimal digits of `n`.
pub fn push_integer(out: &mut String, n: i32) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 10];
    let mut rest = n.unsigned_abs();
    let mut len = 0;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_ceil_and_integers() {
        for (x, f, c) in [
            (1.5, 1.0, 2.0),
            (-1.5, -2.0, -1.0),
            (2.0, 2.0, 2.0),
            (0.0, 0.0, 0.0),
            (-0.25, -1.0, 0.0),
        ] {
            assert_eq!((floor(x), ceil(x)), (f, c), "{x}");
        }
        assert!(
            is_integer(3.0)
                && !is_integer(3.5)
                && !is_integer(f64::INFINITY)
                && !is_integer(f64::NAN)
        );
        let mut s = String::new();
        for n in [0, 7, -42, i32::MAX, i32::MIN] {
            s.clear();
            push_integer(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
