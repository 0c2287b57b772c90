//! `/graphql`: runs GET and POST requests (single or batched), following GraphQL-over-HTTP (the
//! README's "Conformance" section lists where and why not). This file is the request's path;
//! each step has its own module:
//!
//! 1. the response's media type from `Accept` ([`super::media`]); 406 when neither is accepted;
//! 2. CSRF, content type and body size ([`super::limits`]), then the operations decoded
//!    ([`super::request`]) and the batch size checked;
//! 3. each operation's query found or checked by its persisted-query hash ([`super::persisted`])
//!    and prepared by the engine (parsed, validated, planned);
//! 4. for a GET: a mutation is refused (405), a matching `If-None-Match` answered with 304 before
//!    anything runs ([`super::caching`]);
//! 5. the engine runs the prepared operations; the answers are written in the negotiated media
//!    type, a kept answer in the compressed form the client accepts;
//! 6. caching headers, and the [`Outcome`] for the log and the metrics.
//!
//! Why not `async-graphql-axum` (the fixed stack's axum integration; not a dependency, since nothing
//! would use it): its `GraphQLRequest`/`GraphQLBatchRequest` extractors feed `Schema::execute`,
//! while capgraph runs its own plans from a request prepared once (operation type, cache key and
//! ETag known before running). And this handler does what those extractors and `GraphQLResponse`
//! do not: a body limit enforced while the body streams in, status codes per negotiated media type
//! (GraphQL-over-HTTP), Automatic Persisted Queries over GET, refusals with `extensions.code`, and
//! kept answers sent precompressed. The README's "Conformance" section says the same.
//!
//! Requests that are not well-formed GraphQL-over-HTTP get a 4xx status and a GraphQL error body
//! ([`crate::errors::http`]). A request that was well-formed but did not parse or validate gets
//! 400 under `application/graphql-response+json` and 200 under `application/json`.

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use axum::{
    body::Body,
    extract::State,
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};

use super::{
    caching::{self, Caching},
    limits,
    media::{negotiate, MediaType},
    outcome::Outcome,
    persisted::{self, PersistedQueries, PersistedQuery, Resolved},
    request::{self, Operations},
    request_id,
    state::{AppState, Live},
};
use crate::{
    engine::{cache::Coding, Answer, Prepared},
    errors::{
        code,
        http::{error_response, Rejection},
        refusal_body,
    },
};

/// What the `/graphql` route keeps beside the application state; built once by the router.
pub struct Route {
    pub persisted: PersistedQueries,
}

/// Any method but GET and POST.
pub async fn method_not_allowed() -> Response {
    let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, code::METHOD_NOT_ALLOWED, "use GET or POST");
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

pub async fn execute(State(app): State<AppState>, Extension(route): Extension<Arc<Route>>, request: axum::extract::Request) -> Response {
    // The request keeps this version of the data to the end, whatever a reload does meanwhile.
    let Some(live) = app.live() else {
        let (phase, seconds, _) = app.progress().snapshot();
        let message = format!("the store is being built ({phase}, {seconds} s so far); retry shortly");
        let mut response = error_response(StatusCode::SERVICE_UNAVAILABLE, code::STARTING, message);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(super::state::RETRY_AFTER_SECONDS));
        return response;
    };
    let (parts, body) = request.into_parts();
    let mut response = match negotiate(&parts.headers) {
        None => {
            let message = "the response can be application/graphql-response+json or application/json; `Accept` allows neither";
            Rejection::new(StatusCode::NOT_ACCEPTABLE, code::NOT_ACCEPTABLE, message).respond(MediaType::Json.content_type())
        }
        Some(media) => match handle(&app, &live, &route, &parts, body, media).await {
            Ok(response) => response,
            Err(rejection) => rejection.respond(media.content_type()),
        },
    };
    caching::finish(response.headers_mut());
    response
}

