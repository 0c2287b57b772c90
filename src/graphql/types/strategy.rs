//! `Strategy` and `StrategyObjective`: the policies and plans projects serve.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use super::{
    citations,
    values::{date, Citation, LineOfEffort, PartialDate},
    Project,
};
use crate::{
    graphql::{
        connection::{self, Conn, PageArgs},
        enums::StrategyKind,
        loaders,
    },
    model,
    store::Index,
};

/// A NATO policy, strategy, action plan or roadmap.
pub struct Strategy(pub Arc<model::Strategy>);

/// One of a strategy's numbered objectives.
pub struct StrategyObjective(pub Arc<model::StrategyObjective>);

#[Object]
impl Strategy {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key (`commercial-space-strategy`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Title as the sources write it.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Policy, strategy, action plan or roadmap.
    async fn kind(&self) -> StrategyKind {
        self.0.kind.into()
    }
    /// When Allies endorsed it, as precise as the source.
    async fn endorsed(&self) -> Option<PartialDate> {
        date(&self.0.endorsed)
    }
    /// When it was published or released, as precise as the source.
    async fn published(&self) -> Option<PartialDate> {
        date(&self.0.published)
    }
    /// What it is about.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Its stated aim, where the source gives one.
    async fn aim(&self) -> Option<&str> {
        self.0.aim.as_deref()
    }
    /// Its objectives, in number order.
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<StrategyObjective>> {
        let links = loaders::links(ctx, Index::ObjectivesByStrategy, &self.0.code).await?;
        let codes: Vec<String> = links.iter().map(|l| l.to.clone()).collect();
        let mut objectives = loaders::many::<model::StrategyObjective>(ctx, &codes).await?;
        objectives.sort_by_key(|o| o.number);
        Ok(objectives.into_iter().map(StrategyObjective).collect())
    }
    /// Projects that implement it, directly or through one of its objectives.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        connection::linked::<model::Project, _>(ctx, Index::ProjectsByStrategy, &self.0.code, &PageArgs { first, after, last, before })
            .await
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

#[Object]
impl StrategyObjective {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key: strategy code and number (`commercial-space-strategy/1`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Its number within the strategy.
    async fn number(&self) -> i32 {
        self.0.number as i32
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the strategy says the objective is.
    async fn statement(&self) -> &str {
        &self.0.statement
    }
    /// The lines of effort under it, in the document's order.
    async fn lines_of_effort(&self) -> Vec<LineOfEffort> {
        self.0.lines_of_effort.iter().cloned().map(LineOfEffort).collect()
    }
    /// The strategy it belongs to.
    async fn strategy(&self, ctx: &Context<'_>) -> Result<Option<Strategy>> {
        Ok(loaders::one::<model::Strategy>(ctx, &self.0.strategy).await?.map(Strategy))
    }
    /// Projects that serve it.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        connection::linked::<model::Project, _>(ctx, Index::ProjectsByObjective, &self.0.code, &PageArgs { first, after, last, before })
            .await
    }
    /// Where the sources disagree (e.g. two wordings of the title), or other remarks.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The documents and quotes that support this record.
    async fn sources(&self) -> Vec<Citation> {
        citations(&self.0.sources)
    }
}
