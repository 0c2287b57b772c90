//! The plans against async-graphql's own execution: every query of the repository, and random
//! valid operations over the whole schema, give the same bytes both ways (data, and errors with
//! their message, path, locations and extensions). The report says which path each corpus took.

use crate::common;
#[path = "differential/generate.rs"]
mod generate;

use std::{collections::BTreeMap, path::Path, sync::OnceLock};

use async_graphql::Variables;
use capgraph::{config::ServeArgs, engine::Route, AppState};
use serde_json::Value;

/// The bundled fixtures' engine, with a runtime to run on. No response cache: every answer is
/// computed.
pub fn app() -> &'static (tokio::runtime::Runtime, AppState) {
    static APP: OnceLock<(tokio::runtime::Runtime, AppState)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let data = tempfile::tempdir().unwrap().keep();
        let args = ServeArgs { data_dir: data, response_cache_mb: 0, max_complexity: 100_000_000, ..Default::default() };
        let state = capgraph::open(&args, common::fixtures_dir()).unwrap();
        (runtime, state)
    })
}

/// One request both ways: (planned answer, reference answer, route).
pub fn both(query: &str, variables: &Value, operation: Option<&str>) -> (String, String, Route) {
    let (runtime, state) = app();
    runtime.block_on(async {
        let live = state.live().expect("open serves the store");
        let engine = &live.engine;
        let prepared = engine.prepare(query, operation, Variables::from_json(variables.clone())).await;
        let route = prepared.route();
        let reference = engine.reference(&prepared).await;
        let planned = engine.run(vec![prepared], None).await.remove(0).json;
        (String::from_utf8(planned.to_vec()).unwrap(), String::from_utf8(reference.to_vec()).unwrap(), route)
    })
}

/// Asserts both ways agree, byte for byte; returns the route.
pub fn agree(label: &str, query: &str, variables: &Value, operation: Option<&str>) -> Route {
    let (planned, reference, route) = both(query, variables, operation);
    assert!(
        planned == reference,
        "{label}: the plan and async-graphql disagree\nquery: {query}\nvariables: {variables}\nplanned:   {planned}\nreference: {reference}"
    );
    route
}

/// The example variables a query file states: `NAME.variables.json` beside it, or a
/// `# Variables: {…}` header line.
fn variables_of(path: &Path, text: &str) -> Value {
    let beside = path.with_extension("variables.json");
    if let Ok(json) = std::fs::read_to_string(&beside) {
        return serde_json::from_str(&json).unwrap();
    }
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# Variables:") {
            let end = rest.rfind('}').map_or(rest.len(), |i| i + 1);
            return serde_json::from_str(rest[..end].trim()).unwrap();
        }
    }
    Value::Object(Default::default())
}

#[test]
fn every_query_of_the_repository_answers_the_same_through_the_plan() {
    let mut report: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for dir in ["examples", "bench/queries", "tests/queries"] {
        let mut files: Vec<_> = std::fs::read_dir(common::repo().join(dir)).unwrap().flatten().map(|e| e.path()).collect();
        files.retain(|p| p.extension().is_some_and(|e| e == "graphql"));
        files.sort();
        assert!(!files.is_empty(), "{dir} has queries");
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let route = agree(&path.display().to_string(), &text, &variables_of(&path, &text), None);
            *report.entry(dir.to_owned()).or_default().entry(format!("{route:?}")).or_default() += 1;
        }
    }
    eprintln!("routes by corpus: {report:?}");
    assert!(report["examples"].keys().all(|r| r == "Planned"), "every example is planned: {report:?}");
}

