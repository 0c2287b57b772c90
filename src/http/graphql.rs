//! `/graphql`: runs GET and POST requests (single or batched) with a fresh loader per request.
//!
//! Requests that are not well-formed GraphQL-over-HTTP (malformed JSON, no `query`, a body too
//! large, a batch too long) get a 4xx status and a GraphQL error body from [`error_response`], the
//! one place that shapes error bodies.

use async_graphql::{BatchRequest, BatchResponse, Request, Variables};
use async_graphql_axum::GraphQLResponse;
use axum::{
    extract::{Query, State},
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    response::IntoResponse,
};
use serde::Deserialize;
use serde_json::Value as Json;

use super::{limits, AppState};
use crate::graphql::{errors as codes, loaders};

/// A request-level GraphQL error with `extensions.code` and no `data` (the request never ran):
/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> axum::response::Response {
    let body = serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    let content_type = HeaderValue::from_static("application/graphql-response+json");
    (status, [(header::CONTENT_TYPE, content_type)], body.to_string()).into_response()
}

fn bad_request(message: impl Into<String>) -> axum::response::Response {
    error_response(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
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
        return rejection;
    }
    let request = if parts.method == Method::GET {
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
        Err(rejection) => return rejection,
    };
    let size = match &request {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    if size > app.limits.batch {
        let message = format!("a batch may hold at most {} operations, this one has {size}", app.limits.batch);
        return error_response(StatusCode::BAD_REQUEST, codes::BATCH_TOO_LARGE, message);
    }
    // One loader per HTTP request: operations of one batch may share it, other requests never do.
    let mut response: BatchResponse = loaders::execute(&app.schema, app.store.clone(), request).await;
    if let Some(id) = limits::request_id(&parts.headers) {
        tag_internal_errors(&mut response, &id);
    }
    GraphQLResponse::from(response).into_response()
}

/// Gives internal errors the request id, which the server's log line carries too.
fn tag_internal_errors(response: &mut BatchResponse, request_id: &str) {
    let responses = match response {
        BatchResponse::Single(one) => std::slice::from_mut(one),
        BatchResponse::Batch(many) => many.as_mut_slice(),
    };
    for error in responses.iter_mut().flat_map(|r| r.errors.iter_mut()) {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if matches!(extensions.get("code"), Some(async_graphql::Value::String(code)) if code == codes::INTERNAL) {
            extensions.set("requestId", request_id);
        }
    }
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
fn from_query_string(parts: &Parts) -> Result<BatchRequest, axum::response::Response> {
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
fn from_json(body: &[u8]) -> Result<BatchRequest, axum::response::Response> {
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
fn operation(value: Json, index: Option<usize>) -> Result<Request, axum::response::Response> {
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
    use async_graphql::{ServerError, Value};

    use super::*;

    #[test]
    fn internal_errors_get_the_request_id_and_others_do_not() {
        let coded = |code: &str| {
            let mut error = ServerError::new("x", None);
            error.extensions.get_or_insert_with(Default::default).set("code", code);
            error
        };
        let mut response = BatchResponse::Single(async_graphql::Response::from_errors(vec![coded("INTERNAL"), coded("BAD_USER_INPUT")]));
        tag_internal_errors(&mut response, "req-1");
        let BatchResponse::Single(response) = response else { unreachable!() };
        let id = |i: usize| response.errors[i].extensions.as_ref().and_then(|e| e.get("requestId")).cloned();
        assert_eq!(id(0), Some(Value::from("req-1")));
        assert_eq!(id(1), None);
    }

    #[test]
    fn request_bodies_are_read_strictly() {
        assert!(from_json(br#"{"query": "{ a }", "operationName": "", "variables": null}"#).is_ok());
        assert!(matches!(from_json(br#"[{"query": "{ a }"}, {"query": "{ b }"}]"#), Ok(BatchRequest::Batch(b)) if b.len() == 2));
        for bad in [&b"[]"[..], b"{}", b"{\"query\": null}", b"{\"query\": \"{ a }\", \"variables\": \"{}\"}", b"42", b"\xff"] {
            let response = from_json(bad).err().unwrap_or_else(|| panic!("{:?} must be refused", String::from_utf8_lossy(bad)));
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        }
    }
}
