//! The request pipeline: the one door `http` calls, once to prepare a request and once to run it.
//!
//! - [`documents`]: query texts parsed (after the text limits), their fragments checked, their
//!   validation by async-graphql and their operations' plans, each kept once per text;
//! - [`plan`]: a document's operation compiled into a plan, the one walk of a document;
//! - [`limits`]: every limit, read from the text or the plan;
//! - [`variables`]: the request's variables coerced;
//! - [`execute`]: a plan run level by level over the store, batched reads per level;
//! - [`writer`]: the answer's JSON written in query order, errors nulling the nearest nullable
//!   parent;
//! - [`reference`]: async-graphql's own execution, made exact to the spec;
//! - [`cache`]: answers kept, with their compressed forms.

pub mod cache;
pub mod documents;
pub mod execute;
pub mod json;
pub mod limits;
pub mod plan;
pub mod reference;
pub mod teach;
pub mod types;
pub mod variables;
pub mod writer;

use std::sync::Arc;

use async_graphql::{dynamic::Schema, parser::types::OperationType, ServerError, Value, Variables};
use bytes::Bytes;

use self::{
    cache::{CachedAnswer, ResponseCache},
    documents::{Compiled, Document, Documents},
    execute::Run,
    limits::LimitError,
    types::TypeInfo,
};
use crate::{
    errors::{code, code_of},
    schema::{self, args::Args, dynamic::SchemaOptions, PageLimits},
    store::{LongestLists, Store},
};

/// Limits that protect the server from expensive queries ([`limits`] enforces them).
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// Deepest nesting of fields.
    pub depth: usize,
    /// Highest complexity, lists costed by their page size.
    pub complexity: usize,
    /// Most aliases in one document.
    pub aliases: usize,
    /// Most fields at the root of the operation.
    pub root_fields: usize,
    /// Most directives on one field (or fragment).
    pub directives: usize,
    /// Longest query text, in characters.
    pub query_chars: usize,
    /// Most tokens in the query text.
    pub tokens: usize,
    /// Size assumed, for complexity, of a list that has no page size.
    pub list_size: usize,
    pub page: PageLimits,
    /// Whether `__schema` and `__type` may be queried.
    pub introspection: bool,
    /// Whether errors may suggest names ("did you mean …").
    pub suggestions: bool,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            depth: 16,
            complexity: 20_000,
            aliases: 30,
            root_fields: 20,
            directives: 5,
            query_chars: 32_768,
            tokens: 5_000,
            list_size: 10,
            page: PageLimits::default(),
            introspection: true,
            suggestions: true,
        }
    }
}

/// How the engine is set up.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    pub limits: QueryLimits,
    /// Distinct query texts kept parsed.
    pub documents: usize,
    /// Bytes of answers kept (0: none).
    pub cache_bytes: u64,
    /// Requests executed at once.
    pub concurrency: usize,
}

/// Everything needed to answer GraphQL requests.
pub struct Engine {
    schema: Schema,
    /// The same schema, stopping after validation.
    validator: Schema,
    store: Arc<Store>,
    types: TypeInfo,
    /// The longest lists the store holds, which bound what a list costs.
    longest: LongestLists,
    documents: Documents,
    cache: ResponseCache,
    limits: QueryLimits,
    /// Requests executing at once. On a machine with few cores more of them only interleave,
    /// each holding its partial result; a wide query at scale holds many megabytes, so the rest
    /// wait their turn (within the request timeout) instead of all growing together.
    running: tokio::sync::Semaphore,
}

/// A request checked and bound, ready to run (or already answered with a request error).
pub struct Prepared {
    pub operation_name: Option<String>,
    operation_type: Option<OperationType>,
    state: State,
}

enum State {
    Refused(Vec<ServerError>),
    Ready(Box<Ready>),
}

struct Ready {
    document: Arc<Document>,
    compiled: Arc<Compiled>,
    variables: Variables,
    conditions: Vec<bool>,
    key: Arc<str>,
}

impl Ready {
    fn plan(&self) -> &plan::Plan {
        match &*self.compiled {
            Compiled::Plan(plan) => plan,
            _ => unreachable!("only planned requests are ready"),
        }
    }
}

impl Prepared {
    /// The type of the operation the request selects, when it selects one.
    pub fn operation_type(&self) -> Option<OperationType> {
        self.operation_type
    }

    /// What the answer depends on (for the response cache and ETags); `None` for a request
    /// refused before running.
    pub fn cache_key(&self) -> Option<&Arc<str>> {
        match &self.state {
            State::Ready(ready) => Some(&ready.key),
            State::Refused(_) => None,
        }
    }

