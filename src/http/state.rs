//! What every handler shares: the engine, the store, the HTTP limits, the SDL and the metrics.

use std::{sync::Arc, time::Duration};

use super::metrics::Metrics;
use crate::{engine::Engine, store::Store};

/// Limits on requests, enforced before any GraphQL work, and how answers speak to caches.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub batch: usize,
    pub timeout: Duration,
    /// How long a connection may take to send a request's headers ([`super::serve`]).
    pub header_read_timeout: Duration,
    /// Most connections open at once; more wait in the listen backlog ([`super::serve`]).
    pub max_connections: usize,
    /// Origins allowed by CORS (`*` for any); none by default.
    pub cors_origins: Vec<String>,
    /// `Cache-Control` of successful `GET /graphql` answers; empty sends none ([`super::caching`]).
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
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
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
    /// This server's own metrics recorder (see [`super::metrics`]).
    pub metrics: Arc<Metrics>,
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
