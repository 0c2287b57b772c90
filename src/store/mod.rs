//! The sled store's reads: one tree per record type, index trees for the links, a lookup tree for
//! names, the project facets and the search index. Opening, locking, rebuilding and switching the
//! store are its [`lifecycle`].

mod build;
pub mod codec;
pub mod facets;
mod kept;
pub mod keys;
mod lifecycle;
pub use lifecycle::{DataDir, Progress};
pub mod search;
pub mod text_match;
mod window;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

pub use facets::{Filterable, ProjectFacets, ProjectRow, ProjectSort};
pub use keys::Index;

pub use window::{LinkPage, LinkWindow, Take};

use crate::{
    fixtures::FixtureError,
    model::{self, Record, RecordKind, Role},
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Fixtures(#[from] FixtureError),
    #[error("data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("data directory {0} is in use by another capgraph process (its lock file is held)")]
    Locked(PathBuf),
    #[error("the store {0} is open in this process already (the fixtures are those it serves, or a request still reads it)")]
    InUse(PathBuf),
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    #[error("cannot build the store in {path} (the store in use, if any, is untouched): {source}")]
    Build { path: PathBuf, source: Box<StoreError> },
    #[error("cannot encode a record: {0}")]
    Encode(String),
    #[error("cannot decode a stored record (corrupt or foreign store): {0}")]
    Decode(String),
}

/// A record type kept in a tree of its own, keyed by code.
pub trait Stored: Record + Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const TREE: &'static str;
}

macro_rules! stored {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        $(impl Stored for $ty { const TREE: &'static str = $tree; })+

        /// The tree of each record kind.
        pub fn tree_of(kind: RecordKind) -> &'static str {
            match kind { $(RecordKind::$kind => $tree),+ }
        }

        impl Store {
            /// Records of one kind by code, type-erased (for the engine's batched reads): one
            /// entry per code, `None` for an unknown one.
            pub fn get_records(&self, kind: RecordKind, codes: &[&str]) -> Result<Vec<Option<AnyRecord>>, StoreError> {
                match kind {
                    $(RecordKind::$kind => Ok(self.get_arcs::<$ty>(codes)?.into_iter().map(|r| r.map(|r| r as AnyRecord)).collect()),)+
                }
            }

            /// Number of records of each type, keyed by GraphQL type name.
            pub fn counts(&self) -> Result<std::collections::BTreeMap<&'static str, usize>, StoreError> {
                Ok([$(($name, self.count::<$ty>()?)),+].into_iter().collect())
            }
        }
    };
}

crate::for_each_record!(stored);

/// The longest list of each kind a store holds, which bounds what a list field can return.
#[derive(Debug, Clone, Default)]
pub struct LongestLists {
    /// By record kind (`RecordKind as usize`): how many records there are.
    records: Vec<u64>,
    /// By index (`Index::ALL` order): the most links from one record, and all its links.
    links: Vec<(u64, u64)>,
    /// The most participants of one project, and all participations.
    participants: Option<(u64, u64)>,
}

/// What bounds the length of a list field in a given store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Longest {
    /// At most every record of this kind.
    Records(model::RecordKind),
    /// At most the most links one record has through this index.
    Links(Index),
    /// At most the most participants of one project.
    Participants,
}

impl LongestLists {
    /// The longest such list.
    pub fn of(&self, longest: Longest) -> Option<u64> {
        match longest {
            Longest::Records(kind) => self.records.get(kind as usize).copied(),
            Longest::Links(index) => self.index(index).map(|(most, _)| most),
            Longest::Participants => self.participants.map(|(most, _)| most),
        }
    }

    /// All such lists together, where that is fixed: every link of the index, every
    /// participation. Distinct records' lists hold no more items than that together.
    pub fn all(&self, longest: Longest) -> Option<u64> {
        match longest {
            Longest::Records(_) => None,
            Longest::Links(index) => self.index(index).map(|(_, all)| all),
            Longest::Participants => self.participants.map(|(_, all)| all),
        }
    }

