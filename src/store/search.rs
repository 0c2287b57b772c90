//! The full-text search index: folded words → the records and fields they occur in.
//!
//! `search/terms` maps each word to its postings (`Type:code` and field, encoded by the codec);
//! `search/vocab` holds each word once with no value, so that misspelt words can be matched by
//! edit distance against the vocabulary without reading any postings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{codec, Store, StoreError};
use crate::model::{
    self,
    text::{edit_distance_within, fold, words},
    Record,
};

pub const TERMS: &str = "search/terms";
pub const VOCAB: &str = "search/vocab";

/// A field a record is searchable by, named as the API names it, and how much a match there
/// counts. The order is the stored index of each field: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Code,
    Alpha2,
    Acronym,
    Name,
    Aliases,
    Title,
    Item,
    Office,
    Publisher,
    Summary,
    Aim,
    Statement,
    Description,
    Place,
    Purpose,
    StatusNote,
    LinesOfEffort,
    Statements,
    Note,
    Subject,
    Readings,
}

impl Field {
    const ALL: [Field; 21] = [
        Field::Code,
        Field::Alpha2,
        Field::Acronym,
        Field::Name,
        Field::Aliases,
        Field::Title,
        Field::Item,
        Field::Office,
        Field::Publisher,
        Field::Summary,
        Field::Aim,
        Field::Statement,
        Field::Description,
        Field::Place,
        Field::Purpose,
        Field::StatusNote,
        Field::LinesOfEffort,
        Field::Statements,
        Field::Note,
        Field::Subject,
        Field::Readings,
    ];

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(index: u8) -> Option<Field> {
        Field::ALL.get(index as usize).copied()
    }

    /// The API field the text is read from, on the hit's own type.
    pub fn name(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Alpha2 => "alpha2",
            Field::Acronym => "acronym",
            Field::Name => "name",
            Field::Aliases => "aliases",
            Field::Title => "title",
            Field::Item => "item",
            Field::Office => "office",
            Field::Publisher => "publisher",
            Field::Summary => "summary",
            Field::Aim => "aim",
            Field::Statement => "statement",
            Field::Description => "description",
            Field::Place => "place",
            Field::Purpose => "purpose",
            Field::StatusNote => "statusNote",
            Field::LinesOfEffort => "linesOfEffort",
            Field::Statements => "statements",
            Field::Note => "note",
            Field::Subject => "subject",
            Field::Readings => "readings",
        }
    }

    /// What names a record (code, acronym, name, other names) outweighs what it is about (an
    /// item bought, an office held), which outweighs running text.
    fn weight(self) -> f64 {
        match self {
            Field::Code | Field::Alpha2 | Field::Acronym => 10.0,
            Field::Name | Field::Title | Field::Subject => 8.0,
            Field::Aliases => 6.0,
            Field::Item | Field::Office => 4.0,
            Field::Publisher => 3.0,
            Field::Summary | Field::Aim | Field::Statement | Field::Description | Field::Place | Field::Readings => 2.0,
            Field::Purpose | Field::StatusNote | Field::LinesOfEffort | Field::Statements | Field::Note => 1.0,
        }
    }
}

/// What a record offers to search: each field's text, under the API name of that field (a list
/// field such as `aliases` gives one entry per item).
pub trait Searchable: Record {
    fn search_fields(&self) -> Vec<(Field, &str)>;
}

/// The fields every record may have besides its own: its note.
fn with_note<'a>(mut fields: Vec<(Field, &'a str)>, note: &'a Option<String>) -> Vec<(Field, &'a str)> {
    fields.extend(note.as_deref().map(|n| (Field::Note, n)));
    fields
}

