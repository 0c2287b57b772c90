//! `Nation`: a NATO Ally or partner country.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use super::{
    citations,
    project::{projects_of, ParticipationConnection},
    values::Citation,
    ProcurementContract,
};
use crate::{
    graphql::{
        connection::{self, Conn, PageArgs},
        enums::{Membership, Role},
        loaders,
    },
    model,
    store::Index,
};

/// A NATO Ally or partner country.
pub struct Nation(pub Arc<model::Nation>);

#[Object]
impl Nation {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// ISO 3166-1 alpha-3 code (`DEU`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// ISO 3166-1 alpha-2 code (`DE`).
    async fn alpha2(&self) -> &str {
        &self.0.alpha2
    }
    /// Name as the sources write it (`Türkiye`).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Other names that find this nation (`Turkey`).
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }
    /// Ally or partner.
    async fn membership(&self) -> Membership {
        self.0.membership.into()
    }
    /// Year it joined NATO (Allies only).
    async fn nato_accession(&self) -> Option<i32> {
        self.0.nato_accession.map(Into::into)
    }
    /// Whether it is a member of the European Union.
    async fn eu_member(&self) -> bool {
        self.0.eu_member
    }
    /// Projects it takes part in, with its role on each edge, in project-code order.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only projects where the nation has this role.")] role: Option<Role>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ParticipationConnection> {
        projects_of(ctx, &self.0.code, role, PageArgs { first, after, last, before }).await
    }
    /// Number of projects it takes part in.
    async fn project_count(&self, ctx: &Context<'_>) -> Result<usize> {
        Ok(loaders::links(ctx, Index::ProjectsByParticipant, &self.0.code).await?.len())
    }
    /// Contracts it benefits from.
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ProcurementContract>> {
        connection::linked::<model::ProcurementContract, _>(
            ctx,
            Index::ContractsByBeneficiary,
            &self.0.code,
            &PageArgs { first, after, last, before },
        )
        .await
    }
    /// Contracts and contributions it funds (Luxembourg's EUR 16.5 million for APSS).
    async fn funded(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ProcurementContract>> {
        connection::linked::<model::ProcurementContract, _>(
            ctx,
            Index::ContractsByFunder,
            &self.0.code,
            &PageArgs { first, after, last, before },
        )
        .await
    }
    /// Remarks, e.g. when a nation is not named in the source texts.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents and quotes that support this record.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}
