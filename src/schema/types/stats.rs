//! `stats`: aggregates over the whole graph.

use std::{collections::BTreeMap, sync::Arc};

use crate::{
    model::{self, format_decimal, Named, RecordKind},
    schema::{
        def::{Fail, InputDef, Object, TypeDef},
        fetch::Ctx,
        obj::{Obj, ObjType, Out},
    },
    store::Index,
};

/// Contract value summed within one currency.
pub struct CurrencyTotal {
    currency: String,
    amount: String,
    contract_count: usize,
    approximate: bool,
}

/// The value of `contracts` summed per currency (never across currencies), in currency order;
/// contracts without a value are left out.
pub fn value_by_currency<'c>(contracts: impl IntoIterator<Item = &'c model::ProcurementContract>) -> Out<'static> {
    let mut totals: BTreeMap<String, (i128, usize, bool)> = BTreeMap::new();
    for value in contracts.into_iter().filter_map(|c| c.value.as_ref()) {
        let total = totals.entry(value.currency.clone()).or_default();
        total.0 += value.scaled();
        total.1 += 1;
        total.2 |= value.approximate;
    }
    Out::objs(totals.into_iter().map(|(currency, (sum, contract_count, approximate))| {
        Obj::new(ObjType::CurrencyTotal, Arc::new(CurrencyTotal { currency, amount: format_decimal(sum), contract_count, approximate }))
    }))
}

/// An organisation's contracts (as buyer or as supplier) and their value per currency.
pub struct PartyValue {
    organisation: Obj,
    contracts: Vec<Arc<model::ProcurementContract>>,
}

/// Every organisation that `party` names on some contract, with those contracts, most contracts
/// first (ties by code).
fn value_by_party(cx: &Ctx<'_>, party: fn(&model::ProcurementContract) -> Option<&str>) -> Result<Out<'static>, Fail> {
    let contracts = cx.every::<model::ProcurementContract>()?;
    let mut by_party: BTreeMap<&str, Vec<Arc<model::ProcurementContract>>> = BTreeMap::new();
    for contract in contracts.iter() {
        if let Some(code) = party(contract) {
            by_party.entry(code).or_default().push(Arc::clone(contract));
        }
    }
    let organisations = cx.record_objs(RecordKind::Organisation, by_party.keys().copied())?;
    let mut rows: Vec<PartyValue> = organisations
        .into_iter()
        .filter_map(|organisation| {
            let code = organisation.get::<model::Organisation>()?.code.as_str();
            Some(PartyValue { contracts: by_party.get(code)?.clone(), organisation })
        })
        .collect();
    let code = |row: &PartyValue| row.organisation.get::<model::Organisation>().map(|o| o.code.clone());
    rows.sort_by(|a, b| b.contracts.len().cmp(&a.contracts.len()).then_with(|| code(a).cmp(&code(b))));
    Ok(Out::objs(rows.into_iter().map(|row| Obj::new(ObjType::PartyValue, Arc::new(row)))))
}

/// A value and how many projects have it.
type Counted<T> = (T, usize);

fn count_by<K: Ord + Copy>(keys: impl Iterator<Item = K>) -> Vec<(K, usize)> {
    let mut counts = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

/// Every record of `kind` with its number of links through `index`, largest first, ties by code.
fn ranked<T: crate::store::Stored>(cx: &Ctx<'_>, kind: RecordKind, index: Index) -> Result<Vec<Counted<Obj>>, Fail> {
    let all = cx.every::<T>()?;
    let counts: Vec<_> = all.iter().map(|r| cx.count(index, r.code())).collect();
    let counts = counts.into_iter().collect::<Result<Vec<_>, _>>()?;
    let mut ranked: Vec<(Arc<T>, usize)> = all.iter().cloned().zip(counts).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code().cmp(b.0.code())));
    Ok(ranked.into_iter().map(|(r, n)| (Obj::new(crate::schema::fetch::record_type(kind), r), n)).collect())
}

fn counted<T: std::any::Any + Send + Sync>(ty: ObjType, rows: Vec<Counted<T>>) -> Out<'static> {
    Out::objs(rows.into_iter().map(|row| Obj::new(ty, Arc::new(row))))
}

