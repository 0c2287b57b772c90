//! What one request has read from the store, and what its resolvers still need.
//!
//! Resolvers never call sled: they ask [`Ctx`] for records, links and counts. What has been read
//! is answered at once; what has not is noted as a [`Miss`] and the resolver gives up for now
//! ([`Fail::Pending`]). The engine then reads every miss of a whole level in one batched store
//! call per record type and per index ([`Fetched::load`]) and asks the waiting resolvers again,
//! so a nested query costs a bounded number of store calls per level however wide it is, and
//! each record is decoded at most once per request.

use std::{any::Any, cell::RefCell, collections::HashMap, sync::Arc};

use super::{
    def::Fail,
    obj::{Obj, ObjType},
    FieldError, PageLimits,
};
use crate::{
    model::{text::fold, RecordKind},
    store::{search::Hit, AnyRecord, Index, Link, LinkPage, LinkWindow, ProjectFacets, Store, StoreError, Stored},
};

type Hasher = foldhash::fast::RandomState;
type Map<K, V> = HashMap<K, V, Hasher>;
/// One map per record kind, by key.
type PerKind<V> = Vec<Map<Box<str>, V>>;

type Set<K> = std::collections::HashSet<K, Hasher>;

/// The store reads resolvers are waiting for, each asked for once however many resolvers miss
/// it (thousands of participations miss the same few nations).
pub struct Misses {
    records: [Set<Box<str>>; RecordKind::COUNT],
    /// The codes of the records whose code, name, acronym or alias folds to these texts.
    lookups: [Set<Box<str>>; RecordKind::COUNT],
    links: [Set<Box<str>>; Index::COUNT],
    windows: Vec<(Index, Box<str>, LinkWindow)>,
    counts: [Set<Box<str>>; Index::COUNT],
}

impl Default for Misses {
    fn default() -> Self {
        fn sets<const N: usize>(state: &Hasher) -> [Set<Box<str>>; N] {
            std::array::from_fn(|_| Set::with_hasher(state.clone()))
        }
        let state = Hasher::default();
        Misses { records: sets(&state), lookups: sets(&state), links: sets(&state), windows: Vec::new(), counts: sets(&state) }
    }
}

fn ask(set: &mut Set<Box<str>>, key: &str) {
    if !set.contains(key) {
        set.insert(key.into());
    }
}

/// Everything one request has read, by key.
pub struct Fetched {
    records: PerKind<Option<AnyRecord>>,
    lookups: PerKind<Option<Box<str>>>,
    links: PerKind<Arc<Vec<Link>>>,
    windows: PerKind<Vec<(LinkWindow, Arc<LinkPage>)>>,
    counts: PerKind<usize>,
    /// Results of in-memory computations a resolver may ask for again (a filtered list, a
    /// search) while it waits for reads.
    memo: RefCell<Map<String, Arc<dyn Any + Send + Sync>>>,
}

impl Default for Fetched {
    fn default() -> Self {
        // One seed for all the maps (a fresh seed per map is a measurable share of a small answer).
        fn per<V>(n: usize, state: &Hasher) -> PerKind<V> {
            (0..n).map(|_| Map::with_hasher(state.clone())).collect()
        }
        let state = Hasher::default();
        Fetched {
            records: per(RecordKind::COUNT, &state),
            lookups: per(RecordKind::COUNT, &state),
            links: per(Index::COUNT, &state),
            windows: per(Index::COUNT, &state),
            counts: per(Index::COUNT, &state),
            memo: RefCell::new(Map::with_hasher(state.clone())),
        }
    }
}

impl Fetched {
    /// Reads every miss, batched: one store call per record kind and per index.
    pub fn load(&mut self, store: &Store, misses: Misses) -> Result<(), StoreError> {
        for (kind, codes) in RecordKind::ALL.iter().zip(misses.records) {
            let codes: Vec<Box<str>> = codes.into_iter().filter(|c| !self.records[*kind as usize].contains_key(c)).collect();
            if !codes.is_empty() {
                let found = store.get_records(*kind, &codes.iter().map(|c| &**c).collect::<Vec<_>>())?;
                self.records[*kind as usize].extend(codes.into_iter().zip(found));
            }
        }
        for (kind, texts) in RecordKind::ALL.iter().zip(misses.lookups) {
            let texts: Vec<Box<str>> = texts.into_iter().filter(|t| !self.lookups[*kind as usize].contains_key(t)).collect();
            if !texts.is_empty() {
                let found = store.lookup_many(*kind, &texts.iter().map(|t| &**t).collect::<Vec<_>>())?;
                self.lookups[*kind as usize].extend(texts.into_iter().zip(found.into_iter().map(|c| c.map(String::into_boxed_str))));
            }
        }
        for (index, froms) in Index::ALL.iter().zip(misses.links) {
            let froms: Vec<String> = froms.into_iter().filter(|f| !self.links[*index as usize].contains_key(f)).map(String::from).collect();
            if !froms.is_empty() {
                for (from, found) in store.links_many(*index, &froms)? {
                    self.links[*index as usize].insert(from.into(), found);
                }
            }
        }
        let mut windows: Map<Index, Vec<(String, LinkWindow)>> = Map::default();
        for (index, from, window) in misses.windows {
            if self.window(index, &from, &window).is_none() {
                windows.entry(index).or_default().push((from.into(), window));
            }
        }
        for (index, asks) in windows {
            let pages = store.link_windows(index, &asks)?;
            for ((from, window), page) in asks.into_iter().zip(pages) {
                self.windows[index as usize].entry(from.into()).or_default().push((window, page));
            }
        }
        for (index, froms) in Index::ALL.iter().zip(misses.counts) {
            let froms: Vec<String> =
                froms.into_iter().filter(|f| !self.counts[*index as usize].contains_key(f)).map(String::from).collect();
            if !froms.is_empty() {
                for (from, n) in store.link_counts(*index, &froms)? {
                    self.counts[*index as usize].insert(from.into(), n);
                }
            }
        }
        Ok(())
    }

