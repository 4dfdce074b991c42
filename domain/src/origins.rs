//! Which sites may embed a site's chat: its allowed domains. The same list decides two things,
//! so they cannot disagree: the widget frame's `Content-Security-Policy: frame-ancestors` (the
//! browser refuses to show the frame anywhere else) and the `Origin` check on the config the
//! loader fetches (another site's page gets `403 origin_not_allowed`, and the loader takes
//! itself off that page). An empty list allows every site, as a new site starts.
//!
//! An entry is a CSP host source, kept to what both checks read alike: an optional scheme
//! (`https` when absent), a host or `*.` and a domain (subdomains only, as in CSP), and an
//! optional port (a number or `*`; absent: the scheme's default). Entries are stored normalised
//! (`Example.COM` → `https://example.com`), and shown back that way.

use crate::Rejection;

/// Most entries in a site's list.
pub const ALLOWED_DOMAINS_MAX: usize = 50;

/// One parsed entry or origin.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Source {
    scheme: String,
    /// Lower case; for an entry, may start with `*.`.
    host: String,
    /// `None`: the scheme's default; `Some("*")`: any.
    port: Option<String>,
}

impl Source {
    fn parse(text: &str, wildcards: bool) -> Option<Self> {
        let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.to_owned(), rest),
            None => ("https".to_owned(), text.as_str()),
        };
        if scheme != "https" && scheme != "http" {
            return None;
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let port = match port {
            None => None,
            Some("*") if wildcards => Some("*".to_owned()),
            Some(p) => {
                let n: u16 = p.parse().ok().filter(|n| *n > 0)?;
                let default = if scheme == "https" { 443 } else { 80 };
                (n != default).then(|| n.to_string())
            }
        };
        let domain = match host.strip_prefix("*.") {
            Some(domain) if wildcards => domain,
            _ => host,
        };
        let labels_ok = !domain.is_empty()
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        // A wildcard needs a real domain under it: `*.com` would allow half the web.
        let wildcard_ok = domain == host || domain.contains('.');
        (labels_ok && wildcard_ok && host.len() <= 253).then(|| Self {
            scheme,
            host: host.to_owned(),
            port,
        })
    }

    fn text(&self) -> String {
        match &self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Whether this entry admits `origin`.
    fn admits(&self, origin: &Self) -> bool {
        let host = match self.host.strip_prefix("*.") {
            Some(domain) => origin
                .host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => origin.host == self.host,
        };
        let port = self.port.as_deref() == Some("*") || self.port == origin.port;
        self.scheme == origin.scheme && host && port
    }
}

/// The list as stored: each entry normalised, duplicates dropped, in the given order.
pub fn validate(list: &[String]) -> Result<Vec<String>, Rejection> {
    if list.len() > ALLOWED_DOMAINS_MAX {
        return Err(Rejection::field(
            "allowed_domains",
            &format!("may have at most {ALLOWED_DOMAINS_MAX} entries"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let source = Source::parse(entry, true).ok_or_else(|| {
            Rejection::field(
                &format!("allowed_domains[{i}]"),
                "must be a domain such as `example.com`, `*.example.com` or `http://localhost:3000`",
            )
        })?;
        let text = source.text();
        if !out.contains(&text) {
            out.push(text);
        }
    }
    Ok(out)
}

/// Whether a page of `origin` (an `Origin` header: `scheme://host[:port]`) may embed the chat.
pub fn allows(list: &[String], origin: &str) -> bool {
    if list.is_empty() {
        return true;
    }
    let Some(origin) = Source::parse(origin, false) else {
        return false;
    };
    list.iter()
        .filter_map(|entry| Source::parse(entry, true))
        .any(|entry| entry.admits(&origin))
}

/// The frame's `frame-ancestors` sources: `*` for an empty list; otherwise the entries and
/// `'self'` (the Worker's own pages, such as the install page's preview).
pub fn frame_ancestors(list: &[String]) -> String {
    if list.is_empty() {
        return "*".to_owned();
    }
    let mut sources = vec!["'self'".to_owned()];
    sources.extend(
        list.iter()
            .filter_map(|entry| Source::parse(entry, true))
            .map(|s| s.text()),
    );
    sources.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> Vec<String> {
        validate(&entries.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn entries_are_normalised_and_deduplicated() {
        assert_eq!(
            list(&[
                "Example.COM",
                "https://example.com/",
                "*.example.com",
                "http://localhost:3000",
                "https://shop.example.com:443",
                "https://shop.example.com:*",
            ]),
            [
                "https://example.com",
                "https://*.example.com",
                "http://localhost:3000",
                "https://shop.example.com",
                "https://shop.example.com:*",
            ]
        );
    }

    #[test]
    fn bad_entries_name_their_index() {
        for bad in [
            "",
            "ftp://example.com",
            "example.com/path",
            "exa mple.com",
            "*.com",
            "*example.com",
            "example.com:0",
            "example.com:99999",
            "'self'",
            "*",
        ] {
            let err = validate(&["example.com".to_owned(), bad.to_owned()]).unwrap_err();
            assert!(err.message.contains("allowed_domains[1]"), "{bad}: {err:?}");
        }
        let many = vec!["example.com".to_owned(); ALLOWED_DOMAINS_MAX + 1];
        assert!(validate(&many).is_err());
    }

    #[test]
    fn origins_match_scheme_host_and_port() {
        let allowed = list(&["example.com", "*.shop.example", "http://localhost:3000"]);
        assert!(allows(&allowed, "https://example.com"));
        assert!(!allows(&allowed, "http://example.com"));
        assert!(!allows(&allowed, "https://www.example.com"));
        assert!(!allows(&allowed, "https://example.com:8443"));
        assert!(!allows(&allowed, "https://evil-example.com"));
        assert!(!allows(&allowed, "https://example.com.evil.test"));
        assert!(allows(&allowed, "https://a.shop.example"));
        assert!(allows(&allowed, "https://a.b.shop.example"));
        assert!(!allows(&allowed, "https://shop.example"));
        assert!(!allows(&allowed, "https://evilshop.example"));
        assert!(allows(&allowed, "http://localhost:3000"));
        assert!(!allows(&allowed, "http://localhost:3001"));
        assert!(!allows(&allowed, "null"));
        assert!(!allows(&allowed, "https://*.shop.example"));
        assert!(allows(&list(&["localhost:*"]), "https://localhost:1234"));
    }

    #[test]
    fn an_empty_list_allows_everyone() {
        assert!(allows(&[], "https://anywhere.test"));
        assert_eq!(frame_ancestors(&[]), "*");
    }

    #[test]
    fn frame_ancestors_lists_self_and_the_entries() {
        assert_eq!(
            frame_ancestors(&list(&["example.com", "http://localhost:3000"])),
            "'self' https://example.com http://localhost:3000"
        );
    }
}
