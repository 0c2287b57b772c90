//! The API answered by the real server over HTTP, checked against the source texts.

use crate::common;

use std::collections::BTreeSet;

use common::{error_code, hvps_in_source_text, shared};
use serde_json::{json, Value};

fn codes(list: &Value) -> BTreeSet<String> {
    list.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// Resolves a name as written in the text through the API's own lookup.
async fn code_of(name: &str) -> String {
    let data =
        shared().data("query($n: String!) { nation(code: $n) { code } organisation(code: $n) { code } }", json!({ "n": name })).await;
    data["nation"]["code"]
        .as_str()
        .or(data["organisation"]["code"].as_str())
        .unwrap_or_else(|| panic!("the API finds no nation or organisation named {name:?}"))
        .to_owned()
}

#[tokio::test]
async fn every_hvp_has_exactly_the_participants_of_the_source_text() {
    let hvps = hvps_in_source_text();
    assert_eq!(hvps.len(), 29, "the page lists 29 HVPs");
    let query = "query($c: String!) { project(code: $c) { code kind participants { role participant { ... on Nation { code } ... on Organisation { code } } } } }";
    for hvp in hvps {
        let data = shared().data(query, json!({ "c": hvp.name })).await;
        let project = &data["project"];
        assert_eq!(project["kind"], "HIGH_VISIBILITY_PROJECT", "{}", hvp.title);
        let mut expected = BTreeSet::new();
        for name in hvp.participants.iter().chain(&hvp.supporters) {
            expected.insert(code_of(name).await);
        }
        let participants = project["participants"].as_array().unwrap();
        let actual: BTreeSet<String> = participants.iter().map(|p| p["participant"]["code"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actual, expected, "participants of {}", hvp.title);
        assert_eq!(participants.len(), actual.len(), "{} lists a participant twice", hvp.title);
        let with_role = |role: &str| -> BTreeSet<String> {
            participants.iter().filter(|p| p["role"] == role).map(|p| p["participant"]["code"].as_str().unwrap().to_owned()).collect()
        };
        let mut partners = BTreeSet::new();
        for name in &hvp.partners {
            partners.insert(code_of(name).await);
        }
        assert_eq!(with_role("PARTNER"), partners, "NATO partners of {}", hvp.title);
        let mut supporters = BTreeSet::new();
        for name in &hvp.supporters {
            supporters.insert(code_of(name).await);
        }
        assert_eq!(with_role("SUPPORTER"), supporters, "supporters of {}", hvp.title);
    }
}

#[tokio::test]
async fn roles_the_text_states_are_kept() {
    let data = shared()
        .data(
            r#"{ rsocc: project(code: "r-socc") { participants(role: LEAD) { participant { ... on Nation { code } } } }
                 msap: project(code: "MSAP") { participants(role: HOST) { participant { ... on Nation { code } } } }
                 mawi: project(code: "mawi") { participants { role participant { __typename ... on Organisation { code } } } note } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["rsocc"]["participants"], json!([{ "participant": { "code": "HUN" } }]), "R-SOCC is led by Hungary");
    assert_eq!(data["msap"]["participants"], json!([{ "participant": { "code": "HRV" } }]), "MSAP is stationed in Zadar, Croatia");
    let mawi = data["mawi"]["participants"].as_array().unwrap();
    let nations = mawi.iter().filter(|p| p["participant"]["__typename"] == "Nation").count();
    assert_eq!(nations, 26, "With 26 participating countries");
    assert!(mawi.iter().any(|p| p["participant"]["code"] == "NSPA"), "MAWI also lists NSPA");
    assert!(data["mawi"]["note"].as_str().unwrap().contains("26"), "the note explains the count");
}

/// A participation holds every role the texts give it, the main one first; role filters match
/// any of them, on a project's participants and on a nation's or organisation's projects.
#[tokio::test]
async fn a_participation_holds_every_role_the_texts_give() {
    let data = shared()
        .data(
            r#"{ mus: project(code: "mus") { participants(role: HOST) { role roles note participant { ... on Nation { code } } } }
                 mmf: project(code: "mmf") { participants { roles participant { ... on Organisation { code } } } }
                 prt: nation(code: "PRT") { projects(role: HOST, first: 50) { edges { role roles node { code } } } }
                 nspa: organisation(code: "NSPA") { projects(role: MANAGER) { edges { roles node { code } } } } }"#,
            json!({}),
        )
        .await;
    let hosts = data["mus"]["participants"].as_array().unwrap();
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    assert_eq!(hosts[0]["participant"]["code"], "PRT", "Since September 2019, Portugal has hosted the annual exercise REPMUS");
    assert_eq!((&hosts[0]["role"], &hosts[0]["roles"]), (&json!("PARTICIPANT"), &json!(["PARTICIPANT", "HOST"])));
    let nspa = data["mmf"]["participants"].as_array().unwrap().iter().find(|p| p["participant"]["code"] == "NSPA").unwrap();
    assert_eq!(nspa["roles"], json!(["MANAGER"]), "currently managed by NSPA");
    assert_eq!(
        data["prt"]["projects"]["edges"],
        json!([{ "role": "PARTICIPANT", "roles": ["PARTICIPANT", "HOST"], "node": { "code": "mus" } }])
    );
    assert_eq!(data["nspa"]["projects"]["edges"], json!([{ "roles": ["MANAGER"], "node": { "code": "mmf" } }]));
}

#[tokio::test]
async fn a_nested_query_three_levels_deep_links_back() {
    let query = r#"{ project(code: "c-socc") { name launched { year month day iso }
        participants { participant { ... on Nation { code name projects(first: 100) { totalCount edges { role node { code area { code } } } } } } } } }"#;
    let data = shared().data(query, json!({})).await;
    let project = &data["project"];
    assert_eq!(project["name"], "Composite Special Operations Component Command");
    assert_eq!(project["launched"], json!({ "year": 2017, "month": 2, "day": null, "iso": "2017-02" }), "launched in February 2017");
    let nations: BTreeSet<_> =
        project["participants"].as_array().unwrap().iter().map(|p| p["participant"]["code"].as_str().unwrap()).collect();
    assert_eq!(nations, BTreeSet::from(["BEL", "DNK", "NLD"]), "Belgium, Denmark and the Netherlands");
    for participant in project["participants"].as_array().unwrap() {
        let projects = &participant["participant"]["projects"];
        let edges = projects["edges"].as_array().unwrap();
        assert_eq!(projects["totalCount"].as_u64().unwrap() as usize, edges.len());
        assert!(
            edges.iter().any(|e| e["node"]["code"] == "c-socc" && e["node"]["area"]["code"] == "command-and-control"),
            "each participant links back to C-SOCC"
        );
    }
}

