//! People: who the texts name, their office as the texts give it, and what they said, verbatim,
//! through the real server.

use crate::common;

use common::{read_json, shared};
use serde_json::{json, Value};

fn text_of(source: &str) -> String {
    let sources = read_json(&common::fixtures_dir(), "sources.json");
    let file = sources.as_array().unwrap().iter().find(|s| s["code"] == source).unwrap()["file"].as_str().unwrap().to_owned();
    let raw = std::fs::read_to_string(common::fixtures_dir().join("texts").join(file)).unwrap();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn what_people_said_is_verbatim_from_their_source() {
    let data = shared()
        .data(
            "{ people(first: 50) { totalCount nodes { code name office statements { text quoted source { quote source { code } } } } } }",
            json!({}),
        )
        .await;
    let people = data["people"]["nodes"].as_array().unwrap();
    assert_eq!(people.len(), read_json(&common::fixtures_dir(), "people.json").as_array().unwrap().len());
    let mut statements = 0;
    for person in people {
        for s in person["statements"].as_array().unwrap() {
            statements += 1;
            let quote = squash(s["source"]["quote"].as_str().unwrap());
            assert!(text_of(s["source"]["source"]["code"].as_str().unwrap()).contains(&quote), "{}: {quote}", person["code"]);
            assert!(quote.contains(&squash(s["text"].as_str().unwrap())), "{}: the words are the source's", person["code"]);
        }
    }
    assert!(statements >= 6, "{statements}");
    let rutte = people.iter().find(|p| p["code"] == "mark-rutte").unwrap();
    let words: Vec<&str> = rutte["statements"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(words.contains(&"unite, innovate and deliver"), "{words:?}");
    assert_eq!(rutte["office"], "Secretary General");
}

#[tokio::test]
async fn people_link_to_their_office_and_the_events_they_spoke_at() {
    let data = shared()
        .data(
            r#"{ shekerinska: person(code: "Radmila Shekerinska") { officeOf { ... on Organisation { code } } statements { quoted event { code kind } inferred { field } } }
                ceremony: event(code: "nspa-signing-ceremony-2025") { people { nodes { code } } }
                nato: organisation(code: "NATO") { people { nodes { code } } }
                usa: nation(code: "USA") { people { nodes { code office } } }
                forum: event(code: "nato-summit-defence-industry-forum-2025") { people { nodes { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["shekerinska"]["officeOf"], json!({ "code": "NATO" }));
    assert_eq!(
        data["shekerinska"]["statements"],
        json!([{ "quoted": false, "event": { "code": "nspa-signing-ceremony-2025", "kind": "CEREMONY" }, "inferred": [] }]),
        "\"At the signing ceremony, NATO Deputy Secretary General, Radmila Shekerinska, also praised ...\""
    );
    assert_eq!(data["ceremony"]["people"]["nodes"], json!([{ "code": "radmila-shekerinska" }]));
    let nato: Vec<&str> = data["nato"]["people"]["nodes"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(nato, ["jens-stoltenberg", "mark-rutte", "radmila-shekerinska"]);
    assert_eq!(data["usa"]["people"]["nodes"], json!([{ "code": "jake-sullivan", "office": "national security adviser for the U.S." }]));
    // Who spoke at the forum is read from the report's wording, and each statement says so.
    let forum: Vec<&Value> = data["forum"]["people"]["nodes"].as_array().unwrap().iter().collect();
    assert_eq!(forum.len(), 2, "{forum:?}");
}

#[tokio::test]
async fn dated_statements_are_on_the_timeline() {
    let data = shared()
        .data(r#"{ timeline(kinds: [STATEMENT], first: 20) { nodes { date { iso } title subject { ... on Person { code } } sources { quote } } } }"#, json!({}))
        .await;
    let nodes = data["timeline"]["nodes"].as_array().unwrap();
    let rutte = nodes.iter().find(|n| n["subject"]["code"] == "mark-rutte").expect("Rutte's dated statement");
    assert_eq!(rutte["date"]["iso"], "2025-06-24", "On 24 June 2025, Secretary General Mark Rutte called on ...");
    assert!(rutte["title"].as_str().unwrap().contains("unite, innovate and deliver"));
    // Only statements a text dates are there.
    let people = read_json(&common::fixtures_dir(), "people.json");
    let dated =
        people.as_array().unwrap().iter().filter_map(|p| p["statements"].as_array()).flatten().filter(|s| s["date"].is_string()).count();
    assert_eq!(nodes.len(), dated);
}

#[tokio::test]
async fn people_filter_by_office_and_by_words() {
    let data = shared()
        .data(
            r#"{ nato: people(filter: { officeOf: "NATO" }) { totalCount nodes { code } }
                 russia: people(filter: { officeOf: "Russia" }) { nodes { code } }
                 unite: people(filter: { text: "UNITE, innovate" }) { nodes { code } } }"#,
            serde_json::json!({}),
        )
        .await;
    let codes =
        |key: &str| data[key]["nodes"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes("nato"), ["jens-stoltenberg", "mark-rutte", "radmila-shekerinska"], "in name order");
    assert_eq!(data["nato"]["totalCount"], 3);
    assert_eq!(codes("russia"), ["vladimir-putin"], "Kartapolov's office is the parliament's lower house, not the nation");
    assert_eq!(codes("unite"), ["mark-rutte"], "words of what was said");
    let response = shared().post(r#"{ people(filter: { officeOf: "Narnia" }) { totalCount } }"#, serde_json::json!({})).await;
    assert_eq!(common::error_code(&response), "BAD_USER_INPUT");
}
