//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as ms to wait from now.

use super::numbers::floor;

/// The ms to wait that a `Retry-After` value asks for, given the current time as Unix ms;
/// `None` when the value is neither form. A date in the past asks for no wait (0).
#[inline(never)] // one copy, wherever a Retry-After is read
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    // Bytes, not chars: every valid value is ASCII, and byte slices keep the WebAssembly
    // module free of the char-pattern searchers.
    let value = trim_http_whitespace(value.as_bytes());
    // delay-seconds = 1*DIGIT
    if let Some(seconds) = whole_number(value) {
        return Some(seconds * 1000.0);
    }
    let at = date_ms(value, now_ms)?;
    Some((at - now_ms).max(0.0))
}

/// What a call does when a server asks for a wait longer than the policy honours
/// (`maxRetryAfter`, else `maxDelay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongRetryAfter {
    /// Give up at once (reason `retryAfter`): the server will not be ready in time.
    Stop,
    /// Wait the longest wait honoured, then retry (ky's behaviour).
    Cap,
}

impl LongRetryAfter {
    pub const ALL: [LongRetryAfter; 2] = [LongRetryAfter::Stop, LongRetryAfter::Cap];

    pub fn name(self) -> &'static str {
        match self {
            LongRetryAfter::Stop => "stop",
            LongRetryAfter::Cap => "cap",
        }
    }

    /// The position in [`LongRetryAfter::ALL`] (the binding passes choices as this number).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(name: &str) -> Option<LongRetryAfter> {
        LongRetryAfter::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The response headers that can ask for a wait, in the order they are heeded: the first that
/// holds a value it can read decides. `Retry-After` (RFC 9110); AWS's `x-amz-retry-after`, in
/// ms; the IETF draft's `RateLimit-Reset` and the common `X-RateLimit-Retry-After`, in seconds;
/// `X-RateLimit-Reset`, in seconds from now or, when large, as a Unix time in seconds (GitHub).
pub const DELAY_HEADERS: [&str; 5] = [
    "retry-after",
    "x-amz-retry-after",
    "ratelimit-reset",
    "x-ratelimit-retry-after",
    "x-ratelimit-reset",
];

/// A number of seconds this large is a Unix time (2001-09-09 on), not a wait.
const UNIX_SECONDS: f64 = 1e9;

/// The ms to wait that a response's [`DELAY_HEADERS`] ask for, their `values` in that order
/// (empty for a header the response lacks), given the current time as Unix ms. A past time
/// asks for no wait (0).
pub fn delay_hint_ms<'a>(values: impl IntoIterator<Item = &'a str>, now_ms: f64) -> Option<f64> {
    values
        .into_iter()
        .enumerate()
        .find_map(|(header, value)| header_delay_ms(header, value, now_ms))
}

/// The ms that `value` of header `header` (an index into [`DELAY_HEADERS`]) asks to wait.
#[inline(never)]
fn header_delay_ms(header: usize, value: &str, now_ms: f64) -> Option<f64> {
    if header == 0 {
        return retry_after_ms(value, now_ms);
    }
    let number = whole_number(trim_http_whitespace(value.as_bytes()))?;
    Some(if header == 1 {
        number
    } else if number >= UNIX_SECONDS {
        (number * 1000.0 - now_ms).max(0.0)
    } else {
        number * 1000.0
    })
}

/// `1*DIGIT` as a number (a huge one saturates, and every cap then refuses it).
fn whole_number(digits: &[u8]) -> Option<f64> {
    (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit)).then(|| {
        digits
            .iter()
            .fold(0.0_f64, |acc, b| acc * 10.0 + f64::from(b - b'0'))
    })
}

/// Without leading and trailing HTTP whitespace (space, tab, CR, LF: what fetch's `Headers`
/// strips from a value too).
fn trim_http_whitespace(mut value: &[u8]) -> &[u8] {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    while let [first, rest @ ..] = value {
        if !space(first) {
            break;
        }
        value = rest;
    }
    while let [rest @ .., last] = value {
        if !space(last) {
            break;
        }
        value = rest;
    }
    value
}

