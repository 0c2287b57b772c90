//! `Money`: an exact decimal amount in an ISO 4217 currency.

use serde::{Deserialize, Deserializer, Serialize};

/// An amount as the text states it: "EUR 16.5 million" is `16500000 EUR`, "nearly USD 700 million"
/// is `700000000 USD`, approximate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Exact decimal string: digits, optionally one `.` and more digits.
    pub amount: String,
    pub currency: String,
    pub approximate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount {0:?} is not an exact decimal (digits with an optional fraction)")]
    Amount(String),
    #[error("currency {0:?} is not an ISO 4217 code (three capital letters)")]
    Currency(String),
}

/// Fraction digits kept when comparing amounts (enough for any currency's minor unit).
const SCALE: u32 = 6;

impl Money {
    pub fn validate(&self) -> Result<(), MoneyError> {
        parse_decimal(&self.amount).ok_or_else(|| MoneyError::Amount(self.amount.clone()))?;
        let c = self.currency.as_bytes();
        if c.len() != 3 || !c.iter().all(u8::is_ascii_uppercase) {
            return Err(MoneyError::Currency(self.currency.clone()));
        }
        Ok(())
    }

    /// The amount scaled by 10^6, for exact comparison and summing.
    pub fn scaled(&self) -> i128 {
        parse_decimal(&self.amount).unwrap_or_default()
    }
}

/// Parses `123`, `16.5`, `0.25` into an integer scaled by 10^SCALE; `None` for anything else.
pub fn parse_decimal(text: &str) -> Option<i128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > SCALE as usize {
        return None;
    }
    let whole: i128 = whole.parse().ok().filter(|w: &i128| *w < 10i128.pow(24))?;
    let padded = format!("{fraction:0<width$}", width = SCALE as usize);
    Some(whole * 10i128.pow(SCALE) + padded.parse::<i128>().ok()?)
}

/// Formats a scaled amount back into the shortest exact decimal string.
pub fn format_decimal(scaled: i128) -> String {
    let unit = 10i128.pow(SCALE);
    let (whole, fraction) = (scaled / unit, scaled % unit);
    if fraction == 0 {
        whole.to_string()
    } else {
        let fraction = format!("{fraction:0width$}", width = SCALE as usize);
        format!("{whole}.{}", fraction.trim_end_matches('0'))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Raw {
            amount: String,
            currency: String,
            #[serde(default)]
            approximate: bool,
        }
        let raw = Raw::deserialize(deserializer)?;
        let money = Money { amount: raw.amount, currency: raw.currency, approximate: raw.approximate };
        money.validate().map_err(serde::de::Error::custom)?;
        Ok(money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_exactly() {
        for text in ["16500000", "4700000000", "16.5", "0.25"] {
            assert_eq!(format_decimal(parse_decimal(text).unwrap()), text);
        }
    }

    #[test]
    fn rejects_inexact_or_formatted_amounts() {
        for text in ["", "1e6", "16,5", "1.", ".5", "-3", "16.5 million", "1.0000001"] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }
}