#[tokio::test]
async fn a_nations_projects_carry_its_role() {
    let data = shared()
        .data(r#"{ nation(code: "hungary") { code projectCount projects(first: 100) { totalCount edges { role node { code participants { participant { ... on Nation { code } } } } } } } }"#, json!({}))
        .await;
    let nation = &data["nation"];
    assert_eq!(nation["code"], "HUN");
    let edges = nation["projects"]["edges"].as_array().unwrap();
    assert_eq!(nation["projectCount"], nation["projects"]["totalCount"]);
    assert!(edges.iter().any(|e| e["node"]["code"] == "r-socc" && e["role"] == "LEAD"));
    for edge in edges {
        let listed = edge["node"]["participants"].as_array().unwrap().iter().any(|p| p["participant"]["code"] == "HUN");
        assert!(listed, "{} lists Hungary", edge["node"]["code"]);
    }
    // Every HVP of the text that names Hungary is among its projects.
    let in_text = hvps_in_source_text().into_iter().filter(|h| h.participants.iter().any(|p| p == "Hungary")).count();
    let hvps = edges.iter().filter(|e| e["node"]["code"] != "mmf").count();
    assert!(hvps >= in_text, "{hvps} projects, text names Hungary in {in_text}");
}

#[tokio::test]
async fn nations_are_found_by_code_or_name_in_any_case_and_without_diacritics() {
    for name in ["TUR", "tur", "TR", "Türkiye", "TÜRKIYE", "turkiye", "Turkey"] {
        let data = shared().data("query($n: String!) { nation(code: $n) { code name } }", json!({ "n": name })).await;
        assert_eq!(data["nation"], json!({ "code": "TUR", "name": "Türkiye" }), "{name}");
    }
}

#[tokio::test]
async fn unknown_codes_return_null() {
    let data = shared()
        .data(
            r#"{ project(code: "no-such-project") { code } nation(code: "XYZ") { code } organisation(code: "NOPE") { code }
                 capabilityArea(code: "x") { code } strategy(code: "x") { code } objective(code: "x/9") { code }
                 contract(code: "x") { code } source(code: "x") { code } node(id: "bm90LWFuLWlk") { id } }"#,
            json!({}),
        )
        .await;
    for (field, value) in data.as_object().unwrap() {
        assert!(value.is_null(), "{field} should be null, got {value}");
    }
}

