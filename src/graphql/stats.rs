//! `stats`: aggregates over the whole graph, computed from the store on request.

use std::{collections::BTreeMap, sync::Arc};

use async_graphql::{Context, Object, Result, SimpleObject};

use super::{
    enums::{ProjectKind, ProjectStatus},
    errors::internal,
    loaders,
    types::{CapabilityArea, Nation},
};
use crate::{
    model::{self, format_decimal},
    store::Index,
};

/// How many projects have one status.
#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: ProjectStatus,
    pub count: usize,
}

/// How many projects are of one kind.
#[derive(SimpleObject)]
pub struct KindCount {
    pub kind: ProjectKind,
    pub count: usize,
}

/// How many projects belong to one capability area.
#[derive(SimpleObject)]
pub struct AreaCount {
    pub area: CapabilityArea,
    pub count: usize,
}

/// A nation and the number of projects it takes part in.
#[derive(SimpleObject)]
pub struct NationCount {
    pub nation: Nation,
    pub project_count: usize,
}

/// Contract value summed within one currency (amounts are never summed across currencies).
#[derive(SimpleObject)]
pub struct CurrencyTotal {
    /// ISO 4217 code.
    pub currency: String,
    /// Exact decimal sum of the valued contracts in this currency.
    pub amount: String,
    /// Number of contracts summed.
    pub contract_count: usize,
    /// True when any summed amount is approximate ("nearly USD 700 million").
    pub approximate: bool,
}

/// Aggregates over the whole graph.
pub struct Stats;

fn count_by<K: Ord + Copy>(projects: &[model::Project], key: impl Fn(&model::Project) -> K) -> Vec<(K, usize)> {
    let mut counts = BTreeMap::new();
    for project in projects {
        *counts.entry(key(project)).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[Object]
impl Stats {
    /// Projects per status.
    async fn projects_by_status(&self, ctx: &Context<'_>) -> Result<Vec<StatusCount>> {
        let projects = loaders::store(ctx).all::<model::Project>().map_err(internal)?;
        Ok(count_by(&projects, |p| p.status).into_iter().map(|(status, count)| StatusCount { status: status.into(), count }).collect())
    }

    /// Projects per kind.
    async fn projects_by_kind(&self, ctx: &Context<'_>) -> Result<Vec<KindCount>> {
        let projects = loaders::store(ctx).all::<model::Project>().map_err(internal)?;
        Ok(count_by(&projects, |p| p.kind).into_iter().map(|(kind, count)| KindCount { kind: kind.into(), count }).collect())
    }

    /// Projects per capability area, largest first.
    async fn projects_by_area(&self, ctx: &Context<'_>) -> Result<Vec<AreaCount>> {
        let store = loaders::store(ctx);
        let areas = store.all::<model::CapabilityArea>().map_err(internal)?;
        let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
        let links = store.link_counts(Index::ProjectsByArea, &codes).map_err(internal)?;
        let mut counts: Vec<AreaCount> = areas
            .into_iter()
            .map(|a| AreaCount { count: links.get(&a.code).copied().unwrap_or(0), area: CapabilityArea(Arc::new(a)) })
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.area.0.code.cmp(&b.area.0.code)));
        Ok(counts)
    }

    /// Nations ranked by the number of projects they take part in (ties by code).
    async fn nations_by_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many nations (default: all).")] first: Option<i32>,
    ) -> Result<Vec<NationCount>> {
        let store = loaders::store(ctx);
        let nations = store.all::<model::Nation>().map_err(internal)?;
        let codes: Vec<String> = nations.iter().map(|n| n.code.clone()).collect();
        let links = store.link_counts(Index::ProjectsByParticipant, &codes).map_err(internal)?;
        let mut ranked: Vec<NationCount> = nations
            .into_iter()
            .map(|n| NationCount { project_count: links.get(&n.code).copied().unwrap_or(0), nation: Nation(Arc::new(n)) })
            .collect();
        ranked.sort_by(|a, b| b.project_count.cmp(&a.project_count).then_with(|| a.nation.0.code.cmp(&b.nation.0.code)));
        ranked.truncate(first.map_or(usize::MAX, |f| f.max(0) as usize));
        Ok(ranked)
    }

    /// Contract value per currency.
    async fn contract_value_by_currency(&self, ctx: &Context<'_>) -> Result<Vec<CurrencyTotal>> {
        let contracts = loaders::store(ctx).all::<model::ProcurementContract>().map_err(internal)?;
        let mut totals: BTreeMap<String, (i128, usize, bool)> = BTreeMap::new();
        for value in contracts.iter().filter_map(|c| c.value.as_ref()) {
            let total = totals.entry(value.currency.clone()).or_default();
            total.0 += value.scaled();
            total.1 += 1;
            total.2 |= value.approximate;
        }
        Ok(totals
            .into_iter()
            .map(|(currency, (sum, contract_count, approximate))| CurrencyTotal {
                currency,
                amount: format_decimal(sum),
                contract_count,
                approximate,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct StatsQuery;

#[Object]
impl StatsQuery {
    /// Aggregates: projects by status, kind and area; nations by participation; contract value by currency.
    async fn stats(&self) -> Stats {
        Stats
    }
}
