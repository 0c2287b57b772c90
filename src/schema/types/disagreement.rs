//! `Disagreement`: a place where the texts disagree — what is disputed, the records it concerns,
//! each reading with its quote — and the root list of them all.

use std::sync::Arc;

use crate::{
    model::{self, text::fold, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::{all_of, Ctx},
        obj::{ObjType, Out},
        types::{
            project::{matches, require},
            record_page,
        },
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![disagreement(), reading(), disagreement_filter()];
    types.extend(connection::types(ObjType::DisagreementConnection, ObjType::DisagreementEdge, "Disagreement"));
    types
}

fn disagreement() -> TypeDef {
    Object::<model::Disagreement>::new(
        ObjType::Disagreement,
        "A place where the texts disagree: what is disputed, the records it concerns, and what each text\nsays, with its quote. capgraph keeps every reading and picks none.",
    )
    .record("Stable key (`mrtt-fleet-size`).")
    .value("name", "String!", "Its display name: the subject.", |d| Out::str(&d.subject))
    .value("subject", "String!", "What is disputed, in a few words.", |d| Out::str(&d.subject))
    .field("records", "[Record!]!", "The records it concerns, in the order the fixtures give.", |d, _, cx| {
        let records = d.records.iter().map(|r| {
            let (type_name, code) = r.split_once(':').unwrap_or_default();
            match RecordKind::from_type_name(type_name) {
                Some(kind) => cx.record_obj(kind, code),
                None => Ok(None),
            }
        });
        Ok(Out::objs(all_of(records)?))
    })
    .field("readings", "[Reading!]!", "What each text says, with its quote: two readings at least.", |d, _, _| {
        Ok(d.parts(ObjType::Reading, |d| &d.readings))
    })
    .value("note", "String", "What the texts' readings leave open, in the fixtures' words.", |d| Out::opt_str(d.note.as_deref()))
    .sources("The readings' quotes, in reading order.", |d| &d.sources)
    .finish()
}

fn reading() -> TypeDef {
    Object::<model::Reading>::new(ObjType::Reading, "One reading of a disputed value: what one text says, with its quote.")
        .value("says", "String!", "The value as this text gives it, in a few words (`10 aircraft`).", |r| Out::str(&r.says))
        .field("source", "Citation!", "The quote that says it.", |r, _, _| Ok(Out::Obj(r.part(ObjType::Citation, |r| &r.source))))
        .finish()
}

/// `Query.disagreements`: filtered, in code order.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let source = f.string("source").map(|text| require(cx, RecordKind::Source, "filter.source", text)).transpose()?;
    let source = source.as_ref().and_then(|s| s.get::<model::Source>()).map(|s| s.code.as_str());
    let text = f.string("text").map(fold);
    let all = cx.every::<model::Disagreement>()?;
    let found: Vec<&Arc<model::Disagreement>> = all
        .iter()
        .filter(|d| source.is_none_or(|s| d.readings.iter().any(|r| r.source.source == s)))
        .filter(|d| {
            text.as_deref().is_none_or(|t| {
                let mut texts: Vec<&str> = vec![&d.code, &d.subject];
                texts.extend(d.readings.iter().map(|r| r.says.as_str()));
                texts.extend(d.note.as_deref());
                matches(t, &texts)
            })
        })
        .collect();
    record_page(args, cx, (ObjType::DisagreementConnection, ObjType::DisagreementEdge), &found)
}

fn disagreement_filter() -> TypeDef {
    TypeDef::Input {
        name: "DisagreementFilter",
        description: "Which disagreements to list.",
        fields: vec![
            InputDef::new("source", "String", "Those where this source document (code or title) gives a reading."),
            InputDef::new("text", "String", "Words in the code, subject, readings or note (any case, diacritics ignored)."),
        ],
    }
}
