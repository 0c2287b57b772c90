//! The HTTP surface: `/graphql` (GET and POST), GraphiQL at `/`, the SDL, health and metrics.

pub mod caching;
pub mod graphiql;
pub mod graphql;
mod health;
pub mod limits;
pub mod metrics;

use std::{sync::Arc, time::Duration};

use axum::{extract::DefaultBodyLimit, middleware, routing::get, Extension, Router};
use tower::util::option_layer;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{PropagateRequestIdLayer, SetRequestIdLayer},
};

use crate::{engine::Engine, store::Store};

/// Limits on requests, enforced before any GraphQL work, and how answers speak to caches.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub batch: usize,
    pub timeout: Duration,
    /// Origins allowed by CORS (`*` for any); none by default.
    pub cors_origins: Vec<String>,
    /// `Cache-Control` of successful `GET /graphql` answers; empty sends none ([`caching`]).
    pub cache_control: String,
    /// Memory for Automatic Persisted Queries; 0 turns them off.
    pub persisted_query_bytes: u64,
}

impl HttpLimits {
    pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=60";
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_bytes: 256 * 1024,
            batch: 10,
            timeout: Duration::from_secs(10),
            cors_origins: Vec::new(),
            cache_control: Self::DEFAULT_CACHE_CONTROL.to_owned(),
            persisted_query_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Everything a handler needs, shared: axum clones the state for every request and middleware.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares.
pub struct Shared {
    pub engine: Arc<Engine>,
    pub store: Arc<Store>,
    pub limits: HttpLimits,
    /// The SDL, rendered once.
    pub sdl: Arc<str>,
    /// This server's own metrics recorder (see [`metrics`]).
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The whole application as an axum router; tests serve it on a free port.
pub fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    let app = state.clone();
    let info = state.store.info();
    let caching = caching::Caching::new(&info.digest, &info.format, &state.sdl, &limits.cache_control, limits.persisted_query_bytes);
    Router::new()
        .route(
            "/graphql",
            get(graphql::execute).post(graphql::execute).fallback(graphql::method_not_allowed).layer(Extension(Arc::new(caching))),
        )
        .merge(graphiql::router("/graphql"))
        .route("/schema.graphql", get(health::sdl))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(limits.timeout, limits::time_limit))
        .layer(CatchPanicLayer::custom(limits::panic_response))
        // The request's span, metrics and one log line (it reads error bodies before compression).
        .layer(middleware::from_fn_with_state(app, metrics::track))
        // gzip or brotli, as `Accept-Encoding` asks (bodies of 32 bytes or more).
        .layer(CompressionLayer::new())
        .layer(option_layer(limits::cors(&limits.cors_origins)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(limits::MakeRequestIds::new()))
}
