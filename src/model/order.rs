//! The one ordering rule of every list: by a key in either direction, records without a key
//! (undated, unvalued) last either way, ties broken by code ascending, so paging is stable.

use std::cmp::Reverse;

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Asc,
    Desc,
}

/// A sort key in either direction (one type, so a list sorts with one call).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub enum Either<K> {
    Asc(K),
    Desc(Reverse<K>),
}

/// What to sort a record by: missing keys after present ones, then the key, then the code.
pub fn sort_key<K: Ord, C: Ord>(key: Option<K>, direction: Direction, code: C) -> ((bool, Option<Either<K>>), C) {
    let key = match direction {
        Direction::Asc => (key.is_none(), key.map(Either::Asc)),
        Direction::Desc => (key.is_none(), key.map(|k| Either::Desc(Reverse(k)))),
    };
    (key, code)
}

/// The key of a list in name (or title) order: the folded name, ties by code.
pub fn fold_key(name: &str, code: &str) -> ((bool, Option<Either<String>>), String) {
    sort_key(Some(super::text::fold(name)), Direction::Asc, code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_go_last_both_ways_and_codes_break_ties() {
        let items = [("b", Some(2)), ("a", None), ("c", Some(1)), ("d", Some(2))];
        for (direction, want) in [(Direction::Asc, ["c", "b", "d", "a"]), (Direction::Desc, ["b", "d", "c", "a"])] {
            let mut sorted = items.to_vec();
            sorted.sort_by_key(|(code, key)| sort_key(*key, direction, *code));
            assert_eq!(sorted.iter().map(|(c, _)| *c).collect::<Vec<_>>(), want);
        }
    }
}
