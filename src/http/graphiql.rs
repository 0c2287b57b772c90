//! GraphiQL at `GET /`, served entirely by capgraph so it works with no internet at all.
//!
//! The async-graphql GraphiQL page loads its JavaScript from a public CDN, which leaves
//! analysts on closed networks with a blank page. Here every file the page loads is served
//! same-origin under `GET /assets/<name>`:
//!
//! - third-party bundles (GraphiQL 3's standalone UMD build and its CSS, the GraphiQL
//!   explorer plugin's UMD build and CSS, React and ReactDOM 18 UMD builds) come from the npm
//!   packages pinned to exact versions in
//!   `web/package.json` / `web/package-lock.json`. `build.rs` installs them with
//!   `npm ci --ignore-scripts` (npm checks every tarball's sha512 against the lock), checks
//!   the files are plausible, and embeds them in the binary. No bundle is committed.
//! - capgraph's own bootstrap (`web/capgraph-graphiql.js`, which mounts GraphiQL with a
//!   same-origin `POST` fetcher that never sends a stale `operationName`, example tabs, the
//!   explorer plugin, and shared links: `/?query=…&variables=…&operationName=…` opens that
//!   query, and the address bar follows the active tab, headers never included) and layout CSS.
//!
//! Asset names carry a content hash, so they are served with a one-year `immutable`
//! `Cache-Control` and an `ETag`. The HTML page (`web/index.html`, filled in by
//! `build.rs`) references only `/assets/...` URLs, each with an `integrity="sha384-..."`
//! attribute, and is sent with a Content-Security-Policy that allows scripts, styles,
//! fonts, images and fetches from the same origin only (plus `data:` fonts and images,
//! which GraphiQL's CSS embeds, and inline styles, which its components inject). Nothing
//! on the page can reach another origin: not even GraphiQL's hover preview of image URLs
//! in results.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

/// One embedded file served under `/assets/<name>`.
struct Asset {
    /// File name: `<package>-<version>.<sha256 prefix>.<suffix>` or `<stem>.<sha256 prefix>.<ext>`.
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    sha256_hex: &'static str,
    /// Subresource Integrity value used in the HTML (`sha384-<base64>`).
    #[cfg_attr(not(test), allow(dead_code))]
    integrity: &'static str,
}

// Defines `ASSETS: &[Asset]` and `INDEX_HTML_TEMPLATE: &str` (see build.rs).
include!(concat!(env!("OUT_DIR"), "/graphiql_assets.rs"));

/// Content-Security-Policy of the GraphiQL page: same origin only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Cache-Control for content-hashed assets.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Routes `GET /` (the GraphiQL page) and `GET /assets/{name}` (its assets).
///
/// `endpoint` is the same-origin path of the GraphQL endpoint GraphiQL posts to, such as
/// `/graphql`.
///
/// # Panics
///
/// If `endpoint` is not an absolute path on this origin (the page's CSP only allows
/// same-origin requests).
pub fn router<S>(endpoint: &str) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    assert!(
        endpoint.starts_with('/') && !endpoint.starts_with("//"),
        "the GraphiQL endpoint must be a same-origin absolute path such as /graphql, not {endpoint:?}"
    );
    let page = Arc::new(Page::new(endpoint));
    Router::new()
        .route(
            "/",
            get(move |headers: HeaderMap| {
                let page = Arc::clone(&page);
                async move { page.respond(&headers) }
            }),
        )
        .route("/assets/{name}", get(asset))
}

/// The rendered HTML page and its ETag.
struct Page {
    html: Bytes,
    etag: HeaderValue,
}

impl Page {
    fn new(endpoint: &str) -> Self {
        let html = INDEX_HTML_TEMPLATE.replace("{{endpoint}}", &escape_html(endpoint));
        let etag = etag(&hex(&Sha256::digest(html.as_bytes())));
        Page { html: Bytes::from(html), etag }
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        if not_modified(request, &self.etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        (headers, Body::from(self.html.clone())).into_response()
    }
}

async fn asset(Path(name): Path<String>, request: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")],
            "no such GraphiQL asset\n",
        )
            .into_response();
    };
    let etag = etag(&asset.sha256_hex[..32]);
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if not_modified(&request, &etag) {
        headers.insert(header::ETAG, etag);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::ETAG, etag);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    (headers, Body::from(Bytes::from_static(asset.bytes))).into_response()
}

fn etag(tag: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex ETag is a valid header value")
}

