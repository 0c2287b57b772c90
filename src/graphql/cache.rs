//! Serialized answers kept in memory: the data cannot change while the server runs (a new store
//! means a new process), so an answer once computed is the answer until shutdown.
//!
//! Keys are the normalized document (insignificant whitespace, commas and comments removed), the
//! operation name and the variables in canonical JSON; the cache is bounded by bytes.

use std::sync::Arc;

use async_graphql::{Request, Value};
use quick_cache::{sync::Cache, Weighter};

/// An answer worth keeping: the bytes and whether it was a request error.
#[derive(Clone)]
pub struct CachedAnswer {
    pub json: Arc<[u8]>,
    pub request_error: bool,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Arc<str>, CachedAnswer> for ByBytes {
    fn weight(&self, key: &Arc<str>, value: &CachedAnswer) -> u64 {
        (key.len() + value.json.len() + 64) as u64
    }
}

/// Answers by request, bounded by total bytes.
pub struct ResponseCache {
    cache: Option<Cache<Arc<str>, CachedAnswer, ByBytes>>,
}

impl ResponseCache {
    /// A cache holding at most `bytes` of keys and answers; 0 disables it.
    pub fn new(bytes: u64) -> ResponseCache {
        let cache = (bytes > 0).then(|| Cache::with_weighter((bytes / 4096).max(16) as usize, bytes, ByBytes));
        ResponseCache { cache }
    }

    /// Whether answers are kept at all (`--response-cache-mb` above 0).
    pub fn enabled(&self) -> bool {
        self.cache.is_some()
    }

    pub fn key(request: &Request) -> Arc<str> {
        let mut key = normalize(&request.query);
        key.push('\u{0}');
        key.push_str(request.operation_name.as_deref().unwrap_or(""));
        key.push('\u{0}');
        canonical_json(&Value::Object(request.variables.iter().map(|(k, v)| (k.clone(), v.clone())).collect()), &mut key);
        key.into()
    }

    pub fn get(&self, key: &Arc<str>) -> Option<CachedAnswer> {
        self.cache.as_ref()?.get(key)
    }

    pub fn insert(&self, key: Arc<str>, answer: CachedAnswer) {
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

/// Removes what GraphQL ignores outside strings: whitespace, commas, comments; keeps one space
/// only where two names or numbers would otherwise run together.
pub fn normalize(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut chars = query.chars().peekable();
    let mut pending_space = false;
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                while chars.next_if(|c| *c != '\n' && *c != '\r').is_some() {}
                pending_space = true;
            }
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => pending_space = true,
            '"' => {
                if pending_space && out.ends_with(word) {
                    out.push(' ');
                }
                pending_space = false;
                out.push('"');
                let block = chars.peek() == Some(&'"') && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&'"')
                };
                if block {
                    out.push_str("\"\"");
                    chars.next();
                    chars.next();
                    // Copy up to the closing """ (an escaped \""" does not close it).
                    let mut quotes = 0;
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        out.push(c);
                        if c == '"' && !escaped {
                            quotes += 1;
                            if quotes == 3 {
                                break;
                            }
                        } else {
                            quotes = 0;
                        }
                        escaped = c == '\\';
                    }
                } else {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        out.push(c);
                        if c == '"' && !escaped {
                            break;
                        }
                        escaped = c == '\\' && !escaped;
                    }
                }
            }
            c => {
                if pending_space && word(c) && out.ends_with(word) {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn insignificant_characters_go_and_strings_stay() {
        let a = "query Q($c: String!) {\n  project(code: $c) { name, acronym } # comment\n}";
        let b = "query Q($c:String!){project(code:$c){name acronym}}";
        assert_eq!(normalize(a), normalize(b));
        assert_eq!(normalize(b), "query Q($c:String!){project(code:$c){name acronym}}");
        assert_eq!(normalize(r#"{ search(text: "a ,  b # c") { score } }"#), r#"{search(text:"a ,  b # c"){score}}"#);
        assert_eq!(normalize(r#"{ a(t: "x \" y") b }"#), r#"{a(t:"x \" y")b}"#);
        assert_eq!(normalize("{ a(t: \"\"\"x \"\" ,\ny\"\"\") b }"), "{a(t:\"\"\"x \"\" ,\ny\"\"\")b}");
        assert_ne!(normalize("{ a b }"), normalize("{ ab }"));
        assert_eq!(normalize("{ a(n: 1, m: 2) }"), "{a(n:1 m:2)}");
    }
}
