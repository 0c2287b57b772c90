//! Request ids: made for requests that come without one, read back for errors, spans and logs.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use axum::{
    extract::MatchedPath,
    http::{HeaderMap, HeaderValue},
};
use tower_http::request_id::{MakeRequestId, RequestId};

pub const REQUEST_ID: &str = "x-request-id";

/// Request ids for requests that come without one: UUIDs of version 8 (RFC 9562's free-form
/// layout), a random part drawn once per process and a counter, so that ids are unique across
/// replicas and restarts without a call to the OS's random source per request.
#[derive(Clone)]
pub struct MakeRequestIds(Arc<RequestIds>);

struct RequestIds {
    process: u64,
    next: AtomicU64,
}

impl MakeRequestIds {
    pub fn new() -> MakeRequestIds {
        let random = || std::hash::BuildHasher::hash_one(&std::hash::RandomState::new(), std::time::SystemTime::now());
        MakeRequestIds(Arc::new(RequestIds { process: random(), next: AtomicU64::new(random()) }))
    }
}

impl Default for MakeRequestIds {
    fn default() -> Self {
        MakeRequestIds::new()
    }
}

impl MakeRequestId for MakeRequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let ids = &self.0;
        let count = ids.next.fetch_add(1, Ordering::Relaxed);
        // Version 8 in bits 48..52, variant `10` in the top bits of the second half.
        let high = (ids.process & !0xF000) | 0x8000;
        let low = (count & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let text = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xFFFF,
            high & 0xFFFF,
            low >> 48,
            low & 0xFFFF_FFFF_FFFF
        );
        HeaderValue::from_str(&text).ok().map(RequestId::new)
    }
}

/// The request id the request-id layer set (or the client sent).
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The tracing span of one request: method, matched route and request id (never the query string,
/// which may be long or private).
pub fn span_for<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| request.uri().path().to_owned(), |p| p.as_str().to_owned());
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route = %route, request_id = %id)
}