/// `If-None-Match` matches `etag` (weak comparison, as RFC 9110 requires for this header).
fn not_modified(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    request.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag)
    })
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use axum::http::Request;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use base64::Engine as _;
    use sha2::Sha384;
    use tower::ServiceExt as _;

    async fn fetch(uri: &str, if_none_match: Option<&str>) -> (StatusCode, HeaderMap, Bytes) {
        let mut request = Request::get(uri);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        let response = router::<()>("/graphql").oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, body)
    }

    async fn page() -> String {
        let (status, headers, body) = fetch("/", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        String::from_utf8(body.to_vec()).unwrap()
    }

    /// Every `<script>` and `<link>` tag of the page.
    fn tags(html: &str) -> Vec<&str> {
        let mut tags = Vec::new();
        for open in ["<script", "<link"] {
            let mut rest = html;
            while let Some(i) = rest.find(open) {
                let end = rest[i..].find('>').expect("tag is closed") + i;
                tags.push(&rest[i..=end]);
                rest = &rest[end..];
            }
        }
        tags
    }

    fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let needle = format!(" {name}=\"");
        let start = tag.find(&needle)? + needle.len();
        let len = tag[start..].find('"')?;
        Some(&tag[start..start + len])
    }

    #[tokio::test]
    async fn page_references_only_same_origin_assets() {
        let html = page().await;
        assert!(!html.contains("://"), "the page names another origin:\n{html}");
        assert!(!html.contains("\"//"), "the page has a protocol-relative URL:\n{html}");
        let mut urls = 0;
        for attr in ["src=\"", "href=\""] {
            for (i, _) in html.match_indices(attr) {
                let value = &html[i + attr.len()..];
                let url = &value[..value.find('"').unwrap()];
                assert!(url.starts_with("/assets/"), "{url} is not under /assets/");
                urls += 1;
            }
        }
        assert_eq!(urls, ASSETS.len(), "every asset is referenced once, and nothing else");
        assert!(html.contains(r#"data-endpoint="/graphql""#));
        assert!(!html.contains("{{"), "an unfilled placeholder remains");
    }

    #[tokio::test]
    async fn page_has_no_inline_script_or_style() {
        let html = page().await.to_ascii_lowercase();
        for tag in tags(&html).into_iter().filter(|t| t.starts_with("<script")) {
            assert!(attribute(tag, "src").is_some(), "inline script: {tag}");
        }
        assert!(!html.contains("<style"), "inline <style> in the page");
        assert!(!html.contains(" style="), "inline style attribute in the page");
        for tag in html.split('<').skip(1).map(|t| &t[..t.find('>').unwrap_or(t.len())]) {
            for word in tag.split_whitespace().skip(1) {
                assert!(!(word.starts_with("on") && word.contains('=')), "inline event handler: <{tag}>");
            }
        }
    }

    #[tokio::test]
    async fn every_asset_has_a_correct_integrity_attribute() {
        let html = page().await;
        let tags = tags(&html);
        assert_eq!(tags.len(), ASSETS.len());
        for tag in tags {
            let url = attribute(tag, "src").or_else(|| attribute(tag, "href")).expect("tag has a URL");
            let integrity = attribute(tag, "integrity").unwrap_or_else(|| panic!("no integrity: {tag}"));
            let (status, headers, body) = fetch(url, None).await;
            assert_eq!(status, StatusCode::OK, "{url}");
            let expected = format!("sha384-{}", BASE64.encode(Sha384::digest(&body)));
            assert_eq!(integrity, expected, "{url}: integrity attribute does not match the served bytes");
            let content_type = headers[header::CONTENT_TYPE].to_str().unwrap();
            if tag.starts_with("<script") {
                assert_eq!(content_type, "text/javascript; charset=utf-8", "{url}");
            } else if tag.contains(r#"rel="icon""#) {
                assert_eq!(content_type, "image/svg+xml", "{url}");
            } else {
                assert!(tag.contains(r#"rel="stylesheet""#), "{tag}");
                assert_eq!(content_type, "text/css; charset=utf-8", "{url}");
            }
        }
    }

    #[test]
    fn embedded_assets_match_their_recorded_hashes() {
        for asset in ASSETS {
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.name);
            let sha256 = hex(&Sha256::digest(asset.bytes));
            assert_eq!(asset.sha256_hex, sha256, "{}", asset.name);
            assert!(asset.name.contains(&sha256[..10]), "{} does not carry its hash", asset.name);
            assert_eq!(asset.integrity, format!("sha384-{}", BASE64.encode(Sha384::digest(asset.bytes))));
        }
    }

    #[tokio::test]
    async fn page_is_sent_with_a_same_origin_csp() {
        let (status, headers, _) = fetch("/", None).await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert_eq!(csp, CONTENT_SECURITY_POLICY);
        assert!(!csp.contains("http") && !csp.contains('*'), "CSP allows another origin: {csp}");
        let directive =
            |name: &str| csp.split(';').map(str::trim).find(|d| d.split(' ').next() == Some(name)).unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(directive("default-src"), "default-src 'none'");
        assert_eq!(directive("script-src"), "script-src 'self'");
        assert_eq!(directive("connect-src"), "connect-src 'self'");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[tokio::test]
    async fn assets_are_cached_immutably_and_revalidate() {
        for asset in ASSETS {
            let url = format!("/assets/{}", asset.name);
            let (status, headers, body) = fetch(&url, None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body.as_ref(), asset.bytes);
            assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
            let etag = headers[header::ETAG].to_str().unwrap().to_owned();
            let (status, headers, body) = fetch(&url, Some(&format!("\"other\", W/{etag}"))).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED);
            assert_eq!(headers[header::ETAG], etag.as_str());
            assert!(body.is_empty());
        }
        let (status, headers, _) = fetch("/", None).await;
        let etag = headers[header::ETAG].to_str().unwrap().to_owned();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(fetch("/", Some(&etag)).await.0, StatusCode::NOT_MODIFIED);
        assert_eq!(fetch("/assets/graphiql.min.js", None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(fetch("/assets/..%2Fbuild.rs", None).await.0, StatusCode::NOT_FOUND);
    }

    #[test]
    fn vendored_bundles_are_the_pinned_packages() {
        let names: Vec<&str> = ASSETS.iter().map(|a| a.name).collect();
        for prefix in ["react-18.", "react-dom-18.", "graphiql-3.", "graphiql-plugin-explorer-3."] {
            assert!(names.iter().any(|n| n.starts_with(prefix)), "no {prefix}* asset in {names:?}");
        }
        let graphiql = ASSETS.iter().find(|a| a.name.starts_with("graphiql-3.") && a.name.ends_with(".js")).unwrap();
        assert!(graphiql.bytes.len() > 200_000, "GraphiQL bundle is implausibly small");
        // The explorer plugin's UMD build reads these globals of the GraphiQL bundle.
        let graphiql_js = String::from_utf8_lossy(graphiql.bytes);
        assert!(graphiql_js.contains(".GraphQL=") && graphiql_js.contains(".React="), "GraphiQL no longer exports GraphQL and React");
        let explorer = ASSETS.iter().find(|a| a.name.starts_with("graphiql-plugin-explorer-") && a.name.ends_with(".umd.js")).unwrap();
        let explorer_js = String::from_utf8_lossy(explorer.bytes);
        assert!(explorer_js.contains("GraphiQLPluginExplorer={}") && explorer_js.contains("GraphiQL.React"), "not the UMD build");
    }

    #[test]
    fn bootstrap_posts_to_the_endpoint_and_opens_the_example_tabs() {
        let bootstrap = ASSETS.iter().find(|a| a.name.starts_with("capgraph-graphiql.") && a.name.ends_with(".js")).unwrap();
        let js = std::str::from_utf8(bootstrap.bytes).unwrap();
        assert!(js.contains("data-endpoint"));
        assert!(js.contains("method: 'POST'"));
        assert!(js.contains("defaultTabs: EXAMPLE_TABS"));
        for tab in ["query ProjectPage {", "query NationProjects {", "query SharedProjects {", "query BuyerContracts {"] {
            assert!(js.contains(tab), "no example tab {tab}");
        }
        assert!(js.contains("project(code: \"c-socc\")"));
        assert!(js.contains("GraphiQLPluginExplorer.explorerPlugin()"));
        assert!(js.contains("history.replaceState"));
        assert!(!js.contains("://"), "the bootstrap names another origin");
    }

    /// Each UMD bundle takes the globals of those before it: React, then ReactDOM, then GraphiQL
    /// (which carries @graphiql/react and graphql-js), then the explorer plugin, then ours.
    #[tokio::test]
    async fn scripts_load_in_dependency_order() {
        let html = page().await;
        let scripts: Vec<&str> = tags(&html).into_iter().filter_map(|t| attribute(t, "src")).collect();
        let order = [
            "/assets/react-",
            "/assets/react-dom-",
            "/assets/graphiql-3",
            "/assets/graphiql-plugin-explorer-",
            "/assets/capgraph-graphiql.",
        ];
        assert_eq!(scripts.len(), order.len(), "{scripts:?}");
        for (src, prefix) in scripts.iter().zip(order) {
            assert!(src.starts_with(prefix), "scripts out of order: {scripts:?}");
        }
        for tag in tags(&html).into_iter().filter(|t| t.starts_with("<script")) {
            assert!(tag.contains(" defer "), "every script is deferred, so they run in document order: {tag}");
        }
    }

    #[test]
    fn endpoint_is_escaped_into_the_page() {
        let page = Page::new("/graphql?a=1&b=\"<x>\"");
        let html = std::str::from_utf8(&page.html).unwrap();
        assert!(html.contains(r#"data-endpoint="/graphql?a=1&amp;b=&quot;&lt;x&gt;&quot;""#));
    }

    #[test]
    #[should_panic(expected = "same-origin")]
    fn other_origins_are_refused() {
        let _ = router::<()>("https://example.org/graphql");
    }
}
