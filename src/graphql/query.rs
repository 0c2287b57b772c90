//! The root `Query`: lookups by id or code, and filtered, ordered, paged lists.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{
    connection::{self, Conn, PageArgs},
    enums::{ContractKind, Membership, OrderDirection, OrganisationKind, ProjectKind, ProjectStatus, StrategyKind},
    errors::bad_input,
    loaders,
    types::{self, CapabilityArea, Nation, Node, Organisation, ProcurementContract, Project, Source, Strategy, StrategyObjective},
};
use crate::{
    model::{self, order::sort_key, parse_decimal, text::fold, PartialDate, Record},
    store::{Filterable, Index, ProjectFacets, ProjectSort, Stored},
};

/// The entry points of the capability-cooperation graph.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(RecordQuery, super::search::SearchQuery, super::stats::StatsQuery);

/// Lookups by id or code, and the filtered lists.
#[derive(Default)]
pub struct RecordQuery;

/// Finds a record by code, or by name, acronym or alias in any case and with or without
/// diacritics (`TUR`, `Türkiye`, `turkiye`, `Turkey`).
async fn find<T: Stored>(ctx: &Context<'_>, text: &str) -> Result<Option<Arc<T>>> {
    if let Some(found) = loaders::one::<T>(ctx, text).await? {
        return Ok(Some(found));
    }
    let store = loaders::store(ctx);
    match store.lookup(T::TYPE_NAME, text).map_err(super::errors::internal)? {
        Some(code) => loaders::one::<T>(ctx, &code).await,
        None => Ok(None),
    }
}

/// Like [`find`], for a filter argument: an unknown code is an error naming it.
async fn require<T: Stored>(ctx: &Context<'_>, argument: &str, text: &str) -> Result<Arc<T>> {
    find::<T>(ctx, text).await?.ok_or_else(|| bad_input(format!("{argument}: no {} has the code or name {text:?}", T::TYPE_NAME)))
}

/// Resolves a nation or organisation given by code or name to its code.
async fn require_participant(ctx: &Context<'_>, argument: &str, text: &str) -> Result<String> {
    if let Some(nation) = find::<model::Nation>(ctx, text).await? {
        return Ok(nation.code.clone());
    }
    if let Some(org) = find::<model::Organisation>(ctx, text).await? {
        return Ok(org.code.clone());
    }
    Err(bad_input(format!("{argument}: no nation or organisation has the code or name {text:?}")))
}

fn parse_date(argument: &str, text: &Option<String>) -> Result<Option<PartialDate>> {
    text.as_deref().map(|t| t.parse::<PartialDate>().map_err(|e| bad_input(format!("{argument}: {e}")))).transpose()
}

/// Sorts by `key` in `direction` (see [`sort_key`]).
fn order<T: Record, K: Ord>(items: &mut [Arc<T>], direction: OrderDirection, key: impl Fn(&T) -> Option<K>) {
    items.sort_by_cached_key(|r| sort_key(key(r), direction.into(), r.code().to_owned()));
}

fn page<T: Record, N: From<Arc<T>> + async_graphql::OutputType>(ctx: &Context<'_>, items: Vec<Arc<T>>, args: PageArgs) -> Result<Conn<N>> {
    let items = items.into_iter().map(|r| (r.code().to_owned(), N::from(r), async_graphql::connection::EmptyFields)).collect();
    connection::connection(ctx, &args, items)
}

fn all<T: Stored>(ctx: &Context<'_>) -> Result<Vec<Arc<T>>> {
    Ok(loaders::store(ctx).all::<T>().map_err(super::errors::internal)?.into_iter().map(Arc::new).collect())
}

/// Does folded `needle` occur in any of the texts?
fn matches(needle: &str, texts: &[&str]) -> bool {
    texts.iter().any(|t| fold(t).contains(needle))
}

/// Which projects to list.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Capability area, by code or name.
    pub area: Option<String>,
    /// Any of these statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// This kind.
    pub kind: Option<ProjectKind>,
    /// This nation or organisation takes part (code or name).
    pub participant: Option<String>,
    /// Every one of these nations or organisations takes part ("what do France and Germany share?").
    pub participants_all: Option<Vec<String>>,
    /// Launched on or after this date (`2020`, `2020-10`, `2020-10-01`).
    pub launched_from: Option<String>,
    /// Launched on or before this date (`2024`, `2024-10`).
    pub launched_to: Option<String>,
    /// Words in the code, name, acronym or purpose (any case, diacritics ignored).
    pub text: Option<String>,
}

