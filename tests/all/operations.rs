//! Operations through the real server: `/metrics` scraped in the Prometheus text format, and the
//! logs of the real binary read during a run (one line per request, the startup summary).

use crate::common;

use std::collections::BTreeMap;

use capgraph::config::ServeArgs;
use serde_json::{json, Value};

use common::client;

/// One sample of the exposition: `name{label="value",…} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text format (comments skipped, label values unescaped).
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let name_end = line.find(['{', ' ']).unwrap_or_else(|| panic!("no value in {line:?}"));
        let name = line[..name_end].to_owned();
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices();
            let mut key = String::new();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '}' => {
                        end = Some(i);
                        break;
                    }
                    ',' | ' ' => {}
                    '=' => {
                        assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "{line}");
                        let mut value = String::new();
                        loop {
                            match chars.next().unwrap_or_else(|| panic!("unterminated value in {line:?}")).1 {
                                '"' => break,
                                '\\' => match chars.next().unwrap().1 {
                                    'n' => value.push('\n'),
                                    other => value.push(other),
                                },
                                other => value.push(other),
                            }
                        }
                        labels.insert(std::mem::take(&mut key), value);
                    }
                    other => key.push(other),
                }
            }
            rest = &inner[end.unwrap_or_else(|| panic!("unterminated labels in {line:?}")) + 1..];
        }
        let value = rest.split_whitespace().next().unwrap_or_else(|| panic!("no value in {line:?}"));
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => other.parse().unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        samples.push(Sample { name, labels, value });
    }
    samples
}

struct Scrape(Vec<Sample>);

impl Scrape {
    /// The sample with exactly these labels; 0 when absent (a counter not yet moved).
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let wanted: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let found: Vec<&Sample> = self.0.iter().filter(|s| s.name == name && s.labels == wanted).collect();
        assert!(found.len() <= 1, "{name}{wanted:?} appears {} times", found.len());
        found.first().map_or(0.0, |s| s.value)
    }

    fn named(&self, name: &str) -> Vec<&Sample> {
        self.0.iter().filter(|s| s.name == name).collect()
    }
}

async fn scrape(server: &common::Server) -> Scrape {
    let response = server.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    Scrape(parse(&response.text().await.unwrap()))
}