/// An HTTP-date as Unix ms, in any of the three forms RFC 9110 §5.6.7 has recipients accept:
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime `Sun Nov  6 08:49:37 1994`. All three hold the same parts after the weekday, so
/// each part is told by its shape (month name, `hh:mm:ss`, day before year), not its place.
/// `now_ms` (Unix ms) places RFC 850's two-digit years.
pub fn http_date_ms(value: &str, now_ms: f64) -> Option<f64> {
    date_ms(value.as_bytes(), now_ms)
}

fn date_ms(value: &[u8], now_ms: f64) -> Option<f64> {
    let mut parts = value
        .split(|b| matches!(b, b' ' | b',' | b'-'))
        .filter(|p| !p.is_empty());
    parts.next()?; // the weekday
    let (mut day, mut month, mut year, mut clock) = (None, None, None, None);
    for part in parts {
        if part.contains(&b':') {
            clock = Some(part);
        } else if let Some(m) = month_number(part) {
            month = Some(m);
        } else if let Some(n) = number(part) {
            if day.is_none() {
                day = Some(n)
            } else {
                year = Some(n)
            }
        } else if part != b"GMT" {
            return None;
        }
    }
    let year = match year? {
        // RFC 850's two-digit years, as RFC 9110 §5.6.7 has them read: one that appears to be
        // more than 50 years in the future is the most recent past year with those digits.
        y @ 0..=99 => {
            let this_year = year_of(now_ms);
            let in_this_century = this_year - this_year.rem_euclid(100) + y;
            if in_this_century > this_year + 50 {
                in_this_century - 100
            } else if in_this_century <= this_year - 50 {
                in_this_century + 100
            } else {
                in_this_century
            }
        }
        y => y,
    };
    let mut hms = clock?.split(|b| *b == b':').map(number);
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    let day = day?;
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month?, day);
    Some(((days * 86_400 + h * 3_600 + m * 60 + s) as f64) * 1000.0)
}

fn number(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 4 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0, |acc, b| acc * 10 + i64::from(b - b'0')))
}

fn month_number(name: &[u8]) -> Option<i64> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    MONTHS.iter().position(|m| *m == name).map(|i| i as i64 + 1)
}

