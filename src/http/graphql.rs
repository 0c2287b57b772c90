//! `/graphql`: runs GET and POST requests (single or batched) with a fresh loader per request.
//!
//! Requests that are not well-formed GraphQL-over-HTTP (malformed JSON, no `query`, a body too
//! large, a batch too long) get a 4xx status and a GraphQL error body from [`error_response`], the
//! one place that shapes error bodies.

use async_graphql::{BatchRequest, Request, Variables};
use axum::{
    body::{Body, Bytes},
    extract::{Query, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::IntoResponse,
};
use serde::Deserialize;
use serde_json::Value as Json;

use super::{limits, AppState};
use crate::graphql::{errors as codes, execute::Answer};

/// A request-level GraphQL error with `extensions.code` and no `data` (the request never ran):
/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> axum::response::Response {
    let body = serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    let content_type = HeaderValue::from_static("application/graphql-response+json");
    (status, [(header::CONTENT_TYPE, content_type)], body.to_string()).into_response()
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

pub async fn execute(State(app): State<AppState>, request: axum::extract::Request) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    if let Err(rejection) = limits::check_csrf(&parts.method, &parts.headers) {
        return rejection.into_response();
    }
    let request = if parts.method == Method::GET || parts.method == Method::HEAD {
        from_query_string(&parts)
    } else {
        match limits::check_content_type(&parts.headers) {
            Err(rejection) => Err(rejection),
            Ok(()) => match limits::read_body(body, &parts.headers, app.limits.body_bytes).await {
                Ok(bytes) => from_json(&bytes),
                Err(rejection) => Err(rejection),
            },
        }
    };
    let request = match request {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    let size = match &request {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    if size > app.limits.batch {
        let message = format!("a batch may hold at most {} operations, this one has {size}", app.limits.batch);
        return error_response(StatusCode::BAD_REQUEST, codes::BATCH_TOO_LARGE, message);
    }
    let request_id = limits::request_id(&parts.headers);
    let batched = matches!(request, BatchRequest::Batch(_));
    let operations: Vec<Option<String>> = match &request {
        BatchRequest::Single(one) => vec![one.operation_name.clone()],
        BatchRequest::Batch(many) => many.iter().map(|r| r.operation_name.clone()).collect(),
    };
    let answers = app.engine.run(request, request_id.as_deref()).await;
    let mut response = respond(&parts.headers, batched, &answers);
    // For the request log and the metrics, which run outside this handler.
    let outcome = Outcome {
        operations,
        error_codes: answers.iter().flat_map(|a| a.response.error_codes.iter().cloned()).collect(),
        cached: answers.iter().all(|a| a.cached),
    };
    response.extensions_mut().insert(outcome);
    response
}

/// What a `/graphql` response carried, attached to it as a response extension.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The operation name each operation asked for (`None`: anonymous or the only one).
    pub operations: Vec<Option<String>>,
    /// `extensions.code` of every error in the answers.
    pub error_codes: Vec<String>,
    /// Every answer came from the response cache.
    pub cached: bool,
}

/// The media type of GraphQL-over-HTTP responses, which also lets the status code tell a request
/// that never ran (4xx) from one that ran (200), whatever errors its fields had.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Writes the answers with the media type the client accepts.
fn respond(headers: &HeaderMap, batched: bool, answers: &[Answer]) -> axum::response::Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let graphql_response = accept.contains(GRAPHQL_RESPONSE);
    let status =
        if graphql_response && !batched && answers.iter().all(|a| a.request_error) { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let content_type =
        if graphql_response { "application/graphql-response+json; charset=utf-8" } else { "application/json; charset=utf-8" };
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
        // The cached bytes are shared, not copied.
        answers.first().map_or_else(Body::empty, |a| Body::from(Bytes::from_owner(a.json.clone())))
    };
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    #[allow(dead_code)]
    extensions: Option<String>,
}

/// `GET /graphql?query=…&operationName=…&variables=<JSON>`.
fn from_query_string(parts: &Parts) -> Result<BatchRequest, Rejection> {
    let Query(params) = Query::<GetParams>::try_from_uri(&parts.uri)
        .map_err(|err| bad_request(format!("the query string is not a GraphQL request: {}", err.body_text())))?;
    let query = params.query.ok_or_else(|| bad_request("the `query` parameter is missing"))?;
    let variables = match params.variables.as_deref() {
        None | Some("") => Json::Null,
        Some(text) => serde_json::from_str(text).map_err(|err| bad_request(format!("`variables` is not JSON: {err}")))?,
    };
    let mut object = serde_json::Map::new();
    object.insert("query".into(), Json::String(query));
    object.insert("operationName".into(), params.operation_name.map_or(Json::Null, Json::String));
    object.insert("variables".into(), variables);
    Ok(BatchRequest::Single(operation(Json::Object(object), None)?))
}

/// A POST body: one request object, or an array of them (a batch).
fn from_json(body: &[u8]) -> Result<BatchRequest, Rejection> {
    let value: Json = serde_json::from_slice(body).map_err(|err| bad_request(format!("the body is not valid JSON: {err}")))?;
    match value {
        Json::Array(items) if items.is_empty() => Err(bad_request("a batch must hold at least one operation")),
        Json::Array(items) => {
            let requests = items.into_iter().enumerate().map(|(i, item)| operation(item, Some(i))).collect::<Result<_, _>>()?;
            Ok(BatchRequest::Batch(requests))
        }
        other => Ok(BatchRequest::Single(operation(other, None)?)),
    }
}

/// One `{query, operationName, variables}` object.
fn operation(value: Json, index: Option<usize>) -> Result<Request, Rejection> {
    let at = index.map_or(String::new(), |i| format!(" (batch item {i})"));
    let Json::Object(mut object) = value else {
        return Err(bad_request(format!("a GraphQL request must be a JSON object{at}")));
    };
    let query = match object.remove("query") {
        Some(Json::String(query)) => query,
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
    let mut request = Request::new(query).variables(variables);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_are_read_strictly() {
        assert!(from_json(br#"{"query": "{ a }", "operationName": "", "variables": null}"#).is_ok());
        assert!(matches!(from_json(br#"[{"query": "{ a }"}, {"query": "{ b }"}]"#), Ok(BatchRequest::Batch(b)) if b.len() == 2));
        for bad in [&b"[]"[..], b"{}", b"{\"query\": null}", b"{\"query\": \"{ a }\", \"variables\": \"{}\"}", b"42", b"\xff"] {
            let response = from_json(bad).err().unwrap_or_else(|| panic!("{:?} must be refused", String::from_utf8_lossy(bad)));
            assert_eq!(response.status, StatusCode::BAD_REQUEST);
        }
    }
}
