//! Every error a client can see, in one place: the `extensions.code` values ([`code`]), the
//! resolvers' typed error ([`FieldError`]), the one constructor of request-level GraphQL errors
//! ([`request_error`]) and the HTTP refusals ([`http`]).
//!
//! - `BAD_USER_INPUT`: an argument is wrong (unknown code in a filter, malformed cursor, page too
//!   large). The message says which argument and why.
//! - `INTERNAL`: something failed inside capgraph. It is logged once with its details; the
//!   client sees only that it happened (and the request id, which the log line carries too).
//!
//! "Not found" is not an error: single-record fields return `null`.
//!
//! Requests that break a limit or the protocol get one error (no `data`) with one of the codes
//! below; the README's "Limits and security" section lists which limit gives which.

pub mod http;

use async_graphql::{ErrorExtensionValues, Pos, ServerError, Value};

/// The `extensions.code` values.
pub mod code {
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const INTERNAL: &str = "INTERNAL";

    // The query text and document (`src/engine/`).
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
    /// A 406: HTTP only, GraphQL has no such error.
    pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub const CSRF_BLOCKED: &str = "CSRF_BLOCKED";
    pub const TIMEOUT: &str = "TIMEOUT";
    /// The store is still being built: HTTP 503 with `Retry-After`.
    pub const STARTING: &str = "STARTING";

    // Automatic Persisted Queries, with the codes Apollo's clients look for.
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";
    pub const PROVIDED_SHA_DOES_NOT_MATCH: &str = "PROVIDED_SHA_DOES_NOT_MATCH";

    /// The prefix every persisted-query code shares.
    pub const PERSISTED_QUERY_PREFIX: &str = "PERSISTED_QUERY_";
}

/// A field's error: what a resolver (or the executor) reports for one field. Its message is the
/// `Display`; its `extensions.code` is [`FieldError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("`{argument}` is not a cursor from this API: {cursor:?}")]
    NotACursor { argument: String, cursor: String },
    #[error("`{argument}` cursor does not point into this list (record {code:?} is not in it)")]
    CursorNotInList { argument: String, code: String },
    #[error("`{argument}` must not be negative, got {value}")]
    NegativeSize { argument: String, value: i64 },
    #[error("`{argument}` may be at most {max}, got {value}")]
    SizeTooLarge { argument: String, max: u64, value: i64 },
    #[error("pass `first` or `last`, not both")]
    FirstAndLast,
    #[error("`first` must be between 0 and {max}, got {value}")]
    FirstOutOfRange { max: i64, value: i64 },
    #[error("{argument}: {reason}")]
    NotADate { argument: String, reason: String },
    #[error("{argument}: {text:?} is not an exact decimal amount")]
    NotAnAmount { argument: String, text: String },
    #[error("{argument}: no {type_name} has the code or name {text:?}")]
    UnknownRecord { argument: String, type_name: &'static str, text: String },
    #[error("{argument}: {type_name} has no field {name:?}")]
    NotAField { argument: String, type_name: &'static str, name: String },
    #[error("{argument}: no contract is valued in {text:?}; the currencies are {known}")]
    UnknownCurrency { argument: String, text: String, known: String },
    #[error("{argument}: no nation or organisation has the code or name {text:?}")]
    UnknownParticipant { argument: String, text: String },
    #[error("representations[{index}]: an entity representation is an object with a `__typename` string")]
    NotARepresentation { index: usize },
    #[error("representations[{index}]: {type_name:?} is not an entity type of this subgraph (every record type is)")]
    NotAnEntity { index: usize, type_name: String },
    #[error("representations[{index}]: a {type_name} representation needs its key, `code` or `id`, as a string")]
    NoEntityKey { index: usize, type_name: &'static str },
    /// Details are logged where it happens ([`FieldError::internal`]), never sent.
    #[error("internal error")]
    Internal,
}

impl FieldError {
    /// Logs an internal failure and hides its details from the client.
    pub fn internal(err: impl std::fmt::Display) -> FieldError {
        tracing::error!(error = %err, "internal error while resolving a query");
        FieldError::Internal
    }

    pub fn code(&self) -> &'static str {
        match self {
            FieldError::Internal => code::INTERNAL,
            _ => code::BAD_USER_INPUT,
        }
    }

    /// This error as async-graphql's, with its code.
    pub fn to_graphql(&self) -> async_graphql::Error {
        use async_graphql::ErrorExtensions;
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| ext.set("code", self.code()))
    }
}

impl From<crate::store::StoreError> for FieldError {
    fn from(err: crate::store::StoreError) -> Self {
        FieldError::internal(err)
    }
}

/// A GraphQL error with `extensions.code`: the one constructor of request-level errors.
pub fn request_error(code: &str, message: impl Into<String>, pos: Option<Pos>) -> ServerError {
    let mut error = ServerError::new(message, pos);
    set_code(&mut error, code);
    error
}

/// Gives an error its `extensions.code`.
pub fn set_code(error: &mut ServerError, code: &str) {
    error.extensions.get_or_insert_with(ErrorExtensionValues::default).set("code", code);
}

/// An error's `extensions.code`, if it has one.
pub fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code),
        _ => None,
    }
}

/// The body of a request refused before any operation ran: one error, no `data`.
pub fn refusal_body(code: &str, message: impl Into<String>) -> String {
    serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] }).to_string()
}