/// Fields projects can be ordered by.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "ProjectSort")]
pub enum ProjectOrderField {
    /// By name.
    Name,
    /// By code.
    Code,
    /// By launch date (undated last).
    Launched,
    /// By number of participants.
    ParticipantCount,
}

/// How to order projects.
#[derive(InputObject)]
pub struct ProjectOrder {
    /// The field to order by.
    pub field: ProjectOrderField,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Which nations to list.
#[derive(InputObject, Default)]
pub struct NationFilter {
    /// Allies or partners.
    pub membership: Option<Membership>,
    /// EU members (true) or not (false).
    pub eu_member: Option<bool>,
    /// Takes part in this project (code or name).
    pub participates_in: Option<String>,
}

/// Fields nations can be ordered by.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum NationOrderField {
    /// By name.
    Name,
    /// By ISO code.
    Code,
    /// By number of projects taken part in.
    ProjectCount,
    /// By NATO accession year (partners last).
    NatoAccession,
}

/// How to order nations.
#[derive(InputObject)]
pub struct NationOrder {
    /// The field to order by.
    pub field: NationOrderField,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Which organisations to list.
#[derive(InputObject, Default)]
pub struct OrganisationFilter {
    /// This kind.
    pub kind: Option<OrganisationKind>,
}

/// Which strategies to list.
#[derive(InputObject, Default)]
pub struct StrategyFilter {
    /// This kind.
    pub kind: Option<StrategyKind>,
}

/// Which contracts to list.
#[derive(InputObject, Default)]
pub struct ContractFilter {
    /// This kind.
    pub kind: Option<ContractKind>,
    /// Bought by this organisation (code or name).
    pub buyer: Option<String>,
    /// Supplied by this organisation (code or name).
    pub supplier: Option<String>,
    /// This nation benefits (code or name).
    pub beneficiary: Option<String>,
    /// Delivers this project (code or name).
    pub project: Option<String>,
    /// Valued in this ISO 4217 currency.
    pub currency: Option<String>,
    /// Value at least this exact decimal amount (in the contract's currency).
    pub min_amount: Option<String>,
    /// Value at most this exact decimal amount (in the contract's currency).
    pub max_amount: Option<String>,
    /// Signed on or after this date.
    pub signed_from: Option<String>,
    /// Signed on or before this date.
    pub signed_to: Option<String>,
}

/// Fields contracts can be ordered by.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ContractOrderField {
    /// By title.
    Title,
    /// By code.
    Code,
    /// By signing date (undated last).
    Signed,
    /// By amount (within a currency; unvalued last).
    Amount,
}

/// How to order contracts.
#[derive(InputObject)]
pub struct ContractOrder {
    /// The field to order by.
    pub field: ContractOrderField,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

fn amount(argument: &str, text: &Option<String>) -> Result<Option<i128>> {
    text.as_deref()
        .map(|t| parse_decimal(t).ok_or_else(|| bad_input(format!("{argument}: {t:?} is not an exact decimal amount"))))
        .transpose()
}

#[Object]
impl RecordQuery {
    /// Any record by its global id; `null` for an unknown or malformed id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        types::node(ctx, id.0).await
    }

