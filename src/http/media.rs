//! The media type `/graphql` answers in, negotiated from `Accept`.

use axum::http::{header, HeaderMap};

/// The media type of GraphQL-over-HTTP responses, which also lets the status code tell a request
/// that never ran (4xx) from one that ran (200), whatever errors its fields had.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The two media types `/graphql` answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    pub fn essence(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
            MediaType::Json => JSON,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, from `Accept` (RFC 9110 §12.5.1): each type gets the quality of
/// the most specific range that matches it; the higher quality wins, then the more specific match,
/// then the one listed first; `*/*` and `application/*` alone give `application/json`. No
/// `Accept` (or an empty one) means `application/json`, as GraphQL-over-HTTP asks for legacy
/// clients. `None` when the client accepts neither type (HTTP 406).
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let mut ranges = Vec::new();
    for value in headers.get_all(header::ACCEPT) {
        let text = String::from_utf8_lossy(value.as_bytes());
        for range in text.split(',') {
            let mut parts = range.split(';');
            let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            if essence.is_empty() {
                continue;
            }
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, value)| value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)).unwrap_or(1.0));
            ranges.push((essence, q));
        }
    }
    if ranges.is_empty() {
        return Some(MediaType::Json);
    }
    // (quality, specificity, -position) of a type: its most specific matching range.
    let score = |media: MediaType| -> Option<(f32, u8, isize)> {
        let essence = media.essence();
        let (kind, _) = essence.split_once('/').expect("type/subtype");
        let mut best: Option<(f32, u8, isize)> = None;
        for (position, (range, q)) in ranges.iter().enumerate() {
            let specificity = if range == essence {
                2
            } else if range.strip_suffix("/*") == Some(kind) {
                1
            } else if range == "*/*" {
                0
            } else {
                continue;
            };
            let better = match best {
                None => true,
                Some((best_q, best_spec, _)) => specificity > best_spec || (specificity == best_spec && *q > best_q),
            };
            if better {
                best = Some((*q, specificity, -(position as isize)));
            }
        }
        best.filter(|(q, _, _)| *q > 0.0)
    };
    match (score(MediaType::GraphqlResponse), score(MediaType::Json)) {
        (None, None) => None,
        (Some(_), None) => Some(MediaType::GraphqlResponse),
        (None, Some(_)) => Some(MediaType::Json),
        (Some(g), Some(j)) => {
            let g_wins = g.0 > j.0 || (g.0 == j.0 && (g.1 > j.1 || (g.1 == j.1 && g.2 > j.2)));
            Some(if g_wins { MediaType::GraphqlResponse } else { MediaType::Json })
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(value: &'static str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        negotiate(&headers)
    }

    #[test]
    fn accept_is_negotiated_with_qualities_and_wildcards() {
        use MediaType::{GraphqlResponse as G, Json as J};
        assert_eq!(negotiate(&HeaderMap::new()), Some(J));
        assert_eq!(accept(""), Some(J));
        assert_eq!(accept("*/*"), Some(J));
        assert_eq!(accept("application/*"), Some(J));
        assert_eq!(accept("application/json"), Some(J));
        assert_eq!(accept("application/graphql-response+json"), Some(G));
        assert_eq!(accept("Application/GraphQL-Response+JSON; charset=utf-8"), Some(G));
        assert_eq!(accept("application/graphql-response+json, application/json;q=0.9"), Some(G));
        assert_eq!(accept("application/json, application/graphql-response+json"), Some(J));
        assert_eq!(accept("application/graphql-response+json, application/json"), Some(G));
        assert_eq!(accept("application/json;q=0.5, application/graphql-response+json;q=0.8"), Some(G));
        assert_eq!(accept("application/graphql-response+json, application/json, multipart/mixed"), Some(G));
        assert_eq!(accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), Some(J));
        assert_eq!(accept("*/*, application/json;q=0"), Some(G), "the more specific range rules");
        assert_eq!(accept("application/graphql-response+json;q=0, */*"), Some(J));
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0, application/graphql-response+json;q=0"), None);
        assert_eq!(accept("application/xml, text/*"), None);
    }
}
