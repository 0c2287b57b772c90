//! `Nation`: a NATO Ally or partner country.

use std::{collections::BTreeMap, sync::Arc};

use async_graphql::{Context, Object, Result, ID};

use super::{
    citations,
    project::{projects_of, ParticipationConnection},
    values::Citation,
    ProcurementContract, Project,
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

/// Another nation and the projects it shares with a nation.
pub struct Collaborator {
    nation: Nation,
    projects: Vec<Arc<model::Project>>,
}

#[Object]
impl Collaborator {
    /// The other nation.
    async fn nation(&self) -> &Nation {
        &self.nation
    }
    /// How many projects the two share.
    async fn shared_project_count(&self) -> usize {
        self.projects.len()
    }
    /// The projects they share, in code order.
    async fn projects(&self) -> Vec<Project> {
        self.projects.iter().cloned().map(Project).collect()
    }
}

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
        loaders::link_count(ctx, Index::ProjectsByParticipant, &self.0.code).await
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
    /// The other nations ranked by the number of projects they share with this one (ties by code).
    async fn collaborators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many collaborators (default: the default page size).")] first: Option<i32>,
    ) -> Result<Vec<Collaborator>> {
        let args = PageArgs { first, ..PageArgs::default() };
        let links = loaders::links(ctx, Index::ProjectsByParticipant, &self.0.code).await?;
        let codes: Vec<String> = links.iter().map(|l| l.to.clone()).collect();
        let projects = loaders::many::<model::Project>(ctx, &codes).await?;
        let mut shared: BTreeMap<&str, Vec<Arc<model::Project>>> = BTreeMap::new();
        for project in &projects {
            for p in project.participants.iter().filter(|p| p.participant != self.0.code) {
                shared.entry(&p.participant).or_default().push(project.clone());
            }
        }
        // Participants include organisations: keep those that are nations.
        let candidates: Vec<String> = shared.keys().map(|c| c.to_string()).collect();
        let nations = loaders::many::<model::Nation>(ctx, &candidates).await?;
        let mut ranked: Vec<Collaborator> = nations
            .into_iter()
            .map(|n| Collaborator { projects: shared.remove(n.code.as_str()).unwrap_or_default(), nation: Nation(n) })
            .collect();
        ranked.sort_by(|a, b| b.projects.len().cmp(&a.projects.len()).then_with(|| a.nation.0.code.cmp(&b.nation.0.code)));
        let w = connection::window(ctx, &args, ranked.len(), |i| ranked[i].nation.0.code.as_str())?;
        ranked.truncate(w.end);
        Ok(ranked)
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
