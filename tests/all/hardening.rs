//! Hostile and careless requests through the real server: each gets its exact status and error
//! code, and the server answers a normal query correctly right after each. Ends with a bounded
//! load test mixing valid, invalid and oversized requests.

use crate::common;

use std::time::{Duration, Instant};

use capgraph::config::ServeArgs;
use common::{client, error_code, shared, Server};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a request got back: its status, headers and JSON body (`Null` if the body is not JSON).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        error_code(&self.body)
    }

    /// The status and `extensions.code` the request must get, with a readable failure.
    #[track_caller]
    fn expect(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{:#}", self.body);
        let message = self.body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "an error says what is wrong: {:#}", self.body);
        assert!(!message.contains("panicked") && !message.contains("src/"), "no internals in {message}");
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
}

/// POSTs raw bytes as `application/json`, asking for plain JSON answers (so that GraphQL errors
/// come with HTTP 200, as GraphQL-over-HTTP asks for `application/json`).
async fn post_bytes(server: &Server, body: impl Into<reqwest::Body>) -> Answer {
    let request =
        client().post(server.url("/graphql")).header("content-type", "application/json").header("accept", "application/json").body(body);
    answer(request.send().await.unwrap()).await
}

async fn post_json(server: &Server, body: &Value) -> Answer {
    post_bytes(server, serde_json::to_vec(body).unwrap()).await
}

async fn post_query(server: &Server, query: &str) -> Answer {
    post_json(server, &json!({ "query": query })).await
}

