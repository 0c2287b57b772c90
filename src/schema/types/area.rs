//! `CapabilityArea`: one of the capability areas the HVPs are grouped in.

use std::sync::Arc;

use crate::{
    model::{self, fold_key, RecordKind},
    schema::{
        args::Args,
        connection::{self, Item},
        def::{Object, Res, TypeDef},
        fetch::Ctx,
        ids,
        obj::{Obj, ObjType, Out},
        types::citations,
    },
    store::Index,
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![area()];
    types.extend(connection::types(ObjType::CapabilityAreaConnection, ObjType::CapabilityAreaEdge, "CapabilityArea"));
    types
}

fn area() -> TypeDef {
    Object::<model::CapabilityArea>::new(ObjType::CapabilityArea, "A capability area (\"Air and missile defence\") grouping projects.")
        .implements("Node")
        .value("id", "ID!", "Global, opaque id.", |a| Out::string(ids::encode("CapabilityArea", &a.code)))
        .value("code", "String!", "Stable key (`air-and-missile-defence`).", |a| Out::str(&a.code))
        .value("name", "String!", "Name as the source writes it.", |a| Out::str(&a.name))
        .value("description", "String!", "The source's introduction to the area.", |a| Out::str(&a.description))
        .field_def(
            "projects",
            "ProjectConnection!",
            "Projects in this area, in code order.",
            |a, args, cx| {
                let types = (ObjType::ProjectConnection, ObjType::ProjectEdge);
                connection::linked(args, cx, Index::ProjectsByArea, &a.code, RecordKind::Project, types)
            },
            |f| f.paged(),
        )
        .value("note", "String", "Remarks.", |a| Out::opt_str(a.note.as_deref()))
        .field("sources", "[Citation!]!", "The documents and quotes that support this record.", |a, _, _| Ok(citations(&a, |a| &a.sources)))
        .finish()
}

/// `Query.capabilityAreas`, in name order.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let all = cx.memo("all areas".into(), || {
        let mut all: Vec<_> = cx.store.all::<model::CapabilityArea>()?.into_iter().map(Arc::new).collect();
        all.sort_by_cached_key(|a| fold_key(&a.name, &a.code));
        Ok(all)
    })?;
    connection::page_of_list(
        args,
        cx,
        (ObjType::CapabilityAreaConnection, ObjType::CapabilityAreaEdge),
        &all,
        |a| &a.code,
        |a| Item { code: a.code.clone(), node: Obj::new(ObjType::CapabilityArea, Arc::clone(a)), link: None },
    )
}