    /// Records by global id, in the order asked; `null` for each unknown id.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        futures_util::future::try_join_all(ids.into_iter().map(|id| types::node(ctx, id.0))).await
    }

    /// A project by code (`c-socc`), name or acronym, in any case.
    async fn project(&self, ctx: &Context<'_>, code: String) -> Result<Option<Project>> {
        Ok(find::<model::Project>(ctx, &code).await?.map(Project))
    }

    /// A nation by ISO code (`TUR`, `TR`) or name (`Türkiye`, `turkiye`, `Turkey`), in any case.
    async fn nation(&self, ctx: &Context<'_>, code: String) -> Result<Option<Nation>> {
        Ok(find::<model::Nation>(ctx, &code).await?.map(Nation))
    }

    /// An organisation by code (`NSPA`) or name, in any case.
    async fn organisation(&self, ctx: &Context<'_>, code: String) -> Result<Option<Organisation>> {
        Ok(find::<model::Organisation>(ctx, &code).await?.map(Organisation))
    }

    /// A capability area by code (`air-and-missile-defence`) or name.
    async fn capability_area(&self, ctx: &Context<'_>, code: String) -> Result<Option<CapabilityArea>> {
        Ok(find::<model::CapabilityArea>(ctx, &code).await?.map(CapabilityArea))
    }

    /// A strategy, policy or plan by code (`commercial-space-strategy`) or title.
    async fn strategy(&self, ctx: &Context<'_>, code: String) -> Result<Option<Strategy>> {
        Ok(find::<model::Strategy>(ctx, &code).await?.map(Strategy))
    }

    /// A strategy objective by code (`commercial-space-strategy/1`).
    async fn objective(&self, ctx: &Context<'_>, code: String) -> Result<Option<StrategyObjective>> {
        Ok(find::<model::StrategyObjective>(ctx, &code).await?.map(StrategyObjective))
    }

    /// A contract or funding record by code or title.
    async fn contract(&self, ctx: &Context<'_>, code: String) -> Result<Option<ProcurementContract>> {
        Ok(find::<model::ProcurementContract>(ctx, &code).await?.map(ProcurementContract))
    }

    /// A source document by code (`nato-mcc`) or title.
    async fn source(&self, ctx: &Context<'_>, code: String) -> Result<Option<Source>> {
        Ok(find::<model::Source>(ctx, &code).await?.map(Source))
    }

    /// Projects, filtered and ordered (by name unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        let f = filter.unwrap_or_default();
        let area = match &f.area {
            Some(area) => Some(require::<model::CapabilityArea>(ctx, "filter.area", area).await?.code.clone()),
            None => None,
        };
        let mut required = Vec::new();
        if let Some(p) = &f.participant {
            required.push(require_participant(ctx, "filter.participant", p).await?);
        }
        for p in f.participants_all.iter().flatten() {
            required.push(require_participant(ctx, "filter.participantsAll", p).await?);
        }
        let from = parse_date("filter.launchedFrom", &f.launched_from)?;
        let to = parse_date("filter.launchedTo", &f.launched_to)?;
        let statuses: Option<Vec<model::ProjectStatus>> = f.status.map(|s| s.into_iter().map(Into::into).collect());
        let kind = f.kind.map(model::ProjectKind::from);
        let text = f.text.as_deref().map(fold);

        let order_by = order_by.unwrap_or(ProjectOrder { field: ProjectOrderField::Name, direction: OrderDirection::Asc });
        let facets = loaders::store(ctx).project_facets();
        // A participant that takes part in nothing has no number: `NONE` matches no project.
        let required: Vec<u32> = required.iter().map(|code| facets.participant(code).unwrap_or(ProjectFacets::NONE)).collect();
        // An area no project is in has no number, and then no project matches.
        let area = area.map(|code| facets.area(&code));
        let keep = |p: &Filterable| {
            area.is_none_or(|a| a == Some(p.area))
                && statuses.as_ref().is_none_or(|s| s.contains(&p.status))
                && kind.is_none_or(|k| p.kind == k)
                && from.is_none_or(|from| p.launched.is_some_and(|l| l.start() >= from.start()))
                && to.is_none_or(|to| p.launched.is_some_and(|l| l.end() <= to.end()))
        };
        let mut rows = facets.select(&required, keep, order_by.field.into(), order_by.direction.into());
        if let Some(text) = &text {
            // The words are not among the facets: read the remaining candidates (one batch).
            let codes: Vec<String> = rows.iter().map(|&n| facets.row(n).code.clone()).collect();
            let candidates = loaders::many::<model::Project>(ctx, &codes).await?;
            let hits: std::collections::HashSet<&str> = candidates
                .iter()
                .filter(|p| matches(text, &[&p.code, &p.name, p.acronym.as_deref().unwrap_or(""), &p.purpose]))
                .map(|p| p.code.as_str())
                .collect();
            rows.retain(|&n| hits.contains(facets.row(n).code.as_str()));
        }
        let args = PageArgs { first, after, last, before };
        let w = connection::window(ctx, &args, rows.len(), |i| facets.row(rows[i]).code.as_str())?;
        let page: Vec<String> = rows[w.start..w.end].iter().map(|&n| facets.row(n).code.clone()).collect();
        let projects = loaders::many::<model::Project>(ctx, &page).await?;
        connection::page_of(
            w,
            rows.len(),
            projects.into_iter().map(|p| (p.code.clone(), Project(p), async_graphql::connection::EmptyFields)),
        )
    }

    /// Nations, filtered and ordered (by name unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    async fn nations(
        &self,
        ctx: &Context<'_>,
        filter: Option<NationFilter>,
        order_by: Option<NationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Nation>> {
        let f = filter.unwrap_or_default();
        let project = match &f.participates_in {
            Some(p) => Some(require::<model::Project>(ctx, "filter.participatesIn", p).await?),
            None => None,
        };
        let membership = f.membership.map(model::Membership::from);
        let mut nations: Vec<Arc<model::Nation>> = all::<model::Nation>(ctx)?
            .into_iter()
            .filter(|n| membership.is_none_or(|m| n.membership == m))
            .filter(|n| f.eu_member.is_none_or(|eu| n.eu_member == eu))
            .filter(|n| project.as_ref().is_none_or(|p| p.participants.iter().any(|x| x.participant == n.code)))
            .collect();
        let order_by = order_by.unwrap_or(NationOrder { field: NationOrderField::Name, direction: OrderDirection::Asc });
        match order_by.field {
            NationOrderField::Name => order(&mut nations, order_by.direction, |n| Some(fold(&n.name))),
            NationOrderField::Code => order(&mut nations, order_by.direction, |n| Some(n.code.clone())),
            NationOrderField::NatoAccession => order(&mut nations, order_by.direction, |n| n.nato_accession),
            NationOrderField::ProjectCount => {
                let codes: Vec<String> = nations.iter().map(|n| n.code.clone()).collect();
                let counts = loaders::store(ctx).link_counts(Index::ProjectsByParticipant, &codes).map_err(super::errors::internal)?;
                order(&mut nations, order_by.direction, |n| Some(counts.get(&n.code).copied().unwrap_or(0)));
            }
        }
        page(ctx, nations, PageArgs { first, after, last, before })
    }

    /// Organisations, in name order.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Organisation>> {
        let kind = filter.and_then(|f| f.kind).map(model::OrganisationKind::from);
        let mut orgs: Vec<_> = all::<model::Organisation>(ctx)?.into_iter().filter(|o| kind.is_none_or(|k| o.kind == k)).collect();
        order(&mut orgs, OrderDirection::Asc, |o| Some(fold(&o.name)));
        page(ctx, orgs, PageArgs { first, after, last, before })
    }

    /// Strategies, policies and plans, in title order.
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        filter: Option<StrategyFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Strategy>> {
        let kind = filter.and_then(|f| f.kind).map(model::StrategyKind::from);
        let mut strategies: Vec<_> = all::<model::Strategy>(ctx)?.into_iter().filter(|s| kind.is_none_or(|k| s.kind == k)).collect();
        order(&mut strategies, OrderDirection::Asc, |s| Some(fold(&s.title)));
        page(ctx, strategies, PageArgs { first, after, last, before })
    }

    /// Capability areas, in name order.
    async fn capability_areas(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<CapabilityArea>> {
        let mut areas = all::<model::CapabilityArea>(ctx)?;
        order(&mut areas, OrderDirection::Asc, |a| Some(fold(&a.name)));
        page(ctx, areas, PageArgs { first, after, last, before })
    }

    /// Contracts and funding, filtered and ordered (by signing date unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContractFilter>,
        order_by: Option<ContractOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ProcurementContract>> {
        let f = filter.unwrap_or_default();
        let org = |argument: &'static str, text: Option<String>| async move {
            match text {
                Some(t) => Ok::<_, async_graphql::Error>(Some(require::<model::Organisation>(ctx, argument, &t).await?.code.clone())),
                None => Ok(None),
            }
        };
        let buyer = org("filter.buyer", f.buyer.clone()).await?;
        let supplier = org("filter.supplier", f.supplier.clone()).await?;
        let beneficiary = match &f.beneficiary {
            Some(n) => Some(require::<model::Nation>(ctx, "filter.beneficiary", n).await?.code.clone()),
            None => None,
        };
        let project = match &f.project {
            Some(p) => Some(require::<model::Project>(ctx, "filter.project", p).await?.code.clone()),
            None => None,
        };
        let min = amount("filter.minAmount", &f.min_amount)?;
        let max = amount("filter.maxAmount", &f.max_amount)?;
        let from = parse_date("filter.signedFrom", &f.signed_from)?;
        let to = parse_date("filter.signedTo", &f.signed_to)?;
        let kind = f.kind.map(model::ContractKind::from);
        let currency = f.currency.as_deref().map(str::to_ascii_uppercase);
        let value = |c: &model::ProcurementContract| c.value.as_ref().map(model::Money::scaled);
        let mut contracts: Vec<_> = all::<model::ProcurementContract>(ctx)?
            .into_iter()
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
        let order_by = order_by.unwrap_or(ContractOrder { field: ContractOrderField::Signed, direction: OrderDirection::Asc });
        match order_by.field {
            ContractOrderField::Title => order(&mut contracts, order_by.direction, |c| Some(fold(&c.title))),
            ContractOrderField::Code => order(&mut contracts, order_by.direction, |c| Some(c.code.clone())),
            ContractOrderField::Signed => order(&mut contracts, order_by.direction, |c| c.signed.map(|s| s.start())),
            ContractOrderField::Amount => {
                order(&mut contracts, order_by.direction, |c| c.value.as_ref().map(|v| (v.currency.clone(), v.scaled())))
            }
        }
        page(ctx, contracts, PageArgs { first, after, last, before })
    }
}
