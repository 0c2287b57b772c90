//! Writes a validated dataset into an empty sled database: records, indexes, lookups.
//!
//! Everything is written as it is produced, one insert at a time: the build holds the dataset and
//! the search postings (record numbers, not names), never a copy of what it writes. Neither does
//! sled: its `apply_batch` pins the epoch and the log for the whole batch, and a build written in
//! batches climbed to several times the memory of one written key by key, and took twice as long
//! (bench/README.md, "Streaming build").

use std::collections::HashMap;

use super::{
    codec, keys,
    search::{self, Searchable},
    Index, LinkMeta, ProjectFacets, StoreError, Stored,
};
use crate::model::{self, text::fold, Dataset, Record};

/// The index trees, one per index. (A link recorded twice, such as a strategy reached directly
/// and through an objective, is kept once: the later write of its key wins, as it did when links
/// were gathered in a map.)
struct Links(Vec<sled::Tree>);

impl Links {
    fn new(db: &sled::Db) -> Result<Links, StoreError> {
        Ok(Links(Index::ALL.iter().map(|index| db.open_tree(index.tree_name())).collect::<Result<_, _>>()?))
    }

    fn add(&mut self, index: Index, from: &str, to: &str, meta: &LinkMeta) -> Result<(), StoreError> {
        let at = Index::ALL.iter().position(|i| *i == index).expect("every index is in Index::ALL");
        self.0[at].insert(keys::link_key(from, to), codec::encode(meta)?)?;
        Ok(())
    }

    fn plain(&mut self, index: Index, from: &str, to: &str) -> Result<(), StoreError> {
        self.add(index, from, to, &LinkMeta::default())
    }

    /// Stores each record's link count per index, counted from the tree itself (its keys in
    /// order, so one record's links are adjacent): `projectCount` and `totalCount` need not read
    /// every link.
    fn finish(self, db: &sled::Db) -> Result<(), StoreError> {
        let counts = db.open_tree(keys::trees::LINK_COUNTS)?;
        for (index, tree) in Index::ALL.iter().zip(&self.0) {
            let mut current: Option<(Vec<u8>, u64)> = None;
            for key in tree.iter().keys() {
                let key = key?;
                let from = &key[..key.iter().position(|b| *b == 0).unwrap_or(key.len())];
                match &mut current {
                    Some((last, count)) if last.as_slice() == from => *count += 1,
                    _ => {
                        if let Some((last, count)) = current.replace((from.to_vec(), 1)) {
                            counts.insert(keys::link_key(index.tree_name(), &String::from_utf8_lossy(&last)), codec::encode(&count)?)?;
                        }
                    }
                }
            }
            if let Some((last, count)) = current {
                counts.insert(keys::link_key(index.tree_name(), &String::from_utf8_lossy(&last)), codec::encode(&count)?)?;
            }
        }
        Ok(())
    }
}

/// How records are found, filled by every type: the lookup tree and the search postings.
struct Finders {
    lookup: sled::Tree,
    search: search::Postings,
}

/// The names a record is found by besides its code (`Ctx::find`: any case, diacritics ignored).
trait LookupNames {
    fn lookup_names(&self) -> Vec<&str>;
}

impl LookupNames for model::Source {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.title]
    }
}

impl LookupNames for model::CapabilityArea {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.name]
    }
}

impl LookupNames for model::Nation {
    fn lookup_names(&self) -> Vec<&str> {
        [self.name.as_str(), &self.alpha2].into_iter().chain(self.aliases.iter().map(String::as_str)).collect()
    }
}

impl LookupNames for model::Organisation {
    fn lookup_names(&self) -> Vec<&str> {
        std::iter::once(self.name.as_str()).chain(self.acronym.as_deref()).collect()
    }
}

impl LookupNames for model::Project {
    fn lookup_names(&self) -> Vec<&str> {
        std::iter::once(self.name.as_str()).chain(self.acronym.as_deref()).chain(self.aliases.iter().map(String::as_str)).collect()
    }
}

impl LookupNames for model::Strategy {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.title]
    }
}

impl LookupNames for model::StrategyObjective {
    fn lookup_names(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl LookupNames for model::ProcurementContract {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.title]
    }
}

impl LookupNames for model::Event {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.name]
    }
}

impl LookupNames for model::Place {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.name]
    }
}

impl LookupNames for model::Disagreement {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.subject]
    }
}

impl LookupNames for model::Person {
    fn lookup_names(&self) -> Vec<&str> {
        vec![&self.name]
    }
}

macro_rules! all_records {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// Writes the records of every type.
        fn all_records(db: &sled::Db, data: &Dataset, finders: &mut Finders, links: &mut Links) -> Result<(), StoreError> {
            $(records(db, &data.$field, finders, links)?;)+
            Ok(())
        }
    };
}
crate::for_each_record!(all_records);

