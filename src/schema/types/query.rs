//! The root `Query`: lookups by id or code, the filtered lists, search and stats.

use crate::{
    model::RecordKind,
    schema::{
        def::{Fail, InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        ids,
        obj::{Obj, ObjType, Out},
        types::{
            area, contract, disagreement, event, federation, nation, organisation, person, place, project, search, strategy, timeline,
        },
    },
    store::Longest,
};

/// The record a global id names, or `None` for an id that names nothing.
fn node(cx: &Ctx<'_>, id: &str) -> Result<Option<Obj>, Fail> {
    let Some((type_name, code)) = ids::decode(id) else { return Ok(None) };
    match RecordKind::from_type_name(&type_name) {
        Some(kind) => cx.record_obj(kind, &code),
        None => Ok(None),
    }
}

/// `name(code: String!)`: one record of `kind` by code or name.
fn lookup(object: Object<()>, name: &'static str, kind: RecordKind, description: &'static str) -> Object<()> {
    let ty: &'static str = kind.type_name();
    object.field_def(
        name,
        ty,
        description,
        move |_, args, cx| Ok(Out::opt(cx.find(kind, args.string("code").unwrap_or_default())?)),
        |f| f.arg(InputDef::new("code", "String!", "Its code, or its name (or title, or acronym), in any case.")),
    )
}

fn list(
    object: Object<()>,
    name: &'static str,
    ty: &'static str,
    description: &'static str,
    resolve: fn(&crate::schema::args::Args, &Ctx<'_>) -> Res<'static>,
    inputs: &[(&'static str, &'static str)],
) -> Object<()> {
    let inputs: Vec<(&'static str, &'static str)> = inputs.to_vec();
    // A root list of one record type is at most every record of that type.
    let longest = RecordKind::ALL.iter().find(|k| crate::schema::connection::of(**k).2 == ty).map(|k| Longest::Records(*k));
    object.field_def(
        name,
        ty,
        description,
        move |_, args, cx| resolve(args, cx),
        move |mut f| {
            for (name, ty) in inputs {
                let description = if name == "orderBy" {
                    "The order; ties are broken by code."
                } else {
                    "Which records to list (every record when absent)."
                };
                f = f.arg(InputDef::new(name, ty, description));
            }
            match longest {
                Some(longest) => f.paged().longest(longest),
                None => f.paged(),
            }
        },
    )
}

pub fn query() -> TypeDef {
    let object = Object::<()>::new(
        ObjType::Query,
        "capgraph: NATO's multinational capability cooperation as a graph — the High Visibility Projects,\nthe nations and organisations taking part, the strategies they serve, the contracts that deliver\nthem, and the events, people and places around them. Read-only: every value comes from five\npublic texts, each with its verbatim quote (`sources`, `sources(field:)`), and what the texts only\nimply is marked (`inferred`). Start from `projects`, `nations`, `search` or `timeline`.",
    )
        .field_def(
            "node",
            "Node",
            "Any record by its global id; `null` for an unknown or malformed id.",
            |_, args, cx| Ok(Out::opt(node(cx, args.string("id").unwrap_or_default())?)),
            |f| f.arg(InputDef::new("id", "ID!", "A global id, as any record's `id` gives it.")),
        )
        .field_def(
            "nodes",
            "[Node]!",
            "Records by global id, in the order asked; `null` for each unknown id.",
            |_, args, cx| {
                let found: Vec<_> = args.strings("ids").unwrap_or_default().into_iter().map(|id| node(cx, id)).collect();
                let found = found.into_iter().collect::<Result<Vec<_>, _>>()?;
                Ok(Out::List(found.into_iter().map(Out::opt).collect()))
            },
            |f| f.arg(InputDef::new("ids", "[ID!]!", "Global ids, as records' `id` give them; an unknown one answers `null` in its place.")),
        );
    let object = lookup(object, "project", RecordKind::Project, "A project by code (`c-socc`), name or acronym, in any case.");
    let object = lookup(
        object,
        "nation",
        RecordKind::Nation,
        "A nation by ISO code (`TUR`, `TR`) or name (`Türkiye`, `turkiye`, `Turkey`), in any case.",
    );
    let object = lookup(object, "organisation", RecordKind::Organisation, "An organisation by code (`NSPA`) or name, in any case.");
    let object =
        lookup(object, "capabilityArea", RecordKind::CapabilityArea, "A capability area by code (`air-and-missile-defence`) or name.");
    let object =
        lookup(object, "strategy", RecordKind::Strategy, "A strategy, policy or plan by code (`commercial-space-strategy`) or title.");
    let object =
        lookup(object, "objective", RecordKind::StrategyObjective, "A strategy objective by code (`commercial-space-strategy/1`).");
    let object = lookup(object, "contract", RecordKind::ProcurementContract, "A contract or funding record by code or title.");
    let object = lookup(object, "source", RecordKind::Source, "A source document by code (`nato-mcc`) or title.");
    let object = lookup(object, "event", RecordKind::Event, "An event by code (`wales-summit-2014`) or name.");
    let object = lookup(object, "person", RecordKind::Person, "A person by code (`mark-rutte`) or name, in any case.");
    let object = list(
        object,
        "people",
        "PersonConnection!",
        "The people the texts name, in name order.",
        person::list,
        &[("filter", "PersonFilter")],
    );
    let object = lookup(object, "place", RecordKind::Place, "A place by code (`zadar`) or name.");
    let object =
        list(object, "places", "PlaceConnection!", "The places the texts name, in name order.", place::list, &[("filter", "PlaceFilter")]);
    let object = lookup(object, "disagreement", RecordKind::Disagreement, "A disagreement by code (`mrtt-fleet-size`) or subject.");
    let object = list(
        object,
        "disagreements",
        "DisagreementConnection!",
        "Every place where the texts disagree, with each reading, its source and quote, in code order.",
        disagreement::list,
        &[("filter", "DisagreementFilter")],
    );
    let object = list(
        object,
        "events",
        "EventConnection!",
        "Summits, meetings, forums, ceremonies, exercises and industry events, in date order (undated last).",
        event::list,
        &[("filter", "EventFilter")],
    );
    let object = list(
        object,
        "timeline",
        "TimelineConnection!",
        "Every dated thing in date order: events, dated statements, project launches and milestones, contract signatures,\nstrategy endorsements and publications, partnership agreements. Each date is as precise as its text; a\nyear sorts before the months of that year. `from`/`to` keep entries wholly inside the range\n(`2024`, `2024-06`); `participant` (code or name) keeps the entries of its projects, contracts and\npartnerships.",
        timeline::list,
        &[("from", "String"), ("to", "String"), ("kinds", "[TimelineKind!]"), ("participant", "String")],
    );
    let object = list(
        object,
        "projects",
        "ProjectConnection!",
        "Projects, filtered and ordered (by name unless `orderBy` says otherwise).",
        project::list,
        &[("filter", "ProjectFilter"), ("orderBy", "ProjectOrder")],
    );
    let object = list(
        object,
        "nations",
        "NationConnection!",
        "Nations, filtered and ordered (by name unless `orderBy` says otherwise).",
        nation::list,
        &[("filter", "NationFilter"), ("orderBy", "NationOrder")],
    );
    let object = list(
        object,
        "organisations",
        "OrganisationConnection!",
        "Organisations, in name order.",
        organisation::list,
        &[("filter", "OrganisationFilter")],
    );
    let object = list(
        object,
        "strategies",
        "StrategyConnection!",
        "Strategies, policies and plans, in title order.",
        strategy::list,
        &[("filter", "StrategyFilter")],
    );
    let object = list(object, "capabilityAreas", "CapabilityAreaConnection!", "Capability areas, in name order.", area::list, &[]);
    let object = list(
        object,
        "contracts",
        "ProcurementContractConnection!",
        "Contracts and funding, filtered and ordered (by signing date unless `orderBy` says otherwise).",
        contract::list,
        &[("filter", "ContractFilter"), ("orderBy", "ContractOrder")],
    );
    federation::fields(search::fields(object)).finish()
}
