//! The `capgraph` binary: parse flags, set up logging, then serve, check or print the schema.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use capgraph::config::{Cli, Command, LogFormat, ServeArgs};

/// Profiles of uncached nested queries spent much of their time in glibc's allocator (bench/README.md,
/// "Profiles"); mimalloc serves this many small, short-lived allocations faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Logs go to stderr through a thread of their own: a request formats its line and queues it, and
/// the writer thread writes whatever has queued in one call. Nothing is dropped (a full queue makes
/// the logging thread wait); the returned guard writes what is left when it is dropped.
fn init_logging(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("capgraph=info"));
    // Colours only on a terminal: logs piped to a file or a collector stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = NonBlockingBuilder::default().lossy(false).finish(std::io::BufWriter::new(std::io::stderr()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        // One JSON object per line, the event's fields at the top level beside `message`.
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    guard
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let logging = init_logging(cli.log_format);
    let result = match cli.command {
        Some(Command::Schema { subgraph: false }) => {
            print!("{}", capgraph::schema::sdl());
            Ok(())
        }
        Some(Command::Schema { subgraph: true }) => {
            print!("{}", capgraph::schema::subgraph_sdl());
            Ok(())
        }
        Some(Command::Check) => check(&cli.fixtures),
        Some(Command::Serve(args)) => serve(args, cli.fixtures),
        None => serve(ServeArgs::default(), cli.fixtures),
    };
    // Every log line is out before the final error, if any.
    drop(logging);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn check(fixtures: &std::path::Path) -> anyhow::Result<()> {
    let loaded = capgraph::fixtures::load(fixtures)?;
    println!("{}: fixtures are valid: {}", fixtures.display(), loaded.dataset.summary());
    Ok(())
}

#[tokio::main]
async fn serve(args: ServeArgs, fixtures: std::path::PathBuf) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // Every handler is installed before the port opens: a signal that comes as soon as probes
    // answer must not meet the default action, which ends the process.
    let shutdown = shutdown_signal();
    let hangups = capgraph::reload::hangups();
    let data_dir = capgraph::store::DataDir::lock(&args.data_dir).context("cannot open the store")?;
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let progress = std::sync::Arc::new(capgraph::store::Progress::default());
    let state = capgraph::starting(&args, progress.clone());
    tracing::info!(%addr, "listening: /healthz answers now, /readyz and GraphQL once the store is open");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(capgraph::serve(listener, state.clone(), wait_for(stopped.clone())));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });

    let opening = capgraph::reload::open_with_progress(&args, &fixtures, &data_dir, &progress);
    let live = tokio::select! {
        live = opening => live.context("cannot open the store")?,
        () = wait_for(stopped.clone()) => {
            server.await??;
            return Ok(());
        }
    };
    let info = live.store.info().clone();
    let counts = live.store.counts().context("cannot count the stored records")?;
    state.switch(live);
    progress.done();
    let records: usize = counts.values().sum();
    let counts = counts.iter().map(|(name, n)| format!("{n} {name}")).collect::<Vec<_>>().join(", ");
    let store = if info.reused { "reused" } else { "rebuilt" };
    let how = if info.reused { "reused (fixtures unchanged)" } else { "rebuilt from the fixtures" };
    tracing::info!(
        store = %store,
        reused = info.reused,
        millis = info.open_millis as u64,
        records,
        %counts,
        digest = %info.digest,
        format = %info.format,
        fixtures = %fixtures.display(),
        path = %info.path.display(),
        "store {how} in {} ms: {records} records",
        info.open_millis
    );
    let millis = started.elapsed().as_millis() as u64;
    tracing::info!(%addr, millis, "ready in {millis} ms: GraphQL at http://{addr}/graphql, GraphiQL at http://{addr}/, metrics at http://{addr}/metrics");
    // A machine-readable line on stdout, once GraphQL answers: tests and scripts wait for it.
    println!("capgraph listening on http://{addr}");
    tokio::spawn(capgraph::reload::on_hangup(hangups, state, args, fixtures, data_dir));
    server.await??;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Completes once `stopped` says so.
async fn wait_for(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// The shutdown cue, its handlers installed now (see [`capgraph::shutdown_signal`]).
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    let signal = capgraph::shutdown_signal();
    async move {
        signal.await;
        tracing::info!("shutdown signal received; finishing in-flight requests");
    }
}
