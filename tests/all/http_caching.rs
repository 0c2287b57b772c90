//! HTTP for caches, through the real server: ETags and conditional GETs, `Cache-Control`,
//! Automatic Persisted Queries (Apollo's protocol), gzip and brotli compression, and the media
//! types and status codes of GraphQL-over-HTTP that caches and clients rely on.

use crate::common;

use std::io::Read;

use capgraph::config::ServeArgs;
use common::{client, shared, Server};
use reqwest::{header::HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// A response read in full: status, headers, raw body bytes.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn etag(&self) -> &str {
        self.header("etag").unwrap_or_else(|| panic!("no ETag: {} {:?}", self.status, self.headers))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.bytes)))
    }

    fn code(&self) -> String {
        self.json()["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    Reply { status, headers, bytes }
}

/// `GET /graphql` with these parameters (URL-encoded here) and extra headers.
fn get(server: &Server, params: &[(&str, &str)], headers: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let mut request = client().get(server.url("/graphql")).query(params);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
}

fn post(server: &Server, body: &Value) -> reqwest::RequestBuilder {
    client().post(server.url("/graphql")).header("content-type", "application/json").body(body.to_string())
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn persisted(hash: &str) -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string()
}

const APSS: &str = r#"{ project(code: "apss") { acronym name } }"#;

async fn apss(server: &Server) -> Reply {
    send(get(server, &[("query", APSS)], &[])).await
}

#[tokio::test]
async fn conditional_get_answers_304_with_the_same_etag() {
    let server = shared();
    let first = send(get(server, &[("query", APSS)], &[])).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["data"]["project"]["acronym"], "APSS");
    let etag = first.etag().to_owned();
    assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
    assert_eq!(first.header("cache-control"), Some("public, max-age=60"));
    let vary = first.header("vary").unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept") && vary.contains("accept-encoding"), "{vary}");
    assert_eq!(first.header("content-type"), Some("application/json; charset=utf-8"));

    // The same request, conditional: 304, no body, the same validators.
    let again = send(get(server, &[("query", APSS)], &[("if-none-match", &etag)])).await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
    assert_eq!(again.etag(), etag);
    assert_eq!(again.header("cache-control"), Some("public, max-age=60"));
    // In a list, strong or weak, and for HEAD too.
    let strong = etag.trim_start_matches("W/");
    let listed = format!("\"nope\", {strong}");
    assert_eq!(send(get(server, &[("query", APSS)], &[("if-none-match", &listed)])).await.status, 304);
    let head = send(client().request(Method::HEAD, server.url("/graphql")).query(&[("query", APSS)]).header("if-none-match", &etag)).await;
    assert_eq!(head.status, 304);
    // `*` matches any successful answer.
    assert_eq!(send(get(server, &[("query", APSS)], &[("if-none-match", "*")])).await.status, 304);
    // Another tag does not match.
    let other = send(get(server, &[("query", APSS)], &[("if-none-match", "W/\"0123\"")])).await;
    assert_eq!((other.status, other.etag()), (StatusCode::OK, etag.as_str()));
    // Insignificant whitespace, commas and comments do not change the request.
    let spaced = "# the same\n{\n  project(code: \"apss\") { acronym, name }\n}";
    assert_eq!(send(get(server, &[("query", spaced)], &[("if-none-match", &etag)])).await.status, 304);
}

