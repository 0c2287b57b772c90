//! `CapabilityArea`: one of the capability areas the HVPs are grouped in.

use crate::{
    model::{self, fold_key, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{Object, Res, TypeDef},
        fetch::Ctx,
        obj::{ObjType, Out},
        types::record_page,
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
        .record("Stable key (`air-and-missile-defence`).")
        .value("name", "String!", "Name as the source writes it.", |a| Out::str(&a.name))
        .value("description", "String!", "The source's introduction to the area.", |a| Out::str(&a.description))
        .linked("projects", "Projects in this area, in code order.", Index::ProjectsByArea, RecordKind::Project)
        .value("note", "String", "Remarks.", |a| Out::opt_str(a.note.as_deref()))
        .sources("The documents and quotes that support this record.", |a| &a.sources)
        .finish()
}

/// `Query.capabilityAreas`, in name order.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let all = cx.every_sorted::<model::CapabilityArea, _>(|a| fold_key(&a.name, &a.code))?;
    record_page(args, cx, (ObjType::CapabilityAreaConnection, ObjType::CapabilityAreaEdge), &all.iter().collect::<Vec<_>>())
}
