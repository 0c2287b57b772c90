//! Build script: vendors GraphiQL's browser assets for the offline GraphiQL page.
//!
//! The bundles are third-party code pinned in `web/package.json` and `web/package-lock.json`
//! (exact versions, a sha512 `integrity` for every tarball). This script
//!
//! 1. checks that the pins are exact and that every locked package carries a sha512 integrity;
//! 2. runs `npm ci --ignore-scripts --no-audit --no-fund --prefer-offline` in a copy of `web/`
//!    under `OUT_DIR` (npm refuses any tarball whose sha512 differs from the lock), once per
//!    lock: a stamp skips the install when the build script reruns for another reason;
//!    or, when `CAPGRAPH_WEB_NODE_MODULES` names an already installed `node_modules`, uses that
//!    instead (after checking the installed versions against the lock);
//! 3. checks each needed file exists, has a plausible size and looks like what it should be;
//! 4. copies the files to `OUT_DIR/assets/` under content-hashed names, computes their
//!    sha256 (ETag, file name) and sha384 (Subresource Integrity), renders `web/index.html`
//!    with the same-origin URLs and `integrity` attributes, and writes
//!    `OUT_DIR/graphiql_assets.rs`, which `src/http/graphiql.rs` includes.
//!
//! Nothing is downloaded from anywhere but the npm registry (or npm's local cache), and no
//! package install script runs.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

/// The install command, also quoted in error messages.
const NPM_CI: &[&str] = &["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"];

/// Environment variable naming an already installed `node_modules` (skips npm).
const NODE_MODULES_ENV: &str = "CAPGRAPH_WEB_NODE_MODULES";
/// Environment variable overriding the npm executable.
const NPM_ENV: &str = "CAPGRAPH_NPM";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// A file taken from an npm package.
struct Vendored {
    /// Placeholder name in `web/index.html`.
    key: &'static str,
    package: &'static str,
    /// Path inside the package.
    file: &'static str,
    /// Served name is `<package>-<version>.<hash>.<suffix>` (a scope's `@` dropped, `/` as `-`).
    suffix: &'static str,
    content_type: &'static str,
    /// Smallest and largest plausible size in bytes.
    size: (usize, usize),
    /// A string the file must contain.
    marker: &'static str,
}

const VENDORED: &[Vendored] = &[
    Vendored {
        key: "react.js",
        package: "react",
        file: "umd/react.production.min.js",
        suffix: "production.min.js",
        content_type: JS,
        size: (5_000, 1_000_000),
        marker: "React",
    },
    Vendored {
        key: "react-dom.js",
        package: "react-dom",
        file: "umd/react-dom.production.min.js",
        suffix: "production.min.js",
        content_type: JS,
        size: (50_000, 5_000_000),
        marker: "ReactDOM",
    },
    Vendored {
        key: "graphiql.js",
        package: "graphiql",
        file: "graphiql.min.js",
        suffix: "min.js",
        content_type: JS,
        size: (200_000, 20_000_000),
        marker: "GraphiQL",
    },
    Vendored {
        key: "graphiql.css",
        package: "graphiql",
        file: "graphiql.min.css",
        suffix: "min.css",
        content_type: CSS,
        size: (20_000, 5_000_000),
        marker: ".graphiql-container",
    },
    // The explorer plugin's UMD build: it defines `window.GraphiQLPluginExplorer` and takes
    // React from `window.React` and @graphiql/react and graphql-js from the GraphiQL bundle
    // (`window.GraphiQL.React`, `window.GraphiQL.GraphQL`), so it must load after both.
    Vendored {
        key: "graphiql-plugin-explorer.js",
        package: "@graphiql/plugin-explorer",
        file: "dist/index.umd.js",
        suffix: "umd.js",
        content_type: JS,
        size: (10_000, 2_000_000),
        marker: "GraphiQLPluginExplorer",
    },
    Vendored {
        key: "graphiql-plugin-explorer.css",
        package: "@graphiql/plugin-explorer",
        file: "dist/style.css",
        suffix: "css",
        content_type: CSS,
        size: (300, 500_000),
        marker: ".graphiql-explorer-root",
    },
];

/// Our own small files in `web/`: (placeholder name, file, content type).
const OWN: &[(&str, &str, &str)] = &[
    ("capgraph-graphiql.js", "capgraph-graphiql.js", JS),
    ("capgraph-graphiql.css", "capgraph-graphiql.css", CSS),
    ("favicon.svg", "favicon.svg", "image/svg+xml"),
];

