//! Files in the chat: uploading one the visitor picked or dropped, then sending it as a
//! message; and the `blob:` URLs through which the conversation's files are shown. All of it
//! but [`Chat::attach`] is the `files` part (`crate::parts`), loaded when first needed.
//!
//! A file's bytes are served only with the visitor's token, which an `<img src>` cannot send, so
//! they are fetched into `blob:` URLs (the frame's CSP allows `img-src blob:`) when first drawn,
//! once for the life of the page; the visitor's own uploads show from the file they picked, with
//! no fetch at all.

use client::http;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::routes;
use protocol::Attachment;

use super::{encode, Chat};
use crate::parts::FileLink;
use crate::view::fill;

impl Chat {
    /// A file the visitor picked or dropped: sent once the `files` part has loaded (if it
    /// cannot, the chat says so with a retry, and the visitor picks the file again).
    pub fn attach(self, file: web_sys::File) {
        spawn_local(async move {
            if self.parts.files.ready(self).await {
                if let Some(attach) = self.parts.loaded.get_value().attach {
                    attach(self, file);
                }
            }
        });
    }

    /// Checks a file the visitor picked or dropped against the site's limits, uploads it and
    /// sends it as a message of its own. What goes wrong is said in the notice.
    pub(crate) fn attach_now(self, file: web_sys::File) {
        if self.busy.get_untracked() || !self.may_write() {
            return;
        }
        let Some(limits) = self
            .config
            .with_untracked(|c| c.as_ref().and_then(|c| c.attachments.clone()))
        else {
            return;
        };
        if file.size() > f64::from(limits.max_bytes) {
            let most = domain::files::human_size(u64::from(limits.max_bytes));
            self.notice
                .set(Some(fill(&self.word(|t| &t.file_too_large), &most)));
            return;
        }
        let name = file.name();
        let site = self.params.with_value(|p| p.site.clone());
        let token = self
            .session
            .with_value(|s| s.as_ref().map(|s| s.visitor_token.clone()));
        self.busy.set(true);
        spawn_local(async move {
            let url = format!(
                "{}?site={}&name={}",
                routes::WidgetUpload::TEMPLATE,
                encode(&site),
                encode(&name)
            );
            let answer = http::send_file::<Attachment>("POST", &url, &file, token.as_deref()).await;
            self.busy.set(false);
            match answer {
                Ok(uploaded) => {
                    self.notice.set(None);
                    // The visitor's own file shows from their device.
                    if let Ok(local) = web_sys::Url::create_object_url_with_blob(&file) {
                        self.keep_file_url(&uploaded.id, local);
                    }
                    self.submit(String::new(), Some(uploaded));
                }
                Err(e) => self.notice.set(Some(self.failure(&e))),
            }
        });
    }

    /// How `file` is drawn in the log: a picture (opened full size in a new tab) or a link that
    /// saves the file, both with its name and size ("report.pdf (120 KB)"), from its `blob:`
    /// URL once it has one.
    pub(crate) fn file_link(self, file: &Attachment) -> FileLink {
        let image = file.is_image();
        let href = self.file_url(&file.id);
        FileLink {
            picture: image.then(|| href.clone()).flatten(),
            href,
            download: (!image).then(|| file.name.clone()),
            text: format!("{} ({})", file.name, domain::files::human_size(file.size)),
        }
    }

    /// The `blob:` URL of file `id`, once there is one; the first ask starts fetching it, and
    /// the log is redrawn when it arrives. Every file is fetched when first drawn, downloads
    /// too: the visitor's conversation holds few files, each within the site's size limit, and a
    /// link that must first fetch when clicked would need a second click.
    fn file_url(self, id: &str) -> Option<String> {
        if let Some(known) = self.files.with_value(|files| {
            files
                .iter()
                .find(|(f, _)| f == id)
                .map(|(_, url)| url.clone())
        }) {
            return known;
        }
        self.files
            .update_value(|files| files.push((id.to_owned(), None)));
        self.fetch_file(id.to_owned());
        None
    }

    /// Keeps `url` as file `id`'s and redraws the log with it.
    fn keep_file_url(self, id: &str, url: String) {
        self.files
            .update_value(|files| match files.iter_mut().find(|(f, _)| f == id) {
                Some((_, known)) => *known = Some(url),
                None => files.push((id.to_owned(), Some(url))),
            });
        self.lines.update(|_| {});
    }

    fn fetch_file(self, id: String) {
        let Some((conversation, token)) = self.session.with_value(|s| {
            s.as_ref()
                .map(|s| (s.conversation_id.clone(), s.visitor_token.clone()))
        }) else {
            return;
        };
        spawn_local(async move {
            let path = routes::WidgetAttachment::new(&conversation, &id).path_with(encode);
            // A file that cannot be fetched now stays a link without a target; the next
            // page load tries again.
            if let Ok(blob) = http::get_blob_url(&path, Some(&token)).await {
                self.keep_file_url(&id, blob);
            }
        });
    }
}
