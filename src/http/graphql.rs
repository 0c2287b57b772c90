//! `/graphql`: runs GET and POST requests (single or batched) with a fresh loader per request,
//! following GraphQL-over-HTTP (the README's "Conformance" section lists where and why not).
//!
//! - The response's media type is negotiated from `Accept` ([`negotiate`]):
//!   `application/graphql-response+json` or `application/json` (the default), always UTF-8; 406
//!   when the client accepts neither.
//! - Requests that are not well-formed GraphQL-over-HTTP (malformed JSON, no `query`, a body too
//!   large, a batch too long) get a 4xx status and a GraphQL error body from [`error_response`],
//!   the one place that shapes error bodies. A request that was well-formed but did not parse or
//!   validate gets 400 under `application/graphql-response+json` and 200 under `application/json`.
//! - `GET` carries `query`, `operationName` and URL-encoded JSON `variables` and `extensions`; a
//!   mutation by GET gets 405. Successful GET answers carry an `ETag` and `Cache-Control`, and a
//!   matching `If-None-Match` gets 304 ([`super::caching`]); everything else is `no-store`.
//! - Automatic Persisted Queries: `extensions.persistedQuery` in GET or POST.

use std::sync::Arc;

use async_graphql::{parser::types::OperationType, Variables};
use axum::{
    body::Body,
    extract::{Query, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::IntoResponse,
    Extension,
};
use serde::Deserialize;
use serde_json::Value as Json;

use super::{
    caching::{self, Caching, PersistedQuery},
    limits, AppState,
};
use crate::{
    engine::{cache::Coding, Answer, Prepared},
    errors as codes,
};

/// The media type of GraphQL-over-HTTP responses, which also lets the status code tell a request
/// that never ran (4xx) from one that ran (200), whatever errors its fields had.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// `extensions.code` of a 406 (HTTP only: GraphQL has no such error).
pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";

/// `Vary` of every `/graphql` answer: its media type follows `Accept`, its coding `Accept-Encoding`.
const VARY: &str = "accept, accept-encoding";

/// A request-level GraphQL error with `extensions.code` and no `data` (the request never ran):
/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`, as `application/graphql-response+json`
/// (the `/graphql` handler re-types it to the media type the client accepts).
/// The code also rides on the response as a [`Refused`] extension, for the log and the metrics.
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> axum::response::Response {
    let body = error_body(code, message);
    let mut response =
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static(MediaType::GraphqlResponse.content_type()))], body).into_response();
    response.extensions_mut().insert(Refused(code.to_owned()));
    response
}

/// The `extensions.code` of a request refused before any operation ran ([`error_response`]).
#[derive(Debug, Clone)]
pub struct Refused(pub String);

fn error_body(code: &str, message: impl Into<String>) -> String {
    serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] }).to_string()
}

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

    /// The error response in the negotiated media type.
    fn respond(self, media: MediaType) -> axum::response::Response {
        let mut response = self.into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media.content_type()));
        response
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> axum::response::Response {
        error_response(self.status, self.code, self.message)
    }
}

fn bad_request(message: impl Into<String>) -> Rejection {
    Rejection::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
}

/// Any method but GET and POST.
pub async fn method_not_allowed() -> axum::response::Response {
    let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, "use GET or POST");
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

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

pub async fn execute(
    State(app): State<AppState>,
    Extension(caching): Extension<Arc<Caching>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let Some(media) = negotiate(&parts.headers) else {
        let message = "the response can be application/graphql-response+json or application/json; `Accept` allows neither";
        let mut response = Rejection::new(StatusCode::NOT_ACCEPTABLE, NOT_ACCEPTABLE, message).respond(MediaType::Json);
        finish(&mut response);
        return response;
    };
    let mut response = match handle(&app, &caching, &parts, body, media).await {
        Ok(response) => response,
        Err(rejection) => rejection.respond(media),
    };
    finish(&mut response);
    response
}

/// Headers every `/graphql` answer gets: `Vary`, and `Cache-Control: no-store` unless it is
/// cacheable (a successful GET's, with an `ETag`) or says otherwise (a persisted-query error).
fn finish(response: &mut axum::response::Response) {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    if !headers.contains_key(header::CACHE_CONTROL) && !headers.contains_key(header::ETAG) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching::NO_STORE));
    }
}

async fn handle(
    app: &AppState,
    caching: &Caching,
    parts: &Parts,
    body: Body,
    media: MediaType,
) -> Result<axum::response::Response, Rejection> {
    limits::check_csrf(&parts.method, &parts.headers)?;
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    let operations = if get {
        from_query_string(parts)?
    } else {
        limits::check_content_type(&parts.headers)?;
        let bytes = limits::read_body(body, &parts.headers, app.limits.body_bytes).await?;
        from_json(&bytes)?
    };
    let (batched, operations) = match operations {
        Operations::Single(one) => (false, vec![one]),
        Operations::Batch(many) => (true, many),
    };
    if operations.len() > app.limits.batch {
        let message = format!("a batch may hold at most {} operations, this one has {}", app.limits.batch, operations.len());
        return Err(Rejection::new(StatusCode::BAD_REQUEST, codes::BATCH_TOO_LARGE, message));
    }

    // Persisted queries: each operation either runs or is already answered (not found).
    let mut slots: Vec<Slot> = Vec::with_capacity(operations.len());
    for (i, operation) in operations.into_iter().enumerate() {
        slots.push(match resolve(operation, &caching.persisted, batched.then_some(i))? {
            Resolved::Run { query, operation_name, variables, register } => {
                let prepared = app.engine.prepare(&query, operation_name.as_deref(), variables).await;
                Slot::Run { prepared, register: register.map(|hash| (hash, query)) }
            }
            Resolved::Answered(answer) => Slot::Answered(answer),
        });
    }

    let names: Vec<Option<String>> = slots
        .iter()
        .map(|slot| match slot {
            Slot::Run { prepared, .. } => prepared.operation_name.clone(),
            Slot::Answered(_) => None,
        })
        .collect();

    // GET: a mutation is refused; a matching `If-None-Match` is answered before running.
    let mut etag = None;
    if get {
        if let [Slot::Run { prepared, .. }] = slots.as_slice() {
            if prepared.operation_type() == Some(OperationType::Mutation) {
                let mut response = Rejection::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    codes::METHOD_NOT_ALLOWED,
                    "a mutation cannot be sent with GET: use POST",
                )
                .respond(media);
                response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
                return Ok(response);
            }
            if let Some(key) = prepared.cache_key() {
                let tag = caching.etag(key, media.essence());
                if caching::none_match(&parts.headers, &tag) {
                    return Ok(not_modified(tag, caching, names));
                }
                etag = Some(tag);
            }
        }
    }

    let answers = run(app, caching, parts, slots).await;

    let success = answers.iter().all(|a| !a.request_error && a.error_codes.is_empty());
    let outcome = Outcome {
        operations: names.clone(),
        error_codes: answers.iter().flat_map(|a| a.error_codes.iter().cloned()).collect(),
        cached: answers.iter().all(|a| a.cached),
    };
    let persisted_error = outcome.error_codes.iter().any(|c| c.starts_with("PERSISTED_QUERY_"));
    if let (Some(tag), true) = (&etag, success) {
        if caching::none_match_any(&parts.headers) {
            return Ok(not_modified(tag.clone(), caching, names));
        }
    }
    let mut response = respond(media, batched, &answers, &parts.headers);
    let headers = response.headers_mut();
    match etag {
        Some(tag) if success => {
            headers.insert(header::ETAG, tag);
            if let Some(value) = &caching.cache_control {
                headers.insert(header::CACHE_CONTROL, value.clone());
            }
        }
        _ if persisted_error => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching::PERSISTED_QUERY_ERROR_CACHE_CONTROL));
        }
        _ => {}
    }
    // For the request log and the metrics, which run outside this handler.
    response.extensions_mut().insert(outcome);
    Ok(response)
}

/// Runs the prepared operations, registers the persisted queries that parsed and validated, and
/// puts every answer in its place.
async fn run(app: &AppState, caching: &Caching, parts: &Parts, slots: Vec<Slot>) -> Vec<Answer> {
    let mut answers: Vec<Option<Answer>> = Vec::with_capacity(slots.len());
    let mut prepared = Vec::new();
    let mut registers = Vec::new();
    for slot in slots {
        match slot {
            Slot::Answered(answer) => answers.push(Some(answer)),
            Slot::Run { prepared: one, register } => {
                answers.push(None);
                registers.push(register);
                prepared.push(one);
            }
        }
    }
    if !prepared.is_empty() {
        let request_id = limits::request_id(&parts.headers);
        let mut ran = app.engine.run(prepared, request_id.as_deref()).await.into_iter();
        let mut registers = registers.into_iter();
        for slot in answers.iter_mut().filter(|a| a.is_none()) {
            let Some(answer) = ran.next() else { break };
            if let Some(Some((persisted, query))) = registers.next() {
                if !answer.request_error {
                    caching.persisted.insert(&persisted.sha256, &query);
                }
            }
            *slot = Some(answer);
        }
    }
    answers.into_iter().map(|a| a.unwrap_or_else(internal_answer)).collect()
}

/// Never expected: an operation the engine gave no answer for.
fn internal_answer() -> Answer {
    tracing::error!("the engine returned fewer answers than operations");
    Answer::from_json(error_body(codes::INTERNAL, "internal error"), true, vec![codes::INTERNAL.to_owned()])
}

/// 304: the client's copy is current. Carries what the 200 would have (ETag, Cache-Control).
fn not_modified(tag: HeaderValue, caching: &Caching, operations: Vec<Option<String>>) -> axum::response::Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ETAG, tag);
    if let Some(value) = &caching.cache_control {
        headers.insert(header::CACHE_CONTROL, value.clone());
    }
    // Nothing ran: no error, and the answer came from (the client's) cache.
    response.extensions_mut().insert(Outcome { operations, error_codes: Vec::new(), cached: true });
    response
}

/// What a `/graphql` response carried, attached to it as a response extension.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The operation name each operation asked for (`None`: anonymous or the only one).
    pub operations: Vec<Option<String>>,
    /// `extensions.code` of every error in the answers.
    pub error_codes: Vec<String>,
    /// Every answer came from the response cache (or, for a 304, the client's).
    pub cached: bool,
}

/// Writes the answers with the negotiated media type. A single answer kept by the response
/// cache is sent in the compressed form the client accepts, made once for every request.
fn respond(media: MediaType, batched: bool, answers: &[Answer], headers: &HeaderMap) -> axum::response::Response {
    let status = if media == MediaType::GraphqlResponse && !batched && answers.iter().all(|a| a.request_error) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut coding = Coding::Identity;
    let body = if batched {
        let mut body = Vec::with_capacity(answers.iter().map(|a| a.json.len() + 1).sum::<usize>() + 2);
        body.push(b'[');
        for (i, answer) in answers.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(&answer.json);
        }
        body.push(b']');
        Body::from(body)
    } else {
        match answers.first() {
            Some(Answer { kept: Some(kept), .. }) => {
                coding = caching::accepted_coding(headers);
                Body::from(kept.encoded(coding))
            }
            // The answer's bytes are shared, not copied.
            Some(answer) => Body::from(answer.json.clone()),
            None => Body::empty(),
        }
    };
    let mut response = (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media.content_type()))], body).into_response();
    if let Some(name) = coding.header() {
        // Already compressed: the compression layer leaves a response with a content coding alone.
        response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    response
}

/// One operation as the client sent it: the query may be absent when a persisted-query hash names it.
#[derive(Debug)]
struct Operation {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Variables,
    persisted: Option<PersistedQuery>,
}

#[derive(Debug)]
enum Operations {
    Single(Operation),
    Batch(Vec<Operation>),
}

/// An operation prepared (and, with a hash and its query, to register once it validated), or
/// already answered.
enum Slot {
    Run { prepared: Prepared, register: Option<(PersistedQuery, String)> },
    Answered(Answer),
}

/// An operation's query found (from its persisted-query hash, when it has one), or answered.
enum Resolved {
    Run { query: String, operation_name: Option<String>, variables: Variables, register: Option<PersistedQuery> },
    Answered(Answer),
}

/// Finds the query of a persisted-query hash, or checks that a query matches its hash.
fn resolve(operation: Operation, persisted: &caching::PersistedQueries, index: Option<usize>) -> Result<Resolved, Rejection> {
    let Operation { query, operation_name, variables, persisted: hash } = operation;
    let at = index.map_or(String::new(), |i| format!(" (batch item {i})"));
    let mut register = None;
    let query = match (query, hash) {
        (Some(query), None) => query,
        (None, None) => return Err(bad_request(format!("the request has no `query`{at}"))),
        (_, Some(_)) if !persisted.enabled() => {
            return Ok(Resolved::Answered(persisted_error(caching::PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported")));
        }
        (Some(query), Some(hash)) => {
            if !hash.matches(&query) {
                return Err(Rejection::new(
                    StatusCode::BAD_REQUEST,
                    caching::PROVIDED_SHA_DOES_NOT_MATCH,
                    format!("provided sha does not match query{at}"),
                ));
            }
            register = Some(hash);
            query
        }
        (None, Some(hash)) => match persisted.get(&hash.sha256) {
            Some(query) => query.to_string(),
            None => return Ok(Resolved::Answered(persisted_error(caching::PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound"))),
        },
    };
    Ok(Resolved::Run { query, operation_name, variables, register })
}

/// Apollo's persisted-query errors: HTTP 200 whatever the media type, so that its clients (which
/// look for the message or the code in `errors`) send the query along.
fn persisted_error(code: &str, message: &str) -> Answer {
    Answer::from_json(error_body(code, message), false, vec![code.to_owned()])
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// `GET /graphql?query=…&operationName=…&variables=<JSON>&extensions=<JSON>`.
fn from_query_string(parts: &Parts) -> Result<Operations, Rejection> {
    let Query(params) = Query::<GetParams>::try_from_uri(&parts.uri)
        .map_err(|err| bad_request(format!("the query string is not a GraphQL request: {}", err.body_text())))?;
    let json_param = |name: &str, value: Option<String>| -> Result<Json, Rejection> {
        match value.as_deref() {
            None | Some("") => Ok(Json::Null),
            Some(text) => serde_json::from_str(text).map_err(|err| bad_request(format!("`{name}` is not JSON: {err}"))),
        }
    };
    let mut object = serde_json::Map::new();
    object.insert("query".into(), params.query.map_or(Json::Null, Json::String));
    object.insert("operationName".into(), params.operation_name.map_or(Json::Null, Json::String));
    object.insert("variables".into(), json_param("variables", params.variables)?);
    object.insert("extensions".into(), json_param("extensions", params.extensions)?);
    Ok(Operations::Single(operation(Json::Object(object), None)?))
}

/// A POST body: one request object, or an array of them (a batch).
fn from_json(body: &[u8]) -> Result<Operations, Rejection> {
    let value: Json = serde_json::from_slice(body).map_err(|err| bad_request(format!("the body is not valid JSON: {err}")))?;
    match value {
        Json::Array(items) if items.is_empty() => Err(bad_request("a batch must hold at least one operation")),
        Json::Array(items) => {
            let operations = items.into_iter().enumerate().map(|(i, item)| operation(item, Some(i))).collect::<Result<_, _>>()?;
            Ok(Operations::Batch(operations))
        }
        other => Ok(Operations::Single(operation(other, None)?)),
    }
}

/// One `{query, operationName, variables, extensions}` object.
fn operation(value: Json, index: Option<usize>) -> Result<Operation, Rejection> {
    let at = index.map_or(String::new(), |i| format!(" (batch item {i})"));
    let Json::Object(mut object) = value else {
        return Err(bad_request(format!("a GraphQL request must be a JSON object{at}")));
    };
    let persisted = match object.remove("extensions") {
        None | Some(Json::Null) => None,
        Some(Json::Object(extensions)) => PersistedQuery::from_extensions(&extensions, &at)?,
        Some(_) => return Err(bad_request(format!("`extensions` must be an object{at}"))),
    };
    let query = match object.remove("query") {
        Some(Json::String(query)) => Some(query),
        None | Some(Json::Null) if persisted.is_some() => None,
        None | Some(Json::Null) => return Err(bad_request(format!("the request has no `query`{at}"))),
        Some(_) => return Err(bad_request(format!("`query` must be a string{at}"))),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) if name.is_empty() => None,
        Some(Json::String(name)) => Some(name),
        Some(_) => return Err(bad_request(format!("`operationName` must be a string{at}"))),
    };
    let variables = match object.remove("variables") {
        None | Some(Json::Null) => Variables::default(),
        Some(variables @ Json::Object(_)) => Variables::from_json(variables),
        Some(_) => return Err(bad_request(format!("`variables` must be an object{at}"))),
    };
    Ok(Operation { query, operation_name, variables, persisted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_are_read_strictly() {
        assert!(from_json(br#"{"query": "{ a }", "operationName": "", "variables": null, "extensions": null}"#).is_ok());
        assert!(matches!(from_json(br#"[{"query": "{ a }"}, {"query": "{ b }"}]"#), Ok(Operations::Batch(b)) if b.len() == 2));
        let hash = caching::sha256_hex("{ a }");
        let persisted = format!(r#"{{"extensions": {{"persistedQuery": {{"version": 1, "sha256Hash": "{hash}"}}}}}}"#);
        assert!(matches!(from_json(persisted.as_bytes()), Ok(Operations::Single(Operation { query: None, persisted: Some(_), .. }))));
        for bad in [
            &b"[]"[..],
            b"{}",
            b"{\"query\": null}",
            b"{\"query\": \"{ a }\", \"variables\": \"{}\"}",
            b"{\"query\": \"{ a }\", \"extensions\": []}",
            b"{\"query\": \"{ a }\", \"extensions\": {\"persistedQuery\": {\"version\": 2}}}",
            b"42",
            b"\xff",
        ] {
            let response = from_json(bad).err().unwrap_or_else(|| panic!("{:?} must be refused", String::from_utf8_lossy(bad)));
            assert_eq!(response.status, StatusCode::BAD_REQUEST);
        }
    }

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
