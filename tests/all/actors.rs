//! The actors and documents the texts name beyond the projects: the US Space Force and its
//! Commercial Integration Cell, the NATO ISR Force and its AGS fleet, the European Commission,
//! the Kiel Institute, Russia and its officials, the Vilnius communiqué and how the strategies
//! relate; checked through the real server against the texts.

use crate::common;

use common::shared;
use serde_json::{json, Value};

fn text(name: &str) -> String {
    let raw = std::fs::read_to_string(common::fixtures_dir().join("texts").join(name)).unwrap();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

const ORG: &str = "code name kind parent { code parent { code } } nation { code } inferred { field } sources { quote }";

#[tokio::test]
async fn national_bodies_forces_and_institutes_sit_in_their_nation_and_parent() {
    let data = shared()
        .data(
            &format!(
                r#"{{ ussf: organisation(code: "USSF") {{ {ORG} children {{ code }} }}
                     cic: organisation(code: "USSF-CIC") {{ {ORG} }}
                     ags: organisation(code: "AGS") {{ {ORG} }}
                     kiel: organisation(code: "Kiel Institute for the World Economy") {{ {ORG} figures {{ value unit qualifier }} }}
                     ec: organisation(code: "EUROPEAN-COMMISSION") {{ {ORG} people {{ nodes {{ code }} }} }} }}"#
            ),
            json!({}),
        )
        .await;
    assert_eq!(data["ussf"]["kind"], "MILITARY_FORCE");
    assert_eq!(data["ussf"]["nation"]["code"], "USA");
    assert_eq!(data["ussf"]["children"], json!([{ "code": "USSF-CIC" }]));
    assert_eq!(data["cic"]["name"], "Space Force Commercial Integration Cell");
    assert_eq!(data["cic"]["inferred"], json!([{ "field": "kind" }]), "a 'cell' is read as an office");
    assert_eq!(data["ags"]["parent"], json!({ "code": "NISRF", "parent": { "code": "NATO" } }));
    assert_eq!(data["kiel"]["code"], "KIEL-INSTITUTE", "found by its name");
    assert_eq!((&data["kiel"]["kind"], &data["kiel"]["nation"]["code"]), (&json!("RESEARCH_INSTITUTE"), &json!("DEU")));
    assert_eq!(data["kiel"]["figures"], json!([{ "value": "50000000000", "unit": "USD", "qualifier": "ABOUT" }]));
    assert_eq!(data["ec"]["parent"]["code"], "EU");
    assert_eq!(data["ec"]["inferred"], json!([{ "field": "parent" }]), "no text says the Commission is an EU institution");
    assert_eq!(data["ec"]["people"]["nodes"], json!([{ "code": "ursula-von-der-leyen" }]));
    let (ismr, mcc, bd, nw) = (
        text("000_69ef6e1010583e7e.txt"),
        text("001_cab77a58b4532454.txt"),
        text("003_f86d5d7a2ec9e2ba.txt"),
        text("004_54af43119e78d015.txt"),
    );
    for record in ["ussf", "cic", "ags", "kiel", "ec"] {
        for quote in data[record]["sources"].as_array().unwrap() {
            let quote = quote["quote"].as_str().unwrap();
            assert!([&ismr, &mcc, &bd, &nw].iter().any(|t| t.contains(quote)), "{record}: {quote}");
        }
    }
}

#[tokio::test]
async fn russia_is_neither_ally_nor_partner_and_its_officials_hold_its_offices() {
    let data = shared()
        .data(
            r#"{ rus: nation(code: "Russian Federation") { code membership natoAccession people { nodes { code office } } }
                 kartapolov: person(code: "andrei-kartapolov") { officeOf { ... on Organisation { code nation { code } } } }
                 invasion: event(code: "russian-invasion-of-ukraine-2022") { kind date { iso precision } inferred { field } }
                 timeline(from: "2022", to: "2022") { nodes { kind title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["rus"]["code"], "RUS");
    assert_eq!(data["rus"]["membership"], "NON_MEMBER");
    assert_eq!(data["rus"]["natoAccession"], Value::Null);
    assert_eq!(data["rus"]["people"]["nodes"], json!([{ "code": "vladimir-putin", "office": "Russian President" }]));
    assert_eq!(data["kartapolov"]["officeOf"], json!({ "code": "RUS-PARLIAMENT-LOWER-HOUSE", "nation": { "code": "RUS" } }));
    assert_eq!(
        data["invasion"],
        json!({ "kind": "CONFLICT", "date": { "iso": "2022-02-24", "precision": "DAY" }, "inferred": [{ "field": "name" }] })
    );
    assert!(text("004_54af43119e78d015.txt").contains("Moscow launched its invasion of Ukraine on February 24, 2022"));
    assert_eq!(data["timeline"]["nodes"], json!([{ "kind": "EVENT", "title": "Russian invasion of Ukraine" }]));
}

#[tokio::test]
async fn strategies_say_which_documents_they_echo_implement_and_cite() {
    let data = shared()
        .data(
            r#"{ css: strategy(code: "commercial-space-strategy") { relatedStrategies { strategy { code kind published { iso } } relation sources { quote } } }
                 plan: strategy(code: "commercial-space-strategy-implementation-plan") { relatedStrategies { strategy { code } } } }"#,
            json!({}),
        )
        .await;
    let related = data["css"]["relatedStrategies"].as_array().unwrap();
    let codes: Vec<&str> = related.iter().map(|r| r["strategy"]["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "us-space-force-commercial-space-strategy",
            "overarching-space-policy",
            "vilnius-summit-communique-2023",
            "commercial-space-strategy-implementation-plan"
        ]
    );
    assert!(related[0]["relation"].as_str().unwrap().contains("strongly echoes"));
    assert_eq!(related[2]["strategy"]["kind"], "COMMUNIQUE");
    assert_eq!(related[2]["strategy"]["published"]["iso"], "2023");
    let css = text("002_7daf749271317a6b.txt");
    assert!(css.contains("2. 2023 Vilnius Summit Communique."));
    assert!(css.contains(related[2]["sources"][0]["quote"].as_str().unwrap()), "the note mark 2 sits on the quoted sentence");
    assert_eq!(data["plan"]["relatedStrategies"], json!([{ "strategy": { "code": "commercial-space-strategy" } }]));
}
