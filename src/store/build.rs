//! Writes a validated dataset into an empty sled database: records, indexes, lookups.

use std::collections::{BTreeMap, HashMap};

use super::{
    codec, keys,
    search::{self, Searchable},
    Index, LinkMeta, ProjectFacets, StoreError, Stored,
};
use crate::model::{text::fold, Dataset, Record};

/// Index entries collected before writing, so each tree is written in one batch.
#[derive(Default)]
/// (A link recorded twice, such as a strategy reached directly and through an objective, is kept once.)
struct Links(BTreeMap<Index, BTreeMap<Vec<u8>, Vec<u8>>>);

impl Links {
    fn add(&mut self, index: Index, from: &str, to: &str, meta: &LinkMeta) -> Result<(), StoreError> {
        self.0.entry(index).or_default().insert(keys::link_key(from, to), codec::encode(meta)?);
        Ok(())
    }

    fn plain(&mut self, index: Index, from: &str, to: &str) -> Result<(), StoreError> {
        self.add(index, from, to, &LinkMeta::default())
    }
}

/// The lookup and search trees, filled by every type and written once at the end.
#[derive(Default)]
struct Batches {
    lookup: sled::Batch,
    search: search::Postings,
}

/// Writes one type's records, their lookup names and their citations.
fn records<T: Stored + Searchable>(
    db: &sled::Db,
    records: &[T],
    batches: &mut Batches,
    links: &mut Links,
    names: impl Fn(&T) -> Vec<&str>,
) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    for record in records {
        batch.insert(record.code().as_bytes(), codec::encode(record)?);
        cite(links, record)?;
        batches.search.add(record);
        let lookup = &mut batches.lookup;
        for name in std::iter::once(record.code()).chain(names(record)) {
            lookup.insert(keys::lookup_key(T::TYPE_NAME, &fold(name)), record.code().as_bytes());
        }
    }
    db.open_tree(T::TREE)?.apply_batch(batch)?;
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
    let mut batches = Batches::default();
    let mut links = Links::default();
    records(db, &data.sources, &mut batches, &mut links, |s| vec![s.title.as_str()])?;
    records(db, &data.areas, &mut batches, &mut links, |a| vec![a.name.as_str()])?;
    records(db, &data.nations, &mut batches, &mut links, |n| {
        std::iter::once(n.name.as_str()).chain(std::iter::once(n.alpha2.as_str())).chain(n.aliases.iter().map(String::as_str)).collect()
    })?;
    records(db, &data.organisations, &mut batches, &mut links, |o| std::iter::once(o.name.as_str()).chain(o.acronym.as_deref()).collect())?;
    records(db, &data.projects, &mut batches, &mut links, |p| std::iter::once(p.name.as_str()).chain(p.acronym.as_deref()).collect())?;
    records(db, &data.strategies, &mut batches, &mut links, |s| vec![s.title.as_str()])?;
    records(db, &data.objectives, &mut batches, &mut links, |_| vec![])?;
    records(db, &data.contracts, &mut batches, &mut links, |c| vec![c.title.as_str()])?;
    db.open_tree(keys::trees::LOOKUP)?.apply_batch(batches.lookup)?;
    db.open_tree(keys::trees::FACETS)?.insert(keys::trees::PROJECT_FACETS, codec::encode(&ProjectFacets::build(&data.projects))?)?;
    batches.search.write(db)?;

    let strategy_of: HashMap<&str, &str> = data.objectives.iter().map(|o| (o.code.as_str(), o.strategy.as_str())).collect();
    for project in &data.projects {
        for p in &project.participants {
            let meta = LinkMeta { role: Some(p.role), note: p.note.clone() };
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
    for org in &data.organisations {
        if let Some(parent) = &org.parent {
            links.plain(Index::OrganisationsByParent, parent, &org.code)?;
        }
    }
    // Link counts are stored too, so that `projectCount` and `totalCount` need not read every link.
    let mut counts = sled::Batch::default();
    for index in Index::ALL {
        let entries = links.0.remove(&index).unwrap_or_default();
        let mut batch = sled::Batch::default();
        let mut per_from: BTreeMap<&[u8], u64> = BTreeMap::new();
        for (key, value) in &entries {
            let from = &key[..key.iter().position(|b| *b == 0).unwrap_or(key.len())];
            *per_from.entry(from).or_default() += 1;
            batch.insert(key.as_slice(), value.as_slice());
        }
        for (from, count) in per_from {
            counts.insert(keys::link_key(index.tree_name(), &String::from_utf8_lossy(from)), codec::encode(&count)?);
        }
        db.open_tree(index.tree_name())?.apply_batch(batch)?;
    }
    db.open_tree(keys::trees::LINK_COUNTS)?.apply_batch(counts)?;
    Ok(())
}