    fn index(&self, index: Index) -> Option<(u64, u64)> {
        Index::ALL.iter().position(|i| *i == index).and_then(|i| self.links.get(i).copied())
    }
}

/// A decoded record of any kind, shared.
pub type AnyRecord = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// What an index entry says about its link beyond the two codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkMeta {
    /// Every role of a participation, the main one first; empty for other links.
    pub roles: Vec<Role>,
    pub note: Option<String>,
}

/// One link read from an index: the code it points to and its meta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub to: String,
    pub meta: LinkMeta,
}

/// How the store was opened, for logs and `/readyz`.
#[derive(Debug, Clone, Serialize)]
pub struct StoreInfo {
    pub path: PathBuf,
    pub digest: String,
    pub format: String,
    pub reused: bool,
    pub open_millis: u128,
}

/// Where the store lives and how big its cache may grow.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub data_dir: PathBuf,
    pub fixtures_dir: PathBuf,
    pub cache_bytes: u64,
    /// What is kept decoded between requests ([`kept`]).
    pub record_cache_bytes: u64,
}

pub struct Store {
    db: sled::Db,
    info: StoreInfo,
    /// Calls into the store (a batched call counts once).
    reads: AtomicU64,
    /// Keys fetched by those calls.
    keys_read: AtomicU64,
    projects: ProjectFacets,
    /// What is kept decoded between requests.
    kept: kept::Kept,
    /// Every tree the reads use, opened once.
    trees: HashMap<&'static str, sled::Tree>,
    /// The search vocabulary, read on the first search (see `search`).
    vocabulary: std::sync::OnceLock<search::Vocabulary>,
    /// Values derived from whole record types (the timeline), built on first use: the store
    /// never changes, so they hold as long as it does.
    derived: std::sync::Mutex<HashMap<&'static str, AnyRecord>>,
    /// Keeps the store's directory while it is open (see `lifecycle`).
    _opened: lifecycle::Opened,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("info", &self.info).finish_non_exhaustive()
    }
}

impl Store {
    /// The value derived under `key`, built by `build` the first time it is asked for. Built
    /// outside the lock: two first asks may both build it, and either result serves.
    pub fn derived<T: std::any::Any + Send + Sync, E>(
        &self,
        key: &'static str,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<std::sync::Arc<T>, E> {
        let kept = |map: &HashMap<&'static str, AnyRecord>| map.get(key).and_then(|v| v.clone().downcast::<T>().ok());
        if let Some(found) = kept(&self.derived.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(found);
        }
        let value = std::sync::Arc::new(build()?);
        let mut map = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_insert_with(|| value.clone());
        Ok(kept(&map).unwrap_or(value))
    }
}

impl Store {
    pub fn info(&self) -> &StoreInfo {
        &self.info
    }

    /// Calls into the store so far (a batched call counts once).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Keys fetched so far.
    pub fn keys_read(&self) -> u64 {
        self.keys_read.load(Ordering::Relaxed)
    }

    fn count_read(&self, keys: usize) {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.keys_read.fetch_add(keys as u64, Ordering::Relaxed);
    }

