//! `Event`: the summits, meetings, forums, ceremonies, exercises and industry events the texts
//! name, with what was launched, signed, endorsed or released at them; the root list's filter.

use std::sync::Arc;

use crate::{
    model::{self, text::fold, EventLink, Named, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{ObjType, Out},
        types::{
            date, inferred,
            project::{date_arg, matches, require},
            record_page, INFERRED,
        },
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![event(), event_link(), event_filter()];
    types.extend(connection::types(ObjType::EventConnection, ObjType::EventEdge, "Event"));
    types
}

fn event() -> TypeDef {
    Object::<model::Event>::new(ObjType::Event, "A summit, meeting, forum, ceremony, exercise or industry event the texts name.")
        .record("Stable key (`wales-summit-2014`).")
        .value("name", "String!", "As the text names it (\"the 2014 Wales Summit\").", |e| Out::str(&e.name))
        .value("kind", "EventKind!", "Summit, meeting, forum, ceremony, exercise or industry event.", |e| Out::Enum(e.kind.name()))
        .field("date", "PartialDate", "When, as precise as the text; `null` where no text dates it.", |e, _, _| Ok(date(&e, |e| &e.date)))
        .value("place", "String", "Where, in the text's words (\"Washington, D.C.\").", |e| Out::opt_str(e.place.as_deref()))
        .field("host", "Nation", "The nation that hosted it, where a text says so.", |e, _, cx| match &e.host {
            Some(host) => Ok(Out::opt(cx.record_obj(RecordKind::Nation, host)?)),
            None => Ok(Out::Null),
        })
        .field("projects", "[EventLink!]!", "Projects launched (or otherwise marked) at it, and how.", |e, _, _| {
            Ok(e.parts(ObjType::EventLink, |e| &e.projects))
        })
        .field("contracts", "[EventLink!]!", "Contracts signed or announced at it, and how.", |e, _, _| {
            Ok(e.parts(ObjType::EventLink, |e| &e.contracts))
        })
        .field("strategies", "[EventLink!]!", "Strategies, policies and plans endorsed or released at it, and how.", |e, _, _| {
            Ok(e.parts(ObjType::EventLink, |e| &e.strategies))
        })
        .linked("people", "People who spoke at it, as the texts report.", crate::store::Index::PeopleByEvent, RecordKind::Person)
        .linked("places", "Where it took place, as a place record.", crate::store::Index::PlacesByEvent, RecordKind::Place)
        .value("note", "String", "Where the sources disagree, or other remarks.", |e| Out::opt_str(e.note.as_deref()))
        .field("inferred", "[Inference!]!", INFERRED, |e, _, _| Ok(inferred(&e, |e| &e.inferred)))
        .sources("The documents and quotes that support this record.", |e| &e.sources)
        .finish()
}

fn event_link() -> TypeDef {
    Object::<EventLink>::new(ObjType::EventLink, "A record linked to an event or a place, and how, in the text's words.")
        .field("record", "EventSubject", "The project, contract or strategy.", |l, _, cx| {
            // Asked together, read in one round. The startup checks make a linked code name a record
            // of one of the three kinds only, so the first found is the one meant.
            let project = cx.record_obj(RecordKind::Project, &l.code);
            let contract = cx.record_obj(RecordKind::ProcurementContract, &l.code);
            let strategy = cx.record_obj(RecordKind::Strategy, &l.code);
            Ok(Out::opt(project?.or(contract?).or(strategy?)))
        })
        .value("relation", "String!", "How the record relates to the event (\"launched in its margins\").", |l| Out::str(&l.relation))
        .finish()
}

fn event_filter() -> TypeDef {
    TypeDef::Input {
        name: "EventFilter",
        description: "Which events to list.",
        fields: vec![
            InputDef::new("kind", "EventKind", "This kind."),
            InputDef::new("from", "String", "On or after this date (`2024`, `2024-06`)."),
            InputDef::new("to", "String", "On or before this date."),
            InputDef::new("host", "String", "Hosted by this nation (code or name)."),
            InputDef::new("text", "String", "Words in the code, name or place (any case, diacritics ignored)."),
        ],
    }
}

/// `Query.events`: filtered, in date order (undated last), ties by code.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let kind = f.named::<model::EventKind>("kind");
    let from = date_arg("filter.from", f.string("from"))?;
    let to = date_arg("filter.to", f.string("to"))?;
    let host = f.string("host").map(|text| require(cx, RecordKind::Nation, "filter.host", text)).transpose()?;
    let host = host.as_ref().and_then(|n| n.get::<model::Nation>()).map(|n| n.code.as_str());
    let text = f.string("text").map(fold);
    let all = cx.every_sorted::<model::Event, _>(|e| (e.date.is_none(), e.date.map(|d| d.timeline_key()), e.code.clone()))?;
    let events: Vec<&Arc<model::Event>> = all
        .iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .filter(|e| from.is_none_or(|from| e.date.is_some_and(|d| d.start() >= from.start())))
        .filter(|e| to.is_none_or(|to| e.date.is_some_and(|d| d.end() <= to.end())))
        .filter(|e| host.is_none_or(|h| e.host.as_deref() == Some(h)))
        .filter(|e| text.as_deref().is_none_or(|t| matches(t, &[&e.code, &e.name, e.place.as_deref().unwrap_or_default()])))
        .collect();
    record_page(args, cx, (ObjType::EventConnection, ObjType::EventEdge), &events)
}
