//! Places: where projects sit or what they concern, where events took place, linked both ways.

use crate::common;

use common::shared;
use serde_json::json;

#[tokio::test]
async fn places_link_projects_events_and_nations_both_ways() {
    let data = shared()
        .data(
            r#"{ zadar: place(code: "Zadar") { kind nation { code } projects { relation record { ... on Project { code } } } sources { quote } }
                msap: project(code: "msap") { places { edges { relation node { code } } } }
                hrv: nation(code: "HRV") { places { nodes { code } } }
                brussels: event(code: "brussels-summit-2021") { places { nodes { code name } } }
                arctic: place(code: "arctic") { kind nation { code } projects { record { ... on Project { code } } } }
                all: places(first: 20) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["zadar"]["kind"], "CITY");
    assert_eq!(data["zadar"]["nation"], json!({ "code": "HRV" }), "stationed in Zadar, Croatia");
    assert_eq!(data["zadar"]["projects"][0]["record"], json!({ "code": "msap" }));
    assert_eq!(data["msap"]["places"]["edges"][0]["node"], json!({ "code": "zadar" }));
    assert!(data["msap"]["places"]["edges"][0]["relation"].as_str().unwrap().contains("stationed"));
    assert_eq!(data["hrv"]["places"]["nodes"], json!([{ "code": "zadar" }]));
    assert_eq!(data["brussels"]["places"]["nodes"], json!([{ "code": "brussels", "name": "Brussels" }]));
    // A region no text places in one nation has none.
    assert_eq!((&data["arctic"]["kind"], &data["arctic"]["nation"]), (&json!("REGION"), &serde_json::Value::Null));
    assert_eq!(data["arctic"]["projects"][0]["record"], json!({ "code": "northlink" }));
    let fixtures = common::read_json(&common::fixtures_dir(), "places.json");
    assert_eq!(data["all"]["totalCount"].as_u64().unwrap() as usize, fixtures.as_array().unwrap().len());
}

#[tokio::test]
async fn places_filter_by_kind_nation_and_words() {
    let data = shared()
        .data(
            r#"{ croatia: places(filter: { kind: CITY, nation: "Croatia" }) { nodes { code } }
                 regions: places(filter: { kind: REGION }) { nodes { code } }
                 hague: places(filter: { text: "hague" }) { nodes { code } } }"#,
            serde_json::json!({}),
        )
        .await;
    let codes =
        |key: &str| data[key]["nodes"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes("croatia"), ["zadar"]);
    assert_eq!(codes("regions"), ["arctic", "wales"], "in name order");
    assert_eq!(codes("hague"), ["the-hague"]);
}
