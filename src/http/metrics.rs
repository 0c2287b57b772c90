//! Operations: Prometheus metrics at `GET /metrics`, and one log line per request.
//!
//! Each server has its own [`Metrics`]: a `metrics-exporter-prometheus` recorder built with
//! `build_recorder()` and kept in the application state, recorded into with `metrics::with_local_recorder`
//! and rendered by its `PrometheusHandle`. No recorder is ever installed globally (one could be
//! installed only once per process) and no listener of the exporter's own is started, so several
//! servers in one process (as in the tests) count their own traffic only.
//!
//! [`track`] wraps every request: it opens the request's span (with its id, see
//! [`span_for`]), times the request, records it, and writes the request's one log line,
//! `target: "capgraph::request"`, with its id, method, path, operation name, status, duration and
//! outcome.

use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, PoisonError,
    },
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    http::StatusCode,
    middleware::Next,
    response::Response,
};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use tracing::Instrument;

use super::{
    outcome::Outcome,
    request_id::{request_id, span_for},
};
use crate::{engine::Engine, errors::http::Refused, store::Store};

/// HTTP requests, by `route`, `operation` and `outcome`.
pub const REQUESTS: &str = "capgraph_http_requests_total";
/// Time to answer a request (until its response starts), with the same labels.
pub const DURATION: &str = "capgraph_http_request_duration_seconds";
/// GraphQL errors answered, by `extensions.code`.
pub const ERRORS: &str = "capgraph_graphql_errors_total";
/// Calls into the store (a batched call counts once); `tests/all/query_power.rs` reads this name.
pub const STORE_READS: &str = "capgraph_store_reads_total";
pub const STORE_KEYS_READ: &str = "capgraph_store_keys_read_total";
pub const STORE_SIZE: &str = "capgraph_store_size_bytes";
pub const STORE_RECORDS: &str = "capgraph_store_records";
pub const STORE_OPEN: &str = "capgraph_store_open_seconds";
pub const CACHE_ENTRIES: &str = "capgraph_response_cache_entries";
pub const CACHE_BYTES: &str = "capgraph_response_cache_bytes";
pub const RECORD_CACHE_ENTRIES: &str = "capgraph_record_cache_entries";
pub const RECORD_CACHE_BYTES: &str = "capgraph_record_cache_bytes";
/// Distinct query texts held parsed and checked.
pub const PARSED_DOCUMENTS: &str = "capgraph_parsed_documents";
/// 1 for the data served, 0 for data a reload replaced; its labels carry the data version: the
/// fixtures' `digest`, the store `format`, and whether the `store` was `reused` or `rebuilt`.
pub const DATA_INFO: &str = "capgraph_data_info";
/// Reloads that switched the data served.
pub const RELOADS: &str = "capgraph_data_reloads_total";

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Distinct operation names that get a label of their own; later ones are counted as `other`, so
/// that clients cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;
/// Longest operation name used as a label or logged as it is.
const MAX_NAME_CHARS: usize = 64;
/// Histogram samples are folded into their buckets on every scrape and every this many requests,
/// so that a server nobody scrapes does not keep them all.
const UPKEEP_EVERY: u64 = 1024;

/// The `operation` label of requests that are not GraphQL operations, or were refused before
/// their operations were known.
pub const NO_OPERATION: &str = "-";

/// One server's metrics.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// Operation names with a label of their own.
    names: Mutex<HashSet<String>>,
    recorded: AtomicU64,
    /// The data version served, and the reads of the stores it replaced (counters never go back).
    served: Mutex<Served>,
}