    /// Which path the request takes.
    pub fn route(&self) -> Route {
        match &self.state {
            State::Refused(_) => Route::Refused,
            State::Ready(ready) if ready.plan().introspection.is_some() => Route::PlannedWithIntrospection,
            State::Ready(_) => Route::Planned,
        }
    }
}

/// The path a request takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Refused before running (parse, validation, a limit, variables).
    Refused,
    /// Every field run by the plan.
    Planned,
    /// The plan, with the introspection fields' values from async-graphql.
    PlannedWithIntrospection,
}

/// One operation's answer, serialized.
pub struct Answer {
    pub json: Bytes,
    /// The kept answer (with its compressed forms), when the answer is in the response cache.
    pub kept: Option<Arc<CachedAnswer>>,
    /// Served from the response cache.
    pub cached: bool,
    /// The operation never ran (it did not parse, validate or pass a limit): GraphQL-over-HTTP
    /// gives it a 4xx status when the client accepts `application/graphql-response+json`.
    pub request_error: bool,
    /// `extensions.code` of every error, for logs and metrics.
    pub error_codes: Vec<String>,
}

impl Answer {
    /// An answer made outside the engine (a persisted-query error, say).
    pub fn from_json(json: impl Into<Bytes>, request_error: bool, error_codes: Vec<String>) -> Answer {
        Answer { json: json.into(), kept: None, cached: false, request_error, error_codes }
    }
}

fn codes_of(errors: &[ServerError]) -> Vec<String> {
    errors.iter().map(|e| code_of(e).unwrap_or("UNKNOWN").to_owned()).collect()
}

/// Gives internal errors the request id, which the server's log line carries too.
fn tag_internal_errors(errors: &mut [ServerError], request_id: Option<&str>) {
    let Some(id) = request_id else { return };
    for error in errors.iter_mut().filter(|e| code_of(e) == Some(code::INTERNAL)) {
        error.extensions.get_or_insert_with(Default::default).set("requestId", id);
    }
}