impl Searchable for model::Project {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name), (Field::Purpose, &self.purpose)];
        fields.extend(self.acronym.as_deref().map(|a| (Field::Acronym, a)));
        fields.extend(self.aliases.iter().map(|a| (Field::Aliases, a.as_str())));
        fields.extend(self.status_note.as_deref().map(|n| (Field::StatusNote, n)));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::Nation {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Alpha2, &self.alpha2), (Field::Name, &self.name)];
        fields.extend(self.aliases.iter().map(|a| (Field::Aliases, a.as_str())));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::Organisation {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name)];
        fields.extend(self.acronym.as_deref().map(|a| (Field::Acronym, a)));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::CapabilityArea {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        with_note(vec![(Field::Code, &self.code), (Field::Name, &self.name), (Field::Description, &self.description)], &self.note)
    }
}

impl Searchable for model::Strategy {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Title, &self.title), (Field::Summary, &self.summary)];
        fields.extend(self.aim.as_deref().map(|a| (Field::Aim, a)));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::StrategyObjective {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Title, self.title.as_str()), (Field::Statement, &self.statement)];
        for line in &self.lines_of_effort {
            fields.extend([(Field::LinesOfEffort, line.title.as_str()), (Field::LinesOfEffort, &line.text)]);
        }
        with_note(fields, &self.note)
    }
}

impl Searchable for model::ProcurementContract {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Title, &self.title), (Field::Description, &self.description)];
        fields.extend(self.item.as_deref().map(|i| (Field::Item, i)));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::Source {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        with_note(vec![(Field::Code, &self.code), (Field::Title, &self.title), (Field::Publisher, &self.publisher)], &self.note)
    }
}

impl Searchable for model::Event {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name)];
        fields.extend(self.place.as_deref().map(|p| (Field::Place, p)));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::Place {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        with_note(vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name)], &self.note)
    }
}

impl Searchable for model::Person {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Name, &self.name)];
        fields.extend(self.office.as_deref().map(|o| (Field::Office, o)));
        fields.extend(self.statements.iter().map(|s| (Field::Statements, s.text.as_str())));
        with_note(fields, &self.note)
    }
}

impl Searchable for model::Disagreement {
    fn search_fields(&self) -> Vec<(Field, &str)> {
        let mut fields = vec![(Field::Code, self.code.as_str()), (Field::Subject, &self.subject)];
        fields.extend(self.readings.iter().map(|r| (Field::Readings, r.says.as_str())));
        with_note(fields, &self.note)
    }
}

/// One occurrence of a word: the record's number (see [`TARGETS`]) and the field.
type Posting = (u32, Field);

/// `record number (4 bytes, big-endian)` → `Type:code`. Numbers follow `Type:code` order, so
/// ordering hits by number orders them by type and code.
pub const TARGETS: &str = "search/targets";
/// `Type:code` → record number, for the records a whole text names.
pub const NUMBERS: &str = "search/numbers";

/// The postings of every word, gathered while the store is built: a record is named by the
/// number it was first seen under (a few bytes a posting, not its `Type:code`), renumbered in
/// `Type:code` order when the postings are written.
#[derive(Default)]
pub(super) struct Postings {
    words: HashMap<String, Vec<(u32, Field)>>,
    /// `Type:code` of each record by the number it was seen under.
    targets: Vec<String>,
}

impl Postings {
    pub(super) fn add<T: Searchable>(&mut self, record: &T) {
        let seen = self.targets.len() as u32;
        let mut any = false;
        for (field, text) in record.search_fields() {
            for word in words(text) {
                any = true;
                let postings = self.words.entry(word).or_default();
                // Records are added one at a time, so a duplicate can only be among the entries
                // this record already added at the end of the list (scanning it all is quadratic).
                if !postings.iter().rev().take_while(|(t, _)| *t == seen).any(|(_, f)| *f == field) {
                    postings.push((seen, field));
                }
            }
        }
        if any {
            self.targets.push(format!("{}:{}", T::TYPE_NAME, record.code()));
        }
    }

