//! capgraph: a GraphQL API over NATO's multinational capability cooperation.
//!
//! Data flows one way: `fixtures → model → store ← schema ← engine ← http`.
//!
//! - [`model`]: plain records (projects, nations, …) and value types, serde only.
//! - [`fixtures`]: reads `fixtures/*.json` and reports every problem with file, record, field.
//! - [`store`]: the sled store's reads, its codec, indexes and search; its lifecycle (open, lock,
//!   atomic rebuild and reuse) apart.
//! - [`schema`]: every GraphQL type and field, defined once with its resolver; async-graphql's
//!   schema (SDL, validation, introspection) is built from the definitions.
//! - [`engine`]: the request pipeline: documents, plans, limits, the level-by-level executor
//!   and its JSON writer, the response cache.
//! - [`http`]: the accept loop and the axum router: `/graphql` (one file per step), GraphiQL,
//!   SDL, health, metrics.
//! - [`config`]: command-line flags with `CAPGRAPH_*` environment fallbacks.
//! - [`errors`]: every error code, the resolvers' typed errors, request-level GraphQL errors and
//!   HTTP refusals.
//!
//! `DEVELOPING.md` maps the modules, follows a request call by call, and has the recipes.

pub mod config;
pub mod engine;
pub mod errors;
pub mod fixtures;
pub mod http;
pub mod model;
pub mod reload;
pub mod schema;
pub mod store;

use std::{path::PathBuf, sync::Arc};

pub use http::{router, serve::serve, AppState, Live};

/// Opens (or rebuilds) the store for the fixtures and builds the application state, serving it.
pub fn open(args: &config::ServeArgs, fixtures: PathBuf) -> Result<AppState, store::StoreError> {
    let progress = Arc::new(store::Progress::default());
    let state = starting(args, progress.clone());
    let data_dir = store::DataDir::lock(&args.data_dir)?;
    state.switch(load(args, &fixtures, &data_dir, &progress)?);
    progress.done();
    Ok(state)
}

/// The application state before any store is open: probes answer, GraphQL gets 503.
pub fn starting(args: &config::ServeArgs, progress: Arc<store::Progress>) -> AppState {
    AppState::starting(args.http_limits(), schema::sdl().into(), progress)
}

/// Opens (or builds) the store for the fixtures in the locked data directory, and an engine
/// over it: one version of the data, ready to switch to.
pub fn load(
    args: &config::ServeArgs,
    fixtures: &std::path::Path,
    data_dir: &Arc<store::DataDir>,
    progress: &store::Progress,
) -> Result<Live, store::StoreError> {
    let store = Arc::new(store::Store::open_in(data_dir, &args.store(fixtures.to_owned()), progress)?);
    let engine = Arc::new(engine::Engine::new(
        store,
        engine::EngineConfig {
            limits: args.query_limits(),
            documents: args.parsed_documents,
            cache_bytes: args.response_cache_mb * 1024 * 1024,
            concurrency: args.concurrent_requests(),
        },
    ));
    Ok(Live::new(engine, &schema::sdl(), &args.http_limits().cache_control))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM: the cue for a graceful shutdown. The handlers are
/// installed when this is called, not when the future is first polled: a signal that arrives
/// as soon as the server says it listens must not meet the default action, which kills the
/// process. Call it inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let handlers = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            match handlers {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {},
                        _ = terminate.recv() => {},
                    }
                }
                // Without handlers the default actions still stop the process.
                _ => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
