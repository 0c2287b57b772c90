//! `timeline`: every dated thing in date order, at the precision of its text, filtered and paged,
//! checked against the fixtures through the real server.

use std::collections::BTreeSet;

use crate::common;

use common::{error_code, read_json, shared};
use serde_json::{json, Value};

const ENTRY: &str = "date { iso year month day precision } kind title inferred { field } subject { __typename ... on Project { code } ... on ProcurementContract { code } ... on Strategy { code } ... on Organisation { code } }";

async fn timeline(arguments: &str) -> Value {
    let query =
        format!("{{ timeline({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ENTRY} }} }} }} }}");
    shared().data(&query, json!({})).await["timeline"].clone()
}

fn nodes(page: &Value) -> Vec<&Value> {
    page["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect()
}

fn key(date: &Value) -> (i64, i64, i64) {
    (date["year"].as_i64().unwrap(), date["month"].as_i64().unwrap_or(0), date["day"].as_i64().unwrap_or(0))
}

#[tokio::test]
async fn every_dated_value_is_on_the_timeline_once_in_order() {
    let all = timeline("first: 100").await;
    let entries = nodes(&all);
    assert_eq!(all["totalCount"].as_u64().unwrap() as usize, entries.len(), "one page holds them all");
    // Year first, then its months, then their days; never out of order.
    assert!(entries.windows(2).all(|w| key(&w[0]["date"]) <= key(&w[1]["date"])), "not in date order");
    // What the fixtures date is there: every launch, contract signature and endorsement.
    let projects = read_json(&common::fixtures_dir(), "projects.json");
    let launched = projects.as_array().unwrap().iter().filter(|p| p["launched"].is_string()).count();
    let count = |kind: &str| entries.iter().filter(|e| e["kind"] == kind).count();
    assert_eq!(count("PROJECT_LAUNCHED"), launched);
    let contracts = read_json(&common::fixtures_dir(), "contracts.json");
    assert_eq!(count("CONTRACT_SIGNED"), contracts.as_array().unwrap().iter().filter(|c| c["signed"].is_string()).count());
    let strategies = read_json(&common::fixtures_dir(), "strategies.json");
    assert_eq!(count("STRATEGY_ENDORSED"), strategies.as_array().unwrap().iter().filter(|s| s["endorsed"].is_string()).count());
    // A year-only date says so.
    let stinger = entries.iter().find(|e| e["subject"]["code"] == "nato-stinger-2024").unwrap();
    assert_eq!((&stinger["date"]["precision"], &stinger["date"]["month"]), (&json!("YEAR"), &Value::Null));
    assert_eq!(stinger["inferred"], json!([{ "field": "signed" }]), "its year is inferred, and the entry says so");
    // A launch recorded as a milestone too appears once, in the milestone's words.
    let dst: Vec<_> = entries.iter().filter(|e| e["subject"]["code"] == "dst" && e["date"]["iso"] == "2024-10").collect();
    assert_eq!(dst.len(), 1, "{dst:?}");
    assert_eq!(dst[0]["kind"], "PROJECT_LAUNCHED");
}

#[tokio::test]
async fn filters_keep_what_they_say() {
    let window = timeline(r#"from: "2024", to: "2024", first: 100"#).await;
    assert!(nodes(&window).iter().all(|e| e["date"]["year"] == 2024), "{window:#}");
    assert!(nodes(&window).iter().any(|e| e["subject"]["code"] == "nato-stinger-2024"));
    let kinds = timeline("kinds: [STRATEGY_ENDORSED, STRATEGY_PUBLISHED], first: 100").await;
    assert!(nodes(&kinds).iter().all(|e| e["subject"]["__typename"] == "Strategy"));
    let cs: BTreeSet<&str> = nodes(&kinds)
        .iter()
        .filter(|e| e["subject"]["code"] == "commercial-space-strategy")
        .map(|e| e["date"]["iso"].as_str().unwrap())
        .collect();
    assert_eq!(cs, BTreeSet::from(["2025-02-13", "2025-06-24"]), "endorsed 13 February 2025, released 24 June 2025");
    // A participant by name: Portugal's projects' dates, and nothing of projects it is not in.
    let portugal = timeline(r#"participant: "Portugal", kinds: [PROJECT_LAUNCHED], first: 100"#).await;
    let codes: BTreeSet<&str> = nodes(&portugal).iter().map(|e| e["subject"]["code"].as_str().unwrap()).collect();
    assert!(codes.contains("mus"), "MUS was launched in October 2018 and Portugal takes part: {codes:?}");
    let projects = read_json(&common::fixtures_dir(), "projects.json");
    for code in &codes {
        let p = projects.as_array().unwrap().iter().find(|p| p["code"] == *code).unwrap();
        assert!(p["participants"].as_array().unwrap().iter().any(|x| x["participant"] == "PRT"), "{code}");
    }
}

#[tokio::test]
async fn the_timeline_pages_without_gaps_or_repeats() {
    let all = timeline("first: 100").await;
    let total = all["totalCount"].as_u64().unwrap() as usize;
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = timeline(&format!("first: 7{after}")).await;
        for edge in page["edges"].as_array().unwrap() {
            seen.push(edge["cursor"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = format!(r#", after: "{}""#, page["pageInfo"]["endCursor"].as_str().unwrap());
    }
    assert_eq!(seen.len(), total);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), total, "no entry twice");
}

#[tokio::test]
async fn bad_timeline_arguments_are_client_errors() {
    for arguments in [r#"from: "June 2024""#, r#"participant: "Atlantis""#, "first: -1"] {
        let response = shared().post(&format!("{{ timeline({arguments}) {{ totalCount }} }}"), json!({})).await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{arguments}: {response:#}");
    }
}
