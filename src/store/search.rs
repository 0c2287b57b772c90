//! The full-text search index: folded words → the records and fields they occur in.
//!
//! `search/terms` maps each word to its postings (`Type:code` and field, encoded by the codec);
//! `search/vocab` holds each word once with no value, so that misspelt words can be matched by
//! edit distance against the vocabulary without reading any postings.

use std::collections::HashMap;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{codec, keys, Store, StoreError};
use crate::model::{
    self,
    text::{edit_distance_within, fold, words},
    Record,
};

pub const TERMS: &str = "search/terms";
pub const VOCAB: &str = "search/vocab";

/// A field a record is searchable by, and how much a match there counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Code,
    Acronym,
    Name,
    Alias,
    Title,
    Purpose,
    Description,
    Statement,
    Note,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Acronym => "acronym",
            Field::Name => "name",
            Field::Alias => "aliases",
            Field::Title => "title",
            Field::Purpose => "purpose",
            Field::Description => "description",
            Field::Statement => "statement",
            Field::Note => "statusNote",
        }
    }

    /// Acronym and name matches rank above matches in running text.
    fn weight(self) -> f64 {
        match self {
            Field::Code | Field::Acronym => 10.0,
            Field::Name | Field::Title => 8.0,
            Field::Alias => 6.0,
            Field::Statement | Field::Description => 2.0,
            Field::Purpose | Field::Note => 1.0,
        }
    }
}

/// What a record offers to search.
pub trait Searchable: Record {
    fn search_fields(&self) -> Vec<(Field, &str)>;
}

impl Searchable for model::Project {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name), (Field::Purpose, &self.purpose)];
        fields.extend(self.acronym.as_deref().map(|a| (Field::Acronym, a)));
        fields.extend(self.status_note.as_deref().map(|n| (Field::Note, n)));
        fields
    }
}

impl Searchable for model::Nation {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Code, &self.alpha2), (Field::Name, &self.name)];
        fields.extend(self.aliases.iter().map(|a| (Field::Alias, a.as_str())));
        fields
    }
}

impl Searchable for model::Organisation {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name)];
        fields.extend(self.acronym.as_deref().map(|a| (Field::Acronym, a)));
        fields
    }
}

impl Searchable for model::CapabilityArea {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        vec![(Field::Code, &self.code), (Field::Name, &self.name), (Field::Description, &self.description)]
    }
}

impl Searchable for model::Strategy {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Title, &self.title), (Field::Description, &self.summary)];
        fields.extend(self.aim.as_deref().map(|a| (Field::Description, a)));
        fields
    }
}

impl Searchable for model::StrategyObjective {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Title, self.title.as_str()), (Field::Statement, &self.statement)];
        for line in &self.lines_of_effort {
            fields.extend([(Field::Statement, line.title.as_str()), (Field::Statement, &line.text)]);
        }
        fields
    }
}

impl Searchable for model::ProcurementContract {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Title, &self.title), (Field::Description, &self.description)];
        fields.extend(self.item.as_deref().map(|i| (Field::Name, i)));
        fields
    }
}

impl Searchable for model::Source {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        vec![(Field::Code, &self.code), (Field::Title, &self.title), (Field::Name, &self.publisher)]
    }
}

/// One occurrence of a word: the record (`Type:code`) and the field.
type Posting = (String, Field);

/// The postings of every word, gathered in memory while the store is built.
#[derive(Default)]
pub(super) struct Postings(BTreeMap<String, Vec<Posting>>);

impl Postings {
    pub(super) fn add<T: Searchable>(&mut self, record: &T) {
        let target = format!("{}:{}", T::TYPE_NAME, record.code());
        for (field, text) in record.search_fields() {
            for word in words(text) {
                let postings = self.0.entry(word).or_default();
                // Records are added one at a time, so a duplicate can only be among the entries
                // this record already added at the end of the list (scanning it all is quadratic).
                if !postings.iter().rev().take_while(|(t, _)| *t == target).any(|(_, f)| *f == field) {
                    postings.push((target.clone(), field));
                }
            }
        }
    }

    pub(super) fn write(self, db: &sled::Db) -> Result<(), StoreError> {
        let (mut terms, mut vocab) = (sled::Batch::default(), sled::Batch::default());
        for (word, postings) in self.0 {
            terms.insert(word.as_bytes(), codec::encode(&postings)?);
            vocab.insert(word.as_bytes(), &[]);
        }
        db.open_tree(TERMS)?.apply_batch(terms)?;
        db.open_tree(VOCAB)?.apply_batch(vocab)?;
        Ok(())
    }
}

