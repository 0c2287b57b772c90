//! The store survives crashes and hostile disks: SIGKILL mid-rebuild, a read-only or full data
//! directory, and a second server on the same directory.

use crate::common;

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::{binary, copy_fixtures, read_json, write_json, Binary};
use serde_json::{json, Value};

/// Makes the fixtures about ten times larger (copies of every project), so a rebuild takes long
/// enough to be interrupted, and renames one project so the new store is recognisable.
fn grow_and_rename(dir: &Path, name: &str) {
    let mut projects = read_json(dir, "projects.json");
    let list = projects.as_array_mut().unwrap();
    list.retain(|p| !p["code"].as_str().unwrap().contains("-copy-"));
    let originals = list.clone();
    for i in 0..10 {
        for project in &originals {
            let mut copy = project.clone();
            copy["code"] = json!(format!("{}-copy-{i}", project["code"].as_str().unwrap()));
            copy["related"] = json!([]);
            list.push(copy);
        }
    }
    list.iter_mut().find(|p| p["code"] == "nfte").unwrap()["name"] = json!(name);
    write_json(dir, "projects.json", &projects);
}

fn entries(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

async fn assert_complete(server: &Binary, fixtures: &Path, nfte_name: &str) {
    let ready: Value = server.server.get("/readyz").await.json().await.unwrap();
    let projects = read_json(fixtures, "projects.json").as_array().unwrap().len();
    assert_eq!(ready["counts"]["Project"], projects, "every project is in the store");
    let data = server
        .server
        .data(r#"{ project(code: "nfte") { name participants { participant { ... on Nation { code } } } } }"#, json!({}))
        .await;
    assert_eq!(data["project"]["name"], nfte_name);
    assert_eq!(data["project"]["participants"].as_array().unwrap().len(), 13, "NFTE's 13 participants");
}

#[tokio::test]
async fn sigkill_during_a_rebuild_never_leaves_a_broken_store() {
    let fixtures = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    copy_fixtures(fixtures.path());
    Binary::serve(fixtures.path(), data.path()).stop();

    for (round, offset_ms) in [0u64, 15, 40].into_iter().enumerate() {
        let name = format!("NATO Flight Training Europe (round {round})");
        grow_and_rename(fixtures.path(), &name);
        let mut child = binary()
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .arg("--fixtures")
            .arg(fixtures.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the new store is being written, then kill the process without warning.
        let deadline = Instant::now() + Duration::from_secs(60);
        while entries(data.path(), "building-").is_empty() {
            assert!(Instant::now() < deadline, "the rebuild never started");
            assert!(child.try_wait().unwrap().is_none(), "the server finished before it could be killed");
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(offset_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!entries(data.path(), "building-").is_empty() || round > 0, "killed mid-rebuild");

        let server = Binary::serve(fixtures.path(), data.path());
        assert_complete(&server, fixtures.path(), &name).await;
        server.stop();
        assert!(entries(data.path(), "building-").is_empty(), "the half-built store is gone");
        assert_eq!(entries(data.path(), "store-").len(), 1);
    }
}

/// Bytes of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| if e.file_type().unwrap().is_dir() { dir_bytes(&e.path()) } else { e.metadata().unwrap().len() })
        .sum()
}

fn serve_output(fixtures: &Path, data: &Path) -> std::process::Output {
    binary().args(["serve", "--listen", "127.0.0.1:0", "--fixtures"]).arg(fixtures).arg("--data-dir").arg(data).output().unwrap()
}

/// Mounts a small tmpfs at `at`; false where this machine does not allow it.
fn mount_tmpfs(at: &Path, options: &str) -> bool {
    Command::new("mount").args(["-t", "tmpfs", "-o", options, "tmpfs"]).arg(at).status().is_ok_and(|s| s.success())
}

fn unmount(at: &Path) {
    let _ = Command::new("umount").arg(at).status();
}

#[test]
fn a_read_only_data_directory_is_a_clear_startup_error() {
    let mount = tempfile::tempdir().unwrap();
    let data = if mount_tmpfs(mount.path(), "size=1m,ro") {
        mount.path().join("data")
    } else {
        // Without mount rights: sysfs is read-only for everyone.
        std::path::PathBuf::from("/sys/capgraph-data")
    };
    let output = serve_output(&common::fixtures_dir(), &data);
    unmount(mount.path());
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("data directory {}", data.display())), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).is_empty(), "it must not listen");
}

#[tokio::test]
async fn a_full_disk_during_a_rebuild_fails_clearly_and_keeps_the_old_store() {
    let fixtures = tempfile::tempdir().unwrap();
    copy_fixtures(fixtures.path());
    // A disk three times the size of the bundled store: room for it, not for a ten times larger one.
    let probe = tempfile::tempdir().unwrap();
    Binary::serve(fixtures.path(), probe.path()).stop();
    let store_bytes = dir_bytes(probe.path());
    let mount = tempfile::tempdir().unwrap();
    let mounted = mount_tmpfs(mount.path(), &format!("size={}k", (3 * store_bytes / 1024).max(256)));
    let data = mount.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    Binary::serve(fixtures.path(), &data).stop();

    grow_and_rename(fixtures.path(), "renamed while the disk is full");
    // `timeout` turns a server that wrongly starts into a failure instead of a hang.
    let mut command = Command::new("timeout");
    if mounted {
        command.arg("60").arg(env!("CARGO_BIN_EXE_capgraph"));
    } else {
        // Without mount rights: a file-size limit makes writes fail the way a full disk does.
        command.args(["60", "sh", "-c", r#"ulimit -f 64; trap "" XFSZ; exec "$@""#, "sh", env!("CARGO_BIN_EXE_capgraph")]);
    }
    let output = command
        .args(["serve", "--listen", "127.0.0.1:0", "--fixtures"])
        .arg(fixtures.path())
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).is_empty(), "the server must not start on a store it could not build");
    assert!(!output.status.success(), "a rebuild that cannot be written must not start the server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot build the store in") && stderr.contains("the store in use, if any, is untouched"), "{stderr}");
    assert!(entries(&data, "building-").is_empty(), "the partial build is removed");

    // The old store still serves the old fixtures.
    let old = tempfile::tempdir().unwrap();
    copy_fixtures(old.path());
    let server = Binary::serve(old.path(), &data);
    let ready: Value = server.server.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["store"]["reused"], true, "the previous store is intact and reused");
    assert_complete(&server, old.path(), "NATO Flight Training Europe").await;
    server.stop();
    if mounted {
        unmount(mount.path());
    }
}
