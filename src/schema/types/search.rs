//! `search(text, first)`: ranked hits over every type, from the store's search index; and
//! `stats`.

use std::sync::{Arc, OnceLock};

use crate::{
    model::{text::words, RecordKind},
    schema::{
        def::{Fail, InputDef, Object, TypeDef},
        fetch::record_obj,
        obj::{Obj, ObjType, Out},
        FieldError,
    },
    store::{
        search::{record_search_fields, Field},
        text_match::{text_matches, Highlight, TextMatch},
        AnyRecord,
    },
};

/// One search result with its relevance, and what it needs to show its match.
pub struct Hit {
    score: f64,
    field: Field,
    kind: RecordKind,
    record: AnyRecord,
    /// The folded query words, shared by every hit of the search.
    query: Arc<[String]>,
    /// Found once, for `snippet` and `textMatches` alike.
    matches: OnceLock<Vec<Arc<TextMatch>>>,
}

impl Hit {
    fn text_matches(&self) -> &[Arc<TextMatch>] {
        self.matches.get_or_init(|| {
            text_matches(&record_search_fields(self.kind, &self.record), &self.query, self.field).into_iter().map(Arc::new).collect()
        })
    }
}

fn text_match_obj(m: &Arc<TextMatch>) -> Out<'static> {
    Out::Obj(Obj::new(ObjType::TextMatch, m.clone()))
}

pub fn types() -> Vec<TypeDef> {
    vec![
        Object::<Hit>::new(ObjType::SearchHit, "One search result with its relevance and where it matched.")
            .value("score", "Float!", "Relevance: higher is better. Matches in codes, acronyms and names outweigh matches in text.", |h| {
                Out::Float((h.score * 1000.0).round() / 1000.0)
            })
            .value(
                "matchedField",
                "String!",
                "The field of the hit's own type whose match counted most (`acronym`, `name`, `purpose`,\n`item`…): `node { ... on ProcurementContract { item } }` reads it.",
                |h| Out::str(h.field.name()),
            )
            .value("node", "Record!", "The record found.", |h| Out::Obj(record_obj(h.kind, h.record.clone())))
            .value(
                "snippet",
                "TextMatch",
                "The text of `matchedField` around the words found, with each found word placed. `null` only\nif that text no longer shows the words (a match on a word's spelling the text does not hold).",
                |h| h.text_matches().first().map_or(Out::Null, text_match_obj),
            )
            .value(
                "textMatches",
                "[TextMatch!]!",
                "Every field of the hit where a word of the search occurs, `matchedField` first, one match\nper field.",
                |h| Out::List(h.text_matches().iter().map(text_match_obj).collect()),
            )
            .finish(),
        Object::<TextMatch>::new(ObjType::TextMatch, "Where a search's words occur in one field of a hit, as GitHub's `textMatches`.")
            .value("field", "String!", "The API field the text is read from, on the hit's own type.", |m| Out::str(m.field))
            .value(
                "fragment",
                "String!",
                "The field's text: whole when short, otherwise cut on word boundaries around the first word\nfound, with `…` where it is cut.",
                |m| Out::str(&m.fragment),
            )
            .value("marked", "String!", "`fragment` with every word found in `**`, to read as it is or as Markdown.", |m| Out::string(m.marked()))
            .value("highlights", "[TextHighlight!]!", "The words found, in order.", |m| {
                Out::List(m.highlights.iter().map(|h| Out::Obj(Obj::new(ObjType::TextHighlight, Arc::new(h.clone())))).collect())
            })
            .finish(),
        Object::<Highlight>::new(ObjType::TextHighlight, "A word found in a fragment.")
            .value("text", "String!", "The word as the text writes it (`drones` for the search `drone`).", |h| Out::str(&h.text))
            .value("start", "Int!", "Where it starts in `fragment`, in characters (Unicode code points) from 0.", |h| Out::count(h.start))
            .value("end", "Int!", "Where it ends in `fragment` (exclusive), in characters.", |h| Out::count(h.end))
            .finish(),
    ]
}

/// The root's `search` and `stats`.
pub fn fields(object: Object<()>) -> Object<()> {
    object
        .field_def(
            "search",
            "[SearchHit!]!",
            "Records of every type matching all words of `text`, best first. Case, diacritics and\nsmall misspellings are forgiven (`turkiye`, `Lithuana`); words may be prefixes.",
            |_, args, cx| {
                let max = cx.page.max as i64;
                let first = args.int("first").unwrap_or(10);
                if first < 0 || first > max {
                    return Err(FieldError::FirstOutOfRange { max, value: first }.into());
                }
                let text = args.string("text").unwrap_or_default();
                let hits = cx.search(text, first as usize)?;
                // Every hit's record is asked for before the first miss is answered, so they are read in one batch.
                let found: Vec<Result<_, Fail>> = hits
                    .iter()
                    .map(|hit| {
                        let Some(kind) = RecordKind::from_type_name(&hit.type_name) else { return Ok(None) };
                        Ok(cx.any_record(kind, &hit.code)?.map(|record| (kind, record)))
                    })
                    .collect();
                let found = found.into_iter().collect::<Result<Vec<_>, _>>()?;
                let query: Arc<[String]> = words(text).collect();
                let hits = hits.iter().zip(found).filter_map(|(hit, found)| {
                    let (kind, record) = found?;
                    let hit = Hit { score: hit.score, field: hit.field, kind, record, query: query.clone(), matches: OnceLock::new() };
                    Some(Obj::new(ObjType::SearchHit, Arc::new(hit)))
                });
                Ok(Out::objs(hits))
            },
            |f| {
                f.arg(InputDef::new("text", "String!", "Words to look for."))
                    .arg(InputDef::new("first", "Int!", "How many hits at most (default 10).").default(10))
            },
        )
        .field("stats", "Stats!", "Aggregates: projects by status, kind and area; nations by participation; contract value by currency.", |_, _, _| {
            Ok(Out::Obj(Obj::unit(ObjType::Stats)))
        })
}