/// A normal query answers correctly, and so does `/healthz`.
async fn assert_healthy(server: &Server) {
    let response = post_query(server, r#"{ project(code: "apss") { acronym participants { role } } }"#).await;
    assert_eq!(response.status, 200, "{:#}", response.body);
    assert_eq!(response.body["data"]["project"]["acronym"], "APSS", "{:#}", response.body);
    assert!(response.body.get("errors").is_none(), "{:#}", response.body);
    assert_eq!(server.get("/healthz").await.status(), 200);
}

/// A server of its own with some limits changed.
fn server_with(change: impl FnOnce(&mut ServeArgs)) -> Server {
    let mut args = ServeArgs::default();
    change(&mut args);
    common::start(args)
}

/// `{ organisation { parent { parent { … } } } }`: a chain of single objects, `levels` deep.
fn deep_query(levels: usize) -> String {
    format!(r#"{{ organisation(code: "NSPA") {{ {}code{} }} }}"#, "parent { ".repeat(levels - 2), " }".repeat(levels - 2))
}

/// `n` aliases under one root field.
fn aliases(n: usize) -> String {
    format!(r#"{{ project(code: "mus") {{ {} }} }}"#, (0..n).map(|i| format!("a{i}: code")).collect::<Vec<_>>().join(" "))
}

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(common::repo().join(path)).unwrap()
}

#[tokio::test]
async fn graphiql_introspection_works_under_the_default_limits() {
    for file in ["tests/queries/graphiql_introspection.graphql", "tests/queries/full_introspection.graphql"] {
        let response = post_query(shared(), &repo_file(file)).await;
        assert_eq!(response.status, 200);
        assert!(response.body.get("errors").is_none(), "{file}: {:#}", response.body);
        assert_eq!(response.body["data"]["__schema"]["queryType"]["name"], "Query");
        let types = response.body["data"]["__schema"]["types"].as_array().unwrap();
        assert!(types.iter().any(|t| t["name"] == "Project"), "{file}");
    }
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn the_example_queries_fit_the_default_limits() {
    let Ok(entries) = std::fs::read_dir(common::repo().join("examples")) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let query = std::fs::read_to_string(&path).unwrap();
            let response = post_query(shared(), &query).await;
            let limited = response.body["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .filter(|c| c.ends_with("_EXCEEDED") || *c == "QUERY_TOO_LARGE")
                .collect::<Vec<_>>();
            assert!(limited.is_empty(), "{}: {:#}", path.display(), response.body);
        }
    }
}

#[tokio::test]
async fn deep_queries_are_refused() {
    // 100 levels: refused by the lexical scan, before the (recursive) parser sees it.
    post_query(shared(), &deep_query(100)).await.expect(200, "DEPTH_LIMIT_EXCEEDED");
    // Just over the limit of 16, measured on the parsed document.
    post_query(shared(), &deep_query(17)).await.expect(200, "DEPTH_LIMIT_EXCEEDED");
    // The same depth reached through fragments.
    let through_fragments = r#"{ organisation(code: "NSPA") { ...A } }
        fragment A on Organisation { parent { parent { ...B } } }
        fragment B on Organisation { parent { parent { ...C } } }
        fragment C on Organisation { parent { parent { ...D } } }
        fragment D on Organisation { parent { parent { ...E } } }
        fragment E on Organisation { parent { parent { ...F } } }
        fragment F on Organisation { parent { parent { ...G } } }
        fragment G on Organisation { parent { parent { ...H } } }
        fragment H on Organisation { parent { parent { code } } }"#;
    post_query(shared(), through_fragments).await.expect(200, "DEPTH_LIMIT_EXCEEDED");
    // At the limit it runs.
    let at_limit = post_query(shared(), &deep_query(15)).await;
    assert!(at_limit.body.get("errors").is_none(), "{:#}", at_limit.body);
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn alias_flooding_is_refused() {
    // 10,000 aliases are 100 KB of query text: the size check refuses them first.
    post_query(shared(), &aliases(10_000)).await.expect(200, "QUERY_TOO_LARGE");
    post_query(shared(), &aliases(31)).await.expect(200, "ALIAS_LIMIT_EXCEEDED");
    assert!(post_query(shared(), &aliases(30)).await.body.get("errors").is_none());
    assert_healthy(shared()).await;

    // With room for the text, the alias limit itself answers.
    let roomy = server_with(|a| {
        a.max_query_chars = 1_000_000;
        a.max_tokens = 100_000;
        a.max_body_bytes = 4 << 20;
    });
    let response = post_query(&roomy, &aliases(10_000)).await;
    response.expect(200, "ALIAS_LIMIT_EXCEEDED");
    assert!(response.body["errors"][0]["locations"].is_array(), "{:#}", response.body);
    assert_healthy(&roomy).await;
}

#[tokio::test]
async fn fragment_cycles_are_validation_errors_with_locations() {
    for query in [
        "{ ...A } fragment A on Query { ...A }",
        "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }",
        r#"{ project(code: "mus") { ...A } } fragment A on Project { relatedProjects { project { ...B } } }
           fragment B on Project { relatedProjects { project { ...C } } } fragment C on Project { code ...A }"#,
    ] {
        let response = post_query(shared(), query).await;
        response.expect(200, "GRAPHQL_VALIDATION_FAILED");
        assert!(response.body["errors"][0]["message"].as_str().unwrap().contains("within itself"), "{:#}", response.body);
        assert!(response.body["errors"][0]["locations"][0]["line"].is_u64(), "{:#}", response.body);
        assert_healthy(shared()).await;
    }
}

#[tokio::test]
async fn fragment_bombs_are_refused_quickly() {
    // Each fragment spreads the next twice: 2^40 fields once expanded, from 42 lines of text.
    let mut query = String::from(r#"{ project(code: "mus") { ...F0 } }"#);
    for i in 0..40 {
        query.push_str(&format!("\nfragment F{i} on Project {{ ...F{} ...F{} }}", i + 1, i + 1));
    }
    query.push_str("\nfragment F40 on Project { code }");
    let started = Instant::now();
    post_query(shared(), &query).await.expect(200, "COMPLEXITY_LIMIT_EXCEEDED");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    // At the root, the same bomb is refused alike.
    let root = query
        .replace(r#"{ project(code: "mus") { ...F0 } }"#, "{ ...F0 }")
        .replace("on Project", "on Query")
        .replace("{ code }", "{ __typename }");
    post_query(shared(), &root).await.expect(200, "COMPLEXITY_LIMIT_EXCEEDED");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn expensive_pages_are_refused_by_complexity() {
    let query = "{ nations(first: 200) { nodes { projects(first: 200) { nodes { participants { participant {
        ... on Nation { projects(first: 200) { nodes { participants { participant { __typename } } } } } } } } } } } }";
    let response = post_query(shared(), query).await;
    response.expect(200, "COMPLEXITY_LIMIT_EXCEEDED");
    // The same shape with small pages runs.
    let small = post_query(shared(), &query.replace("200", "2")).await;
    assert!(small.body.get("errors").is_none(), "{:#}", small.body);
    // Pages beyond the largest are a bad argument, not a complexity error.
    post_query(shared(), "{ projects(first: 100000) { totalCount } }").await.expect(200, "BAD_USER_INPUT");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn other_document_limits_have_their_codes() {
    post_query(shared(), &format!("{{ {} }}", "__typename ".repeat(21))).await.expect(200, "ROOT_FIELD_LIMIT_EXCEEDED");
    post_query(shared(), &format!("{{ __typename {} }}", "@skip(if: false) ".repeat(6))).await.expect(200, "DIRECTIVE_LIMIT_EXCEEDED");
    post_query(shared(), &format!("{{ {} }}", "__typename @include(if: true) ".repeat(700))).await.expect(200, "TOKEN_LIMIT_EXCEEDED");
    post_query(shared(), "{ __typename ").await.expect(200, "GRAPHQL_PARSE_FAILED");
    let unknown = post_query(shared(), "{ project(code: \"mus\") { nam } }").await;
    unknown.expect(200, "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(unknown.body["errors"][0]["locations"][0], json!({ "line": 1, "column": 26 }), "{:#}", unknown.body);
    assert!(unknown.body["errors"][0]["message"].as_str().unwrap().contains("Did you mean"), "suggestions are on by default");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn huge_strings_and_numbers_are_client_errors() {
    // A 200 KB string literal is over the query-size limit.
    let long = "x".repeat(200_000);
    post_query(shared(), &format!(r#"{{ project(code: "{long}") {{ code }} }}"#)).await.expect(200, "QUERY_TOO_LARGE");
    // As a variable it is just an unknown code.
    let response =
        post_json(shared(), &json!({ "query": "query($c: String!) { project(code: $c) { code } }", "variables": { "c": long } })).await;
    assert_eq!((response.status, &response.body), (200, &json!({ "data": { "project": null } })));
    // Numbers: out of Int range, out of f64 range, fractional.
    post_query(shared(), "{ projects(first: 99999999999999999999999) { totalCount } }").await.expect(200, "GRAPHQL_VALIDATION_FAILED");
    post_query(shared(), "{ projects(first: 1e999) { totalCount } }").await.expect(200, "GRAPHQL_PARSE_FAILED");
    post_query(shared(), "{ projects(first: 2.5) { totalCount } }").await.expect(200, "GRAPHQL_VALIDATION_FAILED");
    let query = "query($n: Int) { projects(first: $n) { totalCount } }";
    post_json(shared(), &json!({ "query": query, "variables": { "n": 99999999999u64 } })).await.expect(200, "BAD_USER_INPUT");
    post_bytes(shared(), format!(r#"{{"query": "{query}", "variables": {{"n": 1e400}}}}"#)).await.expect(400, "BAD_REQUEST");
    post_bytes(shared(), format!(r#"{{"query": "{query}", "variables": {{"n": {}}}}}"#, "9".repeat(5000))).await.expect(400, "BAD_REQUEST");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn invalid_utf8_and_malformed_json_are_bad_requests() {
    post_bytes(shared(), b"{\"query\": \"{ __typename \xff\xfe }\"}".to_vec()).await.expect(400, "BAD_REQUEST");
    post_bytes(shared(), b"\xff\xfe\xfd".to_vec()).await.expect(400, "BAD_REQUEST");
    post_bytes(shared(), "{\"query\": ").await.expect(400, "BAD_REQUEST");
    post_bytes(shared(), "").await.expect(400, "BAD_REQUEST");
    post_bytes(shared(), format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000))).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!({ "variables": {} })).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!({ "query": 42 })).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!({ "query": "{ __typename }", "variables": [1] })).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!({ "query": "{ __typename }", "operationName": 7 })).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!("{ __typename }")).await.expect(400, "BAD_REQUEST");
    post_json(shared(), &json!([])).await.expect(400, "BAD_REQUEST");
    // GET: no query, variables that are not JSON; a query that is not UTF-8 is a parse error.
    answer(shared().get("/graphql").await).await.expect(400, "BAD_REQUEST");
    answer(shared().get("/graphql?query=%7B__typename%7D&variables=%7Bnope").await).await.expect(400, "BAD_REQUEST");
    answer(shared().get("/graphql?query=%FF%FE").await).await.expect(200, "GRAPHQL_PARSE_FAILED");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn wrong_variable_types_are_bad_user_input() {
    let query = "query($c: String!, $s: [ProjectStatus!], $n: Int) { project(code: $c) { code } projects(filter: { status: $s }, first: $n) { totalCount } }";
    for variables in [
        json!({ "c": 5 }),
        json!({ "c": null }),
        json!({}),
        json!({ "c": "mus", "s": ["NOT_A_STATUS"] }),
        json!({ "c": "mus", "s": [1, 2] }),
        json!({ "c": "mus", "n": "ten" }),
        json!({ "c": "mus", "n": 1.5 }),
        json!({ "c": { "nested": true } }),
    ] {
        let response = post_json(shared(), &json!({ "query": query, "variables": variables })).await;
        response.expect(200, "BAD_USER_INPUT");
        assert!(response.body["errors"][0]["message"].as_str().unwrap().contains('$'), "{:#}", response.body);
    }
    let ok = post_json(shared(), &json!({ "query": query, "variables": { "c": "mus", "s": "ESTABLISHED", "n": 2 } })).await;
    assert!(ok.body.get("errors").is_none(), "{:#}", ok.body);
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn unknown_operation_names_are_refused() {
    let document = "query A { __typename } query B { __typename }";
    post_json(shared(), &json!({ "query": document, "operationName": "C" })).await.expect(200, "OPERATION_RESOLUTION_FAILURE");
    post_json(shared(), &json!({ "query": document })).await.expect(200, "OPERATION_RESOLUTION_FAILURE");
    post_json(shared(), &json!({ "query": "{ __typename }", "operationName": "A" })).await.expect(200, "OPERATION_RESOLUTION_FAILURE");
    let ok = post_json(shared(), &json!({ "query": document, "operationName": "B" })).await;
    assert_eq!(ok.body, json!({ "data": { "__typename": "Query" } }));
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn batches_are_bounded() {
    let one = json!({ "query": "{ __typename }" });
    let batch = |n: usize| Value::Array(vec![one.clone(); n]);
    post_json(shared(), &batch(1_000)).await.expect(400, "BATCH_TOO_LARGE");
    post_json(shared(), &batch(11)).await.expect(400, "BATCH_TOO_LARGE");
    let ten = post_json(shared(), &batch(10)).await;
    assert_eq!(ten.body, Value::Array(vec![json!({ "data": { "__typename": "Query" } }); 10]));
    // One bad item of a batch is a bad request for the whole batch.
    post_json(shared(), &json!([{ "query": "{ __typename }" }, { "nope": 1 }])).await.expect(400, "BAD_REQUEST");
    // Each operation of a batch meets the limits on its own.
    let mixed = post_json(shared(), &json!([{ "query": "{ __typename }" }, { "query": aliases(31) }])).await;
    assert_eq!(mixed.body[0]["data"]["__typename"], "Query");
    assert_eq!(mixed.body[1]["errors"][0]["extensions"]["code"], "ALIAS_LIMIT_EXCEEDED");
    assert_healthy(shared()).await;
}

/// The host and port of a server, for raw TCP tests.
fn address(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Sends `head`, then streams up to `total` body bytes while reading the answer; returns the
/// answer's status line and body and how many body bytes were sent before it came.
async fn stream_body(server: &Server, head: String, total: usize) -> (String, Value, usize) {
    let stream = tokio::net::TcpStream::connect(address(server)).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.unwrap();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sent.clone();
    let chunked = head.contains("chunked");
    let send = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        while counter.load(std::sync::atomic::Ordering::SeqCst) < total {
            let framed = if chunked {
                [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat()
            } else {
                chunk.clone()
            };
            if writer.write_all(&framed).await.is_err() {
                break;
            }
            counter.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
        }
        // Keep the connection open (no end of body) until the answer has come.
        std::future::pending::<()>().await;
        drop(writer);
    });
    let mut raw = Vec::new();
    let mut buffer = [0u8; 8192];
    let read = async {
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buffer[..n]),
            }
            let text = String::from_utf8_lossy(&raw);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()));
                if length.is_some_and(|n| body.len() >= n) {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read).await.expect("the server answers");
    let sent_before_answer = sent.load(std::sync::atomic::Ordering::SeqCst);
    send.abort();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.lines().next().unwrap_or_default().to_owned(), serde_json::from_str(body).unwrap_or(Value::Null), sent_before_answer)
}

#[tokio::test]
async fn a_50_mb_body_is_refused_without_being_read() {
    const SIZE: usize = 50 << 20;
    let head =
        |framing: &str| format!("POST /graphql HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n{framing}\r\n", address(shared()));
    // Declared length over the limit: refused on the headers.
    let (status, body, sent) = stream_body(shared(), head(&format!("content-length: {SIZE}\r\n")), SIZE).await;
    assert!(status.contains(" 413 "), "{status}");
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    assert!(sent < SIZE / 2, "the server answered after {sent} bytes");
    // Streamed with no declared length: refused once 256 KiB have arrived.
    let (status, body, sent) = stream_body(shared(), head("transfer-encoding: chunked\r\n"), SIZE).await;
    assert!(status.contains(" 413 "), "{status}");
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    assert!(sent < SIZE / 2, "the server answered after {sent} bytes");
    // Through an ordinary client too.
    post_bytes(shared(), vec![b' '; 300 * 1024]).await.expect(413, "PAYLOAD_TOO_LARGE");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_503() {
    let server = server_with(|a| a.request_timeout_ms = 300);
    // A body that never finishes arriving keeps the request open past the limit.
    let head =
        format!("POST /graphql HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{", address(&server));
    let started = Instant::now();
    let (status, body, _) = stream_body(&server, head, 0).await;
    assert!(status.contains(" 503 "), "{status}");
    assert_eq!(error_code(&body), "TIMEOUT", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_healthy(&server).await;
}

#[tokio::test]
async fn csrf_prevention_blocks_simple_posts_only() {
    let url = shared().url("/graphql");
    let body = r#"{"query":"{ __typename }"}"#;
    let post = |content_type: Option<&str>| {
        let request = client().post(&url).body(body);
        match content_type {
            Some(ty) => request.header("content-type", ty),
            None => request,
        }
    };
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("TEXT/PLAIN; charset=utf-8"),
    ] {
        answer(post(content_type).send().await.unwrap()).await.expect(400, "CSRF_BLOCKED");
    }
    // A header that forces a preflight lets the request through (read as JSON when untyped).
    let ok = answer(post(None).header("apollo-require-preflight", "true").send().await.unwrap()).await;
    assert_eq!(ok.body, json!({ "data": { "__typename": "Query" } }));
    let ok = answer(post(None).header("x-apollo-operation-name", "Q").send().await.unwrap()).await;
    assert_eq!(ok.body, json!({ "data": { "__typename": "Query" } }));
    // Not a simple request, but not JSON either.
    answer(post(Some("text/plain")).header("apollo-require-preflight", "1").send().await.unwrap())
        .await
        .expect(415, "UNSUPPORTED_MEDIA_TYPE");
    answer(post(Some("application/xml")).send().await.unwrap()).await.expect(415, "UNSUPPORTED_MEDIA_TYPE");
    // JSON posts (GraphiQL, curl -H 'content-type: application/json') and GETs need nothing more.
    let ok = answer(post(Some("application/json; charset=utf-8")).send().await.unwrap()).await;
    assert_eq!(ok.body, json!({ "data": { "__typename": "Query" } }));
    let ok = answer(shared().get("/graphql?query=%7B__typename%7D").await).await;
    assert_eq!(ok.body, json!({ "data": { "__typename": "Query" } }));
    let head = client().head(shared().url("/graphql?query=%7B__typename%7D")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    // Other methods.
    let put = answer(client().put(&url).body(body).header("content-type", "application/json").send().await.unwrap()).await;
    put.expect(405, "METHOD_NOT_ALLOWED");
    assert_eq!(put.headers["allow"], "GET, POST");
    assert_healthy(shared()).await;
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let origin_of =
        |answer: &reqwest::Response| answer.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
    // None by default.
    let response =
        client().get(shared().url("/graphql?query=%7B__typename%7D")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(origin_of(&response), None);

    let server = server_with(|a| a.cors_origins = vec!["https://app.example".into()]);
    let preflight = |origin: &str| {
        client()
            .request(reqwest::Method::OPTIONS, server.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight("https://app.example").await.unwrap();
    assert_eq!(origin_of(&allowed).as_deref(), Some("https://app.example"));
    let refused = preflight("https://evil.example").await.unwrap();
    assert_eq!(origin_of(&refused), None);
    let response = client()
        .post(server.url("/graphql"))
        .header("origin", "https://app.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(origin_of(&response).as_deref(), Some("https://app.example"));
    assert_healthy(&server).await;
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let response = client().get(shared().url("/healthz")).send().await.unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "a UUID: {id}");
    assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()), "a UUID: {id}");
    assert_eq!(&id[14..15], "8", "version 8: {id}");
    assert!("89ab".contains(&id[19..20]), "the RFC 9562 variant: {id}");
    let next = client().get(shared().url("/healthz")).send().await.unwrap();
    assert_ne!(next.headers()["x-request-id"].to_str().unwrap(), id, "each request has its own id");
    let response = client().get(shared().url("/healthz")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42", "a client's id is kept");
    let refused = post_bytes(shared(), "nope").await;
    assert!(refused.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let server = server_with(|a| {
        a.disable_introspection = true;
        a.disable_suggestions = true;
    });
    post_query(&server, &repo_file("tests/queries/graphiql_introspection.graphql")).await.expect(200, "INTROSPECTION_DISABLED");
    post_query(&server, r#"{ __type(name: "Project") { name } }"#).await.expect(200, "INTROSPECTION_DISABLED");
    post_query(&server, r#"{ ... on Query { __schema { queryType { name } } } }"#).await.expect(200, "INTROSPECTION_DISABLED");
    let typename = post_query(&server, "{ __typename }").await;
    assert_eq!(typename.body, json!({ "data": { "__typename": "Query" } }));
    let unknown = post_query(&server, r#"{ project(code: "mus") { nam } }"#).await;
    unknown.expect(200, "GRAPHQL_VALIDATION_FAILED");
    assert!(!unknown.body["errors"][0]["message"].as_str().unwrap().contains("Did you mean"), "{:#}", unknown.body);
    assert_healthy(&server).await;
}

#[tokio::test]
async fn suggestions_follow_introspection_unless_set_on_their_own() {
    let closed = server_with(|a| a.disable_introspection = true);
    let open = server_with(|a| {
        a.disable_introspection = true;
        a.enable_suggestions = true;
    });
    // Tools such as clairvoyance rebuild a schema from "Did you mean" answers.
    for query in [
        r#"{ projecs { totalCount } }"#,
        r#"{ project(code: "mus") { nmae } }"#,
        r#"{ projects(filter: { status: [ESTABLISHD] }) { totalCount } }"#,
    ] {
        let refused = post_query(&closed, query).await;
        refused.expect(200, "GRAPHQL_VALIDATION_FAILED");
        let message = refused.body["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "{message}");
        let helped = post_query(&open, query).await;
        assert!(helped.body["errors"][0]["message"].as_str().unwrap().contains("Did you mean"), "{:#}", helped.body);
    }
    // The same for an enum value in a variable, which is coerced after validation.
    let body = json!({
        "query": "query ($s: [ProjectStatus!]) { projects(filter: { status: $s }) { totalCount } }",
        "variables": { "s": ["ESTABLISHD"] },
    });
    let refused = post_json(&closed, &body).await;
    refused.expect(200, "BAD_USER_INPUT");
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let helped = post_json(&open, &body).await;
    assert!(helped.body["errors"][0]["message"].as_str().unwrap().contains("Did you mean ESTABLISHED?"), "{:#}", helped.body);
}

/// Resident memory of a process, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4
}

#[tokio::test]
async fn concurrent_mixed_load_leaves_the_server_healthy() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 250;
    // A process of its own, so that its memory is the server's alone (other tests share this one).
    let data = tempfile::tempdir().unwrap();
    let binary = common::Binary::serve(&common::fixtures_dir(), data.path());
    let server = Server { base: binary.server.base.clone() };
    let expected = post_query(&server, "{ projects(first: 5) { totalCount nodes { code participantCount } } }").await.body;
    assert!(expected.get("errors").is_none(), "{expected:#}");
    let oversized = vec![b' '; 300 * 1024];

    let mut rss = Vec::new();
    let started = Instant::now();
    for _round in 0..2 {
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let (server, expected, oversized) = (Server { base: server.base.clone() }, expected.clone(), oversized.clone());
            clients.push(tokio::spawn(async move {
                let (mut valid_failures, mut valid) = (0, 0);
                for i in 0..REQUESTS {
                    match (i + c) % 5 {
                        0..=2 => {
                            valid += 1;
                            let response =
                                post_query(&server, "{ projects(first: 5) { totalCount nodes { code participantCount } } }").await;
                            if response.status != 200 || response.body != expected {
                                valid_failures += 1;
                            }
                        }
                        3 => post_query(&server, &deep_query(40)).await.expect(200, "DEPTH_LIMIT_EXCEEDED"),
                        _ => {
                            // The server may close the connection before the client has sent it all.
                            if let Ok(response) = client()
                                .post(server.url("/graphql"))
                                .header("content-type", "application/json")
                                .body(oversized.clone())
                                .send()
                                .await
                            {
                                assert_eq!(response.status(), 413);
                            }
                        }
                    }
                }
                (valid, valid_failures)
            }));
        }
        let results = tokio::time::timeout(Duration::from_secs(240), futures_util::future::join_all(clients))
            .await
            .expect("the load test ends in time");
        let (valid, failures) = results.into_iter().map(Result::unwrap).fold((0, 0), |(v, f), (v2, f2)| (v + v2, f + f2));
        assert_eq!(failures, 0, "{failures} of {valid} valid requests failed");
        rss.push(resident_kib(binary.child.id()));
    }
    eprintln!("load: {} requests in {:?}, server resident memory after each round {rss:?} KiB", 2 * CLIENTS * REQUESTS, started.elapsed());
    assert!(rss[0] > 0, "the server's memory is readable");
    assert!(rss[1] <= rss[0] + 64 * 1024, "memory keeps growing: {rss:?} KiB");
    assert_healthy(&server).await;
    let ready: Value = server.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

/// A client that opens a connection and sends its headers slowly (or never) loses the connection
/// after `--header-read-timeout-ms`; a prompt client on the same server is served meanwhile.
#[tokio::test]
async fn a_connection_that_sends_no_headers_in_time_is_closed() {
    let server = server_with(|args| args.header_read_timeout_ms = 300);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    assert_healthy(&server).await;
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the connection is still open after 5 s");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "closed only after {waited:?}");
    // hyper answers a header timeout with nothing or a bare 408; never with a GraphQL answer.
    let text = String::from_utf8_lossy(&buffer);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let server = server_with(|a| a.max_connections = 2);
    let addr = server.base.trim_start_matches("http://").to_owned();
    // Two clients that connect and send nothing hold both connections.
    let idle: Vec<std::net::TcpStream> = (0..2).map(|_| std::net::TcpStream::connect(&addr).unwrap()).collect();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let impatient = reqwest::Client::builder().timeout(std::time::Duration::from_millis(500)).build().unwrap();
    let waited = impatient.get(server.url("/healthz")).send().await;
    assert!(waited.is_err_and(|e| e.is_timeout()), "a third connection is not served while two are open");
    drop(idle);
    let served = common::client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(served.status(), 200, "served once one closes");
}

#[tokio::test]
async fn a_client_that_writes_its_whole_oversized_body_before_reading_gets_the_413() {
    // As Python's urllib does: the request line, the headers and a body many times the limit,
    // all written before a byte is read. The server answers 413 at the headers; without a
    // lingering close the unread body would reset the connection and the client see a broken pipe.
    let addr = shared().base.trim_start_matches("http://").to_owned();
    let answers = tokio::task::spawn_blocking(move || {
        (0..3)
            .map(|_| {
                use std::io::{Read, Write};
                let body = format!(r#"{{"query":"{{ __typename }}","pad":"{}"}}"#, "x".repeat(8 * 1024 * 1024));
                let mut stream = std::net::TcpStream::connect(&addr).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                let head = format!(
                    "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).expect("the headers are written");
                stream.write_all(body.as_bytes()).expect("the whole body is written, not reset");
                let mut answer = String::new();
                stream.read_to_string(&mut answer).expect("the answer is read");
                answer
            })
            .collect::<Vec<String>>()
    })
    .await
    .unwrap();
    for answer in answers {
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    }
    assert_healthy(shared()).await;
}
