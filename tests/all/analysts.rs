//! What an analyst asks first works as typed: every record has `id`, `code`, `name` and
//! `sources` through the `Record` interface, and participants through `Participant`, so names
//! need no fragments; checked through the real server on the real fixtures.

use crate::common;

use common::shared;
use serde_json::{json, Value};

#[tokio::test]
async fn names_need_no_fragments_on_participants_and_search_hits() {
    let data = shared()
        .data(
            r#"{ project(code: "r-socc") { participants { participant { __typename code name } } }
                 search(text: "tanker", first: 5) { node { __typename code name } } }"#,
            json!({}),
        )
        .await;
    let participants = data["project"]["participants"].as_array().unwrap();
    let names: Vec<&str> = participants.iter().map(|p| p["participant"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Croatia", "Hungary", "Slovakia", "Slovenia", "Austria"], "the page's order");
    let hits = data["search"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(hit["node"]["name"].as_str().is_some_and(|n| !n.is_empty()), "{hit}");
    }
    // A contract's display name is its title.
    let contract = shared().data(r#"{ contract(code: "nato-stinger-2024") { name title } }"#, json!({})).await;
    assert_eq!(contract["contract"]["name"], contract["contract"]["title"]);
}

#[tokio::test]
async fn every_record_type_is_a_record_and_nations_and_organisations_are_participants() {
    let data = shared()
        .data(
            r#"{ record: __type(name: "Record") { kind fields { name } possibleTypes { name } }
                 node: __type(name: "Node") { possibleTypes { name } }
                 participant: __type(name: "Participant") { kind possibleTypes { name } } }"#,
            json!({}),
        )
        .await;
    let names = |v: &Value| {
        let mut names: Vec<String> = v.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(data["record"]["kind"], "INTERFACE");
    assert_eq!(names(&data["record"]["fields"]), ["code", "id", "name", "sources"]);
    assert_eq!(names(&data["record"]["possibleTypes"]), names(&data["node"]["possibleTypes"]), "every node is a record");
    assert_eq!(names(&data["record"]["possibleTypes"]).len(), 11);
    assert_eq!(data["participant"]["kind"], "INTERFACE");
    assert_eq!(names(&data["participant"]["possibleTypes"]), ["Nation", "Organisation"]);
}

/// Every object in `value` that has a `code` also has an `id`.
fn objects_without_id(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("code") && !map.contains_key("id") {
                out.push(path.to_owned());
            }
            for (k, v) in map {
                objects_without_id(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| objects_without_id(v, &format!("{path}[{i}]"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_examples_select_the_id_that_normalized_caches_key_records_by() {
    let dir = common::repo().join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let query = std::fs::read_to_string(&path).unwrap();
        let variables = query
            .lines()
            .find_map(|l| l.strip_prefix("# Variables: "))
            .map(|v| serde_json::from_str::<Value>(v.split(" (").next().unwrap()).unwrap())
            .unwrap_or_else(|| json!({}));
        let data = shared().data(&query, variables).await;
        let mut missing = Vec::new();
        objects_without_id(&data, "data", &mut missing);
        assert!(missing.is_empty(), "{}: records without id (Apollo Client and urql cannot cache them): {missing:?}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 5);
}

fn message(response: &Value) -> &str {
    response["errors"][0]["message"].as_str().unwrap()
}

#[tokio::test]
async fn an_enum_written_as_a_string_is_refused_with_its_values() {
    let refused = shared().post(r#"{ projects(filter: { status: "ESTABLISHED" }) { totalCount } }"#, json!({})).await;
    assert_eq!(common::error_code(&refused), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(
        message(&refused),
        "Argument \"filter.status\" of \"projects\" takes a ProjectStatus, and a string is not an enum value: write ESTABLISHED without quotes. ProjectStatus is one of BEING_ESTABLISHED, ESTABLISHED, ESTABLISHED_AND_DELIVERING, COMPLETED."
    );
    // At the argument's value (the document keeps no positions inside an input object).
    assert_eq!(refused["errors"][0]["locations"], json!([{ "line": 1, "column": 20 }]));
    assert!(refused.get("data").is_none(), "refused before execution");
    // The same value as a variable is JSON, where an enum is a string: accepted.
    let by_variable = shared()
        .data(r#"query ($s: [ProjectStatus!]) { projects(filter: { status: $s }) { totalCount } }"#, json!({ "s": ["ESTABLISHED"] }))
        .await;
    let literal = shared().data(r#"{ projects(filter: { status: [ESTABLISHED] }) { totalCount } }"#, json!({})).await;
    assert_eq!(by_variable, literal);
}

#[tokio::test]
async fn misspellings_get_the_nearest_name_and_enums_their_values() {
    let field = shared().post(r#"{ project(code: "mus") { nmae } }"#, json!({})).await;
    assert_eq!(message(&field), r#"Unknown field "nmae" on type "Project". Did you mean "name"?"#);
    let value = shared().post(r#"{ projects(filter: { status: [ESTABLISHD] }) { totalCount } }"#, json!({})).await;
    assert!(message(&value).ends_with(
        "does not contain the value \"ESTABLISHD\". Did you mean ESTABLISHED? ProjectStatus is one of BEING_ESTABLISHED, ESTABLISHED, ESTABLISHED_AND_DELIVERING, COMPLETED."
    ), "{}", message(&value));
    let connection = shared().post(r#"{ projects { name } }"#, json!({})).await;
    assert_eq!(
        message(&connection),
        "Unknown field \"name\" on type \"ProjectConnection\". ProjectConnection is a connection: its Project items are in `nodes { name }` or `edges { node { name } }`."
    );
}

#[tokio::test]
async fn a_syntax_error_is_one_line_that_names_the_likely_cause() {
    let missing_paren = shared().post("{\n  project(code: \"mus\" { name }\n}", json!({})).await;
    assert_eq!(common::error_code(&missing_paren), "GRAPHQL_PARSE_FAILED");
    assert_eq!(
        message(&missing_paren),
        "Syntax error at line 2, column 23 (at \"{\"): expected a name; the \"(\" at line 2, column 10 is not closed: is a \")\" missing?"
    );
    assert_eq!(missing_paren["errors"][0]["locations"], json!([{ "line": 2, "column": 23 }]));
    let missing_brace = shared().post(r#"{ project(code: "mus") { name }"#, json!({})).await;
    assert!(message(&missing_brace).ends_with("is not closed: is a \"}\" missing?"), "{}", message(&missing_brace));
    assert!(!message(&missing_brace).contains('\n'));
}

#[tokio::test]
async fn an_unknown_currency_is_an_error_like_every_unknown_code() {
    let refused = shared().post(r#"{ contracts(filter: { currency: "euro" }) { totalCount } }"#, json!({})).await;
    assert_eq!(common::error_code(&refused), "BAD_USER_INPUT");
    assert_eq!(message(&refused), r#"filter.currency: no contract is valued in "euro"; the currencies are EUR, USD"#);
    let known = shared().data(r#"{ contracts(filter: { currency: "eur" }) { totalCount } }"#, json!({})).await;
    assert_eq!(known["contracts"]["totalCount"], 2);
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let data = shared()
        .data(
            r#"{ __schema { types { name kind description
                   fields { name description args { name description } }
                   inputFields { name description }
                   enumValues { name description } } } }"#,
            json!({}),
        )
        .await;
    let described = |v: &Value| v["description"].as_str().is_some_and(|d| !d.trim().is_empty());
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"]));
            }
            for arg in field["args"].as_array().into_iter().flatten().filter(|a| !described(a)) {
                missing.push(format!("{name}.{}({})", field["name"], arg["name"]));
            }
        }
        for item in ["inputFields", "enumValues"].iter().flat_map(|k| ty[*k].as_array().into_iter().flatten()) {
            if !described(item) {
                missing.push(format!("{name}.{}", item["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}
