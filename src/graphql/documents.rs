//! Parsed and checked documents, kept by query text: a client sends the same few documents with
//! different variables, and parsing was a fifth of the work of answering one (pest's matching).
//!
//! What depends on the text alone (size, tokens, nesting, the parse, the `__typename`s the
//! order-keeping writer needs) is done once per distinct text; what depends on the operation name
//! and the variables (the operation's limits, variable values) is checked on every request.
//! Documents do not depend on the data, so a store rebuild (a new process) never stales them.

use std::sync::Arc;

use async_graphql::{
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
    Request, ServerError,
};
use quick_cache::sync::Cache;

use super::{
    ordered,
    validation::{self, SchemaModel},
    QueryLimits,
};

/// One query text, parsed.
struct Parsed {
    /// As the client wrote it: what the limits check.
    checked: ExecutableDocument,
    /// With the writer's `__typename`s: what runs.
    marked: Arc<ExecutableDocument>,
}

/// Prepares every request's document, from the cache when it can.
pub struct Documents {
    limits: QueryLimits,
    model: SchemaModel,
    /// Only documents that parsed and passed the text checks; bounded by count (each is at most
    /// `limits.query_chars` long).
    parsed: Cache<Arc<str>, Arc<Parsed>>,
}

impl Documents {
    /// Checks queries against `limits` for the schema in `sdl`, keeping up to `capacity` texts.
    pub fn new(limits: QueryLimits, sdl: &str, capacity: usize) -> Documents {
        Documents { limits, model: SchemaModel::from_sdl(sdl), parsed: Cache::new(capacity.max(1)) }
    }

    fn parse(&self, query: &str) -> Result<Arc<Parsed>, ServerError> {
        if let Some(parsed) = self.parsed.get(query) {
            return Ok(parsed);
        }
        let checked = validation::parse_checked(&self.limits, query)?;
        let parsed = Arc::new(Parsed { marked: Arc::new(ordered::marked(checked.clone())), checked });
        self.parsed.insert(query.into(), parsed.clone());
        Ok(parsed)
    }

    /// Checks the request against the limits and gives it its parsed document (async-graphql then
    /// only validates and runs it); returns the document for the writer.
    pub fn prepare(&self, request: &mut Request) -> Result<Arc<ExecutableDocument>, ServerError> {
        let parsed = self.parse(&request.query)?;
        validation::check_document(&self.limits, &self.model, &parsed.checked, request.operation_name.as_deref(), &request.variables)?;
        request.set_parsed_query(ExecutableDocument::clone(&parsed.marked));
        Ok(parsed.marked.clone())
    }

    /// The type of the operation `operation_name` selects in `query` (a GET must not run a
    /// mutation); `None` when the text fails the checks or selects no single operation, which
    /// running it then reports. The parse is kept for that run.
    pub fn operation_type(&self, query: &str, operation_name: Option<&str>) -> Option<OperationType> {
        let parsed = self.parse(query).ok()?;
        match (&parsed.checked.operations, operation_name) {
            (DocumentOperations::Single(operation), None) => Some(operation.node.ty),
            (DocumentOperations::Single(_), Some(_)) => None,
            (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|o| o.node.ty),
            (DocumentOperations::Multiple(operations), None) => match operations.values().collect::<Vec<_>>().as_slice() {
                [only] => Some(only.node.ty),
                _ => None,
            },
        }
    }

    /// Distinct texts held.
    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parsed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_found_at_the_top_level_only() {
        use OperationType::*;
        let documents = Documents::new(QueryLimits::default(), &crate::graphql::sdl(), 16);
        let kind = |query: &str, name: Option<&str>| documents.operation_type(query, name);
        assert_eq!(kind("mutation { __typename }", None), Some(Mutation));
        assert_eq!(kind("mutation M($a: In = {x: \"}\"}) @d(a: 1) { a }", None), Some(Mutation));
        assert_eq!(kind("# mutation\n{ mutation }", None), Some(Query));
        assert_eq!(kind("{ a(t: \"mutation\") }", None), Some(Query));
        assert_eq!(kind("query Q { mutation } mutation M { a }", Some("M")), Some(Mutation));
        assert_eq!(kind("query Q { mutation } mutation M { a }", Some("Q")), Some(Query));
        assert_eq!(kind("query Q { mutation } mutation M { a }", None), None);
        assert_eq!(kind("fragment F on Query { a } mutation { ...F }", None), Some(Mutation));
        assert_eq!(kind("mutation M { a(s: \"\"\" } \\\"\"\" mutation \"\"\") }", None), Some(Mutation));
        assert_eq!(kind("query Q { a(s: \"\"\" } mutation M { \"\"\") }", None), Some(Query));
        assert_eq!(kind("{ a } }} mutation", None), None);
        assert_eq!(kind("mutation { a(s: \"unterminated) }", None), None);
        assert_eq!(kind("subscription S { mutation }", None), Some(Subscription));
        assert_eq!(documents.len(), 9, "each text that parsed is kept once, for its run");
    }
}
