//! `/graphql`: runs GET and POST requests (single or batched) with a fresh loader per request.

use async_graphql::{BatchRequest, BatchResponse, ErrorExtensionValues, Response, ServerError};
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::{extract::State, http::StatusCode, response::IntoResponse};

use super::AppState;
use crate::graphql::loaders;

/// A request-level GraphQL error (no data) with `extensions.code`.
pub fn error_response(status: StatusCode, code: &str, message: String) -> axum::response::Response {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    let error = ServerError { extensions: Some(extensions), ..ServerError::new(message, None) };
    (status, GraphQLResponse::from(Response::from_errors(vec![error]))).into_response()
}

pub async fn execute(State(app): State<AppState>, request: GraphQLBatchRequest) -> axum::response::Response {
    let request = request.into_inner();
    let size = match &request {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    if size > app.limits.batch {
        let message = format!("a batch may hold at most {} operations, this one has {size}", app.limits.batch);
        return error_response(StatusCode::BAD_REQUEST, "BATCH_TOO_LARGE", message);
    }
    // One loader per HTTP request: operations of one batch may share it, other requests never do.
    let request = request.data(std::sync::Arc::new(loaders::for_request(app.store.clone())));
    let response: BatchResponse = app.schema.execute_batch(request).await;
    GraphQLResponse::from(response).into_response()
}
