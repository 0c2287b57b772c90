//! Property tests: random and mutated documents to the schema executor, random and mutated
//! fixture files to the loader. Never a panic or a hang; always a clear error.

use crate::common;

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
    time::Duration,
};

use async_graphql::Variables;
use capgraph::{config::ServeArgs, AppState};
use proptest::{prelude::*, test_runner::Config};
use serde_json::Value;

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------------------------------------
// Documents to the executor.

/// The bundled fixtures' schema and store, with a runtime to execute on.
fn app() -> &'static (tokio::runtime::Runtime, AppState) {
    static APP: OnceLock<(tokio::runtime::Runtime, AppState)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let data = tempfile::tempdir().unwrap().keep();
        let state = capgraph::open(&ServeArgs { data_dir: data, ..Default::default() }, common::fixtures_dir()).unwrap();
        (runtime, state)
    })
}

/// Runs one request as `/graphql` would and checks the answer is well-formed.
fn run(query: &str, variables: Value, operation_name: Option<String>) -> Result<(), TestCaseError> {
    let (runtime, state) = app();
    let engine = state.live().expect("open serves the store").engine.clone();
    let text = query.to_owned();
    let execute = async move {
        let prepared = engine.prepare(&text, operation_name.as_deref(), Variables::from_json(variables)).await;
        engine.run(vec![prepared], None).await
    };
    let answers = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(20), execute).await });
    let Ok([answer]) = answers.as_deref() else {
        return Err(TestCaseError::fail(format!("no single answer within 20 s to {query:?}")));
    };
    let response: Value = serde_json::from_slice(&answer.json).map_err(|e| TestCaseError::fail(format!("answer is not JSON: {e}")))?;
    let errors = response["errors"].as_array().cloned().unwrap_or_default();
    for error in &errors {
        prop_assert!(error["extensions"]["code"].as_str().is_some_and(|c| !c.is_empty()), "no code on {error} for {query:?}");
        let message = error["message"].as_str().unwrap_or_default();
        prop_assert!(!message.is_empty());
        prop_assert!(!message.contains("panicked"), "{}", message);
        if error.get("path").is_none() && !response["data"].is_null() {
            // A request error (no path) means nothing ran.
            prop_assert!(errors.iter().any(|e| e.get("path").is_some()), "data beside a request error for {query:?}");
        }
    }
    Ok(())
}

/// Pieces of GraphQL, valid and not, from which random documents are built.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "...",
    "... on Nation",
    "... on Project",
    "@skip(if: true)",
    "@include(if: $v)",
    "@nope",
    "$v",
    "$n",
    "query",
    "query Q($v: Boolean!, $n: Int)",
    "fragment F on Project",
    "fragment G on Query",
    "...F",
    "...G",
    "on",
    "Project",
    "Query",
    "projects",
    "project(code: \"mus\")",
    "nations",
    "nation(code: \"TUR\")",
    "organisation(code: \"NSPA\")",
    "nodes",
    "edges",
    "node",
    "code",
    "name",
    "participants",
    "participant",
    "role",
    "first:",
    "last:",
    "after:",
    "before:",
    "code:",
    "ids:",
    "filter:",
    "orderBy:",
    "text:",
    "\"mus\"",
    "\"\"",
    "\"\\u00e9\\\"\"",
    "\"\"\"block\"\"\"",
    "1",
    "-1",
    "0",
    "200",
    "201",
    "2147483648",
    "99999999999999999999",
    "1e999",
    "3.5",
    "null",
    "true",
    "ALLY",
    "ASC",
    "__typename",
    "__schema",
    "__type(name: \"Project\")",
    "types",
    "fields",
    "ofType",
    "kind",
    "a:",
    "b:",
    "#c\n",
    "\\",
    "\u{0}",
    "é",
    "😀",
    "$",
    "!",
    "=",
    "|",
    "&",
    "totalCount",
    "pageInfo",
    "hasNextPage",
    "endCursor",
    "relatedProjects",
    "parent",
    "search(text: \"air\")",
    "stats",
    "nodes(ids: [\"x\"])",
    "node(id: \"bm9wZQ\")",
    "launched { iso }",
    "contracts",
    "value { amount }",
    ",",
    "\n",
    "\t",
];

