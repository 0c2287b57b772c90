//! `search(text, first)`: ranked hits over every type, from the store's search index.

use async_graphql::{Context, Object, Result, SimpleObject, Union};

use super::{
    connection::PageLimits,
    errors::{bad_input, internal},
    loaders,
    types::{self, CapabilityArea, Nation, Node, Organisation, ProcurementContract, Project, Source, Strategy, StrategyObjective},
};

/// Anything search can find.
#[derive(Union)]
pub enum SearchResult {
    Project(Project),
    Nation(Nation),
    Organisation(Organisation),
    CapabilityArea(CapabilityArea),
    Strategy(Strategy),
    StrategyObjective(StrategyObjective),
    ProcurementContract(ProcurementContract),
    Source(Source),
}

impl From<Node> for SearchResult {
    fn from(node: Node) -> Self {
        match node {
            Node::Project(x) => SearchResult::Project(x),
            Node::Nation(x) => SearchResult::Nation(x),
            Node::Organisation(x) => SearchResult::Organisation(x),
            Node::CapabilityArea(x) => SearchResult::CapabilityArea(x),
            Node::Strategy(x) => SearchResult::Strategy(x),
            Node::StrategyObjective(x) => SearchResult::StrategyObjective(x),
            Node::ProcurementContract(x) => SearchResult::ProcurementContract(x),
            Node::Source(x) => SearchResult::Source(x),
        }
    }
}

/// One search result with its relevance.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance: higher is better. Matches in codes, acronyms and names outweigh matches in text.
    pub score: f64,
    /// The field whose match counted most (`acronym`, `name`, `purpose`…).
    pub matched_field: String,
    /// The record found.
    pub node: SearchResult,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Records of every type matching all words of `text`, best first. Case, diacritics and
    /// small misspellings are forgiven (`turkiye`, `Lithuana`); words may be prefixes.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Words to look for.")] text: String,
        #[graphql(desc = "How many hits at most (default 10).", default = 10)] first: i32,
    ) -> Result<Vec<SearchHit>> {
        let max = ctx.data_opt::<PageLimits>().copied().unwrap_or_default().max;
        if first < 0 || first as usize > max {
            return Err(bad_input(format!("`first` must be between 0 and {max}, got {first}")));
        }
        let hits = loaders::store(ctx).search(&text, first as usize).map_err(internal)?;
        let nodes =
            futures_util::future::try_join_all(hits.iter().map(|h| types::node(ctx, super::ids::encode(&h.type_name, &h.code).0))).await?;
        Ok(hits
            .into_iter()
            .zip(nodes)
            .filter_map(|(hit, node)| Some(SearchHit { score: hit.score, matched_field: hit.field.name().to_owned(), node: node?.into() }))
            .collect())
    }
}