/// One ranked search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub type_name: String,
    pub code: String,
    pub score: f64,
    /// The field whose match counted most.
    pub field: Field,
}

/// How well a vocabulary word matches a query word: exact, prefix, or within a small edit distance.
/// Both come with their lengths in characters (the vocabulary's are counted once).
fn closeness((query, query_chars): (&str, usize), (word, word_chars): (&str, usize)) -> Option<f64> {
    if word == query {
        return Some(1.0);
    }
    if query_chars >= 3 && word.starts_with(query) {
        return Some(0.7);
    }
    let allowed = match query_chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    (allowed > 0 && query_chars.abs_diff(word_chars) <= allowed && edit_distance_within(query, word, allowed) <= allowed).then_some(0.5)
}

impl Store {
    /// Every indexed word and its length in characters, read from `search/vocab` on the first
    /// search and kept: matching a misspelt word compares it with all of them, which through
    /// sled's iterator cost more than the comparisons.
    fn vocabulary(&self) -> Result<&[(String, usize)], StoreError> {
        if let Some(words) = self.vocabulary.get() {
            return Ok(words);
        }
        let words = self
            .db
            .open_tree(VOCAB)?
            .iter()
            .keys()
            .map(|word| {
                let word = String::from_utf8_lossy(&word?).into_owned();
                let chars = word.chars().count();
                Ok((word, chars))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(self.vocabulary.get_or_init(|| words))
    }

    /// Ranks records for `text`: every query word must match (exactly, as a prefix or nearly);
    /// a word's best field counts, and a record named exactly by the whole text comes first.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let query: Vec<String> = words(text).collect();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let terms = self.db.open_tree(TERMS)?;
        let query_chars: Vec<usize> = query.iter().map(|q| q.chars().count()).collect();
        let mut candidates: Vec<Vec<(&str, f64)>> = vec![Vec::new(); query.len()];
        for (word, chars) in self.vocabulary()? {
            for (i, q) in query.iter().enumerate() {
                if let Some(score) = closeness((q, query_chars[i]), (word, *chars)) {
                    candidates[i].push((word, score));
                }
            }
        }
        // (type:code) → per query word: best (score, field)
        let mut found: HashMap<String, Vec<Option<(f64, Field)>>> = HashMap::new();
        let mut keys_read = 0;
        for (i, words) in candidates.iter().enumerate() {
            for (word, closeness) in words {
                let Some(bytes) = terms.get(word.as_bytes())? else { continue };
                keys_read += 1;
                for (target, field) in codec::decode::<Vec<Posting>>(&bytes)? {
                    let score = closeness * field.weight();
                    let slot = &mut found.entry(target).or_insert_with(|| vec![None; query.len()])[i];
                    if slot.is_none_or(|(best, _)| score > best) {
                        *slot = Some((score, field));
                    }
                }
            }
        }
        self.count_read(keys_read + 1);
        // The whole text naming a record exactly (code, name, acronym, alias) ranks it first: one
        // lookup per type among the candidates, not one per candidate.
        let whole = fold(text);
        let lookup = self.tree(keys::trees::LOOKUP)?;
        let mut named: HashMap<String, Option<sled::IVec>> = HashMap::new();
        for target in found.keys() {
            if let Some((type_name, _)) = target.split_once(':') {
                if !named.contains_key(type_name) {
                    named.insert(type_name.to_owned(), lookup.get(keys::lookup_key(type_name, &whole))?);
                }
            }
        }
        let mut hits: Vec<Hit> = found
            .into_iter()
            .filter(|(_, per_word)| per_word.iter().all(Option::is_some))
            .filter_map(|(target, per_word)| {
                let (type_name, code) = target.split_once(':')?;
                let best = per_word.iter().flatten().copied().fold((0.0, Field::Purpose), |a, b| if b.0 > a.0 { b } else { a });
                let mut score: f64 = per_word.iter().flatten().map(|(s, _)| s).sum();
                if named.get(type_name).and_then(Option::as_ref).is_some_and(|c| c == code.as_bytes()) {
                    score += 100.0;
                }
                Some(Hit { type_name: type_name.to_owned(), code: code.to_owned(), score, field: best.1 })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.type_name.cmp(&b.type_name)).then_with(|| a.code.cmp(&b.code)));
        hits.truncate(limit);
        Ok(hits)
    }
}