/// Documents that are valid, as seeds to mutate.
const SEEDS: &[&str] = &[
    r#"{ project(code: "r-socc") { name status launched { iso } area { name } participants { role participant { ... on Nation { code name projectCount } } } } }"#,
    "query($after: String) { projects(first: 3, after: $after) { edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }",
    r#"{ nation(code: "hungary") { code projectCount projects(first: 100) { totalCount edges { role node { code } } } } }"#,
    r#"query Q($n: String!) { nation(code: $n) { code } organisation(code: $n) { code ...O } } fragment O on Organisation { parent { code } }"#,
    r#"{ nodes(ids: ["a", "b"]) { id ... on Project { code } } a: __typename b: projects(last: 2) { totalCount } }"#,
    r#"{ __schema { types { name fields { name type { name ofType { name } } } } } }"#,
    r#"{ projects(filter: { participantsAll: ["France", "DEU"], status: [ESTABLISHED] }, orderBy: { field: NAME }) { nodes { code } } }"#,
];

fn token_soup() -> impl Strategy<Value = String> {
    (prop::collection::vec(prop::sample::select(TOKENS), 0..80), any::<bool>())
        .prop_map(|(tokens, spaced)| tokens.join(if spaced { " " } else { "" }))
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, &'static str),
    Duplicate(prop::sample::Index, usize),
    Replace(prop::sample::Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1..20usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<prop::sample::Index>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<prop::sample::Index>(), 1..40usize).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        (any::<prop::sample::Index>(), any::<char>()).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn mutate(seed: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Delete(at, n) => {
                let start = at.index(len).min(chars.len());
                let end = (start + n).min(chars.len());
                chars.drain(start..end);
            }
            Edit::Insert(at, token) => {
                let start = at.index(len).min(chars.len());
                chars.splice(start..start, token.chars());
            }
            Edit::Duplicate(at, n) => {
                let start = at.index(len).min(chars.len());
                let end = (start + n).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(end..end, copy);
            }
            Edit::Replace(at, c) => {
                if !chars.is_empty() {
                    let i = at.index(chars.len());
                    chars[i] = *c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Random JSON, shallow or deep, with values that look like the API's.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        prop::sample::select(&["mus", "TUR", "NSPA", "", "ESTABLISHED", "ALLY", "2024-10", "c1:mus", "Y1lt"][..]).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(&["code", "name", "status", "first", "participantsAll", "kind", "field", "x"][..])
                    .prop_map(str::to_owned),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn variables() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(&["v", "n", "after", "c", "x"][..]).prop_map(str::to_owned), json_value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn random_documents_get_coded_errors(query in token_soup(), vars in variables()) {
        run(&query, vars, None)?;
    }

    #[test]
    fn mutated_documents_get_coded_errors(
        seed in prop::sample::select(SEEDS),
        edits in prop::collection::vec(edit(), 1..6),
        vars in variables(),
        operation in prop::option::of(prop::sample::select(&["Q", "", "nope"][..])),
    ) {
        run(&mutate(seed, &edits), vars, operation.map(str::to_owned))?;
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// The pre-parse checks on any text at all.
    #[test]
    fn any_text_is_checked_without_panic(query in any::<String>()) {
        use capgraph::engine::{documents::Documents, types::TypeInfo, QueryLimits};
        static CHECKS: OnceLock<(Documents, TypeInfo)> = OnceLock::new();
        let (documents, types) = CHECKS.get_or_init(|| {
            let options = capgraph::schema::dynamic::SchemaOptions { introspection: true, suggestions: true, recursion: 32 };
            (Documents::new(QueryLimits::default(), 64), TypeInfo::new(capgraph::schema::dynamic::schema(options).registry()))
        });
        if let Ok(document) = documents.get(&query) {
            let _ = document.plan(None, types, &QueryLimits::default());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixture files to the loader.

/// A private copy of the bundled fixtures, and their original files.
struct FixtureCopy {
    dir: PathBuf,
    originals: Vec<(String, String)>,
}

fn fixture_copy() -> &'static std::sync::Mutex<FixtureCopy> {
    static COPY: OnceLock<std::sync::Mutex<FixtureCopy>> = OnceLock::new();
    COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        common::copy_fixtures(&dir);
        let originals = capgraph::fixtures::FILES.iter().map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap())).collect();
        std::sync::Mutex::new(FixtureCopy { dir, originals })
    })
}

#[derive(Debug, Clone)]
enum FixtureEdit {
    /// The whole file becomes this JSON.
    Replace(Value),
    /// One record's field gets this value (`None` removes it).
    SetField(prop::sample::Index, prop::sample::Index, Option<Value>),
    /// One record appears twice.
    DuplicateRecord(prop::sample::Index),
    /// The text is cut short.
    Truncate(prop::sample::Index),
    /// Bytes land in the middle of the text.
    Garble(prop::sample::Index, Vec<u8>),
}

fn fixture_edit() -> impl Strategy<Value = FixtureEdit> {
    prop_oneof![
        json_value().prop_map(FixtureEdit::Replace),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>(), prop::option::of(json_value()))
            .prop_map(|(r, f, v)| FixtureEdit::SetField(r, f, v)),
        any::<prop::sample::Index>().prop_map(FixtureEdit::DuplicateRecord),
        any::<prop::sample::Index>().prop_map(FixtureEdit::Truncate),
        (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, b)| FixtureEdit::Garble(i, b)),
    ]
}

