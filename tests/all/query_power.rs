//! Filters, ordering, search, aggregates and batched loading, through the real server, with
//! expected answers computed independently from the fixtures and the source texts.

use crate::common;

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
    // Complexity is not what this test is about: lift the limit so the widest query runs. No
    // records are kept decoded between requests, so every query reads what it needs.
    let server = common::start(capgraph::config::ServeArgs { max_complexity: 10_000_000, record_cache_mb: 0, ..Default::default() });
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

/// Relay's windowing applied in the test to a whole list: `(codes, hasPreviousPage, hasNextPage)`.
fn relay_slice(
    all: &[String],
    first: Option<usize>,
    after: Option<usize>,
    last: Option<usize>,
    before: Option<usize>,
) -> (Vec<String>, bool, bool) {
    let mut start = after.map_or(0, |a| a + 1);
    let mut end = before.map_or(all.len(), |b| b.max(start));
    if let Some(last) = last {
        start = start.max(end.saturating_sub(last));
    } else {
        end = end.min(start + first.unwrap_or(50));
    }
    (all[start..end].to_vec(), start > 0, end < all.len())
}

#[tokio::test]
async fn nested_pages_read_as_key_ranges_agree_with_the_whole_list() {
    // Germany's projects, from the fixtures' participant lists, in code order.
    let mut expected: Vec<String> = fixture("projects.json")
        .iter()
        .filter(|p| p["participants"].as_array().unwrap().iter().any(|x| x["participant"] == "DEU"))
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    assert!(expected.len() >= 8, "Germany takes part in many projects: {expected:?}");
    let whole =
        shared().data(r#"{ nation(code: "DEU") { projects(first: 200) { totalCount edges { cursor node { code } } } } }"#, json!({})).await;
    let edges = whole["nation"]["projects"]["edges"].as_array().unwrap().clone();
    let codes: Vec<String> = edges.iter().map(|e| e["node"]["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, expected);
    assert_eq!(whole["nation"]["projects"]["totalCount"], expected.len());
    let cursor = |i: usize| edges[i]["cursor"].as_str().unwrap().to_owned();

    let n = codes.len();
    // (first, after, last, before), the cursors as edge indexes.
    type Window = (Option<usize>, Option<usize>, Option<usize>, Option<usize>);
    let cases: Vec<Window> = vec![
        (Some(3), None, None, None),
        (Some(3), Some(2), None, None),
        (Some(3), Some(n - 3), None, None),
        (Some(0), Some(1), None, None),
        (None, None, Some(2), None),
        (None, None, Some(2), Some(4)),
        (None, Some(1), Some(10), Some(5)),
        (Some(2), Some(1), None, Some(6)),
        (Some(5), Some(5), None, Some(2)),
        (None, Some(n - 1), Some(3), None),
        (Some(200), None, None, Some(n - 1)),
    ];
    for (first, after, last, before) in cases {
        let mut args = Vec::new();
        if let Some(f) = first {
            args.push(format!("first: {f}"));
        }
        if let Some(l) = last {
            args.push(format!("last: {l}"));
        }
        if let Some(a) = after {
            args.push(format!("after: \"{}\"", cursor(a)));
        }
        if let Some(b) = before {
            args.push(format!("before: \"{}\"", cursor(b)));
        }
        let query = format!(
            r#"{{ nation(code: "DEU") {{ projects({}) {{ totalCount pageInfo {{ hasPreviousPage hasNextPage }} nodes {{ code }} }} }} }}"#,
            args.join(", ")
        );
        let page = &shared().data(&query, json!({})).await["nation"]["projects"];
        let (want, has_previous, has_next) = relay_slice(&codes, first, after, last, before);
        let label = format!("first {first:?} after {after:?} last {last:?} before {before:?}");
        assert_eq!(field(&page["nodes"], "code"), want, "{label}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], has_previous, "{label}");
        assert_eq!(page["pageInfo"]["hasNextPage"], has_next, "{label}");
        assert_eq!(page["totalCount"], n, "{label}");
    }

    // A cursor from another list (a project Germany is not in) is refused, as for in-memory lists.
    let everything = shared().data(r#"{ projects(first: 200) { edges { cursor node { code } } } }"#, json!({})).await;
    let outside = everything["projects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| !codes.iter().any(|c| c == e["node"]["code"].as_str().unwrap()))
        .map(|e| e["cursor"].as_str().unwrap().to_owned())
        .expect("some project without Germany");
    for argument in ["after", "before"] {
        let response = shared()
            .post(&format!(r#"{{ nation(code: "DEU") {{ projects({argument}: "{outside}") {{ totalCount }} }} }}"#), json!({}))
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT");
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{argument}` cursor does not point into this list")), "{response}");
    }
}

/// `(missing last, key, code)`: the documented list order, computed here from the fixtures.
fn launched_start(p: &Value) -> Option<String> {
    p["launched"].as_str().map(|iso| {
        let mut parts = iso.split('-').map(str::to_owned).collect::<Vec<_>>();
        parts.resize(3, "01".to_owned());
        parts.join("-")
    })
}

#[tokio::test]
async fn filtered_ordered_pages_agree_with_the_fixtures() {
    let projects = fixture("projects.json");
    let takes_part = |p: &Value, who: &str| p["participants"].as_array().unwrap().iter().any(|x| x["participant"] == who);
    type Keep<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let filters: Vec<(Value, Keep)> = vec![
        (
            json!({ "participant": "FRA", "status": ["ESTABLISHED", "ESTABLISHED_AND_DELIVERING"] }),
            Box::new(|p: &Value| takes_part(p, "FRA") && (p["status"] == "ESTABLISHED" || p["status"] == "ESTABLISHED_AND_DELIVERING")),
        ),
        (
            json!({ "participantsAll": ["DEU", "Netherlands"], "kind": "HIGH_VISIBILITY_PROJECT" }),
            Box::new(|p: &Value| takes_part(p, "DEU") && takes_part(p, "NLD") && p["kind"] == "HIGH_VISIBILITY_PROJECT"),
        ),
        (
            json!({ "launchedFrom": "2023", "launchedTo": "2024-12" }),
            Box::new(|p: &Value| launched_start(p).is_some_and(|l| l.as_str() >= "2023-01-01" && l.as_str() <= "2024-12-31")),
        ),
        (json!({}), Box::new(|_: &Value| true)),
    ];
    for (filter, keep) in &filters {
        let kept: Vec<&Value> = projects.iter().filter(|p| keep(p)).collect();
        assert!(!kept.is_empty(), "{filter} keeps some project");
        for (field, direction) in
            [("LAUNCHED", "DESC"), ("LAUNCHED", "ASC"), ("PARTICIPANT_COUNT", "DESC"), ("CODE", "DESC"), ("NAME", "ASC")]
        {
            let mut want: Vec<&Value> = kept.clone();
            let code = |p: &Value| p["code"].as_str().unwrap().to_owned();
            let key = |p: &Value| -> Option<String> {
                match field {
                    "LAUNCHED" => launched_start(p),
                    "PARTICIPANT_COUNT" => Some(format!("{:05}", p["participants"].as_array().unwrap().len())),
                    "CODE" => Some(code(p)),
                    _ => Some(p["name"].as_str().unwrap().to_lowercase()),
                }
            };
            want.sort_by(|a, b| {
                let (ka, kb) = (key(a), key(b));
                let by_key = match (&ka, &kb) {
                    (Some(x), Some(y)) if direction == "DESC" => y.cmp(x),
                    (Some(x), Some(y)) => x.cmp(y),
                    _ => ka.is_none().cmp(&kb.is_none()),
                };
                by_key.then_with(|| code(a).cmp(&code(b)))
            });
            let want: Vec<String> = want.iter().map(|p| code(p)).collect();
            // Two pages of 3, the second after the first's end cursor.
            let query = r#"query($filter: ProjectFilter, $order: ProjectOrder, $after: String) {
                projects(filter: $filter, orderBy: $order, first: 3, after: $after) {
                    totalCount pageInfo { hasNextPage endCursor } nodes { code } } }"#;
            let order = json!({ "field": field, "direction": direction });
            let one = shared().data(query, json!({ "filter": filter, "order": order })).await;
            let label = format!("{filter} by {field} {direction}");
            assert_eq!(one["projects"]["totalCount"], want.len(), "{label}");
            assert_eq!(field_of(&one), want.iter().take(3).cloned().collect::<Vec<_>>(), "{label}");
            if want.len() > 3 {
                let after = one["projects"]["pageInfo"]["endCursor"].clone();
                let two = shared().data(query, json!({ "filter": filter, "order": order, "after": after })).await;
                assert_eq!(field_of(&two), want.iter().skip(3).take(3).cloned().collect::<Vec<_>>(), "{label}, page 2");
                assert_eq!(two["projects"]["pageInfo"]["hasNextPage"], want.len() > 6, "{label}, page 2");
            }
        }
    }
}

fn field_of(data: &Value) -> Vec<String> {
    field(&data["projects"]["nodes"], "code").into_iter().map(str::to_owned).collect()
}

/// The analyst's "every nation, its projects and their participants", in one query.
const WHOLE_GRAPH: &str = "{ nations { nodes { code name projects { nodes { code name participants { participant { code name } } } } } } }";

#[tokio::test]
async fn the_whole_graph_in_one_query_passes_where_the_data_is_small() {
    let data = shared().data(WHOLE_GRAPH, json!({})).await;
    let nations = common::read_json(&common::fixtures_dir(), "nations.json");
    let projects = common::read_json(&common::fixtures_dir(), "projects.json");
    let answered = data["nations"]["nodes"].as_array().unwrap();
    assert_eq!(answered.len(), nations.as_array().unwrap().len(), "every nation");
    for nation in answered {
        let code = nation["code"].as_str().unwrap();
        let theirs = projects
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["participants"].as_array().unwrap().iter().any(|x| x["participant"] == code))
            .count();
        assert_eq!(nation["projects"]["nodes"].as_array().unwrap().len(), theirs, "{code}: all its projects");
    }
}

#[tokio::test]
async fn the_whole_graph_in_one_query_is_refused_where_the_data_is_large() {
    // The bundled fixtures plus sixty projects that every nation takes part in, from a test text.
    let dir = tempfile::tempdir().unwrap();
    common::copy_fixtures(dir.path());
    let quote = "A synthetic text that only this test writes.";
    std::fs::write(dir.path().join("texts").join("zz-test-synthetic.txt"), format!("{quote}\n")).unwrap();
    let mut sources = common::read_json(dir.path(), "sources.json");
    sources.as_array_mut().unwrap().push(json!({
        "code": "test-synthetic", "title": "Synthetic test text", "publisher": "capgraph tests", "file": "zz-test-synthetic.txt"
    }));
    common::write_json(dir.path(), "sources.json", &sources);
    let nations = common::read_json(dir.path(), "nations.json");
    let everyone: Vec<Value> =
        nations.as_array().unwrap().iter().map(|n| json!({ "participant": n["code"], "roles": ["PARTICIPANT"] })).collect();
    let mut projects = common::read_json(dir.path(), "projects.json");
    for i in 0..60 {
        let mut project = json!({
            "code": format!("zz-test-{i}"), "name": format!("Synthetic test project {i}"), "kind": "INITIATIVE",
            "purpose": "Synthetic.", "status": "ESTABLISHED", "participants": everyone,
            "sources": [{ "source": "test-synthetic", "quote": quote }],
        });
        capgraph::fixtures::provenance::quote_every_field("project", &mut project);
        projects.as_array_mut().unwrap().push(project);
    }
    common::write_json(dir.path(), "projects.json", &projects);
    let server = common::start_on(capgraph::config::ServeArgs::default(), dir.path().to_owned());
    let response = server.post(WHOLE_GRAPH, json!({})).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "COMPLEXITY_LIMIT_EXCEEDED", "{response:#}");
    // Smaller pages of the same shape still run there.
    let small = WHOLE_GRAPH.replace("nations {", "nations(first: 5) {").replace("projects {", "projects(first: 5) {");
    let response = server.post(&small, json!({})).await;
    assert!(response.get("errors").is_none(), "{response:#}");
}
