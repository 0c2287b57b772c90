//! GraphiQL in a real browser with no internet: headless Chromium driven through chromedriver.
//!
//! The test starts the real server (`common::shared()`), starts chromedriver on a free loopback
//! port and has it launch Chromium with a fresh profile and no way out: every host name resolves
//! to nothing but 127.0.0.1, and every other request goes to a proxy on a dead loopback port. It
//! then loads `GET /`, waits for GraphiQL, checks the example tabs and that the address bar links
//! to the active one, browses the documentation explorer, clicks the run button and reads the
//! answer from the result pane, runs another example tab, lists and clicks fields in the explorer
//! plugin, runs a query renamed too fast for GraphiQL (its stale operation name must not be sent),
//! and opens shared links (`/?query=…&variables=…&operationName=…`) in a fresh and in a used
//! profile. It fails if the page requested anything from another origin (the DevTools performance
//! log lists every request) or if the console shows a Content-Security-Policy violation or any
//! other error.
//!
//! It needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). It fails without
//! them, unless a developer opts out with `CAPGRAPH_SKIP_BROWSER=1` (refused when `CI` is set).
//! `CAPGRAPH_CHROMIUM` and `CAPGRAPH_CHROMEDRIVER` override the binaries' paths.

use crate::common;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// The whole test's budget.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);
/// Longest wait for any one thing to appear on the page.
const WAIT: Duration = Duration::from_secs(60);

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[test]
fn graphiql_works_offline_in_headless_chromium() {
    if std::env::var_os("CAPGRAPH_SKIP_BROWSER").is_some_and(|v| v == "1") {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false"),
            "CAPGRAPH_SKIP_BROWSER=1 is for developers; CI must run the browser test"
        );
        eprintln!("browser test skipped: CAPGRAPH_SKIP_BROWSER=1");
        return;
    }
    let chromium = binary("CAPGRAPH_CHROMIUM", DEFAULT_CHROMIUM);
    let chromedriver = binary("CAPGRAPH_CHROMEDRIVER", DEFAULT_CHROMEDRIVER);
    let server = common::shared();

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let started = Instant::now();
    runtime.block_on(async {
        // Declared before the driver so that it is removed after Chromium has ended.
        let profile = tempfile::tempdir().unwrap();
        let driver = ChromeDriver::start(&chromedriver).await;
        let client = bounded("starting a Chromium session", Duration::from_secs(60), async {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities(&chromium, profile.path()));
            builder.connect(&driver.url).await
        })
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}\n{}", driver.log_tail()));
        let outcome = tokio::time::timeout(TEST_TIMEOUT, drive(&client, &driver, &server.base)).await;
        // Close the session (and Chromium) whatever happened; chromedriver dies with `driver`.
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        outcome.unwrap_or_else(|_| panic!("the browser test took longer than {TEST_TIMEOUT:?}"));
    });
    eprintln!("browser test ran in {:.1?}", started.elapsed());
}

/// The query editor's CodeMirror instance, in page scripts.
const QUERY_EDITOR: &str = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror";
/// The variables editor's CodeMirror instance (the first editor of the tools pane).
const VARIABLES_EDITOR: &str = "document.querySelectorAll('.graphiql-editor-tool .graphiql-editor .CodeMirror')[0].CodeMirror";
/// The headers editor's CodeMirror instance (the second editor of the tools pane).
const HEADERS_EDITOR: &str = "document.querySelectorAll('.graphiql-editor-tool .graphiql-editor .CodeMirror')[1].CodeMirror";
/// The example tabs a fresh profile opens, in order (web/capgraph-graphiql.js, EXAMPLE_TABS).
const EXAMPLE_TABS: [&str; 5] = ["ProjectPage", "NationProjects", "SharedProjects", "BuyerContracts", "Disagreements"];

