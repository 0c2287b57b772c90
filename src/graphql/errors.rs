//! How errors reach clients: every GraphQL error carries `extensions.code`.
//!
//! - `BAD_USER_INPUT`: an argument is wrong (unknown code in a filter, malformed cursor, page too
//!   large). The message says which argument and why.
//! - `INTERNAL`: something failed inside capgraph. It is logged once with its details; the
//!   client sees only that it happened.
//! "Not found" is not an error: single-record fields return `null`.

use async_graphql::{Error, ErrorExtensions};

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const INTERNAL: &str = "INTERNAL";

pub fn bad_input(message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, ext| ext.set("code", BAD_USER_INPUT))
}

/// Logs an internal failure and hides its details from the client.
pub fn internal(err: impl std::fmt::Display) -> Error {
    tracing::error!(error = %err, "store error while resolving a query");
    Error::new("internal error").extend_with(|_, ext| ext.set("code", INTERNAL))
}