async fn handle(app: &AppState, live: &Live, route: &Route, parts: &Parts, body: Body, media: MediaType) -> Result<Response, Rejection> {
    limits::check_csrf(&parts.method, &parts.headers)?;
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    let operations = if get {
        request::from_query_string(parts)?
    } else {
        limits::check_content_type(&parts.headers)?;
        let bytes = limits::read_body(body, &parts.headers, app.limits.body_bytes).await?;
        request::from_json(&bytes)?
    };
    let (batched, operations) = match operations {
        Operations::Single(one) => (false, vec![one]),
        Operations::Batch(many) => (true, many),
    };
    if operations.len() > app.limits.batch {
        let message = format!("a batch may hold at most {} operations, this one has {}", app.limits.batch, operations.len());
        return Err(Rejection::new(StatusCode::BAD_REQUEST, code::BATCH_TOO_LARGE, message));
    }

    // Persisted queries: each operation either runs or is already answered (not found).
    let mut slots: Vec<Slot> = Vec::with_capacity(operations.len());
    for (i, operation) in operations.into_iter().enumerate() {
        let at = request::batch_item(batched.then_some(i));
        slots.push(match persisted::resolve(operation.query, operation.persisted, &route.persisted, &at)? {
            Resolved::Run { query, register } => {
                let prepared = live.engine.prepare(&query, operation.operation_name.as_deref(), operation.variables).await;
                Slot::Run { prepared, register: register.map(|hash| (hash, query)) }
            }
            // Logged and counted under the name the client sent, as the retry with the query will be.
            Resolved::Answered(answer) => Slot::Answered { answer, operation_name: operation.operation_name },
        });
    }
    let names: Vec<Option<String>> = slots
        .iter()
        .map(|slot| match slot {
            Slot::Run { prepared, .. } => prepared.operation_name.clone(),
            Slot::Answered { operation_name, .. } => operation_name.clone(),
        })
        .collect();

    let etag = match (get, slots.as_slice()) {
        (true, [Slot::Run { prepared, .. }]) => {
            if prepared.operation_type() == Some(OperationType::Mutation) {
                return Ok(mutation_by_get(media));
            }
            match prepared.cache_key() {
                Some(key) => {
                    let tag = live.caching.etag(key, media.essence());
                    if caching::none_match(&parts.headers, &tag) {
                        return Ok(not_modified(tag, &live.caching, names));
                    }
                    Some(tag)
                }
                None => None,
            }
        }
        _ => None,
    };

    let answers = run(live, route, parts, slots).await;

    let success = answers.iter().all(|a| !a.request_error && a.error_codes.is_empty());
    let outcome = Outcome {
        operations: names,
        error_codes: answers.iter().flat_map(|a| a.error_codes.iter().cloned()).collect(),
        cached: answers.iter().all(|a| a.cached),
    };
    let persisted_error = outcome.error_codes.iter().any(|c| c.starts_with(code::PERSISTED_QUERY_PREFIX));
    let mut response = match etag {
        Some(tag) if success && caching::none_match_any(&parts.headers) => return Ok(not_modified(tag, &live.caching, outcome.operations)),
        Some(tag) if success => {
            let mut response = respond(media, batched, &answers, &parts.headers);
            caching::mark_cacheable(response.headers_mut(), tag, &live.caching);
            response
        }
        _ => {
            let mut response = respond(media, batched, &answers, &parts.headers);
            if persisted_error {
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(persisted::ERROR_CACHE_CONTROL));
            }
            response
        }
    };
    // For the request log and the metrics, which run outside this handler.
    response.extensions_mut().insert(outcome);
    Ok(response)
}

/// GraphQL-over-HTTP: a mutation by GET gets 405 and `Allow: POST`.
fn mutation_by_get(media: MediaType) -> Response {
    let rejection =
        Rejection::new(StatusCode::METHOD_NOT_ALLOWED, code::METHOD_NOT_ALLOWED, "a mutation cannot be sent with GET: use POST");
    let mut response = rejection.respond(media.content_type());
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// A 304 with its outcome: nothing ran, no error, and the answer came from (the client's) cache.
fn not_modified(tag: headers::ETag, caching: &Caching, operations: Vec<Option<String>>) -> Response {
    let mut response = caching::not_modified(tag, caching);
    response.extensions_mut().insert(Outcome { operations, error_codes: Vec::new(), cached: true });
    response
}

/// An operation prepared (and, with a hash and its query, to register once it validated), or
/// already answered.
enum Slot {
    Run { prepared: Prepared, register: Option<(PersistedQuery, String)> },
    Answered { answer: Answer, operation_name: Option<String> },
}

/// Runs the prepared operations, registers the persisted queries that parsed and validated, and
/// puts every answer in its place.
async fn run(live: &Live, route: &Route, parts: &Parts, slots: Vec<Slot>) -> Vec<Answer> {
    let mut answers: Vec<Option<Answer>> = Vec::with_capacity(slots.len());
    let mut prepared = Vec::new();
    let mut registers = Vec::new();
    for slot in slots {
        match slot {
            Slot::Answered { answer, .. } => answers.push(Some(answer)),
            Slot::Run { prepared: one, register } => {
                answers.push(None);
                registers.push(register);
                prepared.push(one);
            }
        }
    }
    if !prepared.is_empty() {
        let request_id = request_id::request_id(&parts.headers);
        let mut ran = live.engine.run(prepared, request_id.as_deref()).await.into_iter();
        let mut registers = registers.into_iter();
        for slot in answers.iter_mut().filter(|a| a.is_none()) {
            let Some(answer) = ran.next() else { break };
            if let Some(Some((persisted, query))) = registers.next() {
                if !answer.request_error {
                    route.persisted.insert(&persisted.sha256, &query);
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
    Answer::from_json(refusal_body(code::INTERNAL, "internal error"), true, vec![code::INTERNAL.to_owned()])
}

/// Writes the answers with the negotiated media type. A single answer kept by the response
/// cache is sent in the compressed form the client accepts, made once for every request.
fn respond(media: MediaType, batched: bool, answers: &[Answer], headers: &HeaderMap) -> Response {
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
