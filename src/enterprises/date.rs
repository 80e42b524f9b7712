//! Calendar days for the screening: the dates of `enterprises.csv` and the
//! as-of date the table is judged at.
//!
//! Why a type of its own rather than a date crate: the rules only compare
//! days and add whole years, and the table's dates may be known to the month
//! only (`YYYY-MM`). One reading holds everywhere: a date known only to the
//! month is its **last day** (a start deadline of `2023-06` runs to 30 June;
//! a stop "since 2021-06" has surely lasted two years only from 30 June 2023),
//! and a year alone (`established_year`, `--as-of 2023`) is 31 December. So a
//! rule never flags on a date the table does not pin down.

use serde::{Serialize, Serializer};
use std::fmt;

/// A day of the proleptic Gregorian calendar; orders chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: i32,
    month: u8,
    day: u8,
}

/// How much of a date the table gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM`, read as the month's last day.
    Month,
    /// `YYYY` (only `--as-of` and `established_year`), read as 31 December.
    Year,
}

/// Years the calendar accepts: outside this range a cell is a typo, not a date.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Day {
    /// The day `year-month-day`, if it exists (and the year is in 1800–2200).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Day> {
        (YEARS.contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Day { year, month, day })
    }

    /// The last day of a month.
    pub fn end_of_month(year: i32, month: u8) -> Option<Day> {
        Day::new(year, month, days_in_month(year, month))
    }

    /// 31 December of `year`.
    pub fn end_of_year(year: i32) -> Option<Day> {
        Day::new(year, 12, 31)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The same day `n` years later; 29 February becomes 28 February in a
    /// common year (so "two years since 2020-02-29" ends on 2022-02-28).
    pub fn plus_years(self, n: i32) -> Day {
        let year = self.year + n;
        Day { year, month: self.month, day: self.day.min(days_in_month(year, self.month)) }
    }

    /// Parses a table date: `YYYY-MM-DD`, or `YYYY-MM` read as the month's
    /// last day. `Err` says what is wrong, in words a planner can act on.
    pub fn parse_cell(s: &str) -> Result<(Day, Precision), String> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
        };
        let bad = || format!("`{s}` is not a date: write YYYY-MM-DD (e.g. 2021-06-30) or YYYY-MM (e.g. 2021-06)");
        match parts.as_slice() {
            [y, m] => {
                let (Some(y), Some(m)) = (num(y, 4), num(m, 2)) else { return Err(bad()) };
                let m = u8::try_from(m).map_err(|_| bad())?;
                Day::end_of_month(y, m)
                    .map(|d| (d, Precision::Month))
                    .ok_or_else(|| format!("`{s}`: there is no such month"))
            }
            [y, m, d] => {
                let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else { return Err(bad()) };
                let (m, d) = (u8::try_from(m).map_err(|_| bad())?, u8::try_from(d).map_err(|_| bad())?);
                Day::new(y, m, d).map(|d| (d, Precision::Day)).ok_or_else(|| format!("`{s}`: there is no such day"))
            }
            _ => Err(bad()),
        }
    }

    /// Parses an as-of date: a table date, or `YYYY` read as 31 December.
    /// Meant as a clap `value_parser`.
    pub fn parse_as_of(s: &str) -> Result<Day, String> {
        let s = s.trim();
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse()
                .ok()
                .and_then(Day::end_of_year)
                .ok_or_else(|| format!("`{s}` is not a year between 1800 and 2200"));
        }
        Day::parse_cell(s).map(|(d, _)| d)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where the as-of date of a run came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfSource {
    /// `--as-of DATE`.
    Flag,
    /// The default: 31 December of the statistics year (the latest `year`
    /// of stats.csv).
    StatisticsYear(i32),
    /// No flag and no statistics year: the rules that need a date could not
    /// be judged. Never the wall clock, so that a run can be repeated.
    Unknown,
}

/// The date the table is judged at, and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AsOf {
    /// The day; `None` when neither `--as-of` nor a statistics year was given.
    pub date: Option<Day>,
    /// Where it came from.
    pub source: AsOfSource,
}

impl AsOf {
    /// `--as-of` if given, else 31 December of the statistics year, else unknown.
    pub fn resolve(flag: Option<Day>, statistics_year: Option<i32>) -> AsOf {
        match (flag, statistics_year.and_then(|y| Day::end_of_year(y).map(|d| (y, d)))) {
            (Some(d), _) => AsOf { date: Some(d), source: AsOfSource::Flag },
            (None, Some((y, d))) => AsOf { date: Some(d), source: AsOfSource::StatisticsYear(y) },
            (None, None) => AsOf { date: None, source: AsOfSource::Unknown },
        }
    }

    /// One sentence for reports: the date and where it came from.
    pub fn describe(&self) -> String {
        match (self.date, self.source) {
            (Some(d), AsOfSource::Flag) => format!("{d} (--as-of)"),
            (Some(d), AsOfSource::StatisticsYear(y)) => {
                format!("{d} (the end of the statistics year {y} of stats.csv; set another with --as-of DATE)")
            }
            _ => "none: neither --as-of nor a statistics year was given, so the rules that need a date (B1 criteria \
                  1 and 4, B2) could not be judged; pass --as-of DATE"
                .to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_cell(s).expect("a date").0
    }

    #[test]
    fn month_dates_are_their_last_day() {
        assert_eq!(Day::parse_cell("2021-06"), Ok((Day { year: 2021, month: 6, day: 30 }, Precision::Month)));
        assert_eq!(day("2024-02"), Day { year: 2024, month: 2, day: 29 }, "leap year");
        assert_eq!(day("2023-02"), Day { year: 2023, month: 2, day: 28 });
        assert_eq!(Day::parse_cell("2021-06-01").map(|x| x.1), Ok(Precision::Day));
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused_with_the_format() {
        for s in
            ["2021-13", "2021-02-30", "2023-02-29", "2021/06/01", "21-06", "2021-6", "2021", "x", "", "2021-06-01-02"]
        {
            assert!(Day::parse_cell(s).is_err(), "{s}");
        }
        assert!(Day::parse_cell("2021/06/01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(Day::parse_cell("2023-02-29").unwrap_err().contains("no such day"));
    }

    #[test]
    fn plus_years_keeps_the_day_or_clamps_29_february() {
        assert_eq!(day("2021-06-15").plus_years(2), day("2023-06-15"));
        assert_eq!(day("2020-02-29").plus_years(2), day("2022-02-28"));
        assert_eq!(day("2020-02-29").plus_years(4), day("2024-02-29"));
    }

    #[test]
    fn as_of_takes_the_flag_then_the_statistics_year_never_the_clock() {
        assert_eq!(Day::parse_as_of("2023"), Ok(day("2023-12-31")));
        assert_eq!(Day::parse_as_of("2023-06"), Ok(day("2023-06-30")));
        let flag = AsOf::resolve(Some(day("2022-01-01")), Some(2023));
        assert_eq!((flag.date, flag.source), (Some(day("2022-01-01")), AsOfSource::Flag));
        let stats = AsOf::resolve(None, Some(2023));
        assert_eq!((stats.date, stats.source), (Some(day("2023-12-31")), AsOfSource::StatisticsYear(2023)));
        assert_eq!(AsOf::resolve(None, None).date, None);
        assert!(AsOf::resolve(None, None).describe().contains("--as-of"));
    }
}