/// Files in `web/` whose change reruns this script.
const WEB_INPUTS: &[&str] =
    &["package.json", "package-lock.json", "index.html", "capgraph-graphiql.js", "capgraph-graphiql.css", "favicon.svg"];

struct Asset {
    key: String,
    name: String,
    content_type: &'static str,
    sha256_hex: String,
    integrity: String,
    /// `(package, version)` for third-party files.
    origin: Option<(String, String)>,
}

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let web = manifest_dir.join("web");

    println!("cargo:rerun-if-changed=build.rs");
    for f in WEB_INPUTS {
        println!("cargo:rerun-if-changed=web/{f}");
    }
    println!("cargo:rerun-if-env-changed={NODE_MODULES_ENV}");
    println!("cargo:rerun-if-env-changed={NPM_ENV}");

    let package_json = read(&web.join("package.json"));
    let package_lock = read(&web.join("package-lock.json"));
    let pins = check_pins(&package_json, &package_lock);

    let node_modules = match env::var_os(NODE_MODULES_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => {
            let dir = manifest_dir.join(dir);
            for v in VENDORED {
                for f in [v.file, "package.json"] {
                    let f = dir.join(v.package).join(f);
                    println!("cargo:rerun-if-changed={}", f.display());
                }
            }
            dir
        }
        None => npm_ci(&out_dir.join("npm"), &package_json, &package_lock),
    };

    let assets_dir = out_dir.join("assets");
    if assets_dir.exists() {
        fs::remove_dir_all(&assets_dir).unwrap_or_else(|e| panic!("removing {}: {e}", assets_dir.display()));
    }
    fs::create_dir_all(&assets_dir).unwrap_or_else(|e| panic!("creating {}: {e}", assets_dir.display()));

    let mut assets = Vec::new();
    for v in VENDORED {
        let version = &pins[v.package];
        let installed = installed_version(&node_modules, v.package);
        if &installed != version {
            panic!(
                "{}: package {} is version {installed} but web/package-lock.json pins {version}; \
                 reinstall it with `npm ci --ignore-scripts --no-audit --no-fund` in web/",
                node_modules.display(),
                v.package
            );
        }
        let path = node_modules.join(v.package).join(v.file);
        let bytes = fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; the pinned {}@{version} should ship this file (is web/package-lock.json \
                 installed? run `npm ci --ignore-scripts --no-audit --no-fund` in web/)",
                path.display(),
                v.package
            )
        });
        let (min, max) = v.size;
        if bytes.len() < min || bytes.len() > max {
            panic!(
                "{}: {} bytes, expected between {min} and {max}: the {}@{version} package looks broken",
                path.display(),
                bytes.len(),
                v.package
            );
        }
        if !contains(&bytes, v.marker.as_bytes()) {
            panic!("{}: does not contain {:?}: not the expected file", path.display(), v.marker);
        }
        // A scoped package's name (`@graphiql/plugin-explorer`) is no file name: drop the `@`
        // and turn the `/` into `-` (`graphiql-plugin-explorer-3.2.6`).
        let stem = format!("{}-{version}", v.package.trim_start_matches('@').replace('/', "-"));
        assets.push(asset(&assets_dir, v.key, &stem, v.suffix, v.content_type, &bytes, Some((v.package, version))));
    }
    for (key, file, content_type) in OWN {
        let bytes = fs::read(web.join(file)).unwrap_or_else(|e| panic!("web/{file}: {e}"));
        assert!(!bytes.is_empty(), "web/{file} is empty");
        let (stem, ext) = file.split_once('.').expect("own asset file name has an extension");
        assets.push(asset(&assets_dir, key, stem, ext, content_type, &bytes, None));
    }

    let html = render_html(&read(&web.join("index.html")), &assets);
    write_generated(&out_dir.join("graphiql_assets.rs"), &assets, &html);
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Checks `web/package.json` pins exact versions, that the lock agrees with it, and that
/// every locked package is a registry tarball with a sha512 integrity. Returns the locked
/// version of each top-level package.
fn check_pins(package_json: &str, package_lock: &str) -> BTreeMap<String, String> {
    let manifest: serde_json::Value = serde_json::from_str(package_json).unwrap_or_else(|e| panic!("web/package.json: {e}"));
    let lock: serde_json::Value = serde_json::from_str(package_lock).unwrap_or_else(|e| panic!("web/package-lock.json: {e}"));

    for section in ["devDependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"] {
        if manifest.get(section).is_some() {
            panic!("web/package.json: `{section}` is not supported; list browser assets under `dependencies`");
        }
    }
    let deps = manifest["dependencies"].as_object().unwrap_or_else(|| panic!("web/package.json: no `dependencies` object"));
    let mut pins = BTreeMap::new();
    for (name, spec) in deps {
        let spec = spec.as_str().unwrap_or("");
        if !is_exact_version(spec) {
            panic!("web/package.json: `{name}` must be pinned to an exact version (like \"1.2.3\"), not {spec:?}");
        }
        pins.insert(name.clone(), spec.to_owned());
    }
    for v in VENDORED {
        if !pins.contains_key(v.package) {
            panic!("web/package.json: `{}` must be a direct dependency", v.package);
        }
    }

    let lock_version = lock["lockfileVersion"].as_u64().unwrap_or(0);
    if lock_version < 2 {
        panic!("web/package-lock.json: lockfileVersion {lock_version}, expected 3 (npm 7 or later)");
    }
    let packages = lock["packages"].as_object().unwrap_or_else(|| panic!("web/package-lock.json: no `packages` object"));
    if packages.get("").and_then(|root| root.get("dependencies")) != manifest.get("dependencies") {
        panic!(
            "web/package-lock.json is out of date with web/package.json: \
             run `npm install --package-lock-only --ignore-scripts` in web/"
        );
    }
    for (key, entry) in packages {
        let Some(name) = key.strip_prefix("node_modules/").or_else(|| key.rsplit_once("/node_modules/").map(|(_, n)| n)) else {
            continue;
        };
        if entry.get("link").and_then(|l| l.as_bool()) == Some(true) {
            panic!("web/package-lock.json: {key} is a link; only registry packages are allowed");
        }
        let integrity = entry["integrity"].as_str().unwrap_or("");
        if !integrity.starts_with("sha512-") {
            panic!("web/package-lock.json: {key} has no sha512 integrity ({integrity:?}); regenerate the lock");
        }
        if let Some(resolved) = entry.get("resolved").and_then(|r| r.as_str()) {
            if !resolved.starts_with("https://") {
                panic!("web/package-lock.json: {key} resolves to {resolved:?}; only https registry tarballs are allowed");
            }
        }
        if let Some(pin) = pins.get(name).filter(|_| key == &format!("node_modules/{name}")) {
            let locked = entry["version"].as_str().unwrap_or("");
            if locked != pin {
                panic!("web/package-lock.json: {name} is locked at {locked:?} but web/package.json pins {pin:?}");
            }
        }
    }
    for name in pins.keys() {
        if !packages.contains_key(&format!("node_modules/{name}")) {
            panic!("web/package-lock.json: no entry for {name}: run `npm install --package-lock-only --ignore-scripts` in web/");
        }
    }
    pins
}

