//! `CapabilityArea`: one of the capability areas the HVPs are grouped in.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use super::{citations, values::Citation, Project};
use crate::{
    graphql::connection::{self, Conn, PageArgs},
    model,
    store::Index,
};

/// A capability area ("Air and missile defence") grouping projects.
pub struct CapabilityArea(pub Arc<model::CapabilityArea>);

#[Object]
impl CapabilityArea {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key (`air-and-missile-defence`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name as the source writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The source's introduction to the area.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Projects in this area, in code order.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        connection::linked::<model::Project, _>(ctx, Index::ProjectsByArea, &self.0.code, &PageArgs { first, after, last, before }).await
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
