//! Figures: the numbers the texts state, each with its unit, what it counts, how the text
//! qualifies it and its quote; checked against the texts and the records they count.

use crate::common;

use common::shared;
use serde_json::{json, Value};

const FIGURE: &str = "figures { value unit counts qualifier date { iso } source { quote } }";

fn value_of<'a>(record: &'a Value, unit: &str) -> Vec<&'a str> {
    record["figures"].as_array().unwrap().iter().filter(|f| f["unit"] == unit).map(|f| f["value"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn stated_counts_equal_the_records_they_count() {
    let query = format!(
        r#"{{ mawi: project(code: "mawi") {{ {FIGURE} participants {{ participant {{ __typename }} }} }}
              lbdm: project(code: "lbdm") {{ {FIGURE} participants {{ participant {{ __typename }} }} }} }}"#
    );
    let data = shared().data(&query, json!({})).await;
    for (code, unit) in [("mawi", "participating countries"), ("lbdm", "countries")] {
        let nations = data[code]["participants"].as_array().unwrap().iter().filter(|p| p["participant"]["__typename"] == "Nation").count();
        assert_eq!(value_of(&data[code], unit), [nations.to_string().as_str()], "{code}: the stated count is the nations taking part");
    }
}

#[tokio::test]
async fn figures_keep_the_texts_words_and_their_disagreements() {
    let query = format!(
        r#"{{ nfte: project(code: "nfte") {{ {FIGURE} }}
              mrtt: project(code: "mrtt-c") {{ {FIGURE} }}
              mmf: project(code: "mmf") {{ {FIGURE} }}
              spacenet: organisation(code: "NIAG-SPACENET") {{ {FIGURE} }}
              readiness: strategy(code: "eu-readiness-2030") {{ {FIGURE} }}
              usa: nation(code: "USA") {{ {FIGURE} }}
              llat: project(code: "lower-level-air-threats") {{ {FIGURE} }} }}"#
    );
    let data = shared().data(&query, json!({})).await;
    assert_eq!(value_of(&data["nfte"], "training campuses"), ["14"], "\"Fourteen NFTE training campuses\"");
    // Two texts, two fleets: both kept, each with its own quote.
    assert_eq!(value_of(&data["mrtt"], "aircraft"), ["10"]);
    assert_eq!(value_of(&data["mmf"], "aircraft"), ["12"]);
    // "some 300" and "across 300": the same number, both readings kept, both approximate.
    let spacenet = data["spacenet"]["figures"].as_array().unwrap();
    assert_eq!(spacenet.len(), 2);
    assert!(spacenet.iter().all(|f| f["value"] == "300" && f["qualifier"] == "ABOUT"));
    let quotes: Vec<&str> = spacenet.iter().map(|f| f["source"]["quote"].as_str().unwrap()).collect();
    assert!(quotes.iter().any(|q| q.contains("some 300")) && quotes.iter().any(|q| q.contains("across 300")), "{quotes:?}");
    let readiness = &data["readiness"]["figures"][0];
    assert_eq!(
        (&readiness["value"], &readiness["unit"], &readiness["qualifier"]),
        (&json!("800000000000"), &json!("EUR"), &json!("AT_MOST"))
    );
    let usa = &data["usa"]["figures"][0];
    assert_eq!((&usa["value"], &usa["unit"], &usa["qualifier"]), (&json!("53600000000"), &json!("USD"), &json!("AT_LEAST")));
    assert_eq!(value_of(&data["llat"], "metres"), ["150"]);
    assert_eq!(value_of(&data["llat"], "feet"), ["500"]);
}

#[tokio::test]
async fn the_alliances_stated_counts_equal_its_allies_and_the_pages_projects() {
    let query = format!(
        r#"{{ nato: organisation(code: "NATO") {{ {FIGURE} }}
              nations(first: 100) {{ totalCount nodes {{ membership }} }}
              projects(first: 100, filter: {{ kind: HIGH_VISIBILITY_PROJECT }}) {{ totalCount nodes {{ area {{ code }} }} }} }}"#
    );
    let data = shared().data(&query, json!({})).await;
    let allies = data["nations"]["nodes"].as_array().unwrap().iter().filter(|n| n["membership"] == "ALLY").count();
    assert_eq!(data["nations"]["totalCount"], data["nations"]["nodes"].as_array().unwrap().len());
    assert_eq!(value_of(&data["nato"], "members"), [allies.to_string().as_str()], "the 32 alliance members are the Allies");
    // The page's HVPs are those filed under one of its capability areas.
    let listed = data["projects"]["nodes"].as_array().unwrap().iter().filter(|p| !p["area"].is_null()).count();
    assert_eq!(value_of(&data["nato"], "projects"), [listed.to_string().as_str()], "the page's 29 projects are its listed HVPs");
}
