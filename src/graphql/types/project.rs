//! `Project`: a High Visibility Project, programme or initiative.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    connection::{ConnectionNameType, EdgeNameType},
    Context, Object, OutputType, Result, SimpleObject, ID,
};

use super::{
    citations, participant,
    values::{date, Citation, Milestone, PartialDate},
    CapabilityArea, Participant, ProcurementContract, Strategy, StrategyObjective,
};
use crate::{
    graphql::{
        connection::{self, Conn, LinkSlice, PageArgs},
        enums::{ProjectKind, ProjectStatus, Role},
        loaders,
    },
    model,
    store::{Index, Link},
};

/// A multinational capability project: a High Visibility Project, a programme or an initiative.
pub struct Project(pub Arc<model::Project>);

/// A nation or organisation taking part in a project, with its role.
pub struct Participation(pub model::Participation);

#[Object]
impl Participation {
    /// The nation or organisation.
    async fn participant(&self, ctx: &Context<'_>) -> Result<Option<Participant>> {
        participant(ctx, &self.0.participant).await
    }
    /// Its role in the project.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// Remarks on this participation (e.g. "NATO partner").
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents that state it.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}

/// Another project this one relates to.
pub struct RelatedProject(model::RelatedProject);

#[Object]
impl RelatedProject {
    /// The related project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        Ok(loaders::one::<model::Project>(ctx, &self.0.project).await?.map(Project))
    }
    /// How the two relate, in words.
    async fn relation(&self) -> &str {
        &self.0.relation
    }
    /// The documents that state it.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}

#[Object]
impl Project {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable, human-readable key: a slug of the acronym or name (`c-socc`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Full name as the source writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Acronym, where the source gives one (`C-SOCC`).
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }
    /// High Visibility Project, programme or initiative.
    async fn kind(&self) -> ProjectKind {
        self.0.kind.into()
    }
    /// The capability area it belongs to.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<CapabilityArea>> {
        let Some(area) = &self.0.area else { return Ok(None) };
        Ok(loaders::one::<model::CapabilityArea>(ctx, area).await?.map(CapabilityArea))
    }
    /// What it is for, in the source's words.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    /// How far it has come.
    async fn status(&self) -> ProjectStatus {
        self.0.status.into()
    }
    /// The source's sentences on its status.
    async fn status_note(&self) -> Option<&str> {
        self.0.status_note.as_deref()
    }
    /// When it was launched, as precise as the source.
    async fn launched(&self) -> Option<PartialDate> {
        date(&self.0.launched)
    }
    /// Dated events, in date order.
    async fn milestones(&self) -> Vec<Milestone> {
        self.0.milestones.iter().cloned().map(Milestone).collect()
    }
    /// Nations and organisations taking part, in the source's order.
    async fn participants(&self, #[graphql(desc = "Only participants with this role.")] role: Option<Role>) -> Vec<Participation> {
        let role = role.map(model::Role::from);
        self.0.participants.iter().filter(|p| role.is_none_or(|r| p.role == r)).cloned().map(Participation).collect()
    }
    /// Number of nations and organisations taking part.
    async fn participant_count(&self) -> usize {
        self.0.participants.len()
    }
    /// Strategy objectives it serves.
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<StrategyObjective>> {
        let codes: Vec<String> = self.0.objectives.iter().map(|l| l.objective.clone()).collect();
        Ok(loaders::many::<model::StrategyObjective>(ctx, &codes).await?.into_iter().map(StrategyObjective).collect())
    }
    /// Strategies, policies and plans it implements, directly or through an objective.
    async fn strategies(&self, ctx: &Context<'_>) -> Result<Vec<Strategy>> {
        let objectives =
            loaders::many::<model::StrategyObjective>(ctx, &self.0.objectives.iter().map(|l| l.objective.clone()).collect::<Vec<_>>())
                .await?;
        let mut codes: Vec<String> =
            self.0.strategies.iter().map(|l| l.strategy.clone()).chain(objectives.iter().map(|o| o.strategy.clone())).collect();
        codes.sort();
        codes.dedup();
        Ok(loaders::many::<model::Strategy>(ctx, &codes).await?.into_iter().map(Strategy).collect())
    }
    /// Contracts and funding that deliver it.
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
            Index::ContractsByProject,
            &self.0.code,
            &PageArgs { first, after, last, before },
        )
        .await
    }
    /// Projects this one relates to, as the sources say.
    async fn related_projects(&self) -> Vec<RelatedProject> {
        self.0.related.iter().cloned().map(RelatedProject).collect()
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

/// The role and note on an edge from a nation or organisation to a project.
#[derive(SimpleObject)]
pub struct ParticipationFields {
    /// The nation's or organisation's role in the project.
    pub role: Role,
    /// Remarks on this participation.
    pub note: Option<String>,
}

/// Names the connection `ProjectParticipationConnection` (its edges carry the role).
pub struct ParticipationName;

impl ConnectionNameType for ParticipationName {
    fn type_name<T: OutputType>() -> String {
        format!("{}ParticipationConnection", T::type_name())
    }
}

impl EdgeNameType for ParticipationName {
    fn type_name<T: OutputType>() -> String {
        format!("{}ParticipationEdge", T::type_name())
    }
}

pub type ParticipationConnection = Conn<Project, ParticipationFields, ParticipationName, ParticipationName>;

/// The projects a nation or organisation takes part in, with its role on each edge.
pub async fn projects_of(ctx: &Context<'_>, participant: &str, role: Option<Role>, args: PageArgs) -> Result<ParticipationConnection> {
    let slice = match role.map(model::Role::from) {
        // The role is in each link's value, not its key: read the list, keep the role's links.
        Some(role) => {
            let links = loaders::links(ctx, Index::ProjectsByParticipant, participant).await?;
            let links: Vec<Link> = links.iter().filter(|l| l.meta.role == Some(role)).cloned().collect();
            let w = connection::window(ctx, &args, links.len(), |i| links[i].to.as_str())?;
            LinkSlice {
                has_previous: w.has_previous,
                has_next: w.has_next,
                total_count: links.len(),
                links: links[w.start..w.end].to_vec(),
            }
        }
        None => LinkSlice::read(ctx, Index::ProjectsByParticipant, participant, &args).await?,
    };
    let projects = loaders::many::<model::Project>(ctx, &slice.codes()).await?;
    let by_code: HashMap<&str, &Link> = slice.links.iter().map(|l| (l.to.as_str(), l)).collect();
    let items: Vec<_> = projects
        .into_iter()
        .map(|project| {
            let meta = by_code.get(project.code.as_str()).map(|l| &l.meta);
            let fields = ParticipationFields {
                role: meta.and_then(|m| m.role).unwrap_or(model::Role::Participant).into(),
                note: meta.and_then(|m| m.note.clone()),
            };
            (project.code.clone(), Project(project), fields)
        })
        .collect();
    connection::page_of(slice.window(), slice.total_count, items)
}
