//! `Query.timeline`: every dated thing the records hold — events, dated statements, project launches and milestones,
//! contract signatures, strategy endorsements and publications, partnership agreements — in one
//! list in date order, each entry at the precision of its text.

use std::sync::Arc;

use crate::{
    model::{self, Citation, Inference, Named, PartialDate, RecordKind, TimelineKind},
    schema::{
        args::Args,
        connection::{self, Item},
        def::{Object, Res, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
        types::{
            citations, inferred,
            project::{date_arg, require_participant},
            INFERRED,
        },
    },
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![
        entry_type(),
        TypeDef::Union {
            name: "TimelineSubject",
            description: "What a timeline entry is about.",
            members: vec!["Project", "ProcurementContract", "Strategy", "Organisation", "Event", "Person"],
        },
    ];
    types.extend(connection::types(ObjType::TimelineConnection, ObjType::TimelineEdge, "TimelineEntry"));
    types
}

/// One dated thing of one record.
pub struct Entry {
    /// Unique and stable (the cursor names it): `Project:abdm:launched`, `Project:mmf:milestones[2]`.
    key: String,
    date: PartialDate,
    kind: TimelineKind,
    title: String,
    subject: (RecordKind, String),
    /// The nations and organisations it concerns, for the `participant` filter.
    parties: Vec<String>,
    /// The date's inference, when the date is inferred.
    inferred: Vec<Inference>,
    sources: Vec<Citation>,
}

fn entry_type() -> TypeDef {
    Object::<Entry>::new(ObjType::TimelineEntry, "One dated thing: a launch, a milestone, a signature, an endorsement, a publication.")
        .field("date", "PartialDate!", "When, as precise as the text: a year sorts before the months of that year.", |e, _, _| {
            Ok(Out::Obj(e.part(ObjType::PartialDate, |e| &e.date)))
        })
        .value("kind", "TimelineKind!", "What it marks.", |e| Out::Enum(e.kind.name()))
        .value("title", "String!", "What happened, in a few words (a milestone's are the text's).", |e| Out::str(&e.title))
        .field("subject", "TimelineSubject!", "The record it is about.", |e, _, cx| Ok(Out::opt(cx.record_obj(e.subject.0, &e.subject.1)?)))
        .field("inferred", "[Inference!]!", INFERRED, |e, _, _| Ok(inferred(&e, |e| &e.inferred)))
        .field("sources", "[Citation!]!", "The quotes that state its date (those of the record, or milestone, or partnership, where the\ndate is inferred).", |e, _, _| {
            Ok(citations(&e, |e| &e.sources))
        })
        .finish()
}

/// The quotes that state a field, or every quote where none does (an inferred value rests on
/// the record as a whole).
fn stating(list: &[Citation], field: &str) -> Vec<Citation> {
    let named: Vec<Citation> = list.iter().filter(|c| c.fields.iter().any(|f| f == field)).cloned().collect();
    if named.is_empty() {
        list.to_vec()
    } else {
        named
    }
}

/// The inference of one field, if the list has one.
fn inferred_field(list: &[Inference], field: &str) -> Vec<Inference> {
    list.iter().filter(|i| i.field == field).cloned().collect()
}

/// Every entry, in timeline order; built once for the store's life.
fn entries(cx: &Ctx<'_>) -> Result<Arc<Vec<Arc<Entry>>>, crate::schema::def::Fail> {
    cx.derived("timeline", || {
        let projects = cx.every::<model::Project>()?;
        let contracts = cx.every::<model::ProcurementContract>()?;
        let strategies = cx.every::<model::Strategy>()?;
        let organisations = cx.every::<model::Organisation>()?;
        let events = cx.every::<model::Event>()?;
        let people = cx.every::<model::Person>()?;
        let mut all = Vec::new();
        for p in projects.iter() {
            let parties: Vec<String> = p.participants.iter().map(|x| x.participant.clone()).collect();
            let subject = (RecordKind::Project, p.code.clone());
            let label = p.acronym.as_deref().unwrap_or(&p.name);
            // A milestone that records the launch itself is the launch's entry, in its words.
            let is_launch = |m: &model::Milestone| Some(m.date) == p.launched && m.event.to_lowercase().contains("launch");
            if let Some(date) = p.launched {
                let milestone = p.milestones.iter().find(|m| is_launch(m));
                all.push(Entry {
                    key: format!("Project:{}:launched", p.code),
                    date,
                    kind: TimelineKind::ProjectLaunched,
                    title: milestone.map_or_else(|| format!("{label} launched"), |m| format!("{label}: {}", m.event)),
                    subject: subject.clone(),
                    parties: parties.clone(),
                    inferred: inferred_field(&p.inferred, "launched"),
                    sources: milestone.filter(|m| !m.sources.is_empty()).map_or_else(|| stating(&p.sources, "launched"), |m| stating(&m.sources, "date")),
                });
            }
            for (i, m) in p.milestones.iter().enumerate().filter(|(_, m)| !is_launch(m)) {
                all.push(Entry {
                    key: format!("Project:{}:milestones[{i}]", p.code),
                    date: m.date,
                    kind: TimelineKind::Milestone,
                    title: format!("{label}: {}", m.event),
                    subject: subject.clone(),
                    parties: parties.clone(),
                    inferred: inferred_field(&m.inferred, "date"),
                    sources: stating(&m.sources, "date"),
                });
            }
        }
        for c in contracts.iter() {
            let Some(date) = c.signed else { continue };
            let parties = [&c.buyer, &c.supplier, &c.funder].into_iter().flatten().chain(&c.beneficiaries).cloned().collect();
            all.push(Entry {
                key: format!("ProcurementContract:{}:signed", c.code),
                date,
                kind: TimelineKind::ContractSigned,
                title: format!("{} signed", c.title),
                subject: (RecordKind::ProcurementContract, c.code.clone()),
                parties,
                inferred: inferred_field(&c.inferred, "signed"),
                sources: stating(&c.sources, "signed"),
            });
        }
        for s in strategies.iter() {
            for (field, date, kind, verb) in [
                ("endorsed", s.endorsed, TimelineKind::StrategyEndorsed, "endorsed"),
                ("published", s.published, TimelineKind::StrategyPublished, "published"),
            ] {
                let Some(date) = date else { continue };
                all.push(Entry {
                    key: format!("Strategy:{}:{field}", s.code),
                    date,
                    kind,
                    title: format!("{} {verb}", s.title),
                    subject: (RecordKind::Strategy, s.code.clone()),
                    parties: Vec::new(),
                    inferred: inferred_field(&s.inferred, field),
                    sources: stating(&s.sources, field),
                });
            }
        }
        for o in organisations.iter() {
            for (i, p) in o.partnerships.iter().enumerate() {
                let Some(date) = p.signed else { continue };
                all.push(Entry {
                    key: format!("Organisation:{}:partnerships[{i}]", o.code),
                    date,
                    kind: TimelineKind::PartnershipSigned,
                    title: format!("{} partnership with {}", o.acronym.as_deref().unwrap_or(&o.name), p.partner),
                    subject: (RecordKind::Organisation, o.code.clone()),
                    parties: vec![o.code.clone(), p.partner.clone()],
                    inferred: inferred_field(&p.inferred, "signed"),
                    sources: stating(&p.sources, "signed"),
                });
            }
        }
        for e in events.iter() {
            let Some(date) = e.date else { continue };
            all.push(Entry {
                key: format!("Event:{}", e.code),
                date,
                kind: TimelineKind::Event,
                title: e.name.clone(),
                subject: (RecordKind::Event, e.code.clone()),
                parties: e.host.iter().cloned().collect(),
                inferred: inferred_field(&e.inferred, "date"),
                sources: stating(&e.sources, "date"),
            });
        }
        for p in people.iter() {
            for (i, s) in p.statements.iter().enumerate() {
                let Some(date) = s.date else { continue };
                all.push(Entry {
                    key: format!("Person:{}:statements[{i}]", p.code),
                    date,
                    kind: TimelineKind::Statement,
                    title: format!("{}: {}", p.name, s.text),
                    subject: (RecordKind::Person, p.code.clone()),
                    parties: [&p.organisation, &p.nation].into_iter().flatten().cloned().collect(),
                    inferred: inferred_field(&s.inferred, "date"),
                    sources: vec![s.source.clone()],
                });
            }
        }
        all.sort_by(|a, b| a.date.timeline_key().cmp(&b.date.timeline_key()).then_with(|| a.key.cmp(&b.key)));
        Ok(all.into_iter().map(Arc::new).collect::<Vec<_>>())
    })
}

/// `Query.timeline(from, to, kinds, participant)`: paged like every list.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let from = date_arg("from", args.string("from"))?;
    let to = date_arg("to", args.string("to"))?;
    let kinds = args.named_list::<TimelineKind>("kinds");
    let participant = args.string("participant").map(|text| require_participant(cx, "participant", text)).transpose()?;
    let all = entries(cx)?;
    let kept: Vec<&Arc<Entry>> = all
        .iter()
        .filter(|e| from.is_none_or(|from| e.date.start() >= from.start()))
        .filter(|e| to.is_none_or(|to| e.date.end() <= to.end()))
        .filter(|e| kinds.as_ref().is_none_or(|kinds| kinds.contains(&e.kind)))
        .filter(|e| participant.as_ref().is_none_or(|p| e.parties.contains(p)))
        .collect();
    connection::page_of_list(
        args,
        cx,
        (ObjType::TimelineConnection, ObjType::TimelineEdge),
        &kept,
        |e| &e.key,
        |e| Item { code: e.key.clone(), node: Obj::new(ObjType::TimelineEntry, Arc::clone(e)), link: None },
        || connection::Whole::NotKept,
    )
}
