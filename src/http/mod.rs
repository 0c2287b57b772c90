//! The HTTP surface: `/graphql` (GET and POST), GraphiQL at `/`, the SDL, health and metrics.

pub mod graphiql;
pub mod graphql;
mod health;
pub mod limits;

use std::{sync::Arc, time::Duration};

use axum::{extract::DefaultBodyLimit, middleware, routing::get, Router};
use tower::util::option_layer;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{graphql::execute::Engine, store::Store};

/// Limits on requests, enforced before any GraphQL work.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub batch: usize,
    pub timeout: Duration,
    /// Origins allowed by CORS (`*` for any); none by default.
    pub cors_origins: Vec<String>,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits { body_bytes: 256 * 1024, batch: 10, timeout: Duration::from_secs(10), cors_origins: Vec::new() }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub store: Arc<Store>,
    pub limits: HttpLimits,
    /// The SDL, rendered once.
    pub sdl: Arc<str>,
}

/// The whole application as an axum router; tests serve it on a free port.
pub fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    Router::new()
        .route("/graphql", get(graphql::execute).post(graphql::execute).fallback(graphql::method_not_allowed))
        .merge(graphiql::router("/graphql"))
        .route("/schema.graphql", get(health::sdl))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(limits.timeout, limits::time_limit))
        .layer(CatchPanicLayer::custom(limits::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(limits::span_for))
        .layer(option_layer(limits::cors(&limits.cors_origins)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}
