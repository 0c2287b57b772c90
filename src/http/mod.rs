//! The HTTP surface: `/graphql` (GET and POST), GraphiQL at `/`, the SDL, health and metrics.

pub mod graphiql;
mod graphql;
mod health;

use std::{sync::Arc, time::Duration};

use axum::{extract::DefaultBodyLimit, http::StatusCode, routing::get, Router};
use tower_http::{timeout::TimeoutLayer, trace::TraceLayer};

use crate::{graphql::CapgraphSchema, store::Store};

/// Limits on requests, enforced before any GraphQL work.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub batch: usize,
    pub timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits { body_bytes: 256 * 1024, batch: 10, timeout: Duration::from_secs(10) }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: CapgraphSchema,
    pub store: Arc<Store>,
    pub limits: HttpLimits,
    /// The SDL, rendered once.
    pub sdl: Arc<str>,
}

/// The whole application as an axum router; tests serve it on a free port.
pub fn router(state: AppState) -> Router {
    let limits = state.limits;
    Router::new()
        .route("/graphql", get(graphql::execute).post(graphql::execute))
        .merge(graphiql::router("/graphql"))
        .route("/schema.graphql", get(health::sdl))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.timeout))
        .layer(TraceLayer::new_for_http())
}