#[tokio::test]
async fn etags_differ_by_query_variables_operation_and_media_type() {
    let query = "query P($c: String!) { project(code: $c) { acronym } } query Q { __typename }";
    let tag = |params: Vec<(&'static str, String)>, accept: &'static str| async move {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = send(get(shared(), &params, &[("accept", accept)])).await;
        assert_eq!(reply.status, 200, "{:?}", String::from_utf8_lossy(&reply.bytes));
        reply.etag().to_owned()
    };
    let with = |code: &str, op: &str| {
        vec![("query", query.to_owned()), ("operationName", op.to_owned()), ("variables", json!({ "c": code }).to_string())]
    };
    let apss = tag(with("apss", "P"), "application/json").await;
    let mus = tag(with("mus", "P"), "application/json").await;
    let typename = tag(with("apss", "Q"), "application/json").await;
    let as_graphql_response = tag(with("apss", "P"), GRAPHQL_RESPONSE).await;
    let other_query = tag(vec![("query", "{ project(code: \"mus\") { acronym } }".into())], "application/json").await;
    let all = [&apss, &mus, &typename, &as_graphql_response, &other_query];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // Equal variables in another key order are the same request.
    let reordered = vec![
        ("query", "query($a: Int, $b: Int) { projects(first: $a, last: $b) { totalCount } }".to_owned()),
        ("variables", r#"{"a": 2, "b": null}"#.to_owned()),
    ];
    let reordered_too = vec![
        ("query", "query($a: Int, $b: Int) { projects(first: $a, last: $b) { totalCount } }".to_owned()),
        ("variables", r#"{"b": null, "a": 2}"#.to_owned()),
    ];
    assert_eq!(tag(reordered, "application/json").await, tag(reordered_too, "application/json").await);
}

#[tokio::test]
async fn only_successful_gets_are_cacheable() {
    let server = shared();
    // Errors: no ETag, no-store.
    for params in [
        vec![("query", "{ nope }")],
        vec![("query", "{")],
        vec![("query", "query($c: String!) { project(code: $c) { code } }")],
        vec![("query", "{ projects(first: 100000) { totalCount } }")],
    ] {
        let reply = send(get(server, &params, &[])).await;
        assert!(reply.header("etag").is_none(), "{params:?}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{params:?}");
    }
    let bad = send(get(server, &[], &[])).await;
    assert_eq!((bad.status, bad.code().as_str(), bad.header("cache-control")), (StatusCode::BAD_REQUEST, "BAD_REQUEST", Some("no-store")));
    // POST answers are never stored by caches.
    let posted = send(post(server, &json!({ "query": APSS }))).await;
    assert_eq!(posted.status, 200);
    assert!(posted.header("etag").is_none());
    assert_eq!(posted.header("cache-control"), Some("no-store"));
    // A validator sent with an error gets the error, not a 304.
    let error = send(get(server, &[("query", "{ nope }")], &[("if-none-match", "*")])).await;
    assert_eq!(error.status, 200);
    assert_eq!(error.code(), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn cache_control_is_configurable_and_etags_follow_the_data_not_the_process() {
    let reference = apss(shared()).await;

    let no_cache = common::start(ServeArgs { cache_control: "no-cache".into(), ..ServeArgs::default() });
    let reply = apss(&no_cache).await;
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    // Same data and code, another process: the same ETag (caches keep working across restarts).
    assert_eq!(reply.etag(), reference.etag());
    let none = common::start(ServeArgs { cache_control: String::new(), ..ServeArgs::default() });
    let reply = apss(&none).await;
    assert_eq!(reply.header("cache-control"), None);
    assert_eq!(reply.etag(), reference.etag());

    // Other data (one note changed): another ETag for the same request.
    let fixtures = tempfile::tempdir().unwrap();
    common::copy_fixtures(fixtures.path());
    let mut projects = common::read_json(fixtures.path(), "projects.json");
    let project = projects.as_array_mut().unwrap().iter_mut().find(|p| p["code"] == "apss").unwrap();
    project["note"] = json!("A note that only this test writes.");
    common::write_json(fixtures.path(), "projects.json", &projects);
    let data = tempfile::tempdir().unwrap();
    let changed = common::Binary::serve(fixtures.path(), data.path());
    let reply = apss(&changed.server).await;
    assert_eq!(reply.json(), reference.json(), "the answer itself is unchanged");
    assert_ne!(reply.etag(), reference.etag());
    let conditional = send(get(&changed.server, &[("query", APSS)], &[("if-none-match", reference.etag())])).await;
    assert_eq!(conditional.status, 200);
    changed.stop();
}

#[tokio::test]
async fn automatic_persisted_queries_round_trip_over_get_and_post() {
    let server = shared();
    let query = r#"{ project(code: "mus") { acronym participants { role } } }"#;
    let hash = sha256(query);
    let extensions = persisted(&hash);

    // 1. The hash alone: not found, with HTTP 200 and the code Apollo's clients look for.
    let missing = send(get(server, &[("extensions", &extensions)], &[])).await;
    assert_eq!(missing.status, 200);
    assert_eq!(
        missing.json(),
        json!({ "errors": [{ "message": "PersistedQueryNotFound", "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } }] })
    );
    assert!(missing.header("etag").is_none());
    assert_eq!(missing.header("cache-control"), Some("private, no-cache, must-revalidate"));
    // Also under application/graphql-response+json (as Apollo Server answers).
    let missing = send(get(server, &[("extensions", &extensions)], &[("accept", GRAPHQL_RESPONSE)])).await;
    assert_eq!((missing.status, missing.code().as_str()), (StatusCode::OK, "PERSISTED_QUERY_NOT_FOUND"));

    // 2. The hash with its query: answered, and registered.
    let registered = send(get(server, &[("query", query), ("extensions", &extensions)], &[])).await;
    assert_eq!(registered.status, 200);
    assert_eq!(registered.json()["data"]["project"]["acronym"], "MUS");

    // 3. The hash alone again: the same answer, cacheable, with the ETag of the full request.
    let by_hash = send(get(server, &[("extensions", &extensions)], &[])).await;
    assert_eq!(by_hash.status, 200);
    assert_eq!(by_hash.bytes, registered.bytes);
    assert_eq!(by_hash.etag(), registered.etag());
    assert_eq!(send(get(server, &[("extensions", &extensions)], &[("if-none-match", by_hash.etag())])).await.status, 304);
    // And by POST.
    let posted = send(post(server, &json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))).await;
    assert_eq!((posted.status, &posted.bytes), (StatusCode::OK, &registered.bytes));

    // The same round trip by POST, with variables.
    let query = "query Nation($c: String!) { nation(code: $c) { code } }";
    let hash = sha256(query);
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let only_hash = json!({ "extensions": ext, "variables": { "c": "LUX" }, "operationName": "Nation" });
    assert_eq!(send(post(server, &only_hash)).await.code(), "PERSISTED_QUERY_NOT_FOUND");
    let with_query = json!({ "query": query, "extensions": ext, "variables": { "c": "LUX" } });
    assert_eq!(send(post(server, &with_query)).await.json(), json!({ "data": { "nation": { "code": "LUX" } } }));
    assert_eq!(send(post(server, &only_hash)).await.json(), json!({ "data": { "nation": { "code": "LUX" } } }));
    // In a batch, each operation is looked up on its own.
    let unknown = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256("{ __typename }") } } });
    let batch = send(post(server, &json!([only_hash, unknown, { "query": "{ __typename }" }]))).await;
    assert_eq!(
        batch.json(),
        json!([
            { "data": { "nation": { "code": "LUX" } } },
            { "errors": [{ "message": "PersistedQueryNotFound", "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } }] },
            { "data": { "__typename": "Query" } },
        ])
    );
}

#[tokio::test]
async fn persisted_queries_refuse_wrong_hashes_and_keep_only_valid_queries() {
    let server = shared();
    // A hash that is not the query's.
    let wrong =
        json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256("{ other }") } } });
    let reply = send(post(server, &wrong)).await;
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::BAD_REQUEST, "PROVIDED_SHA_DOES_NOT_MATCH"));
    let hash = sha256("{ other }");
    let reply = send(get(server, &[("query", "{ __typename }"), ("extensions", &persisted(&hash))], &[])).await;
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::BAD_REQUEST, "PROVIDED_SHA_DOES_NOT_MATCH"));
    // ... and it registered nothing.
    assert_eq!(send(get(server, &[("extensions", &persisted(&hash))], &[])).await.code(), "PERSISTED_QUERY_NOT_FOUND");
    // Malformed: another version, a hash that is not hex, `extensions` not an object.
    for extensions in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256("{ __typename }") } }).to_string(),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "xyz" } }).to_string(),
        "[1]".to_owned(),
        "{nope".to_owned(),
    ] {
        let reply = send(get(server, &[("query", "{ __typename }"), ("extensions", &extensions)], &[])).await;
        assert_eq!((reply.status, reply.code().as_str()), (StatusCode::BAD_REQUEST, "BAD_REQUEST"), "{extensions}");
    }
    // A query that does not validate is answered but not registered.
    let invalid = "{ nope }";
    let reply = send(get(server, &[("query", invalid), ("extensions", &persisted(&sha256(invalid)))], &[])).await;
    assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED");
    let reply = send(get(server, &[("extensions", &persisted(&sha256(invalid)))], &[])).await;
    assert_eq!(reply.code(), "PERSISTED_QUERY_NOT_FOUND");
}

