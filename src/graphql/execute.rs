//! Runs one HTTP request's operations: answers from the response cache when it can, otherwise
//! through the schema with a fresh loader, and writes their JSON in query order.

use std::sync::Arc;

use async_graphql::{parser::types::ExecutableDocument, BatchRequest, BatchResponse, Request, Response, ServerError};

use super::{
    cache::{CachedAnswer, ResponseCache},
    documents::Documents,
    errors, loaders,
    ordered::{self, Plan, TypeRelations},
    validation, CapgraphSchema,
};
use crate::store::Store;

/// Everything needed to answer GraphQL requests.
pub struct Engine {
    pub schema: CapgraphSchema,
    pub store: Arc<Store>,
    documents: Documents,
    relations: TypeRelations,
    cache: ResponseCache,
    /// Requests executing at once. On a machine with few cores more of them only interleave,
    /// each holding its partial result; a wide query at scale holds a hundred megabytes, so
    /// the rest wait their turn (within the request timeout) instead of all growing together.
    running: tokio::sync::Semaphore,
}

impl Engine {
    /// `cache_bytes`: the response cache's bound (0: none); `concurrency`: requests executed at once.
    pub fn new(schema: CapgraphSchema, documents: Documents, store: Arc<Store>, cache_bytes: u64, concurrency: usize) -> Engine {
        Engine {
            schema,
            store,
            documents,
            relations: TypeRelations::from_sdl(&super::sdl()),
            cache: ResponseCache::new(cache_bytes),
            running: tokio::sync::Semaphore::new(concurrency.max(1)),
        }
    }

    /// Entries and bytes in the response cache.
    pub fn cache_usage(&self) -> (usize, u64) {
        self.cache.usage()
    }

    /// Answers a single or batched request: one [`Answer`] per operation. `key` is the single
    /// request's [`ResponseCache::key`] when the caller has computed it already (for an ETag);
    /// `request_id` is shown on internal errors, whose details stay in the log.
    pub async fn run(&self, request: BatchRequest, key: Option<Arc<str>>, request_id: Option<&str>) -> Vec<Answer> {
        let BatchRequest::Single(one) = request else { return self.execute(request, request_id).await };
        if !self.cache.enabled() {
            // No cache to ask: the key (a normalized copy of the document) would be wasted work.
            return self.execute(BatchRequest::Single(one), request_id).await;
        }
        let key = key.unwrap_or_else(|| ResponseCache::key(&one));
        if let Some(hit) = self.cache.get(&key) {
            return vec![Answer { json: hit.json, request_error: hit.request_error, cached: true, response: ResponseSummary::default() }];
        }
        let answers = self.execute(BatchRequest::Single(one), request_id).await;
        // Only clean answers are kept: an error may be passing (a timeout, an internal fault).
        if let [answer] = answers.as_slice() {
            if answer.response.error_codes.is_empty() {
                self.cache.insert(key, CachedAnswer { json: answer.json.clone(), request_error: answer.request_error });
            }
        }
        answers
    }

    async fn execute(&self, request: BatchRequest, request_id: Option<&str>) -> Vec<Answer> {
        // Held until the answers are written: the partial results live that long. The semaphore
        // is never closed, so acquiring cannot fail.
        let _turn = self.running.acquire().await.ok();
        let requests = match request {
            BatchRequest::Single(one) => vec![one],
            BatchRequest::Batch(many) => many,
        };
        let single = requests.len() == 1;
        // A request whose document fails the limits never runs; the others of a batch still do.
        let (asked, runnable): (Vec<Asked>, Vec<Option<Request>>) = requests.into_iter().map(|r| self.prepare(r)).unzip();
        let mut runnable: Vec<Request> = runnable.into_iter().flatten().collect();
        let batch = match runnable.len() {
            0 => None,
            1 if single => Some(BatchRequest::Single(runnable.remove(0))),
            _ => Some(BatchRequest::Batch(runnable)),
        };
        let responses = match batch {
            None => Vec::new(),
            Some(batch) => match loaders::execute(&self.schema, self.store.clone(), batch).await {
                BatchResponse::Single(one) => vec![one],
                BatchResponse::Batch(many) => many,
            },
        };
        let mut responses = responses.into_iter();
        asked
            .into_iter()
            .map(|asked| {
                let mut response = match &asked.refused {
                    Some(error) => Response::from_errors(vec![error.clone()]),
                    None => responses.next().unwrap_or_else(|| Response::from_errors(vec![ServerError::new("no response", None)])),
                };
                response.errors.iter_mut().for_each(validation::classify);
                answer(response, &asked, &self.relations, request_id)
            })
            .collect()
    }

    fn prepare(&self, mut request: Request) -> (Asked, Option<Request>) {
        let prepared = self.documents.prepare(&mut request);
        let (document, refused) = match prepared {
            Ok(document) => (Some(document), None),
            Err(error) => (None, Some(error)),
        };
        let runnable = refused.is_none();
        let asked = Asked { document, refused, operation_name: request.operation_name.clone(), variables: request.variables.clone() };
        (asked, runnable.then_some(request))
    }

    /// The type of the operation a request selects (see [`Documents::operation_type`]).
    pub fn operation_type(&self, query: &str, operation_name: Option<&str>) -> Option<async_graphql::parser::types::OperationType> {
        self.documents.operation_type(query, operation_name)
    }

    /// Distinct query texts held parsed.
    pub fn parsed_documents(&self) -> usize {
        self.documents.len()
    }
}

/// One operation's answer, serialized.
pub struct Answer {
    pub json: Arc<[u8]>,
    /// Served from the response cache.
    pub cached: bool,
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
    /// `None` when the request was refused before it ran.
    document: Option<Arc<ExecutableDocument>>,
    refused: Option<ServerError>,
    operation_name: Option<String>,
    variables: async_graphql::Variables,
}

fn answer(mut response: Response, asked: &Asked, relations: &TypeRelations, request_id: Option<&str>) -> Answer {
    if let Some(id) = request_id {
        tag_internal_errors(&mut response, id);
    }
    let request_error = ordered::is_request_error(&response);
    let error_codes = response
        .errors
        .iter()
        .map(|e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "UNKNOWN".to_owned(),
        })
        .collect();
    let plan = asked.document.as_deref().and_then(|d| Plan::new(d, asked.operation_name.as_deref(), &asked.variables, relations));
    let json = ordered::to_json(response, plan.as_ref()).into();
    Answer { json, request_error, cached: false, response: ResponseSummary { error_codes } }
}

/// Gives internal errors the request id, which the server's log line carries too.
fn tag_internal_errors(response: &mut Response, request_id: &str) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if matches!(extensions.get("code"), Some(async_graphql::Value::String(code)) if code == errors::INTERNAL) {
            extensions.set("requestId", request_id);
        }
    }
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
        let mut response = Response::from_errors(vec![coded("INTERNAL"), coded("BAD_USER_INPUT")]);
        tag_internal_errors(&mut response, "req-1");
        let id = |i: usize| response.errors[i].extensions.as_ref().and_then(|e| e.get("requestId")).cloned();
        assert_eq!(id(0), Some(Value::from("req-1")));
        assert_eq!(id(1), None);
    }
}
