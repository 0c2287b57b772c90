//! One page of a record's links, read as a key range instead of the whole list: a nation with
//! 14,000 projects at ×1000 costs a page's worth of keys, not 14,000.
//!
//! The rule is the one every connection follows (see `graphql::connection::window`): `after` and
//! `before` cut the list, then `first` keeps the head or `last` the tail; a cursor must name a
//! record in the list.

use std::ops::Bound;

use super::{codec, keys, Link, StoreError};

/// How many links a page takes from the cut list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Take {
    First(usize),
    Last(usize),
}

/// A page of a link list, by target code: the part after `after`, before `before`, then `take`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkWindow {
    pub after: Option<String>,
    pub before: Option<String>,
    pub take: Take,
}

/// What a window read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPage {
    Page {
        links: Vec<Link>,
        has_previous: bool,
        has_next: bool,
    },
    /// A cursor names no link of this record: `"after"` or `"before"`.
    UnknownCursor {
        argument: &'static str,
        code: String,
    },
}

/// Reads one window of `from`'s links in `tree`; returns the page and the number of keys read.
pub(super) fn read(tree: &sled::Tree, from: &str, window: &LinkWindow) -> Result<(LinkPage, usize), StoreError> {
    for (argument, cursor) in [("after", &window.after), ("before", &window.before)] {
        if let Some(code) = cursor {
            if !tree.contains_key(keys::link_key(from, code))? {
                return Ok((LinkPage::UnknownCursor { argument, code: code.clone() }, 1));
            }
        }
    }
    let lower = match &window.after {
        Some(after) => Bound::Excluded(keys::link_key(from, after)),
        None => Bound::Included(keys::link_prefix(from)),
    };
    // When `before` is not after `after`, the cut list is empty (the page sits just past `after`).
    let crossed = matches!((&window.after, &window.before), (Some(a), Some(b)) if b <= a);
    let upper = match &window.before {
        Some(before) if !crossed => Bound::Excluded(keys::link_key(from, before)),
        _ => Bound::Excluded(keys::prefix_end(from)),
    };
    let range = tree.range::<Vec<u8>, _>((lower, upper));
    let decode = |entry: sled::Result<(sled::IVec, sled::IVec)>| -> Result<Link, StoreError> {
        let (key, value) = entry?;
        let to = keys::link_target(&key, from).ok_or_else(|| StoreError::Decode("link key is not UTF-8".into()))?;
        Ok(Link { to, meta: codec::decode(&value)? })
    };
    let cursor_reads = usize::from(window.after.is_some()) + usize::from(window.before.is_some());
    if crossed {
        // Only whether anything follows `after` is left to tell.
        let has_next = range.take(1).next().transpose()?.is_some();
        return Ok((LinkPage::Page { links: Vec::new(), has_previous: true, has_next }, cursor_reads + 1));
    }
    let (links, has_previous, has_next) = match window.take {
        Take::First(n) => {
            let mut links = range.take(n + 1).map(decode).collect::<Result<Vec<_>, _>>()?;
            let more = links.len() > n;
            links.truncate(n);
            (links, window.after.is_some(), more || window.before.is_some())
        }
        Take::Last(n) => {
            let mut links = range.rev().take(n + 1).map(decode).collect::<Result<Vec<_>, _>>()?;
            let more = links.len() > n;
            links.truncate(n);
            links.reverse();
            (links, more || window.after.is_some(), window.before.is_some())
        }
    };
    let read = links.len() + 1 + cursor_reads;
    Ok((LinkPage::Page { links, has_previous, has_next }, read))
}
