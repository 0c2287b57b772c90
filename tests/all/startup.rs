//! The real binary: fixture validation, store reuse and rebuild across restarts.

use crate::common;

use common::{binary, copy_fixtures, read_json, write_json, Binary};
use serde_json::{json, Value};

/// Breaks the fixtures in several independent ways; every one must be reported.
fn break_fixtures(dir: &std::path::Path) {
    let mut projects = read_json(dir, "projects.json");
    let list = projects.as_array_mut().unwrap();
    let mus = list.iter_mut().find(|p| p["code"] == "mus").unwrap();
    mus["participants"][2]["participant"] = json!("XYZ");
    mus["launched"] = json!("2018-13");
    let nfte = list.iter_mut().find(|p| p["code"] == "nfte").unwrap();
    nfte["status"] = json!("ALMOST_DONE");
    let dst = list.iter_mut().find(|p| p["code"] == "dst").unwrap();
    dst.as_object_mut().unwrap().remove("name");
    let copy = list.iter().find(|p| p["code"] == "c-socc").unwrap().clone();
    list.push(copy);
    write_json(dir, "projects.json", &projects);

    let mut nations = read_json(dir, "nations.json");
    let deu = nations.as_array_mut().unwrap().iter_mut().find(|n| n["code"] == "DEU").unwrap();
    deu["sources"] = json!([{ "source": "nato-mcc", "quote": "Germany invented this sentence", "fields": ["name"] }]);
    write_json(dir, "nations.json", &nations);
}

const EXPECTED_PROBLEMS: [&str; 6] = [
    r#"projects.json: project "mus": participants[2].participant: "XYZ" is not a known nation or organisation"#,
    r#"projects.json: project "mus": launched: "2018-13": there is no month 13"#,
    r#"projects.json: project "nfte": status: unknown variant `ALMOST_DONE`"#,
    r#"projects.json: project "dst": missing field `name`"#,
    r#"projects.json: project "c-socc": code: is a duplicate"#,
    r#"nations.json: nation "DEU": sources[0].quote: does not appear verbatim in source "nato-mcc""#,
];

fn assert_reports_every_problem(output: &str) {
    for expected in EXPECTED_PROBLEMS {
        assert!(output.contains(expected), "missing {expected:?} in:\n{output}");
    }
    // The malformed date is the cause: its quote's naming it is not a second problem.
    assert!(!output.contains(r#""launched" is not a field"#), "{output}");
}

#[test]
fn check_accepts_the_bundled_fixtures_with_a_summary() {
    let output = binary().args(["check", "--fixtures"]).arg(common::fixtures_dir()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let projects = read_json(&common::fixtures_dir(), "projects.json").as_array().unwrap().len();
    assert!(stdout.contains(&format!("{projects} projects")), "{stdout}");
}

#[test]
fn check_reports_every_problem_with_file_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    break_fixtures(dir.path());
    let output = binary().args(["check", "--fixtures"]).arg(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert_reports_every_problem(&String::from_utf8_lossy(&output.stderr));
}

#[test]
fn serve_refuses_to_start_on_invalid_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    break_fixtures(dir.path());
    let output = binary()
        .args(["serve", "--listen", "127.0.0.1:0", "--fixtures"])
        .arg(dir.path())
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).is_empty(), "it must not listen");
    assert_reports_every_problem(&String::from_utf8_lossy(&output.stderr));
}

async fn readyz(server: &Binary) -> Value {
    server.server.get("/readyz").await.json().await.unwrap()
}

