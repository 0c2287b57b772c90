//! `Organisation`: a NATO agency or body, an international organisation, a company or a framework.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use super::{
    citations, participant,
    project::{projects_of, ParticipationConnection},
    values::{date, Citation, PartialDate},
    Nation, Participant, ProcurementContract,
};
use crate::{
    graphql::{
        connection::{self, Conn, PageArgs},
        enums::{OrganisationKind, Role},
        loaders,
    },
    model,
    store::Index,
};

/// A NATO agency or body, an international organisation, a company or a national framework.
pub struct Organisation(pub Arc<model::Organisation>);

/// A partnership agreement between an organisation and a nation or another organisation.
pub struct Partnership(model::Partnership);

#[Object]
impl Partnership {
    /// The partner.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Participant>> {
        participant(ctx, &self.0.partner).await
    }
    /// When the agreement was signed, as precise as the source.
    async fn signed(&self) -> Option<PartialDate> {
        date(&self.0.signed)
    }
    /// What the agreement is about.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents that state it.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}

#[Object]
impl Organisation {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key (`NSPA`, `AIRBUS-DS`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Acronym, where it has one.
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    /// What kind of body it is.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }
    /// The organisation that governs it (NSPO governs NSPA).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(parent) = &self.0.parent else { return Ok(None) };
        Ok(loaders::one::<model::Organisation>(ctx, parent).await?.map(Organisation))
    }
    /// Organisations it governs.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Organisation>> {
        let links = loaders::links(ctx, Index::OrganisationsByParent, &self.0.code).await?;
        let codes: Vec<String> = links.iter().map(|l| l.to.clone()).collect();
        Ok(loaders::many::<model::Organisation>(ctx, &codes).await?.into_iter().map(Organisation).collect())
    }
    /// The nation leading it, for national frameworks.
    async fn lead_nation(&self, ctx: &Context<'_>) -> Result<Option<Nation>> {
        let Some(lead) = &self.0.lead_nation else { return Ok(None) };
        Ok(loaders::one::<model::Nation>(ctx, lead).await?.map(Nation))
    }
    /// Partnership agreements it has signed.
    async fn partnerships(&self) -> Vec<Partnership> {
        self.0.partnerships.iter().cloned().map(Partnership).collect()
    }
    /// Projects it takes part in or supports, with its role on each edge.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only projects where the organisation has this role.")] role: Option<Role>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ParticipationConnection> {
        projects_of(ctx, &self.0.code, role, PageArgs { first, after, last, before }).await
    }
    /// Contracts it placed as buyer.
    async fn contracts_as_buyer(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ProcurementContract>> {
        connection::linked::<model::ProcurementContract, _>(
            ctx,
            Index::ContractsByBuyer,
            &self.0.code,
            &PageArgs { first, after, last, before },
        )
        .await
    }
    /// Contracts it won as supplier.
    async fn contracts_as_supplier(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ProcurementContract>> {
        connection::linked::<model::ProcurementContract, _>(
            ctx,
            Index::ContractsBySupplier,
            &self.0.code,
            &PageArgs { first, after, last, before },
        )
        .await
    }
    /// Remarks.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents and quotes that support this record.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}
