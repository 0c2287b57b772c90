//! The GraphQL-over-HTTP working group's audit suite (the npm package `graphql-http`, its
//! `serverAudits`) against the real server: no MUST and no SHOULD may fail.
//!
//! `tests/http-audit/` pins `graphql-http` and `graphql` exactly (`package-lock.json`, with
//! integrity hashes); this test runs `npm ci --ignore-scripts` there when `node_modules` is missing
//! or holds other versions (so it needs the npm registry once, like the GraphiQL build), then
//! `node audit.mjs URL`, and prints the audit's report. It needs Node.js 18 or later (for `fetch`);
//! `.ci/run` makes sure `node` and `npm` are there. It is never skipped.

use crate::common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

fn audit_dir() -> PathBuf {
    common::repo().join("tests/http-audit")
}

/// Runs `command` to completion, killing it after `limit`.
fn run(mut command: Command, limit: Duration) -> Output {
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

/// The pinned version of `package` (from `package.json`), and the installed one, if any.
fn versions(dir: &Path, package: &str) -> (String, Option<String>) {
    let read = |path: PathBuf| -> Option<Value> { serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok() };
    let manifest = read(dir.join("package.json")).expect("tests/http-audit/package.json");
    let pinned = manifest["dependencies"][package].as_str().unwrap_or_else(|| panic!("{package} is pinned")).to_owned();
    let installed =
        read(dir.join("node_modules").join(package).join("package.json")).and_then(|m| m["version"].as_str().map(str::to_owned));
    (pinned, installed)
}

/// `npm ci --ignore-scripts` unless the pinned versions are installed already (so that a
/// developer without registry access can run the test once `node_modules` is there).
fn install(dir: &Path) {
    let current = ["graphql-http", "graphql"].iter().all(|p| {
        let (pinned, installed) = versions(dir, p);
        installed.as_deref() == Some(pinned.as_str())
    });
    if current {
        return;
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]).current_dir(dir);
    let output = run(npm, Duration::from_secs(300));
    assert!(
        output.status.success(),
        "npm ci failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for package in ["graphql-http", "graphql"] {
        let (pinned, installed) = versions(dir, package);
        assert_eq!(installed.as_deref(), Some(pinned.as_str()), "{package} after npm ci");
    }
}

#[test]
fn graphql_over_http_audit_passes_with_no_must_or_should_failing() {
    let dir = audit_dir();
    install(&dir);
    let url = common::shared().url("/graphql");
    let mut node = Command::new("node");
    node.arg("audit.mjs").arg(&url).current_dir(&dir);
    let output = run(node, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The whole report, for the test log.
    println!("graphql-http {} audit of {url}:\n{stdout}", versions(&dir, "graphql-http").0);
    if !stderr.trim().is_empty() {
        eprintln!("{stderr}");
    }
    let summary = stdout
        .lines()
        .find_map(|line| line.strip_prefix("SUMMARY "))
        .unwrap_or_else(|| panic!("the audit printed no summary (exit {:?}):\n{stdout}\n{stderr}", output.status.code()));
    let summary: Value = serde_json::from_str(summary).unwrap();
    let count = |level: &str, what: &str| summary[level][what].as_u64().unwrap_or(0);
    for level in ["MUST", "SHOULD"] {
        assert_eq!(count(level, "fail"), 0, "{level} audits failed:\n{stdout}");
    }
    // Every MAY passes today too: one given up on purpose goes in the README's "Conformance"
    // section, and this line says which.
    assert_eq!(count("MAY", "fail"), 0, "MAY audits failed:\n{stdout}");
    // The suite really ran: graphql-http 1.23.1 has 13 MUST and 23 SHOULD audits.
    assert!(count("MUST", "ok") >= 13 && count("SHOULD", "ok") >= 23, "too few audits ran:\n{stdout}");
    assert!(output.status.success(), "audit.mjs exited with {:?}:\n{stdout}\n{stderr}", output.status.code());
}
