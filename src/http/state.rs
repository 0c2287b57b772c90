//! What every handler shares: the data being served (store, engine, caching basis), swapped
//! whole on a reload; the HTTP limits, the SDL and the metrics.

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use super::{caching::Caching, metrics::Metrics};
use crate::{
    engine::Engine,
    store::{Progress, Store},
};

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
    /// The data served; `None` while the first store builds.
    live: RwLock<Option<Arc<Live>>>,
    /// Where the store being opened is (the first one, or a reload's).
    progress: RwLock<Arc<Progress>>,
    pub limits: HttpLimits,
    /// The SDL, rendered once.
    pub sdl: Arc<str>,
    /// This server's own metrics recorder (see [`super::metrics`]).
    pub metrics: Arc<Metrics>,
}

/// One version of the data: a request takes it whole when it starts and keeps it to the end, so
/// a reload never mixes two versions in one answer.
pub struct Live {
    pub store: Arc<Store>,
    pub engine: Arc<Engine>,
    /// ETags: the version, the store's format and digest, the SDL ([`super::caching`]).
    pub caching: Caching,
}

impl Live {
    pub fn new(engine: Arc<Engine>, sdl: &str, cache_control: &str) -> Live {
        let store = engine.store().clone();
        let info = store.info();
        let caching = Caching::new(&info.digest, &info.format, sdl, cache_control);
        Live { store, engine, caching }
    }
}

/// Seconds a client is asked to wait (`Retry-After`) while the first store builds.
pub const RETRY_AFTER_SECONDS: &str = "2";

impl AppState {
    /// State that serves nothing yet: probes answer, GraphQL waits for [`AppState::switch`].
    pub fn starting(limits: HttpLimits, sdl: Arc<str>, progress: Arc<Progress>) -> AppState {
        let shared = Shared { live: RwLock::new(None), progress: RwLock::new(progress), limits, sdl, metrics: Arc::new(Metrics::new()) };
        AppState(Arc::new(shared))
    }

    /// The data served now, if any.
    pub fn live(&self) -> Option<Arc<Live>> {
        self.live.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves `live` from now on; requests under way finish on what they took. Returns the data
    /// it replaces.
    pub fn switch(&self, live: Live) -> Option<Arc<Live>> {
        let mut current = self.live.write().unwrap_or_else(|e| e.into_inner());
        self.metrics.data_switched(&live.store, current.as_ref().map(|l| l.store.as_ref()));
        current.replace(Arc::new(live))
    }

    /// Where the store being opened is.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reports `progress` from now on: a reload's build, while the data before it serves.
    pub fn track(&self, progress: Arc<Progress>) {
        *self.progress.write().unwrap_or_else(|e| e.into_inner()) = progress;
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
