//! Operational endpoints: liveness, readiness, the SDL and `/metrics` (rendered by [`super::metrics`]).

use axum::{extract::State, http::header, response::IntoResponse, Json};
use serde_json::json;

use super::state::AppState;

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

/// `GET /metrics`: the Prometheus text format.
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let body = app.metrics.render(&app.engine, &app.store);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