#[tokio::test]
async fn global_ids_fetch_the_same_record_again() {
    let data = shared().data(r#"{ nations(first: 5) { nodes { id code } } project(code: "mus") { id code } }"#, json!({})).await;
    let mut ids: Vec<Value> = data["nations"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].clone()).collect();
    ids.push(data["project"]["id"].clone());
    let again = shared()
        .data("query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Nation { code } ... on Project { code } } }", json!({ "ids": ids }))
        .await;
    let mut expected: Vec<Value> = data["nations"]["nodes"].as_array().unwrap().clone();
    expected.push(data["project"].clone());
    assert_eq!(again["nodes"], Value::Array(expected));
}

#[tokio::test]
async fn an_unknown_filter_code_is_an_error_naming_it() {
    let response = shared().post(r#"{ projects(filter: { participant: "XYZ" }) { totalCount } }"#, json!({})).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert!(response["errors"][0]["message"].as_str().unwrap().contains("\"XYZ\""), "{response}");
}

#[tokio::test]
async fn projects_france_and_germany_share() {
    let data = shared()
        .data(r#"{ projects(filter: { participantsAll: ["France", "deu"] }, first: 100) { totalCount nodes { code participants { participant { ... on Nation { code } } } } } }"#, json!({}))
        .await;
    let nodes = data["projects"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    assert_eq!(data["projects"]["totalCount"].as_u64().unwrap() as usize, nodes.len());
    for project in nodes {
        let nations = codes(&Value::Array(
            project["participants"].as_array().unwrap().iter().filter_map(|p| p["participant"].get("code").cloned()).collect(),
        ));
        assert!(nations.contains("FRA") && nations.contains("DEU"), "{}", project["code"]);
    }
    // Independently from the text: every HVP naming both France and Germany is in the answer.
    let listed: BTreeSet<&str> = nodes.iter().map(|p| p["code"].as_str().unwrap()).collect();
    let both = hvps_in_source_text()
        .into_iter()
        .filter(|h| h.participants.contains(&"France".into()) && h.participants.contains(&"Germany".into()))
        .count();
    assert!(listed.len() >= both, "{} listed, {both} in the text", listed.len());
}

#[tokio::test]
async fn paging_through_every_project_in_threes_gives_each_once_both_ways() {
    let all = shared().data("{ projects(first: 200) { totalCount nodes { code } } }", json!({})).await;
    let expected: Vec<Value> = all["projects"]["nodes"].as_array().unwrap().iter().map(|n| n["code"].clone()).collect();
    assert_eq!(all["projects"]["totalCount"].as_u64().unwrap() as usize, expected.len());

    let forward =
        "query($after: String) { projects(first: 3, after: $after) { edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }";
    let (mut seen, mut after) = (Vec::new(), Value::Null);
    loop {
        let page = shared().data(forward, json!({ "after": after })).await;
        seen.extend(page["projects"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["code"].clone()));
        if page["projects"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["projects"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, expected);

    let backward = "query($before: String) { projects(last: 3, before: $before) { edges { node { code } } pageInfo { hasPreviousPage startCursor } } }";
    let (mut seen, mut before) = (Vec::new(), Value::Null);
    loop {
        let page = shared().data(backward, json!({ "before": before })).await;
        let mut codes: Vec<Value> = page["projects"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["code"].clone()).collect();
        codes.extend(seen);
        seen = codes;
        if page["projects"]["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        before = page["projects"]["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn bad_paging_arguments_are_client_errors() {
    for query in [
        r#"{ projects(first: 100000) { totalCount } }"#,
        r#"{ projects(first: -1) { totalCount } }"#,
        r#"{ projects(after: "garbage") { totalCount } }"#,
        r#"{ projects(first: 1, last: 1) { totalCount } }"#,
    ] {
        let response = shared().post(query, json!({})).await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{query}: {response}");
    }
}

#[tokio::test]
async fn get_requests_serve_queries_and_the_sdl_matches_the_committed_file() {
    let response = shared().get("/graphql?query=%7B%20project(code%3A%20%22apss%22)%20%7B%20acronym%20%7D%20%7D").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["project"]["acronym"], "APSS");

    let sdl = shared().get("/schema.graphql").await.text().await.unwrap();
    let committed = std::fs::read_to_string(common::repo().join("schema/schema.graphql")).unwrap();
    assert_eq!(sdl, committed);
}

#[tokio::test]
async fn health_and_readiness_report_the_store() {
    assert_eq!(shared().get("/healthz").await.status(), 200);
    let ready: Value = shared().get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    let projects = common::read_json(&common::fixtures_dir(), "projects.json");
    assert_eq!(ready["counts"]["Project"], projects.as_array().unwrap().len());
}
