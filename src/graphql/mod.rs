//! The GraphQL schema: types wrapping stored records, the root query, connections and loaders.

pub mod connection;
pub mod enums;
pub mod errors;
pub mod ids;
pub mod loaders;
pub mod query;
pub mod types;

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, SDLExportOptions, Schema, SchemaBuilder};

pub use connection::PageLimits;
pub use query::QueryRoot;

use crate::store::Store;

pub type CapgraphSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Limits that protect the server from expensive queries.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub depth: usize,
    pub complexity: usize,
    pub page: PageLimits,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits { depth: 16, complexity: 20_000, page: PageLimits::default() }
    }
}

fn builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription).register_output_type::<types::Node>()
}

/// The schema serving `store`. Each request must add its own loader
/// ([`loaders::for_request`]) so that no two requests share a cache or a batch.
pub fn schema(store: Arc<Store>, limits: QueryLimits) -> CapgraphSchema {
    builder().data(store).data(limits.page).limit_depth(limits.depth).limit_complexity(limits.complexity).finish()
}

/// The SDL, with fields, arguments and enum items sorted so that the committed file diffs well.
pub fn sdl() -> String {
    let options = SDLExportOptions::new().sorted_fields().sorted_arguments().sorted_enum_items();
    builder().finish().sdl_with_options(options)
}
