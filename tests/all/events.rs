//! Events: the summits, meetings, forums, ceremonies, exercises and industry events the texts
//! name, linked both ways to what happened at them, through the real server.

use crate::common;

use common::{read_json, shared};
use serde_json::{json, Value};

fn text_of(source: &str) -> String {
    let sources = read_json(&common::fixtures_dir(), "sources.json");
    let file = sources.as_array().unwrap().iter().find(|s| s["code"] == source).unwrap()["file"].as_str().unwrap().to_owned();
    let raw = std::fs::read_to_string(common::fixtures_dir().join("texts").join(file)).unwrap();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn events_are_listed_in_date_order_with_their_quotes() {
    let data = shared()
        .data("{ events(first: 50) { totalCount nodes { code name kind date { iso } sources { quote source { code } } } } }", json!({}))
        .await;
    let nodes = data["events"]["nodes"].as_array().unwrap();
    let fixtures = read_json(&common::fixtures_dir(), "events.json");
    assert_eq!(nodes.len(), fixtures.as_array().unwrap().len());
    let dates: Vec<&str> = nodes.iter().filter_map(|e| e["date"]["iso"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0][..4] <= w[1][..4]), "{dates:?}");
    for event in nodes {
        for citation in event["sources"].as_array().unwrap() {
            let quote = citation["quote"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text_of(citation["source"]["code"].as_str().unwrap()).contains(&quote), "{}: {quote}", event["code"]);
        }
    }
    let wales = nodes.iter().find(|e| e["code"] == "wales-summit-2014").unwrap();
    assert_eq!((&wales["kind"], &wales["date"]["iso"]), (&json!("SUMMIT"), &json!("2014")));
}

#[tokio::test]
async fn events_and_what_happened_at_them_link_both_ways() {
    assert!(text_of("nato-mcc").contains("The ABDM project was launched by six Allies at the 2014 Wales Summit."));
    let data = shared()
        .data(
            r#"{ wales: event(code: "wales-summit-2014") { projects { relation record { __typename ... on Project { code } } } }
                abdm: project(code: "abdm") { events { edges { relation node { code } } } }
                stinger: contract(code: "nato-stinger-2024") { events { nodes { code kind } } }
                css: strategy(code: "commercial-space-strategy") { events { edges { relation node { code place } } } }
                prt: nation(code: "PRT") { hostedEvents { nodes { code kind date { iso } projects { record { ... on Project { code } } } } } }
                hague: event(code: "The Hague") { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["wales"]["projects"],
        json!([{ "relation": "launched by six Allies at it", "record": { "__typename": "Project", "code": "abdm" } }])
    );
    assert_eq!(
        data["abdm"]["events"]["edges"],
        json!([{ "relation": "launched by six Allies at it", "node": { "code": "wales-summit-2014" } }])
    );
    let stinger: Vec<&Value> = data["stinger"]["events"]["nodes"].as_array().unwrap().iter().collect();
    let kinds: Vec<&str> = stinger.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 2, "signed during the Washington summit, announced at the industry day: {stinger:?}");
    assert!(kinds.contains(&"SUMMIT") && kinds.contains(&"INDUSTRY_EVENT"));
    let css = data["css"]["events"]["edges"].as_array().unwrap();
    assert_eq!(css.len(), 1);
    assert_eq!(css[0]["node"], json!({ "code": "the-hague-summit-2025", "place": "The Hague" }));
    assert_eq!(
        data["prt"]["hostedEvents"]["nodes"],
        json!([{ "code": "repmus", "kind": "EXERCISE", "date": { "iso": "2019-09" }, "projects": [{ "record": { "code": "mus" } }] }]),
        "Since September 2019, Portugal has hosted the annual exercise REPMUS"
    );
    // `event(code:)` takes a name too; a name that no event has finds nothing.
    assert_eq!(data["hague"], Value::Null, "\"The Hague\" is a place, not an event's name");
}

#[tokio::test]
async fn events_are_searched_and_on_the_timeline_with_inferred_dates_marked() {
    let data = shared()
        .data(
            r#"{ search(text: "Wales Summit", first: 3) { node { __typename ... on Event { code } } }
                timeline(kinds: [EVENT], first: 50) { nodes { date { iso } inferred { field } subject { ... on Event { code } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["search"][0]["node"], json!({ "__typename": "Event", "code": "wales-summit-2014" }));
    let timeline = data["timeline"]["nodes"].as_array().unwrap();
    let washington = timeline.iter().find(|e| e["subject"]["code"] == "washington-summit-2024").unwrap();
    assert_eq!(washington["inferred"], json!([{ "field": "date" }]), "the text prints no year");
    let repmus = timeline.iter().find(|e| e["subject"]["code"] == "repmus").unwrap();
    assert_eq!((&repmus["date"]["iso"], &repmus["inferred"]), (&json!("2019-09"), &json!([])));
}

#[tokio::test]
async fn events_filter_by_host_and_words() {
    let data = shared()
        .data(
            r#"{ portugal: events(filter: { host: "Portugal" }) { nodes { code } }
                 summits: events(filter: { text: "Summit" }) { nodes { code date { iso } } } }"#,
            json!({}),
        )
        .await;
    let codes =
        |key: &str| data[key]["nodes"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes("portugal"), ["repmus"]);
    // In date order: a year before the months and days of that year.
    assert_eq!(
        codes("summits"),
        [
            "wales-summit-2014",
            "brussels-summit-2021",
            "washington-summit-2024",
            "nato-summit-defence-industry-forum-2025",
            "the-hague-summit-2025"
        ]
    );
}