async fn post(server: &common::Server, body: &Value) -> (u16, Value) {
    let response = client().post(server.url("/graphql")).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

const REQUESTS: &str = "capgraph_http_requests_total";
const DURATION: &str = "capgraph_http_request_duration_seconds";
const ERRORS: &str = "capgraph_graphql_errors_total";

fn graphql(operation: &str, outcome: &str) -> [(&'static str, String); 3] {
    [("route", "/graphql".to_owned()), ("operation", operation.to_owned()), ("outcome", outcome.to_owned())]
}

fn labels<'a>(pairs: &'a [(&'static str, String)], more: &'a [(&'static str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).chain(more.iter().copied()).collect()
}

#[tokio::test]
async fn metrics_count_requests_by_operation_outcome_and_error_code() {
    // A server of its own: no other test's traffic is counted.
    let server = common::start(ServeArgs::default());
    let before = scrape(&server).await;

    let ok = json!({ "query": "query OpsNations { nations(first: 3) { nodes { code } } }", "operationName": "OpsNations" });
    let (status, answer) = post(&server, &ok).await;
    assert_eq!(status, 200);
    assert!(answer.get("errors").is_none(), "{answer}");
    // The same request again is answered from the response cache.
    let (status, again) = post(&server, &ok).await;
    assert_eq!((status, &again), (200, &answer));

    let bad = json!({ "query": "query OpsTooMany { projects(first: 100000) { totalCount } }", "operationName": "OpsTooMany" });
    let (status, answer) = post(&server, &bad).await;
    assert_eq!(status, 200);
    let bad_inputs = answer["errors"].as_array().unwrap().iter().filter(|e| e["extensions"]["code"] == "BAD_USER_INPUT").count();
    assert!(bad_inputs >= 1, "{answer}");

    // Not a GraphQL request at all: refused before any operation ran.
    let (status, answer) = post(&server, &json!({ "nope": 1 })).await;
    assert_eq!((status, common::error_code(&answer)), (400, "BAD_REQUEST"));
    // Refused too, its error body compressed on the way out: its code is counted all the same.
    let response = client()
        .post(server.url("/graphql"))
        .header("content-type", "application/xml")
        .header("accept-encoding", "gzip")
        .body(r#"{"query": "{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));

    let batch = json!([{ "query": "query A { nations(first: 1) { nodes { code } } }" }, { "query": "{ __typename }" }]);
    let (status, _) = post(&server, &batch).await;
    assert_eq!(status, 200);

    let after = scrape(&server).await;
    let delta = |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);

    let ok_labels = graphql("OpsNations", "ok");
    assert_eq!(delta(REQUESTS, &labels(&ok_labels, &[])), 1.0);
    assert_eq!(delta(REQUESTS, &labels(&graphql("OpsNations", "cached"), &[])), 1.0);
    assert_eq!(delta(REQUESTS, &labels(&graphql("OpsTooMany", "graphql_error"), &[])), 1.0);
    assert_eq!(delta(REQUESTS, &labels(&graphql("-", "rejected"), &[])), 2.0);
    assert_eq!(delta(REQUESTS, &labels(&graphql("batch", "ok"), &[])), 1.0);
    let graphql_requests: f64 = after.named(REQUESTS).iter().filter(|s| s.labels["route"] == "/graphql").map(|s| s.value).sum();
    assert_eq!(graphql_requests, 6.0, "exactly the six /graphql requests above");
    assert_eq!(delta(ERRORS, &[("code", "BAD_USER_INPUT")]), bad_inputs as f64);
    assert_eq!(delta(ERRORS, &[("code", "BAD_REQUEST")]), 1.0);
    assert_eq!(delta(ERRORS, &[("code", "UNSUPPORTED_MEDIA_TYPE")]), 1.0);
    assert_eq!(after.named(ERRORS).iter().map(|s| s.value).sum::<f64>(), bad_inputs as f64 + 2.0, "no other error was counted");
    // The earlier scrape is counted too, under its own route.
    assert!(after.get(REQUESTS, &[("route", "/metrics"), ("operation", "-"), ("outcome", "ok")]) >= 1.0);

    // Latency: a true histogram, its buckets cumulative and ending with +Inf = count.
    let buckets: Vec<&Sample> = after
        .named(&format!("{DURATION}_bucket"))
        .into_iter()
        .filter(|s| ok_labels.iter().all(|(k, v)| s.labels.get(*k) == Some(v)))
        .collect();
    assert!(buckets.len() >= 10, "{buckets:?}");
    assert!(buckets.windows(2).all(|w| w[0].value <= w[1].value), "{buckets:?}");
    assert_eq!(after.get(&format!("{DURATION}_bucket"), &labels(&ok_labels, &[("le", "+Inf")])), 1.0);
    assert_eq!(after.get(&format!("{DURATION}_count"), &labels(&ok_labels, &[])), 1.0);
    let sum = after.get(&format!("{DURATION}_sum"), &labels(&ok_labels, &[]));
    assert!(sum > 0.0 && sum < 10.0, "{sum}");

    // The store and the response cache.
    assert!(after.get("capgraph_store_reads_total", &[]) > before.get("capgraph_store_reads_total", &[]));
    assert!(after.get("capgraph_store_keys_read_total", &[]) > 0.0);
    assert!(after.get("capgraph_store_size_bytes", &[]) > 0.0);
    assert!(after.get("capgraph_response_cache_entries", &[]) >= 1.0);
    assert!(after.get("capgraph_response_cache_bytes", &[]) > 0.0);
    assert!(after.get("capgraph_store_records", &[("type", "Project")]) > 0.0);

    // The data version is the digest /readyz reports.
    let ready: Value = server.get("/readyz").await.json().await.unwrap();
    let info = after.named("capgraph_data_info");
    assert_eq!(info.len(), 1, "{info:?}");
    assert_eq!(info[0].value, 1.0);
    assert_eq!(info[0].labels["digest"], ready["store"]["digest"].as_str().unwrap());
    assert_eq!(info[0].labels["format"], ready["store"]["format"].as_str().unwrap());
    assert_eq!(info[0].labels["store"], "rebuilt", "a fresh data directory");
}

#[tokio::test]
async fn each_server_counts_only_its_own_requests() {
    let one = common::start(ServeArgs::default());
    let two = common::start(ServeArgs::default());
    let query = json!({ "query": "query OnlyOnOne { __typename }", "operationName": "OnlyOnOne" });
    for _ in 0..3 {
        assert_eq!(post(&one, &query).await.0, 200);
    }
    let on = |scrape: &Scrape| {
        scrape.get(REQUESTS, &[("route", "/graphql"), ("operation", "OnlyOnOne"), ("outcome", "ok")])
            + scrape.get(REQUESTS, &[("route", "/graphql"), ("operation", "OnlyOnOne"), ("outcome", "cached")])
    };
    assert_eq!(on(&scrape(&one).await), 3.0);
    assert_eq!(on(&scrape(&two).await), 0.0);
}

/// Lines of `logs` that mention `needle`.
fn lines_with<'a>(logs: &'a str, needle: &str) -> Vec<&'a str> {
    logs.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn logs_have_one_line_per_request_and_say_what_was_loaded() {
    let data = tempfile::tempdir().unwrap();
    let query = json!({ "query": "query LogProbe { nations(first: 2) { nodes { code } } }", "operationName": "LogProbe" });

    // JSON, on a fresh data directory: the store is rebuilt.
    let binary = common::serve_logged(&common::fixtures_dir(), data.path(), "json");
    let response = client().post(binary.server.url("/graphql")).json(&query).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!id.is_empty());
    let (status, logs) = binary.stop();
    assert!(status.success(), "exit {status:?}\n{logs}");
    let lines: Vec<Value> =
        logs.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|err| panic!("not a JSON line ({err}): {l}"))).collect();

    let mine = lines_with(&logs, &id);
    assert_eq!(mine.len(), 1, "exactly one line for request {id}:\n{logs}");
    let line: Value = serde_json::from_str(mine[0]).unwrap();
    assert_eq!(line["target"], "capgraph::request", "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["request_id"], id.as_str(), "{line}");
    assert_eq!(line["method"], "POST", "{line}");
    assert_eq!(line["path"], "/graphql", "{line}");
    assert_eq!(line["operation"], "LogProbe", "{line}");
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["outcome"], "ok", "{line}");
    let duration = line["duration_ms"].as_f64().unwrap_or_else(|| panic!("no duration_ms: {line}"));
    assert!(duration > 0.0 && duration < 10_000.0, "{line}");
    assert!(line.get("error_codes").is_none(), "{line}");

    let startup: Vec<&Value> = lines.iter().filter(|l| l.get("store").is_some() && l.get("counts").is_some()).collect();
    assert_eq!(startup.len(), 1, "one startup summary:\n{logs}");
    let startup = startup[0];
    assert_eq!(startup["store"], "rebuilt", "{startup}");
    assert_eq!(startup["reused"], false, "{startup}");
    let counts = startup["counts"].as_str().unwrap();
    for type_name in ["Project", "Nation", "Organisation", "Contract", "Strategy"] {
        assert!(counts.contains(type_name), "{type_name} missing from {counts}");
    }
    assert!(startup["records"].as_u64().unwrap() > 0, "{startup}");
    assert!(startup["millis"].is_u64(), "{startup}");
    assert!(startup["digest"].as_str().is_some_and(|d| !d.is_empty()), "{startup}");

    // Text (the default), restarted on the same directory: the store is reused; the request's
    // line is a readable one with the same fields.
    let binary = common::serve_logged(&common::fixtures_dir(), data.path(), "text");
    let response = client().post(binary.server.url("/graphql")).header("x-request-id", "ops-text-probe").json(&query).send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "ops-text-probe");
    let (status, logs) = binary.stop();
    assert!(status.success(), "exit {status:?}\n{logs}");
    let mine = lines_with(&logs, "ops-text-probe");
    assert_eq!(mine.len(), 1, "{logs}");
    for field in
        ["request_id=ops-text-probe", "method=POST", "path=/graphql", "operation=LogProbe", "status=200", "duration_ms=", "outcome="]
    {
        assert!(mine[0].contains(field), "{field} missing from {}", mine[0]);
    }
    assert!(serde_json::from_str::<Value>(mine[0]).is_err(), "text, not JSON: {}", mine[0]);
    let startup = lines_with(&logs, "store reused");
    assert_eq!(startup.len(), 1, "{logs}");
    assert!(startup[0].contains("Project") && startup[0].contains("store=reused"), "{}", startup[0]);
}

