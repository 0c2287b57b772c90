//! Apollo Federation v2: capgraph as a subgraph. Every record type is an entity keyed by `code`
//! and by `id` (the subgraph SDL, [`crate::schema::subgraph_sdl`], says so with `@key`); a router
//! or gateway reads the SDL from `_service { sdl }` and fetches entities other subgraphs refer to
//! with `_entities(representations:)`.
//!
//! These are ordinary definitions, resolved by the engine's plans like every other root field:
//! `_entities` asks for every representation's record before it gives up for the round, so any
//! number of representations, of any mix of types, cost one batched store read per record type.
//! The public SDL holds them as plain GraphQL (`scalar _Any`, `union _Entity`, `type _Service`),
//! which any client can use; only the subgraph SDL carries the federation directives.

use async_graphql::Value;

use crate::{
    model::RecordKind,
    schema::{
        args::Args,
        def::{Fail, InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        ids,
        obj::{Obj, ObjType, Out},
        FieldError,
    },
};

/// The types federation adds, as the subgraph specification names them. The subgraph SDL leaves
/// them (and the two root fields) out: the router knows them.
pub const TYPES: [&str; 3] = ["_Any", "_Entity", "_Service"];

/// The root fields federation adds.
pub const FIELDS: [&str; 2] = ["_entities", "_service"];

/// The key fields of every entity, in the order `@key` lists them.
pub const KEYS: [&str; 2] = ["code", "id"];

pub fn types() -> Vec<TypeDef> {
    vec![
        TypeDef::Scalar {
            name: "_Any",
            description: "An entity representation (Apollo Federation): an object with `__typename` and a key field, `code` or `id`.",
        },
        TypeDef::Union {
            name: "_Entity",
            description: "Every entity type (Apollo Federation): every record type, keyed by `code` and by `id`.",
            members: RecordKind::ALL.iter().map(|k| k.type_name()).collect(),
        },
        Object::<()>::new(ObjType::_Service, "This subgraph (Apollo Federation).")
            .value("sdl", "String!", "The subgraph SDL: the schema with its federation directives (`@link`, `@key`).", |_| {
                Out::str(crate::schema::subgraph_sdl())
            })
            .finish(),
    ]
}

/// Adds `_service` and `_entities` to the root query.
pub fn fields(object: Object<()>) -> Object<()> {
    object
        .field("_service", "_Service!", "This subgraph's SDL, for a federation router or gateway (Apollo Federation v2).", |_, _, _| {
            Ok(Out::Obj(Obj::unit(ObjType::_Service)))
        })
        .field_def(
            "_entities",
            "[_Entity]!",
            "Records by entity representation (Apollo Federation v2), in the order given: `{__typename: \"Nation\", code: \"DEU\"}` or\n`{__typename: \"Project\", id: \"…\"}`; `null` for each that names no record. A representation without\n`__typename`, of a type that is not an entity, or without its key is a `BAD_USER_INPUT` error.",
            |_, args, cx| entities(args, cx),
            |f| f.arg(InputDef::new("representations", "[_Any!]!", "Entity representations: `__typename` and `code` or `id`.")),
        )
}

/// The record kind and code a representation names (`None` for an id that names another type
/// or is not one of ours: no record has it).
fn representation(index: usize, value: &Value) -> Result<(RecordKind, Option<String>), FieldError> {
    let Value::Object(fields) = value else { return Err(FieldError::NotARepresentation { index }) };
    let Some(Value::String(type_name)) = fields.get("__typename") else { return Err(FieldError::NotARepresentation { index }) };
    let Some(kind) = RecordKind::from_type_name(type_name) else {
        return Err(FieldError::NotAnEntity { index, type_name: type_name.clone() });
    };
    match (fields.get("code"), fields.get("id")) {
        (Some(Value::String(code)), _) => Ok((kind, Some(code.clone()))),
        (_, Some(Value::String(id))) => {
            Ok((kind, ids::decode(id).filter(|(named, _)| named == kind.type_name()).map(|(_, code)| code)))
        }
        _ => Err(FieldError::NoEntityKey { index, type_name: kind.type_name() }),
    }
}

/// Every representation's record, asked for all at once so that they are read in one round.
fn entities(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let representations = match args.get("representations") {
        Some(Value::List(items)) => items.as_slice(),
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    let mut found = Vec::with_capacity(representations.len());
    let mut pending = false;
    for (index, value) in representations.iter().enumerate() {
        let (kind, code) = representation(index, value)?;
        let Some(code) = code else {
            found.push(None);
            continue;
        };
        match cx.record_obj(kind, &code) {
            Ok(record) => found.push(record),
            Err(Fail::Pending) => pending = true,
            Err(error) => return Err(error),
        }
    }
    if pending {
        return Err(Fail::Pending);
    }
    Ok(Out::List(found.into_iter().map(Out::opt).collect()))
}