/// The Gregorian year of a Unix time in ms (H. Hinnant's civil_from_days, year part).
fn year_of(unix_ms: f64) -> i64 {
    let days = floor(unix_ms / 86_400_000.0) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms", days_from_civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A fixed "now" for the tests: 2026-12-03T00:00:00Z.
#[cfg(test)]
const NOW_2026: f64 = 1_796_256_000_000.0;

#[cfg(test)]
mod long_retry_after {
    use super::LongRetryAfter;

    #[test]
    fn names_and_indexes_are_the_ones_the_binding_passes() {
        for (i, choice) in LongRetryAfter::ALL.into_iter().enumerate() {
            assert_eq!(choice.index(), i);
            assert_eq!(LongRetryAfter::from_name(choice.name()), Some(choice));
        }
        assert_eq!(
            LongRetryAfter::ALL.map(LongRetryAfter::name),
            ["stop", "cap"]
        );
        assert_eq!(LongRetryAfter::from_name("Cap"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1994-11-06T08:49:37Z, the RFC's example, as Unix ms.
    const RFC_EXAMPLE: f64 = 784_111_777_000.0;

    #[test]
    fn each_delay_header_in_its_unit_and_the_first_readable_one_decides() {
        let hint = |values: [&str; 5]| delay_hint_ms(values, NOW_2026);
        assert_eq!(hint(["2", "", "", "", ""]), Some(2000.0));
        assert_eq!(hint(["", "250", "", "", ""]), Some(250.0), "AWS: ms");
        assert_eq!(hint(["", "", "3", "", ""]), Some(3000.0));
        assert_eq!(hint(["", "", "", "4", ""]), Some(4000.0));
        assert_eq!(hint(["", "", "", "", "5"]), Some(5000.0));
        // A Unix time in seconds: the wait until then, or none once it has passed.
        let soon = (NOW_2026 / 1000.0 + 6.0).to_string();
        assert_eq!(hint(["", "", "", "", &soon]), Some(6000.0));
        let past = (NOW_2026 / 1000.0 - 6.0).to_string();
        assert_eq!(hint(["", "", "", "", &past]), Some(0.0));
        // Both sides of the line between seconds and a Unix time.
        assert_eq!(hint(["", "", "", "", "999999999"]), Some(999_999_999_000.0));
        assert_eq!(hint(["", "", "", "", "1000000000"]), Some(0.0));
        // The first readable header decides; a malformed one lets the next speak.
        assert_eq!(hint(["1", "", "9", "", ""]), Some(1000.0));
        assert_eq!(hint(["soon", "", "9", "", ""]), Some(9000.0));
        assert_eq!(
            hint(["", "1.5", "", "", "2"]),
            Some(2000.0),
            "ms must be whole"
        );
        assert_eq!(hint(["", "", "", "", ""]), None);
        assert_eq!(delay_hint_ms(["", " 7 "], NOW_2026), Some(7.0), "trimmed");
    }

    #[test]
    fn delay_seconds() {
        assert_eq!(retry_after_ms("120", 0.0), Some(120_000.0));
        assert_eq!(retry_after_ms(" 0 ", 5.0), Some(0.0));
        // An absurd value stays a (huge) number, which every cap then refuses.
        assert!(retry_after_ms("99999999999999999999999", 0.0).unwrap() > 2_147_483_647.0);
    }

    #[test]
    fn only_http_whitespace_is_trimmed() {
        assert_eq!(retry_after_ms("\t120\r\n", 0.0), Some(120_000.0));
        assert_eq!(retry_after_ms(" \t ", 0.0), None);
        // A no-break space is not HTTP whitespace: the value is malformed.
        assert_eq!(retry_after_ms("\u{a0}120", 0.0), None);
        assert_eq!(
            retry_after_ms("  Sun, 06 Nov 1994 08:49:37 GMT\t", 0.0),
            Some(RFC_EXAMPLE)
        );
    }

    #[test]
    fn the_three_date_forms() {
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT", NOW_2026),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT", NOW_2026),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            http_date_ms("Sun Nov  6 08:49:37 1994", NOW_2026),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT", NOW_2026),
            Some(0.0)
        );
        assert_eq!(
            http_date_ms("Tue, 29 Feb 2028 23:59:59 GMT", NOW_2026),
            Some(1_835_481_599_000.0)
        );
    }

    #[test]
    fn dates_are_relative_to_now_and_never_negative() {
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE - 1500.0),
            Some(1500.0)
        );
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE + 1.0),
            Some(0.0)
        );
    }

    #[test]
    fn malformed_values_are_none() {
        for value in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(retry_after_ms(value, 0.0), None, "{value:?}");
        }
    }
}

#[cfg(test)]
mod date_bounds {
    use super::*;

    const BASE: f64 = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn each_clock_field_is_checked_on_both_sides_of_its_bound() {
        let at =
            |clock: &str| http_date_ms(&["Sun, 06 Nov 1994 ", clock, " GMT"].concat(), NOW_2026);
        assert_eq!(at("08:49:37"), Some(BASE));
        assert_eq!(
            at("23:59:59"),
            Some(BASE + ((15 * 3600 + 10 * 60 + 22) * 1000) as f64)
        );
        assert_eq!(at("24:00:00"), None);
        assert_eq!(
            at("00:59:00"),
            Some(BASE - ((8 * 3600 + 49 * 60 + 37) * 1000 - 59 * 60_000) as f64)
        );
        assert_eq!(at("00:60:00"), None);
        // A leap second is allowed, nothing past it.
        assert_eq!(
            at("00:00:60"),
            Some(BASE - ((8 * 3600 + 49 * 60 + 37) * 1000 - 60_000) as f64)
        );
        assert_eq!(at("00:00:61"), None);
        assert_eq!(at("08:49"), None);
        assert_eq!(at("08:49:37:00"), None);
        assert_eq!(at("08:49:037"), Some(BASE), "up to four digits");
        assert_eq!(at("08:49:00037"), None);
        assert_eq!(at("08::37"), None);
    }