#[tokio::test]
async fn requests_beyond_the_concurrency_limit_wait_their_turn_and_are_all_answered() {
    // One request executes at a time; the others queue (the response cache is off, so each runs).
    let server = common::start(ServeArgs { max_concurrent_requests: 1, response_cache_mb: 0, ..Default::default() });
    let nations = ["DEU", "FRA", "ITA", "NLD", "NOR", "POL", "ESP", "TUR"];
    let asks = nations.iter().map(|code| {
        let url = server.url("/graphql");
        async move {
            let body = json!({ "query": "query($c: String!) { nation(code: $c) { code projects(first: 5) { totalCount } } }", "variables": { "c": code } });
            let reply: Value = client().post(url).json(&body).send().await.unwrap().json().await.unwrap();
            (code.to_string(), reply)
        }
    });
    for (code, reply) in futures_util::future::join_all(asks).await {
        assert_eq!(reply["data"]["nation"]["code"], code.as_str(), "{reply}");
        assert!(reply["data"]["nation"]["projects"]["totalCount"].as_u64().unwrap() > 0, "{reply}");
    }
}

#[tokio::test]
async fn an_unknown_persisted_query_is_counted_under_the_operation_name_it_was_sent_with() {
    let server = common::start(ServeArgs::default());
    let before = scrape(&server).await;
    let hash = "0000000000000000000000000000000000000000000000000000000000000000";
    let only_hash = json!({
        "operationName": "OpsProjectPage",
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } },
    });
    let (status, answer) = post(&server, &only_hash).await;
    assert_eq!((status, common::error_code(&answer)), (200, "PERSISTED_QUERY_NOT_FOUND"));
    let after = scrape(&server).await;
    let delta = |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);
    assert_eq!(delta(REQUESTS, &labels(&graphql("OpsProjectPage", "graphql_error"), &[])), 1.0, "not `anonymous`");
}