    pub(super) fn write(self, db: &sled::Db) -> Result<(), StoreError> {
        let Postings { words, targets } = self;
        // Numbers follow `Type:code` order; codes are unique within a type, so no two are equal.
        let mut order: Vec<u32> = (0..targets.len() as u32).collect();
        order.sort_unstable_by(|a, b| targets[*a as usize].cmp(&targets[*b as usize]));
        let mut number = vec![0u32; targets.len()];
        let (by_number, numbers) = (db.open_tree(TARGETS)?, db.open_tree(NUMBERS)?);
        for (i, &seen) in order.iter().enumerate() {
            number[seen as usize] = i as u32;
            let target = targets[seen as usize].as_bytes();
            by_number.insert(&(i as u32).to_be_bytes(), target)?;
            numbers.insert(target, &(i as u32).to_be_bytes())?;
        }
        drop((order, targets));
        let (terms, vocab) = (db.open_tree(TERMS)?, db.open_tree(VOCAB)?);
        for (word, postings) in words {
            let mut postings: Vec<Posting> = postings.into_iter().map(|(t, f)| (number[t as usize], f)).collect();
            postings.sort_unstable_by_key(|(n, _)| *n);
            terms.insert(word.as_bytes(), codec::encode_postings(&postings))?;
            vocab.insert(word.as_bytes(), b"")?;
        }
        Ok(())
    }
}

/// What a search works in: for each record number, the generation that last made it a
/// candidate and its candidate slot; the candidates; each one's best (score, field) per query
/// word. Kept by the thread for its next search, so a wide search neither clears tables nor
/// faults in fresh pages.
#[derive(Default)]
struct Scratch {
    generation: u32,
    stamps: Vec<u32>,
    slots: Vec<u32>,
    candidates: Vec<u32>,
    best: Vec<Option<(f64, Field)>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
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

/// How close a word is to a query word: the word itself, its plural, a word it begins, a
/// misspelling. Search and the text matches of its hits apply the same rule.
pub const EXACT: f64 = 1.0;
pub const PLURAL: f64 = 0.95;
pub const PREFIX: f64 = 0.7;
pub const MISSPELT: f64 = 0.5;

/// Is `word` the plural of `query` by an ending that only adds letters ("drones", "taxes")? Such
/// words sit among the query's prefixes in the vocabulary, where search finds them.
fn plural_of(query: &str, word: &str) -> bool {
    word.strip_prefix(query).is_some_and(|rest| rest == "s" || rest == "es")
}

/// The closeness of one folded word of a text to one query word, by the rule search ranks by.
pub fn closeness(query: &str, word: &str) -> Option<f64> {
    let chars = query.chars().count();
    if word == query {
        Some(EXACT)
    } else if chars >= 3 && plural_of(query, word) {
        Some(PLURAL)
    } else if chars >= 3 && word.starts_with(query) {
        Some(PREFIX)
    } else {
        let (word_chars, allowed) = (word.chars().count(), allowed_edits(chars));
        (allowed > 0 && chars.abs_diff(word_chars) <= allowed && edit_distance_within(query, word, allowed) <= allowed).then_some(MISSPELT)
    }
}

/// How many edits a misspelling of a word of `chars` characters may make.
fn allowed_edits(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Words longer than this share the last length bucket.
const MAX_LENGTH: usize = 40;

/// The indexed words in order, and by length in characters their letters and positions (a
/// misspelling is compared only with words of about its length, and first by letters, in a
/// compact array).
pub struct Vocabulary {
    words: Vec<Word>,
    by_length: Vec<Vec<(u64, u32)>>,
}

/// A vocabulary word, with what matching a misspelt word against it needs first.
pub struct Word {
    text: String,
    chars: usize,
    /// Which of the letters a–z and digits it holds (bit per character class).
    letters: u64,
}

fn letters(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + (c as u32 % 28),
        };
        mask | 1 << bit
    })
}

/// Does a vocabulary word that neither is nor begins with the query word match it as a
/// misspelling (within an edit distance that grows with the word's length)? The query word
/// comes with its length in characters and its letters.
fn misspelt((query, query_chars, query_letters): (&str, usize, u64), word: &Word) -> Option<f64> {
    let allowed = allowed_edits(query_chars);
    if allowed == 0 || query_chars.abs_diff(word.chars) > allowed {
        return None;
    }
    // Each letter of the word that the query lacks costs an edit at least.
    if (word.letters & !query_letters).count_ones() as usize > allowed {
        return None;
    }
    (edit_distance_within(query, &word.text, allowed) <= allowed).then_some(MISSPELT)
}