/// A structured edit on a file of JSON records (objects).
fn apply(original: &str, edit: &FixtureEdit) -> Vec<u8> {
    let mut records: Value = serde_json::from_str(original).unwrap();
    let list = records.as_array_mut().unwrap();
    match edit {
        FixtureEdit::SetField(record, field, value) => {
            let i = record.index(list.len());
            let object = list[i].as_object_mut().unwrap();
            let keys: Vec<String> = object.keys().cloned().collect();
            if !keys.is_empty() {
                let key = keys[field.index(keys.len())].clone();
                match value {
                    Some(value) => object.insert(key, value.clone()),
                    None => object.remove(&key),
                };
            }
        }
        FixtureEdit::DuplicateRecord(record) => {
            let copy = list[record.index(list.len())].clone();
            list.push(copy);
        }
        other => return apply_any(original, other),
    }
    serde_json::to_vec_pretty(&records).unwrap()
}

fn load_checked(dir: &Path) -> Result<(), TestCaseError> {
    match capgraph::fixtures::load(dir) {
        Ok(_) => {}
        Err(error) => {
            prop_assert!(!error.problems.is_empty(), "an error names at least one problem");
            for problem in &error.problems {
                prop_assert!(!problem.file.is_empty() && !problem.message.is_empty(), "{problem:?}");
            }
            prop_assert!(error.to_string().lines().count() > error.problems.len());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn changed_fixture_files_load_or_name_their_problems(
        file in 0..capgraph::fixtures::FILES.len(),
        edits in prop::collection::vec(fixture_edit(), 1..3),
    ) {
        let copy = fixture_copy().lock().unwrap_or_else(|e| e.into_inner());
        let (name, original) = &copy.originals[file];
        let mut content = original.clone();
        for edit in &edits {
            // Structured edits need JSON records; after a text edit, only text edits apply.
            let bytes = match (serde_json::from_str::<Value>(&content).ok().and_then(|v| v.as_array().map(|a| !a.is_empty() && a.iter().all(Value::is_object))), edit) {
                (Some(true), _) | (_, FixtureEdit::Replace(_) | FixtureEdit::Truncate(_) | FixtureEdit::Garble(..)) => apply_any(&content, edit),
                _ => content.clone().into_bytes(),
            };
            content = String::from_utf8_lossy(&bytes).into_owned();
            std::fs::write(copy.dir.join(name), &bytes).unwrap();
        }
        let result = load_checked(&copy.dir);
        std::fs::write(copy.dir.join(name), original).unwrap();
        result?;
    }

    #[test]
    fn a_missing_fixture_file_is_a_named_problem(file in 0..capgraph::fixtures::FILES.len()) {
        let copy = fixture_copy().lock().unwrap_or_else(|e| e.into_inner());
        let (name, original) = &copy.originals[file];
        std::fs::remove_file(copy.dir.join(name)).unwrap();
        let result = capgraph::fixtures::load(&copy.dir);
        std::fs::write(copy.dir.join(name), original).unwrap();
        let error = result.err().ok_or_else(|| TestCaseError::fail("a missing file must fail"))?;
        prop_assert!(error.problems.iter().any(|p| p.file.ends_with(name.as_str())), "{error}");
    }
}

/// [`apply`] for text edits on text that may not be JSON any more.
fn apply_any(content: &str, edit: &FixtureEdit) -> Vec<u8> {
    match edit {
        FixtureEdit::Truncate(at) => content.as_bytes()[..at.index(content.len().max(1)).min(content.len())].to_vec(),
        FixtureEdit::Garble(at, bytes) => {
            let mut text = content.as_bytes().to_vec();
            let i = at.index(text.len().max(1)).min(text.len());
            text.splice(i..i, bytes.iter().copied());
            text
        }
        FixtureEdit::Replace(value) => serde_json::to_vec_pretty(value).unwrap(),
        _ => apply(content, edit),
    }
}

#[test]
fn the_bundled_fixtures_load() {
    let copy = fixture_copy().lock().unwrap();
    assert!(capgraph::fixtures::load(&copy.dir).is_ok());
}
