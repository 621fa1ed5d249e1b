//! Calendar arithmetic as rules.md defines it: calendar months with the day clamped, the
//! academic year (1 September to 31 August), NC year from a date of birth, age with
//! 29 February birthdays, and dates written the British way ("3 March 2026").

use chrono::{Datelike, Months, NaiveDate};

/// Parse an ISO `YYYY-MM-DD` date that is a real calendar day.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let b = t.as_bytes();
    // Exactly the ISO shape: chrono alone would also take "2026-9-1".
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !b
        .iter()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    // The digits read directly (chrono's `%Y-%m-%d` reads the same, after parsing its
    // format string for every date).
    let n = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)).ok()?, n(5..7), n(8..10))
}

/// Whether `text` has the YYYY-MM-DD shape (even if it is not a real day).
pub fn parse_loose(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `date` + `months` calendar months, the day clamped to the month's end
/// (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` + `days` days (negative to go back), saturating at the ends of the calendar.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// Whole days from `a` to `b` (positive when `b` is later).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// The calendar year in which the academic year containing `date` began.
pub fn academic_year_start_year(date: NaiveDate) -> i32 {
    if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// 1 September of the academic year containing `date`.
pub fn academic_year_start(date: NaiveDate) -> NaiveDate {
    ymd(academic_year_start_year(date), 9, 1)
}

/// 31 August that ends the academic year containing `date`.
pub fn academic_year_end(date: NaiveDate) -> NaiveDate {
    ymd(academic_year_start_year(date) + 1, 8, 31)
}

/// The NC year on `on` of a pupil born on `dob` (Reception = 0): A − C − 4, where A is the
/// year the academic year containing `on` began and C the year of the 31 August that ends
/// the pupil's year of birth.
pub fn nc_year_from_dob(dob: NaiveDate, on: NaiveDate) -> i64 {
    let a = i64::from(academic_year_start_year(on));
    let c = i64::from(academic_year_start_year(dob)) + 1;
    a - c - 4
}

/// Whole years from `dob` to `on`; in a year without 29 February, a 29 February birthday
/// falls on 28 February.
pub fn age(dob: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year() - dob.year());
    let birthday_this_year = birthday_in(dob, on.year());
    if on < birthday_this_year {
        years -= 1;
    }
    years
}

fn birthday_in(dob: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, dob.month(), dob.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(NaiveDate::MAX)
}

/// A date that exists (callers pass literal month/day pairs).
pub fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(year, month, 28))
        .unwrap_or(NaiveDate::MAX)
}

/// "3 March 2026".
pub fn uk(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "2026-03-03".
pub fn iso(date: NaiveDate) -> String {
    match date.year() {
        // What chrono's `%Y-%m-%d` writes, without parsing the format for every date.
        y @ 0..=9999 => format!("{y:04}-{:02}-{:02}", date.month(), date.day()),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_iso_agree_with_chrono_on_every_day_and_every_near_miss() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).expect("a day");
        while d.year() < 2030 {
            let text = d.format("%Y-%m-%d").to_string();
            assert_eq!(iso(d), text);
            assert_eq!(parse(&text), Some(d));
            d = d.succ_opt().expect("a next day");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-4-01",
            "2026-04-1a",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse("0000-01-01"), NaiveDate::from_ymd_opt(0, 1, 1));
        assert_eq!(
            iso(NaiveDate::from_ymd_opt(7, 3, 9).expect("a day")),
            "0007-03-09"
        );
        assert_eq!(
            iso(NaiveDate::MAX),
            NaiveDate::MAX.format("%Y-%m-%d").to_string()
        );
    }

    fn d(s: &str) -> NaiveDate {
        parse(s).unwrap()
    }

    #[test]
    fn impossible_and_misshapen_dates_are_refused() {
        assert!(parse("2026-02-30").is_none());
        assert!(parse("2026-9-1").is_none());
        assert!(parse("20260901").is_none());
        assert_eq!(parse("2024-02-29"), Some(ymd(2024, 2, 29)));
    }

    #[test]
    fn adding_a_month_to_31_january_clamps_to_february_end() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
    }

    #[test]
    fn leap_day_plus_twelve_months_is_28_february() {
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
    }

    #[test]
    fn nc_year_follows_the_august_cut_off() {
        // Born 1 Sept 2016 - 31 Aug 2017 (C = 2017): Year 5 in 2026-27.
        assert_eq!(nc_year_from_dob(d("2016-09-01"), d("2026-11-23")), 5);
        assert_eq!(nc_year_from_dob(d("2017-08-31"), d("2026-11-23")), 5);
        assert_eq!(nc_year_from_dob(d("2017-09-01"), d("2026-11-23")), 4);
        // Reception in 2026-27: born Sept 2021 - Aug 2022.
        assert_eq!(nc_year_from_dob(d("2022-03-01"), d("2027-07-01")), 0);
    }

    #[test]
    fn leap_day_birthday_counts_on_28_february_in_common_years() {
        assert_eq!(age(d("2020-02-29"), d("2025-02-27")), 4);
        assert_eq!(age(d("2020-02-29"), d("2025-02-28")), 5);
        assert_eq!(age(d("2020-02-29"), d("2024-02-29")), 4);
    }

    #[test]
    fn dates_read_the_british_way() {
        assert_eq!(uk(d("2026-03-03")), "3 March 2026");
    }
}