#[tokio::test]
async fn persisted_queries_can_be_turned_off() {
    let server = common::start(ServeArgs { persisted_queries_mb: 0, ..ServeArgs::default() });
    let query = "{ __typename }";
    let reply = send(get(&server, &[("query", query), ("extensions", &persisted(&sha256(query)))], &[])).await;
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::OK, "PERSISTED_QUERY_NOT_SUPPORTED"));
    // Plain queries work as ever.
    assert_eq!(send(get(&server, &[("query", query)], &[])).await.json(), json!({ "data": { "__typename": "Query" } }));
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn gzip_and_brotli_are_negotiated_by_accept_encoding() {
    let server = shared();
    let query = "{ projects(first: 40) { nodes { code name acronym participants { role participant { ... on Nation { code name } } } } } }";
    let plain = send(get(server, &[("query", query)], &[])).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None, "no compression without Accept-Encoding");
    assert!(plain.json()["data"]["projects"]["nodes"].as_array().unwrap().len() > 10);
    let identity = send(get(server, &[("query", query)], &[("accept-encoding", "identity")])).await;
    assert_eq!((identity.header("content-encoding"), &identity.bytes), (None, &plain.bytes));

    let gzip = send(get(server, &[("query", query)], &[("accept-encoding", "gzip")])).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gzip.bytes), plain.bytes);
    assert!(gzip.bytes.len() * 3 < plain.bytes.len(), "{} → {}", plain.bytes.len(), gzip.bytes.len());
    assert_eq!(gzip.etag(), plain.etag(), "a weak ETag names the answer, whatever its coding");

    let br = send(get(server, &[("query", query)], &[("accept-encoding", "br")])).await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(unbrotli(&br.bytes), plain.bytes);
    // Preferences with qualities.
    let preferred = send(get(server, &[("query", query)], &[("accept-encoding", "gzip;q=0.5, br;q=1")])).await;
    assert_eq!(preferred.header("content-encoding"), Some("br"));
    let preferred = send(get(server, &[("query", query)], &[("accept-encoding", "gzip, br;q=0")])).await;
    assert_eq!(preferred.header("content-encoding"), Some("gzip"));

    // POST answers too.
    let posted = send(post(server, &json!({ "query": query })).header("accept-encoding", "gzip")).await;
    assert_eq!(posted.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&posted.bytes), plain.bytes);

    // GraphiQL and its assets as well.
    let page = send(client().get(server.url("/")).header("accept-encoding", "br")).await;
    assert_eq!(page.header("content-encoding"), Some("br"));
    assert!(String::from_utf8(unbrotli(&page.bytes)).unwrap().contains("GraphiQL"));
}

