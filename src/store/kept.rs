//! What the store keeps decoded between requests: records, link lists, link pages and link
//! counts. A store never changes once built, so what was decoded for one request serves the
//! next ones until it is let go. Bounded by bytes (each entry weighs about what it holds);
//! a bound of 0 turns it off, and every request then decodes what it reads.

use std::{hash::Hash, sync::Arc};

use quick_cache::{sync::Cache, Equivalent, Weighter};

use super::{AnyRecord, Index, Link, LinkPage, LinkWindow};
use crate::model::RecordKind;

/// An entry's key, owned.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Record(RecordKind, Box<str>),
    Lookup(RecordKind, Box<str>),
    Links(Index, Box<str>),
    Window(Index, Box<str>, LinkWindow),
    Count(Index, Box<str>),
}

/// An entry's key, borrowed: looked up without allocating. It hashes as [`Key`] does (the
/// same variants in the same order; `&str` hashes as `Box<str>`, `&T` as `T`).
#[derive(Hash)]
enum Borrowed<'a> {
    Record(RecordKind, &'a str),
    Lookup(RecordKind, &'a str),
    Links(Index, &'a str),
    Window(Index, &'a str, &'a LinkWindow),
    Count(Index, &'a str),
}

impl Equivalent<Key> for Borrowed<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        match (self, key) {
            (Borrowed::Record(a, b), Key::Record(c, d)) | (Borrowed::Lookup(a, b), Key::Lookup(c, d)) => a == c && *b == &**d,
            (Borrowed::Links(a, b), Key::Links(c, d)) | (Borrowed::Count(a, b), Key::Count(c, d)) => a == c && *b == &**d,
            (Borrowed::Window(a, b, w), Key::Window(c, d, v)) => a == c && *b == &**d && *w == v,
            _ => false,
        }
    }
}

#[derive(Clone)]
enum Value {
    /// A record, or none with that code.
    Record(Option<AnyRecord>),
    /// The code a folded name finds, if any.
    Lookup(Option<Box<str>>),
    Links(Arc<Vec<Link>>),
    Window(Arc<LinkPage>),
    Count(usize),
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, (Value, u32)> for ByBytes {
    fn weight(&self, _key: &Key, value: &(Value, u32)) -> u64 {
        value.1 as u64 + 64
    }
}

/// The store's decoded entries.
pub struct Kept {
    cache: Option<Cache<Key, (Value, u32), ByBytes>>,
}

/// About how many bytes a list of links holds.
fn links_weight(links: &[Link]) -> usize {
    links.iter().map(|l| l.to.len() + l.meta.note.as_ref().map_or(0, String::len) + 48).sum()
}

impl Kept {
    pub fn new(bytes: u64) -> Kept {
        let cache = (bytes > 0).then(|| Cache::with_weighter((bytes / 512).max(64) as usize, bytes, ByBytes));
        Kept { cache }
    }

    fn get(&self, key: Borrowed<'_>) -> Option<Value> {
        self.cache.as_ref()?.get(&key).map(|(value, _)| value)
    }

    fn insert(&self, key: Key, value: Value, weight: usize) {
        if let Some(cache) = &self.cache {
            let weight = (weight + key_weight(&key)).min(u32::MAX as usize) as u32;
            cache.insert(key, (value, weight));
        }
    }

    /// A record kept (`Some(None)`: known to be absent).
    pub fn record(&self, kind: RecordKind, code: &str) -> Option<Option<AnyRecord>> {
        match self.get(Borrowed::Record(kind, code))? {
            Value::Record(record) => Some(record),
            _ => None,
        }
    }

    /// Keeps a record decoded from `encoded` bytes (its decoded size is about the same), or that
    /// there is none (participant codes are tried as nations and as organisations).
    pub fn keep_record(&self, kind: RecordKind, code: &str, record: Option<AnyRecord>, encoded: usize) {
        self.insert(Key::Record(kind, code.into()), Value::Record(record), encoded);
    }

    pub fn lookup(&self, kind: RecordKind, folded: &str) -> Option<Option<Box<str>>> {
        match self.get(Borrowed::Lookup(kind, folded))? {
            Value::Lookup(code) => Some(code),
            _ => None,
        }
    }

    pub fn keep_lookup(&self, kind: RecordKind, folded: &str, code: Option<Box<str>>) {
        let weight = code.as_ref().map_or(0, |c| c.len());
        self.insert(Key::Lookup(kind, folded.into()), Value::Lookup(code), weight);
    }

    pub fn links(&self, index: Index, from: &str) -> Option<Arc<Vec<Link>>> {
        match self.get(Borrowed::Links(index, from))? {
            Value::Links(links) => Some(links),
            _ => None,
        }
    }

    pub fn keep_links(&self, index: Index, from: &str, links: Arc<Vec<Link>>) {
        let weight = links_weight(&links);
        self.insert(Key::Links(index, from.into()), Value::Links(links), weight);
    }

    pub fn window(&self, index: Index, from: &str, window: &LinkWindow) -> Option<Arc<LinkPage>> {
        match self.get(Borrowed::Window(index, from, window))? {
            Value::Window(page) => Some(page),
            _ => None,
        }
    }

    pub fn keep_window(&self, index: Index, from: &str, window: &LinkWindow, page: Arc<LinkPage>) {
        let weight = match page.as_ref() {
            LinkPage::Page { links, .. } => links_weight(links),
            LinkPage::UnknownCursor { code, .. } => code.len(),
        };
        self.insert(Key::Window(index, from.into(), window.clone()), Value::Window(page), weight);
    }

    pub fn count(&self, index: Index, from: &str) -> Option<usize> {
        match self.get(Borrowed::Count(index, from))? {
            Value::Count(n) => Some(n),
            _ => None,
        }
    }

    pub fn keep_count(&self, index: Index, from: &str, count: usize) {
        self.insert(Key::Count(index, from.into()), Value::Count(count), 8);
    }

    /// Entries and bytes held, for metrics.
    pub fn usage(&self) -> (usize, u64) {
        self.cache.as_ref().map_or((0, 0), |c| (c.len(), c.weight()))
    }
}

fn key_weight(key: &Key) -> usize {
    match key {
        Key::Record(_, code) | Key::Lookup(_, code) | Key::Links(_, code) | Key::Count(_, code) => code.len(),
        Key::Window(_, code, window) => {
            code.len() + window.after.as_ref().map_or(0, String::len) + window.before.as_ref().map_or(0, String::len)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, RandomState};

    use super::*;
    use crate::store::Take;

    #[test]
    fn borrowed_keys_hash_and_match_as_owned_ones() {
        let state = RandomState::new();
        let window = LinkWindow { after: Some("a".into()), before: None, take: Take::First(3) };
        let pairs = [
            (Key::Record(RecordKind::Nation, "DEU".into()), Borrowed::Record(RecordKind::Nation, "DEU")),
            (Key::Lookup(RecordKind::Nation, "turkiye".into()), Borrowed::Lookup(RecordKind::Nation, "turkiye")),
            (Key::Links(Index::ProjectsByArea, "x".into()), Borrowed::Links(Index::ProjectsByArea, "x")),
            (
                Key::Window(Index::ProjectsByParticipant, "DEU".into(), window.clone()),
                Borrowed::Window(Index::ProjectsByParticipant, "DEU", &window),
            ),
            (Key::Count(Index::ProjectsByParticipant, "DEU".into()), Borrowed::Count(Index::ProjectsByParticipant, "DEU")),
        ];
        for (owned, borrowed) in &pairs {
            assert_eq!(state.hash_one(owned), state.hash_one(borrowed));
            assert!(borrowed.equivalent(owned));
        }
        assert!(!Borrowed::Count(Index::ProjectsByArea, "DEU").equivalent(&pairs[3].0));
        let kept = Kept::new(1 << 20);
        kept.keep_record(RecordKind::Nation, "DEU", Some(Arc::new(7u32)), 10);
        kept.keep_record(RecordKind::Organisation, "DEU", None, 0);
        assert!(matches!(kept.record(RecordKind::Nation, "DEU"), Some(Some(_))));
        assert!(matches!(kept.record(RecordKind::Organisation, "DEU"), Some(None)));
        assert!(kept.record(RecordKind::Project, "DEU").is_none());
        kept.keep_count(Index::ProjectsByParticipant, "DEU", 13);
        assert_eq!(kept.count(Index::ProjectsByParticipant, "DEU"), Some(13));
        assert!(Kept::new(0).record(RecordKind::Nation, "DEU").is_none());
    }
}
