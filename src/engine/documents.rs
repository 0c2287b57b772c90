//! Parsed documents, kept by query text with what is known of them: their fragments checked,
//! their validation, and the plan of each operation asked for. Clients send the same few
//! documents with different variables; all of this is done once per distinct text. Documents do
//! not depend on the data, so they stay valid across store updates.

use std::sync::{Arc, Mutex};

use async_graphql::{
    dynamic::Schema,
    parser::{parse_query, types::ExecutableDocument},
    Request, ServerError,
};
use quick_cache::sync::Cache;
use tokio::sync::OnceCell;

use super::{
    limits::{self, LimitError},
    plan::{self, CompileError, Plan},
    types::TypeInfo,
    QueryLimits,
};
use crate::errors::{code, code_of, request_error, set_code};

/// One operation's plan, or why there is none.
pub enum Compiled {
    Plan(Plan),
    Refused(ServerError),
    /// The document is invalid; validation reports why.
    Invalid,
}

/// One query text, parsed.
pub struct Document {
    pub ast: ExecutableDocument,
    fragments: Result<(), ServerError>,
    valid: OnceCell<Result<(), Arc<Vec<ServerError>>>>,
    plans: Mutex<Vec<(Option<String>, Arc<Compiled>)>>,
}

impl Document {
    /// The plan of the operation `name` selects, compiled on first use.
    pub fn plan(&self, name: Option<&str>, types: &TypeInfo, limits: &QueryLimits) -> Arc<Compiled> {
        let mut plans = self.plans.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, compiled)) = plans.iter().find(|(n, _)| n.as_deref() == name) {
            return compiled.clone();
        }
        let compiled = Arc::new(match &self.fragments {
            Err(error) => Compiled::Refused(error.clone()),
            Ok(()) => match plan::compile(&self.ast, name, types, limits) {
                Ok(plan) => match limits::check_plan(limits, &plan) {
                    Ok(()) => Compiled::Plan(plan),
                    Err(LimitError(error)) => Compiled::Refused(error),
                },
                Err(CompileError::Refused(error)) => Compiled::Refused(error),
                Err(CompileError::Invalid) => Compiled::Invalid,
            },
        });
        // Operation names come from clients: keep a bounded number per document.
        if plans.len() < 16 {
            plans.push((name.map(str::to_owned), compiled.clone()));
        }
        compiled
    }

    /// async-graphql's validation of the document, run once on the validating schema (which
    /// stops after validation). It runs without variables, so that its result holds for every
    /// request of the document (async-graphql then leaves arguments written with variables to
    /// the variables' coercion).
    pub async fn validate(&self, validator: &Schema, suggestions: bool) -> Result<(), Arc<Vec<ServerError>>> {
        self.valid
            .get_or_init(|| async {
                let mut request = Request::new("");
                request.set_parsed_query(self.ast.clone());
                if let Some((Some(name), _)) = self.ast.operations.iter().next() {
                    request = request.operation_name(name.as_str());
                }
                let mut errors = validator.execute(request).await.errors;
                if errors.len() == 1 && errors[0].message == crate::schema::dynamic::VALID {
                    errors.clear();
                }
                errors.iter_mut().for_each(|e| {
                    if code_of(e).is_none() {
                        super::teach::reword(e, suggestions);
                    }
                    classify(e);
                });
                errors.extend(super::teach::string_enums(&self.ast));
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(Arc::new(errors))
                }
            })
            .await
            .clone()
    }
}

/// Gives a code to an error async-graphql raised without one: its validation errors.
pub fn classify(error: &mut ServerError) {
    if code_of(error).is_some() {
        return;
    }
    set_code(error, if error.path.is_empty() { code::GRAPHQL_VALIDATION_FAILED } else { code::BAD_USER_INPUT });
}

/// Every request's document, from the cache when it can.
pub struct Documents {
    limits: QueryLimits,
    /// Only documents that parsed and passed the text checks; bounded by count (each is at most
    /// `limits.query_chars` long).
    parsed: Cache<Arc<str>, Arc<Document>>,
}

impl Documents {
    pub fn new(limits: QueryLimits, capacity: usize) -> Documents {
        Documents { limits, parsed: Cache::new(capacity.max(1)) }
    }

    /// The document of a query text: checked against the text limits and parsed, once.
    pub fn get(&self, query: &str) -> Result<Arc<Document>, ServerError> {
        if let Some(document) = self.parsed.get(query) {
            return Ok(document);
        }
        limits::check_text(&self.limits, query).map_err(|LimitError(e)| e)?;
        let ast = parse_query(query).map_err(|err| super::teach::parse_error(query, err))?;
        let budget = self.limits.complexity.clamp(10_000, 1_000_000) as u64;
        let fragments = match plan::check_fragments(&ast, budget) {
            Ok(()) => Ok(()),
            Err(CompileError::Refused(error)) => Err(error),
            // An unknown fragment: validation names it.
            Err(CompileError::Invalid) => Ok(()),
        };
        let document = Arc::new(Document { ast, fragments, valid: OnceCell::new(), plans: Mutex::default() });
        self.parsed.insert(query.into(), document.clone());
        Ok(document)
    }

    /// Distinct texts held.
    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parsed.is_empty()
    }
}

/// The request error for a document no plan can be made of although it is valid (a bug: the
/// plan covers every field of the schema).
pub fn unplannable() -> ServerError {
    request_error(code::INTERNAL, "internal error", None)
}
