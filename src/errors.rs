//! How errors reach clients: every GraphQL error carries `extensions.code`.
//!
//! - `BAD_USER_INPUT`: an argument is wrong (unknown code in a filter, malformed cursor, page too
//!   large). The message says which argument and why.
//! - `INTERNAL`: something failed inside capgraph. It is logged once with its details; the
//!   client sees only that it happened.
//!
//! "Not found" is not an error: single-record fields return `null`.
//!
//! Requests that break a limit or the protocol get one error (no `data`) with one of the codes
//! below; the README's "Limits and security" section lists which limit gives which.

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const INTERNAL: &str = "INTERNAL";

// The query text and document (`src/graphql/validation.rs`).
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
pub const OPERATION_RESOLUTION_FAILURE: &str = "OPERATION_RESOLUTION_FAILURE";
pub const QUERY_TOO_LARGE: &str = "QUERY_TOO_LARGE";
pub const TOKEN_LIMIT_EXCEEDED: &str = "TOKEN_LIMIT_EXCEEDED";
pub const DEPTH_LIMIT_EXCEEDED: &str = "DEPTH_LIMIT_EXCEEDED";
pub const COMPLEXITY_LIMIT_EXCEEDED: &str = "COMPLEXITY_LIMIT_EXCEEDED";
pub const ALIAS_LIMIT_EXCEEDED: &str = "ALIAS_LIMIT_EXCEEDED";
pub const ROOT_FIELD_LIMIT_EXCEEDED: &str = "ROOT_FIELD_LIMIT_EXCEEDED";
pub const DIRECTIVE_LIMIT_EXCEEDED: &str = "DIRECTIVE_LIMIT_EXCEEDED";
pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";

// The HTTP request (`src/http/`).
pub const BAD_REQUEST: &str = "BAD_REQUEST";
pub const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
pub const CSRF_BLOCKED: &str = "CSRF_BLOCKED";
pub const TIMEOUT: &str = "TIMEOUT";

/// A field's error: its message and `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub message: String,
    pub code: &'static str,
}

impl FieldError {
    /// A wrong argument: the message says which and why.
    pub fn bad_input(message: impl Into<String>) -> FieldError {
        FieldError { message: message.into(), code: BAD_USER_INPUT }
    }

    /// Logs an internal failure and hides its details from the client.
    pub fn internal(err: impl std::fmt::Display) -> FieldError {
        tracing::error!(error = %err, "internal error while resolving a query");
        FieldError { message: "internal error".into(), code: INTERNAL }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<crate::store::StoreError> for FieldError {
    fn from(err: crate::store::StoreError) -> Self {
        FieldError::internal(err)
    }
}

/// A field error as async-graphql's error, with its code.
pub fn graphql_error(error: &FieldError) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    async_graphql::Error::new(error.message.clone()).extend_with(|_, ext| ext.set("code", error.code))
}
