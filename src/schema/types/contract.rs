//! `ProcurementContract`: contracts and funding that deliver projects; the root list's filter
//! and order.

use std::sync::Arc;

use crate::{
    model::{self, order::sort_key, parse_decimal, text::fold, Named, RecordKind},
    schema::{
        args::Args,
        connection::{self},
        def::{InputDef, Object, Res, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
        types::{
            date, enums, inferred, participant,
            project::{date_arg, require},
            record_page_keeping,
            stats::value_by_currency,
            INFERRED,
        },
        FieldError,
    },
    store::Index,
};

pub fn types() -> Vec<TypeDef> {
    let (connection, edge) = (ObjType::ProcurementContractConnection, ObjType::ProcurementContractEdge);
    let connection = connection::connection_object(connection, "ProcurementContract", edge).field(
        "valueByCurrency",
        "[CurrencyTotal!]!",
        "The value of the whole list (every page, after filtering) summed per currency, never across\ncurrencies; contracts without a value are left out.",
        |p, _, cx| Ok(value_by_currency(p.whole::<model::ProcurementContract>(cx)?.iter().map(Arc::as_ref))),
    );
    vec![contract(), contract_filter(), contract_order(), connection.finish(), connection::edge_type(edge, "ProcurementContract").finish()]
}

fn organisation<'a>(cx: &Ctx<'_>, code: &Option<String>) -> Res<'a> {
    match code {
        Some(code) => Ok(Out::opt(cx.record_obj(RecordKind::Organisation, code)?)),
        None => Ok(Out::Null),
    }
}

fn contract() -> TypeDef {
    Object::<model::ProcurementContract>::new(
        ObjType::ProcurementContract,
        "A procurement contract, a set of framework contracts, or a funding contribution.",
    )
    .record("Stable key.")
    .value("kind", "ContractKind!", "Contract, framework contracts or funding.", |c| Out::Enum(c.kind.name()))
    .value("title", "String!", "Short title.", |c| Out::str(&c.title))
    .value("name", "String!", "Its display name: the title (every record has a `name`).", |c| Out::str(&c.title))
    .value("description", "String!", "What the sources say about it.", |c| Out::str(&c.description))
    .field("value", "Money", "Its value, as the source states it.", |c, _, _| match &c.value {
        Some(_) => Ok(Out::Obj(c.part(ObjType::Money, |c| c.value.as_ref().expect("checked above")))),
        None => Ok(Out::Null),
    })
    .field("signed", "PartialDate", "When it was signed or announced, as precise as the source.", |c, _, _| Ok(date(&c, |c| &c.signed)))
    .value("quantity", "Int", "How many items it buys, where the source says.", |c| Out::opt_int(c.quantity))
    .value("item", "String", "What it buys, where the source says.", |c| Out::opt_str(c.item.as_deref()))
    .field("buyer", "Organisation", "The organisation buying.", |c, _, cx| organisation(cx, &c.buyer))
    .field("supplier", "Organisation", "The organisation supplying.", |c, _, cx| organisation(cx, &c.supplier))
    .field("funder", "Participant", "The nation or organisation providing the money, for funding.", |c, _, cx| match &c.funder {
        Some(funder) => Ok(Out::opt(participant(cx, funder)?)),
        None => Ok(Out::Null),
    })
    .field("project", "Project", "The project it delivers.", |c, _, cx| match &c.project {
        Some(project) => Ok(Out::opt(cx.record_obj(RecordKind::Project, project)?)),
        None => Ok(Out::Null),
    })
    .field("beneficiaries", "[Nation!]!", "Nations that benefit from it.", |c, _, cx| {
        Ok(Out::objs(cx.record_objs(RecordKind::Nation, c.beneficiaries.iter().map(String::as_str))?))
    })
    .value("note", "String", "Where the sources disagree, or other remarks.", |c| Out::opt_str(c.note.as_deref()))
    .linked("events", "Events it was signed or announced at, the relation on each edge.", Index::EventsByContract, RecordKind::Event)
    .field("inferred", "[Inference!]!", INFERRED, |c, _, _| Ok(inferred(&c, |c| &c.inferred)))
    .sources("The documents and quotes that support this record.", |c| &c.sources)
    .finish()
}

fn contract_filter() -> TypeDef {
    TypeDef::Input {
        name: "ContractFilter",
        description: "Which contracts to list.",
        fields: vec![
            InputDef::new("kind", "ContractKind", "This kind."),
            InputDef::new("buyer", "String", "Bought by this organisation (code or name)."),
            InputDef::new("supplier", "String", "Supplied by this organisation (code or name)."),
            InputDef::new("beneficiary", "String", "This nation benefits (code or name)."),
            InputDef::new("project", "String", "Delivers this project (code or name)."),
            InputDef::new("currency", "String", "Valued in this ISO 4217 currency."),
            InputDef::new("minAmount", "String", "Value at least this exact decimal amount (in the contract's currency)."),
            InputDef::new("maxAmount", "String", "Value at most this exact decimal amount (in the contract's currency)."),
            InputDef::new("signedFrom", "String", "Signed on or after this date."),
            InputDef::new("signedTo", "String", "Signed on or before this date."),
        ],
    }
}