    #[test]
    fn days_are_checked_on_both_sides() {
        assert!(http_date_ms("Tue, 01 Nov 1994 00:00:00 GMT", NOW_2026).is_some());
        assert!(http_date_ms("Wed, 31 Dec 1994 00:00:00 GMT", NOW_2026).is_some());
        assert_eq!(
            http_date_ms("Sun, 00 Nov 1994 00:00:00 GMT", NOW_2026),
            None
        );
        assert_eq!(
            http_date_ms("Sun, 32 Nov 1994 00:00:00 GMT", NOW_2026),
            None
        );
    }

    #[test]
    fn a_two_digit_year_is_read_as_rfc_9110_says() {
        // Not more than 50 years ahead: this century.
        assert_eq!(
            http_date_ms("Thursday, 06-Nov-25 08:49:37 GMT", NOW_2026),
            Some(1_762_418_977_000.0)
        );
        // 2075 is 49 years ahead of 2026: 2075, not 1975.
        assert_eq!(
            http_date_ms("Friday, 22-Nov-75 23:52:35 GMT", NOW_2026),
            Some(3_341_692_355_000.0)
        );
        // On both sides of "more than 50 years in the future": 2076 is 50 ahead, 2077 is 51.
        assert_eq!(
            http_date_ms("Sunday, 22-Nov-76 23:52:35 GMT", NOW_2026),
            Some(3_373_314_755_000.0)
        );
        assert_eq!(
            http_date_ms("Tuesday, 22-Nov-77 23:52:35 GMT", NOW_2026),
            Some(249_090_755_000.0)
        );
        // Four-digit years are what they say.
        assert_eq!(
            http_date_ms("Tue, 22 Nov 2077 23:52:35 GMT", NOW_2026).map(|ms| ms > NOW_2026),
            Some(true)
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod differential {
    use super::super::Rng;
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const LONG_DAYS: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    /// The three forms RFC 9110 §5.6.7 names, for `seconds` since the epoch. The civil date is
    /// taken from `httpdate`'s own IMF-fixdate, so the other two forms restate its fields.
    fn three_forms(seconds: u64) -> [std::string::String; 3] {
        let imf = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds));
        // "Sun, 06 Nov 1994 08:49:37 GMT"
        let (day, month, year, clock) = (&imf[5..7], &imf[8..11], &imf[12..16], &imf[17..25]);
        let weekday = DAYS[((seconds / 86_400) % 7) as usize];
        let long = LONG_DAYS[((seconds / 86_400) % 7) as usize];
        assert!(MONTHS.contains(&month));
        let rfc850 = std::format!("{long}, {day}-{month}-{} {clock} GMT", &year[2..]);
        let asctime = std::format!(
            "{weekday} {month} {:>2} {clock} {year}",
            day.trim_start_matches('0')
        );
        [imf, rfc850, asctime]
    }

    #[test]
    fn agrees_with_httpdate_on_every_form_over_random_dates() {
        let mut rng = Rng::new(2026);
        // 1970 to 2049: where RFC 850's two-digit years mean the same to both parsers.
        let end = 2_524_608_000u64; // 2050-01-01
        for i in 0..20_000 {
            let seconds = if i < 4 {
                [0, 951_782_400, 1_709_164_800, end - 1][i] // epoch, 2000-02-29, 2024-02-29, last
            } else {
                (rng.next_unit() * end as f64) as u64
            };
            for form in three_forms(seconds) {
                let theirs = httpdate::parse_http_date(&form)
                    .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs() as f64 * 1000.0)
                    .ok();
                // httpdate reads 70–99 as 1970–1999 whatever the date; RFC 9110 reads them
                // from now (in 2026, 70–76 are 2070–2076): compare the forms that agree.
                let rfc850_disagrees =
                    form.contains('-') && (1970..=1976).contains(&year_of(seconds as f64 * 1000.0));
                if !rfc850_disagrees {
                    assert_eq!(http_date_ms(&form, NOW_2026), theirs, "{form}");
                }
                assert_eq!(theirs, Some(seconds as f64 * 1000.0), "{form}");
            }
        }
    }
}