/// Everything the browser does, with `base` the server's origin (`http://127.0.0.1:PORT`).
async fn drive(client: &Client, driver: &ChromeDriver, base: &str) {
    let page = format!("{base}/");
    client.goto(&page).await.expect("GET / loads");
    assert_eq!(client.title().await.unwrap(), "capgraph · GraphiQL");

    // GraphiQL renders; a fresh profile opens the example tabs, the project page first, with
    // its comment saying what it answers.
    wait_for(client, "the GraphiQL query editor", "document.querySelector('.graphiql-query-editor .CodeMirror') !== null").await;
    let query = editor_value(client, QUERY_EDITOR).await;
    assert!(query.starts_with("# capgraph: NATO multinational capability cooperation."), "default tab:\n{query}");
    assert!(query.contains("# A project page: what is C-SOCC"), "default tab:\n{query}");
    assert!(query.contains("query ProjectPage {\n  project(code: \"c-socc\") {\n    id\n"), "default tab:\n{query}");
    assert_eq!(tab_titles(client).await, EXAMPLE_TABS, "a fresh profile opens the example tabs");
    // The address bar links to the active tab at once.
    wait_for(
        client,
        "the address bar to link to the default tab",
        &format!("new URLSearchParams(location.search).get('query') === {QUERY_EDITOR}.getValue()"),
    )
    .await;

    // The documentation explorer shows the Query type and its fields (from introspection).
    click(client, "button[aria-label=\"Show Documentation Explorer\"]").await;
    // Its root types ("query: Query"): follow the link to the Query type.
    let query_type = "//section[contains(@class, 'graphiql-doc-explorer')]\
                      //a[contains(@class, 'graphiql-doc-explorer-type-name') and text() = 'Query']";
    let link = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(query_type))
        .await
        .unwrap_or_else(|e| panic!("the documentation explorer shows no link to the Query type within {WAIT:?}: {e}"));
    link.click().await.expect("clicking the Query type");
    wait_for(
        client,
        "the Query type's fields in the documentation explorer",
        "document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name').length > 5",
    )
    .await;
    let title = script_string(client, "return document.querySelector('.graphiql-doc-explorer-title').textContent;").await;
    assert_eq!(title, "Query");
    let fields = script_strings(
        client,
        "return [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name')].map(a => a.textContent);",
    )
    .await;
    for field in ["project", "projects", "nation", "nations", "contracts", "strategy", "node"] {
        assert!(fields.iter().any(|f| f == field), "Query.{field} is not in the documentation explorer: {fields:?}");
    }
    let explorer = client.find(Locator::Css(".graphiql-doc-explorer")).await.unwrap().text().await.unwrap();
    assert!(explorer.contains("A project by code"), "field descriptions are shown: {explorer}");

    // Run the default tab with the run button and read the answer from the result pane.
    let answer = run(client).await;
    let codes: Vec<&str> =
        answer["data"]["project"]["participants"].as_array().unwrap().iter().map(|p| p["participant"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["BEL", "DNK", "NLD"]);
    assert_eq!(answer["data"]["project"]["name"], "Composite Special Operations Component Command");
    assert_eq!(answer["data"]["project"]["sources"][0]["source"]["code"], "nato-mcc");
    // The pane shows it on screen, not only in the editor's model.
    let shown = client.find(Locator::Css(".result-window")).await.unwrap().text().await.unwrap();
    assert!(shown.contains("Composite Special Operations Component Command"), "result pane shows:\n{shown}");

    // Every other example tab answers with data from the fixtures, and the address bar follows
    // the active tab.
    for name in &EXAMPLE_TABS[1..] {
        let tab = format!("//button[contains(@class, 'graphiql-tab-button') and normalize-space(.) = '{name}']");
        client.find(Locator::XPath(&tab)).await.expect("the example tab").click().await.unwrap_or_else(|e| panic!("clicking {name}: {e}"));
        wait_for(client, &format!("the {name} tab's query"), &format!("{QUERY_EDITOR}.getValue().includes('query {name} {{')")).await;
        wait_for(
            client,
            &format!("the address bar to link to the {name} tab"),
            &format!("(new URLSearchParams(location.search).get('query') || '').includes('query {name} {{')"),
        )
        .await;
        let answer = run(client).await;
        let data = &answer["data"];
        let codes = |list: &Value| -> Vec<String> {
            list["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no nodes in {answer:#}"))
                .iter()
                .map(|n| n["code"].as_str().unwrap().to_owned())
                .collect()
        };
        match *name {
            "NationProjects" => {
                assert_eq!(data["nation"]["name"], "France", "{answer:#}");
                assert!(codes(&data["nation"]["projects"]).contains(&"apss".to_owned()), "{answer:#}");
            }
            "SharedProjects" => {
                let shared = codes(&data["projects"]);
                assert!(
                    shared.contains(&"apss".to_owned()) && shared.contains(&"starlift".to_owned()),
                    "France and Germany share: {answer:#}"
                );
                assert_eq!(data["projects"]["totalCount"].as_u64(), Some(shared.len() as u64), "{answer:#}");
            }
            "BuyerContracts" => {
                assert!(codes(&data["contracts"]).contains(&"nspa-airbus-a330-mrtt-2025".to_owned()), "{answer:#}");
                assert_eq!(data["contracts"]["nodes"][0]["supplier"]["code"], "AIRBUS-DS", "{answer:#}");
            }
            "Disagreements" => {
                assert!(codes(&data["disagreements"]).contains(&"mrtt-fleet-size".to_owned()), "{answer:#}");
                let fleet = data["disagreements"]["nodes"].as_array().unwrap().iter().find(|d| d["code"] == "mrtt-fleet-size").unwrap();
                let says: Vec<&str> = fleet["readings"].as_array().unwrap().iter().map(|r| r["says"].as_str().unwrap()).collect();
                assert!(
                    says.iter().any(|s| s.starts_with("10 aircraft")) && says.iter().any(|s| s.starts_with("12 aircraft")),
                    "{answer:#}"
                );
            }
            other => panic!("no check for example tab {other}"),
        }
    }

    // The explorer plugin lists Query's fields, and clicking one adds it to the query.
    click(client, "button[aria-label=\"Show GraphiQL Explorer\"]").await;
    wait_for(client, "the GraphiQL explorer's fields", "document.querySelectorAll('.graphiql-explorer-root [data-field-name]').length > 5")
        .await;
    let fields = script_strings(
        client,
        "return [...document.querySelectorAll('.graphiql-explorer-root [data-field-name]')].map(e => e.dataset.fieldName);",
    )
    .await;
    for field in ["project", "projects", "nation", "nations", "contracts", "strategy", "node"] {
        assert!(fields.iter().any(|f| f == field), "Query.{field} is not in the explorer: {fields:?}");
    }
    click(client, ".graphiql-explorer-root [data-field-name=\"nations\"]").await;
    wait_for(client, "the explorer to add `nations` to the query", &format!("/\\bnations\\b/.test({QUERY_EDITOR}.getValue())")).await;

    // GraphiQL's stale operation name (graphql/graphiql#1807): it learns the operation names
    // 100 ms after an edit, so a query renamed and run at once goes out under its old name. The
    // fetcher sends only names the document defines (the request itself is checked below).
    set_editor(client, QUERY_EDITOR, "query Before { project(code: \"c-socc\") { id name } }").await;
    wait_for(client, "GraphiQL to select operation Before", &format!("{QUERY_EDITOR}.operationName === 'Before'")).await;
    let answer = run(client).await;
    assert_eq!(answer["data"]["project"]["name"], "Composite Special Operations Component Command");
    clear_result(client).await;
    let held = script_string(
        client,
        &format!(
            "{QUERY_EDITOR}.setValue('query After {{ project(code: \"mmf\") {{ id name }} }}');
             const held = {QUERY_EDITOR}.operationName;
             document.querySelector('button.graphiql-execute-button').click();
             return held;"
        ),
    )
    .await;
    assert_eq!(held, "Before", "GraphiQL still held the old operation name when the run started (the case this checks)");
    let answer = result(client).await;
    assert_eq!(answer["data"]["project"]["name"], "Multinational Multi-Role Tanker Transport Fleet", "{answer:#}");

    // The headers editor's contents never go into the address bar.
    set_editor(client, HEADERS_EDITOR, "{\"Authorization\": \"Bearer secret-token-1234\"}").await;
    set_editor(client, QUERY_EDITOR, "query AfterHeaders { nation(code: \"DEU\") { id name } }").await;
    wait_for(client, "the address bar to follow the edit", "location.search.includes('AfterHeaders')").await;
    let href = script_string(client, "return location.href;").await;
    assert!(!href.contains("secret-token") && !href.to_ascii_lowercase().contains("authorization"), "headers in the URL: {href}");

    // A shared link opens its query with its variables, in a browser that never saw capgraph
    // (GraphiQL's saved tabs cleared once the page is gone), and runs with real data.
    client.goto("about:blank").await.expect("leaving the page");
    driver.clear_local_storage(client, base).await;
    let shared =
        "# Shared: one project by code.\nquery SharedProject($code: String!) {\n  project(code: $code) { id code name acronym }\n}\n";
    let variables = "{\"code\": \"mmf\"}";
    let link = reqwest::Url::parse_with_params(&page, [("query", shared), ("variables", variables)]).unwrap();
    client.goto(link.as_str()).await.expect("the shared link loads");
    wait_for(client, "the shared query in the editor", &format!("{QUERY_EDITOR}.getValue().includes('query SharedProject(')")).await;
    assert_eq!(editor_value(client, QUERY_EDITOR).await, shared, "the shared query, URL-decoded");
    assert_eq!(editor_value(client, VARIABLES_EDITOR).await, variables, "the shared variables, URL-decoded");
    let tabs = tab_titles(client).await;
    assert_eq!(tabs[0], "SharedProject", "the shared query opens first, the examples after it: {tabs:?}");
    assert_eq!(tabs[1..], EXAMPLE_TABS, "{tabs:?}");
    let answer = run(client).await;
    assert_eq!(answer["data"]["project"]["name"], "Multinational Multi-Role Tanker Transport Fleet", "{answer:#}");
    assert_eq!(answer["data"]["project"]["acronym"], "MMF", "{answer:#}");
    let search = script_strings(
        client,
        "const p = new URLSearchParams(location.search); return [p.get('query'), p.get('variables'), String(p.get('operationName'))];",
    )
    .await;
    assert_eq!(search, [shared, variables, "null"], "the address bar still links to the shared query");

    // GraphiQL saves its tabs 500 ms after a change.
    wait_for(
        client,
        "GraphiQL to save its tabs",
        "Object.keys(localStorage).some(k => k.endsWith('tabState') && localStorage.getItem(k).includes('query SharedProject('))",
    )
    .await;

    // A link with several operations, the one to run, and variables that are not JSON, in a
    // browser with saved tabs: it opens in a new tab with that operation selected, and the
    // variables are kept as they were written.
    let several = "query First { nation(code: \"DEU\") { id name } }\nquery Second($c: String!) { nation(code: $c) { id name } }\n";
    let broken = "{\"c\": \"FRA\"";
    let link = reqwest::Url::parse_with_params(&page, [("query", several), ("variables", broken), ("operationName", "Second")]).unwrap();
    client.goto(link.as_str()).await.expect("the second shared link loads");
    wait_for(client, "the second shared query in the editor", &format!("{QUERY_EDITOR}.getValue().includes('query Second(')")).await;
    assert_eq!(editor_value(client, QUERY_EDITOR).await, several);
    assert_eq!(editor_value(client, VARIABLES_EDITOR).await, broken, "invalid variables JSON is kept as text");
    wait_for(client, "GraphiQL to select the link's operation", &format!("{QUERY_EDITOR}.operationName === 'Second'")).await;
    let tabs = tab_titles(client).await;
    assert!(tabs.len() > EXAMPLE_TABS.len() + 1 && tabs.contains(&"SharedProject".to_owned()), "saved tabs are kept: {tabs:?}");
    let search = script_string(client, "return String(new URLSearchParams(location.search).get('operationName'));").await;
    assert_eq!(search, "Second", "the address bar keeps the operation to run");

    // Nothing was requested from another origin: the page's own resource timing...
    let origin = format!("{base}/");
    let resources = script_strings(client, "return performance.getEntriesByType('resource').map(e => e.name);").await;
    assert!(resources.iter().any(|u| u.contains("/assets/graphiql-")), "resource timing lists the assets: {resources:?}");
    assert!(resources.iter().any(|u| u.contains("/assets/graphiql-plugin-explorer-")), "the explorer plugin loads: {resources:?}");
    assert!(resources.iter().any(|u| u.ends_with("/graphql")), "resource timing lists the GraphQL fetches: {resources:?}");
    for url in &resources {
        assert!(url.starts_with(&origin), "the page loaded {url} from another origin");
    }
    // ...and every request the browser sent (DevTools performance log): our page's requests all
    // went to its origin, and nothing else in the browser (its own new-tab page) went anywhere
    // but the browser's built-in schemes.
    let requests = driver.requests(client).await;
    let ours: Vec<&str> = requests.iter().filter(|r| r.document.starts_with(&origin)).map(|r| r.url.as_str()).collect();
    assert!(ours.contains(&page.as_str()), "the performance log records the page: {requests:#?}");
    assert!(ours.iter().any(|u| u.contains("/assets/react-dom-")), "{ours:?}");
    assert!(ours.iter().filter(|u| u.ends_with("/graphql")).count() >= 2, "introspection and the query: {ours:?}");
    for url in &ours {
        assert!(url.starts_with(&origin) || url.starts_with("data:"), "the page requested {url}, not on {origin}");
    }
    for request in requests.iter().filter(|r| !r.document.starts_with(&origin)) {
        let internal = ["chrome:", "chrome-search:", "chrome-untrusted:", "about:", "data:"].iter().any(|s| request.url.starts_with(s));
        assert!(internal, "Chromium requested {} (for {})", request.url, request.document);
    }
    // The renamed query went out without its stale name, and the run before it with its name.
    let bodies: Vec<Value> = requests
        .iter()
        .filter(|r| r.url.ends_with("/graphql"))
        .filter_map(|r| r.post_data.as_deref())
        .filter_map(|body| serde_json::from_str(body).ok())
        .collect();
    let sent = |name: &str| {
        bodies
            .iter()
            .find(|b| b["query"].as_str().is_some_and(|q| q.starts_with(&format!("query {name} "))))
            .unwrap_or_else(|| panic!("no request for operation {name} in the log: {bodies:#?}"))
    };
    assert_eq!(sent("Before")["operationName"], "Before", "a current name is sent");
    assert!(sent("After").get("operationName").is_none(), "the stale name was sent: {:#}", sent("After"));
    // No Content-Security-Policy violation (nor any other error) in the console.
    let console = driver.log(client, "browser").await;
    for entry in &console {
        let message = entry["message"].as_str().unwrap_or_default();
        assert!(!message.contains("Content Security Policy") && !message.contains("Refused to"), "CSP violation in the console: {message}");
        assert_ne!(entry["level"], "SEVERE", "error in the console: {message}");
    }

    // The browser is really offline: another origin cannot be reached at all.
    for url in ["http://example.com/", "https://graphql.org/"] {
        let outcome = client.goto(url).await;
        let reached = match &outcome {
            Ok(()) => {
                let at = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                let body = client.source().await.unwrap_or_default();
                !at.starts_with("chrome-error:") && !body.contains("ERR_")
            }
            Err(_) => false,
        };
        assert!(!reached, "Chromium reached {url}: the test is not offline ({outcome:?})");
    }
}

