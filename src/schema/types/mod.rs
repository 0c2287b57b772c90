//! Every type of the schema, one module per record type (its object, its filter and order inputs
//! and its root list), plus the shared value types, enums, the root query, search and stats.

mod query;

/// The modules that define types: one per record type (its object, its filter and order inputs,
/// its root list; `strategy` holds objectives too), then the shared ones. Each module's `types()`
/// gives its definitions, in this order.
macro_rules! type_modules {
    ($($module:ident),+ $(,)?) => {
        $(mod $module;)+

        fn module_types() -> impl Iterator<Item = TypeDef> {
            [$($module::types()),+].into_iter().flatten()
        }
    };
}
type_modules!(
    project,
    nation,
    organisation,
    area,
    strategy,
    contract,
    source,
    event,
    person,
    place,
    disagreement,
    values,
    enums,
    search,
    stats,
    timeline,
    federation
);

use std::sync::Arc;

use crate::{
    model::RecordKind,
    schema::{
        args::Args,
        connection::{self, Item, Whole},
        def::{Fail, Res, Ty, TypeDef},
        fetch::{record_type, Ctx},
        obj::{Obj, ObjType},
    },
    store::Stored,
};

pub use federation::{FIELDS as FEDERATION_FIELDS, KEYS as ENTITY_KEYS, TYPES as FEDERATION_TYPES};
pub use values::{citations, date, figures, inferred, FIGURES, INFERRED};

/// The fields every record has, as an interface declares them.
fn record_fields(code: &'static str, name: &'static str) -> Vec<(&'static str, Ty, &'static str)> {
    vec![
        ("id", Ty::parse("ID!"), "Global, opaque id; `node(id:)` fetches the record again."),
        ("code", Ty::parse("String!"), code),
        ("name", Ty::parse("String!"), name),
        ("sources", Ty::parse("[Citation!]!"), "The documents and quotes that support it."),
        ("disagreements", Ty::parse("[Disagreement!]!"), DISAGREEMENTS),
    ]
}

/// The description of every record's `disagreements`.
pub const DISAGREEMENTS: &str = "Where the texts disagree about it: what is disputed and each reading with its quote (the\nMRTT fleet of 10 or 12 aircraft). Empty where they agree.";

/// Every type definition of the schema.
pub fn all() -> Vec<TypeDef> {
    let mut types = vec![
        query::query(),
        TypeDef::Interface {
            name: "Node",
            description: "An object with a global, opaque id (Relay's Node interface).",
            fields: vec![("id", Ty::parse("ID!"), "Global, opaque id; `node(id:)` fetches the record again.")],
        },
        TypeDef::Interface {
            name: "Record",
            description: "What every record has, whatever its type: a global id, a code, a display name and the quotes\nthat support it. Search hits are records, so `search(text:) { node { name } }` needs no\nfragments; a type's own fields are reached with `... on Project { … }`.",
            fields: record_fields(
                "Stable, human-readable key, unique within its type.",
                "Its display name: the name, or the title of a document or contract.",
            ),
        },
        TypeDef::Interface {
            name: "Participant",
            description: "A nation or an organisation taking part in a project, a contract or a partnership.",
            fields: record_fields(
                "Stable key: an ISO 3166-1 alpha-3 code for a nation (`TUR`), an organisation's code (`NSPA`).",
                "Its name as the texts write it.",
            ),
        },
        TypeDef::Union {
            name: "EventSubject",
            description: "A record linked to an event: a project, a contract or a strategy.",
            members: vec!["Project", "ProcurementContract", "Strategy"],
        },
        connection::page_info_type(),
    ];
    types.extend(module_types());
    types
}

/// A connection page over records in the order given.
pub fn record_page<T: Stored>(args: &Args, cx: &Ctx<'_>, types: (ObjType, ObjType), records: &[&Arc<T>]) -> Res<'static> {
    page_over(args, cx, types, records, || Whole::NotKept)
}

/// [`record_page`] that keeps the whole list, for what the connection gives over every page.
pub fn record_page_keeping<T: Stored>(args: &Args, cx: &Ctx<'_>, types: (ObjType, ObjType), records: &[&Arc<T>]) -> Res<'static> {
    page_over(args, cx, types, records, || Whole::Records(Arc::new(records.iter().map(|r| Arc::clone(r)).collect::<Vec<Arc<T>>>())))
}

fn page_over<T: Stored>(
    args: &Args,
    cx: &Ctx<'_>,
    types: (ObjType, ObjType),
    records: &[&Arc<T>],
    whole: impl FnOnce() -> Whole,
) -> Res<'static> {
    connection::page_of_list(
        args,
        cx,
        types,
        records,
        |r| r.code(),
        |r| Item { code: r.code().to_owned(), node: Obj::new(record_type(T::KIND), Arc::clone(r)), link: None },
        whole,
    )
}

/// A participant code's nation or organisation: they share one code space (the fixture
/// validation forbids clashes), so both are asked for in the same round.
pub fn participant(cx: &Ctx<'_>, code: &str) -> Result<Option<Obj>, Fail> {
    match cx.record_obj(RecordKind::Nation, code) {
        Ok(Some(nation)) => Ok(Some(nation)),
        Ok(None) => cx.record_obj(RecordKind::Organisation, code),
        Err(pending) => {
            // Not read yet: ask for the organisation in the same round.
            let _ = cx.record_obj(RecordKind::Organisation, code);
            Err(pending)
        }
    }
}
