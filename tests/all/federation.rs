//! capgraph as an Apollo Federation v2 subgraph, through a real gateway.
//!
//! `tests/federation/` pins `@apollo/composition`, `@apollo/gateway`, `@apollo/server`,
//! `@apollo/subgraph` and `graphql` exactly (`package-lock.json`, with integrity hashes). This test
//! runs `npm ci --ignore-scripts` there when `node_modules` is missing or holds other versions,
//! starts capgraph on a free loopback port, then `node supergraph.mjs URL`: it reads capgraph's
//! `_service { sdl }`, starts a second subgraph ("liaison", which extends `Nation` and `Project` by
//! `code`), composes the two (the test fails with the composition errors if any) and serves
//! `@apollo/gateway` in front of both on free loopback ports. The queries below cross the two
//! subgraphs both ways, and capgraph's store reads show that one `_entities` call costs one batched
//! round whatever the number of representations. Every step is bounded in time; the Node process
//! is killed at the end, pass or fail.

use crate::common;

use std::{
    io::{BufRead, BufReader, Read},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use serde_json::{json, Value};

const PACKAGES: [&str; 5] = ["@apollo/composition", "@apollo/gateway", "@apollo/server", "@apollo/subgraph", "graphql"];

fn dir() -> PathBuf {
    common::repo().join("tests/federation")
}

/// The gateway and the liaison subgraph (one Node process), killed when dropped.
struct Supergraph {
    child: Child,
    gateway: String,
}

impl Drop for Supergraph {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `supergraph.mjs` in front of capgraph at `capgraph` and waits (at most 90 s) for its
/// `READY` line; a composition error or any other failure fails the test with its output.
fn supergraph(capgraph: &str) -> Supergraph {
    let mut child = Command::new("node")
        .arg("supergraph.mjs")
        .arg(capgraph)
        .current_dir(dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node (Node.js is needed: scripts/test installs it)");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(ready) = line.strip_prefix("READY ") {
                let _ = tx.send(ready.to_owned());
            }
        }
    });
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        let _ = etx.send(text);
    });
    let mut supergraph = Supergraph { child, gateway: String::new() };
    match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(ready) => {
            let ready: Value = serde_json::from_str(&ready).unwrap();
            println!("supergraph ready: {ready}");
            supergraph.gateway = ready["gateway"].as_str().unwrap().to_owned();
            supergraph
        }
        Err(_) => {
            let _ = supergraph.child.kill();
            let status = supergraph.child.wait().unwrap();
            let stderr = erx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
            panic!("supergraph.mjs did not get ready ({status}):\n{stderr}");
        }
    }
}

async fn post(url: &str, query: &str, variables: Value) -> Value {
    let response = common::client().post(url).json(&json!({ "query": query, "variables": variables })).send().await.unwrap();
    response.json().await.unwrap()
}

async fn data(url: &str, query: &str, variables: Value) -> Value {
    let answer = post(url, query, variables).await;
    assert!(answer.get("errors").is_none(), "errors from {url}: {answer:#}");
    answer["data"].clone()
}