impl Store {
    /// Every indexed word, read from `search/vocab` on the first search and kept: matching a
    /// misspelt word compares it with all of them, which through sled's iterator cost more than
    /// the comparisons.
    fn vocabulary(&self) -> Result<&Vocabulary, StoreError> {
        if let Some(vocabulary) = self.vocabulary.get() {
            return Ok(vocabulary);
        }
        let words = self
            .tree(VOCAB)?
            .iter()
            .keys()
            .map(|word| {
                let text = String::from_utf8_lossy(&word?).into_owned();
                Ok(Word { chars: text.chars().count(), letters: letters(&text), text })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut by_length: Vec<Vec<(u64, u32)>> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let length = word.chars.min(MAX_LENGTH);
            if by_length.len() <= length {
                by_length.resize(length + 1, Vec::new());
            }
            by_length[length].push((word.letters, i as u32));
        }
        Ok(self.vocabulary.get_or_init(|| Vocabulary { words, by_length }))
    }

    /// Ranks records for `text`: every query word must match (exactly, as a prefix or nearly);
    /// a word's best field counts, and a record named exactly by the whole text comes first.
    ///
    /// The candidates are the records of the query word with the fewest postings; the other
    /// words only score those. Only the best `limit` hits are named (by their numbers).
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let query: Vec<String> = words(text).collect();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let terms = self.tree(TERMS)?;
        let mut keys_read = 0;
        // Per query word: the postings of each vocabulary word close to it, with its closeness.
        let vocabulary = self.vocabulary()?;
        // Each list stays as sled holds it (shared bytes) and is read in place.
        let mut matched: Vec<Vec<(f64, sled::IVec)>> = Vec::with_capacity(query.len());
        for q in &query {
            let (chars, mask) = (q.chars().count(), letters(q));
            let mut lists = Vec::new();
            let mut read = |word: &Word, score: f64| -> Result<(), StoreError> {
                if let Some(bytes) = terms.get(word.text.as_bytes())? {
                    keys_read += 1;
                    lists.push((score, bytes));
                }
                Ok(())
            };
            // The word itself and the words it begins sit together in the sorted vocabulary.
            let start = vocabulary.words.partition_point(|w| w.text.as_str() < q.as_str());
            let prefixed = vocabulary.words[start..].iter().take_while(|w| w.text.starts_with(q.as_str()));
            let mut near = 0;
            for word in prefixed {
                near += 1;
                match (word.text == *q, chars >= 3) {
                    (true, _) => read(word, EXACT)?,
                    (false, true) => read(word, if plural_of(q, &word.text) { PLURAL } else { PREFIX })?,
                    (false, false) => {}
                }
            }
            // Misspellings: every other word of about the same length and letters.
            let allowed = allowed_edits(chars);
            if allowed > 0 {
                let lengths = chars.saturating_sub(allowed)..=(chars + allowed).min(MAX_LENGTH);
                for length in lengths {
                    for &(letters, i) in vocabulary.by_length.get(length).map(Vec::as_slice).unwrap_or_default() {
                        // Each letter of the word that the query lacks costs an edit at least.
                        let i = i as usize;
                        if (letters & !mask).count_ones() as usize > allowed || (start..start + near).contains(&i) {
                            continue;
                        }
                        if let Some(score) = misspelt((q, chars, mask), &vocabulary.words[i]) {
                            read(&vocabulary.words[i], score)?;
                        }
                    }
                }
            }
            matched.push(lists);
        }
        self.count_read(keys_read + 1);
        // The rarest word's records are the only candidates.
        let size = |lists: &Vec<(f64, sled::IVec)>| lists.iter().map(|(_, p)| p.len() / 5).sum::<usize>();
        let mut order: Vec<usize> = (0..query.len()).collect();
        order.sort_by_key(|&i| size(&matched[i]));
        // Each candidate's best (score, field) per query word, side by side in one arena; both
        // are the thread's own and reused, so a wide search does not fault in fresh pages.
        let n = query.len();
        // The whole text naming a record exactly (code, name, acronym, alias) ranks it first.
        let whole = fold(text);
        let numbers = self.tree(NUMBERS)?;
        let mut named = Vec::new();
        for kind in model::RecordKind::ALL {
            let Some(Some(code)) = self.lookup_many(*kind, &[whole.as_str()])?.pop() else { continue };
            if let Some(bytes) = numbers.get(format!("{}:{code}", kind.type_name()))? {
                named.push(u32::from_be_bytes(bytes.as_ref().try_into().map_err(|_| StoreError::Decode("search number".into()))?));
            }
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch { generation, stamps, slots, candidates, best } = scratch;
            // A new generation leaves the previous search's stamps behind without clearing them.
            *generation = generation.wrapping_add(1);
            if *generation == 0 {
                stamps.iter_mut().for_each(|s| *s = 0);
                *generation = 1;
            }
            candidates.clear();
            best.clear();
            for (step, &i) in order.iter().enumerate() {
                for (closeness, bytes) in &matched[i] {
                    for (number, field) in codec::postings(bytes)? {
                        let at = number as usize;
                        if at >= stamps.len() {
                            stamps.resize(at + 1, 0);
                            slots.resize(at + 1, 0);
                        }
                        let slot = if stamps[at] == *generation {
                            slots[at] as usize
                        } else if step == 0 {
                            let slot = candidates.len();
                            stamps[at] = *generation;
                            slots[at] = slot as u32;
                            candidates.push(number);
                            best.resize(best.len() + n, None);
                            slot
                        } else {
                            continue;
                        };
                        let score = closeness * field.weight();
                        let entry = &mut best[slot * n + i];
                        if entry.is_none_or(|(b, _)| score > b) {
                            *entry = Some((score, field));
                        }
                    }
                }
            }
            let mut ranked: Vec<(f64, u32, Field)> = candidates
                .iter()
                .enumerate()
                .filter_map(|(slot, &number)| {
                    let per_word = &best[slot * n..slot * n + n];
                    if !per_word.iter().all(Option::is_some) {
                        return None;
                    }
                    let top = per_word.iter().flatten().copied().fold((0.0, Field::Purpose), |a, b| if b.0 > a.0 { b } else { a });
                    let bonus = if named.contains(&number) { 100.0 } else { 0.0 };
                    let score: f64 = bonus + per_word.iter().flatten().map(|(s, _)| s).sum::<f64>();
                    Some((score, number, top.1))
                })
                .collect();
            let better = |a: &(f64, u32, Field), b: &(f64, u32, Field)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if ranked.len() > limit {
                ranked.select_nth_unstable_by(limit - 1, better);
                ranked.truncate(limit);
            }
            ranked.sort_unstable_by(better);
            let targets = self.tree(TARGETS)?;
            self.count_read(ranked.len());
            ranked
                .into_iter()
                .map(|(score, number, field)| {
                    let target = targets.get(number.to_be_bytes())?.ok_or_else(|| StoreError::Decode(format!("search record {number}")))?;
                    let target = String::from_utf8_lossy(&target);
                    let (type_name, code) = target.split_once(':').ok_or_else(|| StoreError::Decode("search record".into()))?;
                    Ok(Hit { type_name: type_name.to_owned(), code: code.to_owned(), score, field })
                })
                .collect()
        })
    }
}

macro_rules! record_search_fields {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// The searchable fields of a record of any kind (empty if `record` is not of `kind`).
        pub fn record_search_fields(kind: model::RecordKind, record: &super::AnyRecord) -> Vec<(Field, &str)> {
            match kind {
                $(model::RecordKind::$kind => record.downcast_ref::<$ty>().map(Searchable::search_fields).unwrap_or_default(),)+
            }
        }
    };
}
crate::for_each_record!(record_search_fields);
