//! `Source`: a document the data comes from.

use std::sync::Arc;

use async_graphql::{connection::EmptyFields, Context, Object, Result, ID};

use super::{node, values::PartialDate, Node};
use crate::{
    graphql::{
        connection::{self, Conn, PageArgs},
        ids, loaders,
    },
    model,
    store::Index,
};

/// A public document the data comes from.
pub struct Source(pub Arc<model::Source>);

#[Object]
impl Source {
    /// Global, opaque id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key (`nato-mcc`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The document's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who published it.
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }
    /// When it was published, as precise as the document says.
    async fn published(&self) -> Option<PartialDate> {
        self.0.published.map(PartialDate)
    }
    /// The publication date in the document's own words, where a date cannot say it.
    async fn published_text(&self) -> Option<&str> {
        self.0.published_text.as_deref()
    }
    /// Where it can be read, where known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Remarks.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The records that cite this document, in type and code order.
    async fn cited_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Node>> {
        let links = loaders::links(ctx, Index::CitationsBySource, &self.0.code).await?;
        let args = PageArgs { first, after, last, before };
        let w = connection::window(ctx, &args, links.len(), |i| links[i].to.as_str())?;
        let page = &links[w.start..w.end];
        // Index entries are `Type:code`, so each is looked up as the global id it spells.
        let found = futures_util::future::try_join_all(page.iter().map(|link| {
            let (type_name, code) = link.to.split_once(':').unwrap_or_default();
            node(ctx, ids::encode(type_name, code).to_string())
        }))
        .await?;
        let items = page.iter().zip(found).filter_map(|(link, node)| Some((link.to.clone(), node?, EmptyFields)));
        connection::page_of(w, links.len(), items)
    }
}