    /// A tree of the store: opened with the store (sled's `open_tree` takes a lock each time).
    fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        match self.trees.get(name) {
            Some(tree) => Ok(tree.clone()),
            None => Ok(self.db.open_tree(name)?),
        }
    }

    /// Every project's filterable fields and list orders, in memory.
    pub fn project_facets(&self) -> &ProjectFacets {
        &self.projects
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    /// Number of records of one type, as counted when the store was built (sled's `len` walks
    /// the whole tree, too slow for `/readyz` on a large store).
    pub fn count<T: Stored>(&self) -> Result<usize, StoreError> {
        match self.tree(keys::trees::META)?.get(keys::count_key(T::TREE))? {
            Some(bytes) => Ok(codec::decode::<u64>(&bytes)? as usize),
            None => Err(StoreError::Decode(format!("the store has no count of {}", T::TYPE_NAME))),
        }
    }

    pub fn get<T: Stored>(&self, code: &str) -> Result<Option<T>, StoreError> {
        self.count_read(1);
        self.tree(T::TREE)?.get(code.as_bytes())?.map(|bytes| codec::decode(&bytes)).transpose()
    }

    /// Fetches many records in one call; unknown codes are left out of the answer.
    pub fn get_many<T: Stored>(&self, codes: &[String]) -> Result<HashMap<String, T>, StoreError> {
        self.count_read(codes.len());
        let tree = self.tree(T::TREE)?;
        let mut found = HashMap::with_capacity(codes.len());
        for code in codes {
            if let Some(bytes) = tree.get(code.as_bytes())? {
                found.insert(code.clone(), codec::decode(&bytes)?);
            }
        }
        Ok(found)
    }

    /// Fetches many records in one call, shared: one entry per code, `None` for an unknown one.
    /// Records kept decoded are not read again.
    pub fn get_arcs<T: Stored>(&self, codes: &[&str]) -> Result<Vec<Option<std::sync::Arc<T>>>, StoreError> {
        let tree = self.tree(T::TREE)?;
        let mut read = 0;
        let found = codes
            .iter()
            .map(|code| {
                if let Some(kept) = self.kept.record(T::KIND, code) {
                    return Ok(kept.and_then(|r| r.downcast::<T>().ok()));
                }
                read += 1;
                let Some(bytes) = tree.get(code.as_bytes())? else {
                    self.kept.keep_record(T::KIND, code, None, 0);
                    return Ok(None);
                };
                let record = std::sync::Arc::new(codec::decode::<T>(&bytes)?);
                self.kept.keep_record(T::KIND, code, Some(record.clone()), bytes.len());
                Ok(Some(record))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if read > 0 {
            self.count_read(read);
        }
        Ok(found)
    }

    /// Entries and bytes kept decoded, for metrics.
    pub fn record_cache_usage(&self) -> (usize, u64) {
        self.kept.usage()
    }

    /// Every record of one type, in code order.
    pub fn all<T: Stored>(&self) -> Result<Vec<T>, StoreError> {
        let tree = self.tree(T::TREE)?;
        self.count_read(tree.len());
        tree.iter().values().map(|bytes| codec::decode(&bytes?)).collect()
    }

    /// The links of many records through one index, in one call.
    pub fn links_many(&self, index: Index, froms: &[String]) -> Result<HashMap<String, std::sync::Arc<Vec<Link>>>, StoreError> {
        let tree = self.tree(index.tree_name())?;
        let mut found = HashMap::with_capacity(froms.len());
        let mut keys = 0;
        for from in froms {
            if let Some(kept) = self.kept.links(index, from) {
                found.insert(from.clone(), kept);
                continue;
            }
            let mut links = Vec::new();
            for entry in tree.scan_prefix(keys::link_prefix(from)) {
                let (key, value) = entry?;
                let to = keys::link_target(&key, from).ok_or_else(|| StoreError::Decode("link key is not UTF-8".into()))?;
                links.push(Link { to, meta: codec::decode(&value)? });
            }
            keys += links.len().max(1);
            let links = std::sync::Arc::new(links);
            self.kept.keep_links(index, from, links.clone());
            found.insert(from.clone(), links);
        }
        if keys > 0 {
            self.count_read(keys);
        }
        Ok(found)
    }

    /// One window of the links of each of `froms` through one index, in one call: a page's worth
    /// of keys each, however many links a record has.
    pub fn link_windows(&self, index: Index, asks: &[(String, LinkWindow)]) -> Result<Vec<std::sync::Arc<LinkPage>>, StoreError> {
        let tree = self.tree(index.tree_name())?;
        let mut keys = 0;
        let pages = asks
            .iter()
            .map(|(from, window)| {
                if let Some(kept) = self.kept.window(index, from, window) {
                    return Ok(kept);
                }
                let (page, read) = window::read(&tree, from, window)?;
                keys += read;
                let page = std::sync::Arc::new(page);
                self.kept.keep_window(index, from, window, page.clone());
                Ok(page)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if keys > 0 {
            self.count_read(keys);
        }
        Ok(pages)
    }

    /// The longest lists this store holds: each record type's count, each index's most links
    /// from one record, a project's most participants. Read once, when an engine is made.
    pub fn longest_lists(&self) -> Result<LongestLists, StoreError> {
        let counts = self.counts()?;
        let records = model::RecordKind::ALL.iter().map(|k| counts.get(k.type_name()).copied().unwrap_or(0) as u64).collect();
        let tree = self.tree(keys::trees::LINK_COUNTS)?;
        let mut links = Vec::with_capacity(Index::COUNT);
        for index in Index::ALL {
            let (mut most, mut all) = (0u64, 0u64);
            for entry in tree.scan_prefix(keys::link_prefix(index.tree_name())) {
                let count = codec::decode::<u64>(&entry?.1)?;
                (most, all) = (most.max(count), all.saturating_add(count));
            }
            links.push((most, all));
        }
        let facets = self.project_facets();
        let counts = (0..facets.len()).map(|i| facets.row(i as u32).participant_count() as u64);
        let participants = counts.fold((0, 0), |(most, all), n| (n.max(most), all + n));
        Ok(LongestLists { records, links, participants: Some(participants) })
    }

    /// How many links each of `froms` has through one index, in one call (0 for none).
    pub fn link_counts(&self, index: Index, froms: &[String]) -> Result<HashMap<String, usize>, StoreError> {
        let tree = self.tree(keys::trees::LINK_COUNTS)?;
        let mut read = 0;
        let counts = froms
            .iter()
            .map(|from| {
                if let Some(kept) = self.kept.count(index, from) {
                    return Ok((from.clone(), kept));
                }
                read += 1;
                let count = match tree.get(keys::link_key(index.tree_name(), from))? {
                    Some(bytes) => codec::decode::<u64>(&bytes)? as usize,
                    None => 0,
                };
                self.kept.keep_count(index, from, count);
                Ok((from.clone(), count))
            })
            .collect();
        if read > 0 {
            self.count_read(read);
        }
        counts
    }

    /// [`Store::lookup`] for many already folded texts in one call.
    pub fn lookup_many(&self, kind: RecordKind, folded: &[&str]) -> Result<Vec<Option<String>>, StoreError> {
        let tree = self.tree(keys::trees::LOOKUP)?;
        let mut read = 0;
        let found = folded
            .iter()
            .map(|text| {
                if let Some(kept) = self.kept.lookup(kind, text) {
                    return Ok(kept.map(String::from));
                }
                read += 1;
                let found = tree.get(keys::lookup_key(kind.type_name(), text))?;
                let code =
                    found.map(|bytes| String::from_utf8(bytes.to_vec()).map_err(|e| StoreError::Decode(e.to_string()))).transpose()?;
                self.kept.keep_lookup(kind, text, code.as_deref().map(Box::from));
                Ok(code)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if read > 0 {
            self.count_read(read);
        }
        Ok(found)
    }

    /// The code of the record of `type_name` whose code, name, acronym or alias folds to `text`.
    pub fn lookup(&self, type_name: &str, text: &str) -> Result<Option<String>, StoreError> {
        self.count_read(1);
        let key = keys::lookup_key(type_name, &model::text::fold(text));
        let found = self.tree(keys::trees::LOOKUP)?.get(key)?;
        found.map(|bytes| String::from_utf8(bytes.to_vec()).map_err(|e| StoreError::Decode(e.to_string()))).transpose()
    }
}