#[tokio::test]
async fn media_types_and_methods_follow_graphql_over_http() {
    let server = shared();
    let query = [("query", "{ __typename }")];
    let typed = |accept: &'static str| async move { send(get(shared(), &query, &[("accept", accept)])).await };
    assert_eq!(typed("application/json").await.header("content-type"), Some("application/json; charset=utf-8"));
    assert_eq!(typed(GRAPHQL_RESPONSE).await.header("content-type"), Some("application/graphql-response+json; charset=utf-8"));
    assert_eq!(typed("*/*").await.header("content-type"), Some("application/json; charset=utf-8"));
    let preferred = typed("application/json;q=0.8, application/graphql-response+json").await;
    assert_eq!(preferred.header("content-type"), Some("application/graphql-response+json; charset=utf-8"));
    let refused = typed("text/html").await;
    assert_eq!((refused.status, refused.code().as_str()), (StatusCode::NOT_ACCEPTABLE, "NOT_ACCEPTABLE"));

    // A request error: 400 under application/graphql-response+json (no `data`), 200 under JSON.
    let invalid = [("query", "{ nope }")];
    let strict = send(get(server, &invalid, &[("accept", GRAPHQL_RESPONSE)])).await;
    assert_eq!(strict.status, 400);
    assert!(strict.json().get("data").is_none());
    assert_eq!(send(get(server, &invalid, &[("accept", "application/json")])).await.status, 200);
    // A malformed request is 400 in either, typed as asked.
    let malformed = send(post(server, &json!({ "variables": {} })).header("accept", "application/json")).await;
    assert_eq!((malformed.status, malformed.header("content-type")), (StatusCode::BAD_REQUEST, Some("application/json; charset=utf-8")));
    let malformed =
        send(client().post(server.url("/graphql")).header("content-type", "application/json").header("accept", GRAPHQL_RESPONSE).body("{"))
            .await;
    assert_eq!(
        (malformed.status, malformed.header("content-type")),
        (StatusCode::BAD_REQUEST, Some("application/graphql-response+json; charset=utf-8"))
    );

    // GET with URL-encoded variables and extensions.
    let reply = send(get(
        server,
        &[("query", "query($c: String!) { nation(code: $c) { code } }"), ("variables", r#"{"c":"fra"}"#), ("extensions", r#"{"x":1}"#)],
        &[],
    ))
    .await;
    assert_eq!(reply.json(), json!({ "data": { "nation": { "code": "FRA" } } }));

    // A mutation by GET is refused with 405 before anything runs; other methods too.
    for document in ["mutation { __typename }", "query Q { __typename } mutation M { x }"] {
        let params = [("query", document), ("operationName", "M")];
        let reply = send(get(server, if document.starts_with("query") { &params[..] } else { &params[..1] }, &[])).await;
        assert_eq!((reply.status, reply.code().as_str()), (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"), "{document}");
        assert_eq!(reply.header("allow"), Some("POST"));
    }
    // Selecting the query of such a document is no mutation (it then fails validation: capgraph has no mutations).
    let named_query = send(get(server, &[("query", "query Q { __typename } mutation M { x }"), ("operationName", "Q")], &[])).await;
    assert_eq!((named_query.status, named_query.code().as_str()), (StatusCode::OK, "GRAPHQL_VALIDATION_FAILED"));
    let delete = send(client().delete(server.url("/graphql"))).await;
    assert_eq!((delete.status, delete.header("allow")), (StatusCode::METHOD_NOT_ALLOWED, Some("GET, POST")));
    // 415 for a body that is not JSON.
    let xml = send(client().post(server.url("/graphql")).header("content-type", "application/xml").body("<q/>")).await;
    assert_eq!((xml.status, xml.code().as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE"));
}

fn gauge(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn parsed_documents_are_kept_by_text_and_every_request_is_still_checked() {
    // A server of its own, with the response cache off, so every request is answered afresh.
    let server = common::start(ServeArgs { response_cache_mb: 0, ..Default::default() });
    let parsed = |server: &Server| {
        let url = server.url("/metrics");
        async move { gauge(&client().get(url).send().await.unwrap().text().await.unwrap(), "capgraph_parsed_documents") }
    };
    let query = "query One($code: String!) { nation(code: $code) { name } } query Two { nation(code: \"FRA\") { name } }";
    let post = |operation: &'static str, variables: Value| {
        let url = server.url("/graphql");
        async move {
            let body = json!({ "query": query, "operationName": operation, "variables": variables });
            send(client().post(url).header("accept", "application/json").json(&body)).await.json()
        }
    };
    assert_eq!(post("One", json!({ "code": "DEU" })).await["data"]["nation"]["name"], "Germany");
    let kept = parsed(&server).await;
    assert!(kept >= 1.0);
    // The same text: other variables, another operation, bad variables, a missing operation.
    assert_eq!(post("One", json!({ "code": "Türkiye" })).await["data"]["nation"]["name"], "Türkiye");
    assert_eq!(post("Two", json!({})).await["data"]["nation"]["name"], "France");
    let bad = post("One", json!({ "code": 7 })).await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{bad}");
    let missing = post("Three", json!({})).await;
    assert_eq!(missing["errors"][0]["extensions"]["code"], "OPERATION_RESOLUTION_FAILURE", "{missing}");
    assert_eq!(parsed(&server).await, kept, "one text, parsed once");

    // A text that fails the limits is refused every time and never kept.
    let deep = format!("{}name{}", "{ nations { nodes ".repeat(40), " }".repeat(80));
    for _ in 0..2 {
        let body = json!({ "query": deep });
        let refused = send(client().post(server.url("/graphql")).header("accept", "application/json").json(&body)).await.json();
        assert_eq!(refused["errors"][0]["extensions"]["code"], "DEPTH_LIMIT_EXCEEDED", "{refused}");
    }
    assert_eq!(parsed(&server).await, kept, "refused texts are not kept");
}