#[test]
fn errors_null_the_nearest_nullable_parent_both_ways() {
    let cases = [
        // `Nation.projects` is non-null: its error nulls the nation.
        (r#"{ nation(code: "DEU") { code projects(first: 2, after: "garbage") { totalCount } } }"#, r#"{"nation":null}"#),
        // `Query.projects` is non-null: the error reaches `data`.
        (r#"{ t: __typename projects(first: -1) { totalCount } }"#, "null"),
        // A nullable field's error nulls the field alone.
        (
            r#"{ project(code: "c-socc") { code contracts(first: 1, after: "x") { totalCount } } nation(code: "FRA") { code } }"#,
            r#"{"project":null,"nation":{"code":"FRA"}}"#,
        ),
        // Non-null list items, lists and connections pass the null up to the nullable `participant`.
        (
            r#"{ project(code: "c-socc") { participants { participant { ... on Nation { projects(last: 1, first: 1) { totalCount } } } } } }"#,
            r#"{"project":{"participants":[{"participant":null},{"participant":null},{"participant":null}]}}"#,
        ),
        // ... and up to `data` when nothing on the way is nullable.
        (r#"{ projects(first: 2) { nodes { code contracts(after: "x") { totalCount } } } }"#, "null"),
    ];
    for (query, data) in cases {
        let (planned, reference, _) = both(query, &Value::Null, None);
        assert_eq!(planned, reference, "{query}");
        let answer: Value = serde_json::from_str(&planned).unwrap();
        assert_eq!(answer["data"], serde_json::from_str::<Value>(data).unwrap(), "{query}: {planned}");
        let errors = answer["errors"].as_array().unwrap();
        assert!(!errors.is_empty() && errors.iter().all(|e| e["path"].is_array() && e["locations"].is_array()), "{planned}");
    }
}

#[test]
fn variable_defaults_apply_to_skip_and_include() {
    let query = r#"query Q($s: Boolean = true) { project(code: "mawi") { code name @skip(if: $s) } }"#;
    let (planned, reference, _) = both(query, &Value::Null, None);
    assert_eq!(planned, reference);
    assert_eq!(planned, r#"{"data":{"project":{"code":"mawi"}}}"#);
    let (planned, _, _) = both(query, &serde_json::json!({ "s": false }), None);
    assert_eq!(planned, r#"{"data":{"project":{"code":"mawi","name":"Multinational Ammunition Warehousing Initiative"}}}"#);
}

/// Random valid operations over the whole schema (`generate`), through `agree`: a fixed number
/// of cases from a fixed seed (`CAPGRAPH_DIFFERENTIAL_CASES`, `CAPGRAPH_DIFFERENTIAL_SEED` to
/// explore further). Disagreements are shrunk to small documents (within a time budget); the
/// report gives the share of the corpus each route took and the fields the corpus selected.
#[test]
fn random_valid_operations_answer_the_same_through_the_plan() {
    use proptest::{
        strategy::{Strategy, ValueTree},
        test_runner::{Config, RngSeed, TestRunner},
    };
    use std::time::{Duration, Instant};

    let setting = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let cases = setting("CAPGRAPH_DIFFERENTIAL_CASES", 400) as u32;
    let seed = setting("CAPGRAPH_DIFFERENTIAL_SEED", 20_251_201);
    let config = Config { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(seed), ..Config::default() };
    let mut runner = TestRunner::new(config);
    let strategy = generate::operations();
    let started = Instant::now();
    // What is wrong with a case, if anything: (class, `agree`'s message).
    let failure = |label: &str, case: &generate::Case| -> Option<(String, String)> {
        let operation = case.operation.as_deref();
        match generate::quietly(|| agree(label, &case.query, &case.variables, operation)) {
            Ok(_) => None,
            Err(message) if message.contains("the plan and async-graphql disagree") => {
                let (planned, reference, _) = both(&case.query, &case.variables, operation);
                let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
                let (planned, reference) = (parse(&planned), parse(&reference));
                let same = |key: &str| if planned[key] == reference[key] { "same" } else { "differ" };
                Some((format!("data {}, errors {}", same("data"), same("errors")), message))
            }
            Err(message) => Some(("panic".to_owned(), message)),
        }
    };
    let mut routes: BTreeMap<String, usize> = BTreeMap::new();
    let mut selected = std::collections::BTreeSet::new();
    let mut refusals: Vec<String> = Vec::new();
    // Shrunk failures: (class, minimal case, message); and how many cases failed.
    let mut failures: Vec<(String, generate::Case, String)> = Vec::new();
    let mut failed = 0;
    let shrinking = Duration::from_secs(20);
    let mut shrunk_for = Duration::ZERO;
    for n in 0..cases {
        let mut tree = strategy.new_tree(&mut runner).expect("a generated operation");
        selected.extend(tree.doc().selected.iter().cloned());
        let case = tree.current();
        let label = format!("generated case {n}");
        let route = match failure(&label, &case) {
            None => {
                let (planned, _, route) = both(&case.query, &case.variables, case.operation.as_deref());
                if route == Route::Refused && refusals.len() < 3 {
                    refusals.push(format!("{label}:\n{}\nvariables: {}\nanswer: {planned}", case.query, case.variables));
                }
                format!("{route:?}")
            }
            Some((class, message)) => {
                failed += 1;
                let route = generate::quietly(|| both(&case.query, &case.variables, case.operation.as_deref()).2)
                    .map_or_else(|_| "Panicked".to_owned(), |r| format!("{r:?}"));
                if shrunk_for < shrinking {
                    let begun = Instant::now();
                    let deadline = begun + (shrinking - shrunk_for);
                    let (minimal, message) = match generate::shrink(&mut tree, &class, |c| failure(&label, c), 300, deadline) {
                        (minimal, Some(shrunk)) => (minimal, shrunk),
                        (minimal, None) => (minimal, message),
                    };
                    shrunk_for += begun.elapsed();
                    if !failures.iter().any(|(_, c, _)| c.query == minimal.query) {
                        failures.push((class, minimal, message));
                    }
                }
                format!("{route} (disagreed)")
            }
        };
        *routes.entry(route).or_default() += 1;
    }
    let total = cases.max(1) as f64;
    let ran = routes.iter().filter(|(r, _)| r.starts_with("Planned")).map(|(_, n)| n).sum::<usize>() as f64 / total;
    let shares: Vec<String> = routes.iter().map(|(r, n)| format!("{r}: {n} ({:.1}%)", 100.0 * *n as f64 / total)).collect();
    let reachable = strategy.reachable_fields();
    let never: Vec<String> = reachable.difference(&selected).map(|(t, f)| format!("{t}.{f}")).collect();
    eprintln!("generated operations: {cases} cases (seed {seed}) in {:.1?}; routes: {}", started.elapsed(), shares.join(", "));
    eprintln!("fields selected: {} of the {} reachable from Query; never: {never:?}", reachable.len() - never.len(), reachable.len());
    for refusal in &refusals {
        eprintln!("refused: {refusal}");
    }
    failures.sort_by_key(|(_, case, _)| case.query.len());
    for (class, case, message) in failures.iter().take(10) {
        eprintln!("--- disagreement ({class}), shrunk; operation {:?}:\n{message}\n", case.operation);
    }
    assert!(
        failed == 0,
        "{failed} of {cases} generated operations disagree between the plan and async-graphql ({} distinct shrunk cases, the shortest above)",
        failures.len()
    );
    assert!(ran >= 0.9, "only {:.1}% of the generated operations ran: {shares:?}", 100.0 * ran);
}

#[test]
fn every_data_field_of_the_schema_is_planned() {
    use capgraph::{
        engine::types::{Kind, Source, TypeInfo},
        schema::dynamic::{schema, SchemaOptions},
    };
    let types = TypeInfo::new(schema(SchemaOptions { introspection: true, suggestions: true, recursion: 32 }).registry());
    let mut fields = 0;
    for entry in types.types.iter().filter(|t| t.kind == Kind::Object && !t.name.starts_with("__")) {
        for (name, field) in entry.fields.iter().filter(|(name, _)| !name.starts_with("__")) {
            assert!(matches!(field.source, Source::Def(..)), "{}.{name} has no definition the plan runs", entry.name);
            fields += 1;
        }
    }
    assert!(fields > 200, "{fields} fields");
}
