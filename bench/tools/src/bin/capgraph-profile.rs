//! Answers one query again and again in-process (no HTTP, no response cache) and prints the time
//! per answer: the engine alone, for `perf record` and for comparing changes to it.
//!
//!     cargo run --release --bin capgraph-profile -- bench/queries/whole_graph.graphql 500 [fixtures]
//!
//! The store is built in a temporary directory, or kept in `CAPGRAPH_DATA_DIR` when it is set.

use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let query_path = args.next().unwrap_or_else(|| "bench/queries/whole_graph.graphql".into());
    let runs: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(500);
    let fixtures = args.next().unwrap_or_else(|| "fixtures".into());
    let query = std::fs::read_to_string(&query_path)?;
    let variables_path = std::path::Path::new(&query_path).with_extension("variables.json");
    let variables = match std::fs::read_to_string(variables_path) {
        Ok(json) => async_graphql::Variables::from_json(serde_json::from_str(&json)?),
        Err(_) => async_graphql::Variables::default(),
    };
    let kept = std::env::var_os("CAPGRAPH_DATA_DIR").map(std::path::PathBuf::from);
    let data = match &kept {
        Some(dir) => dir.clone(),
        None => tempfile_dir()?,
    };
    let serve =
        capgraph::config::ServeArgs { data_dir: data.clone(), response_cache_mb: 0, max_complexity: 100_000_000, ..Default::default() };
    let state = capgraph::open(&serve, fixtures.into())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let live = state.live().expect("open serves the store");
    runtime.block_on(async {
        let engine = &live.engine;
        let answer = |_| async {
            let prepared = engine.prepare(&query, None, variables.clone()).await;
            engine.run(vec![prepared], None).await.remove(0).json.len()
        };
        let prepared = engine.prepare(&query, None, variables.clone()).await;
        let first = engine.run(vec![prepared], None).await.remove(0).json;
        if first.starts_with(b"{\"errors\"") {
            eprintln!("the answer has errors: {}", String::from_utf8_lossy(&first));
        }
        for i in 0..20 {
            answer(i).await;
        }
        let started = Instant::now();
        let mut bytes = 0;
        for i in 0..runs {
            bytes = answer(i).await;
        }
        let each = started.elapsed().as_secs_f64() * 1000.0 / runs.max(1) as f64;
        println!("{query_path}: {runs} answers of {bytes} bytes, {each:.3} ms each");
    });
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(data);
    }
    Ok(())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("capgraph-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
