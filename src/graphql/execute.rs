//! Runs one HTTP request's operations and writes their JSON in query order.

use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Request, Response};

use super::{
    loaders,
    ordered::{self, DocumentSlot, Plan, TypeRelations},
    CapgraphSchema,
};
use crate::store::Store;

/// One operation's answer, serialized.
pub struct Answer {
    pub json: Vec<u8>,
    /// The operation never ran (it did not parse or validate): GraphQL-over-HTTP gives it a 4xx
    /// status when the client accepts `application/graphql-response+json`.
    pub request_error: bool,
    pub response: ResponseSummary,
}

/// What logs and metrics need to know about an answer.
#[derive(Debug, Clone, Default)]
pub struct ResponseSummary {
    pub error_codes: Vec<String>,
}

/// What a request asked for, kept to write its answer in order.
struct Asked {
    slot: Arc<DocumentSlot>,
    operation_name: Option<String>,
    variables: async_graphql::Variables,
}

fn prepare(request: Request) -> (Request, Asked) {
    let slot = Arc::new(DocumentSlot::default());
    let asked = Asked { slot: slot.clone(), operation_name: request.operation_name.clone(), variables: request.variables.clone() };
    (request.data(slot), asked)
}

fn answer(response: Response, asked: &Asked, relations: &TypeRelations) -> Answer {
    let request_error = ordered::is_request_error(&response);
    let error_codes = response
        .errors
        .iter()
        .map(|e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "UNKNOWN".to_owned(),
        })
        .collect();
    let document = asked.slot.document();
    let plan = document.as_deref().and_then(|d| Plan::new(d, asked.operation_name.as_deref(), &asked.variables, relations));
    Answer { json: ordered::to_json(response, plan.as_ref()), request_error, response: ResponseSummary { error_codes } }
}

/// Executes a single or batched request; a batch answers with one [`Answer`] per operation.
pub async fn run(schema: &CapgraphSchema, store: Arc<Store>, relations: &TypeRelations, request: BatchRequest) -> Vec<Answer> {
    let (request, asked): (BatchRequest, Vec<Asked>) = match request {
        BatchRequest::Single(one) => {
            let (one, asked) = prepare(one);
            (BatchRequest::Single(one), vec![asked])
        }
        BatchRequest::Batch(many) => {
            let (many, asked) = many.into_iter().map(prepare).unzip();
            (BatchRequest::Batch(many), asked)
        }
    };
    let responses = match loaders::execute(schema, store, request).await {
        BatchResponse::Single(one) => vec![one],
        BatchResponse::Batch(many) => many,
    };
    responses.into_iter().zip(&asked).map(|(response, asked)| answer(response, asked, relations)).collect()
}
