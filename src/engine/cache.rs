//! Serialized answers kept in memory, with their compressed forms. The data cannot change while a
//! store serves, so an answer once computed is the answer until the store changes.
//!
//! Keys are what the answer depends on: the plan's fingerprint (not the text: whitespace,
//! comments and fragment structure do not matter) and the coerced variables in canonical JSON.
//! The gzip and brotli forms of an answer are made once, when first asked for, so a cached
//! answer costs a lookup and a write whatever the client accepts. The cache is bounded by bytes.

use std::sync::{Arc, OnceLock};

use async_graphql::{Value, Variables};
use bytes::Bytes;
use quick_cache::{sync::Cache, Weighter};

/// A content coding a client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// An answer worth keeping: its bytes, their compressed forms once made, and whether it was a
/// request error.
pub struct CachedAnswer {
    pub json: Bytes,
    pub request_error: bool,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl CachedAnswer {
    pub fn new(json: Bytes, request_error: bool) -> CachedAnswer {
        CachedAnswer { json, request_error, gzip: OnceLock::new(), brotli: OnceLock::new() }
    }

    /// The answer in `coding`, compressed on first use.
    pub fn encoded(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => self.json.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.json)).clone(),
            Coding::Brotli => self.brotli.get_or_init(|| brotli(&self.json)).clone(),
        }
    }
}

fn gzip(bytes: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default().into()
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    // Quality 6: made once per answer, so more than tower-http's per-response default, without
    // making the first compressed request of a wide answer wait long.
    let params = brotli::enc::BrotliEncoderParams { quality: 6, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.into()
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Arc<str>, Arc<CachedAnswer>> for ByBytes {
    fn weight(&self, key: &Arc<str>, value: &Arc<CachedAnswer>) -> u64 {
        // The compressed forms come later; they are rarely more than a quarter of the JSON.
        (key.len() + value.json.len() + value.json.len() / 4 + 64) as u64
    }
}

/// Answers by request, bounded by total bytes.
pub struct ResponseCache {
    cache: Option<Cache<Arc<str>, Arc<CachedAnswer>, ByBytes>>,
}

impl ResponseCache {
    /// A cache holding at most `bytes` of keys and answers; 0 disables it.
    pub fn new(bytes: u64) -> ResponseCache {
        let cache = (bytes > 0).then(|| Cache::with_weighter((bytes / 4096).max(16) as usize, bytes, ByBytes));
        ResponseCache { cache }
    }

    pub fn enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// The key of a plan's answer under the coerced `variables`.
    pub fn key(fingerprint: &[u8; 32], variables: &Variables) -> Arc<str> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut key = String::with_capacity(66);
        for b in fingerprint {
            key.push(HEX[(b >> 4) as usize] as char);
            key.push(HEX[(b & 0xf) as usize] as char);
        }
        key.push('\u{0}');
        canonical_json(&Value::Object(variables.iter().map(|(k, v)| (k.clone(), v.clone())).collect()), &mut key);
        key.into()
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedAnswer>> {
        self.cache.as_ref()?.get(key)
    }

    pub fn insert(&self, key: Arc<str>, answer: Arc<CachedAnswer>) {
        if let Some(cache) = &self.cache {
            cache.insert(key, answer);
        }
    }

    /// Entries and bytes held, for metrics.
    pub fn usage(&self) -> (usize, u64) {
        self.cache.as_ref().map_or((0, 0), |c| (c.len(), c.weight()))
    }
}

/// Writes `value` as JSON with object keys sorted, so equal variables give equal keys.
fn canonical_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key.as_str()).unwrap_or_default());
                out.push(':');
                canonical_json(value, out);
            }
            out.push('}');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_forms_decode_to_the_answer_and_are_made_once() {
        let json: Bytes = serde_json::to_vec(&serde_json::json!({ "data": { "text": "x".repeat(5000) } })).unwrap().into();
        let answer = CachedAnswer::new(json.clone(), false);
        let gz = answer.encoded(Coding::Gzip);
        assert!(gz.len() < json.len() / 10);
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded).unwrap();
        assert_eq!(decoded, json);
        let br = answer.encoded(Coding::Brotli);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, json);
        assert_eq!(answer.encoded(Coding::Brotli).as_ptr(), br.as_ptr(), "made once, then shared");
    }

    #[test]
    fn equal_variables_give_equal_keys() {
        let vars = |json| Variables::from_json(json);
        let print = [0u8; 32];
        let a = ResponseCache::key(&print, &vars(serde_json::json!({ "f": { "a": 1, "b": [true] } })));
        let b = ResponseCache::key(&print, &vars(serde_json::json!({ "f": { "b": [true], "a": 1 } })));
        assert_eq!(a, b);
        assert_ne!(a, ResponseCache::key(&print, &vars(serde_json::json!({ "f": { "a": 2 } }))));
    }
}