#[tokio::test]
async fn unchanged_fixtures_reuse_the_store_and_changed_ones_rebuild_it() {
    let fixtures = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    copy_fixtures(fixtures.path());

    let first = Binary::serve(fixtures.path(), data.path());
    let ready = readyz(&first).await;
    assert_eq!(ready["store"]["reused"], false, "a new data directory is built");
    assert!(first.stop().success(), "SIGTERM shuts down cleanly");

    let second = Binary::serve(fixtures.path(), data.path());
    let again = readyz(&second).await;
    assert_eq!(again["store"]["reused"], true, "unchanged fixtures reuse the store");
    assert_eq!(again["store"]["digest"], ready["store"]["digest"]);
    second.stop();

    let mut projects = read_json(fixtures.path(), "projects.json");
    projects.as_array_mut().unwrap().iter_mut().find(|p| p["code"] == "nfte").unwrap()["name"] =
        json!("NATO Flight Training Europe (renamed)");
    write_json(fixtures.path(), "projects.json", &projects);

    let third = Binary::serve(fixtures.path(), data.path());
    let rebuilt = readyz(&third).await;
    assert_eq!(rebuilt["store"]["reused"], false, "changed fixtures rebuild the store");
    assert_ne!(rebuilt["store"]["digest"], ready["store"]["digest"]);
    let data_now = third.server.data(r#"{ project(code: "nfte") { name } }"#, json!({})).await;
    assert_eq!(data_now["project"]["name"], "NATO Flight Training Europe (renamed)");
    third.stop();

    let stores: Vec<_> =
        std::fs::read_dir(data.path()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with("store-")).collect();
    assert_eq!(stores.len(), 1, "the old store is removed after the switch");
}

#[tokio::test]
async fn a_half_built_store_left_by_a_crash_is_never_used() {
    let fixtures = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    copy_fixtures(fixtures.path());
    // What a crash mid-rebuild leaves behind: a building directory with no meta record.
    std::fs::create_dir_all(data.path().join("building-99999")).unwrap();
    std::fs::write(data.path().join("building-99999/junk"), b"half written").unwrap();
    let server = Binary::serve(fixtures.path(), data.path());
    let answer = server.server.data(r#"{ project(code: "c-socc") { acronym } }"#, json!({})).await;
    assert_eq!(answer["project"]["acronym"], "C-SOCC");
    server.stop();
    assert!(!data.path().join("building-99999").exists(), "leftovers are cleaned up");
}

#[test]
fn a_second_server_on_the_same_data_directory_fails_clearly() {
    let data = tempfile::tempdir().unwrap();
    let first = Binary::serve(&common::fixtures_dir(), data.path());
    let output = binary()
        .args(["serve", "--listen", "127.0.0.1:0", "--fixtures"])
        .arg(common::fixtures_dir())
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("in use by another capgraph process"), "{stderr}");
    drop(first);
}

#[test]
fn schema_command_prints_the_committed_sdl() {
    let output = binary().arg("schema").output().unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(common::repo().join("schema/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn sigterm_as_soon_as_it_listens_shuts_down_cleanly() {
    // The signal handlers are installed before the listening line is printed: a signal sent the
    // moment a supervisor sees that line must not meet the default action, which kills. Several
    // servers at once, each signalled without delay, so that a late handler shows.
    let fixtures = tempfile::tempdir().unwrap();
    copy_fixtures(fixtures.path());
    let rounds: Vec<_> = (0..12)
        .map(|_| {
            let fixtures = fixtures.path().to_owned();
            std::thread::spawn(move || {
                let data = tempfile::tempdir().unwrap();
                let mut server = Binary::serve(&fixtures, data.path());
                // SAFETY: kill(2) on the child's pid, which this test owns and has not reaped.
                unsafe { libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM) };
                server.child.wait().unwrap()
            })
        })
        .collect();
    for (round, handle) in rounds.into_iter().enumerate() {
        let status = handle.join().unwrap();
        assert!(status.success(), "server {round}: exit {status:?}");
    }
}

/// `capgraph check` on `dir`: its exit success and what it printed on stderr.
fn check(dir: &std::path::Path) -> (bool, String) {
    let output = binary().args(["check", "--fixtures"]).arg(dir).output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_syntax_error_is_reported_once_not_echoed_by_every_reference_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let path = dir.path().join("organisations.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"code\": \"NSPA\",", "\"code\": \"NSPA\"", 1)).unwrap();
    let (ok, stderr) = check(dir.path());
    assert!(!ok);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(problems.len(), 1, "{stderr}");
    assert!(problems[0].contains("organisations.json: is not valid JSON"), "{stderr}");
    assert!(!stderr.contains("not a known organisation"), "{stderr}");
}

#[test]
fn a_file_that_is_not_a_list_of_records_says_so_and_the_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let places = read_json(dir.path(), "places.json");
    std::fs::write(dir.path().join("places.json"), serde_json::to_vec(&json!({ "places": places })).unwrap()).unwrap();
    let mut events = read_json(dir.path(), "events.json");
    events[0]["date"] = json!("2024-13-01");
    write_json(dir.path(), "events.json", &events);
    let (ok, stderr) = check(dir.path());
    assert!(!ok);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(problems.len(), 2, "{stderr}");
    assert!(problems.iter().any(|p| p.ends_with("places.json: must be a JSON array of records")), "{stderr}");
    assert!(problems.iter().any(|p| p.contains("events.json") && p.contains("date")), "{stderr}");
}

#[test]
fn a_bad_date_says_what_is_wrong_and_an_unknown_code_suggests_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let mut projects = read_json(dir.path(), "projects.json");
    projects[0]["launched"] = json!("2024-13-01");
    projects[1]["launched"] = json!("2023-02-30");
    projects[2]["participants"][0]["participant"] = json!("FRAA");
    projects[3]["participants"][0]["participant"] = json!("dnk");
    write_json(dir.path(), "projects.json", &projects);
    let (ok, stderr) = check(dir.path());
    assert!(!ok);
    assert!(stderr.contains(r#""2024-13-01": there is no month 13 (months are 01 to 12)"#), "{stderr}");
    assert!(stderr.contains(r#""2023-02-30": February 2023 has no day 30 (it has 28 days)"#), "{stderr}");
    assert!(stderr.contains(r#""FRAA" is not a known nation or organisation; did you mean "FRA"?"#), "{stderr}");
    assert!(stderr.contains(r#""dnk" is not a known nation or organisation; did you mean "DNK"?"#), "{stderr}");
}
