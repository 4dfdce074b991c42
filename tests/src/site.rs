//! Holding the demo site for one test: [`site_lock`] for tests that depend on its settings
//! staying as they are, [`SiteSettings`] for those that change them (put back when dropped).

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use protocol::routes;

use crate::{Edge, Reply};

static SITE: Mutex<()> = Mutex::new(());

/// Holds the demo site for one test (one at a time in a test binary), for tests that change its
/// settings or depend on them staying as they are.
pub fn site_lock() -> MutexGuard<'static, ()> {
    SITE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The demo site's chat settings, held for one test ([`site_lock`]) by the demo admin: the
/// settings found are put back when this is dropped.
pub struct SiteSettings {
    pub edge: Edge,
    /// The demo admin's session.
    pub cookie: String,
    /// The settings as found.
    pub original: protocol::settings::ChatSettings,
    _lock: MutexGuard<'static, ()>,
}

impl SiteSettings {
    pub fn hold() -> Self {
        let lock = site_lock();
        let edge = Edge::from_env();
        let cookie = edge.sign_in();
        let original = edge
            .request("GET", &edge.settings_path(), &[("cookie", &cookie)], None)
            .json();
        Self {
            edge,
            cookie,
            original,
            _lock: lock,
        }
    }

    /// `PUT` the site's settings as the admin.
    pub fn put(&self, settings: &protocol::settings::ChatSettings) -> Reply {
        self.put_raw(&serde_json::to_string(settings).expect("json"))
    }

    /// `PUT` this body as the site's settings.
    pub fn put_raw(&self, body: &str) -> Reply {
        self.edge.request(
            "PUT",
            &self.edge.settings_path(),
            &[
                ("cookie", &self.cookie),
                ("origin", &self.edge.url),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    }

    /// The public config as a browser sending `headers` gets it (asserted to be a 200).
    pub fn config_reply(&self, headers: &[(&str, &str)]) -> Reply {
        let reply = self.edge.request(
            "GET",
            &routes::WidgetConfig::new(&self.edge.site_id).path(),
            headers,
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply
    }

    pub fn config(&self) -> protocol::api::WidgetConfig {
        self.config_reply(&[]).json()
    }

    /// Waits (bounded) until the config satisfies `ok`: presence and capacity follow sockets,
    /// assignments and closes a moment after they happen.
    pub fn config_until(
        &self,
        what: &str,
        ok: impl Fn(&protocol::api::WidgetConfig) -> bool,
    ) -> protocol::api::WidgetConfig {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let config = self.config();
            if ok(&config) {
                return config;
            }
            assert!(
                Instant::now() < deadline,
                "config never became {what}: {config:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SiteSettings {
    fn drop(&mut self) {
        let _ = self.put(&self.original);
    }
}
