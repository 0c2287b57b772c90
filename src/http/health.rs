//! Operational endpoints: liveness, readiness, the SDL, and Prometheus metrics.

use axum::{extract::State, http::header, response::IntoResponse, Json};
use serde_json::json;

use super::AppState;

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready once the store is open (the server only listens after that); says what it holds.
pub async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let info = app.store.info();
    let counts = app.store.counts().unwrap_or_default();
    Json(json!({
        "status": "ready",
        "store": { "reused": info.reused, "digest": info.digest, "format": info.format },
        "counts": counts,
    }))
}

pub async fn sdl(State(app): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], app.sdl.to_string())
}

pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let info = app.store.info();
    let body = format!(
        "# HELP capgraph_store_reads_total Calls into the store (a batched call counts once).\n\
         # TYPE capgraph_store_reads_total counter\n\
         capgraph_store_reads_total {}\n\
         # HELP capgraph_store_keys_read_total Keys fetched from the store.\n\
         # TYPE capgraph_store_keys_read_total counter\n\
         capgraph_store_keys_read_total {}\n\
         # HELP capgraph_store_size_bytes Size of the store on disk.\n\
         # TYPE capgraph_store_size_bytes gauge\n\
         capgraph_store_size_bytes {}\n\
         # HELP capgraph_data_info The fixtures' digest the store was built from.\n\
         # TYPE capgraph_data_info gauge\n\
         capgraph_data_info{{digest=\"{}\",reused=\"{}\"}} 1\n",
        app.store.reads(),
        app.store.keys_read(),
        app.store.size_on_disk(),
        info.digest,
        info.reused,
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