/// The tabs' titles, in order.
async fn tab_titles(client: &Client) -> Vec<String> {
    script_strings(client, "return [...document.querySelectorAll('.graphiql-tab .graphiql-tab-button')].map(b => b.textContent.trim());")
        .await
}

/// The text of the CodeMirror editor `editor` (`QUERY_EDITOR`, ...).
async fn editor_value(client: &Client, editor: &str) -> String {
    script_string(client, &format!("return {editor}.getValue();")).await
}

/// Replaces the text of the CodeMirror editor `editor`, as typing would.
async fn set_editor(client: &Client, editor: &str, text: &str) {
    client
        .execute(&format!("{editor}.setValue(arguments[0]);"), vec![json!(text)])
        .await
        .unwrap_or_else(|e| panic!("editing {editor}: {e}"));
}

async fn clear_result(client: &Client) {
    client
        .execute("document.querySelector('.result-window .CodeMirror').CodeMirror.setValue('');", vec![])
        .await
        .expect("clearing the result pane");
}

/// Runs the active tab with the run button and returns the answer from the result pane.
async fn run(client: &Client) -> Value {
    clear_result(client).await;
    click(client, "button.graphiql-execute-button").await;
    result(client).await
}

/// The next answer in the result pane (cleared before the run), which must have data and no errors.
async fn result(client: &Client) -> Value {
    wait_for(
        client,
        "the answer in the result pane",
        "(() => { const e = document.querySelector('.result-window .CodeMirror');
                  return e !== null && e.CodeMirror.getValue().trim().startsWith('{'); })()",
    )
    .await;
    let text = script_string(client, "return document.querySelector('.result-window .CodeMirror').CodeMirror.getValue();").await;
    let answer: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("result pane is not JSON ({e}):\n{text}"));
    assert!(answer.get("errors").is_none(), "errors in the answer: {answer:#}");
    assert!(answer["data"].is_object(), "no data in the answer: {answer:#}");
    answer
}

