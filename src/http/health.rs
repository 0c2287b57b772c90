//! Operational endpoints: liveness, readiness, the SDL and `/metrics` (rendered by [`super::metrics`]).

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::state::AppState;

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready once a store is open, saying what it holds; before that 503 with the build's phase and
/// progress (the listener opens before the store, so probes see a live, starting process).
pub async fn readyz(State(app): State<AppState>) -> Response {
    let Some(live) = app.live() else {
        let (phase, seconds, records) = app.progress().snapshot();
        let body = json!({ "status": "starting", "phase": phase, "seconds": seconds, "records": records });
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, super::state::RETRY_AFTER_SECONDS)], Json(body)).into_response();
    };
    let info = live.store.info();
    let counts = live.store.counts().unwrap_or_default();
    let mut body = json!({
        "status": "ready",
        "store": { "reused": info.reused, "digest": info.digest, "format": info.format },
        "counts": counts,
    });
    // A reload under way: the data above is served until the new store is ready.
    let (phase, seconds, records) = app.progress().snapshot();
    if phase != super::super::store::Progress::DONE {
        body["reloading"] = json!({ "phase": phase, "seconds": seconds, "records": records });
    }
    Json(body).into_response()
}

pub async fn sdl(State(app): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], app.sdl.to_string())
}

/// `GET /metrics`: the Prometheus text format.
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let live = app.live();
    let body = app.metrics.render(live.as_ref().map(|l| (l.engine.as_ref(), l.store.as_ref())));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
