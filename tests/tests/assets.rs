//! The apps' files as the Worker serves them (issue 22): each page names only its app's
//! `boot.js`, which is revalidated on every load and names one build's directory; everything in
//! that directory (glue, core wasm, split loader, parts) is served from there and may be cached
//! for good, since a new build is a new directory. A build's files are found from
//! `dist/apps.json`, what `cargo xtask build` wrote.

use porchlight_tests::{Edge, Reply};

fn apps() -> serde_json::Value {
    let dist = std::env::var("DIST_DIR").expect("DIST_DIR: run through `cargo xtask test`");
    let text = std::fs::read_to_string(format!("{dist}/apps.json")).expect("dist/apps.json");
    serde_json::from_str(&text).expect("apps.json is JSON")
}

fn get(edge: &Edge, path: &str) -> Reply {
    let reply = edge.request("GET", path, &[], None);
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
    reply
}

fn cache_control(reply: &Reply) -> &str {
    reply.header("cache-control").unwrap_or_default()
}

/// `app`'s page names its boot script, which names the build `apps.json` lists; that build's
/// files are served, cached for good, with their types.
fn serves_one_build(edge: &Edge, app: &str, page: &str) {
    let html = get(edge, page);
    assert!(
        html.body.contains(&format!("/{app}/boot.js")),
        "{page} loads /{app}/boot.js"
    );
    let listed = &apps()[app];
    let build = listed["build"].as_str().expect("a build");
    let boot = get(edge, &format!("/{app}/boot.js"));
    assert!(
        boot.body.contains(&format!("./{build}/")),
        "boot.js names build {build}: {}",
        boot.body
    );
    assert!(
        !cache_control(&boot).contains("immutable"),
        "boot.js is revalidated: {:?}",
        cache_control(&boot)
    );
    let parts = listed["parts"].as_array().expect("parts").iter();
    let built = listed["open"].as_array().expect("open").iter().chain(parts);
    for file in built.filter_map(|f| f.as_str()) {
        if !file.contains(build) {
            continue;
        }
        let reply = get(edge, &format!("/{file}"));
        let kind = reply.header("content-type").unwrap_or_default();
        if file.ends_with(".wasm") {
            assert_eq!(kind, "application/wasm", "{file}");
        } else {
            assert!(kind.starts_with("text/javascript"), "{file}: {kind}");
        }
        assert!(
            cache_control(&reply).contains("immutable"),
            "{file} is cached for good: {:?}",
            cache_control(&reply)
        );
    }
}

#[test]
fn the_widget_frame_loads_one_build_cached_for_good() {
    let edge = Edge::from_env();
    serves_one_build(
        &edge,
        "widget",
        &format!("/widget/frame?site={}", edge.site_id),
    );
}

#[test]
fn the_inbox_loads_one_build_cached_for_good() {
    let edge = Edge::from_env();
    serves_one_build(&edge, "inbox", "/inbox");
}

#[test]
fn a_build_that_is_not_there_is_not_found() {
    let edge = Edge::from_env();
    let reply = edge.request("GET", "/widget/0000000000/widget_bg.wasm", &[], None);
    assert_eq!(reply.status, 404);
}
