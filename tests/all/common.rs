//! Test harness: the real server on a free loopback port, and helpers to query it.
//!
//! `shared()` serves the bundled fixtures in-process (one server per test binary, on its own
//! runtime thread, with a temporary data directory). `Binary` runs the real `capgraph` executable
//! for tests about startup, restarts and bad fixtures.

#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use serde_json::{json, Value};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures_dir() -> PathBuf {
    repo().join("fixtures")
}

/// A running server's base URL, e.g. `http://127.0.0.1:41234`.
#[derive(Clone)]
pub struct Server {
    pub base: String,
}

/// The bundled fixtures served in-process, started once per test binary.
pub fn shared() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(capgraph::config::ServeArgs::default()))
}

/// A server of its own (its own store and metrics), for tests that must not see other tests'
/// traffic. `args.data_dir` is replaced by a fresh temporary directory.
pub fn start(args: capgraph::config::ServeArgs) -> Server {
    start_on(args, fixtures_dir())
}

/// Like [`start`], on the fixtures in `fixtures`.
pub fn start_on(args: capgraph::config::ServeArgs, fixtures: PathBuf) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            // The data directory lives as long as the process: the server never stops.
            let data = tempfile::tempdir().unwrap().keep();
            let args = capgraph::config::ServeArgs { data_dir: data, ..args };
            let state = capgraph::open(&args, fixtures).expect("the fixtures open");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
            capgraph::serve(listener, state, std::future::pending()).await.unwrap();
        });
    });
    Server { base: rx.recv_timeout(Duration::from_secs(60)).expect("server starts") }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a query and returns the whole JSON response (`data` and `errors`).
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        let response = client().post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables })).send().await.unwrap();
        response.json().await.unwrap()
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        client().get(self.url(path)).send().await.unwrap()
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Codes of the first error's `extensions.code`.
pub fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

/// The real `capgraph` executable, killed when dropped.
pub struct Binary {
    pub child: Child,
    pub server: Server,
}

pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capgraph"));
    command.env_remove("RUST_LOG").env("CAPGRAPH_LOG_FORMAT", "text");
    command
}

impl Binary {
    /// Starts `capgraph serve` on a free port and waits until it listens.
    pub fn serve(fixtures: &Path, data_dir: &Path) -> Binary {
        let (child, server) = spawn_serve(binary(), fixtures, data_dir, Stdio::null());
        Binary { child, server }
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the bundled fixtures into `dir` so a test can change them.
pub fn copy_fixtures(dir: &Path) {
    copy_dir(&fixtures_dir(), dir);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Reads a fixture file of `dir` as JSON.
pub fn read_json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

pub fn write_json(dir: &Path, name: &str, value: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// One High Visibility Project as the capability-cooperation page lists it.
#[derive(Debug, Clone)]
pub struct HvpInText {
    /// The catalogue title: "Composite Special Operations Component Command (C-SOCC)".
    pub title: String,
    /// The name without the acronym.
    pub name: String,
    /// Names on its "Participants:" line, without "the " and "NATO partner ".
    pub participants: Vec<String>,
    /// Names introduced by "NATO partner".
    pub partners: Vec<String>,
    /// Names after ", supported by".
    pub supporters: Vec<String>,
}

/// Parses the 29 HVPs and their participants straight from the source text, independently of
/// the fixtures, so that tests compare the API with the text itself.
pub fn hvps_in_source_text() -> Vec<HvpInText> {
    let text = std::fs::read_to_string(fixtures_dir().join("texts/001_cab77a58b4532454.txt")).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| *l == "High Visibility Projects").unwrap();
    let end = lines.iter().position(|l| l.starts_with("In addition, countries continue")).unwrap();
    let titles: Vec<String> = lines[start..end]
        .iter()
        .filter_map(|l| {
            l.split_once(". ").filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()).map(|(_, t)| t.to_owned())
        })
        .collect();
    titles
        .into_iter()
        .map(|title| {
            let heading = end + lines[end..].iter().position(|l| *l == title).unwrap_or_else(|| panic!("no section for {title}"));
            let line = lines[heading..].iter().find(|l| l.starts_with("Participants:")).unwrap();
            // The page has non-breaking spaces in places: fold every whitespace run to one space.
            let line = line.trim_start_matches("Participants:").split_whitespace().collect::<Vec<_>>().join(" ");
            // "..., the NATO Support and Procurement Agency (NSPA). With 26 participating countries, ..."
            let line = line.split(". ").next().unwrap().trim_end_matches('.');
            let (line, supported) = match line.split_once(", supported by ") {
                Some((named, by)) => (named, Some(by)),
                None => (line, None),
            };
            let clean = |name: &str| -> String {
                let name = name.trim().trim_start_matches("the ");
                let name = name.split(" (").next().unwrap();
                name.trim_start_matches("NATO partner ").trim().to_owned()
            };
            let mut names: Vec<&str> = line.split(", ").collect();
            let last = names.pop().unwrap();
            // Only the first " and " separates names: "the NATO Support and Procurement Agency".
            match last.split_once(" and ") {
                Some((a, b)) => names.extend([a, b]),
                None => names.push(last),
            }
            let partners = names.iter().filter(|n| n.trim().starts_with("NATO partner ")).map(|n| clean(n)).collect();
            let supporters: Vec<String> = supported.map(|s| clean(s.split(" under ").next().unwrap())).into_iter().collect();
            let name = title.rsplit_once(" (").map_or(title.clone(), |(name, _)| name.to_owned());
            HvpInText { name, participants: names.into_iter().map(clean).collect(), partners, supporters, title }
        })
        .collect()
}

/// The real `capgraph serve` with its logs (stderr) captured in `log_format` (`text` or `json`);
/// `stop` returns them. Killed when dropped.
pub struct LoggedBinary {
    pub child: Child,
    pub server: Server,
    logs: Option<std::thread::JoinHandle<String>>,
}

pub fn serve_logged(fixtures: &Path, data_dir: &Path, log_format: &str) -> LoggedBinary {
    let mut command = binary();
    command.env("CAPGRAPH_LOG_FORMAT", log_format);
    let (mut child, server) = spawn_serve(command, fixtures, data_dir, Stdio::piped());
    // Read the logs as they come, so that a full pipe never blocks the server.
    let stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut logs = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut logs);
        logs
    });
    LoggedBinary { child, server, logs: Some(logs) }
}

