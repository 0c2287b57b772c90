//! What a `/graphql` response carried, attached to it as a response extension by the handler and
//! read by the middleware that writes the metrics and the log line ([`super::metrics`]). A refusal
//! carries [`crate::errors::http::Refused`] instead.

/// The operations and errors of one `/graphql` answer.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The operation name each operation asked for (`None`: anonymous or the only one).
    pub operations: Vec<Option<String>>,
    /// `extensions.code` of every error in the answers.
    pub error_codes: Vec<String>,
    /// Every answer came from the response cache (or, for a 304, the client's).
    pub cached: bool,
}
