//! Command line and environment: every flag has a `CAPGRAPH_*` environment fallback.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::{
    graphql::{PageLimits, QueryLimits},
    http::HttpLimits,
    store::StoreConfig,
};

/// capgraph: a GraphQL API over NATO's multinational capability cooperation.
#[derive(Debug, Parser)]
#[command(name = "capgraph", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Where the fixtures (JSON files and source texts) are.
    #[arg(long, env = "CAPGRAPH_FIXTURES", default_value = "fixtures", global = true)]
    pub fixtures: PathBuf,
    /// Log format on stderr.
    #[arg(long, env = "CAPGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (the default when no command is given).
    Serve(ServeArgs),
    /// Validate the fixtures and report every problem; exit non-zero if there is any.
    Check,
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "CAPGRAPH_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// Directory holding the sled store (created if missing).
    #[arg(long, env = "CAPGRAPH_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// sled page cache size in MiB.
    #[arg(long, env = "CAPGRAPH_CACHE_MB", default_value_t = 64)]
    pub cache_mb: u64,
    /// Deepest selection nesting a query may have.
    #[arg(long, env = "CAPGRAPH_MAX_DEPTH", default_value_t = QueryLimits::default().depth)]
    pub max_depth: usize,
    /// Highest complexity (fields, with lists costed by page size) a query may have.
    #[arg(long, env = "CAPGRAPH_MAX_COMPLEXITY", default_value_t = QueryLimits::default().complexity)]
    pub max_complexity: usize,
    /// Page size when a list field gets no `first`/`last`.
    #[arg(long, env = "CAPGRAPH_DEFAULT_PAGE_SIZE", default_value_t = PageLimits::default().default)]
    pub default_page_size: usize,
    /// Largest `first`/`last` a list field accepts.
    #[arg(long, env = "CAPGRAPH_MAX_PAGE_SIZE", default_value_t = PageLimits::default().max)]
    pub max_page_size: usize,
    /// Most operations in one batched POST.
    #[arg(long, env = "CAPGRAPH_MAX_BATCH", default_value_t = HttpLimits::default().batch)]
    pub max_batch: usize,
    /// Largest request body in bytes (larger gets HTTP 413).
    #[arg(long, env = "CAPGRAPH_MAX_BODY_BYTES", default_value_t = HttpLimits::default().body_bytes)]
    pub max_body_bytes: usize,
    /// Per-request time limit in milliseconds.
    #[arg(long, env = "CAPGRAPH_REQUEST_TIMEOUT_MS", default_value_t = HttpLimits::default().timeout.as_millis() as u64)]
    pub request_timeout_ms: u64,
}

impl Default for ServeArgs {
    fn default() -> Self {
        // Parsing no arguments gives every default (and reads the environment like the binary).
        Cli::parse_from(["capgraph", "serve"])
            .command
            .and_then(|c| match c {
                Command::Serve(args) => Some(args),
                _ => None,
            })
            .expect("serve parses with defaults")
    }
}

impl ServeArgs {
    pub fn store(&self, fixtures: PathBuf) -> StoreConfig {
        StoreConfig { data_dir: self.data_dir.clone(), fixtures_dir: fixtures, cache_bytes: self.cache_mb * 1024 * 1024 }
    }

    pub fn query_limits(&self) -> QueryLimits {
        QueryLimits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            page: PageLimits { default: self.default_page_size, max: self.max_page_size },
        }
    }

    pub fn http_limits(&self) -> HttpLimits {
        HttpLimits { body_bytes: self.max_body_bytes, batch: self.max_batch, timeout: Duration::from_millis(self.request_timeout_ms) }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
