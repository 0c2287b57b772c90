//! The HTTP surface: `/graphql` (GET and POST), GraphiQL at `/`, the SDL, health and metrics.

pub mod caching;
pub mod graphiql;
pub mod graphql;
mod health;
pub mod limits;
mod linger;
pub mod media;
pub mod metrics;
pub mod outcome;
pub mod persisted;
pub mod request;
pub mod request_id;
pub mod serve;
mod state;

pub use state::{AppState, HttpLimits, Live, Shared};

use std::sync::Arc;

use axum::{extract::DefaultBodyLimit, middleware, routing::get, Extension, Router};
use tower::util::option_layer;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{PropagateRequestIdLayer, SetRequestIdLayer},
};

/// The whole application as an axum router; tests serve it on a free port.
pub fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    let metrics = state.metrics.clone();
    let route = graphql::Route { persisted: persisted::PersistedQueries::new(limits.persisted_query_bytes) };
    Router::new()
        .route(
            "/graphql",
            get(graphql::execute).post(graphql::execute).fallback(graphql::method_not_allowed).layer(Extension(Arc::new(route))),
        )
        .merge(graphiql::router("/graphql"))
        .route("/schema.graphql", get(health::sdl))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(limits.timeout, limits::time_limit))
        .layer(CatchPanicLayer::custom(limits::panic_response))
        // The request's span, metrics and one log line (it reads error bodies before compression).
        .layer(middleware::from_fn_with_state(metrics, metrics::track))
        // gzip or brotli, as `Accept-Encoding` asks (bodies of 32 bytes or more).
        .layer(CompressionLayer::new())
        .layer(option_layer(limits::cors(&limits.cors_origins)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(request_id::MakeRequestIds::new()))
}