/// The path of a browser binary, or a failure that says how to install it.
fn binary(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if !path.is_file() {
        panic!(
            "{} not found: the GraphiQL browser test needs Debian's `chromium` and `chromium-driver` \
             packages (`.ci/run` installs them: apt-get update && apt-get install -y chromium chromium-driver), \
             or {env} naming the binary. Developers without a browser may set CAPGRAPH_SKIP_BROWSER=1 \
             (never in CI).",
            path.display()
        );
    }
    path
}

/// WebDriver capabilities: Chromium headless, fresh profile, no network beyond loopback, and
/// the DevTools performance log and console log recorded.
fn capabilities(chromium: &Path, profile: &Path) -> serde_json::Map<String, Value> {
    let args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--no-first-run".to_owned(),
        "--no-default-browser-check".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-quic".to_owned(),
        "--disable-extensions".to_owned(),
        "--window-size=1400,1000".to_owned(),
        format!("--user-data-dir={}", profile.display()),
        // No way out: names resolve to nothing (but 127.0.0.1), and anything not on loopback goes
        // to a proxy on a port where nothing listens.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".to_owned(),
        "--proxy-server=127.0.0.1:9".to_owned(),
        "--proxy-bypass-list=127.0.0.1".to_owned(),
    ];
    let capabilities = json!({
        "browserName": "chrome",
        "pageLoadStrategy": "normal",
        "timeouts": { "pageLoad": 60_000, "script": 30_000, "implicit": 0 },
        "goog:chromeOptions": { "binary": chromium, "args": args },
        "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
    });
    match capabilities {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// chromedriver on a free loopback port, killed with everything it started when dropped.
struct ChromeDriver {
    child: Child,
    url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl ChromeDriver {
    async fn start(path: &Path) -> ChromeDriver {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("chromedriver.log");
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(path);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .arg("--log-level=INFO")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that Drop can end Chromium with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        let mut driver = ChromeDriver { child, url: format!("http://127.0.0.1:{port}"), log, _dir: dir };
        let status = format!("{}/status", driver.url);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(exit) = driver.child.try_wait().unwrap() {
                panic!("chromedriver exited at start-up ({exit})\n{}", driver.log_tail());
            }
            let ready =
                async { common::client().get(&status).timeout(Duration::from_secs(2)).send().await.ok()?.json::<Value>().await.ok() };
            if let Some(body) = ready.await {
                if body["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver not ready on {} after 30 s\n{}", driver.url, driver.log_tail());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The session's log of `kind` (`browser`, `performance`) since the last read.
    async fn log(&self, client: &Client, kind: &str) -> Vec<Value> {
        let session = client.session_id().await.unwrap().expect("a session");
        let url = format!("{}/session/{session}/se/log", self.url);
        let response = common::client().post(url).json(&json!({ "type": kind })).send().await.unwrap();
        let body: Value = response.json().await.unwrap();
        body["value"].as_array().unwrap_or_else(|| panic!("chromedriver's {kind} log: {body}")).clone()
    }

    /// Clears `origin`'s local storage (GraphiQL's saved tabs) through the DevTools protocol.
    async fn clear_local_storage(&self, client: &Client, origin: &str) {
        let session = client.session_id().await.unwrap().expect("a session");
        let url = format!("{}/session/{session}/goog/cdp/execute", self.url);
        let command = json!({ "cmd": "Storage.clearDataForOrigin", "params": { "origin": origin, "storageTypes": "local_storage" } });
        let response = common::client().post(url).json(&command).send().await.unwrap();
        let status = response.status();
        assert!(status.is_success(), "clearing {origin}'s local storage: {status} {}", response.text().await.unwrap_or_default());
    }

    /// Every request the browser's pages sent (`Network.requestWillBeSent`).
    async fn requests(&self, client: &Client) -> Vec<Request> {
        let mut requests = Vec::new();
        for entry in self.log(client, "performance").await {
            let message: Value = serde_json::from_str(entry["message"].as_str().unwrap()).unwrap();
            let message = &message["message"];
            if message["method"] == "Network.requestWillBeSent" {
                let params = &message["params"];
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                requests.push(Request {
                    url: text(&params["request"]["url"]),
                    document: text(&params["documentURL"]),
                    post_data: params["request"]["postData"].as_str().map(str::to_owned),
                });
            }
        }
        requests
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        format!("chromedriver log ({}), last lines:\n{}", self.log.display(), lines[lines.len().saturating_sub(40)..].join("\n"))
    }
}

/// One request from the performance log.
#[derive(Debug)]
struct Request {
    url: String,
    /// The URL of the document that sent it (for a navigation, the URL navigated to).
    document: String,
    /// Its body, for a POST whose body the log records.
    post_data: Option<String>,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // chromedriver and the Chromium processes it started share its process group.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn bounded<T>(what: &str, limit: Duration, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, future).await.unwrap_or_else(|_| panic!("{what}: no answer within {limit:?}"))
}

/// Polls the JavaScript expression `condition` until it is true, for at most `WAIT` (an
/// exception, such as an element not there yet, counts as false).
async fn wait_for(client: &Client, what: &str, condition: &str) {
    let script = format!("try {{ return Boolean({condition}); }} catch (e) {{ return false; }}");
    let deadline = Instant::now() + WAIT;
    loop {
        if client.execute(&script, vec![]).await.unwrap_or_else(|e| panic!("waiting for {what}: {e}")) == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let body = client.find(Locator::Css("body")).await.ok();
            let text = match body {
                Some(body) => body.text().await.unwrap_or_default(),
                None => String::new(),
            };
            panic!("{what} did not appear within {WAIT:?}; the page shows:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element `css` once it is displayed and enabled.
async fn click(client: &Client, css: &str) {
    let element = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear within {WAIT:?}: {e}"));
    element.click().await.unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

async fn script_string(client: &Client, script: &str) -> String {
    match client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}")) {
        Value::String(s) => s,
        other => panic!("{script}: returned {other}"),
    }
}

async fn script_strings(client: &Client, script: &str) -> Vec<String> {
    let value = client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"));
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{script}: returned {value} ({e})"))
}
