//! HTTP for caches: `ETag`s and `Cache-Control` on `GET /graphql`, `If-None-Match` answered with
//! 304, and Automatic Persisted Queries (Apollo's protocol).
//!
//! - **ETag**: a weak tag (the body may be compressed on the way out) hashing the data version
//!   (capgraph's version, the store's format and the fixtures' digest, the SDL), the request as the
//!   response cache keys it (normalized document, operation name, canonical variables) and the
//!   negotiated media type. It is known before the query runs, so a matching `If-None-Match` is
//!   answered with 304 without running anything. Only successful answers (no errors) carry it.
//! - **Automatic Persisted Queries**: `extensions.persistedQuery = {version: 1, sha256Hash}` in a
//!   POST body or in a GET's `extensions` parameter. A hash alone is looked up
//!   (`PersistedQueryNotFound` when unknown, HTTP 200 as Apollo Server answers, so that Apollo's
//!   clients retry with the query); a hash with the query is checked against the query's SHA-256
//!   and the query registered once it has parsed and validated. The store is bounded by bytes.

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue};
use quick_cache::{sync::Cache, Weighter};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::graphql::Rejection;
use axum::http::StatusCode;

pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";
pub const PROVIDED_SHA_DOES_NOT_MATCH: &str = "PROVIDED_SHA_DOES_NOT_MATCH";

/// What Apollo Server sends with persisted-query errors, so that no cache keeps them.
pub const PERSISTED_QUERY_ERROR_CACHE_CONTROL: &str = "private, no-cache, must-revalidate";

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
    pub persisted: PersistedQueries,
}

impl Caching {
    /// `digest` and `format` are the store's (fixtures' digest, codec format), `sdl` the schema.
    pub fn new(digest: &str, format: &str, sdl: &str, cache_control: &str, persisted_query_bytes: u64) -> Caching {
        let mut hasher = Sha256::new();
        for part in [env!("CARGO_PKG_VERSION"), format, digest, sdl] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let cache_control = (!cache_control.trim().is_empty()).then(|| HeaderValue::from_str(cache_control.trim()).ok()).flatten();
        Caching { data_version: hasher.finalize().into(), cache_control, persisted: PersistedQueries::new(persisted_query_bytes) }
    }

    /// The weak `ETag` of a request's answer: data version, request key and media type.
    pub fn etag(&self, request_key: &str, media_type: &str) -> HeaderValue {
        let mut hasher = Sha256::new();
        hasher.update(self.data_version);
        hasher.update(request_key.as_bytes());
        hasher.update([0]);
        hasher.update(media_type.as_bytes());
        let digest = hasher.finalize();
        HeaderValue::from_str(&format!("W/\"{}\"", hex(&digest[..16]))).expect("hex is a valid header value")
    }
}

/// Whether `If-None-Match` is `*` (any current answer).
pub fn none_match_any(headers: &HeaderMap) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().any(|v| v.as_bytes().split(|b| *b == b',').any(|t| t.trim_ascii() == b"*"))
}

/// Whether `If-None-Match` lists `etag` (weak comparison: `W/` is ignored).
pub fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = opaque(etag.as_bytes());
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        let mut rest = value.as_bytes();
        loop {
            while let [b' ' | b'\t' | b',', tail @ ..] = rest {
                rest = tail;
            }
            if rest.is_empty() {
                return false;
            }
            if rest[0] == b'*' {
                rest = &rest[1..];
                continue;
            }
            // One entity tag: [W/]"opaque".
            let start = if rest.starts_with(b"W/") { 2 } else { 0 };
            if rest.get(start) != Some(&b'"') {
                return false;
            }
            let Some(len) = rest[start + 1..].iter().position(|b| *b == b'"') else { return false };
            if &rest[start + 1..start + 1 + len] == ours {
                return true;
            }
            rest = &rest[start + 2 + len..];
        }
    })
}

/// The quoted part of an entity tag.
fn opaque(tag: &[u8]) -> &[u8] {
    let tag = tag.strip_prefix(b"W/").unwrap_or(tag);
    tag.strip_prefix(b"\"").and_then(|t| t.strip_suffix(b"\"")).unwrap_or(tag)
}

/// `extensions.persistedQuery` of a request: the SHA-256 of the query, in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistedQuery {
    pub sha256: String,
}

