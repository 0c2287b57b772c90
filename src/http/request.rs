//! Request decoding: a GET's query string or a POST's JSON body (one operation or a batch) into
//! operations, each strictly checked (GraphQL-over-HTTP's request parameters).

use async_graphql::Variables;
use axum::{extract::Query, http::request::Parts};
use serde::Deserialize;
use serde_json::Value as Json;

use super::persisted::PersistedQuery;
use crate::errors::http::Rejection;

/// One operation as the client sent it: the query may be absent when a persisted-query hash names it.
#[derive(Debug)]
pub struct Operation {
    pub query: Option<String>,
    pub operation_name: Option<String>,
    pub variables: Variables,
    pub persisted: Option<PersistedQuery>,
}

#[derive(Debug)]
pub enum Operations {
    Single(Operation),
    Batch(Vec<Operation>),
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
pub fn from_query_string(parts: &Parts) -> Result<Operations, Rejection> {
    let Query(params) = Query::<GetParams>::try_from_uri(&parts.uri)
        .map_err(|err| Rejection::bad_request(format!("the query string is not a GraphQL request: {}", err.body_text())))?;
    let json_param = |name: &str, value: Option<String>| -> Result<Json, Rejection> {
        match value.as_deref() {
            None | Some("") => Ok(Json::Null),
            Some(text) => serde_json::from_str(text).map_err(|err| Rejection::bad_request(format!("`{name}` is not JSON: {err}"))),
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
pub fn from_json(body: &[u8]) -> Result<Operations, Rejection> {
    let value: Json = serde_json::from_slice(body).map_err(|err| Rejection::bad_request(format!("the body is not valid JSON: {err}")))?;
    match value {
        Json::Array(items) if items.is_empty() => Err(Rejection::bad_request("a batch must hold at least one operation")),
        Json::Array(items) => {
            let operations = items.into_iter().enumerate().map(|(i, item)| operation(item, Some(i))).collect::<Result<_, _>>()?;
            Ok(Operations::Batch(operations))
        }
        other => Ok(Operations::Single(operation(other, None)?)),
    }
}

/// One `{query, operationName, variables, extensions}` object.
fn operation(value: Json, index: Option<usize>) -> Result<Operation, Rejection> {
    let at = batch_item(index);
    let Json::Object(mut object) = value else {
        return Err(Rejection::bad_request(format!("a GraphQL request must be a JSON object{at}")));
    };
    let persisted = match object.remove("extensions") {
        None | Some(Json::Null) => None,
        Some(Json::Object(extensions)) => PersistedQuery::from_extensions(&extensions, &at)?,
        Some(_) => return Err(Rejection::bad_request(format!("`extensions` must be an object{at}"))),
    };
    let query = match object.remove("query") {
        Some(Json::String(query)) => Some(query),
        None | Some(Json::Null) if persisted.is_some() => None,
        None | Some(Json::Null) => return Err(Rejection::bad_request(format!("the request has no `query`{at}"))),
        Some(_) => return Err(Rejection::bad_request(format!("`query` must be a string{at}"))),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) if name.is_empty() => None,
        Some(Json::String(name)) => Some(name),
        Some(_) => return Err(Rejection::bad_request(format!("`operationName` must be a string{at}"))),
    };
    let variables = match object.remove("variables") {
        None | Some(Json::Null) => Variables::default(),
        Some(variables @ Json::Object(_)) => Variables::from_json(variables),
        Some(_) => return Err(Rejection::bad_request(format!("`variables` must be an object{at}"))),
    };
    Ok(Operation { query, operation_name, variables, persisted })
}

/// Where in a batch an operation is, for error messages (empty for a single operation).
pub fn batch_item(index: Option<usize>) -> String {
    index.map_or(String::new(), |i| format!(" (batch item {i})"))
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn request_bodies_are_read_strictly() {
        assert!(from_json(br#"{"query": "{ a }", "operationName": "", "variables": null, "extensions": null}"#).is_ok());
        assert!(matches!(from_json(br#"[{"query": "{ a }"}, {"query": "{ b }"}]"#), Ok(Operations::Batch(b)) if b.len() == 2));
        let hash = super::super::persisted::sha256_hex("{ a }");
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
}