    fn window(&self, index: Index, from: &str, window: &LinkWindow) -> Option<&Arc<LinkPage>> {
        self.windows[index as usize].get(from)?.iter().find(|(w, _)| w == window).map(|(_, page)| page)
    }
}

/// What a resolver reads through: the request's reads so far, the misses it adds, the store's
/// in-memory indexes and the paging limits.
pub struct Ctx<'r> {
    fetched: &'r Fetched,
    /// Made on the first miss: most resolutions miss nothing.
    misses: RefCell<Option<Box<Misses>>>,
    /// Private: resolvers read through the methods below, which batch, keep and count.
    store: &'r Store,
    pub page: PageLimits,
}

impl<'r> Ctx<'r> {
    pub fn new(fetched: &'r Fetched, store: &'r Store, page: PageLimits) -> Ctx<'r> {
        Ctx { fetched, misses: RefCell::default(), store, page }
    }

    /// The reads resolvers asked for and did not get.
    pub fn take_misses(&self) -> Misses {
        self.misses.borrow_mut().take().map(|m| *m).unwrap_or_default()
    }

    fn miss<T>(&self, note: impl FnOnce(&mut Misses)) -> Result<T, Fail> {
        note(self.misses.borrow_mut().get_or_insert_with(Default::default));
        Err(Fail::Pending)
    }

    pub fn any_record(&self, kind: RecordKind, code: &str) -> Result<Option<AnyRecord>, Fail> {
        match self.fetched.records[kind as usize].get(code) {
            Some(found) => Ok(found.clone()),
            None => self.miss(|m| ask(&mut m.records[kind as usize], code)),
        }
    }

    /// One record by code; `None` when no record has it.
    pub fn record<T: Stored>(&self, code: &str) -> Result<Option<Arc<T>>, Fail> {
        Ok(self.any_record(T::KIND, code)?.and_then(|r| r.downcast::<T>().ok()))
    }

    /// The object for one record by code.
    pub fn record_obj(&self, kind: RecordKind, code: &str) -> Result<Option<Obj>, Fail> {
        Ok(self.any_record(kind, code)?.map(|record| record_obj(kind, record)))
    }

    /// Records by code, in the order given, unknown codes left out. Every missing one is asked
    /// for before giving up, so they are read in one batch.
    pub fn records<'c, T: Stored>(&self, codes: impl IntoIterator<Item = &'c str>) -> Result<Vec<Arc<T>>, Fail> {
        all_of(codes.into_iter().map(|code| self.record::<T>(code)))
    }

    /// Objects for records of one kind by code, in the order given, unknown codes left out.
    pub fn record_objs<'c>(&self, kind: RecordKind, codes: impl IntoIterator<Item = &'c str>) -> Result<Vec<Obj>, Fail> {
        all_of(codes.into_iter().map(|code| self.record_obj(kind, code)))
    }

    /// The code of the record of `kind` whose code, name, acronym or alias folds like `text`.
    fn lookup(&self, kind: RecordKind, text: &str) -> Result<Option<Box<str>>, Fail> {
        let folded = fold(text);
        match self.fetched.lookups[kind as usize].get(folded.as_str()) {
            Some(code) => Ok(code.clone()),
            None => self.miss(|m| ask(&mut m.lookups[kind as usize], &folded)),
        }
    }

    /// A record by code, or by name, acronym or alias in any case and with or without
    /// diacritics (`TUR`, `Türkiye`, `turkiye`, `Turkey`): the name is looked up only when no
    /// record has the text as its code.
    pub fn find(&self, kind: RecordKind, text: &str) -> Result<Option<Obj>, Fail> {
        if let Some(found) = self.record_obj(kind, text)? {
            return Ok(Some(found));
        }
        match self.lookup(kind, text)? {
            Some(code) => self.record_obj(kind, &code),
            None => Ok(None),
        }
    }

    /// Like [`Ctx::find`], typed.
    pub fn find_record<T: Stored>(&self, text: &str) -> Result<Option<Arc<T>>, Fail> {
        Ok(self.find(T::KIND, text)?.and_then(|obj| obj.arc::<T>()))
    }

    /// The links of one record through one index, in target-code order.
    pub fn links(&self, index: Index, from: &str) -> Result<Arc<Vec<Link>>, Fail> {
        match self.fetched.links[index as usize].get(from) {
            Some(links) => Ok(links.clone()),
            None => self.miss(|m| ask(&mut m.links[index as usize], from)),
        }
    }

    /// One page of the links of one record through one index, read as a key range.
    pub fn window(&self, index: Index, from: &str, window: &LinkWindow) -> Result<Arc<LinkPage>, Fail> {
        match self.fetched.window(index, from, window) {
            Some(page) => Ok(page.clone()),
            None => self.miss(|m| {
                if !m.windows.iter().any(|(i, f, w)| *i == index && &**f == from && w == window) {
                    m.windows.push((index, from.into(), window.clone()));
                }
            }),
        }
    }

    /// How many links one record has through one index, without reading them.
    pub fn count(&self, index: Index, from: &str) -> Result<usize, Fail> {
        match self.fetched.counts[index as usize].get(from) {
            Some(n) => Ok(*n),
            None => self.miss(|m| ask(&mut m.counts[index as usize], from)),
        }
    }

    /// Every project's filterable fields and list orders (in memory).
    pub fn project_facets(&self) -> &'r ProjectFacets {
        self.store.project_facets()
    }

    /// The best `limit` search hits for `text`, searched once per request.
    pub fn search(&self, text: &str, limit: usize) -> Result<Arc<Vec<Hit>>, Fail> {
        self.memo(format!("search {limit} {text}"), || Ok(self.store.search(text, limit)?))
    }

    /// Every record of one type, shared, in code order: read once per request.
    pub fn every<T: Stored>(&self) -> Result<Arc<Vec<Arc<T>>>, Fail> {
        self.memo(format!("all {}", T::TYPE_NAME), || Ok(self.store.all::<T>()?.into_iter().map(Arc::new).collect()))
    }

    /// Every record of one type, shared, in `key` order: read once per request.
    pub fn every_sorted<T: Stored, K: Ord>(&self, key: impl Fn(&T) -> K) -> Result<Arc<Vec<Arc<T>>>, Fail> {
        self.memo(format!("all {} in order", T::TYPE_NAME), || {
            let mut all: Vec<Arc<T>> = self.store.all::<T>()?.into_iter().map(Arc::new).collect();
            all.sort_by_cached_key(|r| key(r));
            Ok(all)
        })
    }

    /// The value derived from the whole store under `key`, built once for the store's life.
    pub fn derived<T: Any + Send + Sync>(&self, key: &'static str, build: impl FnOnce() -> Result<T, Fail>) -> Result<Arc<T>, Fail> {
        self.store.derived(key, build)
    }

    /// The result of `compute` under `key`, computed once per request.
    pub fn memo<T: Any + Send + Sync>(&self, key: String, compute: impl FnOnce() -> Result<T, FieldError>) -> Result<Arc<T>, Fail> {
        if let Some(found) = self.fetched.memo.borrow().get(&key).and_then(|v| v.clone().downcast::<T>().ok()) {
            return Ok(found);
        }
        let value = Arc::new(compute()?);
        self.fetched.memo.borrow_mut().insert(key, value.clone());
        Ok(value)
    }
}

/// What every lookup found (`None`s left out), once every lookup was asked: a resolver that
/// needs many reads waits for them all in one round.
pub fn all_of<T>(lookups: impl IntoIterator<Item = Result<Option<T>, Fail>>) -> Result<Vec<T>, Fail> {
    let mut pending = false;
    let mut found = Vec::new();
    for lookup in lookups {
        match lookup {
            Ok(value) => found.extend(value),
            Err(Fail::Pending) => pending = true,
            Err(error) => return Err(error),
        }
    }
    if pending {
        return Err(Fail::Pending);
    }
    Ok(found)
}

/// The object of a record.
pub fn record_obj(kind: RecordKind, record: AnyRecord) -> Obj {
    Obj::shared(record_type(kind), record)
}

macro_rules! record_types {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// The object type of each record kind.
        pub fn record_type(kind: RecordKind) -> ObjType {
            match kind { $(RecordKind::$kind => ObjType::$kind),+ }
        }
    };
}
crate::for_each_record!(record_types);
