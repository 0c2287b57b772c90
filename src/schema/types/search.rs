//! `search(text, first)`: ranked hits over every type, from the store's search index; and
//! `stats`.

use std::sync::Arc;

use crate::{
    model::RecordKind,
    schema::{
        def::{InputDef, Object, TypeDef},
        obj::{Obj, ObjType, Out},
        FieldError,
    },
};

/// One search result with its relevance.
pub struct Hit {
    score: f64,
    field: &'static str,
    node: Obj,
}

pub fn types() -> Vec<TypeDef> {
    vec![Object::<Hit>::new(ObjType::SearchHit, "One search result with its relevance.")
        .value("score", "Float!", "Relevance: higher is better. Matches in codes, acronyms and names outweigh matches in text.", |h| {
            Out::Float(h.score)
        })
        .value("matchedField", "String!", "The field whose match counted most (`acronym`, `name`, `purpose`…).", |h| Out::str(h.field))
        .value("node", "Record!", "The record found.", |h| Out::Obj(h.node.clone()))
        .finish()]
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
                let found: Vec<_> = hits
                    .iter()
                    .map(|hit| RecordKind::from_type_name(&hit.type_name).map(|kind| cx.record_obj(kind, &hit.code)).transpose())
                    .collect();
                let found = found.into_iter().collect::<Result<Vec<_>, _>>()?;
                let hits = hits.iter().zip(found).filter_map(|(hit, node)| {
                    Some(Obj::new(ObjType::SearchHit, Arc::new(Hit { score: hit.score, field: hit.field.name(), node: node.flatten()? })))
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
