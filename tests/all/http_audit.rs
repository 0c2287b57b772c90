//! The GraphQL-over-HTTP working group's audit suite (the npm package `graphql-http`, its
//! `serverAudits`) against the real server: no MUST and no SHOULD may fail.
//!
//! `tests/http-audit/` pins `graphql-http` and `graphql` exactly (`package-lock.json`, with
//! integrity hashes); this test runs `npm ci --ignore-scripts` there when `node_modules` is missing
//! or holds other versions (so it needs the npm registry once, like the GraphiQL build), then
//! `node audit.mjs URL`, and prints the audit's report. It needs Node.js 18 or later (for `fetch`);
//! `.ci/run` makes sure `node` and `npm` are there. It is never skipped.

use crate::common;

use std::{path::PathBuf, process::Command, time::Duration};

use serde_json::Value;

fn audit_dir() -> PathBuf {
    common::repo().join("tests/http-audit")
}

#[test]
fn graphql_over_http_audit_passes_with_no_must_or_should_failing() {
    let dir = audit_dir();
    common::npm_ci(&dir, &["graphql-http", "graphql"]);
    let url = common::shared().url("/graphql");
    let mut node = Command::new("node");
    node.arg("audit.mjs").arg(&url).current_dir(&dir);
    let output = common::run_bounded(node, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The whole report, for the test log.
    println!("graphql-http {} audit of {url}:\n{stdout}", common::npm_versions(&dir, "graphql-http").0);
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
