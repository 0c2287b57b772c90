//! What the texts do not state outright is marked as inferred, field by field, and dates are as
//! wide as the text's: checked through the real server against the texts.

use crate::common;

use common::shared;
use serde_json::{json, Value};

fn text(name: &str) -> String {
    let raw = std::fs::read_to_string(common::fixtures_dir().join("texts").join(name)).unwrap();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn inferred_fields(record: &Value) -> Vec<&str> {
    record["inferred"].as_array().unwrap().iter().map(|i| i["field"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_stinger_contract_is_the_alliances_and_its_year_is_marked_inferred() {
    let newsweek = text("004_54af43119e78d015.txt");
    assert!(newsweek.contains("the alliance on Tuesday moved toward a major boost in arms production as it signed"));
    assert!(!newsweek.contains("NSPA") && !newsweek.contains("Support and Procurement"), "the text names no agency");
    assert!(!newsweek.contains("2024"), "the text prints no year");
    let data = shared()
        .data(
            r#"{ contract(code: "nato-stinger-2024") { buyer { code kind } supplier { code } signed { iso } inferred { field reason } sources { quote } } }"#,
            json!({}),
        )
        .await;
    let contract = &data["contract"];
    assert_eq!(contract["buyer"], json!({ "code": "NATO", "kind": "INTERNATIONAL_ORGANISATION" }));
    assert_eq!(contract["supplier"], Value::Null, "the text names Raytheon only as the system's maker");
    assert_eq!(contract["signed"]["iso"], "2024");
    assert_eq!(inferred_fields(contract), ["signed", "title"]);
    assert!(contract["inferred"][0]["reason"].as_str().unwrap().contains("on Tuesday"));
    for quote in contract["sources"].as_array().unwrap() {
        assert!(newsweek.contains(quote["quote"].as_str().unwrap()), "{quote}");
    }
}

#[tokio::test]
async fn statuses_no_text_gives_are_marked_inferred() {
    let data = shared()
        .data(
            r#"{ mmf: project(code: "mmf") { status inferred { field reason } }
                raw: project(code: "defence-critical-raw-materials") { status inferred { field reason } }
                cs: project(code: "c-socc") { status inferred { field } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(inferred_fields(&data["mmf"]), ["status"]);
    assert_eq!(inferred_fields(&data["raw"]), ["status", "name"]);
    assert_eq!(data["raw"]["status"], "BEING_ESTABLISHED");
    assert!(data["raw"]["inferred"][0]["reason"].as_str().unwrap().contains("will help facilitate access"));
    // A status the NATO page states carries no inference.
    assert_eq!(inferred_fields(&data["cs"]), Vec::<&str>::new());
    let ismr = text("000_69ef6e1010583e7e.txt");
    assert!(ismr.contains("will help facilitate access"));
    assert!(!ismr.contains("Status:"), "the report gives no status lines");
}

#[tokio::test]
async fn a_timeframe_is_a_range_not_its_first_year() {
    let nato = text("001_cab77a58b4532454.txt");
    assert!(nato.contains("an in-service date in the 2035-2040 timeframe"));
    let data = shared()
        .data(
            r#"{ project(code: "ngrc") { milestones { date { iso year month until { iso year } } event inferred { field } } } }"#,
            json!({}),
        )
        .await;
    let milestones = data["project"]["milestones"].as_array().unwrap();
    let planned = milestones.iter().find(|m| m["event"].as_str().unwrap().contains("2035-2040")).expect("the in-service milestone");
    assert_eq!(planned["date"], json!({ "iso": "2035/2040", "year": 2035, "month": null, "until": { "iso": "2040", "year": 2040 } }));
    assert_eq!(inferred_fields(planned), Vec::<&str>::new());
    // Single dates have no end.
    assert!(milestones.iter().filter(|m| m != &planned).all(|m| m["date"]["until"].is_null()));
}

#[tokio::test]
async fn years_read_from_a_reports_context_are_marked_on_the_milestone() {
    let data =
        shared().data(r#"{ project(code: "mmf") { milestones { date { iso } event inferred { field reason } } } }"#, json!({})).await;
    let milestones = data["project"]["milestones"].as_array().unwrap();
    let joined =
        milestones.iter().find(|m| m["event"].as_str().unwrap().starts_with("Denmark and Sweden join")).expect("the 2025 milestone");
    assert_eq!(inferred_fields(joined), ["date"]);
    assert!(!joined["event"].as_str().unwrap().contains("context"), "the event is the text's words, the reason is apart");
}
