//! `PartialDate`: a date exactly as precise as the text that states it.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// "2014", "October 2024" or "11 December 2019": year, optional month, optional day; or a range
/// the text gives ("the 2035-2040 timeframe"), each end as precise as the text.
/// Serialized (in JSON and in the store) as its ISO form `2014`, `2024-10`, `2019-12-11`, or an
/// ISO 8601 interval `2035/2040`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// The end of a range (year, month, day), later than the start; `None` for a single date.
    pub until: Option<(u16, Option<u8>, Option<u8>)>,
}

/// Why a text is not a date, in words that point at the mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartialDateError {
    #[error("{0:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD, or a range START/END of two such dates, END later")]
    Form(String),
    #[error("{text:?}: there is no month {month} (months are 01 to 12)")]
    NoMonth { text: String, month: u16 },
    #[error("{text:?}: {month} {year} has no day {day} (it has {days} days)")]
    NoDay { text: String, year: u16, month: &'static str, day: u16, days: u8 },
    #[error("{0:?}: the end of a range must come after its start")]
    RangeOrder(String),
}

const MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

impl PartialDate {
    /// A single date.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> PartialDate {
        PartialDate { year, month, day, until: None }
    }

    /// The end of the range, as a date of its own; `None` for a single date.
    pub fn until(&self) -> Option<PartialDate> {
        self.until.map(|(year, month, day)| PartialDate::new(year, month, day))
    }

    /// How precise the date (its start, for a range) is.
    pub fn precision(&self) -> super::DatePrecision {
        match (self.month, self.day) {
            (None, _) => super::DatePrecision::Year,
            (Some(_), None) => super::DatePrecision::Month,
            (Some(_), Some(_)) => super::DatePrecision::Day,
        }
    }

    /// The timeline's order: by start, a year before the months of that year and a month before
    /// its days (a date known only to the year cannot be placed among them).
    pub fn timeline_key(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0))
    }

    /// The ISO 8601 form, only as precise as the date is.
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// The earliest full day this date can stand for (for range filters and ordering).
    pub fn start(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The latest full day this date (or range) can stand for.
    pub fn end(&self) -> (u16, u8, u8) {
        if let Some(until) = self.until() {
            return until.end();
        }
        let month = self.month.unwrap_or(12);
        (self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        match self.until() {
            Some(until) => write!(f, "/{until}"),
            None => Ok(()),
        }
    }
}

impl FromStr for PartialDate {
    type Err = PartialDateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((start, end)) = text.split_once('/') else { return single(text) };
        let (start, end) = (single(start)?, single(end)?);
        if end.start() <= start.end() {
            return Err(PartialDateError::RangeOrder(text.to_owned()));
        }
        Ok(PartialDate { until: Some((end.year, end.month, end.day)), ..start })
    }
}

/// One date, no range.
fn single(text: &str) -> Result<PartialDate, PartialDateError> {
    {
        let bad = || PartialDateError::Form(text.to_owned());
        let number = |part: &str, len: usize| -> Result<u16, PartialDateError> {
            if part.len() == len && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let mut parts = text.split('-');
        let year = number(parts.next().ok_or_else(bad)?, 4)?;
        let month = parts.next().map(|p| number(p, 2)).transpose()?;
        let day = parts.next().map(|p| number(p, 2)).transpose()?;
        if parts.next().is_some() || year == 0 {
            return Err(bad());
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(PartialDateError::NoMonth { text: text.to_owned(), month: m });
            }
            if let Some(d) = day {
                let days = days_in_month(year, m as u8);
                if d == 0 || d > u16::from(days) {
                    let month = MONTH_NAMES[usize::from(m) - 1];
                    return Err(PartialDateError::NoDay { text: text.to_owned(), year, month, day: d, days });
                }
            }
        }
        let (month, day) = (month.map(|m| m as u8), day.map(|d| d as u8));
        Ok(PartialDate::new(year, month, day))
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_precision_of_the_text() {
        for text in ["2014", "2024-10", "2019-12-11", "2024-02-29"] {
            assert_eq!(text.parse::<PartialDate>().unwrap().iso(), text);
        }
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        for text in [
            "",
            "14",
            "2014-1",
            "2014-13",
            "2019-02-29",
            "2019-12-11-1",
            "October 2024",
            "0000",
            "2040/2035",
            "2035/2035",
            "2035/",
            "2035/2040/2045",
        ] {
            assert!(text.parse::<PartialDate>().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn ranges_cover_the_whole_stated_period() {
        let month: PartialDate = "2024-02".parse().unwrap();
        assert_eq!(month.start(), (2024, 2, 1));
        assert_eq!(month.end(), (2024, 2, 29));
        let year: PartialDate = "2014".parse().unwrap();
        assert_eq!(year.end(), (2014, 12, 31));
        let span: PartialDate = "2035/2040".parse().unwrap();
        assert_eq!((span.start(), span.end()), ((2035, 1, 1), (2040, 12, 31)));
        assert_eq!(span.iso(), "2035/2040");
        assert_eq!(span.until().map(|u| u.iso()), Some("2040".to_owned()));
        assert_eq!("2025-07/2025-08".parse::<PartialDate>().unwrap().end(), (2025, 8, 31));
    }
}
