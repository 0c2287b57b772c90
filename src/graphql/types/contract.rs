//! `ProcurementContract`: contracts and funding that deliver projects.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use super::{
    citations, participant,
    values::{date, Citation, Money, PartialDate},
    Nation, Organisation, Participant, Project,
};
use crate::{
    graphql::{enums::ContractKind, loaders},
    model,
};

/// A procurement contract, a set of framework contracts, or a funding contribution.
pub struct ProcurementContract(pub Arc<model::ProcurementContract>);

impl ProcurementContract {
    async fn organisation(ctx: &Context<'_>, code: &Option<String>) -> Result<Option<Organisation>> {
        let Some(code) = code else { return Ok(None) };
        Ok(loaders::one::<model::Organisation>(ctx, code).await?.map(Organisation))
    }
}

#[Object]
impl ProcurementContract {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Contract, framework contracts or funding.
    async fn kind(&self) -> ContractKind {
        self.0.kind.into()
    }
    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the sources say about it.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Its value, as the source states it.
    async fn value(&self) -> Option<Money> {
        self.0.value.clone().map(Money)
    }
    /// When it was signed or announced, as precise as the source.
    async fn signed(&self) -> Option<PartialDate> {
        date(&self.0.signed)
    }
    /// How many items it buys, where the source says.
    async fn quantity(&self) -> Option<i32> {
        self.0.quantity.map(|q| q as i32)
    }
    /// What it buys, where the source says.
    async fn item(&self) -> Option<&str> {
        self.0.item.as_deref()
    }
    /// The organisation buying.
    async fn buyer(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Self::organisation(ctx, &self.0.buyer).await
    }
    /// The organisation supplying.
    async fn supplier(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Self::organisation(ctx, &self.0.supplier).await
    }
    /// The nation or organisation providing the money, for funding.
    async fn funder(&self, ctx: &Context<'_>) -> Result<Option<Participant>> {
        let Some(funder) = &self.0.funder else { return Ok(None) };
        participant(ctx, funder).await
    }
    /// The project it delivers.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        let Some(project) = &self.0.project else { return Ok(None) };
        Ok(loaders::one::<model::Project>(ctx, project).await?.map(Project))
    }
    /// Nations that benefit from it.
    async fn beneficiaries(&self, ctx: &Context<'_>) -> Result<Vec<Nation>> {
        Ok(loaders::many::<model::Nation>(ctx, &self.0.beneficiaries).await?.into_iter().map(Nation).collect())
    }
    /// Where the sources disagree, or other remarks.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents and quotes that support this record.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}
