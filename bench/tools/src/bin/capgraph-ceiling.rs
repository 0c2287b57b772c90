//! `capgraph-ceiling`: the HTTP ceiling for the benchmarks. A bare axum server whose
//! `POST /graphql` reads the request body and answers a fixed file's bytes as
//! `application/json`, with no GraphQL work at all: the most any GraphQL server on this machine
//! could reach for a response of that size. `bench/run` serves each canonical query's real
//! answer with it and reports capgraph's throughput as a fraction of this one.
//!
//! ```sh
//! capgraph-ceiling --listen 127.0.0.1:0 response.json
//! ```
//! prints `capgraph-ceiling listening on http://ADDR` on stdout once it accepts connections, and
//! stops on SIGINT or SIGTERM.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use axum::{body::Bytes, http::header, routing::post, Router};
use clap::Parser;

/// Serve a fixed response body at POST /graphql (the benchmarks' HTTP ceiling).
#[derive(Debug, Parser)]
#[command(name = "capgraph-ceiling", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The response body to serve.
    body: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body = Bytes::from(std::fs::read(&args.body).with_context(|| format!("cannot read {}", args.body.display()))?);
    let app = Router::new().route(
        "/graphql",
        post(move |_request: Bytes| {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let shutdown = capgraph::shutdown_signal();
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("capgraph-ceiling listening on http://{}", listener.local_addr()?);
    let limits = capgraph::http::HttpLimits::default();
    let connections = capgraph::http::serve::Connections { header_read_timeout: limits.header_read_timeout, max: limits.max_connections };
    capgraph::http::serve::serve_router(listener, app, connections, shutdown).await?;
    Ok(())
}
