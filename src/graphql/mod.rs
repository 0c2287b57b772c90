//! The GraphQL schema: types wrapping stored records, the root query, connections and loaders.

pub mod cache;
pub mod connection;
pub mod documents;
pub mod enums;
pub mod errors;
pub mod execute;
pub mod ids;
pub mod loaders;
pub mod ordered;
pub mod query;
pub mod search;
pub mod stats;
pub mod types;
pub mod validation;

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, SDLExportOptions, Schema, SchemaBuilder};

pub use connection::PageLimits;
pub use query::QueryRoot;

use crate::store::Store;

pub type CapgraphSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Limits that protect the server from expensive queries ([`validation`] enforces them).
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// Deepest nesting of fields.
    pub depth: usize,
    /// Highest complexity, lists costed by their page size.
    pub complexity: usize,
    /// Most aliases in one document.
    pub aliases: usize,
    /// Most fields at the root of the operation.
    pub root_fields: usize,
    /// Most directives on one field (or fragment).
    pub directives: usize,
    /// Longest query text, in characters.
    pub query_chars: usize,
    /// Most tokens in the query text.
    pub tokens: usize,
    /// Size assumed, for complexity, of a list that has no page size.
    pub list_size: usize,
    pub page: PageLimits,
    /// Whether `__schema` and `__type` may be queried.
    pub introspection: bool,
    /// Whether errors may suggest names ("did you mean …").
    pub suggestions: bool,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            depth: 16,
            complexity: 20_000,
            aliases: 30,
            root_fields: 20,
            directives: 5,
            query_chars: 32_768,
            tokens: 5_000,
            list_size: 10,
            page: PageLimits::default(),
            introspection: true,
            suggestions: true,
        }
    }
}

fn builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription).register_output_type::<types::Node>()
}

/// The schema serving `store`. Run requests through [`execute::Engine::run`]: it checks the
/// limits, keeps parsed documents, gives each request its own loader (no two requests share a
/// cache or a batch) and codes the errors; the schema alone does none of that.
pub fn schema(store: Arc<Store>, limits: QueryLimits) -> CapgraphSchema {
    let mut builder = builder()
        .data(store)
        .data(limits.page)
        // No extensions: async-graphql runs every field of every request through each registered
        // extension's (boxed) resolve hook. The limits and the document cache run before
        // execution instead (`execute::Engine`, `documents`), the error codes after it.
        // async-graphql's own fragment-recursion guard, kept above what the depth limit allows.
        .limit_recursive_depth(validation::nesting_limit(limits.depth));
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The SDL, with fields, arguments and enum items sorted so that the committed file diffs well.
pub fn sdl() -> String {
    let options = SDLExportOptions::new().sorted_fields().sorted_arguments().sorted_enum_items();
    builder().finish().sdl_with_options(options)
}
