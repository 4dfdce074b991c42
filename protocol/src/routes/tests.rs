//! The route table read back, escaped, and held to docs/api.md.

use super::*;

fn parse<'a>(method: Method, path: &'a str) -> Result<Route<'a>, Unrouted> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    Route::parse(Some(method), &segments)
}

#[test]
fn a_path_reads_back_as_its_route() {
    let notes = Notes::new("c1");
    assert_eq!(notes.path(), "/api/agent/conversations/c1/notes");
    assert_eq!(parse(Method::Get, &notes.path()), Ok(Route::Notes(notes)));
    let add = AddNote::new("c1");
    assert_eq!(parse(Method::Post, &add.path()), Ok(Route::AddNote(add)));
    let token = ReplaceToken::new("s", "k");
    assert_eq!(
        parse(Method::Put, &token.path()),
        Ok(Route::ReplaceToken(token))
    );
    assert_eq!(Home::new().path(), "/");
    assert_eq!(parse(Method::Get, "/"), Ok(Route::Home(Home::new())));
}

#[test]
fn literal_segments_win_over_values_in_table_order() {
    let current = WidgetCurrent::new();
    assert_eq!(
        parse(Method::Get, "/api/widget/conversations/current"),
        Ok(Route::WidgetCurrent(current))
    );
    assert_eq!(
        parse(Method::Get, "/api/agent/inbox/socket"),
        Ok(Route::ListSocket(ListSocket::new()))
    );
}

#[test]
fn a_known_path_under_another_method_is_not_allowed() {
    assert_eq!(
        parse(Method::Put, "/api/widget/conversations"),
        Err(Unrouted::MethodNotAllowed)
    );
    assert_eq!(
        Route::parse(None, &["api", "agent", "me"]),
        Err(Unrouted::MethodNotAllowed)
    );
    assert_eq!(
        parse(Method::Get, "/api/nothing-here"),
        Err(Unrouted::NotFound)
    );
    assert_eq!(
        parse(Method::Get, "/api/agent/conversations/c1/nothing"),
        Err(Unrouted::NotFound)
    );
}

/// docs/api.md is the API's reference for site owners and integrations: every route in the
/// table is documented there under its method and path, and every route documented is served.
#[test]
fn the_table_is_the_documented_api() {
    let docs = include_str!("../../../docs/api.md");
    let undocumented: Vec<String> = TABLE
        .iter()
        .map(|(method, template)| format!("`{} {template}", method.as_str()))
        .filter(|line| !docs.contains(line.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "docs/api.md does not document {undocumented:?}"
    );
    let documented = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(route, _)| route))
        .filter_map(|route| route.split_once(' '))
        .filter(|(method, path)| {
            ["GET", "POST", "PUT", "DELETE"].contains(method) && path.starts_with('/')
        });
    let unserved: Vec<String> = documented
        .map(|(method, path)| (method, path.split('?').next().unwrap_or(path)))
        // Static assets (`/embed.js`) are served by the platform, not the router.
        .filter(|(_, path)| !path.ends_with(".js"))
        .filter(|(method, path)| {
            !TABLE
                .iter()
                .any(|(m, t)| m.as_str() == *method && t == path)
        })
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        unserved.is_empty(),
        "docs/api.md documents {unserved:?}, which no route serves"
    );
}

#[test]
fn values_are_escaped_as_one_segment() {
    assert_eq!(
        Notes::new("a/b?c#d%").path(),
        "/api/agent/conversations/a%2Fb%3Fc%23d%25/notes"
    );
    assert_eq!(Route::Close(Close::new("x")).method(), Method::Post);
}
