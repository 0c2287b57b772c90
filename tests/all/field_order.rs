//! Every object's keys come in the order of the query's selection set (GraphQL spec, "Objects"),
//! checked on the raw response bytes: direct, batched and fragment fields mixed.

use crate::common;

use common::shared;
use serde_json::json;

/// The keys of every JSON object in `body`, in byte order, as (depth, key) pairs.
fn keys_in_order(body: &str) -> Vec<String> {
    // A tiny scanner: strings followed by ':' are keys.
    let bytes = body.as_bytes();
    let mut keys = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i + 1;
            i += 1;
            while bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let text = &body[start..i];
            let mut j = i + 1;
            while bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes[j] == b':' {
                keys.push(text.to_owned());
            }
        }
        i += 1;
    }
    keys
}

async fn raw(query: &str) -> String {
    let response = common::client().post(shared().url("/graphql")).json(&json!({ "query": query })).send().await.unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn batched_fields_keep_their_place_among_direct_ones() {
    // `area` and `participant` come through DataLoaders; `name` and `role` are direct.
    let body = raw(r#"{ project(code: "r-socc") { area { name } name participants(role: LEAD) { participant { ... on Nation { code } } role } status } }"#).await;
    assert_eq!(
        keys_in_order(&body),
        ["data", "project", "area", "name", "name", "participants", "participant", "code", "role", "status"],
        "{body}"
    );
}

#[tokio::test]
async fn aliases_and_fragments_are_placed_where_the_query_puts_them() {
    let query = r#"
        query { second: nation(code: "DEU") { ...NationBits projectCount first: name } first: project(code: "c-socc") { acronym } }
        fragment NationBits on Nation { code projects(first: 1) { totalCount nodes { code } } euMember }"#;
    let body = raw(query).await;
    assert_eq!(
        keys_in_order(&body),
        ["data", "second", "code", "projects", "totalCount", "nodes", "code", "euMember", "projectCount", "first", "first", "acronym"],
        "{body}"
    );
}

#[tokio::test]
async fn fragments_on_a_union_follow_the_concrete_types_order() {
    let query = r#"{ project(code: "cbrn-df") { participants(role: SUPPORTER) { participant { ... on Nation { code name } ... on Organisation { name code kind } } note } } }"#;
    let body = raw(query).await;
    assert_eq!(keys_in_order(&body), ["data", "project", "participants", "participant", "name", "code", "kind", "note"], "{body}");
    assert!(!body.contains("__capgraph_type"), "the reserved type key never reaches the client: {body}");
}

#[tokio::test]
async fn lists_and_connections_keep_order_in_every_item() {
    let query = r#"{ nations(first: 5) { pageInfo { hasNextPage } edges { node { projectCount code } cursor } totalCount } }"#;
    let body = raw(query).await;
    let mut expected = vec!["data", "nations", "pageInfo", "hasNextPage", "edges"];
    for _ in 0..5 {
        expected.extend(["node", "projectCount", "code", "cursor"]);
    }
    expected.push("totalCount");
    assert_eq!(keys_in_order(&body), expected, "{body}");
}

#[tokio::test]
async fn skipped_fields_do_not_shift_the_order() {
    let query = r#"query($no: Boolean!) { project(code: "mus") { ... @include(if: $no) { name } status name @skip(if: $no) acronym } }"#;
    let response = common::client()
        .post(shared().url("/graphql"))
        .json(&json!({ "query": query, "variables": { "no": false } }))
        .send()
        .await
        .unwrap();
    let body = response.text().await.unwrap();
    assert_eq!(keys_in_order(&body), ["data", "project", "status", "name", "acronym"], "{body}");
}
