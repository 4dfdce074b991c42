//! The demo business page's server: a second origin (another port) that serves `www/demo/` the
//! way a customer's site would, under a strict Content-Security-Policy that allows the Worker's
//! origin and nothing inline. `{{EDGE}}` and `{{SITE}}` in HTML files become the Worker's origin
//! and the demo site's id, so the page carries exactly the snippet a site owner pastes.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{anyhow, Result};
use tiny_http::{Header, Response, Server};

use crate::tools::root;

pub struct HostServer {
    pub url: String,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

/// The host page's policy: what a careful site owner would run.
pub fn strict_csp(edge: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {edge}; frame-src {edge}; connect-src {edge}; \
         style-src 'self'; img-src 'self' {edge}"
    )
}

pub fn start(port: u16, edge: &str, site_id: &str) -> Result<HostServer> {
    let server = Arc::new(
        Server::http(("127.0.0.1", port))
            .map_err(|e| anyhow!("could not serve the demo page on 127.0.0.1:{port}: {e}"))?,
    );
    let url = format!("http://127.0.0.1:{port}");
    let dir = root().join("www/demo");
    let (edge, site) = (edge.to_owned(), site_id.to_owned());
    let worker = Arc::clone(&server);
    let thread = std::thread::spawn(move || {
        for request in worker.incoming_requests() {
            let response = respond(&dir, request.url(), &edge, &site);
            // The browser may have gone away; nothing to do about it.
            let _ = request.respond(response);
        }
    });
    Ok(HostServer {
        url,
        server,
        thread: Some(thread),
    })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("constant header names are valid")
}

fn respond(dir: &Path, url: &str, edge: &str, site: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(file) = resolve(dir, path) else {
        return Response::from_string("not found").with_status_code(404);
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return Response::from_string("not found").with_status_code(404);
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let content_type = match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    };
    let body = if ext == "html" {
        String::from_utf8_lossy(&bytes)
            .replace("{{EDGE}}", edge)
            .replace("{{SITE}}", site)
            .into_bytes()
    } else {
        bytes
    };
    Response::from_data(body)
        .with_header(header("content-type", content_type))
        .with_header(header("content-security-policy", &strict_csp(edge)))
        .with_header(header("cache-control", "no-store"))
}

/// Maps a URL path to a file under `dir`; refuses anything that would leave it.
fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = dir.join(relative);
    if file.is_dir() || path.ends_with('/') {
        Some(file.join("index.html"))
    } else {
        Some(file)
    }
}

impl Drop for HostServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_demo_folder() {
        let dir = Path::new("/srv/demo");
        assert_eq!(resolve(dir, "/../secret"), None);
        assert_eq!(resolve(dir, "/a/../../b"), None);
        assert_eq!(
            resolve(dir, "/demo.css"),
            Some(PathBuf::from("/srv/demo/demo.css"))
        );
        assert_eq!(
            resolve(dir, "/"),
            Some(PathBuf::from("/srv/demo/index.html"))
        );
    }

    #[test]
    fn csp_allows_the_edge_and_nothing_inline() {
        let csp = strict_csp("http://127.0.0.1:8787");
        assert!(csp.contains("script-src 'self' http://127.0.0.1:8787"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("wasm-unsafe-eval"));
    }
}