/// Spawns `command serve` on a free port with `stderr` as asked, and waits until it listens.
fn spawn_serve(mut command: Command, fixtures: &Path, data_dir: &Path, stderr: Stdio) -> (Child, Server) {
    let mut child = command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--fixtures")
        .arg(fixtures)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("capgraph listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_owned();
    (child, Server { base })
}

impl LoggedBinary {
    /// Sends SIGTERM, waits for the exit, and returns the exit status and everything logged.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        let logs = self.logs.take().unwrap().join().unwrap();
        (status, logs)
    }
}

impl Drop for LoggedBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `command` to completion, killing it after `limit`.
pub fn run_bounded(mut command: Command, limit: Duration) -> Output {
    let description = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e} (Node.js and npm are needed: .ci/run installs them)"));
    let started = Instant::now();
    // The outputs are small (a few KB), so waiting before reading them cannot block on a full pipe.
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "{description} took longer than {limit:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// The pinned version of an npm `package` (from `dir/package.json`), and the installed one, if any.
pub fn npm_versions(dir: &Path, package: &str) -> (String, Option<String>) {
    let read = |path: PathBuf| -> Option<Value> { serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok() };
    let manifest = read(dir.join("package.json")).unwrap_or_else(|| panic!("{}/package.json", dir.display()));
    let pinned = manifest["dependencies"][package].as_str().unwrap_or_else(|| panic!("{package} is pinned")).to_owned();
    let installed =
        read(dir.join("node_modules").join(package).join("package.json")).and_then(|m| m["version"].as_str().map(str::to_owned));
    (pinned, installed)
}

/// `npm ci --ignore-scripts` in `dir` (within five minutes) unless the pinned versions of
/// `packages` are installed already, so that a developer without registry access can run the
/// test once `node_modules` is there.
pub fn npm_ci(dir: &Path, packages: &[&str]) {
    let current = |package: &&str| {
        let (pinned, installed) = npm_versions(dir, package);
        installed.as_deref() == Some(pinned.as_str())
    };
    if packages.iter().all(current) {
        return;
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]).current_dir(dir);
    let output = run_bounded(npm, Duration::from_secs(300));
    assert!(
        output.status.success(),
        "npm ci failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for package in packages {
        assert!(current(package), "{package} after npm ci: {:?}", npm_versions(dir, package));
    }
}
