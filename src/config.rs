//! Command line and environment: every flag has a `CAPGRAPH_*` environment fallback.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{builder::BoolishValueParser, Args, Parser, Subcommand, ValueEnum};

use crate::{engine::QueryLimits, http::HttpLimits, schema::PageLimits, store::StoreConfig};

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
#[expect(clippy::large_enum_variant, reason = "parsed once at startup; boxing would only add noise")]
pub enum Command {
    /// Serve the GraphQL API (the default when no command is given).
    Serve(ServeArgs),
    /// Validate the fixtures and report every problem; exit non-zero if there is any.
    Check,
    /// Print the GraphQL schema (SDL).
    Schema {
        /// Print the Apollo Federation v2 subgraph SDL instead (`@link`, `@key` on every record
        /// type), as `_service { sdl }` answers it: what a supergraph is composed from.
        #[arg(long)]
        subgraph: bool,
    },
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
    /// Memory for cached responses in MiB (0 turns the response cache off).
    #[arg(long, env = "CAPGRAPH_RESPONSE_CACHE_MB", default_value_t = 64)]
    pub response_cache_mb: u64,
    /// Distinct query texts kept parsed and checked (each at most --max-query-chars long).
    #[arg(long, env = "CAPGRAPH_PARSED_DOCUMENTS", default_value_t = 1000)]
    pub parsed_documents: usize,
    /// GraphQL requests executed at once; others wait their turn (0: twice the CPU cores).
    #[arg(long, env = "CAPGRAPH_MAX_CONCURRENT_REQUESTS", default_value_t = 0)]
    pub max_concurrent_requests: usize,
    /// sled page cache size in MiB.
    #[arg(long, env = "CAPGRAPH_CACHE_MB", default_value_t = 64)]
    pub cache_mb: u64,
    /// Memory for records kept decoded between requests, in MiB (0: decode every request's).
    #[arg(long, env = "CAPGRAPH_RECORD_CACHE_MB", default_value_t = 16)]
    pub record_cache_mb: u64,
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
    /// Per-request time limit in milliseconds (HTTP 503 beyond).
    #[arg(long, env = "CAPGRAPH_REQUEST_TIMEOUT_MS", default_value_t = HttpLimits::default().timeout.as_millis() as u64)]
    pub request_timeout_ms: u64,
    /// Longest wait in milliseconds for a request's headers on an open connection (then the
    /// connection is closed): slow or idle clients cannot hold connections.
    #[arg(long, env = "CAPGRAPH_HEADER_READ_TIMEOUT_MS", default_value_t = HttpLimits::default().header_read_timeout.as_millis() as u64)]
    pub header_read_timeout_ms: u64,
    /// Most connections open at once: beyond it, new connections wait in the listen backlog until
    /// one closes, so that idle or slow clients cannot take every socket.
    #[arg(long, env = "CAPGRAPH_MAX_CONNECTIONS", default_value_t = HttpLimits::default().max_connections, value_parser = clap::value_parser!(usize))]
    pub max_connections: usize,
    /// Most aliases (`a: field`) in one query document.
    #[arg(long, env = "CAPGRAPH_MAX_ALIASES", default_value_t = QueryLimits::default().aliases)]
    pub max_aliases: usize,
    /// Most fields at the root of one operation.
    #[arg(long, env = "CAPGRAPH_MAX_ROOT_FIELDS", default_value_t = QueryLimits::default().root_fields)]
    pub max_root_fields: usize,
    /// Most directives on one field.
    #[arg(long, env = "CAPGRAPH_MAX_DIRECTIVES", default_value_t = QueryLimits::default().directives)]
    pub max_directives: usize,
    /// Longest query text, in characters.
    #[arg(long, env = "CAPGRAPH_MAX_QUERY_CHARS", default_value_t = QueryLimits::default().query_chars)]
    pub max_query_chars: usize,
    /// Most tokens (names, punctuation, values) in the query text.
    #[arg(long, env = "CAPGRAPH_MAX_TOKENS", default_value_t = QueryLimits::default().tokens)]
    pub max_tokens: usize,
    /// Size assumed, for complexity, of a list without a page size (`participants`, `nodes(ids:)` counts its ids).
    #[arg(long, env = "CAPGRAPH_ASSUMED_LIST_SIZE", default_value_t = QueryLimits::default().list_size)]
    pub assumed_list_size: usize,
    /// Refuse introspection (`__schema`, `__type`); GraphiQL then cannot load the schema.
    #[arg(long, env = "CAPGRAPH_DISABLE_INTROSPECTION", value_parser = BoolishValueParser::new())]
    pub disable_introspection: bool,
    /// Never suggest names ("did you mean …") in error messages. By default suggestions follow
    /// introspection: with introspection off they would give the schema away name by name.
    #[arg(long, env = "CAPGRAPH_DISABLE_SUGGESTIONS", value_parser = BoolishValueParser::new())]
    pub disable_suggestions: bool,
    /// Suggest names even with introspection off (`--disable-suggestions` still wins).
    #[arg(long, env = "CAPGRAPH_ENABLE_SUGGESTIONS", value_parser = BoolishValueParser::new())]
    pub enable_suggestions: bool,
    /// Origins allowed to call the API from a browser (CORS), comma-separated, or `*`; none by default.
    #[arg(long, env = "CAPGRAPH_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,
    /// `Cache-Control` of successful `GET /graphql` answers (empty: none); POST answers and errors get `no-store`.
    #[arg(long, env = "CAPGRAPH_CACHE_CONTROL", default_value = HttpLimits::DEFAULT_CACHE_CONTROL, value_parser = parse_cache_control)]
    pub cache_control: String,
    /// Memory for Automatic Persisted Queries in MiB (0 turns them off).
    #[arg(long, env = "CAPGRAPH_PERSISTED_QUERIES_MB", default_value_t = HttpLimits::default().persisted_query_bytes / (1024 * 1024))]
    pub persisted_queries_mb: u64,
}