/// Writes one type's records, their lookup names and their citations.
fn records<T: Stored + Searchable + LookupNames>(
    db: &sled::Db,
    records: &[T],
    finders: &mut Finders,
    links: &mut Links,
) -> Result<(), StoreError> {
    let tree = db.open_tree(T::TREE)?;
    for record in records {
        tree.insert(record.code().as_bytes(), codec::encode(record)?)?;
        cite(links, record)?;
        finders.search.add(record);
        for name in std::iter::once(record.code()).chain(record.lookup_names()) {
            finders.lookup.insert(keys::lookup_key(T::TYPE_NAME, &fold(name)), record.code().as_bytes())?;
        }
    }
    db.open_tree(keys::trees::META)?.insert(keys::count_key(T::TREE), codec::encode(&(records.len() as u64))?)?;
    Ok(())
}

fn cite<T: Record>(links: &mut Links, record: &T) -> Result<(), StoreError> {
    let citing = format!("{}:{}", T::TYPE_NAME, record.code());
    for citation in record.sources() {
        links.plain(Index::CitationsBySource, &citation.source, &citing)?;
    }
    Ok(())
}

pub(super) fn write(db: &sled::Db, data: &Dataset) -> Result<(), StoreError> {
    let mut finders = Finders { lookup: db.open_tree(keys::trees::LOOKUP)?, search: search::Postings::default() };
    let mut links = Links::new(db)?;
    all_records(db, data, &mut finders, &mut links)?;
    db.open_tree(keys::trees::FACETS)?.insert(keys::trees::PROJECT_FACETS, codec::encode(&ProjectFacets::build(&data.projects))?)?;
    finders.search.write(db)?;

    let strategy_of: HashMap<&str, &str> = data.objectives.iter().map(|o| (o.code.as_str(), o.strategy.as_str())).collect();
    for project in &data.projects {
        for p in &project.participants {
            let meta = LinkMeta { roles: p.roles.clone(), note: p.note.clone() };
            links.add(Index::ProjectsByParticipant, &p.participant, &project.code, &meta)?;
        }
        if let Some(area) = &project.area {
            links.plain(Index::ProjectsByArea, area, &project.code)?;
        }
        for link in &project.objectives {
            links.plain(Index::ProjectsByObjective, &link.objective, &project.code)?;
            if let Some(strategy) = strategy_of.get(link.objective.as_str()) {
                links.plain(Index::ProjectsByStrategy, strategy, &project.code)?;
            }
        }
        for link in &project.strategies {
            links.plain(Index::ProjectsByStrategy, &link.strategy, &project.code)?;
        }
    }
    for objective in &data.objectives {
        links.plain(Index::ObjectivesByStrategy, &objective.strategy, &objective.code)?;
    }
    for contract in &data.contracts {
        let ends = [
            (Index::ContractsByProject, &contract.project),
            (Index::ContractsByBuyer, &contract.buyer),
            (Index::ContractsBySupplier, &contract.supplier),
            (Index::ContractsByFunder, &contract.funder),
        ];
        for (index, from) in ends {
            if let Some(from) = from {
                links.plain(index, from, &contract.code)?;
            }
        }
        for nation in &contract.beneficiaries {
            links.plain(Index::ContractsByBeneficiary, nation, &contract.code)?;
        }
    }
    for event in &data.events {
        // The relation in the text's words rides on the link, as a participation's note does.
        let lists = [
            (Index::EventsByProject, &event.projects),
            (Index::EventsByContract, &event.contracts),
            (Index::EventsByStrategy, &event.strategies),
        ];
        for (index, list) in lists {
            for link in list {
                links.add(index, &link.code, &event.code, &LinkMeta { roles: Vec::new(), note: Some(link.relation.clone()) })?;
            }
        }
        if let Some(host) = &event.host {
            links.plain(Index::EventsByHost, host, &event.code)?;
        }
    }
    for place in &data.places {
        for (index, list) in [(Index::PlacesByProject, &place.projects), (Index::PlacesByEvent, &place.events)] {
            for link in list {
                links.add(index, &link.code, &place.code, &LinkMeta { roles: Vec::new(), note: Some(link.relation.clone()) })?;
            }
        }
        if let Some(nation) = &place.nation {
            links.plain(Index::PlacesByNation, nation, &place.code)?;
        }
    }
    for person in &data.people {
        for event in person.statements.iter().filter_map(|s| s.event.as_ref()) {
            links.plain(Index::PeopleByEvent, event, &person.code)?;
        }
        for office in [&person.organisation, &person.nation].into_iter().flatten() {
            links.plain(Index::PeopleByOffice, office, &person.code)?;
        }
    }
    for disagreement in &data.disagreements {
        for record in &disagreement.records {
            links.plain(Index::DisagreementsByRecord, record, &disagreement.code)?;
        }
    }
    for org in &data.organisations {
        if let Some(parent) = &org.parent {
            links.plain(Index::OrganisationsByParent, parent, &org.code)?;
        }
    }
    links.finish(db)
}
