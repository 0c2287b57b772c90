//! `Project`: a High Visibility Project, programme or initiative; its participations and
//! related projects; the root list's filter and order.

use std::collections::HashSet;

use crate::{
    model::{self, text::fold, Named, PartialDate, RecordKind},
    schema::{
        args::Args,
        connection::{self, Item, Whole},
        def::{Fail, InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
        types::{date, enums, figures, inferred, participant, FIGURES, INFERRED},
        FieldError,
    },
    store::{Filterable, Index, ProjectFacets, ProjectSort},
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![project(), participation(), related_project(), project_filter(), project_order()];
    types.extend(connection::types(ObjType::ProjectConnection, ObjType::ProjectEdge, "Project"));
    types.extend(connection::types(ObjType::ProjectParticipationConnection, ObjType::ProjectParticipationEdge, "Project"));
    types
}

fn project() -> TypeDef {
    Object::<model::Project>::new(
        ObjType::Project,
        "A multinational capability project: a High Visibility Project, a programme or an initiative.",
    )
    .record("Stable, human-readable key: a slug of the acronym or name (`c-socc`).")
    .value("name", "String!", "Full name as the source writes it.", |p| Out::str(&p.name))
    .value("acronym", "String", "Acronym, where the source gives one (`C-SOCC`).", |p| Out::opt_str(p.acronym.as_deref()))
    .value("aliases", "[String!]!", "Other names a text gives what the project is named after (RPAS: \"also known as uncrewed\naerial vehicles (UAVs) or drones\"); `project(code:)` and `search` find it by them.", |p| {
        Out::strs(p.aliases.iter().map(String::as_str))
    })
    .value("kind", "ProjectKind!", "High Visibility Project, programme or initiative.", |p| Out::Enum(p.kind.name()))
    .field("area", "CapabilityArea", "The capability area it belongs to.", |p, _, cx| match &p.area {
        Some(area) => Ok(Out::opt(cx.record_obj(RecordKind::CapabilityArea, area)?)),
        None => Ok(Out::Null),
    })
    .value("purpose", "String!", "What it is for, in the source's words.", |p| Out::str(&p.purpose))
    .value("status", "ProjectStatus!", "How far it has come.", |p| Out::Enum(p.status.name()))
    .value("statusNote", "String", "The source's sentences on its status.", |p| Out::opt_str(p.status_note.as_deref()))
    .field("launched", "PartialDate", "When it was launched, as precise as the source.", |p, _, _| Ok(date(&p, |p| &p.launched)))
    .field("milestones", "[Milestone!]!", "Dated events, in date order.", |p, _, _| Ok(p.parts(ObjType::Milestone, |p| &p.milestones)))
    .field_def(
        "participants",
        "[Participation!]!",
        "Nations and organisations taking part, in the source's order.",
        |p, args, _| {
            let role = args.named::<model::Role>("role");
            let keep = (0..p.participants.len()).filter(|&i| role.is_none_or(|r| p.participants[i].roles.contains(&r)));
            Ok(Out::objs(keep.map(|i| p.part(ObjType::Participation, move |p: &model::Project| &p.participants[i]))))
        },
        |f| f.longest(crate::store::Longest::Participants).arg(InputDef::new("role", "Role", "Only participants with this role (among their roles).")),
    )
    .value("participantCount", "Int!", "Number of nations and organisations taking part.", |p| Out::count(p.participants.len()))
    .field("objectives", "[StrategyObjective!]!", "Strategy objectives it serves.", |p, _, cx| {
        Ok(Out::objs(cx.record_objs(RecordKind::StrategyObjective, p.objectives.iter().map(|l| l.objective.as_str()))?))
    })
    .field("strategies", "[Strategy!]!", "Strategies, policies and plans it implements, directly or through an objective.", |p, _, cx| {
        let objectives = cx.records::<model::StrategyObjective>(p.objectives.iter().map(|l| l.objective.as_str()))?;
        let mut codes: Vec<&str> =
            p.strategies.iter().map(|l| l.strategy.as_str()).chain(objectives.iter().map(|o| o.strategy.as_str())).collect();
        codes.sort_unstable();
        codes.dedup();
        Ok(Out::objs(cx.record_objs(RecordKind::Strategy, codes)?))
    })
    .linked("contracts", "Contracts and funding that deliver it.", Index::ContractsByProject, RecordKind::ProcurementContract)
    .linked("events", "Events it was launched (or marked) at, the relation on each edge.", Index::EventsByProject, RecordKind::Event)
    .linked("places", "Places it sits in or concerns, the relation on each edge.", Index::PlacesByProject, RecordKind::Place)
    .field("relatedProjects", "[RelatedProject!]!", "Projects this one relates to, as the sources say.", |p, _, _| {
        Ok(p.parts(ObjType::RelatedProject, |p| &p.related))
    })
    .value("note", "String", "Where the sources disagree, or other remarks.", |p| Out::opt_str(p.note.as_deref()))
    .field("figures", "[Figure!]!", FIGURES, |p, _, _| Ok(figures(&p, |p| &p.figures)))
    .field("inferred", "[Inference!]!", INFERRED, |p, _, _| Ok(inferred(&p, |p| &p.inferred)))
    .sources("The documents and quotes that support this record.", |p| &p.sources)
    .finish()
}

fn participation() -> TypeDef {
    Object::<model::Participation>::new(ObjType::Participation, "A nation or organisation taking part in a project, with its role.")
        .field("participant", "Participant", "The nation or organisation.", |p, _, cx| Ok(Out::opt(participant(cx, &p.participant)?)))
        .value("role", "Role!", "Its main role in the project: the first of `roles`.", |p| Out::Enum(p.role().name()))
        .value("roles", "[Role!]!", "Every role the texts give it in the project, the main one first.", |p| {
            Out::List(p.roles.iter().map(|r| Out::Enum(r.name())).collect())
        })
        .value("note", "String", "Remarks on this participation (e.g. \"NATO partner\").", |p| Out::opt_str(p.note.as_deref()))
        .sources("The documents that state it.", |p| &p.sources)
        .finish()
}

fn related_project() -> TypeDef {
    Object::<model::RelatedProject>::new(ObjType::RelatedProject, "Another project this one relates to.")
        .field("project", "Project", "The related project.", |r, _, cx| Ok(Out::opt(cx.record_obj(RecordKind::Project, &r.project)?)))
        .value("relation", "String!", "How the two relate, in words.", |r| Out::str(&r.relation))
        .sources("The documents that state it.", |r| &r.sources)
        .finish()
}

fn project_filter() -> TypeDef {
    TypeDef::Input {
        name: "ProjectFilter",
        description: "Which projects to list.",
        fields: vec![
            InputDef::new("area", "String", "Capability area, by code or name."),
            InputDef::new("status", "[ProjectStatus!]", "Any of these statuses."),
            InputDef::new("kind", "ProjectKind", "This kind."),
            InputDef::new("participant", "String", "This nation or organisation takes part (code or name)."),
            InputDef::new(
                "participantsAll",
                "[String!]",
                "Every one of these nations or organisations takes part (\"what do France and Germany share?\").",
            ),
            InputDef::new("launchedFrom", "String", "Launched on or after this date (`2020`, `2020-10`, `2020-10-01`)."),
            InputDef::new("launchedTo", "String", "Launched on or before this date (`2024`, `2024-10`)."),
            InputDef::new("text", "String", "Words in the code, name, acronym or purpose (any case, diacritics ignored)."),
        ],
    }
}

fn project_order() -> TypeDef {
    TypeDef::Input { name: "ProjectOrder", description: "How to order projects.", fields: enums::order_fields("ProjectOrderField!") }
}

/// A date argument (`2020`, `2020-10`, `2020-10-01`).
pub fn date_arg(argument: &str, text: Option<&str>) -> Result<Option<PartialDate>, FieldError> {
    text.map(|t| t.parse::<PartialDate>().map_err(|e| FieldError::NotADate { argument: argument.to_owned(), reason: e.to_string() })).transpose()
}

/// A filter's record given by code or name; an unknown one is an error naming it.
pub fn require(cx: &Ctx<'_>, kind: RecordKind, argument: &str, text: &str) -> Result<Obj, Fail> {
    cx.find(kind, text)?
        .ok_or_else(|| Fail::Error(FieldError::UnknownRecord { argument: argument.to_owned(), type_name: kind.type_name(), text: text.to_owned() }))
}

/// A filter's nation or organisation given by code or name, as its code.
pub fn require_participant(cx: &Ctx<'_>, argument: &str, text: &str) -> Result<String, Fail> {
    let nation = cx.find_record::<model::Nation>(text);
    let organisation = cx.find_record::<model::Organisation>(text);
    if let Some(nation) = nation? {
        return Ok(nation.code.clone());
    }
    if let Some(organisation) = organisation? {
        return Ok(organisation.code.clone());
    }
    Err(Fail::Error(FieldError::UnknownParticipant { argument: argument.to_owned(), text: text.to_owned() }))
}

/// Does folded `needle` occur in any of the texts?
pub fn matches(needle: &str, texts: &[&str]) -> bool {
    texts.iter().any(|t| fold(t).contains(needle))
}

/// `Query.projects`: filtered and ordered over the in-memory facets; only the page's projects
/// (and, for a text filter, the candidates) are read.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let area = f.string("area").map(|a| require(cx, RecordKind::CapabilityArea, "filter.area", a));
    let mut required = Vec::new();
    let participant = f.string("participant").map(|p| require_participant(cx, "filter.participant", p));
    let all: Vec<_> = f
        .strings("participantsAll")
        .unwrap_or_default()
        .into_iter()
        .map(|p| require_participant(cx, "filter.participantsAll", p))
        .collect();
    // Every lookup above is asked for before waiting on any of them.
    let area = area.transpose()?.map(|a| a.get::<model::CapabilityArea>().map(|a| a.code.clone()).unwrap_or_default());
    required.extend(participant.transpose()?);
    for p in all {
        required.push(p?);
    }
    let from = date_arg("filter.launchedFrom", f.string("launchedFrom"))?;
    let to = date_arg("filter.launchedTo", f.string("launchedTo"))?;
    let statuses = f.named_list::<model::ProjectStatus>("status");
    let kind = f.named::<model::ProjectKind>("kind");
    let text = f.string("text").map(fold);
    let order = args.input("orderBy");
    let sort = match enums::order_field(&order) {
        Some("CODE") => ProjectSort::Code,
        Some("LAUNCHED") => ProjectSort::Launched,
        Some("PARTICIPANT_COUNT") => ProjectSort::ParticipantCount,
        _ => ProjectSort::Name,
    };
    let direction = enums::direction(&order);

    let facets = cx.project_facets();
    let selection = cx.memo(format!("projects {required:?} {area:?} {statuses:?} {kind:?} {from:?} {to:?} {sort:?} {direction:?}"), || {
        // A participant that takes part in nothing has no number: `NONE` matches no project.
        let required: Vec<u32> = required.iter().map(|code| facets.participant(code).unwrap_or(ProjectFacets::NONE)).collect();
        // An area no project is in has no number, and then no project matches.
        let area = area.as_ref().map(|code| facets.area(code));
        let keep = |p: &Filterable| {
            area.is_none_or(|a| a == Some(p.area))
                && statuses.as_ref().is_none_or(|s| s.contains(&p.status))
                && kind.is_none_or(|k| p.kind == k)
                && from.is_none_or(|from| p.launched.is_some_and(|l| l.start() >= from.start()))
                && to.is_none_or(|to| p.launched.is_some_and(|l| l.end() <= to.end()))
        };
        Ok(facets.selection(&required, keep, sort, direction))
    })?;
    let (w, total, page) = match &text {
        // The words are not among the facets: read the remaining candidates (one batch).
        Some(text) => {
            let rows = selection.rows(facets, 0..selection.len());
            let candidates = cx.records::<model::Project>(rows.iter().map(|&n| facets.row(n).code.as_str()))?;
            let hits: HashSet<&str> = candidates
                .iter()
                .filter(|p| matches(text, &[&p.code, &p.name, p.acronym.as_deref().unwrap_or(""), &p.purpose]))
                .map(|p| p.code.as_str())
                .collect();
            let rows: Vec<u32> = rows.into_iter().filter(|&n| hits.contains(facets.row(n).code.as_str())).collect();
            let w = connection::window(args, cx.page, rows.len(), |i| facets.row(rows[i]).code.as_str())?;
            (w, rows.len(), rows[w.start..w.end].to_vec())
        }
        // Only the page's stretch of the order is walked (and a cursor's, to find it).
        None => {
            let w = connection::window_by(args, cx.page, selection.len(), |code| selection.position(facets, code))?;
            (w, selection.len(), selection.rows(facets, w.start..w.end))
        }
    };
    let codes = page.iter().map(|&n| facets.row(n).code.as_str());
    let nodes = cx.record_objs(RecordKind::Project, codes)?;
    let items = nodes
        .into_iter()
        .map(|node| Item { code: node.get::<model::Project>().map(|p| p.code.clone()).unwrap_or_default(), node, link: None })
        .collect();
    Ok(connection::page(ObjType::ProjectConnection, ObjType::ProjectEdge, w, total, items, Whole::NotKept))
}