impl Engine {
    pub fn new(store: Arc<Store>, config: EngineConfig) -> Engine {
        let limits = config.limits;
        let options = SchemaOptions {
            // Introspection stays on in the schema: the limits refuse it, with their own code.
            introspection: true,
            suggestions: limits.suggestions,
            recursion: limits::nesting_limit(limits.depth),
        };
        let schema = schema::dynamic::schema(options);
        let types = TypeInfo::new(schema.registry());
        // Unknown bounds (an unreadable link count) leave lists costed by the page they ask for.
        let longest = store.longest_lists().unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot read the store's list lengths; complexity costs lists by their page size");
            LongestLists::default()
        });
        Engine {
            schema,
            validator: schema::dynamic::validator(options),
            store,
            types,
            longest,
            documents: Documents::new(limits, config.documents),
            cache: ResponseCache::new(config.cache_bytes),
            limits,
            running: tokio::sync::Semaphore::new(config.concurrency.max(1)),
        }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Entries and bytes in the response cache.
    pub fn cache_usage(&self) -> (usize, u64) {
        self.cache.usage()
    }

    /// Distinct query texts held parsed.
    pub fn parsed_documents(&self) -> usize {
        self.documents.len()
    }

    /// Checks a request and binds it to its plan.
    pub async fn prepare(&self, query: &str, operation_name: Option<&str>, variables: Variables) -> Prepared {
        let refused = |errors: Vec<ServerError>, operation_type| Prepared {
            operation_name: operation_name.map(str::to_owned),
            operation_type,
            state: State::Refused(errors),
        };
        let document = match self.documents.get(query) {
            Ok(document) => document,
            Err(error) => return refused(vec![error], None),
        };
        let operation = plan::select_operation(&document.ast, operation_name).ok();
        let operation_type = operation.map(|o| o.node.ty);
        let compiled = document.plan(operation_name, &self.types, &self.limits);
        let plan = match &*compiled {
            Compiled::Refused(error) => return refused(vec![error.clone()], operation_type),
            Compiled::Invalid => {
                let errors = match document.validate(&self.validator, self.limits.suggestions).await {
                    Err(errors) => errors.to_vec(),
                    Ok(()) => vec![documents::unplannable()],
                };
                return refused(errors, operation_type);
            }
            Compiled::Plan(plan) => plan,
        };
        if let Err(errors) = document.validate(&self.validator, self.limits.suggestions).await {
            return refused(errors.to_vec(), operation_type);
        }
        let Some(operation) = operation else { return refused(vec![documents::unplannable()], operation_type) };
        let variables = match variables::coerce_variables(&operation.node, &variables, self.limits.suggestions) {
            Ok(variables) => variables,
            Err(error) => return refused(vec![error], operation_type),
        };
        let conditions: Vec<bool> =
            plan.condition_variables.iter().map(|name| matches!(variables.get(name), Some(Value::Boolean(true)))).collect();
        let costing = limits::Costing { limits: &self.limits, types: &self.types, longest: &self.longest };
        if let Err(LimitError(error)) = limits::check_complexity(&costing, plan, &variables, &conditions) {
            return refused(vec![error], operation_type);
        }
        let key = ResponseCache::key(&plan.fingerprint, &variables);
        let ready = Ready { document, compiled: compiled.clone(), variables, conditions, key };
        Prepared { operation_name: operation_name.map(str::to_owned), operation_type, state: State::Ready(Box::new(ready)) }
    }

    /// Answers prepared requests (one, or a batch's), from the response cache when it can.
    pub async fn run(&self, batch: Vec<Prepared>, request_id: Option<&str>) -> Vec<Answer> {
        let mut answers: Vec<Option<Answer>> = batch.iter().map(|p| self.cached(p)).collect();
        if answers.iter().all(Option::is_some) {
            return answers.into_iter().flatten().collect();
        }
        // Held until the answers are written: the partial results live that long. The semaphore
        // is never closed, so acquiring cannot fail.
        let _turn = self.running.acquire().await.ok();
        for (slot, prepared) in answers.iter_mut().zip(batch) {
            if slot.is_none() {
                *slot = Some(self.answer(prepared, request_id).await);
            }
        }
        answers.into_iter().flatten().collect()
    }

    fn cached(&self, prepared: &Prepared) -> Option<Answer> {
        let kept = self.cache.get(prepared.cache_key()?)?;
        Some(Answer { json: kept.json.clone(), request_error: kept.request_error, kept: Some(kept), cached: true, error_codes: Vec::new() })
    }

    async fn answer(&self, prepared: Prepared, request_id: Option<&str>) -> Answer {
        let ready = match prepared.state {
            State::Refused(mut errors) => {
                tag_internal_errors(&mut errors, request_id);
                let json = json::envelope(&errors, None, None);
                return Answer::from_json(json, true, codes_of(&errors));
            }
            State::Ready(ready) => ready,
        };
        let plan = ready.plan();
        // Bound now, not when prepared: a cached answer needs none of it.
        let registry = schema::registry();
        let args: Vec<Args> = plan
            .fields
            .iter()
            .map(|f| match f.def {
                Some(def) => schema::args::bind(registry, &def.args, &f.arguments, &ready.variables),
                None => Args::default(),
            })
            .collect();
        let introspection = match plan.introspection {
            Some(_) => Some(self.introspect(&ready, prepared.operation_name.as_deref()).await),
            None => None,
        };
        let written = execute::execute(&Run {
            plan,
            types: &self.types,
            store: &self.store,
            page: self.limits.page,
            conditions: &ready.conditions,
            args: &args,
            introspection: introspection.as_ref(),
        });
        let mut errors = written.errors;
        tag_internal_errors(&mut errors, request_id);
        let json: Bytes = if errors.is_empty() {
            let mut body = written.body;
            body.push(b'}');
            body.into()
        } else {
            json::envelope(&errors, Some(&written.body[execute::DATA_PREFIX.len()..]), None).into()
        };
        // Only clean answers are kept: an error may be passing (an internal fault).
        let kept = (errors.is_empty() && self.cache.enabled()).then(|| {
            let kept = Arc::new(CachedAnswer::new(json.clone(), false));
            self.cache.insert(ready.key.clone(), kept.clone());
            kept
        });
        Answer { json, kept, cached: false, request_error: false, error_codes: codes_of(&errors) }
    }

    /// async-graphql's answer to the operation's introspection fields: an introspection-only
    /// execution, in which no data field runs.
    async fn introspect(
        &self,
        ready: &Ready,
        operation_name: Option<&str>,
    ) -> async_graphql::indexmap::IndexMap<async_graphql::Name, Value> {
        let mut request = async_graphql::Request::new("").variables(ready.variables.clone()).only_introspection();
        request.set_parsed_query(ready.document.ast.clone());
        if let Some(name) = operation_name {
            request = request.operation_name(name);
        }
        match self.schema.execute(request).await.data {
            Value::Object(map) => map,
            _ => Default::default(),
        }
    }

    /// The same request through async-graphql's own execution, made exact to the spec: the
    /// reference the plans are tested against.
    pub async fn reference(&self, prepared: &Prepared) -> Bytes {
        let ready = match &prepared.state {
            State::Refused(errors) => return json::envelope(errors, None, None).into(),
            State::Ready(ready) => ready,
        };
        let (data, errors) = reference::execute(
            &self.schema,
            self.store.clone(),
            self.limits.page,
            &ready.document.ast,
            prepared.operation_name.as_deref(),
            ready.variables.clone(),
            ready.plan(),
            &self.types,
            &ready.conditions,
        )
        .await;
        json::envelope(&errors, data.as_deref(), None).into()
    }
}
