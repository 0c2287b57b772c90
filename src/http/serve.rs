//! The accept loop: hyper's HTTP/1 connection builder with hyper-util's Tokio glue, so that a
//! connection gets a header-read timeout (`axum::serve` sets none: a client that opens
//! connections and sends headers slowly, or never, would hold them forever), a lingering close
//! (see `linger`), and a graceful shutdown that lets in-flight requests finish.

use std::{future::Future, io, time::Duration};

use axum::{extract::Request, Router};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::{linger::Lingering, router, AppState};

/// Serves the application on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
    let connections = Connections { header_read_timeout: state.limits.header_read_timeout, max: state.limits.max_connections };
    serve_router(listener, router(state), connections, shutdown).await
}

/// How connections are held: how long one may take to send its headers, how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    pub header_read_timeout: Duration,
    pub max: usize,
}

/// Serves any router the same way (the bench's bare route uses it, so that it is measured on the
/// same connection handling as capgraph).
pub async fn serve_router(
    listener: TcpListener,
    app: Router,
    connections: Connections,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(connections.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(connections.max.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the limit, accepting waits: new connections queue in the listen backlog until one closes.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once instead of waiting for more bytes to fill a segment.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(move |request: Request<Incoming>| {
            app.clone().oneshot(request.map(axum::body::Body::new))
        }));
        // Closing lingers, so that a client still sending a refused body reads the answer.
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(Lingering::new(stream)), service));
        tokio::spawn(async move {
            let _open = permit;
            // A client that goes away or breaks the protocol ends its own connection only.
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Accepting can fail for reasons of the moment (out of file descriptors): wait a little rather
/// than spin or stop serving.
async fn accept_failed(err: &io::Error) {
    let per_connection = matches!(err.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset);
    if !per_connection {
        tracing::warn!(error = %err, "cannot accept a connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