/// A `Cache-Control` value: printable ASCII (a header value), or empty for none.
fn parse_cache_control(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.bytes().all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a Cache-Control value like `public, max-age=60`"))
    }
}

/// An origin for CORS: `*`, or `scheme://host[:port]` with no path.
fn parse_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text == "*" {
        return Ok(text.to_owned());
    }
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') && text.bytes().all(|b| b.is_ascii_graphic()) => Ok(text.to_owned()),
        _ => Err(format!("{text:?} is not an origin like https://example.org or http://localhost:3000 (or *)")),
    }
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
        StoreConfig {
            data_dir: self.data_dir.clone(),
            fixtures_dir: fixtures,
            cache_bytes: self.cache_mb * 1024 * 1024,
            record_cache_bytes: self.record_cache_mb * 1024 * 1024,
        }
    }

    /// `--max-concurrent-requests`, with 0 meaning twice the CPU cores.
    pub fn concurrent_requests(&self) -> usize {
        match self.max_concurrent_requests {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            n => n,
        }
    }

    pub fn query_limits(&self) -> QueryLimits {
        QueryLimits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            aliases: self.max_aliases,
            root_fields: self.max_root_fields,
            directives: self.max_directives,
            query_chars: self.max_query_chars,
            tokens: self.max_tokens,
            list_size: self.assumed_list_size,
            page: PageLimits { default: self.default_page_size, max: self.max_page_size },
            introspection: !self.disable_introspection,
            suggestions: !self.disable_suggestions && (self.enable_suggestions || !self.disable_introspection),
        }
    }

    pub fn http_limits(&self) -> HttpLimits {
        HttpLimits {
            body_bytes: self.max_body_bytes,
            batch: self.max_batch,
            timeout: Duration::from_millis(self.request_timeout_ms),
            header_read_timeout: Duration::from_millis(self.header_read_timeout_ms),
            max_connections: self.max_connections.max(1),
            cors_origins: self.cors_origins.clone(),
            cache_control: self.cache_control.clone(),
            persisted_query_bytes: self.persisted_queries_mb * 1024 * 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn limits_parse_from_flags() {
        use clap::Parser;
        let cli = super::Cli::parse_from([
            "capgraph",
            "serve",
            "--max-aliases",
            "3",
            "--disable-introspection",
            "--cors-origins",
            "https://a.example,http://localhost:3000",
        ]);
        let Some(super::Command::Serve(args)) = cli.command else { panic!("serve expected") };
        assert_eq!(args.query_limits().aliases, 3);
        assert!(!args.query_limits().introspection);
        assert!(!args.query_limits().suggestions, "suggestions follow introspection");
        let suggests = |flags: &[&str]| {
            let cli = super::Cli::parse_from(["capgraph", "serve"].iter().chain(flags));
            let Some(super::Command::Serve(args)) = cli.command else { panic!("serve expected") };
            args.query_limits().suggestions
        };
        assert!(suggests(&["--disable-introspection", "--enable-suggestions"]), "unless set on their own");
        assert!(!suggests(&["--enable-suggestions", "--disable-suggestions"]), "disabling wins");
        assert_eq!(args.http_limits().cors_origins, ["https://a.example", "http://localhost:3000"]);
        assert!(super::Cli::try_parse_from(["capgraph", "serve", "--cors-origins", "example.org/x"]).is_err());
        assert_eq!(args.http_limits().cache_control, "public, max-age=60");
        let cli = super::Cli::parse_from(["capgraph", "serve", "--cache-control", "no-cache", "--persisted-queries-mb", "0"]);
        let Some(super::Command::Serve(args)) = cli.command else { panic!("serve expected") };
        assert_eq!(args.http_limits().cache_control, "no-cache");
        assert_eq!(args.http_limits().persisted_query_bytes, 0);
        assert!(super::Cli::try_parse_from(["capgraph", "serve", "--cache-control", "max-age=1\u{7}"]).is_err());
    }
}
