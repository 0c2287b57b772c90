//! `Nation`: a NATO Ally or partner country; collaborators; the root list's filter and order.

use std::{collections::BTreeMap, sync::Arc};

use crate::{
    model::{self, order::sort_key, text::fold, Named, RecordKind},
    schema::{
        args::Args,
        connection::{self},
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
        types::{enums, figures, project::require, record_page, FIGURES},
    },
    store::{Index, Longest},
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![nation(), collaborator(), nation_filter(), nation_order()];
    types.extend(connection::types(ObjType::NationConnection, ObjType::NationEdge, "Nation"));
    types
}

/// The projects a nation or organisation takes part in, with its role on each edge.
pub fn projects_of(args: &Args, cx: &Ctx<'_>, participant: &str) -> Res<'static> {
    let types = (ObjType::ProjectParticipationConnection, ObjType::ProjectParticipationEdge);
    match args.named::<model::Role>("role") {
        // The role is in each link's value, not its key: read the list, keep the role's links.
        Some(role) => {
            let links = cx.links(Index::ProjectsByParticipant, participant)?;
            let links: Vec<_> = links.iter().filter(|l| l.meta.roles.contains(&role)).cloned().collect();
            connection::page_of_links(args, cx, &links, RecordKind::Project, types)
        }
        None => connection::linked(args, cx, Index::ProjectsByParticipant, participant, RecordKind::Project, types),
    }
}

fn nation() -> TypeDef {
    Object::<model::Nation>::new(ObjType::Nation, "A NATO Ally or partner country.")
        .record("ISO 3166-1 alpha-3 code (`DEU`).")
        .implements("Participant")
        .value("alpha2", "String!", "ISO 3166-1 alpha-2 code (`DE`).", |n| Out::str(&n.alpha2))
        .value("name", "String!", "Name as the sources write it (`Türkiye`).", |n| Out::str(&n.name))
        .value("aliases", "[String!]!", "Other names that find this nation (`Turkey`).", |n| {
            Out::strs(n.aliases.iter().map(String::as_str))
        })
        .value("membership", "Membership!", "Ally or partner.", |n| Out::Enum(n.membership.name()))
        .value("natoAccession", "Int", "Year it joined NATO (Allies only).", |n| Out::opt_int(n.nato_accession))
        .value("euMember", "Boolean!", "Whether it is a member of the European Union.", |n| Out::Bool(n.eu_member))
        .field_def(
            "projects",
            "ProjectParticipationConnection!",
            "Projects it takes part in, with its role on each edge, in project-code order.",
            |n, args, cx| projects_of(args, cx, &n.code),
            |f| f.paged().longest(Longest::Links(Index::ProjectsByParticipant)).arg(InputDef::new("role", "Role", "Only projects where the nation has this role.")),
        )
        .field_def(
            "projectCount",
            "Int!",
            "Number of projects it takes part in.",
            |n, _, cx| Ok(Out::count(cx.count(Index::ProjectsByParticipant, &n.code)?)),
            |f| f.reads_store(),
        )
        .linked("contracts", "Contracts it benefits from.", Index::ContractsByBeneficiary, RecordKind::ProcurementContract)
        .linked("hostedEvents", "Events it hosted, where a text says so.", Index::EventsByHost, RecordKind::Event)
        .linked("people", "People holding an office of it, as the texts give them.", Index::PeopleByOffice, RecordKind::Person)
        .linked("places", "Places in it, where a text says so.", Index::PlacesByNation, RecordKind::Place)
        .linked(
            "funded",
            "Contracts and contributions it funds (Luxembourg's EUR 16.5 million for APSS).",
            Index::ContractsByFunder,
            RecordKind::ProcurementContract,
        )
        .field_def(
            "collaborators",
            "[Collaborator!]!",
            "The other nations ranked by the number of projects they share with this one (ties by code).",
            |n, args, cx| collaborators(args, cx, &n.code),
            |f| f.longest(Longest::Records(RecordKind::Nation)).arg(InputDef::new("first", "Int", "How many collaborators (default: the default page size).")),
        )
        .value("note", "String", "Remarks, e.g. when a nation is not named in the source texts.", |n| Out::opt_str(n.note.as_deref()))
        .field("figures", "[Figure!]!", FIGURES, |n, _, _| Ok(figures(&n, |n| &n.figures)))
        .sources("The documents and quotes that support this record.", |n| &n.sources)
        .finish()
}

/// Another nation and the projects it shares with a nation.
pub struct Collaborator {
    nation: Obj,
    projects: Vec<Arc<model::Project>>,
}

fn collaborators(args: &Args, cx: &Ctx<'_>, code: &str) -> Res<'static> {
    let paging = Args::from_first(args.int("first"));
    let links = cx.links(Index::ProjectsByParticipant, code)?;
    let projects = cx.records::<model::Project>(links.iter().map(|l| l.to.as_str()))?;
    let mut shared: BTreeMap<&str, Vec<Arc<model::Project>>> = BTreeMap::new();
    for project in &projects {
        for p in project.participants.iter().filter(|p| p.participant != code) {
            shared.entry(&p.participant).or_default().push(project.clone());
        }
    }
    // Participants include organisations: keep those that are nations.
    let nations = cx.record_objs(RecordKind::Nation, shared.keys().copied())?;
    let mut ranked: Vec<Collaborator> = nations
        .into_iter()
        .map(|nation| {
            let code = nation.get::<model::Nation>().map(|n| n.code.as_str()).unwrap_or_default();
            Collaborator { projects: shared.remove(code).unwrap_or_default(), nation }
        })
        .collect();
    let code_of = |c: &Collaborator| c.nation.get::<model::Nation>().map(|n| n.code.clone()).unwrap_or_default();
    ranked.sort_by_cached_key(|c| (std::cmp::Reverse(c.projects.len()), code_of(c)));
    let codes: Vec<String> = ranked.iter().map(code_of).collect();
    let w = connection::window(&paging, cx.page, ranked.len(), |i| codes[i].as_str())?;
    ranked.truncate(w.end);
    Ok(Out::objs(ranked.into_iter().map(|c| Obj::new(ObjType::Collaborator, Arc::new(c)))))
}

fn collaborator() -> TypeDef {
    Object::<Collaborator>::new(ObjType::Collaborator, "Another nation and the projects it shares with a nation.")
        .value("nation", "Nation!", "The other nation.", |c| Out::Obj(c.nation.clone()))
        .value("sharedProjectCount", "Int!", "How many projects the two share.", |c| Out::count(c.projects.len()))
        .value("projects", "[Project!]!", "The projects they share, in code order.", |c| {
            Out::objs(c.projects.iter().map(|p| Obj::new(ObjType::Project, p.clone())))
        })
        .finish()
}

fn nation_filter() -> TypeDef {
    TypeDef::Input {
        name: "NationFilter",
        description: "Which nations to list.",
        fields: vec![
            InputDef::new("membership", "Membership", "Allies or partners."),
            InputDef::new("euMember", "Boolean", "EU members (true) or not (false)."),
            InputDef::new("participatesIn", "String", "Takes part in this project (code or name)."),
        ],
    }
}

fn nation_order() -> TypeDef {
    TypeDef::Input { name: "NationOrder", description: "How to order nations.", fields: enums::order_fields("NationOrderField!") }
}

/// `Query.nations`: filtered and ordered (by name unless `orderBy` says otherwise).
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let project = match f.string("participatesIn") {
        Some(p) => Some(require(cx, RecordKind::Project, "filter.participatesIn", p)?),
        None => None,
    };
    let project = project.as_ref().and_then(|p| p.get::<model::Project>());
    let membership = f.named::<model::Membership>("membership");
    let eu = f.bool("euMember");
    let all = cx.every::<model::Nation>()?;
    let mut nations: Vec<&Arc<model::Nation>> = all
        .iter()
        .filter(|n| membership.is_none_or(|m| n.membership == m))
        .filter(|n| eu.is_none_or(|eu| n.eu_member == eu))
        .filter(|n| project.is_none_or(|p| p.participants.iter().any(|x| x.participant == n.code)))
        .collect();
    let order = args.input("orderBy");
    let direction = enums::direction(&order);
    match enums::order_field(&order) {
        Some("CODE") => nations.sort_by_cached_key(|n| sort_key(Some(n.code.clone()), direction, n.code.clone())),
        Some("NATO_ACCESSION") => nations.sort_by_cached_key(|n| sort_key(n.nato_accession, direction, n.code.clone())),
        Some("PROJECT_COUNT") => {
            let counts: Vec<Result<usize, _>> = nations.iter().map(|n| cx.count(Index::ProjectsByParticipant, &n.code)).collect();
            let counts = counts.into_iter().collect::<Result<Vec<_>, _>>()?;
            let mut paired: Vec<_> = nations.into_iter().zip(counts).collect();
            paired.sort_by_cached_key(|(n, count)| sort_key(Some(*count), direction, n.code.clone()));
            nations = paired.into_iter().map(|(n, _)| n).collect();
        }
        _ => nations.sort_by_cached_key(|n| sort_key(Some(fold(&n.name)), direction, n.code.clone())),
    }
    record_page(args, cx, (ObjType::NationConnection, ObjType::NationEdge), &nations)
}
