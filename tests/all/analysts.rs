//! What an analyst asks first works as typed: every record has `id`, `code`, `name` and
//! `sources` through the `Record` interface, and participants through `Participant`, so names
//! need no fragments; checked through the real server on the real fixtures.

use crate::common;

use common::shared;
use std::collections::BTreeMap;

use serde_json::{json, Value};

#[tokio::test]
async fn names_need_no_fragments_on_participants_and_search_hits() {
    let data = shared()
        .data(
            r#"{ project(code: "r-socc") { participants { participant { __typename code name } } }
                 search(text: "tanker", first: 5) { node { __typename code name } } }"#,
            json!({}),
        )
        .await;
    let participants = data["project"]["participants"].as_array().unwrap();
    let names: Vec<&str> = participants.iter().map(|p| p["participant"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Croatia", "Hungary", "Slovakia", "Slovenia", "Austria"], "the page's order");
    let hits = data["search"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(hit["node"]["name"].as_str().is_some_and(|n| !n.is_empty()), "{hit}");
    }
    // A contract's display name is its title.
    let contract = shared().data(r#"{ contract(code: "nato-stinger-2024") { name title } }"#, json!({})).await;
    assert_eq!(contract["contract"]["name"], contract["contract"]["title"]);
}

#[tokio::test]
async fn every_record_type_is_a_record_and_nations_and_organisations_are_participants() {
    let data = shared()
        .data(
            r#"{ record: __type(name: "Record") { kind fields { name } possibleTypes { name } }
                 node: __type(name: "Node") { possibleTypes { name } }
                 participant: __type(name: "Participant") { kind possibleTypes { name } } }"#,
            json!({}),
        )
        .await;
    let names = |v: &Value| {
        let mut names: Vec<String> = v.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(data["record"]["kind"], "INTERFACE");
    assert_eq!(names(&data["record"]["fields"]), ["code", "disagreements", "id", "name", "sources"]);
    assert_eq!(names(&data["record"]["possibleTypes"]), names(&data["node"]["possibleTypes"]), "every node is a record");
    assert_eq!(names(&data["record"]["possibleTypes"]).len(), 12);
    assert_eq!(data["participant"]["kind"], "INTERFACE");
    assert_eq!(names(&data["participant"]["possibleTypes"]), ["Nation", "Organisation"]);
}

/// Every object in `value` that has a `code` also has an `id`.
fn objects_without_id(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("code") && !map.contains_key("id") {
                out.push(path.to_owned());
            }
            for (k, v) in map {
                objects_without_id(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| objects_without_id(v, &format!("{path}[{i}]"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_examples_select_the_id_that_normalized_caches_key_records_by() {
    let dir = common::repo().join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let query = std::fs::read_to_string(&path).unwrap();
        let variables = query
            .lines()
            .find_map(|l| l.strip_prefix("# Variables: "))
            .map(|v| serde_json::from_str::<Value>(v.split(" (").next().unwrap()).unwrap())
            .unwrap_or_else(|| json!({}));
        let data = shared().data(&query, variables).await;
        let mut missing = Vec::new();
        objects_without_id(&data, "data", &mut missing);
        assert!(missing.is_empty(), "{}: records without id (Apollo Client and urql cannot cache them): {missing:?}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 5);
}

fn message(response: &Value) -> &str {
    response["errors"][0]["message"].as_str().unwrap()
}

#[tokio::test]
async fn an_enum_written_as_a_string_is_refused_with_its_values() {
    let refused = shared().post(r#"{ projects(filter: { status: "ESTABLISHED" }) { totalCount } }"#, json!({})).await;
    assert_eq!(common::error_code(&refused), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(
        message(&refused),
        "Argument \"filter.status\" of \"projects\" takes a ProjectStatus, and a string is not an enum value: write ESTABLISHED without quotes. ProjectStatus is one of BEING_ESTABLISHED, ESTABLISHED, ESTABLISHED_AND_DELIVERING, COMPLETED."
    );
    // At the argument's value (the document keeps no positions inside an input object).
    assert_eq!(refused["errors"][0]["locations"], json!([{ "line": 1, "column": 20 }]));
    assert!(refused.get("data").is_none(), "refused before execution");
    // The same value as a variable is JSON, where an enum is a string: accepted.
    let by_variable = shared()
        .data(r#"query ($s: [ProjectStatus!]) { projects(filter: { status: $s }) { totalCount } }"#, json!({ "s": ["ESTABLISHED"] }))
        .await;
    let literal = shared().data(r#"{ projects(filter: { status: [ESTABLISHED] }) { totalCount } }"#, json!({})).await;
    assert_eq!(by_variable, literal);
}

#[tokio::test]
async fn misspellings_get_the_nearest_name_and_enums_their_values() {
    let field = shared().post(r#"{ project(code: "mus") { nmae } }"#, json!({})).await;
    assert_eq!(message(&field), r#"Unknown field "nmae" on type "Project". Did you mean "name"?"#);
    let value = shared().post(r#"{ projects(filter: { status: [ESTABLISHD] }) { totalCount } }"#, json!({})).await;
    assert!(message(&value).ends_with(
        "does not contain the value \"ESTABLISHD\". Did you mean ESTABLISHED? ProjectStatus is one of BEING_ESTABLISHED, ESTABLISHED, ESTABLISHED_AND_DELIVERING, COMPLETED."
    ), "{}", message(&value));
    // A variable's enum value is JSON: the same help, at the path inside the variable.
    let variable = shared()
        .post(
            r#"query ($s: [ProjectStatus!]) { projects(filter: { status: $s }) { totalCount } }"#,
            json!({ "s": ["ESTABLISHED", "ESTABLISHD"] }),
        )
        .await;
    assert_eq!(common::error_code(&variable), "BAD_USER_INPUT");
    assert_eq!(
        message(&variable),
        "Variable \"$s\" got an invalid value: $s[1]: expected ProjectStatus!, got \"ESTABLISHD\". Did you mean ESTABLISHED? ProjectStatus is one of BEING_ESTABLISHED, ESTABLISHED, ESTABLISHED_AND_DELIVERING, COMPLETED."
    );
    let connection = shared().post(r#"{ projects { name } }"#, json!({})).await;
    assert_eq!(
        message(&connection),
        "Unknown field \"name\" on type \"ProjectConnection\". ProjectConnection is a connection: its Project items are in `nodes { name }` or `edges { node { name } }`."
    );
}

#[tokio::test]
async fn a_syntax_error_is_one_line_that_names_the_likely_cause() {
    let missing_paren = shared().post("{\n  project(code: \"mus\" { name }\n}", json!({})).await;
    assert_eq!(common::error_code(&missing_paren), "GRAPHQL_PARSE_FAILED");
    assert_eq!(
        message(&missing_paren),
        "Syntax error at line 2, column 23 (at \"{\"): expected a name; the \"(\" at line 2, column 10 is not closed: is a \")\" missing?"
    );
    assert_eq!(missing_paren["errors"][0]["locations"], json!([{ "line": 2, "column": 23 }]));
    let missing_brace = shared().post(r#"{ project(code: "mus") { name }"#, json!({})).await;
    assert!(message(&missing_brace).ends_with("is not closed: is a \"}\" missing?"), "{}", message(&missing_brace));
    assert!(!message(&missing_brace).contains('\n'));
}

#[tokio::test]
async fn an_unknown_currency_is_an_error_like_every_unknown_code() {
    let refused = shared().post(r#"{ contracts(filter: { currency: "euro" }) { totalCount } }"#, json!({})).await;
    assert_eq!(common::error_code(&refused), "BAD_USER_INPUT");
    assert_eq!(message(&refused), r#"filter.currency: no contract is valued in "euro"; the currencies are EUR, USD"#);
    let known = shared().data(r#"{ contracts(filter: { currency: "eur" }) { totalCount } }"#, json!({})).await;
    assert_eq!(known["contracts"]["totalCount"], 2);
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let data = shared()
        .data(
            r#"{ __schema { types { name kind description
                   fields { name description args { name description } }
                   inputFields { name description }
                   enumValues { name description } } } }"#,
            json!({}),
        )
        .await;
    let described = |v: &Value| v["description"].as_str().is_some_and(|d| !d.trim().is_empty());
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"]));
            }
            for arg in field["args"].as_array().into_iter().flatten().filter(|a| !described(a)) {
                missing.push(format!("{name}.{}({})", field["name"], arg["name"]));
            }
        }
        for item in ["inputFields", "enumValues"].iter().flat_map(|k| ty[*k].as_array().into_iter().flatten()) {
            if !described(item) {
                missing.push(format!("{name}.{}", item["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}

/// The fields of a type, by introspection.
async fn fields_of(type_name: &str) -> Vec<String> {
    let data = shared().data("query($t: String!) { __type(name: $t) { fields { name } } }", json!({ "t": type_name })).await;
    data["__type"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect()
}

const HIT: &str = "score matchedField node { __typename id code }
    snippet { field fragment marked highlights { text start end } } textMatches { field fragment }";

#[tokio::test]
async fn search_hits_name_a_field_of_their_own_type_and_show_the_words_found_there() {
    for text in ["tanker", "drone", "zadar", "NSPA", "airbus", "space companies", "Lithuana", "disagreement", "fleet aircraft", "coherence"]
    {
        let data = shared().data(&format!("query($t: String!) {{ search(text: $t, first: 20) {{ {HIT} }} }}"), json!({ "t": text })).await;
        let hits = data["search"].as_array().unwrap();
        assert!(!hits.is_empty(), "{text}");
        for hit in hits {
            let (type_name, field) = (hit["node"]["__typename"].as_str().unwrap(), hit["matchedField"].as_str().unwrap());
            assert!(fields_of(type_name).await.iter().any(|f| f == field), "{text}: {type_name} has no field {field}");
            let snippet = &hit["snippet"];
            assert_eq!(snippet["field"], field, "{text}: {hit}");
            assert_eq!(hit["textMatches"][0]["field"], field, "{text}: the matched field's text match leads");
            let fragment: Vec<char> = snippet["fragment"].as_str().unwrap().chars().collect();
            let highlights = snippet["highlights"].as_array().unwrap();
            assert!(!highlights.is_empty(), "{text}: {hit}");
            for h in highlights {
                let (start, end) = (h["start"].as_u64().unwrap() as usize, h["end"].as_u64().unwrap() as usize);
                assert_eq!(fragment[start..end].iter().collect::<String>(), h["text"].as_str().unwrap(), "{text}: {hit}");
                assert!(snippet["marked"].as_str().unwrap().contains(&format!("**{}**", h["text"].as_str().unwrap())));
            }
            // The fragment is the field's own text (cut with "…" when long).
            let id = hit["node"]["id"].as_str().unwrap();
            let selection = match field {
                "statements" => "{ text }",
                "linesOfEffort" => "{ title text }",
                "readings" => "{ says }",
                _ => "",
            };
            let value = shared()
                .data(
                    &format!("query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ v: {field} {selection} }} }} }}"),
                    json!({ "id": id }),
                )
                .await;
            let value = value["node"]["v"].to_string();
            let inner = snippet["fragment"].as_str().unwrap().trim_matches('…');
            let escaped = serde_json::to_string(inner).unwrap();
            assert!(value.contains(escaped.trim_matches('"')), "{text}: {type_name}.{field} = {value} holds {inner:?}");
        }
    }
}

#[tokio::test]
async fn what_is_named_by_the_words_ranks_above_what_only_mentions_them() {
    let codes = |data: &Value| -> Vec<String> {
        data["search"].as_array().unwrap().iter().map(|h| h["node"]["code"].as_str().unwrap().to_owned()).collect()
    };
    // RPAS are "also known as uncrewed aerial vehicles (UAVs) or drones"; NFTE only trains drone pilots.
    let drone = shared().data(&format!(r#"{{ search(text: "drone") {{ {HIT} }} }}"#), json!({})).await;
    assert_eq!(codes(&drone)[0], "rpas");
    assert_eq!(drone["search"][0]["matchedField"], "aliases");
    assert!(codes(&drone).contains(&"nfte".to_owned()));
    // Two projects are named for tankers; the contract only buys tanker aircraft (its `item`).
    let tanker = shared().data(&format!(r#"{{ search(text: "tanker") {{ {HIT} }} }}"#), json!({})).await;
    let order = codes(&tanker);
    let contract = order.iter().position(|c| c == "nspa-airbus-a330-mrtt-2025").expect("the contract is found");
    for project in ["mmf", "mrtt-c"] {
        assert!(order.iter().position(|c| c == project).unwrap() < contract, "{order:?}");
    }
    assert_eq!(tanker["search"][contract]["matchedField"], "item");
    // Zadar, named in MSAP's purpose: the snippet shows the sentence with the word marked.
    let zadar = shared().data(&format!(r#"{{ search(text: "zadar") {{ {HIT} }} }}"#), json!({})).await;
    let msap = zadar["search"].as_array().unwrap().iter().find(|h| h["node"]["code"] == "msap").expect("MSAP is found");
    assert_eq!(msap["matchedField"], "purpose");
    assert!(msap["snippet"]["marked"].as_str().unwrap().contains("**Zadar**"), "{msap}");
}

#[tokio::test]
async fn where_the_sources_disagree_is_one_query_and_every_record_says_where_it_is_disputed() {
    let data = shared()
        .data(
            r#"{ disagreements { totalCount nodes { code subject records { __typename code }
                   readings { says source { quote source { code } } } sources { quote } } }
                 mrtt: project(code: "mrtt-c") { disagreements { code } }
                 contract(code: "nspa-airbus-a330-mrtt-2025") { disagreements { code readings { says } } }
                 objective(code: "commercial-space-strategy/3") { title disagreements { code readings { says } } }
                 apss: project(code: "apss") { disagreements { code } }
                 ismr: disagreements(filter: { source: "ismr-2025-07" }) { nodes { code } }
                 found: search(text: "fleet aircraft") { node { __typename code } } }"#,
            json!({}),
        )
        .await;
    let list = data["disagreements"]["nodes"].as_array().unwrap();
    assert_eq!(data["disagreements"]["totalCount"].as_u64(), Some(list.len() as u64));
    let fleet = list.iter().find(|d| d["code"] == "mrtt-fleet-size").expect("the fleet disagreement");
    let records: Vec<String> = fleet["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}", r["__typename"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(records, ["Project:mrtt-c", "Project:mmf", "ProcurementContract:nspa-airbus-a330-mrtt-2025"]);
    // Each reading names its source and quotes it; the record's sources are the readings' quotes.
    let readings = fleet["readings"].as_array().unwrap();
    let by_source: Vec<(&str, &str)> =
        readings.iter().map(|r| (r["source"]["source"]["code"].as_str().unwrap(), r["source"]["quote"].as_str().unwrap())).collect();
    assert!(
        by_source.contains(&("nato-mcc", "The last aircraft delivery is scheduled in 2026, after which the fleet will have 10 aircraft."))
    );
    assert!(by_source.iter().any(|(s, q)| *s == "ismr-2025-07" && q.ends_with("raising the current fleet to 12 aircraft")));
    let quotes: Vec<&Value> = readings.iter().map(|r| &r["source"]["quote"]).collect();
    let sources: Vec<&Value> = fleet["sources"].as_array().unwrap().iter().map(|s| &s["quote"]).collect();
    assert_eq!(quotes, sources);
    for d in list {
        assert!(d["readings"].as_array().unwrap().len() >= 2, "{d}");
    }
    // Every record it concerns lists it; a record no text disputes lists none.
    assert_eq!(data["mrtt"]["disagreements"], json!([{ "code": "mrtt-fleet-size" }]));
    assert_eq!(data["contract"]["disagreements"][0]["code"], "mrtt-fleet-size");
    assert_eq!(data["apss"]["disagreements"], json!([]));
    // The strategy disagrees with itself on its third objective's title; the title keeps one reading.
    let titles: Vec<&str> =
        data["objective"]["disagreements"][0]["readings"].as_array().unwrap().iter().map(|r| r["says"].as_str().unwrap()).collect();
    assert!(titles.iter().any(|t| t.starts_with("Ensure coherence")) && titles.iter().any(|t| t.starts_with("Enhance coherence")));
    assert_eq!(data["objective"]["title"], "Ensure coherence");
    assert_eq!(data["ismr"]["nodes"], json!([{ "code": "mrtt-fleet-size" }]));
    let found = data["found"].as_array().unwrap();
    assert!(found.iter().any(|h| h["node"]["__typename"] == "Disagreement" && h["node"]["code"] == "mrtt-fleet-size"), "{found:?}");
}

/// An exact decimal string as an integer count of millionths.
fn millionths(amount: &str) -> i128 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    assert!(fraction.len() <= 6, "{amount}");
    whole.parse::<i128>().unwrap() * 1_000_000 + format!("{fraction:0<6}").parse::<i128>().unwrap()
}

/// Per currency: (sum in millionths, contracts summed, any approximate), from the fixture file.
fn sums(contracts: &[&Value]) -> BTreeMap<String, (i128, u64, bool)> {
    let mut sums = BTreeMap::new();
    for value in contracts.iter().filter_map(|c| c.get("value")) {
        let entry = sums.entry(value["currency"].as_str().unwrap().to_owned()).or_insert((0, 0, false));
        entry.0 += millionths(value["amount"].as_str().unwrap());
        entry.1 += 1;
        entry.2 |= value["approximate"].as_bool().unwrap_or(false);
    }
    sums
}

fn answered(totals: &Value) -> BTreeMap<String, (i128, u64, bool)> {
    totals
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let approximate = t["approximate"].as_bool().unwrap();
            (
                t["currency"].as_str().unwrap().to_owned(),
                (millionths(t["amount"].as_str().unwrap()), t["contractCount"].as_u64().unwrap(), approximate),
            )
        })
        .collect()
}

#[tokio::test]
async fn for_how_much_is_one_query_summed_per_currency_over_every_page() {
    let file = common::read_json(&common::fixtures_dir(), "contracts.json");
    let all: Vec<&Value> = file.as_array().unwrap().iter().collect();
    let totals = "valueByCurrency { currency amount contractCount approximate }";
    let data = shared()
        .data(
            &format!(
                r#"{{ all: contracts(first: 1) {{ totalCount {totals} }}
                     nspa: contracts(filter: {{ buyer: "NSPA" }}, first: 1) {{ {totals} }}
                     eur: contracts(filter: {{ currency: "EUR" }}) {{ {totals} }}
                     asBuyer: organisation(code: "NSPA") {{ contractsAsBuyer(first: 1) {{ {totals} }} }}
                     stats {{ contractValueByCurrency {{ currency amount contractCount approximate }}
                             contractValueByBuyer {{ organisation {{ code }} contractCount {totals} }}
                             contractValueBySupplier {{ organisation {{ code }} contractCount {totals} }} }} }}"#
            ),
            json!({}),
        )
        .await;
    // One page of one contract, yet the sums cover the whole filtered list.
    assert!(data["all"]["totalCount"].as_u64().unwrap() > 1);
    assert_eq!(answered(&data["all"]["valueByCurrency"]), sums(&all));
    assert_eq!(answered(&data["stats"]["contractValueByCurrency"]), sums(&all));
    let bought: Vec<&Value> = all.iter().copied().filter(|c| c["buyer"] == "NSPA").collect();
    assert!(!bought.is_empty());
    assert_eq!(answered(&data["nspa"]["valueByCurrency"]), sums(&bought));
    assert_eq!(answered(&data["asBuyer"]["contractsAsBuyer"]["valueByCurrency"]), sums(&bought));
    let in_euros: Vec<&Value> = all.iter().copied().filter(|c| c["value"]["currency"] == "EUR").collect();
    assert_eq!(answered(&data["eur"]["valueByCurrency"]), sums(&in_euros));
    // Never summed across currencies: one total per currency.
    assert!(sums(&all).len() > 1, "the fixtures value contracts in several currencies");
    for (list, party) in [("contractValueByBuyer", "buyer"), ("contractValueBySupplier", "supplier")] {
        let rows = data["stats"][list].as_array().unwrap();
        let parties: std::collections::BTreeSet<&str> = all.iter().filter_map(|c| c[party].as_str()).collect();
        assert_eq!(rows.len(), parties.len(), "{list}: one row per {party}");
        for row in rows {
            let code = row["organisation"]["code"].as_str().unwrap();
            let theirs: Vec<&Value> = all.iter().copied().filter(|c| c[party] == code).collect();
            assert_eq!(row["contractCount"].as_u64(), Some(theirs.len() as u64), "{list} {code}");
            assert_eq!(answered(&row["valueByCurrency"]), sums(&theirs), "{list} {code}");
        }
        let counts: Vec<u64> = rows.iter().map(|r| r["contractCount"].as_u64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{list}: most contracts first");
    }
}