fn contract_order() -> TypeDef {
    TypeDef::Input { name: "ContractOrder", description: "How to order contracts.", fields: enums::order_fields("ContractOrderField!") }
}

fn amount(argument: &str, text: Option<&str>) -> Result<Option<i128>, FieldError> {
    text.map(|t| parse_decimal(t).ok_or_else(|| FieldError::NotAnAmount { argument: argument.to_owned(), text: t.to_owned() }))
        .transpose()
}

fn code_of(obj: Obj) -> Option<String> {
    let code = |c: &str| Some(c.to_owned());
    obj.get::<model::Organisation>()
        .and_then(|o| code(&o.code))
        .or_else(|| obj.get::<model::Nation>().and_then(|n| code(&n.code)))
        .or_else(|| obj.get::<model::Project>().and_then(|p| code(&p.code)))
}

/// `Query.contracts`: filtered and ordered (by signing date unless `orderBy` says otherwise).
pub fn list(args: &Args, cx: &Ctx<'_>) -> Res<'static> {
    let f = args.input("filter");
    let lookup = |kind, argument, field| f.string(field).map(|text| require(cx, kind, argument, text));
    let buyer = lookup(RecordKind::Organisation, "filter.buyer", "buyer");
    let supplier = lookup(RecordKind::Organisation, "filter.supplier", "supplier");
    let beneficiary = lookup(RecordKind::Nation, "filter.beneficiary", "beneficiary");
    let project = lookup(RecordKind::Project, "filter.project", "project");
    let buyer = buyer.transpose()?.and_then(code_of);
    let supplier = supplier.transpose()?.and_then(code_of);
    let beneficiary = beneficiary.transpose()?.and_then(code_of);
    let project = project.transpose()?.and_then(code_of);
    let min = amount("filter.minAmount", f.string("minAmount"))?;
    let max = amount("filter.maxAmount", f.string("maxAmount"))?;
    let from = date_arg("filter.signedFrom", f.string("signedFrom"))?;
    let to = date_arg("filter.signedTo", f.string("signedTo"))?;
    let kind = f.named::<model::ContractKind>("kind");
    let currency = f.string("currency").map(str::to_ascii_uppercase);
    let value = |c: &model::ProcurementContract| c.value.as_ref().map(model::Money::scaled);
    let all = cx.every::<model::ProcurementContract>()?;
    // An unknown currency is an error, as an unknown code is in every other filter.
    if let Some(wanted) = &currency {
        let known: std::collections::BTreeSet<&str> = all.iter().filter_map(|c| c.value.as_ref()).map(|v| v.currency.as_str()).collect();
        if !known.contains(wanted.as_str()) {
            let known = known.into_iter().collect::<Vec<_>>().join(", ");
            return Err(FieldError::UnknownCurrency { argument: "filter.currency".into(), text: f.string("currency").unwrap_or_default().into(), known }.into());
        }
    }
    let mut contracts: Vec<&Arc<model::ProcurementContract>> = all
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| buyer.is_none() || c.buyer == buyer)
        .filter(|c| supplier.is_none() || c.supplier == supplier)
        .filter(|c| project.is_none() || c.project == project)
        .filter(|c| beneficiary.as_ref().is_none_or(|b| c.beneficiaries.contains(b)))
        .filter(|c| currency.as_ref().is_none_or(|cur| c.value.as_ref().is_some_and(|v| &v.currency == cur)))
        .filter(|c| min.is_none_or(|m| value(c).is_some_and(|v| v >= m)))
        .filter(|c| max.is_none_or(|m| value(c).is_some_and(|v| v <= m)))
        .filter(|c| from.is_none_or(|from| c.signed.is_some_and(|s| s.start() >= from.start())))
        .filter(|c| to.is_none_or(|to| c.signed.is_some_and(|s| s.end() <= to.end())))
        .collect();
    let order = args.input("orderBy");
    let direction = enums::direction(&order);
    match enums::order_field(&order) {
        Some("TITLE") => contracts.sort_by_cached_key(|c| sort_key(Some(fold(&c.title)), direction, c.code.clone())),
        Some("CODE") => contracts.sort_by_cached_key(|c| sort_key(Some(c.code.clone()), direction, c.code.clone())),
        Some("AMOUNT") => contracts
            .sort_by_cached_key(|c| sort_key(c.value.as_ref().map(|v| (v.currency.clone(), v.scaled())), direction, c.code.clone())),
        _ => contracts.sort_by_cached_key(|c| sort_key(c.signed.map(|s| s.start()), direction, c.code.clone())),
    }
    let types = (ObjType::ProcurementContractConnection, ObjType::ProcurementContractEdge);
    record_page_keeping(args, cx, types, &contracts)
}