#[derive(Default)]
struct Served {
    /// The labels of the data version served: digest, format, reused or rebuilt.
    digest: Option<(String, String, &'static str)>,
    reads: u64,
    keys_read: u64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh recorder; the data's figures come with [`Metrics::data_switched`].
    pub fn new() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &LATENCY_BUCKETS)
            .expect("the latency buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            describe_counter!(REQUESTS, "HTTP requests by matched route, GraphQL operation name and outcome.");
            describe_histogram!(DURATION, "Seconds until the response starts, by route, operation name and outcome.");
            describe_counter!(ERRORS, "GraphQL errors answered, by extensions.code.");
            describe_counter!(STORE_READS, "Calls into the store (a batched call counts once).");
            describe_counter!(STORE_KEYS_READ, "Keys fetched from the store.");
            describe_gauge!(STORE_SIZE, "Size of the store on disk, in bytes.");
            describe_gauge!(STORE_RECORDS, "Records in the store, by GraphQL type.");
            describe_gauge!(STORE_OPEN, "Seconds the store took to open (reuse) or build from the fixtures.");
            describe_gauge!(CACHE_ENTRIES, "Answers held by the response cache.");
            describe_gauge!(CACHE_BYTES, "Bytes held by the response cache.");
            describe_gauge!(RECORD_CACHE_ENTRIES, "Records kept decoded between requests.");
            describe_gauge!(RECORD_CACHE_BYTES, "Bytes (encoded size) of the records kept decoded.");
            describe_gauge!(PARSED_DOCUMENTS, "Distinct query texts held parsed and checked.");
            describe_gauge!(DATA_INFO, "The data version: 1 for the fixtures' digest and store format served, 0 for those replaced.");
            describe_counter!(RELOADS, "Data switches after the first: reloads that replaced the store served.");
        });
        Metrics { recorder, handle, names: Mutex::new(HashSet::new()), recorded: AtomicU64::new(0), served: Mutex::default() }
    }

    /// The data served from now on is `store`'s (`replaced`, the store served until now, if any):
    /// the data version, the records per type and the time the store took to open.
    pub fn data_switched(&self, store: &Store, replaced: Option<&Store>) {
        let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        metrics::with_local_recorder(&self.recorder, || {
            if let Some((digest, format, how)) = served.digest.take() {
                gauge!(DATA_INFO, "digest" => digest, "format" => format, "store" => how).set(0.0);
                counter!(RELOADS).increment(1);
            }
            if let Some(old) = replaced {
                served.reads += old.reads();
                served.keys_read += old.keys_read();
            }
            let info = store.info();
            let how = if info.reused { "reused" } else { "rebuilt" };
            gauge!(DATA_INFO, "digest" => info.digest.clone(), "format" => info.format.clone(), "store" => how).set(1.0);
            served.digest = Some((info.digest.clone(), info.format.clone(), how));
            gauge!(STORE_OPEN).set(info.open_millis as f64 / 1000.0);
            for (type_name, count) in store.counts().unwrap_or_default() {
                gauge!(STORE_RECORDS, "type" => type_name).set(count as f64);
            }
        });
    }

    /// The Prometheus text exposition of everything, with the store and cache read now (none
    /// while the first store builds).
    pub fn render(&self, live: Option<(&Engine, &Store)>) -> String {
        let Some((engine, store)) = live else { return self.handle.render() };
        let (entries, bytes) = engine.cache_usage();
        let (records, record_bytes) = store.record_cache_usage();
        let (earlier_reads, earlier_keys) = {
            let served = self.served.lock().unwrap_or_else(|e| e.into_inner());
            (served.reads, served.keys_read)
        };
        metrics::with_local_recorder(&self.recorder, || {
            counter!(STORE_READS).absolute(earlier_reads + store.reads());
            counter!(STORE_KEYS_READ).absolute(earlier_keys + store.keys_read());
            gauge!(STORE_SIZE).set(store.size_on_disk() as f64);
            gauge!(CACHE_ENTRIES).set(entries as f64);
            gauge!(CACHE_BYTES).set(bytes as f64);
            gauge!(RECORD_CACHE_ENTRIES).set(records as f64);
            gauge!(RECORD_CACHE_BYTES).set(record_bytes as f64);
            gauge!(PARSED_DOCUMENTS).set(engine.parsed_documents() as f64);
        });
        self.handle.render()
    }

    fn record(&self, request: &Observed) {
        metrics::with_local_recorder(&self.recorder, || {
            let labels =
                [("route", request.route.clone()), ("operation", request.operation_label.clone()), ("outcome", request.outcome.to_owned())];
            counter!(REQUESTS, &labels).increment(1);
            histogram!(DURATION, &labels).record(request.seconds);
            for code in &request.error_codes {
                counter!(ERRORS, "code" => code.clone()).increment(1);
            }
        });
        if self.recorded.fetch_add(1, Ordering::Relaxed) % UPKEEP_EVERY == UPKEEP_EVERY - 1 {
            self.handle.run_upkeep();
        }
    }

    /// The label for an operation name: itself while fewer than [`MAX_OPERATION_NAMES`] names
    /// have been seen, `other` after that.
    fn operation_label(&self, name: String) -> String {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        if names.contains(&name) {
            return name;
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.clone());
            return name;
        }
        "other".to_owned()
    }
}

/// What one request was, for its metrics and its log line.
struct Observed {
    route: String,
    operation_label: String,
    /// The operation name(s) as logged: `None` for requests that are not GraphQL operations.
    operation: Option<String>,
    outcome: &'static str,
    error_codes: Vec<String>,
    seconds: f64,
}

