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