/// `1.2.3` or `1.2.3-pre.1`: no ranges, tags, URLs or paths.
fn is_exact_version(spec: &str) -> bool {
    let (core, pre) = match spec.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (spec, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
}

/// Installs the lock into `dir/node_modules` with `npm ci`, unless the same lock is already
/// installed there (stamp file). Returns the `node_modules` path.
fn npm_ci(dir: &Path, package_json: &str, package_lock: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    let node_modules = dir.join("node_modules");
    let stamp_path = dir.join("capgraph-npm-ci.stamp");
    let stamp =
        hex(&Sha256::new().chain_update(package_json.as_bytes()).chain_update([0u8]).chain_update(package_lock.as_bytes()).finalize());
    if node_modules.is_dir() && fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp) {
        return node_modules;
    }
    let _ = fs::remove_file(&stamp_path);
    fs::write(dir.join("package.json"), package_json).unwrap_or_else(|e| panic!("writing into {}: {e}", dir.display()));
    fs::write(dir.join("package-lock.json"), package_lock).unwrap_or_else(|e| panic!("writing into {}: {e}", dir.display()));

    let npm = env::var(NPM_ENV).unwrap_or_else(|_| if cfg!(windows) { "npm.cmd".into() } else { "npm".into() });
    let command = format!("{npm} {}", NPM_CI.join(" "));
    let how_to_avoid = format!(
        "Install Node.js 18+ with npm and rebuild, or install the pinned bundle yourself \
         (`cd web && npm ci --ignore-scripts --no-audit --no-fund`) and build with \
         {NODE_MODULES_ENV}=web/node_modules"
    );
    let output = Command::new(&npm).args(NPM_CI).current_dir(dir).output().unwrap_or_else(|e| {
        if e.kind() == ErrorKind::NotFound {
            panic!(
                "capgraph's build needs `npm` to fetch the GraphiQL assets pinned in \
                     web/package-lock.json, and `{npm}` was not found. {how_to_avoid}."
            )
        }
        panic!("could not run `{command}` in {}: {e}. {how_to_avoid}.", dir.display())
    });
    if !output.status.success() {
        panic!(
            "`{command}` failed in {} ({}). It fetches the GraphiQL assets pinned in \
             web/package-lock.json from the npm registry (or npm's cache) and checks their sha512 \
             integrity. {how_to_avoid}.\n--- npm stdout ---\n{}\n--- npm stderr ---\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    fs::write(&stamp_path, stamp).unwrap_or_else(|e| panic!("writing {}: {e}", stamp_path.display()));
    node_modules
}

fn installed_version(node_modules: &Path, package: &str) -> String {
    let path = node_modules.join(package).join("package.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; install the pinned packages with `npm ci --ignore-scripts --no-audit --no-fund` in web/", path.display())
    });
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    json["version"].as_str().unwrap_or_else(|| panic!("{}: no version", path.display())).to_owned()
}

