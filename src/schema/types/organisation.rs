//! `Organisation`: a NATO agency or body, an international organisation, a company or a
//! framework; its partnerships; the root list's filter.

use crate::{
    model::{self, fold_key, Named, RecordKind},
    schema::{
        args::Args,
        connection,
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{ObjType, Out},
        types::{date, figures, inferred, nation, participant, record_page, FIGURES, INFERRED},
    },
    store::Index,
};

pub fn types() -> Vec<TypeDef> {
    let mut types = vec![organisation(), partnership(), organisation_filter()];
    types.extend(connection::types(ObjType::OrganisationConnection, ObjType::OrganisationEdge, "Organisation"));
    types
}

fn organisation() -> TypeDef {
    Object::<model::Organisation>::new(
        ObjType::Organisation,
        "A NATO agency or body, an international organisation, a company or a national framework.",
    )
    .record("Stable key (`NSPA`, `AIRBUS-DS`).")
        .implements("Participant")
    .value("name", "String!", "Full name.", |o| Out::str(&o.name))
    .value("acronym", "String", "Acronym, where it has one.", |o| Out::opt_str(o.acronym.as_deref()))
    .value("kind", "OrganisationKind!", "What kind of body it is.", |o| Out::Enum(o.kind.name()))
    .field("parent", "Organisation", "The organisation that governs it (NSPO governs NSPA).", |o, _, cx| match &o.parent {
        Some(parent) => Ok(Out::opt(cx.record_obj(RecordKind::Organisation, parent)?)),
        None => Ok(Out::Null),
    })
    .field("children", "[Organisation!]!", "Organisations it governs.", |o, _, cx| {
        let links = cx.links(Index::OrganisationsByParent, &o.code)?;
        Ok(Out::objs(cx.record_objs(RecordKind::Organisation, links.iter().map(|l| l.to.as_str()))?))
    })
    .field("leadNation", "Nation", "The nation leading it, for national frameworks.", |o, _, cx| match &o.lead_nation {
        Some(lead) => Ok(Out::opt(cx.record_obj(RecordKind::Nation, lead)?)),
        None => Ok(Out::Null),
    })
    .field("nation", "Nation", "The nation it belongs to (a national body such as the US Space Force) or is based in\n(an institute).", |o, _, cx| match &o.nation {
        Some(nation) => Ok(Out::opt(cx.record_obj(RecordKind::Nation, nation)?)),
        None => Ok(Out::Null),
    })
    .field("partnerships", "[Partnership!]!", "Partnership agreements it has signed.", |o, _, _| {
        Ok(o.parts(ObjType::Partnership, |o| &o.partnerships))
    })
    .field_def(
        "projects",
        "ProjectParticipationConnection!",
        "Projects it takes part in or supports, with its role on each edge.",
        |o, args, cx| nation::projects_of(args, cx, &o.code),
        |f| f.paged().longest(crate::store::Longest::Links(Index::ProjectsByParticipant)).arg(InputDef::new("role", "Role", "Only projects where the organisation has this role.")),
    )
    .linked("contractsAsBuyer", "Contracts it placed as buyer.", Index::ContractsByBuyer, RecordKind::ProcurementContract)
    .linked("people", "People holding an office of it, as the texts give them.", Index::PeopleByOffice, RecordKind::Person)
    .linked("contractsAsSupplier", "Contracts it won as supplier.", Index::ContractsBySupplier, RecordKind::ProcurementContract)
    .value("note", "String", "Remarks.", |o| Out::opt_str(o.note.as_deref()))
    .field("figures", "[Figure!]!", FIGURES, |o, _, _| Ok(figures(&o, |o| &o.figures)))
    .field("inferred", "[Inference!]!", INFERRED, |o, _, _| Ok(inferred(&o, |o| &o.inferred)))
    .sources("The documents and quotes that support this record.", |o| &o.sources)
    .finish()
}

fn partnership() -> TypeDef {
    Object::<model::Partnership>::new(
        ObjType::Partnership,
        "A partnership agreement between an organisation and a nation or another organisation.",
    )
    .field("partner", "Participant", "The partner.", |p, _, cx| Ok(Out::opt(participant(cx, &p.partner)?)))
    .field("signed", "PartialDate", "When the agreement was signed, as precise as the source.", |p, _, _| Ok(date(&p, |p| &p.signed)))
    .value("note", "String", "What the agreement is about.", |p| Out::opt_str(p.note.as_deref()))
    .field("inferred", "[Inference!]!", INFERRED, |p, _, _| Ok(inferred(&p, |p| &p.inferred)))
    .sources("The documents that state it.", |p| &p.sources)
    .finish()
}

fn organisation_filter() -> TypeDef {
    TypeDef::Input {
        name: "OrganisationFilter",
        description: "Which organisations to list.",
        fields: vec![InputDef::new("kind", "OrganisationKind", "This kind.")],
    }
}

/// `Query.organisations`, in name order.
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let kind = args.input("filter").named::<model::OrganisationKind>("kind");
    let all = cx.every_sorted::<model::Organisation, _>(|o| fold_key(&o.name, &o.code))?;
    let orgs: Vec<_> = all.iter().filter(|o| kind.is_none_or(|k| o.kind == k)).collect();
    record_page(args, cx, (ObjType::OrganisationConnection, ObjType::OrganisationEdge), &orgs)
}
