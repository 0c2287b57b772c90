//! `Place`: the places the texts name — where a project sits or what region it concerns, where an
//! event took place — each in its nation where a text says so.

use std::sync::Arc;

use crate::{
    model::{self, fold_key, Named, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{Object, Res, TypeDef},
        fetch::Ctx,
        ids,
        obj::{ObjType, Out},
        types::{record_page},
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![place()];
    types.extend(connection::types(ObjType::PlaceConnection, ObjType::PlaceEdge, "Place"));
    types
}

fn place() -> TypeDef {
    Object::<model::Place>::new(ObjType::Place, "A place the texts name: where a project sits or what it concerns, where an event took place.")
        .implements("Node")
        .value("id", "ID!", "Global, opaque id.", |p| Out::string(ids::encode("Place", &p.code)))
        .value("code", "String!", "Stable key (`zadar`).", |p| Out::str(&p.code))
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

/// `Query.places`: in name order, ties by code.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let all = cx.every_sorted::<model::Place, _>(|p| fold_key(&p.name, &p.code))?;
    let places: Vec<&Arc<model::Place>> = all.iter().collect();
    record_page(args, cx, (ObjType::PlaceConnection, ObjType::PlaceEdge), &places)
}
