//! The only place that knows how records are encoded on disk (bincode 2, serde mode).
//!
//! Swapping the encoding (postcard, wincode…) means changing this file and bumping
//! [`FORMAT_VERSION`], which makes every existing store rebuild itself from the fixtures.

use serde::{de::DeserializeOwned, Serialize};

use super::{search::Field, StoreError};

/// Changes whenever the encoding or the shape of a stored record or key changes.
pub const FORMAT_VERSION: &str = "capgraph-store/15 bincode-2-standard";

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

/// A search posting list: record numbers and fields, five bytes each (little-endian number, then
/// the field's index). Lists run to tens of thousands of entries at scale, decoded on every
/// search: a fixed layout decodes several times faster than bincode's.
pub fn encode_postings(postings: &[(u32, Field)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 5);
    for (number, field) in postings {
        out.extend_from_slice(&number.to_le_bytes());
        out.push(field.index());
    }
    out
}

/// The postings of an encoded list, read in place; the list's layout is checked first.
pub fn postings(bytes: &[u8]) -> Result<impl Iterator<Item = (u32, Field)> + '_, StoreError> {
    if !bytes.len().is_multiple_of(5) || bytes.chunks_exact(5).any(|chunk| Field::from_index(chunk[4]).is_none()) {
        return Err(StoreError::Decode(format!("a posting list of {} bytes is not one", bytes.len())));
    }
    Ok(bytes.chunks_exact(5).map(|chunk| {
        let number = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        (number, Field::from_index(chunk[4]).unwrap_or(Field::Purpose))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, PartialDate, Participation, Role};

    #[test]
    fn records_round_trip_without_loss() {
        let participation =
            Participation { participant: "AUT".into(), roles: vec![Role::Partner], note: Some("NATO partner".into()), sources: vec![] };
        assert_eq!(decode::<Participation>(&encode(&participation).unwrap()).unwrap(), participation);
        let money = Money { amount: "16.5".into(), currency: "EUR".into(), approximate: true };
        assert_eq!(decode::<Money>(&encode(&money).unwrap()).unwrap(), money);
        let date: PartialDate = "2024-10".parse().unwrap();
        assert_eq!(decode::<PartialDate>(&encode(&date).unwrap()).unwrap(), date);
    }

    #[test]
    fn postings_round_trip() {
        let postings = vec![(0, Field::Code), (7, Field::Purpose), (u32::MAX, Field::Note)];
        assert_eq!(super::postings(&encode_postings(&postings)).unwrap().collect::<Vec<_>>(), postings);
        assert!(super::postings(&[1, 2, 3]).is_err());
        assert!(super::postings(&[1, 2, 3, 4, 200]).is_err());
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&("a long enough string".to_string(), 7u32)).unwrap();
        assert!(decode::<(String, u32)>(&bytes[..bytes.len() / 2]).is_err());
        assert!(decode::<u8>(&bytes).is_err());
    }
}
