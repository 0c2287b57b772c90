//! Filters, ordering, search, aggregates and batched loading, through the real server, with
//! expected answers computed independently from the fixtures and the source texts.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{error_code, fixtures_dir, hvps_in_source_text, read_json, shared};
use serde_json::{json, Value};

fn fixture(name: &str) -> Vec<Value> {
    read_json(&fixtures_dir(), name).as_array().unwrap().clone()
}

fn field<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array().unwrap().iter().map(|v| v[key].as_str().unwrap()).collect()
}

#[tokio::test]
async fn project_filters_match_the_source_text() {
    // Launched in October 2024 per the text: "… was launched in October 2024."
    let text = std::fs::read_to_string(fixtures_dir().join("texts/001_cab77a58b4532454.txt")).unwrap();
    let october_2024 = text.matches("launched in October 2024").count();
    let data = shared()
        .data(r#"{ projects(filter: { launchedFrom: "2024-10", launchedTo: "2024-10", kind: HIGH_VISIBILITY_PROJECT }, first: 100) { totalCount nodes { launched { iso } } } }"#, json!({}))
        .await;
    assert_eq!(data["projects"]["totalCount"], october_2024);
    assert!(data["projects"]["nodes"].as_array().unwrap().iter().all(|n| n["launched"]["iso"] == "2024-10"));

    // Status "Being established." in the text, for the catalogue's 29 HVPs.
    let being = text.matches("Status: Being established.").count();
    let data = shared()
        .data(r#"{ projects(filter: { status: [BEING_ESTABLISHED], area: "Space technologies" }, first: 100) { nodes { code } } all: projects(filter: { status: [BEING_ESTABLISHED] }, first: 100) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(field(&data["projects"]["nodes"], "code"), ["northlink", "starlift"], "NORTHLINK and STARLIFT are being established");
    assert!(data["all"]["totalCount"].as_u64().unwrap() as usize >= being);

    // The participant filter agrees with the text's participant lines for Austria.
    let with_austria: BTreeSet<String> =
        hvps_in_source_text().into_iter().filter(|h| h.participants.iter().any(|p| p == "Austria")).map(|h| h.name).collect();
    let data = shared()
        .data(r#"{ projects(filter: { participant: "austria", kind: HIGH_VISIBILITY_PROJECT }) { nodes { name } } }"#, json!({}))
        .await;
    let names: BTreeSet<String> = field(&data["projects"]["nodes"], "name").into_iter().map(str::to_owned).collect();
    assert_eq!(names, with_austria);
}

#[tokio::test]
async fn text_filter_and_unknown_area_error() {
    let data = shared().data(r#"{ projects(filter: { text: "SUBMARINES" }) { nodes { code } } }"#, json!({})).await;
    let codes = field(&data["projects"]["nodes"], "code");
    assert!(codes.contains(&"m3a") || codes.contains(&"mus"), "{codes:?}");
    let response = shared().post(r#"{ projects(filter: { area: "underwater basket weaving" }) { totalCount } }"#, json!({})).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert!(response["errors"][0]["message"].as_str().unwrap().contains("underwater basket weaving"));
}

#[tokio::test]
async fn ordering_is_total_and_reversible() {
    let asc = shared()
        .data(r#"{ projects(orderBy: { field: PARTICIPANT_COUNT }, first: 200) { nodes { code participantCount } } }"#, json!({}))
        .await;
    let desc = shared()
        .data(
            r#"{ projects(orderBy: { field: PARTICIPANT_COUNT, direction: DESC }, first: 200) { nodes { code participantCount } } }"#,
            json!({}),
        )
        .await;
    let counts: Vec<u64> = asc["projects"]["nodes"].as_array().unwrap().iter().map(|n| n["participantCount"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]));
    let top = &desc["projects"]["nodes"][0];
    assert_eq!(top["code"], "mawi", "MAWI is the largest High Visibility Project");
    let launched = shared().data(r#"{ projects(filter: { kind: HIGH_VISIBILITY_PROJECT }, orderBy: { field: LAUNCHED }, first: 1) { nodes { code launched { iso } } } }"#, json!({})).await;
    assert_eq!(launched["projects"]["nodes"][0]["code"], "abdm", "ABDM was launched at the 2014 Wales Summit, the earliest");
}

#[tokio::test]
async fn nation_filters_and_ordering() {
    let nations = fixture("nations.json");
    let allies_in_eu = nations.iter().filter(|n| n["membership"] == "ALLY" && n["euMember"] == true).count();
    let data = shared()
        .data(r#"{ nations(filter: { membership: ALLY, euMember: true }, first: 100) { totalCount } allies: nations(filter: { membership: ALLY }) { totalCount } partners: nations(filter: { membership: PARTNER }, first: 100) { nodes { code } } }"#, json!({}))
        .await;
    assert_eq!(data["nations"]["totalCount"], allies_in_eu);
    assert_eq!(data["allies"]["totalCount"], 32, "32 Allies");
    let partners: BTreeSet<&str> = field(&data["partners"]["nodes"], "code").into_iter().collect();
    assert!(partners.is_superset(&BTreeSet::from(["AUS", "AUT", "UKR"])), "{partners:?}");

    let mus = hvps_in_source_text().into_iter().find(|h| h.name == "Maritime Uncrewed Systems").unwrap();
    let data = shared().data(r#"{ nations(filter: { participatesIn: "MUS" }, first: 100) { totalCount } }"#, json!({})).await;
    assert_eq!(data["nations"]["totalCount"], mus.participants.len());

    let data = shared()
        .data(r#"{ nations(orderBy: { field: NATO_ACCESSION, direction: DESC }, first: 2) { nodes { code natoAccession } } }"#, json!({}))
        .await;
    assert_eq!(data["nations"]["nodes"], json!([{ "code": "SWE", "natoAccession": 2024 }, { "code": "FIN", "natoAccession": 2023 }]));
}

#[tokio::test]
async fn contract_filters_compare_exact_amounts_within_a_currency() {
    let data = shared()
        .data(r#"{ big: contracts(filter: { minAmount: "700000000", currency: "usd" }) { nodes { code value { amount currency approximate } supplier { code } } }
                   nspa: contracts(filter: { buyer: "NATO Support and Procurement Agency" }) { totalCount }
                   lux: contracts(filter: { project: "APSS" }) { nodes { value { amount currency } funder { ... on Nation { code } } } } }"#, json!({}))
        .await;
    assert_eq!(
        data["big"]["nodes"][0]["value"],
        json!({ "amount": "700000000", "currency": "USD", "approximate": true }),
        "nearly USD 700 million"
    );
    let nspa = fixture("contracts.json").iter().filter(|c| c["buyer"] == "NSPA").count();
    assert_eq!(data["nspa"]["totalCount"], nspa);
    assert_eq!(
        data["lux"]["nodes"][0],
        json!({ "value": { "amount": "16500000", "currency": "EUR" }, "funder": { "code": "LUX" } }),
        "Luxembourg's EUR 16.5 million"
    );
    let response = shared().post(r#"{ contracts(filter: { minAmount: "1e6" }) { totalCount } }"#, json!({})).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn search_forgives_case_diacritics_and_misspellings_and_ranks_names_first() {
    for (text, typename, code) in [
        ("turkiye", "Nation", "TUR"),
        ("Lithuana", "Nation", "LTU"),
        ("nehterlands", "Nation", "NLD"),
        ("mawi", "Project", "mawi"),
        ("rotorcraft", "Project", "ngrc"),
        ("commercial space", "Strategy", "commercial-space-strategy"),
    ] {
        let data = shared().data("query($t: String!) { search(text: $t, first: 5) { score matchedField node { __typename ... on Nation { code } ... on Project { code } ... on Strategy { code } } } }", json!({ "t": text })).await;
        let top = &data["search"][0];
        assert_eq!((top["node"]["__typename"].as_str(), top["node"]["code"].as_str()), (Some(typename), Some(code)), "{text}: {data}");
    }
    // An acronym match outranks mentions in running text.
    let data = shared()
        .data(r#"{ search(text: "NSPA", first: 10) { matchedField node { __typename ... on Organisation { code } } } }"#, json!({}))
        .await;
    assert_eq!(data["search"][0]["node"]["code"], "NSPA");
    assert_ne!(data["search"][0]["matchedField"], "purpose");
    let hits = data["search"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["matchedField"] == "purpose"), "projects mentioning NSPA in their purpose are found too");
}

#[tokio::test]
async fn stats_agree_with_the_fixtures() {
    let projects = fixture("projects.json");
    let data = shared()
        .data("{ stats { projectsByStatus { status count } projectsByKind { kind count } nationsByParticipation(first: 3) { nation { code } projectCount } contractValueByCurrency { currency amount contractCount approximate } } }", json!({}))
        .await;
    let stats = &data["stats"];
    for row in stats["projectsByStatus"].as_array().unwrap() {
        let expected = projects.iter().filter(|p| p["status"] == row["status"]).count();
        assert_eq!(row["count"], expected, "{row}");
    }
    let total: u64 = stats["projectsByKind"].as_array().unwrap().iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, projects.len());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &projects {
        for x in p["participants"].as_array().unwrap() {
            *counts.entry(x["participant"].as_str().unwrap()).or_default() += 1;
        }
    }
    let top = &stats["nationsByParticipation"][0];
    assert_eq!(top["projectCount"], counts[top["nation"]["code"].as_str().unwrap()]);
    assert_eq!(top["projectCount"].as_u64().unwrap() as usize, counts.iter().filter(|(c, _)| c.len() == 3).map(|(_, n)| *n).max().unwrap());
    let currencies: Vec<&str> = field(&stats["contractValueByCurrency"], "currency");
    assert_eq!(currencies, ["EUR", "USD"], "never summed across currencies");
}

#[tokio::test]
async fn collaborators_rank_nations_by_shared_projects() {
    let projects = fixture("projects.json");
    let data = shared()
        .data(r#"{ nation(code: "FRA") { collaborators(first: 5) { nation { code } sharedProjectCount projects { code } } } }"#, json!({}))
        .await;
    let collaborators = data["nation"]["collaborators"].as_array().unwrap();
    assert_eq!(collaborators.len(), 5);
    let has = |p: &Value, code: &str| p["participants"].as_array().unwrap().iter().any(|x| x["participant"] == code);
    let mut previous = u64::MAX;
    for c in collaborators {
        let other = c["nation"]["code"].as_str().unwrap();
        let expected: BTreeSet<&str> =
            projects.iter().filter(|p| has(p, "FRA") && has(p, other)).map(|p| p["code"].as_str().unwrap()).collect();
        let listed: BTreeSet<&str> = field(&c["projects"], "code").into_iter().collect();
        assert_eq!(listed, expected, "France and {other}");
        let count = c["sharedProjectCount"].as_u64().unwrap();
        assert!(count <= previous);
        previous = count;
    }
}

async fn store_reads(server: &common::Server) -> u64 {
    let metrics = server.get("/metrics").await.text().await.unwrap();
    metrics.lines().find_map(|l| l.strip_prefix("capgraph_store_reads_total ")).unwrap().trim().parse().unwrap()
}

#[tokio::test]
async fn store_reads_grow_with_depth_not_with_width() {
    // A server of its own, so no other test's traffic is counted.
    // Complexity is not what this test is about: lift the limit so the widest query runs.
    let server = common::start(capgraph::config::ServeArgs { max_complexity: 10_000_000, ..Default::default() });
    let query = "query($n: Int!) { nations(first: $n) { nodes { code projects(first: 100) { nodes { code participants { participant { ... on Nation { code name } ... on Organisation { code } } } } } } } }";
    let mut reads = Vec::new();
    for width in [1, 5, 40] {
        let before = store_reads(&server).await;
        let data = server.data(query, json!({ "n": width })).await;
        assert!(!data["nations"]["nodes"].as_array().unwrap().is_empty());
        reads.push(store_reads(&server).await - before);
    }
    // nations (1) → links (1) → projects (1) → participants as nations and organisations (2).
    for r in &reads {
        assert!(*r <= 8, "store reads per query {reads:?}");
    }
    assert_eq!(reads[0], reads[2], "40 nations cost as many reads as one: {reads:?}");
}