fn asset(
    assets_dir: &Path,
    key: &str,
    stem: &str,
    suffix: &str,
    content_type: &'static str,
    bytes: &[u8],
    origin: Option<(&str, &str)>,
) -> Asset {
    let sha256_hex = hex(&Sha256::digest(bytes));
    let integrity = format!("sha384-{}", BASE64.encode(Sha384::digest(bytes)));
    let name = format!("{stem}.{}.{suffix}", &sha256_hex[..10]);
    let path = assets_dir.join(&name);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    Asset { key: key.to_owned(), name, content_type, sha256_hex, integrity, origin: origin.map(|(p, v)| (p.to_owned(), v.to_owned())) }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Strips `<!-- -->` comments, fills `{{url:KEY}}` and `{{integrity:KEY}}`, and leaves only
/// `{{endpoint}}` for run time.
fn render_html(template: &str, assets: &[Asset]) -> String {
    let mut html = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("<!--") {
        html.push_str(&rest[..start]);
        let end = rest[start..].find("-->").expect("web/index.html: unterminated comment");
        rest = rest[start + end + 3..].trim_start_matches(['\r', '\n']);
    }
    html.push_str(rest);

    let mut used = Vec::new();
    for a in assets {
        let url = format!("{{{{url:{}}}}}", a.key);
        let integrity = format!("{{{{integrity:{}}}}}", a.key);
        if html.contains(&url) {
            used.push(&a.key);
        }
        html = html.replace(&url, &format!("/assets/{}", a.name)).replace(&integrity, &a.integrity);
    }
    let leftover = html.replace("{{endpoint}}", "");
    if let Some(i) = leftover.find("{{") {
        let end = leftover[i..].find("}}").map_or(leftover.len(), |e| i + e + 2);
        panic!("web/index.html: unknown placeholder {}", &leftover[i..end]);
    }
    for a in assets {
        if !used.contains(&&a.key) {
            panic!("web/index.html: asset {} is never referenced ({{{{url:{}}}}})", a.name, a.key);
        }
    }
    html
}

fn write_generated(path: &Path, assets: &[Asset], html: &str) {
    let mut out = String::new();
    out.push_str("// @generated by build.rs from web/: do not edit.\n\n");
    out.push_str("/// Every asset the GraphiQL page loads, served under `/assets/<name>`.\n");
    out.push_str("static ASSETS: &[Asset] = &[\n");
    for a in assets {
        let origin = match &a.origin {
            Some((p, v)) => format!("npm package {p}@{v}, pinned in web/package-lock.json"),
            None => format!("capgraph's own web/{}", a.key),
        };
        let _ = writeln!(
            out,
            "    // {origin}\n    Asset {{\n        name: {name:?},\n        content_type: {ct:?},\n        \
             bytes: include_bytes!(concat!(env!(\"OUT_DIR\"), \"/assets/\", {name:?})),\n        \
             sha256_hex: {sha:?},\n        integrity: {sri:?},\n    }},",
            name = a.name,
            ct = a.content_type,
            sha = a.sha256_hex,
            sri = a.integrity,
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// `web/index.html` with asset URLs and integrity filled in; `{{endpoint}}` remains.\n");
    let _ = writeln!(out, "const INDEX_HTML_TEMPLATE: &str = {html:?};");
    fs::write(path, out).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}
