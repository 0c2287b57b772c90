//! `Place`: the places the texts name — where a project sits or what region it concerns, where an
//! event took place — each in its nation where a text says so.

use std::sync::Arc;

use crate::{
    model::{self, fold_key, text::fold, Named, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{ObjType, Out},
        types::{
            project::{matches, require},
            record_page,
        },
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![place(), place_filter()];
    types.extend(connection::types(ObjType::PlaceConnection, ObjType::PlaceEdge, "Place"));
    types
}

fn place() -> TypeDef {
    Object::<model::Place>::new(ObjType::Place, "A place the texts name: where a project sits or what it concerns, where an event took place.")
        .record("Stable key (`zadar`).")
        .value("name", "String!", "As the texts write it.", |p| Out::str(&p.name))
        .value("kind", "PlaceKind!", "A city or a region.", |p| Out::Enum(p.kind.name()))
        .field("nation", "Nation", "The nation it lies in, where a text says so.", |p, _, cx| match &p.nation {
            Some(nation) => Ok(Out::opt(cx.record_obj(RecordKind::Nation, nation)?)),
            None => Ok(Out::Null),
        })
        .field("projects", "[EventLink!]!", "Projects that sit there or concern it, and how, in the text's words.", |p, _, _| {
            Ok(p.parts(ObjType::EventLink, |p| &p.projects))
        })
        .field("events", "[Event!]!", "Events that took place there.", |p, _, cx| {
            Ok(Out::objs(cx.record_objs(RecordKind::Event, p.events.iter().map(|l| l.code.as_str()))?))
        })
        .value("note", "String", "Remarks.", |p| Out::opt_str(p.note.as_deref()))
        .sources("The documents and quotes that name it.", |p| &p.sources)
        .finish()
}

/// `Query.places`: filtered, in name order, ties by code.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let kind = f.named::<model::PlaceKind>("kind");
    let nation = f.string("nation").map(|text| require(cx, RecordKind::Nation, "filter.nation", text)).transpose()?;
    let nation = nation.as_ref().and_then(|n| n.get::<model::Nation>()).map(|n| n.code.as_str());
    let text = f.string("text").map(fold);
    let all = cx.every_sorted::<model::Place, _>(|p| fold_key(&p.name, &p.code))?;
    let places: Vec<&Arc<model::Place>> = all
        .iter()
        .filter(|p| kind.is_none_or(|k| p.kind == k))
        .filter(|p| nation.is_none_or(|n| p.nation.as_deref() == Some(n)))
        .filter(|p| text.as_deref().is_none_or(|t| matches(t, &[&p.code, &p.name])))
        .collect();
    record_page(args, cx, (ObjType::PlaceConnection, ObjType::PlaceEdge), &places)
}

fn place_filter() -> TypeDef {
    TypeDef::Input {
        name: "PlaceFilter",
        description: "Which places to list.",
        fields: vec![
            InputDef::new("kind", "PlaceKind", "This kind."),
            InputDef::new("nation", "String", "In this nation (code or name), where a text says so."),
            InputDef::new("text", "String", "Words in the code or name (any case, diacritics ignored)."),
        ],
    }
}