impl PersistedQuery {
    /// Reads `extensions.persistedQuery`, if there is one; refuses a malformed one (HTTP 400).
    pub fn from_extensions(extensions: &serde_json::Map<String, Json>, at: &str) -> Result<Option<PersistedQuery>, Rejection> {
        let bad = |message: String| Rejection::new(StatusCode::BAD_REQUEST, crate::errors::BAD_REQUEST, message);
        let Some(persisted) = extensions.get("persistedQuery") else { return Ok(None) };
        let Json::Object(persisted) = persisted else {
            return Err(bad(format!("`extensions.persistedQuery` must be an object{at}")));
        };
        match persisted.get("version") {
            Some(version) if version.as_u64() == Some(1) => {}
            Some(_) => return Err(bad(format!("Unsupported persisted query version{at}: only version 1 is supported"))),
            None => return Err(bad(format!("`extensions.persistedQuery` needs a `version` (1){at}"))),
        }
        match persisted.get("sha256Hash") {
            Some(Json::String(hash)) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Some(PersistedQuery { sha256: hash.to_ascii_lowercase() }))
            }
            _ => Err(bad(format!("`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits{at}"))),
        }
    }

    /// Whether `query` is the text this hash names.
    pub fn matches(&self, query: &str) -> bool {
        sha256_hex(query) == self.sha256
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[(b >> 4) as usize] as char, DIGITS[(b & 15) as usize] as char]).collect()
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Arc<str>, Arc<str>> for ByBytes {
    fn weight(&self, key: &Arc<str>, query: &Arc<str>) -> u64 {
        (key.len() + query.len() + 64) as u64
    }
}

/// Registered queries by SHA-256, bounded by bytes (the least used go first).
pub struct PersistedQueries {
    cache: Option<Cache<Arc<str>, Arc<str>, ByBytes>>,
}

impl PersistedQueries {
    /// A store of at most `bytes` of hashes and queries; 0 turns persisted queries off.
    pub fn new(bytes: u64) -> PersistedQueries {
        let cache = (bytes > 0).then(|| Cache::with_weighter((bytes / 2048).max(16) as usize, bytes, ByBytes));
        PersistedQueries { cache }
    }

    pub fn enabled(&self) -> bool {
        self.cache.is_some()
    }

    pub fn get(&self, sha256: &str) -> Option<Arc<str>> {
        self.cache.as_ref()?.get(sha256)
    }

    pub fn insert(&self, sha256: &str, query: &str) {
        if let Some(cache) = &self.cache {
            if cache.get(sha256).is_none() {
                cache.insert(sha256.into(), query.into());
            }
        }
    }

    /// Entries and bytes held.
    pub fn usage(&self) -> (usize, u64) {
        self.cache.as_ref().map_or((0, 0), |c| (c.len(), c.weight()))
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
        let tag = HeaderValue::from_static("W/\"abc\"");
        assert!(none_match(&headers("W/\"abc\""), &tag));
        assert!(none_match(&headers("\"abc\""), &tag));
        assert!(none_match(&headers("\"x\", W/\"abc\""), &tag));
        assert!(!none_match(&headers("*"), &tag));
        assert!(none_match_any(&headers("*")) && none_match_any(&headers("\"x\", *")) && !none_match_any(&headers("\"*\"")));
        assert!(!none_match(&headers("\"abcd\""), &tag));
        assert!(!none_match(&headers("W/\"ab\",\"c\""), &tag));
        assert!(!none_match(&headers("abc"), &tag));
        assert!(!none_match(&HeaderMap::new(), &tag));
    }

    #[test]
    fn etags_depend_on_data_request_and_media_type() {
        let a = Caching::new("d1", "f", "sdl", "public, max-age=60", 1 << 20);
        let b = Caching::new("d2", "f", "sdl", "public, max-age=60", 1 << 20);
        assert_eq!(a.etag("k", "application/json"), a.etag("k", "application/json"));
        assert_ne!(a.etag("k", "application/json"), b.etag("k", "application/json"));
        assert_ne!(a.etag("k", "application/json"), a.etag("k2", "application/json"));
        assert_ne!(a.etag("k", "application/json"), a.etag("k", "application/graphql-response+json"));
        assert!(a.etag("k", "application/json").to_str().unwrap().starts_with("W/\""));
        assert_eq!(a.cache_control, Some(HeaderValue::from_static("public, max-age=60")));
        assert_eq!(Caching::new("d", "f", "s", " ", 0).cache_control, None);
    }

    #[test]
    fn persisted_query_extensions_are_read_strictly() {
        let read = |value: Json| PersistedQuery::from_extensions(value.as_object().unwrap(), "");
        let hash = sha256_hex("{ __typename }");
        assert_eq!(read(serde_json::json!({})).unwrap(), None);
        let upper = hash.to_ascii_uppercase();
        let found = read(serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": upper } })).unwrap().unwrap();
        assert!(found.matches("{ __typename }"));
        assert!(!found.matches("{ __typename}"));
        for bad in [
            serde_json::json!({ "persistedQuery": true }),
            serde_json::json!({ "persistedQuery": { "version": 2, "sha256Hash": hash } }),
            serde_json::json!({ "persistedQuery": { "sha256Hash": hash } }),
            serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
        ] {
            assert_eq!(read(bad).unwrap_err().status, StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn persisted_queries_are_bounded_by_bytes() {
        let store = PersistedQueries::new(64 * 1024);
        for i in 0..2000 {
            let query = format!("{{ project(code: \"{i:0>100}\") {{ name }} }}");
            store.insert(&sha256_hex(&query), &query);
        }
        let (entries, bytes) = store.usage();
        assert!(bytes <= 64 * 1024 && entries < 2000, "{entries} entries, {bytes} bytes");
        assert!(!PersistedQueries::new(0).enabled());
    }
}
