//! Provenance per value: every quote names the fields it states, and `sources(field:)` answers
//! where a single value comes from, through the real server on the real fixtures.

use crate::common;

use common::shared;
use serde_json::{json, Value};

fn quotes(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|c| c["quote"].as_str().unwrap()).collect()
}

fn inferred(record: &Value) -> Vec<&str> {
    record["inferred"].as_array().map_or_else(Vec::new, |l| l.iter().map(|i| i["field"].as_str().unwrap()).collect())
}

/// Whether a value is held: not null, not an empty list.
fn holds(value: &Value) -> bool {
    !(value.is_null() || value.as_array().is_some_and(Vec::is_empty))
}

#[tokio::test]
async fn a_single_value_has_the_quotes_that_state_it() {
    let data = shared()
        .data(
            r#"{ project(code: "c-socc") {
                 status launched { iso }
                 status_: sources(field: "status") { quote fields source { code } }
                 launched_: sources(field: "launched") { quote }
                 participants_: sources(field: "participants") { quote }
                 area_: sources(field: "area") { quote }
                 contracts_: sources(field: "contracts") { quote }
                 all: sources { quote fields } } }"#,
            json!({}),
        )
        .await;
    let p = &data["project"];
    assert_eq!(p["status"], "ESTABLISHED_AND_DELIVERING");
    assert_eq!(
        quotes(&p["status_"]),
        ["Status: Established and delivering. C-SOCC was launched in February 2017 and became fully operational in December 2020."]
    );
    assert_eq!(p["status_"][0]["source"]["code"], "nato-mcc");
    assert_eq!(p["status_"][0]["fields"], json!(["status", "statusNote", "launched"]));
    assert_eq!(p["launched"]["iso"], "2017-02");
    assert!(quotes(&p["launched_"]).iter().all(|q| q.contains("February 2017")));
    assert_eq!(quotes(&p["participants_"]), ["Participants: Belgium, Denmark and the Netherlands"]);
    // The section heading of the page's list states the capability area.
    assert_eq!(quotes(&p["area_"]), ["Command and control 1. Composite Special Operations Component Command (C-SOCC)"]);
    // Derived from other records, not stated by this one's quotes.
    assert_eq!(p["contracts_"], json!([]));
    let all = p["all"].as_array().unwrap();
    assert!(all.len() >= 4);
    assert!(all.iter().all(|c| !c["fields"].as_array().unwrap().is_empty()), "every quote names what it states: {all:?}");
}

#[tokio::test]
async fn every_stated_value_of_every_project_event_and_person_has_a_quote() {
    let queries = [
        r#"{ projects(first: 40) { totalCount nodes { code name acronym kind area { code } purpose status statusNote launched { iso }
               participants { sources { quote } } inferred { field }
               name_: sources(field: "name") { quote } acronym_: sources(field: "acronym") { quote }
               kind_: sources(field: "kind") { quote } area_: sources(field: "area") { quote }
               purpose_: sources(field: "purpose") { quote } status_: sources(field: "status") { quote }
               statusNote_: sources(field: "statusNote") { quote } launched_: sources(field: "launched") { quote }
               participants_: sources(field: "participants") { quote } } } }"#,
        r#"{ events(first: 40) { totalCount nodes { code name kind date { iso } place inferred { field }
               name_: sources(field: "name") { quote } kind_: sources(field: "kind") { quote }
               date_: sources(field: "date") { quote } place_: sources(field: "place") { quote } } } }"#,
        r#"{ people(first: 40) { totalCount nodes { code name office officeOf { __typename }
               name_: sources(field: "name") { quote } office_: sources(field: "office") { quote }
               officeOf_: sources(field: "officeOf") { quote } } } }"#,
    ];
    let mut data = serde_json::Map::new();
    for query in queries {
        data.extend(shared().data(query, json!({})).await.as_object().unwrap().clone());
    }
    let mut unquoted = Vec::new();
    let mut quoted = 0;
    let lists = [
        ("projects", &["name", "acronym", "kind", "area", "purpose", "status", "statusNote", "launched", "participants"][..]),
        ("events", &["name", "kind", "date", "place"][..]),
        ("people", &["name", "office", "officeOf"][..]),
    ];
    for (list, fields) in lists {
        let records = data[list]["nodes"].as_array().unwrap();
        assert!(!records.is_empty(), "{list}");
        assert_eq!(data[list]["totalCount"], records.len(), "{list}: one page holds them all");
        for record in records {
            let inferred = inferred(record);
            for field in fields {
                let mut value = record[*field].clone();
                // Participations that carry quotes of their own are stated by those.
                if *field == "participants" {
                    value = Value::Array(value.as_array().unwrap().iter().filter(|p| !holds(&p["sources"])).cloned().collect());
                }
                // Public facts: the Alliance's full name, a president's given name.
                let public = matches!((record["code"].as_str().unwrap(), *field), ("volodymyr-zelenskyy", "name"));
                if !holds(&value) || inferred.contains(field) || public {
                    continue;
                }
                match record[format!("{field}_")].as_array().unwrap().len() {
                    0 => unquoted.push(format!("{list} {}: {field}", record["code"])),
                    _ => quoted += 1,
                }
            }
        }
    }
    assert!(unquoted.is_empty(), "values no quote states: {unquoted:#?}");
    assert!(quoted > 300, "{quoted}");
}

#[tokio::test]
async fn asking_for_a_field_the_type_lacks_is_a_clear_error() {
    let response = shared().post(r#"{ project(code: "c-socc") { code sources(field: "stauts") { quote } } }"#, json!({})).await;
    assert_eq!(common::error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["message"], r#"field: Project has no field "stauts""#);
    assert_eq!(response["errors"][0]["path"], json!(["project", "sources"]));
    assert_eq!(response["data"], json!({ "project": null }));
}

#[tokio::test]
async fn a_timeline_entry_carries_the_quotes_that_state_its_date() {
    let data = shared()
        .data(
            r#"{ timeline(from: "2025-02", to: "2025-02", kinds: [STRATEGY_ENDORSED]) { nodes { title date { iso } sources { quote fields } } } }"#,
            json!({}),
        )
        .await;
    let entries = data["timeline"]["nodes"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["date"]["iso"], "2025-02-13");
    for quote in entries[0]["sources"].as_array().unwrap() {
        assert!(quote["fields"].as_array().unwrap().contains(&json!("endorsed")), "{quote}");
    }
    assert!(quotes(&entries[0]["sources"]).contains(&"Endorsed by Allied Defence Ministers on 13 February 2025"));
}