/// Middleware around every request: its span, its metrics and its one log line.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let span = span_for(&request);
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let path = truncate(request.uri().path(), 256);
    let request_id = request_id(request.headers()).unwrap_or_else(|| "-".to_owned());

    let response = next.run(request).instrument(span).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status();
    let outcome = response.extensions().get::<Outcome>().cloned();
    let error_codes = match (&outcome, response.extensions().get::<Refused>()) {
        (Some(outcome), _) => outcome.error_codes.clone(),
        (None, Some(Refused(code))) => vec![code.clone()],
        (None, None) => Vec::new(),
    };
    let error_codes: Vec<String> = error_codes.into_iter().map(|code| if is_name(&code) { code } else { "invalid".to_owned() }).collect();

    let (operation_label, operation) = match &outcome {
        None => (NO_OPERATION.to_owned(), None),
        Some(outcome) => match outcome.operations.as_slice() {
            [one] => {
                let name = operation_name(one.as_deref());
                (metrics.operation_label(name.clone()), Some(name))
            }
            many => ("batch".to_owned(), Some(many.iter().map(|one| operation_name(one.as_deref())).collect::<Vec<_>>().join(","))),
        },
    };
    let outcome = outcome_label(status, outcome.as_ref(), &error_codes);
    let observed = Observed { route, operation_label, operation, outcome, error_codes, seconds };
    metrics.record(&observed);

    let duration_ms = (seconds * 1_000_000.0).round() / 1000.0;
    let error_codes = (!observed.error_codes.is_empty()).then(|| observed.error_codes.join(","));
    macro_rules! log_request {
        ($level:ident) => {
            tracing::$level!(
                target: "capgraph::request",
                request_id = %request_id,
                method = %method,
                path = %path,
                operation = observed.operation.as_deref().map(tracing::field::display),
                status = status.as_u16(),
                duration_ms,
                outcome = %observed.outcome,
                error_codes = error_codes.as_deref().map(tracing::field::display),
                "request"
            )
        };
    }
    if status.is_server_error() {
        log_request!(warn);
    } else {
        log_request!(info);
    }
    response
}

/// `ok`, `cached` (every answer from the response cache), `graphql_error` (the operations ran, or
/// were refused by validation, and answered errors), `not_modified` (HTTP 304), `rejected` (a 4xx
/// before any operation ran) or `failed` (a 5xx: time limit, panic).
fn outcome_label(status: StatusCode, outcome: Option<&Outcome>, error_codes: &[String]) -> &'static str {
    if status == StatusCode::NOT_MODIFIED {
        return "not_modified";
    }
    if status.is_server_error() {
        return "failed";
    }
    match outcome {
        Some(_) if !error_codes.is_empty() => "graphql_error",
        Some(outcome) if outcome.cached => "cached",
        Some(_) => "ok",
        None if status.is_client_error() => "rejected",
        None => "ok",
    }
}

/// An operation name as a label and in the log: the name if it is a GraphQL name of at most
/// [`MAX_NAME_CHARS`] (any other is refused anyway), `anonymous` without one.
fn operation_name(name: Option<&str>) -> String {
    match name {
        None => "anonymous".to_owned(),
        Some(name) if is_name(name) => name.to_owned(),
        Some(_) => "invalid".to_owned(),
    }
}

/// `[_A-Za-z][_0-9A-Za-z]*`, at most [`MAX_NAME_CHARS`] long.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_NAME_CHARS
        && chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_status_and_answers() {
        let ran = |cached| Outcome { operations: vec![Some("Q".into())], error_codes: Vec::new(), cached };
        assert_eq!(outcome_label(StatusCode::OK, Some(&ran(false)), &[]), "ok");
        assert_eq!(outcome_label(StatusCode::OK, Some(&ran(true)), &[]), "cached");
        assert_eq!(outcome_label(StatusCode::OK, Some(&ran(false)), &["BAD_USER_INPUT".into()]), "graphql_error");
        assert_eq!(outcome_label(StatusCode::BAD_REQUEST, Some(&ran(false)), &["GRAPHQL_PARSE_FAILED".into()]), "graphql_error");
        assert_eq!(outcome_label(StatusCode::BAD_REQUEST, None, &["BAD_REQUEST".into()]), "rejected");
        assert_eq!(outcome_label(StatusCode::SERVICE_UNAVAILABLE, None, &["TIMEOUT".into()]), "failed");
        assert_eq!(outcome_label(StatusCode::NOT_MODIFIED, Some(&ran(true)), &[]), "not_modified");
        assert_eq!(outcome_label(StatusCode::OK, None, &[]), "ok");
    }

    #[test]
    fn only_graphql_names_become_labels() {
        assert_eq!(operation_name(Some("ProjectPage")), "ProjectPage");
        assert_eq!(operation_name(None), "anonymous");
        assert_eq!(operation_name(Some("a b")), "invalid");
        assert_eq!(operation_name(Some("9lives")), "invalid");
        assert_eq!(operation_name(Some(&"x".repeat(65))), "invalid");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
