//! The only place that knows how records are encoded on disk (bincode 2, serde mode).
//!
//! Swapping the encoding (postcard, wincode…) means changing this file and bumping
//! [`FORMAT_VERSION`], which makes every existing store rebuild itself from the fixtures.

use serde::{de::DeserializeOwned, Serialize};

use super::StoreError;

/// Changes whenever the encoding or the shape of a stored record or key changes.
pub const FORMAT_VERSION: &str = "capgraph-store/6 bincode-2-standard";

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    bincode::serde::encode_to_vec(value, config()).map_err(|err| StoreError::Encode(err.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    let (value, read) = bincode::serde::decode_from_slice(bytes, config()).map_err(|err| StoreError::Decode(err.to_string()))?;
    if read != bytes.len() {
        return Err(StoreError::Decode(format!("{} trailing bytes", bytes.len() - read)));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, PartialDate, Participation, Role};

    #[test]
    fn records_round_trip_without_loss() {
        let participation =
            Participation { participant: "AUT".into(), role: Role::Partner, note: Some("NATO partner".into()), sources: vec![] };
        assert_eq!(decode::<Participation>(&encode(&participation).unwrap()).unwrap(), participation);
        let money = Money { amount: "16.5".into(), currency: "EUR".into(), approximate: true };
        assert_eq!(decode::<Money>(&encode(&money).unwrap()).unwrap(), money);
        let date: PartialDate = "2024-10".parse().unwrap();
        assert_eq!(decode::<PartialDate>(&encode(&date).unwrap()).unwrap(), date);
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&("a long enough string".to_string(), 7u32)).unwrap();
        assert!(decode::<(String, u32)>(&bytes[..bytes.len() / 2]).is_err());
        assert!(decode::<u8>(&bytes).is_err());
    }
}