#[tokio::test]
async fn sighup_reloads_the_data_under_load_without_failing_or_mixing_versions() {
    let fixtures = tempfile::tempdir().unwrap();
    common::copy_fixtures(fixtures.path());
    let data = tempfile::tempdir().unwrap();
    let binary = common::Binary::serve(fixtures.path(), data.path());
    let base = binary.server.base.clone();
    let digest = |ready: &serde_json::Value| ready["store"]["digest"].as_str().unwrap().to_owned();
    let readyz =
        || async { common::client().get(format!("{base}/readyz")).send().await.unwrap().json::<serde_json::Value>().await.unwrap() };
    let before = digest(&readyz().await);
    // Two records change together; an answer must show both old or both new.
    let mut projects = common::read_json(fixtures.path(), "projects.json");
    for p in projects.as_array_mut().unwrap().iter_mut().filter(|p| p["code"] == "apss" || p["code"] == "mus") {
        p["note"] = serde_json::json!("Version two, written by the reload test.");
    }
    common::write_json(fixtures.path(), "projects.json", &projects);
    let query = r#"{ a: project(code: "apss") { note } b: project(code: "mus") { note } }"#;
    let load = {
        let server = binary.server.clone();
        tokio::spawn(async move {
            let mut answers = Vec::new();
            for _ in 0..300 {
                answers.push(server.post(query, serde_json::json!({})).await);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            answers
        })
    };
    std::process::Command::new("kill").args(["-HUP", &binary.child.id().to_string()]).status().unwrap();
    let answers = load.await.unwrap();
    let mut after = readyz().await;
    for _ in 0..100 {
        if digest(&after) != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = readyz().await;
    }
    assert_ne!(digest(&after), before, "the reload switched the data: {after}");
    for answer in &answers {
        assert!(answer.get("errors").is_none(), "no request fails during the reload: {answer}");
        assert_eq!(
            answer["data"]["a"]["note"] == "Version two, written by the reload test.",
            answer["data"]["b"]["note"] == "Version two, written by the reload test.",
            "one version per answer: {answer}"
        );
    }
    let now = binary.server.data(query, serde_json::json!({})).await;
    assert_eq!(now["a"]["note"], "Version two, written by the reload test.");
    // Invalid fixtures: the reload is refused and the data served stays.
    std::fs::write(fixtures.path().join("projects.json"), "[ not json").unwrap();
    std::process::Command::new("kill").args(["-HUP", &binary.child.id().to_string()]).status().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(digest(&readyz().await), digest(&after));
    assert_eq!(binary.server.data(query, serde_json::json!({})).await, now);
    assert!(binary.stop().success());
}

#[tokio::test]
async fn two_replicas_on_the_same_fixtures_answer_byte_for_byte_alike() {
    let (one, two) = (common::start(ServeArgs::default()), common::start(ServeArgs::default()));
    for path in
        ["/readyz", "/graphql?query=%7B%20project(code%3A%20%22apss%22)%20%7B%20id%20name%20participants%20%7B%20role%20%7D%20%7D%20%7D"]
    {
        let (a, b) = (common::client().get(one.url(path)).send().await.unwrap(), common::client().get(two.url(path)).send().await.unwrap());
        assert_eq!(a.headers().get("etag"), b.headers().get("etag"), "{path}");
        let (a, b) = (a.bytes().await.unwrap(), b.bytes().await.unwrap());
        if path == "/readyz" {
            let (a, b): (serde_json::Value, serde_json::Value) = (serde_json::from_slice(&a).unwrap(), serde_json::from_slice(&b).unwrap());
            assert_eq!(a["store"]["digest"], b["store"]["digest"]);
        } else {
            assert_eq!(a, b, "{path}");
        }
    }
}
