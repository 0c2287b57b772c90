//! HTTP protections around `/graphql`: body size, time limit, CSRF, CORS, panics.
//!
//! Every refusal is a [`Rejection`], answered with a GraphQL error body by [`error_response`].

use std::{any::Any, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use futures_util::StreamExt;
use tower_http::cors::{AllowOrigin, Any as AnyOrigin, CorsLayer};

use super::request_id::REQUEST_ID;
use crate::errors::{
    code,
    http::{error_response, Rejection},
};

/// Headers a browser cannot send cross-site without a CORS preflight: their presence proves the
/// request is not a forged "simple" request (Apollo Server's CSRF prevention uses the same two).
const PREFLIGHT_HEADERS: [&str; 2] = ["x-apollo-operation-name", "apollo-require-preflight"];

/// Content types an HTML form (or a no-cors `fetch`) can send without a preflight.
const SIMPLE_CONTENT_TYPES: [&str; 3] = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

/// `type/subtype` of the request's content type, lower-cased; `None` when absent.
pub fn content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    Some(text.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

/// CSRF prevention in the manner of Apollo Server, adapted to a read-only API:
///
/// - a POST must prove it is not a forged simple request: a content type other than `text/plain`,
///   `application/x-www-form-urlencoded` or `multipart/form-data` (GraphiQL and every GraphQL
///   client send `application/json`), or a non-empty `x-apollo-operation-name` or
///   `apollo-require-preflight` header;
/// - a GET needs no such proof: capgraph has no mutations, no cookies and no authentication, so a
///   forged GET can only run a public query whose answer the forging page cannot read (no CORS
///   grant), at a cost the query limits bound, which the attacker could run directly anyway.
pub fn check_csrf(method: &Method, headers: &HeaderMap) -> Result<(), Rejection> {
    if method == Method::GET || method == Method::HEAD {
        return Ok(());
    }
    if PREFLIGHT_HEADERS.iter().any(|name| headers.get(*name).is_some_and(|v| !v.is_empty())) {
        return Ok(());
    }
    match content_type(headers) {
        Some(ty) if !SIMPLE_CONTENT_TYPES.contains(&ty.as_str()) => Ok(()),
        _ => Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            code::CSRF_BLOCKED,
            "This request has been blocked as a potential cross-site request forgery: send it with \
             `content-type: application/json`, or with a non-empty `apollo-require-preflight` or \
             `x-apollo-operation-name` header.",
        )),
    }
}

/// A POST body must be JSON (`application/json` or any `+json` type); no content type (allowed by
/// a preflight header) is read as JSON too.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), Rejection> {
    match content_type(headers) {
        None => Ok(()),
        Some(ty) if ty == "application/json" || ty.ends_with("+json") => Ok(()),
        Some(ty) => Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::UNSUPPORTED_MEDIA_TYPE,
            format!("a POST body must be application/json, not {ty}"),
        )),
    }
}

fn too_large(limit: usize) -> Rejection {
    Rejection::new(StatusCode::PAYLOAD_TOO_LARGE, code::PAYLOAD_TOO_LARGE, format!("the request body is larger than {limit} bytes"))
}

/// Reads the body, at most `limit` bytes: a larger declared length is refused before reading
/// anything, a longer stream as soon as it passes the limit (HTTP 413 either way).
pub async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, Rejection> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }
    let mut buffer = Vec::with_capacity(declared.map_or(0, |len| len as usize));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| {
            Rejection::new(StatusCode::BAD_REQUEST, code::BAD_REQUEST, format!("the request body could not be read: {err}"))
        })?;
        if buffer.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buffer))
}

/// Middleware: a request that takes longer than the limit (reading its body included) gets
/// HTTP 503 with a `TIMEOUT` error, and its work is dropped.
pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_ms = limit.as_millis() as u64, "request timed out");
            let message = format!("the request took longer than the server's limit of {} ms", limit.as_millis());
            error_response(StatusCode::SERVICE_UNAVAILABLE, code::TIMEOUT, message)
        }
    }
}

/// A panic while serving a request: logged (inside the request's span, so with its id), answered
/// with HTTP 500 and no details.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail =
        panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("(no message)");
    tracing::error!(panic = detail, "a request panicked");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error")
}

/// CORS for the configured origins; `None` (no CORS headers at all) when there are none.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static(PREFLIGHT_HEADERS[0]),
            HeaderName::from_static(PREFLIGHT_HEADERS[1]),
            HeaderName::from_static(REQUEST_ID),
        ])
        .expose_headers([HeaderName::from_static(REQUEST_ID)])
        .max_age(Duration::from_secs(600));
    Some(if origins.iter().any(|o| o == "*") {
        layer.allow_origin(AnyOrigin)
    } else {
        layer.allow_origin(AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok())))
    })
}

#[cfg(test)]
mod tests {
    use axum::{body::to_bytes, routing::get, Router};
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_a_500_with_a_graphql_error_and_no_details() {
        let app = Router::new()
            .route("/", get(|| async { panic!("secret detail") as &'static str }))
            .layer(CatchPanicLayer::custom(panic_response));
        let response = app.oneshot(axum::http::Request::new(Body::empty())).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body, serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] }));
    }

    #[test]
    fn only_simple_posts_without_a_preflight_header_are_csrf() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            pairs.iter().map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v))).collect::<HeaderMap>()
        };
        assert!(check_csrf(&Method::POST, &headers(&[])).is_err());
        assert!(check_csrf(&Method::POST, &headers(&[("content-type", "text/plain;charset=UTF-8")])).is_err());
        assert!(check_csrf(&Method::POST, &headers(&[("content-type", "application/json")])).is_ok());
        assert!(check_csrf(&Method::POST, &headers(&[("apollo-require-preflight", "")])).is_err(), "empty does not count");
        assert!(check_csrf(&Method::POST, &headers(&[("x-apollo-operation-name", "Q")])).is_ok());
        assert!(check_csrf(&Method::GET, &headers(&[])).is_ok());
    }
}
