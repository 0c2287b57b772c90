//! `Person`: the people the texts name, with the office the texts give and what each said,
//! verbatim, dated and tied to the event where the texts say so.

use std::sync::Arc;

use crate::{
    model::{self, fold_key, text::fold, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{ObjType, Out},
        types::{
            date, inferred, participant,
            project::{matches, require_participant},
            record_page, INFERRED,
        },
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![person(), statement(), person_filter()];
    types.extend(connection::types(ObjType::PersonConnection, ObjType::PersonEdge, "Person"));
    types
}

fn person() -> TypeDef {
    Object::<model::Person>::new(ObjType::Person, "A person the texts name, with the office they give and what the person said.")
        .record("Stable key (`mark-rutte`).")
        .value("name", "String!", "As the texts write it.", |p| Out::str(&p.name))
        .value("office", "String", "The office the text gives, in its words (\"NATO Deputy Secretary General\").", |p| {
            Out::opt_str(p.office.as_deref())
        })
        .field("officeOf", "Participant", "The organisation or nation of that office, where it is recorded.", |p, _, cx| {
            match p.organisation.as_ref().or(p.nation.as_ref()) {
                Some(code) => Ok(Out::opt(participant(cx, code)?)),
                None => Ok(Out::Null),
            }
        })
        .field("statements", "[Statement!]!", "What the person said, in the texts' order.", |p, _, _| {
            Ok(p.parts(ObjType::Statement, |p| &p.statements))
        })
        .value("note", "String", "Remarks.", |p| Out::opt_str(p.note.as_deref()))
        .sources("The documents and quotes that name the person and the office.", |p| &p.sources)
        .finish()
}

fn statement() -> TypeDef {
    Object::<model::Statement>::new(ObjType::Statement, "Something a person said, verbatim from a source text.")
        .value("text", "String!", "Verbatim: the person's quoted words, or the sentence of the text that reports them.", |s| Out::str(&s.text))
        .value("quoted", "Boolean!", "True when `text` is the person's own words (quoted in the source), false for a report.", |s| {
            Out::Bool(s.quoted)
        })
        .field("date", "PartialDate", "When it was said, as precise as the text.", |s, _, _| Ok(date(&s, |s| &s.date)))
        .field("event", "Event", "The event it was said at, where a text says so.", |s, _, cx| match &s.event {
            Some(event) => Ok(Out::opt(cx.record_obj(RecordKind::Event, event)?)),
            None => Ok(Out::Null),
        })
        .field("inferred", "[Inference!]!", INFERRED, |s, _, _| Ok(inferred(&s, |s| &s.inferred)))
        .field("source", "Citation!", "The document it is quoted from.", |s, _, _| Ok(Out::Obj(s.part(ObjType::Citation, |s| &s.source))))
        .finish()
}

/// `Query.people`: in name order, ties by code.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let office_of = f.string("officeOf").map(|text| require_participant(cx, "filter.officeOf", text)).transpose()?;
    let text = f.string("text").map(fold);
    let all = cx.every_sorted::<model::Person, _>(|p| fold_key(&p.name, &p.code))?;
    let people: Vec<&Arc<model::Person>> = all
        .iter()
        .filter(|p| office_of.as_deref().is_none_or(|o| [&p.organisation, &p.nation].into_iter().flatten().any(|c| c == o)))
        .filter(|p| {
            text.as_deref().is_none_or(|t| {
                let said = p.statements.iter().map(|s| s.text.as_str());
                let texts: Vec<&str> = [p.code.as_str(), p.name.as_str(), p.office.as_deref().unwrap_or_default()].into_iter().chain(said).collect();
                matches(t, &texts)
            })
        })
        .collect();
    record_page(args, cx, (ObjType::PersonConnection, ObjType::PersonEdge), &people)
}

fn person_filter() -> TypeDef {
    TypeDef::Input {
        name: "PersonFilter",
        description: "Which people to list.",
        fields: vec![
            InputDef::new("officeOf", "String", "Holding an office of this organisation or nation (code or name)."),
            InputDef::new("text", "String", "Words in the code, name, office or what the person said (any case, diacritics ignored)."),
        ],
    }
}
