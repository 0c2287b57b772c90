//! Automatic Persisted Queries (Apollo's protocol): `extensions.persistedQuery = {version: 1,
//! sha256Hash}` in a POST body or in a GET's `extensions` parameter. A hash alone is looked up
//! (`PersistedQueryNotFound` when unknown, HTTP 200 as Apollo Server answers, so that Apollo's
//! clients retry with the query); a hash with the query is checked against the query's SHA-256
//! and the query registered once it has parsed and validated. The store is bounded by bytes.

use std::sync::Arc;

use axum::http::StatusCode;
use quick_cache::{sync::Cache, Weighter};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::{
    engine::Answer,
    errors::{code, http::Rejection, refusal_body},
};

/// What Apollo Server sends with persisted-query errors, so that no cache keeps them.
pub const ERROR_CACHE_CONTROL: &str = "private, no-cache, must-revalidate";

/// `extensions.persistedQuery` of a request: the SHA-256 of the query, in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistedQuery {
    pub sha256: String,
}

impl PersistedQuery {
    /// Reads `extensions.persistedQuery`, if there is one; refuses a malformed one (HTTP 400).
    pub fn from_extensions(extensions: &serde_json::Map<String, Json>, at: &str) -> Result<Option<PersistedQuery>, Rejection> {
        let bad = Rejection::bad_request;
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

/// The SHA-256 of a query text, in lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Bytes in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
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

/// An operation's query found (from its persisted-query hash, when it has one), or answered.
pub enum Resolved {
    Run { query: String, register: Option<PersistedQuery> },
    Answered(Answer),
}

/// Finds the query of a persisted-query hash, or checks that a query matches its hash.
/// `at` says where in a batch the operation is, for error messages.
pub fn resolve(query: Option<String>, hash: Option<PersistedQuery>, persisted: &PersistedQueries, at: &str) -> Result<Resolved, Rejection> {
    let mut register = None;
    let query = match (query, hash) {
        (Some(query), None) => query,
        (None, None) => return Err(Rejection::bad_request(format!("the request has no `query`{at}"))),
        (_, Some(_)) if !persisted.enabled() => {
            return Ok(Resolved::Answered(persisted_error(code::PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported")));
        }
        (Some(query), Some(hash)) => {
            if !hash.matches(&query) {
                return Err(Rejection::new(
                    StatusCode::BAD_REQUEST,
                    code::PROVIDED_SHA_DOES_NOT_MATCH,
                    format!("provided sha does not match query{at}"),
                ));
            }
            register = Some(hash);
            query
        }
        (None, Some(hash)) => match persisted.get(&hash.sha256) {
            Some(query) => query.to_string(),
            None => return Ok(Resolved::Answered(persisted_error(code::PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound"))),
        },
    };
    Ok(Resolved::Run { query, register })
}

/// Apollo's persisted-query errors: HTTP 200 whatever the media type, so that its clients (which
/// look for the message or the code in `errors`) send the query along.
fn persisted_error(code: &str, message: &str) -> Answer {
    Answer::from_json(refusal_body(code, message), false, vec![code.to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

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
