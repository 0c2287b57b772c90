//! Requests refused before any operation ran: a 4xx (or 5xx) status and a GraphQL error body
//! with `extensions.code` and no `data`.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use super::{code, refusal_body};

/// The media type refusals are written in until the `/graphql` handler re-types them to the one
/// the client accepts ([`Rejection::respond`]).
const REFUSAL_CONTENT_TYPE: &str = "application/graphql-response+json; charset=utf-8";

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}` with `status`: the one place that shapes
/// the HTTP layer's error bodies. The code also rides on the response as a [`Refused`] extension,
/// for the log and the metrics.
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = refusal_body(code, message);
    let mut response = (status, [(header::CONTENT_TYPE, HeaderValue::from_static(REFUSAL_CONTENT_TYPE))], body).into_response();
    response.extensions_mut().insert(Refused(code.to_owned()));
    response
}

/// The `extensions.code` of a request refused before any operation ran ([`error_response`]).
#[derive(Debug, Clone)]
pub struct Refused(pub String);

/// A request refused before it ran; answered by [`error_response`].
#[derive(Debug)]
pub struct Rejection {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Rejection {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Rejection { status, code, message: message.into() }
    }

    /// A request that is not well-formed GraphQL-over-HTTP.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Rejection::new(StatusCode::BAD_REQUEST, code::BAD_REQUEST, message)
    }

    /// The error response with the `Content-Type` the client negotiated.
    pub fn respond(self, content_type: &'static str) -> Response {
        let mut response = self.into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        error_response(self.status, self.code, self.message)
    }
}