pub fn types() -> Vec<TypeDef> {
    vec![
        Object::<()>::new(ObjType::Stats, "Aggregates over the whole graph.")
            .field("projectsByStatus", "[StatusCount!]!", "Projects per status.", |_, _, cx| {
                Ok(counted(
                    ObjType::StatusCount,
                    count_by((0..cx.project_facets().len()).map(|i| cx.project_facets().row(i as u32).status)),
                ))
            })
            .field("projectsByKind", "[KindCount!]!", "Projects per kind.", |_, _, cx| {
                Ok(counted(
                    ObjType::KindCount,
                    count_by((0..cx.project_facets().len()).map(|i| cx.project_facets().row(i as u32).kind)),
                ))
            })
            .field("projectsByArea", "[AreaCount!]!", "Projects per capability area, largest first.", |_, _, cx| {
                Ok(counted(ObjType::AreaCount, ranked::<model::CapabilityArea>(cx, RecordKind::CapabilityArea, Index::ProjectsByArea)?))
            })
            .field_def(
                "nationsByParticipation",
                "[NationCount!]!",
                "Nations ranked by the number of projects they take part in (ties by code).",
                |_, args, cx| {
                    let mut ranked = ranked::<model::Nation>(cx, RecordKind::Nation, Index::ProjectsByParticipant)?;
                    ranked.truncate(args.int("first").map_or(usize::MAX, |f| f.max(0) as usize));
                    Ok(counted(ObjType::NationCount, ranked))
                },
                |f| f.arg(InputDef::new("first", "Int", "How many nations (default: all).")),
            )
            .field("contractValueByCurrency", "[CurrencyTotal!]!", "Contract value per currency.", |_, _, cx| {
                Ok(value_by_currency(cx.every::<model::ProcurementContract>()?.iter().map(Arc::as_ref)))
            })
            .field(
                "contractValueByBuyer",
                "[PartyValue!]!",
                "Each organisation that buys under a contract, with its contracts' value per currency, most\ncontracts first.",
                |_, _, cx| value_by_party(cx, |c| c.buyer.as_deref()),
            )
            .field(
                "contractValueBySupplier",
                "[PartyValue!]!",
                "Each organisation that supplies under a contract, with its contracts' value per currency,\nmost contracts first.",
                |_, _, cx| value_by_party(cx, |c| c.supplier.as_deref()),
            )
            .finish(),
        Object::<PartyValue>::new(ObjType::PartyValue, "An organisation's contracts as buyer (or as supplier) and their value per currency.")
            .value("organisation", "Organisation!", "The buyer or supplier.", |r| Out::Obj(r.organisation.clone()))
            .value("contractCount", "Int!", "How many contracts name it, valued or not.", |r| Out::count(r.contracts.len()))
            .value("valueByCurrency", "[CurrencyTotal!]!", "Their value summed per currency (never across currencies).", |r| {
                value_by_currency(r.contracts.iter().map(Arc::as_ref))
            })
            .finish(),
        Object::<Counted<model::ProjectStatus>>::new(ObjType::StatusCount, "How many projects have one status.")
            .value("status", "ProjectStatus!", "The status.", |c| Out::Enum(c.0.name()))
            .value("count", "Int!", "How many projects.", |c| Out::count(c.1))
            .finish(),
        Object::<Counted<model::ProjectKind>>::new(ObjType::KindCount, "How many projects are of one kind.")
            .value("kind", "ProjectKind!", "The kind.", |c| Out::Enum(c.0.name()))
            .value("count", "Int!", "How many projects.", |c| Out::count(c.1))
            .finish(),
        Object::<Counted<Obj>>::new(ObjType::AreaCount, "How many projects belong to one capability area.")
            .value("area", "CapabilityArea!", "The capability area.", |c| Out::Obj(c.0.clone()))
            .value("count", "Int!", "How many projects.", |c| Out::count(c.1))
            .finish(),
        Object::<Counted<Obj>>::new(ObjType::NationCount, "A nation and the number of projects it takes part in.")
            .value("nation", "Nation!", "The nation.", |c| Out::Obj(c.0.clone()))
            .value("projectCount", "Int!", "How many projects it takes part in.", |c| Out::count(c.1))
            .finish(),
        Object::<CurrencyTotal>::new(
            ObjType::CurrencyTotal,
            "Contract value summed within one currency (amounts are never summed across currencies).",
        )
        .value("currency", "String!", "ISO 4217 code.", |t| Out::str(&t.currency))
        .value("amount", "String!", "Exact decimal sum of the valued contracts in this currency.", |t| Out::str(&t.amount))
        .value("contractCount", "Int!", "Number of contracts summed.", |t| Out::count(t.contract_count))
        .value("approximate", "Boolean!", "True when any summed amount is approximate (\"nearly USD 700 million\").", |t| {
            Out::Bool(t.approximate)
        })
        .finish(),
    ]
}
