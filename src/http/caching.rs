//! HTTP for caches: `ETag`s and `Cache-Control` on `GET /graphql`, `If-None-Match` answered with
//! 304, `Vary`, and the content coding a kept answer is sent in.
//!
//! The `ETag` is a weak tag (the body may be compressed on the way out) hashing the data version
//! (capgraph's version, the store's format and the fixtures' digest, the SDL), the request as the
//! response cache keys it (normalized document, operation name, canonical variables) and the
//! negotiated media type. It is known before the query runs, so a matching `If-None-Match` is
//! answered with 304 without running anything. Only successful answers (no errors) carry it.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use headers::{ETag, HeaderMapExt, IfNoneMatch};
use sha2::{Digest, Sha256};

use super::persisted::hex;

/// `Vary` of every `/graphql` answer: its media type follows `Accept`, its coding `Accept-Encoding`.
const VARY: &str = "accept, accept-encoding";

/// The content coding to send a kept answer in, from `Accept-Encoding` (RFC 9110 §12.5.3): the
/// acceptable one of brotli and gzip with the higher quality (brotli on a tie, as it is smaller),
/// else none. `*` stands for any coding not listed.
pub fn accepted_coding(headers: &HeaderMap) -> crate::engine::cache::Coding {
    use crate::engine::cache::Coding;
    let mut br = None;
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        for item in String::from_utf8_lossy(value.as_bytes()).split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, q)| q.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)).unwrap_or(0.0));
            match coding.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => any = Some(q),
                _ => {}
            }
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// `Cache-Control` of everything that must not be stored: POST answers and errors.
pub const NO_STORE: &str = "no-store";

/// How `/graphql` answers speak to caches; built once by the router.
pub struct Caching {
    /// Hash of what the data and the code that serves it are: equal versions give equal answers.
    data_version: [u8; 32],
    /// `Cache-Control` of successful GET answers; `None` sends none.
    pub cache_control: Option<HeaderValue>,
}

impl Caching {
    /// `digest` and `format` are the store's (fixtures' digest, codec format), `sdl` the schema.
    pub fn new(digest: &str, format: &str, sdl: &str, cache_control: &str) -> Caching {
        let mut hasher = Sha256::new();
        for part in [env!("CARGO_PKG_VERSION"), format, digest, sdl] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let cache_control = (!cache_control.trim().is_empty()).then(|| HeaderValue::from_str(cache_control.trim()).ok()).flatten();
        Caching { data_version: hasher.finalize().into(), cache_control }
    }

    /// The weak `ETag` of a request's answer: data version, request key and media type.
    pub fn etag(&self, request_key: &str, media_type: &str) -> ETag {
        let mut hasher = Sha256::new();
        hasher.update(self.data_version);
        hasher.update(request_key.as_bytes());
        hasher.update([0]);
        hasher.update(media_type.as_bytes());
        let digest = hasher.finalize();
        format!("W/\"{}\"", hex(&digest[..16])).parse().expect("hex is a valid entity tag")
    }
}

/// Whether `If-None-Match` lists `etag` (weak comparison, RFC 9110 §13.1.2). `*` is left to
/// [`none_match_any`]: it matches only once the answer is known to be a success.
pub fn none_match(headers: &HeaderMap, etag: &ETag) -> bool {
    headers.typed_get::<IfNoneMatch>().is_some_and(|tags| tags != IfNoneMatch::any() && !tags.precondition_passes(etag))
}

/// Whether `If-None-Match` is `*` (any current answer).
pub fn none_match_any(headers: &HeaderMap) -> bool {
    headers.typed_get::<IfNoneMatch>().is_some_and(|tags| tags == IfNoneMatch::any())
}

/// 304: the client's copy is current. Carries what the 200 would have (`ETag`, `Cache-Control`).
pub fn not_modified(tag: ETag, caching: &Caching) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    mark_cacheable(response.headers_mut(), tag, caching);
    response
}

/// A successful GET's caching headers.
pub fn mark_cacheable(headers: &mut HeaderMap, tag: ETag, caching: &Caching) {
    headers.typed_insert(tag);
    if let Some(value) = &caching.cache_control {
        headers.insert(header::CACHE_CONTROL, value.clone());
    }
}

/// Headers every `/graphql` answer gets: `Vary`, and `Cache-Control: no-store` unless it is
/// cacheable (a successful GET's, with an `ETag`) or says otherwise (a persisted-query error).
pub fn finish(headers: &mut HeaderMap) {
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    if !headers.contains_key(header::CACHE_CONTROL) && !headers.contains_key(header::ETAG) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn if_none_match_compares_weakly_and_reads_lists() {
        let tag: ETag = "W/\"abc\"".parse().unwrap();
        assert!(none_match(&headers("W/\"abc\""), &tag));
        assert!(none_match(&headers("\"abc\""), &tag));
        assert!(none_match(&headers("\"x\", W/\"abc\""), &tag));
        let mut two = headers("\"x\"");
        two.append(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"abc\""));
        assert!(none_match(&two, &tag), "every If-None-Match line counts");
        assert!(!none_match(&headers("*"), &tag));
        assert!(none_match_any(&headers("*")) && !none_match_any(&headers("\"*\"")));
        assert!(!none_match(&headers("\"abcd\""), &tag));
        assert!(!none_match(&headers("W/\"ab\",\"c\""), &tag));
        assert!(!none_match(&headers("abc"), &tag));
        assert!(!none_match(&HeaderMap::new(), &tag));
    }

    #[test]
    fn etags_depend_on_data_request_and_media_type() {
        let a = Caching::new("d1", "f", "sdl", "public, max-age=60");
        let b = Caching::new("d2", "f", "sdl", "public, max-age=60");
        assert_eq!(a.etag("k", "application/json"), a.etag("k", "application/json"));
        assert_ne!(a.etag("k", "application/json"), b.etag("k", "application/json"));
        assert_ne!(a.etag("k", "application/json"), a.etag("k2", "application/json"));
        assert_ne!(a.etag("k", "application/json"), a.etag("k", "application/graphql-response+json"));
        let mut headers = HeaderMap::new();
        headers.typed_insert(a.etag("k", "application/json"));
        assert!(headers[header::ETAG].to_str().unwrap().starts_with("W/\""), "weak: the body may be compressed on the way out");
        assert_eq!(a.cache_control, Some(HeaderValue::from_static("public, max-age=60")));
        assert_eq!(Caching::new("d", "f", "s", " ").cache_control, None);
    }
}