/// capgraph's counters: store reads (a batched call counts once) and `/graphql` requests.
async fn counters(server: &common::Server) -> (u64, u64) {
    let metrics = server.get("/metrics").await.text().await.unwrap();
    let reads = metrics.lines().find_map(|l| l.strip_prefix("capgraph_store_reads_total ")).unwrap().trim().parse().unwrap();
    let requests = metrics
        .lines()
        .filter(|l| l.starts_with("capgraph_http_requests_total{") && l.contains("route=\"/graphql\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    (reads, requests)
}

#[tokio::test]
async fn a_gateway_composes_capgraph_with_another_subgraph_and_answers_across_both() {
    let started = Instant::now();
    common::npm_ci(&dir(), &PACKAGES);
    // A server of its own, reading the store for every request (no records kept decoded, no
    // answers kept), so that the store reads counted are this test's and each query's own.
    let server = common::start(capgraph::config::ServeArgs { record_cache_mb: 0, response_cache_mb: 0, ..Default::default() });
    let capgraph_url = server.url("/graphql");

    // The subgraph SDL capgraph serves is the committed one.
    let sdl = data(&capgraph_url, "{ _service { sdl } }", json!({})).await;
    let committed = std::fs::read_to_string(common::repo().join("schema/subgraph.graphql")).unwrap();
    assert!(sdl["_service"]["sdl"] == committed.as_str(), "_service {{ sdl }} differs from schema/subgraph.graphql");

    let supergraph = supergraph(&capgraph_url);
    let gateway = supergraph.gateway.clone();

    // capgraph's fields, then the liaison subgraph's on the same Nation and on its Projects.
    let query =
        r#"{ nation(code: "HUN") { code name liaisonOffice projects(first: 50) { nodes { code name reviews { rating text } } } } }"#;
    let answer = data(&gateway, query, json!({})).await;
    let nation = &answer["nation"];
    assert_eq!(nation["name"], "Hungary");
    assert_eq!(nation["liaisonOffice"], "Liaison office Budapest");
    let direct = data(&capgraph_url, r#"{ nation(code: "HUN") { projects(first: 50) { nodes { code name } } } }"#, json!({})).await;
    let projects = nation["projects"]["nodes"].as_array().unwrap();
    let codes = |nodes: &[Value]| nodes.iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes(projects), codes(direct["nation"]["projects"]["nodes"].as_array().unwrap()));
    for project in projects {
        // The liaison subgraph's reviews (supergraph.mjs): r-socc and mawi, both Hungary's.
        let expected = match project["code"].as_str() {
            Some("r-socc") => json!([{ "rating": 5, "text": "Delivers" }]),
            Some("mawi") => json!([{ "rating": 4, "text": "Growing" }]),
            _ => json!([]),
        };
        assert_eq!(project["reviews"], expected, "reviews of {}", project["code"]);
    }

    // The liaison subgraph's root field, completed from capgraph by key (`_entities`), and back
    // again to the liaison subgraph for the participants' offices.
    let query = "{ reviews { rating project { code name status participants { roles participant { ... on Nation { code name liaisonOffice } } } } } }";
    let answer = data(&gateway, query, json!({})).await;
    let reviews = answer["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    for review in reviews {
        let code = review["project"]["code"].as_str().unwrap();
        let direct = data(
            &capgraph_url,
            "query($c: String!) { project(code: $c) { name status participants { participant { ... on Nation { code name } } } } }",
            json!({ "c": code }),
        )
        .await;
        assert_eq!(review["project"]["name"], direct["project"]["name"]);
        assert_eq!(review["project"]["status"], direct["project"]["status"]);
        let nations: Vec<&Value> =
            review["project"]["participants"].as_array().unwrap().iter().filter(|p| p["participant"]["code"].is_string()).collect();
        let direct_nations = direct["project"]["participants"].as_array().unwrap().iter().filter(|p| p["participant"]["code"].is_string());
        assert_eq!(nations.len(), direct_nations.count());
    }
    let r_socc = reviews.iter().find(|r| r["project"]["code"] == "r-socc").expect("the r-socc review");
    assert_eq!(r_socc["project"]["name"], "Regional Special Operations Component Command");
    let hungary = r_socc["project"]["participants"].as_array().unwrap().iter().find(|p| p["participant"]["code"] == "HUN").unwrap();
    assert_eq!(hungary["roles"], json!(["LEAD"]));
    assert_eq!(hungary["participant"]["liaisonOffice"], "Liaison office Budapest");

    // One `_entities` call for every nation costs what it costs for one: one batched read.
    let all = data(&capgraph_url, "{ nations(first: 200) { nodes { code name } } }", json!({})).await;
    let all = all["nations"]["nodes"].as_array().unwrap().clone();
    assert!(all.len() > 30, "{} nations", all.len());
    let query = "query($codes: [String!]!) { nationsByCode(codes: $codes) { code name } }";
    let mut costs = Vec::new();
    for width in [1, all.len()] {
        let codes: Vec<&Value> = all[..width].iter().map(|n| &n["code"]).collect();
        let before = counters(&server).await;
        let answer = data(&gateway, query, json!({ "codes": codes })).await;
        let after = counters(&server).await;
        assert_eq!(answer["nationsByCode"], json!(all[..width]), "nations completed from capgraph, in order");
        // `/metrics` itself is no `/graphql` request; the gateway's fetch from capgraph is one.
        costs.push((after.0 - before.0, after.1 - before.1));
    }
    println!("capgraph store reads and requests for 1 and {} nations through the gateway: {costs:?}", all.len());
    assert_eq!(costs[0], (1, 1), "one _entities request, one store read");
    assert_eq!(costs[1], costs[0], "many representations cost what one does");

    // Straight to capgraph: a mix of types (Disagreement, the twelfth record type, among them), by
    // code and by id, unknown ones null, in order; read in one round (one batched read per record
    // type).
    let id = |ty: &str, code: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{code}"))
    };
    let representations = json!([
        { "__typename": "Nation", "code": "DEU" },
        { "__typename": "Project", "code": "mawi" },
        { "__typename": "Nation", "code": "XYZ" },
        { "__typename": "Organisation", "id": id("Organisation", "NSPA") },
        { "__typename": "Project", "id": id("Project", "r-socc") },
        { "__typename": "Nation", "id": id("Project", "mawi") },
        { "__typename": "Nation", "code": "FRA" },
        { "__typename": "Disagreement", "code": "mrtt-fleet-size" },
        { "__typename": "Disagreement", "id": id("Disagreement", "css-objective-3-title") },
    ]);
    let query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Record { code name } } }";
    let before = counters(&server).await;
    let answer = data(&capgraph_url, query, json!({ "r": representations })).await;
    let after = counters(&server).await;
    let entity = |ty: &str, code: &str, name: &str| json!({ "__typename": ty, "code": code, "name": name });
    assert_eq!(
        answer["_entities"],
        json!([
            entity("Nation", "DEU", "Germany"),
            entity("Project", "mawi", "Multinational Ammunition Warehousing Initiative"),
            null,
            entity("Organisation", "NSPA", "NATO Support and Procurement Agency"),
            entity("Project", "r-socc", "Regional Special Operations Component Command"),
            null,
            entity("Nation", "FRA", "France"),
            entity("Disagreement", "mrtt-fleet-size", "The size of the multinational MRTT fleet"),
            entity("Disagreement", "css-objective-3-title", "The title of the Commercial Space Strategy's third objective"),
        ])
    );
    assert_eq!(after.0 - before.0, 4, "one batched read for each of the four record types");

    // Bad representations are GraphQL errors with a code.
    for (representation, says) in [
        (json!({ "code": "DEU" }), "`__typename`"),
        (json!("DEU"), "`__typename`"),
        (json!({ "__typename": "Money", "code": "DEU" }), "not an entity type"),
        (json!({ "__typename": "Nation", "name": "Germany" }), "needs its key"),
    ] {
        let answer =
            post(&capgraph_url, "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }", json!({ "r": [representation] }))
                .await;
        assert_eq!(common::error_code(&answer), "BAD_USER_INPUT", "{answer}");
        let message = answer["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("representations[0]") && message.contains(says), "{message}");
        assert_eq!(answer["data"], Value::Null);
    }

    drop(supergraph);
    assert!(started.elapsed() < Duration::from_secs(400), "the federation test took {:?}", started.elapsed());
}
